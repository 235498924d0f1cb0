/**
 * The logistics page as a person uses it, rendered in the real component framework. The fake
 * cloud (FakeCloud) is the only stand-in: every input, tap, check and message is the page's own.
 */
import { captureConsole, account, bindingsEnvelope, deferred, envelope, ME, partFailure, renderPage, type Harness } from './support/harness';

const PASSWORD = 'pässw0rd-秘密';

let consoleCalls: unknown[][];

beforeEach(() => {
  consoleCalls = captureConsole();
});

afterEach(() => {
  jest.restoreAllMocks();
});

function data(h: Harness) {
  return h.page.data as {
    busy: boolean;
    busyAction: string;
    invalidField: string;
    showPassword: boolean;
    showRemark: boolean;
    isOtherCarrier: boolean;
    account: { deliveryId: string; bizId: string; password: string; remarkContent: string };
    result: { tone: string } | null;
  };
}

/** A filled-in YUNDA bind form, the most common case: YUNDA needs a password. */
async function yundaForm(h: Harness, bizId = '123456') {
  await h.chooseCarrier('YUNDA');
  await h.type('#bizId', bizId);
  await h.type('#password', PASSWORD);
}

describe('printers', () => {
  test('binds a printer by openid, trimmed, and says so', async () => {
    const h = renderPage();
    await h.tap('#toggleAdvanced');
    await h.type('#openid', '  oPrinter_01-x  ');
    await h.tap('#bindPrinter');

    expect(h.cloud.calls).toEqual([{ name: 'updatePrinter', data: { openid: 'oPrinter_01-x', updateType: 'bind' } }]);
    expect(h.resultText()).toContain('成功');
    expect(h.resultText()).toContain('已绑定打印员');
    expect(data(h).result?.tone).toBe('success');
  });

  test('"绑定我自己" leaves openid out, whatever is typed in the openid field', async () => {
    const h = renderPage();
    await h.tap('#toggleAdvanced');
    await h.type('#openid', 'oSomeoneElse');
    await h.tap('#bindSelf');

    expect(h.cloud.calls).toEqual([{ name: 'updatePrinter', data: { updateType: 'bind' } }]);
    expect(h.resultText()).toContain('已把你绑定为打印员');
  });

  test('binding by openid with the field empty sends nothing (it would bind the caller instead)', async () => {
    const h = renderPage();
    await h.tap('#toggleAdvanced');
    await h.type('#openid', '   ');
    await h.tap('#bindPrinter');

    expect(h.cloud.calls).toHaveLength(0);
    expect(h.resultText()).toContain('请填写打印员 openid（openid）');
    expect(h.resultText()).toContain('绑定我自己');
    expect(data(h).invalidField).toBe('openid');
  });

  test('an openid with characters the function refuses is stopped on the phone', async () => {
    const h = renderPage();
    await h.tap('#toggleAdvanced');
    await h.type('#openid', 'o printer!');
    await h.tap('#bindPrinter');

    expect(h.cloud.calls).toHaveLength(0);
    expect(h.resultText()).toContain('打印员 openid（openid）只能包含英文字母、数字、下划线和短横线');
    expect(h.text()).toContain('请检查这一项');
  });

  test('unbinding from a row asks first; confirming sends the unbind of that row', async () => {
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: bindingsEnvelope({ printers: ['oPrinter01', 'oPrinter02'] }) }));
    await h.settle();
    await h.tap('#unbindPrinter-1');

    expect(h.modals).toHaveLength(1);
    expect(h.modals[0]).toContain('oPrinter02');
    expect(h.cloud.calls).toEqual([{ name: 'updatePrinter', data: { openid: 'oPrinter02', updateType: 'unbind' } }]);
    expect(h.resultText()).toContain('已解绑打印员');
  });

  test('unbinding from a row, then cancelling, sends nothing and leaves the page usable', async () => {
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: bindingsEnvelope({ printers: ['oPrinter01'] }) }));
    await h.settle();
    h.confirmAnswer = false;
    await h.tap('#unbindPrinter-0');

    expect(h.modals).toHaveLength(1);
    expect(h.cloud.calls).toHaveLength(0);
    expect(h.resultText()).toBe('');
    expect(data(h).busy).toBe(false);

    h.confirmAnswer = true;
    await h.tap('#unbindPrinter-0');
    expect(h.cloud.calls).toHaveLength(1);
  });

  test('there is no unbind-by-typing any more: the form only binds', () => {
    const h = renderPage();
    expect(h.has('#unbindPrinter')).toBe(false);
    expect(h.has('#unbindAccount')).toBe(false);
  });
});

