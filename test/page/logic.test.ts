/**
 * The page's pure modules on their own: carriers, form → event, outcome → what the panel says,
 * and the callFunction client's mapping of every way a call can fail.
 */
import { bindingsViewFor, readPrinterNames, shortOpenid } from '../../miniprogram/logic/bindings-view';
import { CARRIER_OPTIONS, CARRIERS, carrierChoice, carrierIndexOf, carrierOptions, showsPassword, showsRemark } from '../../miniprogram/logic/carriers';
import { buildBindAccountEvent, buildUpdatePrinterEvent, normaliseRemark, type AccountForm } from '../../miniprogram/logic/forms';
import { resultPanelFor, describeProblem } from '../../miniprogram/logic/outcome';
import { callLogisticsFunction, envelopeForCallFailure, isEnvelope, type Envelope } from '../../miniprogram/services/cloud-functions';
import { CLIENT_OUTCOMES } from '../../miniprogram/shared/client-outcomes';
import { CATALOGUE } from '../../core/catalogue';
import { envelope, ME } from './support/harness';

const indexOf = (deliveryId: string) => CARRIERS.findIndex((c) => c.deliveryId === deliveryId);

describe('carriers', () => {
  test('ids are unique and valid deliveryIds', () => {
    const ids = CARRIERS.map((c) => c.deliveryId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
  });

  test('the picker lists every carrier with its id, then "other" last', () => {
    expect(CARRIER_OPTIONS.map((o) => o.label)).toContain('顺丰速运（SF）');
    expect(CARRIER_OPTIONS[CARRIER_OPTIONS.length - 1]?.label).toBe('其他（手动输入）');
    expect(CARRIER_OPTIONS).toHaveLength(CARRIERS.length + 1);
  });

  test('only EMS, SF and JD go without a password; only EMS asks for a remark', () => {
    expect(CARRIERS.filter((c) => !c.needsPassword).map((c) => c.deliveryId).sort()).toEqual(['EMS', 'JDL', 'SF']);
    expect(CARRIERS.filter((c) => c.needsRemark).map((c) => c.deliveryId)).toEqual(['EMS']);
  });

  test('nothing chosen shows neither password nor remark', () => {
    const none = carrierChoice(-1);
    expect(none.chosen).toBe(false);
    expect(showsPassword(none)).toBe(false);
    expect(showsRemark(none, 'EMS')).toBe(false);
    expect(carrierChoice(999).chosen).toBe(false);
    expect(carrierChoice(Number.NaN).chosen).toBe(false);
  });
});

describe('forms', () => {
  const form = (overrides: Partial<AccountForm>): AccountForm => ({
    carrierIndex: indexOf('YUNDA'),
    deliveryId: '',
    bizId: '123',
    password: 'pw',
    remarkContent: '',
    ...overrides,
  });

  test('a password typed, then hidden by the carrier, is never sent', () => {
    const built = buildBindAccountEvent('bind', form({ carrierIndex: indexOf('SF'), password: 'left-over' }));
    expect(built).toEqual({ ok: true, event: { type: 'bind', bizId: '123', deliveryId: 'SF' } });
  });

  test('a remark typed for a carrier that shows none is never sent', () => {
    const built = buildBindAccountEvent('bind', form({ remarkContent: '电话:1' }));
    expect(built).toEqual({ ok: true, event: { type: 'bind', bizId: '123', deliveryId: 'YUNDA', password: 'pw' } });
  });

  test('the password is sent as typed, spaces included', () => {
    const built = buildBindAccountEvent('bind', form({ password: ' p w ' }));
    expect(built.ok && built.event.password).toBe(' p w ');
  });

  test('unbinding needs neither password nor remark', () => {
    expect(buildBindAccountEvent('unbind', form({ password: '' }))).toEqual({
      ok: true,
      event: { type: 'unbind', bizId: '123', deliveryId: 'YUNDA' },
    });
    expect(buildBindAccountEvent('unbind', form({ carrierIndex: indexOf('EMS'), password: '' })).ok).toBe(true);
  });

  test('remark line breaks become single spaces', () => {
    expect(normaliseRemark(' 电话:1\r\n 联系人:张三\n\n服务类型:标准 ')).toBe('电话:1 联系人:张三 服务类型:标准');
  });

  test('printer events: bindSelf leaves openid out; the others trim it', () => {
    expect(buildUpdatePrinterEvent('bindSelf', { openid: 'ignored' })).toEqual({ ok: true, event: { updateType: 'bind' } });
    expect(buildUpdatePrinterEvent('unbindPrinter', { openid: ' o1 ' })).toEqual({
      ok: true,
      event: { openid: 'o1', updateType: 'unbind' },
    });
    const tooLong = buildUpdatePrinterEvent('bindPrinter', { openid: 'o'.repeat(129) });
    expect(tooLong.ok ? '' : tooLong.problem.message).toBe('打印员 openid（openid）不能超过 128 个字符');
  });
});

describe('outcome → result panel', () => {
  const ctx = { action: 'bindAccount' as const, passwordSent: true };

  test('every catalogue code gets a title, a tone and its own message (success: what happened is the title)', () => {
    for (const entry of CATALOGUE) {
      const env: Envelope = { ok: entry.errCode === 0, errCode: entry.errCode, errMsg: 'x', code: entry.code, message: entry.message, retryable: entry.retryable };
      const view = resultPanelFor(env, ctx);
      expect(view.title).not.toBe('');
      expect(view.message).toBe(entry.errCode === 0 ? '' : entry.message);
      expect(view.canRetry).toBe(entry.retryable);
      expect(view.tone).toBe(
        entry.errCode === 0
          ? 'success'
          : ['ALREADY_BOUND', 'UNDER_REVIEW'].includes(entry.code)
            ? 'info'
            : entry.code === 'OUTCOME_UNKNOWN'
              ? 'warning'
              : 'error',
      );
    }
  });

  test('every client outcome is an error or, for a lost answer, a warning; retry follows retryable', () => {
    for (const outcome of Object.values(CLIENT_OUTCOMES)) {
      const view = resultPanelFor(
        { ok: false, errCode: outcome.errCode, errMsg: 'x', code: outcome.code, message: outcome.message, retryable: outcome.retryable },
        ctx,
      );
      expect(view.tone).toBe(outcome.code === 'CALL_TIMEOUT' ? 'warning' : 'error');
      expect(view.canRetry).toBe(outcome.retryable);
      expect(view.message).toBe(outcome.message);
    }
  });

  test('an INVALID_PARAM field outside the page is still named', () => {
    expect(resultPanelFor(envelope('INVALID_PARAM', { field: 'tagidList' }), ctx).title).toBe('填写有误：标签列表（tagidList）');
    expect(resultPanelFor(envelope('INVALID_PARAM', { field: 'mystery' }), ctx).title).toBe('填写有误：mystery');
  });

  test('a malformed caller identity and a misconfigured function say whom to ask', () => {
    const fromCatalogue = (code: string): Envelope => {
      const entry = CATALOGUE.find((e) => e.code === code)!;
      return { ok: false, errCode: entry.errCode, errMsg: 'x', code, message: entry.message, retryable: entry.retryable };
    };
    expect(resultPanelFor(fromCatalogue('INVALID_CALLER_IDENTITY'), ctx)).toMatchObject({ title: '无法确认你的身份', hint: expect.stringContaining('管理员') });
    expect(resultPanelFor(fromCatalogue('INVALID_CONFIGURATION'), ctx)).toMatchObject({ title: '云函数配置有误', hint: expect.stringContaining('环境变量') });
  });

  test('the retry hint mentions the password only when one was sent', () => {
    expect(resultPanelFor(envelope('CLOUD_CALL_TIMEOUT'), ctx).hint).toContain('密码');
    expect(resultPanelFor(envelope('CLOUD_CALL_TIMEOUT'), { ...ctx, passwordSent: false }).hint).not.toContain('密码');
  });

  test('a phone-side problem says nothing was sent', () => {
    const view = describeProblem({ field: 'bizId', message: '客户编码（bizId）不能为空' });
    expect(view).toMatchObject({ tone: 'error', message: '客户编码（bizId）不能为空', canRetry: false });
    expect(view.hint).toContain('还没有提交');
  });
});

describe('callFunction client', () => {
  const wxGlobal = (globalThis as unknown as { wx?: Record<string, unknown> });
  let savedWx: Record<string, unknown> | undefined;
  beforeEach(() => {
    savedWx = wxGlobal.wx;
  });
  afterEach(() => {
    wxGlobal.wx = savedWx;
  });

  function withCallFunction(callFunction: (param: { name: string; data: unknown }) => unknown) {
    wxGlobal.wx = { cloud: { callFunction: jest.fn(callFunction) } };
    return (wxGlobal.wx.cloud as { callFunction: jest.Mock }).callFunction;
  }

  test('passes the envelope through untouched', async () => {
    const answer = envelope('ALREADY_BOUND');
    const fn = withCallFunction(async () => ({ result: answer, errMsg: 'cloud.callFunction:ok' }));
    await expect(callLogisticsFunction('bindAccount', { type: 'bind', bizId: '1', deliveryId: 'SF' })).resolves.toEqual(answer);
    expect(fn).toHaveBeenCalledWith({ name: 'bindAccount', data: { type: 'bind', bizId: '1', deliveryId: 'SF' } });
  });

  test.each([
    ['no result', undefined],
    ['a string', 'ok'],
    ['the raw openapi answer', { errCode: 0, errMsg: 'ok' }],
    ['ok true with a non-zero errCode', { ...envelope('ALREADY_BOUND'), ok: true }],
    ['no message', { ...envelope('OK'), message: '' }],
    ['a field that is not a string', { ...envelope('INVALID_PARAM'), field: 3 }],
  ])('%s is BAD_RESPONSE', async (_name, result) => {
    withCallFunction(async () => ({ result, errMsg: 'cloud.callFunction:ok' }));
    const env = await callLogisticsFunction('updatePrinter', { updateType: 'bind' });
    expect(env.code).toBe('BAD_RESPONSE');
    expect(isEnvelope(env)).toBe(true);
  });

  test.each([
    [{ errCode: -501000, errMsg: 'FunctionName parameter could not be found.' }, 'FUNCTION_NOT_FOUND', -501000],
    [{ errCode: -501000, errMsg: 'Environment not found' }, 'FUNCTION_NOT_FOUND', -501000],
    [{ errCode: -404011, errMsg: 'cloud function execution error: Invoking task timed out after 3 seconds' }, 'FUNCTION_EXECUTION_FAILED', -404011],
    [{ errMsg: 'cloud.callFunction:fail request:fail timeout' }, 'CALL_TIMEOUT', -901003],
    [{ errCode: -1, errMsg: "Cloud API isn't enabled, please call wx.cloud.init first" }, 'CLOUD_UNAVAILABLE', -901001],
    [{ errMsg: 'cloud.callFunction:fail request:fail' }, 'NETWORK_ERROR', -901002],
    ['a thrown string', 'NETWORK_ERROR', -901002],
    [null, 'NETWORK_ERROR', -901002],
  ])('a failure %j is %s', async (failure, code, errCode) => {
    withCallFunction(async () => {
      throw failure;
    });
    const env = await callLogisticsFunction('updatePrinter', { updateType: 'bind' });
    expect(env).toMatchObject({ ok: false, code, errCode });
    expect(env).toEqual(envelopeForCallFailure(failure));
    expect(isEnvelope(env)).toBe(true);
  });

  test('keeps the original errCode in errMsg for the logs', () => {
    expect(envelopeForCallFailure({ errCode: -1, errMsg: 'request:fail' }).errMsg).toBe('request:fail (errCode -1)');
  });

  test('a callFunction that throws at once is still an envelope', async () => {
    withCallFunction(() => {
      throw new TypeError('boom');
    });
    await expect(callLogisticsFunction('updatePrinter', { updateType: 'bind' })).resolves.toMatchObject({ code: 'NETWORK_ERROR' });
  });

  test('no wx.cloud at all is CLOUD_UNAVAILABLE', async () => {
    wxGlobal.wx = {};
    await expect(callLogisticsFunction('updatePrinter', { updateType: 'bind' })).resolves.toMatchObject({ code: 'CLOUD_UNAVAILABLE' });
  });

  test('no answer before the time limit is CALL_TIMEOUT (the outcome is unknown)', async () => {
    withCallFunction(() => new Promise(() => undefined));
    const env = await callLogisticsFunction('updatePrinter', { updateType: 'bind' }, { timeoutMs: 5 });
    expect(env).toMatchObject({ code: 'CALL_TIMEOUT', retryable: true });
  });

  test('client codes are distinct from every catalogue code', () => {
    const catalogueCodes = new Set(CATALOGUE.map((e) => e.code));
    const catalogueErrCodes = new Set(CATALOGUE.map((e) => e.errCode));
    for (const outcome of Object.values(CLIENT_OUTCOMES)) {
      expect(catalogueCodes.has(outcome.code)).toBe(false);
      expect(catalogueErrCodes.has(outcome.errCode)).toBe(false);
    }
  });
});

describe('the management view logic', () => {
  test('a part that is not what getBindings answers is a failure in place, never rows', () => {
    const view = bindingsViewFor(envelope('OK', { data: { accounts: { ok: true, list: 'x' }, printers: { ok: true, openids: [ME, 5] }, callerOpenid: ME } }));
    expect(view.accounts.state).toBe('failed');
    expect(view.accounts.message).toContain('无法识别');
    expect(view.printers.rows.map((row) => [row.openid, row.isMe])).toEqual([[ME, true]]);
    expect(view.canReload).toBe(true);
  });

  test('shortOpenid keeps short ids and shortens long ones; stored names must be strings', () => {
    expect(shortOpenid('oShort')).toBe('oShort');
    expect(shortOpenid('oAbcdefghijklmnop1234')).toBe('oAbcde…1234');
    expect(readPrinterNames({ o1: '小王', o2: 3, o3: '' })).toEqual({ o1: '小王' });
    expect(readPrinterNames('junk')).toEqual({});
  });

  test('carrierOptions: WeChat\'s list, known carriers first, no repeats, "other" last; an empty list means the built-in one', () => {
    const rows = carrierOptions([
      { deliveryId: 'ZZ', deliveryName: '', serviceType: [] },
      { deliveryId: 'SF', deliveryName: '顺丰', serviceType: [] },
      { deliveryId: 'SF', deliveryName: '顺丰', serviceType: [] },
    ]);
    expect(rows.map((row) => row.label)).toEqual(['顺丰（SF）', 'ZZ（ZZ）', '其他（手动输入）']);
    expect(carrierIndexOf('ZZ', rows)).toBe(1);
    expect(carrierIndexOf('NOPE', rows)).toBe(2);
    expect(carrierOptions([])).toEqual(CARRIER_OPTIONS);
  });
});
