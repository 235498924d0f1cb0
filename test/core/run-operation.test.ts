/**
 * Operations run through the check pipeline and the call engine, with a scripted openapi: each
 * test says what the "SDK" answers or throws on each attempt, and checks the envelope, the
 * attempts made and the audit line.
 */
import { oneCallOperation } from '../../core/operation';
import { bindAccountCall, bindAccountOperation } from '../../core/operations/bind-account';
import { updatePrinterOperation } from '../../core/operations/update-printer';
import { runOperation } from '../../core/run-operation';
import { ADMIN_OPENID, scriptedDeps, sdkError } from '../support/scripted-deps';

const ADMIN = ADMIN_OPENID;
const PASSWORD = 'S3cret-pass';
const bindEvent = { type: 'bind', bizId: 'shop-001', deliveryId: 'YUNDA', password: PASSWORD };
const harness = scriptedDeps;
/** The only errMsg of a failed call that carried a password: built from the API, the errcode and our code. */
const PASSWORD_CALL_TEXT = (errCode: number, code: string) =>
  `openapi.logistics.bindAccount:fail errcode ${errCode} ${code} (outside text withheld: the call carried a password)`;

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
        // The history entry was saved; no collection was missing.
        recorded: true,
        collectionCreated: null,
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

  test('attempts are bounded: three transient failures of a write end as OUTCOME_UNKNOWN', async () => {
    const h = harness([sdkError(-604102), sdkError(-604102), sdkError(-604102), { errCode: 0 }]);
    const envelope = await runOperation(bindAccountOperation, bindEvent, h.deps);
    expect(envelope).toMatchObject({ ok: false, code: 'OUTCOME_UNKNOWN', retryable: true });
    expect(envelope.errMsg).toBe(
      'openapi.logistics.bindAccount:fail outcome unknown: attempt 1 got errcode -604102 CLOUD_CALL_TIMEOUT; attempt 2 got errcode -604102 CLOUD_CALL_TIMEOUT; attempt 3 got errcode -604102 CLOUD_CALL_TIMEOUT',
    );
    expect(h.calls).toHaveLength(3);
  });

  test('LOGISTICS_MAX_ATTEMPTS=1 turns retries off', async () => {
    const h = harness([sdkError(-1), { errCode: 0 }], { env: { LOGISTICS_MAX_ATTEMPTS: '1' } });
    expect(await runOperation(bindAccountOperation, bindEvent, h.deps)).toMatchObject({ code: 'OUTCOME_UNKNOWN' });
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
    const h = harness(['hang'], { env: { LOGISTICS_TIME_BUDGET_MS: '500' } });
    const envelope = await runOperation(bindAccountOperation, bindEvent, h.deps);
    expect(envelope).toMatchObject({ ok: false, errCode: -900201, code: 'OUTCOME_UNKNOWN', retryable: true });
    expect(h.calls).toHaveLength(1);
  });

  test('no retry is started without enough budget left for it', async () => {
    // Budget 500 ms, minimum attempt 300 ms: after a 100 ms backoff 400 ms remain, so one retry;
    // the second retry would need a 200 ms pause, leaving 200 ms, and is not started.
    const h = harness([sdkError(-1), sdkError(-1), { errCode: 0 }], { env: { LOGISTICS_TIME_BUDGET_MS: '500' } });
    expect(await runOperation(bindAccountOperation, bindEvent, h.deps)).toMatchObject({ code: 'OUTCOME_UNKNOWN' });
    expect(h.calls).toHaveLength(2);
  });

  test('the password never appears in the envelope or the log, even when an error text quotes it', async () => {
    const h = harness([sdkError(9300531, `openapi.logistics.bindAccount:fail wrong password ${PASSWORD} for shop-001`)]);
    const envelope = await runOperation(bindAccountOperation, bindEvent, h.deps);
    expect(envelope.code).toBe('WRONG_ACCOUNT_OR_PASSWORD');
    expect(envelope.errMsg).toBe(PASSWORD_CALL_TEXT(9300531, 'WRONG_ACCOUNT_OR_PASSWORD'));
    expect(JSON.stringify(envelope)).not.toContain(PASSWORD);
    expect(h.logs.join('\n')).not.toContain(PASSWORD);
  });

  test('never throws: a failing identity lookup, a throwing call or a throwing logger still give an envelope', async () => {
    const broken = harness([]);
    broken.deps.wxContext = () => {
      throw new Error('no context');
    };
    expect(await runOperation(bindAccountOperation, bindEvent, broken.deps)).toMatchObject({ code: 'INTERNAL_ERROR', errCode: -900901 });

    const syncThrow = harness([]);
    syncThrow.deps.call = () => {
      throw new TypeError('not a function');
    };
    // A throw without an errCode may have come after the request left: unknown, for a write.
    expect(await runOperation(bindAccountOperation, bindEvent, syncThrow.deps)).toMatchObject({ code: 'OUTCOME_UNKNOWN' });

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

/** What wx-server-sdk 4.0.2 throws for an error of its HTTP layer (callGeneralOpenAPI → toSDKError). */
const httpLayerError = (nodeMessage: string) =>
  sdkError(-501001, `openapi.logistics.bindAccount:fail -501001 resource system error. ${nodeMessage}`);

describe('issue 12 item 2: a write that may have reached WeChat without an answer is unknown', () => {
  test.each([
    'connect ECONNREFUSED 127.0.0.1:9',
    'connect ENETUNREACH 10.0.0.1:443',
    'connect EHOSTUNREACH 10.0.0.1:443',
    'getaddrinfo ENOTFOUND tcb-api.tencentcloudapi.com',
    'getaddrinfo EAI_AGAIN tcb-api.tencentcloudapi.com',
  ])('never sent (%s) on every attempt: a plain CLOUD_SYSTEM_ERROR', async (message) => {
    const h = harness([httpLayerError(message), httpLayerError(message), httpLayerError(message)]);
    expect(await runOperation(bindAccountOperation, bindEvent, h.deps)).toMatchObject({ code: 'CLOUD_SYSTEM_ERROR', errCode: -501001, retryable: true });
    expect(h.calls).toHaveLength(3);
  });

  test.each([
    ['the SDK request timeout', httpLayerError('request timeout')],
    ['a connect timeout (nothing tells it apart)', httpLayerError('connect timeout')],
    ['a reset', httpLayerError('socket hang up')],
    ['HTTP 502', httpLayerError('502 Bad Gateway | [http://gateway/]')],
    ['a refusal text without the SDK frame', sdkError(-501001, 'connect ECONNREFUSED 127.0.0.1:9')],
    ['WeChat -1', sdkError(-1)],
    ['-604102', sdkError(-604102)],
    ['a garbage body', sdkError(-601001, 'openapi.logistics.bindAccount:fail unknown wx response received')],
  ])('%s, then never sent: OUTCOME_UNKNOWN', async (_what, first) => {
    const refused = httpLayerError('connect ECONNREFUSED 127.0.0.1:9');
    const h = harness([first, refused, refused]);
    expect(await runOperation(bindAccountOperation, bindEvent, h.deps)).toMatchObject({ code: 'OUTCOME_UNKNOWN', errCode: -900201 });
    expect(h.calls).toHaveLength(3);
  });

  test('a throw without an errCode is not retried, and is unknown', async () => {
    const h = harness([{ throws: new Error('boom') }, { errCode: 0 }]);
    expect(await runOperation(bindAccountOperation, bindEvent, h.deps)).toMatchObject({ code: 'OUTCOME_UNKNOWN' });
    expect(h.calls).toHaveLength(1);
  });

  test.each([
    ['a success', { errCode: 0 }, 'OK'],
    ['ALREADY_BOUND (the earlier attempt took effect)', sdkError(9300529), 'OK'],
    ['a final WeChat errcode', sdkError(9300531), 'WRONG_ACCOUNT_OR_PASSWORD'],
    ['a cloud refusal (-604101)', sdkError(-604101), 'OUTCOME_UNKNOWN'],
    ['a TCB refusal (-501007)', sdkError(-501007), 'OUTCOME_UNKNOWN'],
    ['an unknown negative code', sdkError(-123), 'OUTCOME_UNKNOWN'],
  ])('after a timeout, %s settles it as %s', async (_what, answer, code) => {
    const h = harness([httpLayerError('request timeout'), answer]);
    expect(await runOperation(bindAccountOperation, bindEvent, h.deps)).toMatchObject({ code });
  });

  test('ALREADY_BOUND after an attempt that was never sent is just ALREADY_BOUND', async () => {
    const h = harness([httpLayerError('connect ECONNREFUSED 127.0.0.1:9'), sdkError(9300529)]);
    expect(await runOperation(bindAccountOperation, bindEvent, h.deps)).toMatchObject({ ok: false, code: 'ALREADY_BOUND' });
  });
});

describe('a read operation (no effect): no answer is a plain retryable failure', () => {
  const readCall = { ...bindAccountCall, displayName: 'openapi.logistics.someRead', effect: 'read' as const };
  const readOperation = oneCallOperation({ ...bindAccountOperation }, readCall);

  test('timeouts on every attempt: the plain code', async () => {
    const timeout = httpLayerError('request timeout');
    const h = harness([timeout, timeout, timeout]);
    expect(await runOperation(readOperation, bindEvent, h.deps)).toMatchObject({ code: 'CLOUD_SYSTEM_ERROR', retryable: true });
    expect(h.calls).toHaveLength(3);
  });

  test('the budget ending first: READ_TIMEOUT', async () => {
    const h = harness(['hang'], { env: { LOGISTICS_TIME_BUDGET_MS: '500' } });
    expect(await runOperation(readOperation, bindEvent, h.deps)).toMatchObject({ code: 'READ_TIMEOUT', errCode: -900202, retryable: true });
  });

  test('a throw without an errCode: UNKNOWN_ERROR', async () => {
    const h = harness([{ throws: new Error('boom') }]);
    expect(await runOperation(readOperation, bindEvent, h.deps)).toMatchObject({ code: 'UNKNOWN_ERROR' });
  });

  test("a read's answer reaches the envelope's data through the operation's dataOf", async () => {
    const reading = oneCallOperation({ ...bindAccountOperation }, { ...readCall, dataOf: (result: Record<string, unknown>) => ({ count: result.count }) });
    const h = harness([{ errCode: 0, errMsg: 'openapi.logistics.getAllAccount:ok', count: 2 }]);
    expect(await runOperation(reading, bindEvent, h.deps)).toMatchObject({ ok: true, data: { count: 2 } });
  });
});

describe('issue 12 items 4-6: the order of checks', () => {
  const badConfig = { LOGISTICS_TIME_BUDGET_MS: '2147483648' };

  test.each([
    ['identity before all', { openid: 12345 }, { LOGISTICS_ADMIN_OPENIDS: '', ...badConfig }, 'INVALID_CALLER_IDENTITY'],
    ['the admin list before the configuration', { openid: ADMIN }, { LOGISTICS_ADMIN_OPENIDS: '', ...badConfig }, 'ADMINS_NOT_CONFIGURED'],
    ['not an admin before the configuration', { openid: 'oStranger' }, badConfig, 'NOT_ADMIN'],
    ['the configuration before the event', { openid: ADMIN }, badConfig, 'INVALID_CONFIGURATION'],
  ])('%s', async (_what, caller, env, code) => {
    const h = harness([], { caller, env });
    expect(await runOperation(bindAccountOperation, { nonsense: true }, h.deps)).toMatchObject({ code });
    expect(h.calls).toHaveLength(0);
  });

  test('an empty admin list refuses a trusted server caller', async () => {
    const h = harness([], { caller: { source: 'scf' }, env: { LOGISTICS_ADMIN_OPENIDS: '', LOGISTICS_SERVER_SOURCES: 'scf' } });
    expect(await runOperation(bindAccountOperation, bindEvent, h.deps)).toMatchObject({ code: 'ADMINS_NOT_CONFIGURED' });
  });

  test('an invalid identity is audited with caller null (its source kept)', async () => {
    const h = harness([], { caller: { openid: ' x ', source: 'scf' } });
    await runOperation(bindAccountOperation, bindEvent, h.deps);
    expect(h.audit()[0]).toMatchObject({ caller: null, source: 'scf', code: 'INVALID_CALLER_IDENTITY' });
  });

  test('INVALID_CONFIGURATION names the variable and its range, not its value', async () => {
    const h = harness([], { env: { LOGISTICS_MAX_ATTEMPTS: '77' } });
    const envelope = await runOperation(bindAccountOperation, bindEvent, h.deps);
    expect(envelope.errMsg).toBe('bindAccount:fail LOGISTICS_MAX_ATTEMPTS must be an integer from 1 to 5, or empty for the default');
    expect(envelope.message).toContain('LOGISTICS_MAX_ATTEMPTS');
    expect(JSON.stringify(envelope)).not.toContain('77');
  });
});

describe('issue 12 item 1: nothing is scrubbed after it is built', () => {
  test.each(['audit', 'logistics', ADMIN, 'shop-001', '"', 'e', 'OK', 'bindAccount'])('password %p changes neither the audit line nor the frame', async (password) => {
    const h = harness([{ errCode: 0, errMsg: 'openapi.logistics.bindAccount:ok' }]);
    const envelope = await runOperation(bindAccountOperation, { ...bindEvent, password }, h.deps);
    expect(envelope.errMsg).toBe('openapi.logistics.bindAccount:ok');
    expect(h.audit()).toEqual([expect.objectContaining({ audit: 'logistics', fn: 'bindAccount', caller: ADMIN, target: { deliveryId: 'YUNDA', bizId: 'shop-001' } })]);
  });
});

describe('issue 18', () => {
  const sfBind = { type: 'bind', bizId: 'shop-002', deliveryId: 'SF' };
  const buffer = (contentType: string) => ({ errCode: 0, errMsg: 'openapi.logistics.bindAccount:ok', contentType, buffer: Buffer.from('<html></html>') });
  const text = { errCode: 0, errMsg: 'openapi.logistics.bindAccount:ok', result: 'ok' };

  test.each([
    ['a buffer answer (a content type the SDK does not read as JSON)', buffer('text/html')],
    ['a buffer answer with no content type (an empty HTTP 200 body)', buffer('')],
    ['a text answer (text/plain that is not JSON)', text],
  ])('items 1, 2: %s is no answer: a write on every attempt is OUTCOME_UNKNOWN, a read MALFORMED_ANSWER at once', async (_what, answer) => {
    const write = harness([answer, answer, answer]);
    expect(await runOperation(bindAccountOperation, sfBind, write.deps)).toMatchObject({ ok: false, code: 'OUTCOME_UNKNOWN' });
    expect(write.calls).toHaveLength(3);
    const settled = harness([answer, { errCode: 0, errMsg: 'openapi.logistics.bindAccount:ok' }]);
    expect(await runOperation(bindAccountOperation, sfBind, settled.deps)).toMatchObject({ ok: true, code: 'OK' });
    const read = harness([answer, { errCode: 0 }]);
    const readOperation = oneCallOperation({ ...bindAccountOperation }, { ...bindAccountCall, effect: 'read' as const });
    expect(await runOperation(readOperation, sfBind, read.deps)).toMatchObject({ ok: false, code: 'MALFORMED_ANSWER', errCode: -900301, retryable: false });
    expect(read.calls).toHaveLength(1);
  });

  test('item 3: a call that carried a password places no outside text, whatever the failure', async () => {
    const answers = [sdkError(-501007, `[INVALID_PARAM] ${PASSWORD.split('').reverse().join('')}`), { errCode: 9300531, errMsg: 'odd resolve' }, { throws: new Error(PASSWORD.slice(2)) }];
    const codes = [
      [-501007, 'CLOUD_INVALID_PARAM'],
      [9300531, 'WRONG_ACCOUNT_OR_PASSWORD'],
    ] as const;
    for (const [index, answer] of answers.entries()) {
      const h = harness([answer]);
      const envelope = await runOperation(bindAccountOperation, bindEvent, h.deps);
      const [errCode, code] = codes[index] ?? [];
      if (errCode !== undefined) expect(envelope.errMsg).toBe(PASSWORD_CALL_TEXT(errCode, code!));
      else expect(envelope.errMsg).toBe('openapi.logistics.bindAccount:fail outcome unknown: attempt 1 got a failure without an errcode');
    }
    // Without a password, WeChat's text stays (frame kept, at most 512 characters of it).
    const h = harness([sdkError(9300531, 'openapi.logistics.bindAccount:fail check the customer code')]);
    expect(await runOperation(bindAccountOperation, sfBind, h.deps)).toMatchObject({ errMsg: 'openapi.logistics.bindAccount:fail check the customer code' });
  });

  test('item 5: an answer in our -900xxx range is an unknown code, its number kept', async () => {
    for (const answer of [sdkError(-900102), { errCode: -900102, errMsg: 'x' }]) {
      const h = harness([answer]);
      expect(await runOperation(bindAccountOperation, sfBind, h.deps)).toMatchObject({ ok: false, errCode: -900102, code: 'UNKNOWN_ERROR' });
    }
    const h = harness([sdkError(-900201)]);
    expect(await runOperation(bindAccountOperation, sfBind, h.deps)).toMatchObject({ errCode: -900201, code: 'UNKNOWN_ERROR', retryable: false });
    expect(h.calls).toHaveLength(1);
  });

  test('item 7: the unknown outcome says what each attempt got; a call without a password adds the last outside text', async () => {
    const timeout = httpLayerError('request timeout');
    const h = harness([sdkError(-1, 'openapi.logistics.bindAccount:fail system error'), timeout, sdkError(-1, 'openapi.logistics.bindAccount:fail system error')]);
    expect((await runOperation(bindAccountOperation, sfBind, h.deps)).errMsg).toBe(
      'openapi.logistics.bindAccount:fail outcome unknown: attempt 1 got errcode -1 WECHAT_SYSTEM_ERROR; attempt 2 got errcode -501001 CLOUD_SYSTEM_ERROR; attempt 3 got errcode -1 WECHAT_SYSTEM_ERROR (last: openapi.logistics.bindAccount:fail system error)',
    );
    const budget = harness([sdkError(-1), 'hang'], { env: { LOGISTICS_TIME_BUDGET_MS: '500' } });
    expect((await runOperation(bindAccountOperation, bindEvent, budget.deps)).errMsg).toBe(
      'openapi.logistics.bindAccount:fail outcome unknown: attempt 1 got errcode -1 WECHAT_SYSTEM_ERROR; attempt 2 got no answer within the 500 ms time budget',
    );
  });
});
