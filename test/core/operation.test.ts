/**
 * The operation runner with a scripted openapi: each test says what the "SDK" answers or throws on
 * each attempt, and checks the envelope, the attempts made and the audit line.
 */
import { runOperation } from '../../core/operation';
import { bindAccountOperation, updatePrinterOperation } from '../../core/operations';
import { ADMIN_OPENID, scriptedDeps, sdkError } from '../support/scripted-deps';

const ADMIN = ADMIN_OPENID;
const PASSWORD = 'S3cret-pass';
const bindEvent = { type: 'bind', bizId: 'shop-001', deliveryId: 'YUNDA', password: PASSWORD };
const harness = scriptedDeps;

describe('runOperation', () => {
  test('success: one call with exactly the documented params, an ok envelope and one audit line', async () => {
    const h = harness([{ errCode: 0, errMsg: 'openapi.logistics.bindAccount:ok' }]);
    const envelope = await runOperation(bindAccountOperation, { ...bindEvent, userInfo: { openId: 'x' } }, h.deps);
    expect(envelope).toMatchObject({ ok: true, errCode: 0, code: 'OK', errMsg: 'openapi.logistics.bindAccount:ok' });
    expect(h.calls).toEqual([{ type: 'bind', bizId: 'shop-001', deliveryId: 'YUNDA', password: PASSWORD }]);
    expect(h.audit()).toEqual([
      {
        audit: 'logistics',
        fn: 'bindAccount',
        action: 'bind',
        caller: ADMIN,
        source: 'wx_client',
        target: { deliveryId: 'YUNDA', bizId: 'shop-001' },
        code: 'OK',
        errCode: 0,
        attempts: 1,
        durationMs: 0,
      },
    ]);
  });

  test('updatePrinter without openid binds the caller themself', async () => {
    const h = harness([]);
    await runOperation(updatePrinterOperation, { updateType: 'bind' }, h.deps);
    expect(h.calls).toEqual([{ openid: ADMIN, updateType: 'bind' }]);
  });

  test.each([
    ['a stranger', { openid: 'oStranger' }, 'NOT_ADMIN'],
    ['no identity at all', {}, 'NO_CALLER_IDENTITY'],
    ['an anonymous web caller', { source: 'tcb_web' }, 'NO_CALLER_IDENTITY'],
  ])('%s is refused and no call is made', async (_label, caller, code) => {
    const h = harness([], { caller });
    expect(await runOperation(bindAccountOperation, bindEvent, h.deps)).toMatchObject({ ok: false, code });
    expect(h.calls).toHaveLength(0);
    expect(h.audit()[0]).toMatchObject({ code, attempts: 0, action: null, target: null });
  });

  test('refusal comes before validation: a stranger learns nothing about the event rules', async () => {
    const h = harness([], { caller: { openid: 'oStranger' } });
    expect(await runOperation(bindAccountOperation, { nonsense: true }, h.deps)).toMatchObject({ code: 'NOT_ADMIN' });
  });

  test('invalid input makes no call', async () => {
    const h = harness([]);
    expect(await runOperation(bindAccountOperation, { ...bindEvent, deliveryId: '' }, h.deps)).toMatchObject({ code: 'INVALID_PARAM', field: 'deliveryId' });
    expect(h.calls).toHaveLength(0);
  });

  test.each([
    [9300529, 'ALREADY_BOUND'],
    [9300530, 'BIZ_ID_NOT_FOUND'],
    [9300531, 'WRONG_ACCOUNT_OR_PASSWORD'],
    [9300532, 'UNDER_REVIEW'],
    [-604101, 'NO_API_PERMISSION'],
    [-604100, 'API_NOT_FOUND'],
    [-604104, 'ILLEGAL_INVOCATION_SOURCE'],
  ])('a thrown %i is answered once as %s, without retry', async (errCode, code) => {
    const h = harness([sdkError(errCode)]);
    expect(await runOperation(bindAccountOperation, bindEvent, h.deps)).toMatchObject({ ok: false, errCode, code });
    expect(h.calls).toHaveLength(1);
  });

  test('a transient failure is retried with backoff and the retry’s answer is returned', async () => {
    const h = harness([sdkError(-1), sdkError(-501001, 'connect ECONNREFUSED'), { errCode: 0, errMsg: 'ok' }]);
    const envelope = await runOperation(bindAccountOperation, bindEvent, h.deps);
    expect(envelope).toMatchObject({ ok: true, code: 'OK' });
    expect(h.calls).toHaveLength(3);
    expect(h.sleeps).toEqual([100, 200]);
    expect(h.audit()[0]).toMatchObject({ attempts: 3, code: 'OK', durationMs: 300 });
  });

  test('attempts are bounded: the last transient envelope is returned after the third', async () => {
    const h = harness([sdkError(-604102), sdkError(-604102), sdkError(-604102), { errCode: 0 }]);
    expect(await runOperation(bindAccountOperation, bindEvent, h.deps)).toMatchObject({ ok: false, code: 'CLOUD_CALL_TIMEOUT', retryable: true });
    expect(h.calls).toHaveLength(3);
  });

  test('LOGISTICS_MAX_ATTEMPTS=1 turns retries off', async () => {
    const h = harness([sdkError(-1), { errCode: 0 }], { env: { LOGISTICS_MAX_ATTEMPTS: '1' } });
    expect(await runOperation(bindAccountOperation, bindEvent, h.deps)).toMatchObject({ code: 'WECHAT_SYSTEM_ERROR' });
    expect(h.calls).toHaveLength(1);
  });

  test('a bind retried after a transient failure that answers ALREADY_BOUND took effect the first time', async () => {
    const h = harness([sdkError(-501001, 'request timeout'), sdkError(9300529)]);
    const envelope = await runOperation(bindAccountOperation, bindEvent, h.deps);
    expect(envelope).toMatchObject({ ok: true, errCode: 0, code: 'OK', data: { appliedByEarlierAttempt: true, attempts: 2 } });
    expect(envelope.errMsg).toContain('earlier attempt took effect');
  });

  test('an unbind retried that answers BIZ_ID_NOT_FOUND took effect the first time', async () => {
    const h = harness([sdkError(-1), sdkError(9300530)]);
    expect(await runOperation(bindAccountOperation, { ...bindEvent, type: 'unbind' }, h.deps)).toMatchObject({
      ok: true,
      data: { appliedByEarlierAttempt: true },
    });
  });

  test('ALREADY_BOUND on a first attempt is just ALREADY_BOUND', async () => {
    const h = harness([sdkError(9300529)]);
    expect(await runOperation(bindAccountOperation, bindEvent, h.deps)).toMatchObject({ ok: false, code: 'ALREADY_BOUND' });
  });

  test('a call still running when the time budget ends gives OUTCOME_UNKNOWN, not a platform timeout', async () => {
    const h = harness(['hang'], { env: { LOGISTICS_TIME_BUDGET_MS: '30' } });
    const envelope = await runOperation(bindAccountOperation, bindEvent, h.deps);
    expect(envelope).toMatchObject({ ok: false, errCode: -900201, code: 'OUTCOME_UNKNOWN', retryable: true });
    expect(h.calls).toHaveLength(1);
  });

  test('no retry is started without enough budget left for it', async () => {
    // Budget 400 ms, minimum attempt 300 ms: after a 100 ms backoff only 300 ms remain, so one retry;
    // the second retry would need a 200 ms pause and is not started.
    const h = harness([sdkError(-1), sdkError(-1), { errCode: 0 }], { env: { LOGISTICS_TIME_BUDGET_MS: '400' } });
    expect(await runOperation(bindAccountOperation, bindEvent, h.deps)).toMatchObject({ code: 'WECHAT_SYSTEM_ERROR' });
    expect(h.calls).toHaveLength(2);
  });

  test('the password never appears in the envelope or the log, even when an error text quotes it', async () => {
    const h = harness([sdkError(9300531, `openapi.logistics.bindAccount:fail wrong password ${PASSWORD} for shop-001`)]);
    const envelope = await runOperation(bindAccountOperation, bindEvent, h.deps);
    expect(envelope.code).toBe('WRONG_ACCOUNT_OR_PASSWORD');
    expect(envelope.errMsg).toContain('******');
    expect(JSON.stringify(envelope)).not.toContain(PASSWORD);
    expect(h.logs.join('\n')).not.toContain(PASSWORD);
  });

  test('never throws: a failing identity lookup, a throwing call or a throwing logger still give an envelope', async () => {
    const broken = harness([]);
    broken.deps.identify = () => {
      throw new Error('no context');
    };
    expect(await runOperation(bindAccountOperation, bindEvent, broken.deps)).toMatchObject({ code: 'INTERNAL_ERROR', errCode: -900901 });

    const syncThrow = harness([]);
    syncThrow.deps.call = () => {
      throw new TypeError('not a function');
    };
    expect(await runOperation(bindAccountOperation, bindEvent, syncThrow.deps)).toMatchObject({ code: 'UNKNOWN_ERROR' });

    const badLogger = harness([]);
    badLogger.deps.log = () => {
      throw new Error('disk full');
    };
    expect(await runOperation(bindAccountOperation, bindEvent, badLogger.deps)).toMatchObject({ ok: true });
  });

  test('a resolved non-zero errCode is never taken for success', async () => {
    const h = harness([{ errCode: 9300531, errMsg: 'odd resolve' }]);
    expect(await runOperation(bindAccountOperation, bindEvent, h.deps)).toMatchObject({ ok: false, code: 'WRONG_ACCOUNT_OR_PASSWORD' });
  });
});
