'use strict';
/**
 * Loads a cloud function (its index.js, in a fresh process, as the cloud does), calls main(event)
 * once, and prints one JSON line: what the code cache loader did (if it ran), the exported names
 * and what main returned.
 *
 * argv: <index.js> <event as JSON>
 */
const [entry, eventJson] = process.argv.slice(2);

async function callMain() {
  const exported = require(entry);
  const status = globalThis[Symbol.for('wx-logistics-cloud.codeCache')];
  const result = typeof exported.main === 'function' ? await exported.main(JSON.parse(eventJson)) : undefined;
  process.stdout.write(`\n${JSON.stringify({ outcome: status ? status.outcome : 'no-loader', exports: Object.keys(exported), result })}\n`);
}

callMain().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  },
);
