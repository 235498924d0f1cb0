'use strict';
/**
 * Loads a cloud function (its index.js, in a fresh process, as the cloud does), calls main(event)
 * once, and prints one JSON line: what the code cache loader did (if it ran), the exported names,
 * what main returned and which files of the function's folder Node loaded.
 *
 * argv: <index.js> <event as JSON>
 */
const path = require('path');

const [entry, eventJson] = process.argv.slice(2);

async function callMain() {
  const exported = require(entry);
  const status = globalThis[Symbol.for('wx-logistics-cloud.codeCache')];
  const result = typeof exported.main === 'function' ? await exported.main(JSON.parse(eventJson)) : undefined;
  // The function folder's files Node loaded, by name: what the cold start read.
  const folder = path.dirname(path.resolve(entry));
  const loaded = Object.keys(require.cache).filter((file) => path.dirname(file) === folder).map((file) => path.basename(file));
  process.stdout.write(`\n${JSON.stringify({ outcome: status ? status.outcome : 'no-loader', exports: Object.keys(exported), result, loaded })}\n`);
}

callMain().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  },
);
