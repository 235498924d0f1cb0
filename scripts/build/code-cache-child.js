'use strict';
/**
 * Makes a built function's V8 code cache, run by make-code-cache.ts in a fresh process of the Node
 * binary the cache is for (plain JavaScript: that Node may be 16 and runs no build tools).
 *
 * Loads index.js exactly as the cloud will (its own loader compiles the bundle), makes one warm call
 * of main(event) so the call path is compiled too, then serialises the compiled bundle.
 *
 * argv: <index.js> <cache file> <format> <status key> <event as JSON>
 * stdout: one JSON line { outcome, envelope, cacheBytes }.
 */
const fs = require('fs');
const crypto = require('crypto');

async function makeCodeCache() {
  const [indexJs, cacheFile, format, statusKey, eventJson] = process.argv.slice(2);
  const { main } = require(indexJs);
  const status = globalThis[Symbol.for(statusKey)];
  if (!status || status.outcome !== 'absent') throw new Error(`expected a load without a cache, got ${status && status.outcome}`);
  const envelope = await main(JSON.parse(eventJson));

  // The source the loader compiled: the text between the bundle function's comment markers.
  const text = fs.readFileSync(indexJs, 'latin1');
  const opening = text.indexOf('{/*', text.indexOf('function wxLogisticsBundle()'));
  const source = text.slice(opening + 3, text.lastIndexOf('*/}'));
  if (source.length !== status.sourceLength) throw new Error(`source length ${source.length} differs from the loader's ${status.sourceLength}`);

  const data = status.script.createCachedData();
  const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');
  const header = {
    format,
    node: process.version,
    v8: process.versions.v8,
    arch: process.arch,
    sourceLength: source.length,
    sourceSha256: sha256(Buffer.from(source, 'latin1')),
    cacheSha256: sha256(data),
  };
  fs.writeFileSync(cacheFile, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, 'latin1'), data]));
  process.stdout.write(`${JSON.stringify({ outcome: status.outcome, envelope, cacheBytes: data.length })}\n`);
}

makeCodeCache().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  },
);
