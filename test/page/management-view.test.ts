/**
 * The management view: what getBindings answered, as a person sees it and acts on it, in the real
 * component framework. FakeCloud answers the reads; every list, badge and button is the page's own.
 */
import { account, bindingsEnvelope, envelope, ME, partFailure, renderPage, type Harness } from './support/harness';

beforeEach(() => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) jest.spyOn(console, method).mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

function text(h: Harness, selector: string): string {
  return h.page.querySelector(selector)?.dom?.textContent ?? '';
}

const EVERY_STATUS = [
  account({ deliveryId: 'SF', bizId: 'sf-001', status: 'BOUND', statusCode: 0, alias: '总店' }),
  account({ deliveryId: 'EMS', bizId: 'ems-review', status: 'UNDER_REVIEW', statusCode: 1 }),
  account({ deliveryId: 'EMS', bizId: 'ems-failed', status: 'FAILED', statusCode: 2, remarkWrongMsg: '发货地址不详，请补充门牌号', remarkContent: '电话:13800000000 联系人:张三 发货地址:上海市' }),
  account({ deliveryId: 'YTO', bizId: 'yto-old', status: 'UNBOUND', statusCode: 3 }),
  account({ deliveryId: 'HHTT', bizId: 'odd', status: 'UNKNOWN', statusCode: 7 }),
  account({ deliveryId: 'YTO', bizId: 'no-code', status: 'UNKNOWN' }),
];

describe('loading', () => {
  test('on show it loads getBindings (all parts); showing again loads again', async () => {
    const h = renderPage();
    await h.settle();
    expect(h.cloud.reads).toEqual([{ name: 'getBindings', data: { parts: ['accounts', 'printers', 'carriers', 'invites', 'history'] } }]);
    await h.show();
    expect(h.cloud.reads).toHaveLength(2);
  });

  test('pull-down refresh loads again and stops the refresh animation', async () => {
    const h = renderPage();
    await h.settle();
    h.cloud.willAnswerBindings({ result: bindingsEnvelope({ printers: ['oNewPrinter000001'] }) });
    await h.pullDown();
    expect(h.cloud.reads).toHaveLength(2);
    expect(h.has('#printer-0')).toBe(true);
    expect((globalThis as unknown as { wx: { stopPullDownRefresh: jest.Mock } }).wx.stopPullDownRefresh).toHaveBeenCalled();
  });
});

describe('printers', () => {
  test('the list: openids shortened, "我" for the caller', async () => {
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: bindingsEnvelope({ printers: [ME, 'oOtherPrinter0000000000099'] }) }));
    await h.settle();
    expect(h.page.querySelectorAll('.printer-row')).toHaveLength(2);
    expect(text(h, '#printer-0')).toContain('oMeThe…0001');
    expect(h.has('#me-0')).toBe(true);
    expect(text(h, '#me-0')).toBe('我');
    expect(text(h, '#printer-1')).toContain('oOther…0099');
    expect(h.has('#me-1')).toBe(false);
  });

  test('the unbind confirmation names the printer by the roster\'s name', async () => {
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: bindingsEnvelope({ printers: [{ openid: 'oOtherPrinter0000000000099', name: '仓库小王' }] }) }));
    await h.settle();
    h.confirmAnswer = false;
    await h.tap('#unbindPrinter-0');
    expect(h.modals[0]).toContain('仓库小王（oOther…0099）');
    expect(h.cloud.calls).toEqual([]);
  });

  test('empty: says what to do next', async () => {
    const h = renderPage();
    await h.settle();
    expect(text(h, '#printersEmpty')).toContain('还没有面单打印员');
    expect(text(h, '#printersEmpty')).toContain('绑定我自己');
    expect(text(h, '#printersEmpty')).toContain('邀请打印员');
  });

  test('bind myself and bind by openid stay; the list is refreshed after the change', async () => {
    const h = renderPage();
    await h.settle();
    h.cloud.willAnswerBindings({ result: bindingsEnvelope({ printers: [ME] }) });
    await h.tap('#bindSelf');
    expect(h.cloud.calls).toEqual([{ name: 'updatePrinter', data: { updateType: 'bind' } }]);
    expect(h.cloud.reads).toHaveLength(2);
    expect(h.has('#me-0')).toBe(true);
    expect(h.has('#printersEmpty')).toBe(false);
  });

  test('binding an openid WeChat does not know (40003) says the printer must open the mini program first', async () => {
    const h = renderPage();
    await h.tap('#toggleAdvanced');
    await h.settle();
    h.cloud.willAnswer({ result: envelope('INVALID_OPENID') });
    await h.type('#openid', 'oNeverOpenedIt');
    await h.tap('#bindPrinter');
    expect(h.resultText()).toContain('这个 openid 不是本小程序的用户');
    expect(h.resultText()).toContain('请让打印员先打开一次小程序');
    expect(h.has('#retry')).toBe(false);
  });

  test('an unbind from a row refreshes the list', async () => {
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: bindingsEnvelope({ printers: ['oPrinterA'] }) }));
    await h.settle();
    h.cloud.willAnswerBindings({ result: bindingsEnvelope({ printers: [] }) });
    await h.tap('#unbindPrinter-0');
    expect(h.cloud.calls).toEqual([{ name: 'updatePrinter', data: { openid: 'oPrinterA', updateType: 'unbind' } }]);
    expect(h.cloud.reads).toHaveLength(2);
    expect(h.has('#printersEmpty')).toBe(true);
  });
});

