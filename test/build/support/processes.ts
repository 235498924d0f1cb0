/** Child Node processes for the build tests: fresh processes, as the cloud runs a function. */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

export const SUPPORT_DIR = __dirname;
/** Preload for runs whose requests are compared byte for byte. */
export const DETERMINISTIC = path.join(__dirname, 'deterministic.js');
export const CALL_MAIN = path.join(__dirname, 'call-main.js');
export const SDK_TOUR = path.join(__dirname, 'sdk-tour.js');

export interface NodeRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runNode(args: readonly string[], env: Record<string, string>, cwd?: string, node = process.execPath): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }));
  });
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
