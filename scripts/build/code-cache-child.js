'use strict';
// Run by code-cache.ts in the Node the cache is for (plain JavaScript: it may be Node 16): loads
// index.js as the cloud does, with no cache yet, makes one warm call of main(event) so the call
// path is compiled too, then writes index.v8cache (code-cache-file.js).
// argv: <function folder> <event as JSON>
const fs = require('fs');
const path = require('path');
const { cacheFileBytes, cacheHeader } = require('./code-cache-file.js');
const [dir, eventJson] = process.argv.slice(2);

(async () => {
  const { main } = require(path.join(dir, 'index.js'));
  const { outcome, script } = globalThis[Symbol.for('wx-logistics-cloud.codeCache')];
  if (outcome !== 'absent') throw new Error(`expected a load without a cache, got ${outcome}`);
  await main(JSON.parse(eventJson));
  const data = script.createCachedData();
  const source = fs.readFileSync(path.join(dir, 'index.bundle.js'), 'utf8');
  fs.writeFileSync(path.join(dir, 'index.v8cache'), cacheFileBytes(cacheHeader(source, data), data));
})().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${(error && error.stack) || error}\n`);
    process.exit(1);
  },
);