describe('accounts', () => {
  test('carrier name, bizId and a badge for every status', async () => {
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: bindingsEnvelope({ accounts: EVERY_STATUS }) }));
    await h.settle();
    expect(h.page.querySelectorAll('.account-row')).toHaveLength(6);
    expect([0, 1, 2, 3, 4, 5].map((i) => text(h, `#badge-${i}`))).toEqual(['已绑定', '审核中', '绑定失败', '已解绑', '状态未知（7）', '状态未知（无）']);
    expect(text(h, '#account-0')).toContain('顺丰速运');
    expect(text(h, '#account-0')).toContain('sf-001');
    expect(text(h, '#account-0')).toContain('总店');
    expect(text(h, '#account-1')).toContain('中国邮政速递物流');
    expect(text(h, '#account-4')).toContain('HHTT');
  });

  test('审核中 says review takes time and that opening the page refreshes it', async () => {
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: bindingsEnvelope({ accounts: EVERY_STATUS }) }));
    await h.settle();
    expect(text(h, '#account-1')).toContain('审核需要一些时间');
    expect(text(h, '#account-1')).toContain('每次打开这个页面都会刷新状态');
    expect(h.has('#resubmit-1')).toBe(false);
  });

  test('绑定失败 shows WeChat\'s reason; 重新提交 fills the bind form with the carrier and bizId', async () => {
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: bindingsEnvelope({ accounts: EVERY_STATUS }) }));
    await h.settle();
    expect(text(h, '#reason-2')).toContain('发货地址不详，请补充门牌号');
    expect([0, 1, 3, 4, 5].map((i) => h.has(`#resubmit-${i}`))).toEqual([false, false, false, false, false]);

    await h.tap('#resubmit-2');
    const form = h.page.data as { carrierLabel: string; account: { bizId: string; remarkContent: string }; showRemark: boolean };
    expect(form.carrierLabel).toBe('中国邮政速递物流（EMS）');
    expect(form.account.bizId).toBe('ems-failed');
    // The remark sent before is there to correct.
    expect(form.account.remarkContent).toBe('电话:13800000000 联系人:张三 发货地址:上海市');
    expect(h.has('#remarkContent')).toBe(true);
    expect(h.resultText()).toContain('发货地址不详');
    expect(h.cloud.calls).toHaveLength(0);

    h.cloud.willAnswer({ result: envelope('UNDER_REVIEW') });
    await h.type('#remarkContent', '电话:13800000000 联系人:张三 发货地址:上海市 1 号');
    await h.tap('#bindAccount');
    expect(h.cloud.calls).toEqual([
      { name: 'bindAccount', data: { type: 'bind', bizId: 'ems-failed', deliveryId: 'EMS', remarkContent: '电话:13800000000 联系人:张三 发货地址:上海市 1 号' } },
    ]);
  });

  test('解绑 on every row, with a confirmation; the list is refreshed after', async () => {
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: bindingsEnvelope({ accounts: EVERY_STATUS }) }));
    await h.settle();
    // Every row but the one already 已解绑.
    expect([0, 1, 2, 3, 4, 5].map((i) => h.has(`#unbindAccount-${i}`))).toEqual([true, true, true, false, true, true]);
    h.cloud.willAnswerBindings({ result: bindingsEnvelope({ accounts: EVERY_STATUS.slice(1) }) });
    await h.tap('#unbindAccount-0');
    expect(h.modals[0]).toContain('顺丰速运');
    expect(h.modals[0]).toContain('sf-001');
    expect(h.cloud.calls).toEqual([{ name: 'bindAccount', data: { type: 'unbind', bizId: 'sf-001', deliveryId: 'SF' } }]);
    expect(h.cloud.reads).toHaveLength(2);
    expect(h.page.querySelectorAll('.account-row')).toHaveLength(5);
  });

  test('empty: says what to do next', async () => {
    const h = renderPage();
    await h.settle();
    expect(text(h, '#accountsEmpty')).toContain('还没有绑定快递账号');
  });
});

