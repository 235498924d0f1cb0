/** Child Node processes for the build tests: fresh processes, as the cloud runs a function. */
import * as path from 'node:path';
import { functionEnvironment } from '../../../localcloud/invoke';
import { runNode, type NodeRun } from '../../../scripts/build/code-cache';

export { runNode, type NodeRun };

export const SUPPORT_DIR = __dirname;
/** Preload for runs whose requests are compared byte for byte. */
export const DETERMINISTIC = path.join(__dirname, 'deterministic.js');
export const CALL_MAIN = path.join(__dirname, 'call-main.js');
export const SDK_TOUR = path.join(__dirname, 'sdk-tour.js');

const TEST_ADMIN_OPENID = 'o-build-test-admin';

/** The environment the cloud gives `functionName` called by an admin, its SDK pointed at `cloudUrl`. */
export function functionTestEnvironment(functionName: string, cloudUrl: string): Record<string, string> {
  const caller = { openid: TEST_ADMIN_OPENID, source: 'wx_client' };
  return functionEnvironment({ functionDir: functionName, cloudUrl, caller, env: { LOGISTICS_ADMIN_OPENIDS: TEST_ADMIN_OPENID } });
}

/** The last line of a run's stdout, parsed; fails with the run's output when the run failed. */
export function lastJsonLine<T>(run: NodeRun): T {
  if (run.code !== 0) throw new Error(`child exited ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as T;
}

/**
 * Other Node binaries to check the build against (the cloud offers Node 16, 18 and 20), from
 * WX_EXTRA_NODE_BINARIES (paths separated by ':'); none by default.
 */
export const EXTRA_NODE_BINARIES: readonly string[] = (process.env.WX_EXTRA_NODE_BINARIES ?? '').split(':').filter((entry) => entry !== '');

export interface MainCall {
  outcome: string;
  exports: string[];
  result: unknown;
  /** Files of the function's folder in require.cache after the call, by name. */
  loaded: string[];
}
