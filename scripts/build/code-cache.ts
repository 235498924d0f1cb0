/**
 * The opt-in V8 code cache (`npm run build -- --code-cache`), shaped like ncc's: the bundle moves to
 * index.bundle.js (in Node's module wrapper), index.v8cache sits beside it, index.js becomes a short loader. V8 checks
 * only a cache's source length and, in release builds, no checksum of its payload: the loader
 * checks the Node, a sha256 of the source and of the cache, and otherwise compiles normally. A
 * cache is taken only by the exact Node (and V8 flags) that made it, so it is made in a child of
 * that Node, after one warm call against the local cloud so the call path is compiled too.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module = require('node:module');
import * as path from 'node:path';
import { functionEnvironment } from '../../localcloud/invoke';
import { startLocalCloud } from '../../localcloud/server';

export const BUNDLE_FILE = 'index.bundle.js';
export const CACHE_FILE = 'index.v8cache';
/** globalThis[Symbol.for(…)]: { outcome, script } — what became of the cache, for debugging and the maker. */
export const CACHE_STATUS_KEY = 'wx-logistics-cloud.codeCache';

// The cache file's format, in plain JavaScript for the maker (code-cache-child.js) and the loader.
const cacheFile = require('./code-cache-file.js') as {
  sha256(data: string | Buffer): string;
  cacheFileBytes(header: object, data: Buffer): Buffer;
  readCacheFile(file: Buffer): { header: Record<string, unknown>; data: Buffer };
  cacheHeader(source: string, data: Buffer): Record<string, unknown>;
  cacheRefusal(header: Record<string, unknown>, source: string, data: Buffer): string | undefined;
};
export const { cacheFileBytes, readCacheFile } = cacheFile;

export const CACHE_LOADER = `'use strict';
// Runs ./${BUNDLE_FILE} with the V8 code cache ./${CACHE_FILE} when this very Node made it for this very
// source, else compiles it normally (made by npm run build -- --code-cache; see docs/performance.md).
const fs = require('fs');
const path = require('path');
const vm = require('vm');
${[cacheFile.sha256, cacheFile.readCacheFile, cacheFile.cacheRefusal].join('\n')}
const filename = path.join(__dirname, '${BUNDLE_FILE}');
const source = fs.readFileSync(filename, 'utf8');
let outcome = 'corrupt';
let cachedData;
try {
  const { header, data } = readCacheFile(fs.readFileSync(path.join(__dirname, '${CACHE_FILE}')));
  outcome = cacheRefusal(header, source, data);
  if (outcome === undefined) cachedData = data;
} catch (error) {
  if (error && error.code === 'ENOENT') outcome = 'absent';
}
const script = new vm.Script(source, { filename, cachedData });
if (cachedData) outcome = script.cachedDataRejected ? 'rejected' : 'accepted';
Object.defineProperty(globalThis, Symbol.for('${CACHE_STATUS_KEY}'), { value: { outcome, script }, configurable: true });
script.runInThisContext().call(module.exports, module.exports, require, module, __filename, __dirname);
`;

/** The Node a cache is made with and for, and the options the cloud starts it with (V8 refuses a cache made under other flags). */
export interface CacheRuntime {
  nodeBinary: string;
  nodeArgs?: readonly string[];
}

export type NodeRun = { code: number | null; stdout: string; stderr: string };

/** Runs `node <args>` (killed after 60 s) and collects its output. */
export function runNode(args: readonly string[], env: Record<string, string>, cwd?: string, runtime: CacheRuntime = { nodeBinary: process.execPath }): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(runtime.nodeBinary, [...(runtime.nodeArgs ?? []), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: Record<'stdout' | 'stderr', Buffer[]> = { stdout: [], stderr: [] };
    child.stdout.on('data', (chunk: Buffer) => output.stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(output.stdout).toString('utf8'), stderr: Buffer.concat(output.stderr).toString('utf8') });
    });
  });
}

const WARM_UP_OPENID = 'code-cache-warm-up-admin';

/** Turns the built <functionDir>/index.js into loader + bundle + cache for `runtime`; returns warnings. */
export async function addCodeCache(functionDir: string, functionName: string, warmUpEvent: unknown, runtime: CacheRuntime): Promise<string[]> {
  // Stored wrapped as Node would wrap it: the loader compiles the file's text without a concatenated copy (1 MiB less RSS).
  writeFileSync(path.join(functionDir, BUNDLE_FILE), `${Module.wrap(readFileSync(path.join(functionDir, 'index.js'), 'utf8'))}\n`);
  writeFileSync(path.join(functionDir, 'index.js'), CACHE_LOADER);
  const cloud = await startLocalCloud({ functionsDir: path.dirname(functionDir), knownUsers: [WARM_UP_OPENID] });
  const caller = { openid: WARM_UP_OPENID, source: 'wx_client' };
  const env = functionEnvironment({ functionDir, functionName, cloudUrl: cloud.functionUrl(functionName), caller, env: { LOGISTICS_ADMIN_OPENIDS: WARM_UP_OPENID } });
  try {
    const made = await runNode([path.join(__dirname, 'code-cache-child.js'), functionDir, JSON.stringify(warmUpEvent)], env, functionDir, runtime);
    if (made.code !== 0) throw new Error(`making the code cache of ${functionName} failed (exit ${made.code}):\n${made.stderr}`);
    const script = `require('./index.js'); process.stdout.write(globalThis[Symbol.for('${CACHE_STATUS_KEY}')].outcome);`;
    const check = await runNode(['-e', script], env, functionDir, runtime);
    if (check.stdout !== 'accepted') {
      rmSync(path.join(functionDir, CACHE_FILE), { force: true });
      throw new Error(`the code cache made for ${functionName} was not accepted by ${runtime.nodeBinary} (${check.stdout || check.stderr})`);
    }
    return cloud.requestCount({ functionName }) > 0 ? [] : [`${functionName}: the warm call behind its code cache made no cloud call, so the cache covers less (src/warm-up.json: an event that calls)`];
  } finally {
    await cloud.close();
  }
}
