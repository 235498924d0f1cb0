/**
 * The one way the page calls the cloud functions. It always resolves with an envelope, the
 * same shape the functions answer with, also when the call itself fails (function not deployed,
 * function crashed, no network, no answer in time, an answer that is not an envelope). So the
 * page has a single path for every outcome.
 *
 * The outcomes made here, on the phone, are listed once in CLIENT_OUTCOMES below; nothing else
 * in the mini program defines their codes or messages.
 */
import type { Envelope } from '../../core/envelope';
import type { BindAccountEvent, UpdatePrinterEvent } from '../logic/validation';
import type { AcceptInviteEvent, MintInviteEvent } from '../logic/invites';
import type { GetBindingsEvent } from '../shared/bindings';

export type { Envelope };

export interface FunctionEvents {
  updatePrinter: UpdatePrinterEvent | MintInviteEvent | AcceptInviteEvent;
  bindAccount: BindAccountEvent;
  getBindings: GetBindingsEvent;
}

export type FunctionName = keyof FunctionEvents;

interface ClientOutcome {
  readonly errCode: number;
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
}

function outcome(errCode: number, code: string, message: string, retryable: boolean): ClientOutcome {
  return Object.freeze({ errCode, code, message, retryable });
}

/**
 * -501000 and -404011 are the cloud's own codes for these failures; the rest use -901xxx, a range
 * that neither WeChat, CloudBase nor the functions (-900xxx) use.
 */
export const CLIENT_OUTCOMES = Object.freeze({
  FUNCTION_NOT_FOUND: outcome(
    -501000,
    'FUNCTION_NOT_FOUND',
    '找不到云函数或云环境：请管理员确认云函数已上传部署，并检查小程序里填写的云环境 ID',
    false,
  ),
  FUNCTION_EXECUTION_FAILED: outcome(
    -404011,
    'FUNCTION_EXECUTION_FAILED',
    '云函数运行出错，这次操作可能没有完成：可以再试一次（再次提交是安全的），如果一直失败请管理员查看云函数日志',
    true,
  ),
  CLOUD_UNAVAILABLE: outcome(
    -901001,
    'CLOUD_UNAVAILABLE',
    '当前无法使用云开发：请把微信升级到最新版本后再试，或请管理员检查小程序的云开发设置',
    false,
  ),
  NETWORK_ERROR: outcome(-901002, 'NETWORK_ERROR', '调用云函数失败，可能是网络不通：请检查网络后再试一次', true),
  CALL_TIMEOUT: outcome(
    -901003,
    'CALL_TIMEOUT',
    '等待云函数答复超时，结果未知：操作可能已经生效，请稍后确认；再次提交是安全的',
    true,
  ),
  BAD_RESPONSE: outcome(
    -901004,
    'BAD_RESPONSE',
    '云函数返回了无法识别的结果：请管理员确认云函数已更新为本项目的最新版本',
    false,
  ),
});

/** Codes that mean "may or may not have taken effect": from the function, or from the phone. */
export const OUTCOME_UNKNOWN_CODES: readonly string[] = ['OUTCOME_UNKNOWN', CLIENT_OUTCOMES.CALL_TIMEOUT.code];

/** Longer than the functions' own time budget plus a cold start, so it fires only when the answer is lost. */
export const CALL_FUNCTION_TIMEOUT_MS = 15000;

function clientEnvelope(which: ClientOutcome, errMsg: string): Envelope<never> {
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

/** What wx.cloud.callFunction rejects with: an Error-like object with errMsg and usually errCode. */
function readFailure(failure: unknown): { errCode: number | undefined; errMsg: string } {
  if (typeof failure !== 'object' || failure === null) return { errCode: undefined, errMsg: String(failure) };
  const f = failure as { errCode?: unknown; errMsg?: unknown; message?: unknown };
  const errCode = typeof f.errCode === 'number' && Number.isInteger(f.errCode) ? f.errCode : undefined;
  const errMsg = typeof f.errMsg === 'string' ? f.errMsg : typeof f.message === 'string' ? f.message : 'callFunction failed';
  return { errCode, errMsg };
}

/** Maps a failed callFunction to an envelope, by errCode first and errMsg only where no code tells. */
export function envelopeForCallFailure(failure: unknown): Envelope<never> {
  const { errCode, errMsg } = readFailure(failure);
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
export async function callLogisticsFunction<Name extends FunctionName>(
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
