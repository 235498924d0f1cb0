/**
 * For the warm bench only (scripts/bench.ts bundles it like a function), sharing one SDK instance
 * (the function's index.ts runs cloud.init):
 * - `main`: updatePrinter's main, what we ship;
 * - `rawCall`: the raw SDK call it wraps;
 * - `thinnestMain`: a reference, not a product: the least code that still does the same duties
 *   (the caller from getWXContext, an allow-list, a shape check, a time-budget timer, the call, an
 *   envelope, one JSON log line). What it costs over the raw call is a floor for any layer with
 *   those duties, the way the cold bench's floor is for a cold start.
 */
import cloud = require('wx-server-sdk');
export { main } from '../../cloudfunctions/updatePrinter/src/index';

interface Params {
  openid: string;
  updateType: 'bind' | 'unbind';
}

export const rawCall = (params: Params) => cloud.openapi.logistics.updatePrinter(params);

export async function thinnestMain(event: { openid?: unknown; updateType?: unknown }): Promise<{ ok: boolean; errCode: number; errMsg: string }> {
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
