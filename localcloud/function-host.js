'use strict';
/**
 * The function's container: plain node (no ts-node, no jest), started by invoke.ts with the
 * environment the cloud gives a function. Loads the built index.js once, as a cold start does, then
 * runs main(event, context) for every event the parent sends over IPC, as a warm container does.
 *
 * Plain JavaScript on purpose: the function must run exactly as it will be deployed.
 *
 * IPC, parent → child: { type: 'invoke', id, event, context } | { type: 'exit' }
 *      child → parent: { type: 'ready' } | { type: 'returned', id, result } | { type: 'threw', id, error }
 */

const entry = process.argv[2];
if (!entry || typeof process.send !== 'function') {
  console.error('function-host: run by localcloud/invoke.ts, with the function entry file as argument');
  process.exit(2);
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
    process.send(message);
  } catch (error) {
    // The real cloud serialises the result as JSON too; one that cannot be is the function's error.
    process.send({ type: 'threw', id: message.id, error: { name: 'SerializationError', message: String(error && error.message) } });
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
