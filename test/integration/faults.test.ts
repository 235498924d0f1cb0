/**
 * Every injected fault through the built functions: the final envelope, how many requests the
 * cloud saw (the retry policy of core/retry.ts: transient codes -1, -501001, -601001, -604102 are
 * retried up to maxAttempts within the time budget), and whether anything took effect.
 */
import { entryForCode } from '../../core/catalogue';
import type { Envelope } from '../../core/envelope';
import { DEFAULT_RETRY_POLICY } from '../../core/retry';
import { builtFunctionDir } from '../../localcloud/built';
import type { Fault } from '../../localcloud/faults';
import { invokeFunction, type WarmFunction } from '../../localcloud/invoke';
import { startLocalCloud, type LocalCloud } from '../../localcloud/server';
import {
  ADMIN_CALLER,
  ADMIN_ENV,
  call,
  containerPool,
  copyBuiltFunction,
  envelopeOf,
  ensureBuilt,
  INVOKE_TIMEOUT_MS,
  SLOW_TEST_MS,
  tempFunctionsDir,
} from './support/harness';

jest.setTimeout(SLOW_TEST_MS);

const ATTEMPTS = DEFAULT_RETRY_POLICY.maxAttempts;
/** Short enough that a hung request times out quickly, long enough for a loaded machine. */
const SHORT_SDK_TIMEOUT = { LOGISTICS_REQUEST_TIMEOUT_MS: '300' };

const pool = containerPool();
let cloud: LocalCloud;
let printers: WarmFunction;
let accounts: WarmFunction;
let accountsShortTimeout: WarmFunction;
let accountsOneShortAttempt: WarmFunction;

beforeAll(async () => {
  await ensureBuilt();
  cloud = await startLocalCloud({ carrierAccounts: [{ deliveryId: 'YUNDA', bizId: 'faults-yunda', password: 'faults-password' }] });
  [printers, accounts, accountsShortTimeout, accountsOneShortAttempt] = await Promise.all([
    pool.start({ cloud, fn: 'updatePrinter' }),
    pool.start({ cloud, fn: 'bindAccount' }),
    pool.start({ cloud, fn: 'bindAccount', env: { ...ADMIN_ENV, ...SHORT_SDK_TIMEOUT } }),
    pool.start({ cloud, fn: 'bindAccount', env: { ...ADMIN_ENV, ...SHORT_SDK_TIMEOUT, LOGISTICS_MAX_ATTEMPTS: '1' } }),
  ]);
});

afterAll(async () => {
  await pool.closeAll();
  await cloud?.close();
});

beforeEach(() => {
  cloud.faults.clear();
  cloud.clearRequests();
});

function expectCode(envelope: Envelope, code: string): void {
  const entry = entryForCode(code);
  expect(envelope).toMatchObject({ ok: entry.errCode === 0, errCode: entry.errCode, code, retryable: entry.retryable });
}

const printerEvent = (openid: string) => ({ openid, updateType: 'bind' });
const yundaBind = { type: 'bind', deliveryId: 'YUNDA', bizId: 'faults-yunda', password: 'faults-password' };
const yundaUnbind = { type: 'unbind', deliveryId: 'YUNDA', bizId: 'faults-yunda' };

describe('transient faults are retried up to the policy, then reported', () => {
  test.each<[string, string, Fault]>([
    ['WeChat -1', 'WECHAT_SYSTEM_ERROR', { kind: 'errcode', errcode: -1 }],
    ['cloud -604102', 'CLOUD_CALL_TIMEOUT', { kind: 'cloudError', errorCode: -604102 }],
    ['HTTP 500', 'CLOUD_SYSTEM_ERROR', { kind: 'http', status: 500 }],
    ['a malformed body (-601001)', 'WECHAT_BACKEND_ERROR', { kind: 'malformed' }],
    ['an unknown TCB code (-501001)', 'CLOUD_SYSTEM_ERROR', { kind: 'tcbJson', code: 'SOMETHING_NEW', message: 'new' }],
  ])('%s every time → %s after every attempt', async (_name, code, fault) => {
    cloud.faults.next(fault, { times: Infinity });
    const openid = `oAlways${fault.kind}`;
    expectCode(await call(printers, printerEvent(openid)), code);
    expect(cloud.requestCount()).toBe(ATTEMPTS);
    expect(cloud.state().printers).not.toContain(openid);
  });

  test.each<[string, Fault]>([
    ['WeChat -1', { kind: 'errcode', errcode: -1 }],
    ['cloud -604102', { kind: 'cloudError', errorCode: -604102 }],
    ['HTTP 500', { kind: 'http', status: 500 }],
  ])('%s once → the retry succeeds', async (_name, fault) => {
    cloud.faults.next(fault);
    const openid = `oOnce${fault.kind}`;
    const envelope = await call(printers, printerEvent(openid));
    expectCode(envelope, 'OK');
    expect(envelope.data).toBeUndefined();
    expect(cloud.requests().map((request) => request.applied)).toEqual([false, true]);
    expect(cloud.state().printers).toContain(openid);
  });
});

