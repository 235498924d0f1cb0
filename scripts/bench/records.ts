/**
 * The bench's rows for issue 21's records: the built functions (`npm run build`) making a printer
 * bind (which now writes its roster entry and history entry) and getBindings reading the records'
 * parts too, cold (a fresh process per call, as the main table) and warm (one container, calls in
 * a row, timed through the invoker, so each figure includes its IPC round trip), against a local
 * cloud whose three collections exist.
 */
import { startWarmFunction } from '../../localcloud/invoke';
import type { LocalCloud } from '../../localcloud/server';
import { median, quantile } from './stats';

export const RECORDS_COLLECTIONS = { logistics_printers: [], logistics_invites: [], logistics_activity: [] };

const CASES = [
  { label: 'updatePrinter bind (+ roster and history writes)', fn: 'updatePrinter', event: (openid: string) => ({ openid, updateType: 'bind' }) },
  { label: 'getBindings, all five parts (+ roster, invites, history reads)', fn: 'getBindings', event: () => ({ parts: ['accounts', 'printers', 'carriers', 'invites', 'history'] }) },
] as const;

const spread = (values: number[]) => `${median(values).toFixed(1)} (${quantile(values, 0.25).toFixed(1)}–${quantile(values, 0.75).toFixed(1)})`;

/**
 * Rows of [call, cold start ms, warm ms per call]. `cold(fn, event)` times one fresh process
 * of the built function (the main bench's child), `builtDir(fn)` is its folder.
 */
export async function recordsRows(options: {
  cloud: LocalCloud;
  /** The functions the bench built (`--functions`); the others' rows are left out. */
  functions: readonly string[];
  runs: number;
  warmCalls: number;
  printer: string;
  admin: string;
  builtDir: (fn: string) => string;
  cold: (fn: string, event: unknown) => Promise<number>;
}): Promise<string[][]> {
  const rows: string[][] = [];
  for (const { label, fn, event } of CASES.filter((item) => options.functions.includes(item.fn))) {
    const cold: number[] = [];
    for (let round = 0; round < options.runs; round += 1) cold.push(await options.cold(fn, event(options.printer)));
    const container = await startWarmFunction({
      functionDir: options.builtDir(fn),
      functionName: fn,
      cloudUrl: options.cloud.functionUrl(fn),
      caller: { openid: options.admin, source: 'wx_client' },
      env: { LOGISTICS_ADMIN_OPENIDS: options.admin },
    });
    const warm: number[] = [];
    try {
      for (let call = 0; call < options.warmCalls; call += 1) {
        const started = process.hrtime.bigint();
        const invocation = await container.invoke(event(options.printer));
        if (invocation.status !== 'returned' || (invocation.result as { ok?: boolean }).ok !== true) throw new Error(`${fn} did not succeed warm: ${JSON.stringify(invocation)}`);
        warm.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    } finally {
      await container.close();
    }
    // The first few warm calls still load code: they are left out.
    rows.push([label, spread(cold), spread(warm.slice(Math.min(5, warm.length - 1)))]);
  }
  return rows;
}