describe('courier account form', () => {
  test('the password field shows only for carriers that need one, and for hand-typed ones', async () => {
    const h = renderPage();
    expect(h.has('#password')).toBe(false);

    for (const [carrier, shown] of [
      ['YUNDA', true],
      ['SF', false],
      ['ZTO', true],
      ['JDL', false],
      ['EMS', false],
      ['JTSD', true],
      ['other', true],
    ] as const) {
      await h.chooseCarrier(carrier);
      expect([carrier, h.has('#password')]).toEqual([carrier, shown]);
      expect(data(h).showPassword).toBe(shown);
    }
  });

  test('EMS shows the remark field with its format; others do not', async () => {
    const h = renderPage();
    await h.chooseCarrier('YUNDA');
    expect(h.has('#remarkContent')).toBe(false);
    expect(h.text()).not.toContain('服务类型');

    await h.chooseCarrier('EMS');
    expect(h.has('#remarkContent')).toBe(true);
    expect(h.text()).toContain('备注（remarkContent）');
    expect(h.text()).toContain('电话:xxx 联系人:xxx 服务类型:xxx 发货地址:xxx');
  });

  test('"其他（手动输入）" shows a deliveryId field; typing EMS there shows the remark field too', async () => {
    const h = renderPage();
    expect(h.has('#deliveryId')).toBe(false);
    await h.chooseCarrier('other');
    expect(h.text()).toContain('其他（手动输入）');
    expect(h.has('#deliveryId')).toBe(true);
    expect(h.has('#remarkContent')).toBe(false);

    await h.type('#deliveryId', 'EMS');
    expect(h.has('#remarkContent')).toBe(true);
  });

  test('switching to a carrier without a password drops the typed password', async () => {
    const h = renderPage();
    await yundaForm(h);
    expect(data(h).account.password).toBe(PASSWORD);

    await h.chooseCarrier('SF');
    expect(data(h).account.password).toBe('');
    await h.tap('#bindAccount');
    expect(h.cloud.calls[0]?.data).toEqual({ type: 'bind', bizId: '123456', deliveryId: 'SF' });
  });
});