describe('the carrier picker', () => {
  const labels = (h: Harness) => (h.page.data as { carrierOptions: Array<{ label: string }> }).carrierOptions.map((o) => o.label);

  test('uses the carriers part when it answered, known ones first, with "其他" last', async () => {
    const h = renderPage((cloud) =>
      cloud.willAnswerBindings({
        result: bindingsEnvelope({ carriers: [{ deliveryId: 'HHTT', deliveryName: '天天快递', serviceType: [] }, { deliveryId: 'SF', deliveryName: '顺丰速运', serviceType: [] }] }),
      }),
    );
    await h.settle();
    expect(labels(h)).toEqual(['顺丰速运（SF）', '天天快递（HHTT）', '其他（手动输入）']);

    // A carrier the project does not know: the password shows, optional; its id is sent.
    await h.chooseCarrier('HHTT');
    expect(h.has('#password')).toBe(true);
    await h.type('#bizId', 'tt-1');
    await h.tap('#bindAccount');
    expect(h.cloud.calls[0]?.data).toEqual({ type: 'bind', bizId: 'tt-1', deliveryId: 'HHTT' });
  });

  test('the built-in list otherwise (carriers part failed)', async () => {
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: bindingsEnvelope({ carriers: partFailure('READ_TIMEOUT') }) }));
    await h.settle();
    expect(labels(h)).toContain('韵达快递（YUNDA）');
    expect(labels(h).at(-1)).toBe('其他（手动输入）');
  });
});

describe('refusals and failures', () => {
  test.each(['NOT_ADMIN', 'ADMINS_NOT_CONFIGURED', 'NO_CALLER_IDENTITY'])('%s: a clear "only admins" view, and no forms', async (code) => {
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: envelope(code) }));
    await h.settle();
    expect(text(h, '#adminOnly')).toContain('只有管理员可以使用这个页面');
    expect(text(h, '#adminOnly')).toContain(envelope(code).message);
    for (const selector of ['#bindSelf', '#bindAccount', '#printers', '#accounts']) expect(h.has(selector)).toBe(false);
  });

  test('a part that failed shows its message in place while the others still show', async () => {
    const h = renderPage((cloud) =>
      cloud.willAnswerBindings({ result: bindingsEnvelope({ printers: partFailure('API_UNAUTHORIZED'), accounts: [EVERY_STATUS[0]!] }) }),
    );
    await h.settle();
    expect(text(h, '#printersError')).toContain('打印员列表暂时无法显示');
    expect(text(h, '#printersError')).toContain('请管理员在小程序后台开通物流助手');
    expect(h.has('#printerList')).toBe(false);
    expect(h.page.querySelectorAll('.account-row')).toHaveLength(1);
    expect(h.has('#accountsError')).toBe(false);
    expect(h.has('#bindSelf')).toBe(true);

    h.cloud.willAnswerBindings({ result: bindingsEnvelope({ printers: [ME] }) });
    await h.tap('#reload');
    expect(h.has('#printersError')).toBe(false);
    expect(h.has('#me-0')).toBe(true);
  });

  test('the call itself failing shows its message in both lists, with 重新加载', async () => {
    const h = renderPage((cloud) => cloud.willAnswerBindings({ fail: Object.assign(new Error('x'), { errMsg: 'cloud.callFunction:fail request:fail' }) }));
    await h.settle();
    expect(text(h, '#printersError')).toContain('可能是网络不通');
    expect(text(h, '#accountsError')).toContain('可能是网络不通');
    expect(h.has('#reload')).toBe(true);
  });
});

