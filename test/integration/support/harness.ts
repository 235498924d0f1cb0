/**
 * Shared set-up for the integration tests: the built functions (rebuilt only if stale), warm
 * containers for a caller, throwaway functions in temp dirs, and the envelope of an invocation.
 *
 * Everything runs through the real wx-server-sdk in a separate node process per caller, against
 * the local cloud in the test's process. Nothing is mocked.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Envelope } from '../../../core/envelope';
import { builtFunctionDir, ensureBuilt } from '../../../scripts/ensure-built';
import { startWarmFunction, type WXContextCaller, type Invocation, type WarmFunction } from '../../../localcloud/invoke';
import type { LocalCloud } from '../../../localcloud/server';

export { ensureBuilt };

export const ADMIN = 'oAdminIntegration000000000001';
export const SECOND_ADMIN = 'oAdminIntegration000000000002';
export const STRANGER = 'oStrangerIntegration00000003';
export const ADMIN_CALLER: WXContextCaller = { openid: ADMIN, appid: 'wxintegration0001', source: 'wx_client' };
export const ADMIN_ENV: Readonly<Record<string, string>> = { LOGISTICS_ADMIN_OPENIDS: `${ADMIN},${SECOND_ADMIN}` };

/** Generous: a function under test answers within its own 2.5 s budget; this only catches hangs. */
export const INVOKE_TIMEOUT_MS = 10_000;

/** Cold starts and builds: the first test of a file may wait for both. */
export const SLOW_TEST_MS = 60_000;

/** The envelope a function returned; fails with the function's output when it did not return. */
export function envelopeOf(invocation: Invocation, container?: WarmFunction): Envelope {
  if (invocation.status === 'returned') return invocation.result as Envelope;
  const output = container?.output();
  throw new Error(`function did not return: ${JSON.stringify(invocation)}${output ? `\nstdout:\n${output.stdout}\nstderr:\n${output.stderr}` : ''}`);
}

/** Warm containers started by a test file; close them all in afterAll. */
export function containerPool() {
  const containers: WarmFunction[] = [];
  return {
    async start(options: {
      cloud: Pick<LocalCloud, 'functionUrl'>;
      fn: string;
      caller?: WXContextCaller;
      env?: Readonly<Record<string, string>>;
      functionDir?: string;
    }): Promise<WarmFunction> {
      const container = await startWarmFunction({
        functionDir: options.functionDir ?? builtFunctionDir(options.fn),
        functionName: options.fn,
        cloudUrl: options.cloud.functionUrl(options.fn),
        caller: options.caller ?? ADMIN_CALLER,
        env: options.env ?? ADMIN_ENV,
      });
      containers.push(container);
      return container;
    },
    /** Everything every container printed so far. */
    output(): string {
      return containers.map((container) => `${container.output().stdout}\n${container.output().stderr}`).join('\n');
    },
    async closeAll(): Promise<void> {
      await Promise.all(containers.splice(0).map((container) => container.close()));
    },
  };
}

/** Runs one event in a warm container and returns its envelope. */
export async function call(container: WarmFunction, event: unknown): Promise<Envelope> {
  return envelopeOf(await container.invoke(event, { timeoutMs: INVOKE_TIMEOUT_MS }), container);
}

/** A temp dir that holds function folders (the local cloud's functionsDir). */
export function tempFunctionsDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'localcloud-fns-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A copy of a built function's folder with another config.json, as a mis-deployed function. */
export function copyBuiltFunction(name: string, functionsDir: string, config: unknown): string {
  const target = path.join(functionsDir, name);
  mkdirSync(target, { recursive: true });
  // Every built file (index.js, its deferred index.*.js, and with --code-cache the bundle and cache), not src/ or config.json.
  for (const file of readdirSync(builtFunctionDir(name)).filter((entry) => entry.startsWith('index.') || entry === 'package.json')) {
    cpSync(path.join(builtFunctionDir(name), file), path.join(target, file));
  }
  writeFileSync(path.join(target, 'config.json'), JSON.stringify(config));
  return target;
}

/**
 * A throwaway function that calls the SDK directly, with no validation in between: the event is
 * { api: 'logistics.updatePrinter', params: {…camelCase…}, appid? } or { context: true }. It returns
 * { resolved } or { thrown: { errCode, errMsg, isError } }, or the WeChat context.
 */
export function writeDirectSdkFunction(functionsDir: string, name: string, openapi: readonly string[]): string {
  const dir = path.join(functionsDir, name);
  mkdirSync(dir, { recursive: true });
  const sdk = require.resolve('wx-server-sdk');
  writeFileSync(
    path.join(dir, 'index.js'),
    `const cloud = require(${JSON.stringify(sdk)});
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV, timeout: Number(process.env.SDK_TIMEOUT_MS || 1500) });
exports.main = async (event) => {
  if (event.context) return cloud.getWXContext();
  const [namespace, method] = event.api.split('.');
  const openapi = event.appid ? cloud.openapi({ appid: event.appid }) : cloud.openapi;
  try {
    return { resolved: await openapi[namespace][method](event.params) };
  } catch (err) {
    return { thrown: { errCode: err && err.errCode, errMsg: err && err.errMsg, isError: err instanceof Error } };
  }
};
`,
  );
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ permissions: { openapi } }));
  return dir;
}

/** A throwaway function from source text (for the invoker's own tests). */
export function writeFunction(functionsDir: string, name: string, source: string): string {
  const dir = path.join(functionsDir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'index.js'), source);
  return dir;
}

/**
 * The requests the openapi service took: what a test of the logistics calls counts. Since issue 21
 * each write also makes database requests for its records (roster, history), and getBindings reads
 * the roster; those are left out here (test/integration/printer-invites.test.ts holds them).
 */
export function openapiRequests(cloud: Pick<LocalCloud, 'requests'>, filter: Parameters<LocalCloud['requests']>[0] = {}): ReturnType<LocalCloud['requests']> {
  return cloud.requests(filter).filter((request) => request.service === 'openapi');
}

export function openapiRequestCount(cloud: Pick<LocalCloud, 'requests'>, filter: Parameters<LocalCloud['requests']>[0] = {}): number {
  return openapiRequests(cloud, filter).length;
}