describe('binding a courier account', () => {
  test('sends the trimmed form with the password, says it is bound, and forgets the password', async () => {
    const h = renderPage();
    await yundaForm(h, '  123456  ');
    await h.tap('#bindAccount');

    expect(h.cloud.calls).toEqual([
      { name: 'bindAccount', data: { type: 'bind', bizId: '123456', deliveryId: 'YUNDA', password: PASSWORD } },
    ]);
    expect(h.resultText()).toContain('快递账号已绑定');
    expect(data(h).account.password).toBe('');
    expect(JSON.stringify(h.page.data)).not.toContain(PASSWORD);
    expect(h.text()).not.toContain(PASSWORD);
    expect(JSON.stringify(consoleCalls)).not.toContain(PASSWORD);
  });

  test('SF and JD need no password: none is sent, and no empty remark either', async () => {
    for (const carrier of ['SF', 'JDL']) {
      const h = renderPage();
      await h.chooseCarrier(carrier);
      await h.type('#bizId', 'month-001');
      await h.tap('#bindAccount');
      expect(h.cloud.calls[0]?.data).toEqual({ type: 'bind', bizId: 'month-001', deliveryId: carrier });
    }
  });

  test('a hand-typed carrier is sent as typed (trimmed); its password is optional', async () => {
    const h = renderPage();
    await h.chooseCarrier('other');
    await h.type('#deliveryId', ' HHTT ');
    await h.type('#bizId', 'abc');
    await h.tap('#bindAccount');
    expect(h.cloud.calls[0]?.data).toEqual({ type: 'bind', bizId: 'abc', deliveryId: 'HHTT' });
  });

  test('EMS: the remark is required, sent on one line, and UNDER_REVIEW is shown as information', async () => {
    const h = renderPage();
    await h.chooseCarrier('EMS');
    await h.type('#bizId', 'ems-001');
    await h.tap('#bindAccount');
    expect(h.cloud.calls).toHaveLength(0);
    expect(h.resultText()).toContain('备注（remarkContent）');

    h.cloud.willAnswer({ result: envelope('UNDER_REVIEW') });
    await h.type('#remarkContent', '电话:13800000000\n联系人:张三\n服务类型:标准快递\n发货地址:广州市海珠区 ');
    await h.tap('#bindAccount');
    expect(h.cloud.calls[0]?.data).toEqual({
      type: 'bind',
      bizId: 'ems-001',
      deliveryId: 'EMS',
      remarkContent: '电话:13800000000 联系人:张三 服务类型:标准快递 发货地址:广州市海珠区',
    });
    expect(h.resultText()).toContain('提示');
    expect(h.resultText()).toContain('已提交，等待快递公司审核');
    expect(h.resultText()).toContain('绑定申请已提交，正在等待快递公司审核');
    expect(h.resultText()).not.toContain('没有成功');
    expect(data(h).result?.tone).toBe('info');
  });

  test('ALREADY_BOUND is information, not an error, with nothing to retry', async () => {
    const h = renderPage();
    h.cloud.willAnswer({ result: envelope('ALREADY_BOUND') });
    await yundaForm(h);
    await h.tap('#bindAccount');

    expect(h.resultText()).toContain('提示');
    expect(h.resultText()).toContain('已经绑定过了');
    expect(h.resultText()).toContain('这个快递账号已经绑定过了，无需重复绑定');
    expect(h.resultText()).not.toContain('没有成功');
    expect(h.has('#retry')).toBe(false);
    expect(data(h).result?.tone).toBe('info');
  });

  test('WRONG_ACCOUNT_OR_PASSWORD says so plainly and clears the password', async () => {
    const h = renderPage();
    h.cloud.willAnswer({ result: envelope('WRONG_ACCOUNT_OR_PASSWORD') });
    await yundaForm(h);
    await h.tap('#bindAccount');

    expect(h.resultText()).toContain('没有成功');
    expect(h.resultText()).toContain('客户编码或密码不正确');
    expect(h.resultText()).toContain('快递公司客户编码或密码不正确，请核对后重试');
    expect(h.has('#retry')).toBe(false);
    expect(data(h).account.password).toBe('');
    expect(data(h).account.bizId).toBe('123456');
  });

  test.each([
    ['NOT_ADMIN', '没有权限', '你不是管理员，无权进行此操作', 'LOGISTICS_ADMIN_OPENIDS 必须相同'],
    ['ADMINS_NOT_CONFIGURED', '尚未设置管理员', 'LOGISTICS_ADMIN_OPENIDS', ''],
    ['NO_CALLER_IDENTITY', '无法确认你的身份', '无法确认调用者身份', '请联系这个小程序的管理员'],
  ])('the refusal %s is shown as a refusal, with its message', async (code, title, message, hint) => {
    const h = renderPage();
    h.cloud.willAnswer({ result: envelope(code) });
    await yundaForm(h);
    await h.tap('#bindAccount');

    expect(h.resultText()).toContain('没有成功');
    expect(h.resultText()).toContain(title);
    expect(h.resultText()).toContain(message);
    if (hint) expect(h.resultText()).toContain(hint);
    expect(h.has('#retry')).toBe(false);
  });

  test('INVALID_PARAM names the field in words and marks it on the form', async () => {
    const h = renderPage();
    h.cloud.willAnswer({ result: envelope('INVALID_PARAM', { field: 'bizId' }) });
    await yundaForm(h);
    await h.tap('#bindAccount');

    expect(h.resultText()).toContain('填写有误：客户编码（bizId）');
    expect(h.resultText()).toContain('参数错误：bizId 首尾不能有空格');
    expect(data(h).invalidField).toBe('bizId');
    expect(h.text()).toContain('请检查这一项');

    await h.type('#bizId', '654321');
    expect(data(h).invalidField).toBe('');
  });

  test('a retryable failure says it can be retried; "再试一次" sends it again once the password is typed again', async () => {
    const h = renderPage();
    h.cloud.willAnswer({ result: envelope('CLOUD_CALL_TIMEOUT') });
    await yundaForm(h);
    await h.tap('#bindAccount');

    expect(h.resultText()).toContain('暂时没有成功');
    expect(h.resultText()).toContain('云调用超时，请稍后再试');
    expect(h.resultText()).toContain('再试一次');
    expect(h.resultText()).toContain('密码已清空，请重新输入');
    expect(data(h).account.password).toBe('');

    // Without the password the retry is stopped on the phone...
    await h.tap('#retry');
    expect(h.cloud.calls).toHaveLength(1);
    expect(h.resultText()).toContain('快递账号密码（password）');

    // ...with it, the same bind goes again.
    h.cloud.willAnswer({ result: envelope('OK') });
    await h.type('#password', PASSWORD);
    await h.tap('#bindAccount');
    expect(h.cloud.calls).toHaveLength(2);
    expect(h.cloud.calls[1]).toEqual(h.cloud.calls[0]);
    expect(h.resultText()).toContain('快递账号已绑定');
  });

  test('"再试一次" repeats the last action', async () => {
    const h = renderPage();
    h.cloud.willAnswer({ result: envelope('CLOUD_CALL_TIMEOUT') });
    await h.tap('#bindSelf');
    h.cloud.willAnswer({ result: envelope('OK') });
    await h.tap('#retry');

    expect(h.cloud.calls.map((c) => c.data)).toEqual([{ updateType: 'bind' }, { updateType: 'bind' }]);
    expect(h.resultText()).toContain('已把你绑定为打印员');
  });

  test('OUTCOME_UNKNOWN says the result is unknown and that sending again is safe', async () => {
    const h = renderPage();
    h.cloud.willAnswer({ result: envelope('OUTCOME_UNKNOWN') });
    await yundaForm(h);
    await h.tap('#bindAccount');

    expect(h.resultText()).toContain('请注意');
    expect(h.resultText()).toContain('结果未知');
    expect(h.resultText()).toContain('再次提交是安全的');
    expect(h.has('#retry')).toBe(true);
    expect(data(h).result?.tone).toBe('warning');
  });

  test('an ok answer made by an earlier attempt is still success', async () => {
    const h = renderPage();
    h.cloud.willAnswer({ result: envelope('OK', { data: { appliedByEarlierAttempt: true, attempts: 2 } }) });
    await yundaForm(h);
    await h.tap('#bindAccount');
    expect(h.resultText()).toContain('快递账号已绑定');
    expect(data(h).result?.tone).toBe('success');
  });
});