describe('faults that are not retried', () => {
  test('TCB INVALID_PARAM → CLOUD_INVALID_PARAM (-501007), one request', async () => {
    cloud.faults.next({ kind: 'tcbJson', code: 'INVALID_PARAM', message: 'param error' }, { times: Infinity });
    const envelope = await call(printers, printerEvent('oTcbInvalid'));
    expectCode(envelope, 'CLOUD_INVALID_PARAM');
    expect(envelope.errMsg).toContain('param error');
    expect(cloud.requestCount()).toBe(1);
  });

  test('cloud -604100 → API_NOT_FOUND, one request', async () => {
    cloud.faults.next({ kind: 'cloudError', errorCode: -604100 }, { times: Infinity });
    expectCode(await call(printers, printerEvent('oNotFound')), 'API_NOT_FOUND');
    expect(cloud.requestCount()).toBe(1);
  });
});

describe('slow and hanging answers', () => {
  test('a slow answer within the SDK timeout: OK, one request', async () => {
    cloud.faults.next({ kind: 'slow', delayMs: 300 });
    expectCode(await call(printers, printerEvent('oSlow')), 'OK');
    expect(cloud.requestCount()).toBe(1);
  });

  test('a hanging answer with a short SDK timeout and one attempt: CLOUD_SYSTEM_ERROR, one request, nothing applied', async () => {
    cloud.faults.next({ kind: 'hang' }, { times: Infinity });
    expectCode(await call(accountsOneShortAttempt, yundaBind), 'CLOUD_SYSTEM_ERROR');
    expect(cloud.requests()).toEqual([expect.objectContaining({ outcome: { kind: 'hung' }, applied: false })]);
    expect(cloud.state().boundAccounts).toEqual([]);
  });

  test('a bind that took effect but whose answer hung: the retry sees ALREADY_BOUND and reports OK, bound once', async () => {
    cloud.faults.next({ kind: 'hang', applied: true });
    const envelope = await call(accountsShortTimeout, yundaBind);
    expectCode(envelope, 'OK');
    expect(envelope.data).toEqual({ appliedByEarlierAttempt: true, attempts: 2 });
    expect(cloud.requests().map((request) => request.outcome.kind)).toEqual(['hung', 'answered']);
    expect(cloud.requests()[1]!.outcome).toMatchObject({ errcode: 9300529 });
    expect(cloud.state().boundAccounts).toEqual([{ deliveryId: 'YUNDA', bizId: 'faults-yunda' }]);
  });

  test('an unbind that took effect but whose answer was -1: the retry sees BIZ_ID_NOT_FOUND and reports OK', async () => {
    cloud.faults.next({ kind: 'errcode', errcode: -1, applied: true });
    const envelope = await call(accounts, yundaUnbind);
    expectCode(envelope, 'OK');
    expect(envelope.data).toEqual({ appliedByEarlierAttempt: true, attempts: 2 });
    expect(cloud.state().boundAccounts).toEqual([]);
  });
});

describe('the cloud unreachable', () => {
  test('a refused connection → CLOUD_SYSTEM_ERROR (retryable) after every attempt', async () => {
    const gone = await startLocalCloud();
    const url = gone.functionUrl('updatePrinter');
    await gone.close();
    const invocation = await invokeFunction({
      functionDir: builtFunctionDir('updatePrinter'),
      cloudUrl: url,
      caller: ADMIN_CALLER,
      env: ADMIN_ENV,
      event: printerEvent('oRefused'),
      timeoutMs: INVOKE_TIMEOUT_MS,
    });
    const envelope = envelopeOf(invocation);
    expectCode(envelope, 'CLOUD_SYSTEM_ERROR');
    expect(JSON.parse(invocation.stdout.trim())).toMatchObject({ code: 'CLOUD_SYSTEM_ERROR', attempts: ATTEMPTS });
  });

  test('closing the cloud while a request hangs ends it: the function answers instead of waiting', async () => {
    const closing = await startLocalCloud();
    const container = await pool.start({ cloud: closing, fn: 'updatePrinter' });
    closing.faults.next({ kind: 'hang' });
    const pending = call(container, printerEvent('oClosing'));
    while (closing.requestCount() === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await closing.close();
    expectCode(await pending, 'CLOUD_SYSTEM_ERROR');
  });
});

describe('config.json', () => {
  test('a function deployed without the API in config.json → NO_API_PERMISSION (-604101), one request, not retried', async () => {
    const functions = tempFunctionsDir();
    const misdeployed = await startLocalCloud({ functionsDir: functions.dir });
    try {
      const functionDir = copyBuiltFunction('updatePrinter', functions.dir, { permissions: { openapi: ['logistics.bindAccount'] } });
      const container = await pool.start({ cloud: misdeployed, fn: 'updatePrinter', functionDir });
      const envelope = await call(container, printerEvent('oNoPermission'));
      expectCode(envelope, 'NO_API_PERMISSION');
      expect(envelope.errMsg).toBe('system error: error code: -604101');
      expect(misdeployed.requests()).toEqual([expect.objectContaining({ functionName: 'updatePrinter', outcome: { kind: 'cloudError', errorCode: -604101 } })]);
      expect(misdeployed.state().printers).toEqual([]);
    } finally {
      await misdeployed.close();
      functions.remove();
    }
  });
});
