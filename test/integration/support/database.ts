/**
 * The database tests' function: support/database-probe/index.js, built with the project's own
 * build (scripts/build.ts writeBundle: the SDK bundled, its deferred parts split off) into a temp
 * folder, then run in a warm container against a local cloud like any built function.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { writeBundle } from '../../../scripts/build';
import { startWarmFunction, type WarmFunction } from '../../../localcloud/invoke';
import type { LocalCloud } from '../../../localcloud/server';
import { INVOKE_TIMEOUT_MS } from './harness';

export const PROBE_NAME = 'databaseProbe';
const PROBE_SOURCE = path.join(__dirname, 'database-probe');

/** One call chain: `on` a collection's name (or 'db'), then each [method, ...args] on what the last returned. */
export interface ProbeOp {
  on: string;
  calls: ReadonlyArray<readonly [string, ...unknown[]]>;
}

export type ProbeAnswer = { resolved: unknown } | { thrown: { errCode?: number; errMsg?: string; message?: string } };

/** Builds the probe into a temp functions folder; remove() when done. */
export async function buildProbe(): Promise<{ functionsDir: string; functionDir: string; remove(): void }> {
  const functionsDir = mkdtempSync(path.join(tmpdir(), 'localcloud-db-'));
  const functionDir = path.join(functionsDir, PROBE_NAME);
  const warnings = await writeBundle(path.join(PROBE_SOURCE, 'index.js'), functionDir);
  if (warnings.length > 0) throw new Error(`the probe's build warned: ${warnings.join('\n')}`);
  copyFileSync(path.join(PROBE_SOURCE, 'config.json'), path.join(functionDir, 'config.json'));
  return { functionsDir, functionDir, remove: () => rmSync(functionsDir, { recursive: true, force: true }) };
}

export async function startProbe(cloud: Pick<LocalCloud, 'functionUrl'>, functionDir: string, env: Record<string, string> = {}): Promise<WarmFunction> {
  return startWarmFunction({ functionDir, functionName: PROBE_NAME, cloudUrl: cloud.functionUrl(PROBE_NAME), caller: { openid: 'oDatabaseProbeCaller0000001' }, env });
}

/** Runs the ops (in order, or all at once) and answers one ProbeAnswer each. */
export async function probe(container: WarmFunction, ops: readonly ProbeOp[], options: { parallel?: boolean; database?: Record<string, unknown> } = {}): Promise<ProbeAnswer[]> {
  const invocation = await container.invoke({ ops, ...options }, { timeoutMs: INVOKE_TIMEOUT_MS });
  if (invocation.status !== 'returned') throw new Error(`the probe did not return: ${JSON.stringify(invocation)}\n${container.output().stderr}`);
  return invocation.result as ProbeAnswer[];
}

/** What one op resolved; fails the test, with what it threw, when it threw. */
export async function resolved(container: WarmFunction, op: ProbeOp, options?: { database?: Record<string, unknown> }): Promise<any> {
  const [answer] = await probe(container, [op], options);
  if (answer === undefined || !('resolved' in answer)) throw new Error(`${JSON.stringify(op)} threw: ${JSON.stringify(answer)}`);
  return answer.resolved;
}

export async function thrown(container: WarmFunction, op: ProbeOp): Promise<{ errCode?: number; errMsg?: string; message?: string }> {
  const [answer] = await probe(container, [op]);
  if (answer === undefined || !('thrown' in answer)) throw new Error(`${JSON.stringify(op)} did not throw: ${JSON.stringify(answer)}`);
  return answer.thrown;
}

/** db.command chained: cmd(['gt', 1], ['and', cmd(['lt', 5])]) is _.gt(1).and(_.lt(5)). */
export const cmd = (...calls: Array<[string, ...unknown[]]>) => ({ $cmd: calls });
export const date = (ms: number) => ({ $date: ms });
