/**
 * The warm bench (scripts/bench.ts bundles this file like a function and runs the bundle): warm
 * calls in one process, on one SDK instance (the function's index.ts runs cloud.init), one of each
 * per round in a rotating order, after a warm-up:
 * - `ours`: updatePrinter's main(event), what we ship;
 * - `raw`: the raw SDK call it wraps;
 * - `thinnest`: a reference, not a product: the least code that still does the same duties (the
 *   caller from getWXContext, an allow-list, a shape check, a time-budget timer, the call, an
 *   envelope, one JSON log line). What it costs over the raw call is a floor for any layer with
 *   those duties, the way the cold bench's floor is for a cold start.
 * With `quiet`, console.log is a no-op, so the log line's cost shows. Per-call durations (ms) go to fd 3.
 *
 *   node <bundle> <event as JSON> <warm-up calls> <rounds> <logged|quiet>
 */
import { writeSync } from 'node:fs';
import cloud = require('wx-server-sdk');
import { main } from '../../cloudfunctions/updatePrinter/src/index';

interface Params {
  openid: string;
  updateType: 'bind' | 'unbind';
}

const rawCall = (params: Params) => cloud.openapi.logistics.updatePrinter(params);

async function thinnestMain(event: { openid?: unknown; updateType?: unknown }): Promise<{ ok: boolean; errCode: number; errMsg: string }> {
  const { OPENID } = cloud.getWXContext();
  if (OPENID === undefined || OPENID !== process.env.LOGISTICS_ADMIN_OPENIDS) return { ok: false, errCode: -1, errMsg: 'not an admin' };
  if (typeof event.openid !== 'string' || (event.updateType !== 'bind' && event.updateType !== 'unbind')) return { ok: false, errCode: -2, errMsg: 'bad event' };
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const budget = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), 2500);
    });
    const result = await Promise.race([rawCall({ openid: event.openid, updateType: event.updateType }), budget]);
    const envelope = { ok: result !== undefined, errCode: result?.errCode ?? -3, errMsg: result?.errMsg ?? 'no answer' };
    console.log(JSON.stringify({ audit: 'logistics', fn: 'updatePrinter', caller: OPENID, errCode: envelope.errCode }));
    return envelope;
  } finally {
    clearTimeout(timer);
  }
}

async function measure(event: Params, warmUp: number, rounds: number): Promise<void> {
  const calls = { raw: () => rawCall(event), ours: () => main(event), thinnest: () => thinnestMain(event) };
  const names = Object.keys(calls) as (keyof typeof calls)[];
  const timed = async (name: keyof typeof calls) => {
    const start = process.hrtime.bigint();
    const result = (await calls[name]()) as { ok?: boolean; errCode?: number };
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (!(name === 'raw' ? result.errCode === 0 : result.ok === true)) throw new Error(`${name} did not succeed: ${JSON.stringify(result)}`);
    return ms;
  };
  for (let i = 0; i < warmUp; i += 1) for (const name of names) await timed(name);
  const durations: Record<string, number[]> = { raw: [], ours: [], thinnest: [] };
  for (let round = 0; round < rounds; round += 1) {
    // Rotate the order, so no call always follows the same one.
    for (let k = 0; k < names.length; k += 1) {
      const name = names[(round + k) % names.length] as keyof typeof calls;
      durations[name]?.push(await timed(name));
    }
  }
  writeSync(3, `${JSON.stringify(durations)}\n`);
}

if (require.main === module) {
  const [eventJson, warmUp, rounds, logMode] = process.argv.slice(2);
  if (logMode === 'quiet') console.log = () => {};
  measure(JSON.parse(eventJson as string) as Params, Number(warmUp), Number(rounds)).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
