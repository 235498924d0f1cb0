'use strict';
/**
 * Warm calls in one process, on the same SDK instance, in rotating order: the raw SDK call, our
 * main(event) (authorise, validate, call, envelope, audit line) and the thinnest wrapper with the
 * same duties (warm-entry.ts). With `quiet`, console.log is a no-op for the whole run, so the
 * cost of writing the log line can be told apart from the rest. Reports per-call durations (ms)
 * on fd 3.
 *
 * argv: <warm bundle> <event as JSON> <raw params as JSON> <warm-up calls> <rounds> <logged|quiet>
 */
const fs = require('fs');

const [entry, eventJson, paramsJson, warmUpText, roundsText, logMode] = process.argv.slice(2);
if (logMode === 'quiet') console.log = () => {};
const { main, rawCall, thinnestMain } = require(entry);
const event = JSON.parse(eventJson);
const params = JSON.parse(paramsJson);

const calls = {
  raw: () => rawCall(params),
  ours: () => main(event),
  thinnest: () => thinnestMain(event),
};
const succeeded = {
  raw: (result) => result && result.errCode === 0,
  ours: (result) => result && result.ok === true,
  thinnest: (result) => result && result.ok === true,
};
const names = Object.keys(calls);

async function timed(name) {
  const start = process.hrtime.bigint();
  const result = await calls[name]();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (!succeeded[name](result)) throw new Error(`${name} did not succeed: ${JSON.stringify(result)}`);
  return ms;
}

async function measure() {
  for (let i = 0; i < Number(warmUpText); i += 1) for (const name of names) await timed(name);
  const durations = { raw: [], ours: [], thinnest: [] };
  for (let round = 0; round < Number(roundsText); round += 1) {
    // Rotate the order, so no call always follows the same one.
    for (let k = 0; k < names.length; k += 1) {
      const name = names[(round + k) % names.length];
      durations[name].push(await timed(name));
    }
  }
  fs.writeSync(3, `${JSON.stringify(durations)}\n`);
}

measure().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error && error.stack}\n`);
    process.exit(1);
  },
);
