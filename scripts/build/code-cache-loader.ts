/**
 * The deployable index.js: a small loader followed by the whole bundle inside one block comment,
 * and the format of the V8 code cache that may sit beside it (CODE_CACHE_FILE).
 *
 * Why: Node would compile a plain 0.6 MB bundle from scratch at every cold start. Here Node only
 * scans a comment; the loader compiles the bundle itself with `vm.Script`, handing V8 the code cache
 * made at build time after one warm call, so the load and the first call skip most compilation.
 *
 * Why it is safe:
 * - The cache is optional. Missing, unreadable, malformed, made by another Node/V8 or arch, for
 *   another source (checked by sha256 of the source itself: V8 only checks its length), corrupt
 *   (sha256 of the cache bytes: release V8 does not checksum the payload), or rejected by V8 (flags
 *   differ) — every case compiles the same source normally, with the same result.
 * - The bundle is compiled as one function with Node's CommonJS parameters and `this`, as Node would
 *   (exports, require, module, __filename, __dirname), with index.js as its file name and line
 *   offsets such that stack traces point at the right lines of index.js.
 * - The embedded text is the bundle with comments removed (embeddable-source.ts proves it is the
 *   same program).
 */

/** The code cache's file name, beside index.js. */
export const CODE_CACHE_FILE = 'index.v8cache';
/** The cache file's first line is a JSON header (this format), then the V8 cache bytes. */
export const CODE_CACHE_FORMAT = 'wx-logistics-code-cache/1';
/** Where the loader reports what became of the cache (and the compiled script, for the cache maker). */
export const LOADER_STATUS_KEY = 'wx-logistics-cloud.codeCache';

export interface CodeCacheHeader {
  format: typeof CODE_CACHE_FORMAT;
  /** process.version, process.versions.v8, process.arch of the Node that made the cache. */
  node: string;
  v8: string;
  arch: string;
  sourceLength: number;
  sourceSha256: string;
  cacheSha256: string;
}

/** What the loader leaves at globalThis[Symbol.for(LOADER_STATUS_KEY)]. */
export type CodeCacheOutcome =
  /** V8 used the cache. */
  | 'accepted'
  /** No cache file. */
  | 'absent'
  /** Made by another Node, V8 or arch: not offered to V8. */
  | 'other-runtime'
  /** Made for a different source (sha256 or length differs). */
  | 'stale-source'
  /** The cache bytes do not match their sha256, or the header is malformed or unreadable. */
  | 'corrupt'
  /** Offered, and refused by V8 itself (e.g. different V8 flags). */
  | 'rejected';

export interface LoaderStatus {
  outcome: CodeCacheOutcome;
  /** The compiled bundle, whose createCachedData() the cache maker calls after a warm call. */
  script: { createCachedData(): Buffer };
  sourceLength: number;
}

const BUNDLE_FUNCTION = 'wxLogisticsBundle';
/** The bundle sits between this and the comment's end; the loader slices its own text there. */
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {';
const WRAPPER_TAIL = '\n})';

/**
 * The loader, plain JavaScript for Node 16+ (no build step runs on it). It keeps no closure alive
 * after loading, so nothing but the compiled bundle refers to the source text.
 */
function loaderSource(lineOffset: number, columnOffset: number): string {
  return `'use strict';
// Loads the cloud function below (a bundle, kept in a comment so Node does not compile it) with the
// V8 code cache ./${CODE_CACHE_FILE} when that cache was made by this very Node for this very source.
// Made by scripts/build.ts; see docs/performance.md. Works the same without the cache file.
(function loadWithCodeCache() {
  const fs = require('fs');
  const path = require('path');
  const vm = require('vm');
  const crypto = require('crypto');
  const text = ${BUNDLE_FUNCTION}.toString();
  // A slice of this file's own source text: the bundle is held in memory once.
  const source = text.slice(text.indexOf('/*') + 2, text.lastIndexOf('*/'));
  const sha256 = (data) => {
    const hash = crypto.createHash('sha256');
    // In slices: hashing a 0.6 MB string at once would copy it whole.
    if (typeof data === 'string') for (let at = 0; at < data.length; at += 262144) hash.update(data.slice(at, at + 262144), 'latin1');
    else hash.update(data);
    return hash.digest('hex');
  };
  let outcome = 'absent';
  let cachedData;
  let file;
  try {
    file = fs.readFileSync(path.join(__dirname, '${CODE_CACHE_FILE}'));
  } catch (error) {
    if (error === null || typeof error !== 'object' || error.code !== 'ENOENT') outcome = 'corrupt';
  }
  if (file !== undefined) {
    outcome = 'corrupt';
    try {
      const newline = file.indexOf(10);
      const header = newline > 0 ? JSON.parse(file.toString('latin1', 0, newline)) : undefined;
      const data = file.subarray(newline + 1);
      if (header === undefined || header === null || header.format !== '${CODE_CACHE_FORMAT}') {
        outcome = 'corrupt';
      } else if (header.node !== process.version || header.v8 !== process.versions.v8 || header.arch !== process.arch) {
        outcome = 'other-runtime';
      } else if (header.sourceLength !== source.length || header.sourceSha256 !== sha256(source)) {
        outcome = 'stale-source';
      } else if (header.cacheSha256 === sha256(data)) {
        cachedData = data;
      }
    } catch (error) {
      outcome = 'corrupt';
    }
  }
  const script = new vm.Script(source, { filename: __filename, lineOffset: ${lineOffset}, columnOffset: ${columnOffset}, cachedData });
  if (cachedData !== undefined) outcome = script.cachedDataRejected ? 'rejected' : 'accepted';
  Object.defineProperty(globalThis, Symbol.for('${LOADER_STATUS_KEY}'), {
    value: Object.freeze({ outcome, script, sourceLength: source.length }),
    configurable: true,
  });
  script.runInThisContext().call(module.exports, module.exports, require, module, __filename, __dirname);
})();
`;
}

/** index.js: the loader, then the bundle (already made embeddable) in a comment. */
export function loaderWithEmbeddedBundle(embeddableBundle: string): string {
  if (embeddableBundle.includes('*/')) throw new Error('the bundle contains "*/"; run makeEmbeddable first');
  // The loader's own line count does not depend on the offsets it prints, so measure with zeros.
  const loaderLines = loaderSource(0, 0).split('\n').length - 1;
  const opening = `function ${BUNDLE_FUNCTION}() {/*`;
  // The source starts on the opening's line, after it: V8 numbers that line `loaderLines` (0-based).
  const loader = loaderSource(loaderLines, opening.length);
  return `${loader}${opening}${WRAPPER_HEAD}${embeddableBundle}${WRAPPER_TAIL}*/}\n`;
}

/** The exact source text the loader compiles, read back from an index.js (for the cache maker and tests). */
export function embeddedSource(indexJs: string): string {
  const opening = `function ${BUNDLE_FUNCTION}() {/*`;
  const start = indexJs.indexOf(opening);
  const end = indexJs.lastIndexOf('*/}');
  if (start === -1 || end === -1) throw new Error('not an index.js made by loaderWithEmbeddedBundle');
  return indexJs.slice(start + opening.length, end);
}