describe('the refused caller\'s own OPENID (issue 22)', () => {
  const FUNCTIONS = ['updatePrinter', 'bindAccount', 'getBindings'];
  const STRANGER = 'oStrangerWantsIn00000000042';

  test('no admins set: the owner sees their OPENID with 复制, and the exact steps to become the first admin', async () => {
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: envelope('ADMINS_NOT_CONFIGURED', { data: { callerOpenid: ME } }) }));
    await h.settle();
    const shown = text(h, '#adminOnly');
    expect(text(h, '#callerOpenid')).toContain(ME);
    expect(shown).toContain('第一位管理员');
    for (const fn of FUNCTIONS) expect(shown).toContain(fn);
    expect(shown).toContain('LOGISTICS_ADMIN_OPENIDS');
    expect(shown).toContain('云开发控制台');
    expect(shown).toContain('环境变量');
    expect(shown).toContain('下拉刷新');
    // The owner's own screen never sends them to "the admin".
    expect(shown).not.toContain('联系');
    await h.tap('#copyOpenid');
    expect(h.copied).toEqual([ME]);
    for (const selector of ['#bindSelf', '#bindAccount', '#printers', '#accounts']) expect(h.has(selector)).toBe(false);
  });

  test('not an admin: their OPENID with 复制, "send this to your admin", and an admin must be listed in all three', async () => {
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: envelope('NOT_ADMIN', { data: { callerOpenid: STRANGER } }) }));
    await h.settle();
    const shown = text(h, '#adminOnly');
    expect(text(h, '#callerOpenid')).toContain(STRANGER);
    expect(shown).toContain('发给这个小程序的管理员');
    expect(shown).toContain('如果你就是管理员');
    expect(shown).toContain('全部三个云函数');
    for (const fn of FUNCTIONS) expect(shown).toContain(fn);
    await h.tap('#copyOpenid');
    expect(h.copied).toEqual([STRANGER]);
  });

  test('a refusal without the OPENID (a function not yet updated) says so instead of showing one', async () => {
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: envelope('NOT_ADMIN') }));
    await h.settle();
    expect(h.has('#callerOpenid')).toBe(false);
    expect(text(h, '#adminOnly')).toContain('最新版本');
  });

  test.each([
    ['bindAccount', 'NOT_ADMIN', async (h: Harness) => {
      await h.chooseCarrier('SF');
      await h.type('#bizId', 'sf-001');
      await h.tap('#bindAccount');
    }],
    ['updatePrinter', 'NOT_ADMIN', async (h: Harness) => h.tap('#bindSelf')],
    ['updatePrinter', 'ADMINS_NOT_CONFIGURED', async (h: Harness) => h.tap('#bindSelf')],
  ])('drift: getBindings showed the lists, then %s answers %s: the page names the function that disagrees', async (fn, code, act) => {
    const h = renderPage();
    await h.settle();
    h.cloud.willAnswer({ result: envelope(code, { data: { callerOpenid: ME } }) });
    await act(h);
    const shown = h.resultText();
    expect(shown).toContain(`${fn} 和 getBindings 的管理员设置不一致`);
    expect(shown).toContain('三个云函数（updatePrinter、bindAccount、getBindings）的 LOGISTICS_ADMIN_OPENIDS 必须相同');
    expect(shown).toContain(ME);
    await h.tap('#copyResultOpenid');
    expect(h.copied).toEqual([ME]);
  });
});
