'use strict';
/**
 * Warm calls in one process: our main(event) (authorise, validate, call, envelope, audit line)
 * against the raw SDK call it wraps, on the same SDK instance, alternating. Reports per-call
 * durations (ms) on fd 3.
 *
 * argv: <warm bundle exporting main and rawCall> <event as JSON> <raw params as JSON> <warm-up calls> <pairs>
 */
const fs = require('fs');

const [entry, eventJson, paramsJson, warmUpText, pairsText] = process.argv.slice(2);
const { main, rawCall } = require(entry);
const event = JSON.parse(eventJson);
const params = JSON.parse(paramsJson);

async function timed(call) {
  const start = process.hrtime.bigint();
  const result = await call();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

async function measure() {
  for (let i = 0; i < Number(warmUpText); i += 1) {
    await main(event);
    await rawCall(params);
  }
  const ours = [];
  const raw = [];
  for (let i = 0; i < Number(pairsText); i += 1) {
    // Alternate which goes first, so neither always follows the other.
    const first = i % 2 === 0;
    const a = await timed(first ? () => main(event) : () => rawCall(params));
    const b = await timed(first ? () => rawCall(params) : () => main(event));
    const [mainCall, rawSdkCall] = first ? [a, b] : [b, a];
    if (!mainCall.result || mainCall.result.ok !== true) throw new Error(`main did not succeed: ${JSON.stringify(mainCall.result)}`);
    if (!rawSdkCall.result || rawSdkCall.result.errCode !== 0) throw new Error(`raw call did not succeed: ${JSON.stringify(rawSdkCall.result)}`);
    ours.push(mainCall.ms);
    raw.push(rawSdkCall.ms);
  }
  fs.writeSync(3, `${JSON.stringify({ ours, raw })}\n`);
}

measure().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error && error.stack}\n`);
    process.exit(1);
  },
);
