'use strict';
// index.v8cache, its format spelled out once: one line of JSON (the Node that made it, sha256 of the
// source and of V8's bytes), then V8's bytes. Plain JavaScript: the maker runs on the runtime's Node
// (maybe 16), and the loader, which deploys alone, carries these functions' text (code-cache.ts).
function sha256(data) {
  return require('crypto').createHash('sha256').update(data).digest('hex');
}
function cacheFileBytes(header, data) {
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, 'latin1'), data]);
}
function readCacheFile(file) {
  const newline = file.indexOf(10);
  return { header: JSON.parse(file.toString('latin1', 0, newline)), data: file.subarray(newline + 1) };
}
/** The header of a cache of `source` made by this Node. */
function cacheHeader(source, data) {
  return { node: process.version, v8: process.versions.v8, arch: process.arch, sourceSha256: sha256(source), cacheSha256: sha256(data) };
}
/** Why this Node may not take a cache with this header (undefined: it may). */
function cacheRefusal(header, source, data) {
  if (header.node !== process.version || header.v8 !== process.versions.v8 || header.arch !== process.arch) return 'other-runtime';
  if (header.sourceSha256 !== sha256(source)) return 'stale-source';
  return header.cacheSha256 === sha256(data) ? undefined : 'corrupt';
}
module.exports = { sha256, cacheFileBytes, readCacheFile, cacheHeader, cacheRefusal };
