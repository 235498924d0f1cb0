'use strict';
/**
 * The function's container: plain node (no ts-node, no jest), started by invoke.ts with the
 * environment the cloud gives a function. Loads the built index.js once, as a cold start does, then
 * runs main(event, context) for every event the parent sends over IPC, as a warm container does.
 *
 * Plain JavaScript on purpose: the function must run exactly as it will be deployed.
 *
 * IPC, parent → child: { type: 'invoke', id, event, context } | { type: 'exit' }
 *      child → parent: { type: 'ready' } | { type: 'returned', id, result, printed } | { type: 'threw', id, error, printed }
 *      (printed: bytes written to stdout and stderr until then)
 */

const entry = process.argv[2];
if (!entry || typeof process.send !== 'function') {
  console.error('function-host: run by localcloud/invoke.ts, with the function entry file as argument');
  process.exit(2);
}

/**
 * Bytes handed to stdout and stderr so far, sent with every reply: the two travel apart from the
 * IPC channel, so the parent waits until it has read this much before it reports the invocation.
 */
const printed = { stdout: 0, stderr: 0 };
for (const name of ['stdout', 'stderr']) {
  const stream = process[name];
  const write = stream.write;
  stream.write = function countedWrite(chunk, encoding) {
    if (typeof chunk === 'string') printed[name] += Buffer.byteLength(chunk, typeof encoding === 'string' ? encoding : 'utf8');
    else if (chunk && typeof chunk.byteLength === 'number') printed[name] += chunk.byteLength;
    return write.apply(this, arguments);
  };
}

// A load error crashes the process with its stack on stderr: the parent reports a crash.
const { main } = require(entry);
if (typeof main !== 'function') {
  console.error(`function-host: ${entry} does not export main`);
  process.exit(3);
}

/** What the parent learns about a thrown value: only plain, JSON-safe fields. */
function describeThrown(thrown) {
  if (typeof thrown !== 'object' || thrown === null) return { name: typeof thrown, message: String(thrown) };
  const described = {
    name: typeof thrown.name === 'string' ? thrown.name : 'Object',
    message: typeof thrown.message === 'string' ? thrown.message : '',
  };
  if (typeof thrown.errCode === 'number') described.errCode = thrown.errCode;
  if (typeof thrown.errMsg === 'string') described.errMsg = thrown.errMsg;
  return described;
}

function reply(message) {
  try {
    process.send({ ...message, printed: { ...printed } });
  } catch (error) {
    // The real cloud serialises the result as JSON too; one that cannot be is the function's error.
    process.send({ type: 'threw', id: message.id, error: { name: 'SerializationError', message: String(error && error.message) }, printed: { ...printed } });
  }
}

process.on('message', (message) => {
  if (message && message.type === 'exit') process.exit(0);
  if (!message || message.type !== 'invoke') return;
  const { id, event, context } = message;
  Promise.resolve()
    .then(() => main(event, context))
    .then(
      (result) => reply({ type: 'returned', id, result: result === undefined ? null : result }),
      (thrown) => reply({ type: 'threw', id, error: describeThrown(thrown) }),
    );
});

// The parent gone (or done with us): the container is recycled, whatever is still pending.
process.on('disconnect', () => process.exit(0));

process.send({ type: 'ready' });