describe('when callFunction itself fails', () => {
  test.each([
    [
      'function not deployed (-501000)',
      { errCode: -501000, errMsg: 'cloud.callFunction:fail Error: errCode: -501000  | errMsg: FunctionName parameter could not be found.' },
      '找不到云函数或云环境',
      false,
    ],
    [
      'function crashed (-404011)',
      { errCode: -404011, errMsg: 'cloud.callFunction:fail requestID x, cloud function service error code -504002' },
      '云函数运行出错',
      true,
    ],
    ['no network', { errMsg: 'cloud.callFunction:fail request:fail' }, '可能是网络不通', true],
    ['no answer in time', { errMsg: 'cloud.callFunction:fail request:fail timeout' }, '结果未知', true],
  ])('%s: the page says what happened in plain words', async (_name, failure, shown, retry) => {
    const h = renderPage();
    h.cloud.willAnswer({ fail: Object.assign(new Error(failure.errMsg), failure) });
    await yundaForm(h);
    await h.tap('#bindAccount');

    expect(h.resultText()).toContain(shown);
    expect(h.has('#retry')).toBe(retry);
    expect(data(h).busy).toBe(false);
    expect(data(h).account.password).toBe('');
    expect(h.text()).not.toContain('errMsg');
  });

  test('an answer that is not an envelope is reported, not trusted', async () => {
    const h = renderPage();
    // What a function deployed from the docs' sample answers: the raw openapi result.
    h.cloud.willAnswer({ result: { errCode: 0, errMsg: 'openapi.logistics.bindAccount:ok' } });
    await yundaForm(h);
    await h.tap('#bindAccount');

    expect(h.resultText()).toContain('云函数返回了无法识别的结果');
    expect(h.resultText()).not.toContain('已绑定');
  });
});

describe('while a call is running', () => {
  test('the page shows it is busy, and further taps do nothing', async () => {
    const h = renderPage();
    await h.tap('#toggleAdvanced');
    const answer = deferred<unknown>();
    h.cloud.willAnswer({ hold: answer });
    await yundaForm(h);
    await h.tap('#bindAccount');

    expect(h.text()).toContain('正在提交，请稍候…');
    expect(data(h).busy).toBe(true);
    expect(data(h).busyAction).toBe('bindAccount');

    await h.tap('#bindAccount');
    await h.tap('#bindSelf');
    await h.tap('#bindPrinter');
    expect(h.cloud.calls).toHaveLength(1);
    expect(h.modals).toHaveLength(0);

    answer.resolve(envelope('OK'));
    await h.settle();
    expect(h.text()).not.toContain('正在提交');
    expect(h.resultText()).toContain('快递账号已绑定');

    h.cloud.willAnswer({ result: envelope('OK') });
    await h.tap('#bindSelf');
    expect(h.cloud.calls).toHaveLength(2);
  });

  test('two taps in the same moment make one call', async () => {
    const h = renderPage();
    const button = h.page.querySelector('#bindSelf');
    button?.dispatchEvent('tap');
    button?.dispatchEvent('tap');
    await h.settle();
    expect(h.cloud.calls).toHaveLength(1);
  });
});

