/**
 * Faults beyond the one-request-one-fault table of fault-matrix.test.ts, through the built
 * functions: an answer lost after the effect (a hang), a transient failure followed by success,
 * the cloud closing under a hanging request, and a function deployed with the wrong config.json.
 * Retry policy (core/retry.ts): transient codes are retried up to maxAttempts within the budget.
 */
import { entryForCode } from '../../core/catalogue';
import type { Envelope } from '../../core/envelope';
import type { WarmFunction } from '../../localcloud/invoke';
import { startLocalCloud, type LocalCloud } from '../../localcloud/server';
import { ADMIN_ENV, call, containerPool, copyBuiltFunction, ensureBuilt, SLOW_TEST_MS, tempFunctionsDir, openapiRequests, openapiRequestCount } from './support/harness';

jest.setTimeout(SLOW_TEST_MS);

/** Short enough that a hung request times out quickly, long enough for a loaded machine. */
const SHORT_SDK_TIMEOUT = { LOGISTICS_REQUEST_TIMEOUT_MS: '300' };

const pool = containerPool();
let cloud: LocalCloud;
let printers: WarmFunction;
let accountsShortTimeout: WarmFunction;

beforeAll(async () => {
  await ensureBuilt();
  cloud = await startLocalCloud({
    carrierAccounts: [{ deliveryId: 'YUNDA', bizId: 'faults-yunda', password: 'faults-password' }],
    // The printer bound here is a user of the mini program (WeChat answers 40003 for others).
    knownUsers: ['oOnceTimeout'],
  });
  [printers, accountsShortTimeout] = await Promise.all([
    pool.start({ cloud, fn: 'updatePrinter' }),
    pool.start({ cloud, fn: 'bindAccount', env: { ...ADMIN_ENV, ...SHORT_SDK_TIMEOUT } }),
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

describe('a transient failure, then success', () => {
  test('cloud -604102 once → the retry succeeds; only the second request took effect', async () => {
    cloud.faults.next({ kind: 'cloudError', errorCode: -604102 });
    const envelope = await call(printers, printerEvent('oOnceTimeout'));
    expectCode(envelope, 'OK');
    expect(envelope.data).toEqual({ recorded: true });
    expect(openapiRequests(cloud).map((request) => request.applied)).toEqual([false, true]);
    expect(cloud.openapi.state().printers).toContain('oOnceTimeout');
  });
});

describe('a lost answer', () => {
  test('a bind that took effect but whose answer hung: the retry sees ALREADY_BOUND and reports OK, bound once', async () => {
    cloud.faults.next({ kind: 'hang', applied: true });
    const envelope = await call(accountsShortTimeout, yundaBind);
    expectCode(envelope, 'OK');
    expect(envelope.data).toEqual({ appliedByEarlierAttempt: true, attempts: 2, recorded: true });
    expect(openapiRequests(cloud).map((request) => request.outcome.kind)).toEqual(['hung', 'answered']);
    expect(openapiRequests(cloud)[1]!.outcome).toMatchObject({ errcode: 9300529 });
    expect(cloud.openapi.state().boundAccounts).toEqual([{ deliveryId: 'YUNDA', bizId: 'faults-yunda' }]);
  });
});

describe('the cloud going away', () => {
  test('closing the cloud while a request hangs ends it: the function answers (unknown: it was sent) instead of waiting', async () => {
    const closing = await startLocalCloud();
    const container = await pool.start({ cloud: closing, fn: 'updatePrinter' });
    closing.faults.next({ kind: 'hang' });
    const pending = call(container, printerEvent('oClosing'));
    while (openapiRequestCount(closing) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await closing.close();
    expectCode(await pending, 'OUTCOME_UNKNOWN');
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
      expect(openapiRequests(misdeployed)).toEqual([expect.objectContaining({ functionName: 'updatePrinter', outcome: { kind: 'cloudError', errorCode: -604101 } })]);
      expect(misdeployed.openapi.state().printers).toEqual([]);
    } finally {
      await misdeployed.close();
      functions.remove();
    }
  });
});
