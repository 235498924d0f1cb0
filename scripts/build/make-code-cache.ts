/**
 * Makes and checks a built function's V8 code cache (code-cache-loader.ts), in child processes of
 * the Node binary the cache is for, against a loopback responder (openapi-responder.ts).
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { CODE_CACHE_FILE, CODE_CACHE_FORMAT, LOADER_STATUS_KEY, type CodeCacheOutcome } from './code-cache-loader';

const CHILD = path.join(__dirname, 'code-cache-child.js');
/** The caller of the warm call; made an admin of the function so the call is authorised. */
const WARM_UP_OPENID = 'code-cache-warm-up-admin';
const CHILD_TIMEOUT_MS = 60_000;

/**
 * The environment the cloud gives a function (see localcloud/invoke.ts), pointing the SDK at `cloudUrl`.
 * Built from nothing but PATH: NODE_OPTIONS or other V8 flags would make a cache V8 rejects later.
 */
export function functionTestEnvironment(functionName: string, cloudUrl: string, openid = WARM_UP_OPENID): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_REGION: 'ap-shanghai',
    TENCENTCLOUD_SECRETID: 'local-secret-id',
    TENCENTCLOUD_SECRETKEY: 'local-secret-key',
    SCF_NAMESPACE: 'local-env',
    SCF_FUNCTIONNAME: functionName,
    TCB_ENV: 'local-env',
    TCB_CONTEXT_KEYS: 'TCB_ENV,TCB_SOURCE',
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: cloudUrl }),
    WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID',
    WX_OPENID: openid,
    WX_APPID: 'wx-local-appid',
    TCB_SOURCE: 'wx_client',
    LOGISTICS_ADMIN_OPENIDS: openid,
  };
}

interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The Node a cache is made with and for: V8 refuses a cache made under other flags (even --max-old-space-size). */
export interface CacheRuntime {
  nodeBinary: string;
  /** Node/V8 options the function runs with in the cloud, if any. */
  nodeArgs?: readonly string[];
}

function runNode(runtime: CacheRuntime, args: readonly string[], env: Record<string, string>, cwd: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(runtime.nodeBinary, [...(runtime.nodeArgs ?? []), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
}

function lastJsonLine<T>(stdout: string): T {
  const line = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as T;
}

export interface MadeCodeCache {
  file: string;
  bytes: number;
  /** What main returned for the warm call (the cache is still valid if this was not a success). */
  warmUpEnvelope: unknown;
}

/** Writes <functionDir>/index.v8cache for `nodeBinary`, after one warm call of main(event). */
export async function makeCodeCache(options: {
  functionDir: string;
  functionName: string;
  event: unknown;
  cloudUrl: string;
  runtime: CacheRuntime;
}): Promise<MadeCodeCache> {
  const file = path.join(options.functionDir, CODE_CACHE_FILE);
  rmSync(file, { force: true });
  const args = [CHILD, path.join(options.functionDir, 'index.js'), file, CODE_CACHE_FORMAT, LOADER_STATUS_KEY, JSON.stringify(options.event)];
  const result = await runNode(options.runtime, args, functionTestEnvironment(options.functionName, options.cloudUrl), options.functionDir);
  if (result.code !== 0) {
    rmSync(file, { force: true });
    throw new Error(`making the code cache of ${options.functionName} failed (exit ${result.code}):\n${result.stderr}`);
  }
  const made = lastJsonLine<{ envelope: unknown; cacheBytes: number }>(result.stdout);
  return { file, bytes: made.cacheBytes, warmUpEnvelope: made.envelope };
}

/** What the loader of <functionDir>/index.js does with the cache beside it, in a fresh process of `runtime`. */
export async function codeCacheOutcome(functionDir: string, runtime: CacheRuntime = { nodeBinary: process.execPath }): Promise<CodeCacheOutcome> {
  const script = `require(${JSON.stringify(path.join(functionDir, 'index.js'))});` +
    `process.stdout.write(JSON.stringify(globalThis[Symbol.for(${JSON.stringify(LOADER_STATUS_KEY)})].outcome) + '\\n');`;
  const environment = functionTestEnvironment(path.basename(functionDir), 'http://127.0.0.1:9/unused');
  const result = await runNode(runtime, ['-e', script], environment, functionDir);
  if (result.code !== 0) throw new Error(`loading ${functionDir} failed (exit ${result.code}):\n${result.stderr}`);
  return lastJsonLine<CodeCacheOutcome>(result.stdout);
}