describe('unbinding a courier account from its row', () => {
  const zto = () => bindingsEnvelope({ accounts: [account({ deliveryId: 'ZTO', bizId: 'zto-777', status: 'BOUND', statusCode: 0 })] });

  test('confirming sends the unbind of that row; BIZ_ID_NOT_FOUND is explained', async () => {
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: zto() }));
    await h.settle();
    h.cloud.willAnswer({ result: envelope('BIZ_ID_NOT_FOUND') });
    await h.tap('#unbindAccount-0');

    expect(h.modals).toHaveLength(1);
    expect(h.modals[0]).toContain('中通快递');
    expect(h.modals[0]).toContain('zto-777');
    expect(h.cloud.calls).toEqual([{ name: 'bindAccount', data: { type: 'unbind', bizId: 'zto-777', deliveryId: 'ZTO' } }]);
    expect(h.resultText()).toContain('没有找到这个客户编码');
    expect(h.resultText()).toContain('要解绑的客户编码不存在，可能已经解绑过了');
  });

  test('cancelling sends nothing', async () => {
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: zto() }));
    await h.settle();
    h.confirmAnswer = false;
    await h.tap('#unbindAccount-0');

    expect(h.modals).toHaveLength(1);
    expect(h.cloud.calls).toHaveLength(0);
    expect(data(h).busy).toBe(false);
  });
});

describe('checks on the phone stop the call', () => {
  test.each([
    ['no carrier chosen', async (_h: Harness) => undefined, '请选择快递公司（deliveryId）', 'deliveryId'],
    ['empty bizId', async (h: Harness) => h.chooseCarrier('SF'), '客户编码（bizId）不能为空', 'bizId'],
    [
      'bizId too long',
      async (h: Harness) => {
        await h.chooseCarrier('SF');
        await h.type('#bizId', 'x'.repeat(129));
      },
      '客户编码（bizId）不能超过 128 个字符',
      'bizId',
    ],
    [
      'bizId with a line break inside',
      async (h: Harness) => {
        await h.chooseCarrier('SF');
        await h.type('#bizId', 'ab\ncd');
      },
      '客户编码（bizId）不能包含换行等控制字符',
      'bizId',
    ],
    [
      'YUNDA without a password',
      async (h: Harness) => {
        await h.chooseCarrier('YUNDA');
        await h.type('#bizId', '123');
      },
      '快递账号密码（password）',
      'password',
    ],
    [
      'a password with a control character',
      async (h: Harness) => {
        await h.chooseCarrier('YUNDA');
        await h.type('#bizId', '123');
        await h.type('#password', 'abc\u0007');
      },
      '快递账号密码（password）不能包含换行等控制字符',
      'password',
    ],
    [
      'other carrier, nothing typed',
      async (h: Harness) => {
        await h.chooseCarrier('other');
        await h.type('#bizId', '123');
      },
      '请填写快递公司编码（deliveryId）',
      'deliveryId',
    ],
    [
      'other carrier with a space inside',
      async (h: Harness) => {
        await h.chooseCarrier('other');
        await h.type('#deliveryId', 'YUN DA');
        await h.type('#bizId', '123');
      },
      '快递公司编码（deliveryId）只能包含英文字母、数字、下划线和短横线',
      'deliveryId',
    ],
    [
      'other carrier id too long',
      async (h: Harness) => {
        await h.chooseCarrier('other');
        await h.type('#deliveryId', 'A'.repeat(33));
        await h.type('#bizId', '123');
      },
      '快递公司编码（deliveryId）不能超过 32 个字符',
      'deliveryId',
    ],
  ])('%s', async (_name, fill, message, field) => {
    const h = renderPage();
    await fill(h);
    await h.tap('#bindAccount');

    expect(h.cloud.calls).toHaveLength(0);
    expect(h.resultText()).toContain('请检查填写内容');
    expect(h.resultText()).toContain(message);
    expect(h.resultText()).toContain('还没有提交');
    expect(data(h).invalidField).toBe(field);
    expect(data(h).busy).toBe(false);
  });

  test('a password kept while the form is fixed is still forgotten when the page is hidden', async () => {
    const h = renderPage();
    await h.chooseCarrier('YUNDA');
    await h.type('#password', PASSWORD);
    await h.tap('#bindAccount'); // stopped: no bizId
    expect(data(h).account.password).toBe(PASSWORD);

    (h.page.instance as unknown as { onHide(): void }).onHide();
    expect(data(h).account.password).toBe('');
  });
});
