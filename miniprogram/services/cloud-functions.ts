/**
 * The one way the page calls the cloud functions. It always resolves with an envelope, the
 * same shape the functions answer with, also when the call itself fails (function not deployed,
 * function crashed, no network, no answer in time, an answer that is not an envelope). So the
 * page has a single path for every outcome.
 *
 * The outcomes made here, on the phone, are listed once, in ../shared/client-outcomes.ts.
 */
import type { CatalogueEntry } from '../../core/catalogue';
import type { Envelope } from '../../core/envelope';
import { CLIENT_OUTCOMES } from '../shared/client-outcomes';
import { readThrown } from '../shared/failed-call';
import type { CalledFunctionName, FunctionEvents } from '../shared/function-events';

export type { Envelope };

/** Longer than the functions' own time budget plus a cold start, so it fires only when the answer is lost. */
export const CALL_FUNCTION_TIMEOUT_MS = 15000;

function clientEnvelope(which: CatalogueEntry, errMsg: string): Envelope<never> {
  return {
    ok: false,
    errCode: which.errCode,
    errMsg,
    code: which.code,
    message: which.message,
    retryable: which.retryable,
  };
}

/** Whether a function's answer has the envelope's shape and keeps its invariant. */
export function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.ok === 'boolean' &&
    typeof v.errCode === 'number' &&
    Number.isInteger(v.errCode) &&
    v.ok === (v.errCode === 0) &&
    typeof v.errMsg === 'string' &&
    typeof v.code === 'string' &&
    v.code !== '' &&
    typeof v.message === 'string' &&
    v.message !== '' &&
    typeof v.retryable === 'boolean' &&
    (v.field === undefined || typeof v.field === 'string')
  );
}

/** Maps a failed callFunction to an envelope, by errCode first and errMsg only where no code tells. */
export function envelopeForCallFailure(failure: unknown): Envelope<never> {
  const { errCode, errMsg } = readThrown(failure);
  const withCode = errCode === undefined ? errMsg : `${errMsg} (errCode ${errCode})`;
  if (errCode === CLIENT_OUTCOMES.FUNCTION_NOT_FOUND.errCode) return clientEnvelope(CLIENT_OUTCOMES.FUNCTION_NOT_FOUND, withCode);
  if (errCode === CLIENT_OUTCOMES.FUNCTION_EXECUTION_FAILED.errCode) {
    return clientEnvelope(CLIENT_OUTCOMES.FUNCTION_EXECUTION_FAILED, withCode);
  }
  if (/time ?out|timed out|超时/i.test(errMsg)) return clientEnvelope(CLIENT_OUTCOMES.CALL_TIMEOUT, withCode);
  if (/wx\.cloud\.init|cloud api isn't enabled/i.test(errMsg)) return clientEnvelope(CLIENT_OUTCOMES.CLOUD_UNAVAILABLE, withCode);
  return clientEnvelope(CLIENT_OUTCOMES.NETWORK_ERROR, withCode);
}

export interface CallOptions {
  /** How long to wait for an answer before saying the outcome is unknown. */
  readonly timeoutMs?: number;
}

/** Calls one function and resolves with its envelope, or with the client's envelope for a failed call. Never rejects. */
export async function callLogisticsFunction<Name extends CalledFunctionName>(
  name: Name,
  data: FunctionEvents[Name],
  options: CallOptions = {},
): Promise<Envelope> {
  // Old base libraries, or a project opened without cloud, have no wx.cloud.
  const cloud: WxCloud | undefined = typeof wx === 'undefined' ? undefined : wx.cloud;
  if (cloud === undefined || typeof cloud.callFunction !== 'function') {
    return clientEnvelope(CLIENT_OUTCOMES.CLOUD_UNAVAILABLE, 'wx.cloud is not available');
  }
  const timeoutMs = options.timeoutMs ?? CALL_FUNCTION_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<Envelope>((resolve) => {
    timer = setTimeout(() => {
      resolve(clientEnvelope(CLIENT_OUTCOMES.CALL_TIMEOUT, `${name}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  const called = (async (): Promise<Envelope> => {
    try {
      const res = await cloud.callFunction({ name, data: { ...data } });
      const result: unknown = res?.result;
      if (isEnvelope(result)) return result;
      return clientEnvelope(CLIENT_OUTCOMES.BAD_RESPONSE, `${name}: result is not an envelope (${describeType(result)})`);
    } catch (failure) {
      return envelopeForCallFailure(failure);
    }
  })();
  try {
    return await Promise.race([called, timedOut]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/** For errMsg: the kind of a bad result, never its content. */
function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
