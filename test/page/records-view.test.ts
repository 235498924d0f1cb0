/**
 * What the server now remembers, as the management view shows it (issue 21): the printers' shared
 * names with who added them and when, 改名, the names kept on this phone before offered for saving
 * once, the accounts' quota and bind time, 最近操作 from the history, lists the function cut, parts
 * that fail in place, writes whose records were not saved, and codes behind 详情. In the real
 * component framework; FakeCloud answers.
 */
import { BINDINGS_PARTS, type HistoryEntry } from '../../miniprogram/shared/bindings';
import { formatMoment } from '../../miniprogram/logic/moments';
import { account, bindingsEnvelope, envelope, ME, partFailure, renderPage, type Harness } from './support/harness';

beforeEach(() => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) jest.spyOn(console, method).mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

function text(h: Harness, selector: string): string {
  return h.page.querySelector(selector)?.dom?.textContent ?? '';
}

const STAFF = 'oStaff3mR8vQ1nT5kJ2hG6fD4sA9';
const OTHER = 'oOther9pL2kW7xC4vB1nM8qZ5tR3';
const ADDED_AT = Date.UTC(2026, 10, 3, 1, 20);
const PEOPLE = [
  { openid: ME, name: '店长老王', addedBy: ME, addedAt: ADDED_AT, via: 'self' as const },
  { openid: STAFF, name: '仓库小王', addedBy: ME, addedAt: ADDED_AT, via: 'invite' as const, inviteId: 'invA' },
  { openid: OTHER },
];

describe('reading', () => {
  test('getBindings is asked for every part, the records included', async () => {
    const h = renderPage();
    await h.settle();
    expect(h.cloud.reads).toEqual([{ name: 'getBindings', data: { parts: [...BINDINGS_PARTS] } }]);
    expect(BINDINGS_PARTS).toEqual(['accounts', 'printers', 'carriers', 'invites', 'history']);
  });

  test('the daily view (accounts, printers, history) comes before the forms; bind by openid is folded under 高级', async () => {
    const h = renderPage();
    await h.settle();
    const order = ['#accounts', '#printers', '#history', '#invites', '#advancedPrinter', '#accountForm'].map((selector) => {
      const dom = h.page.querySelector(selector)?.dom;
      if (!dom) throw new Error(`no ${selector}`);
      return dom;
    });
    for (let i = 1; i < order.length; i += 1) {
      // DOCUMENT_POSITION_FOLLOWING: each comes after the one before it.
      expect(order[i - 1]!.compareDocumentPosition(order[i]!) & 4).toBe(4);
    }
    expect(h.has('#openid')).toBe(false);
    await h.tap('#toggleAdvanced');
    expect(h.has('#openid')).toBe(true);
    expect(h.has('#bindPrinter')).toBe(true);
  });
});

describe('printers, named by the roster', () => {
  test('each row: the shared name, who added them and when; unnamed when the roster has no name', async () => {
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: bindingsEnvelope({ printers: PEOPLE }) }));
    await h.settle();
    expect(text(h, '#printer-0')).toContain('店长老王');
    expect(text(h, '#printer-0')).toContain(`${formatMoment(ADDED_AT)} 自己添加`);
    expect(text(h, '#printer-1')).toContain('仓库小王');
    expect(text(h, '#printer-1')).toContain(`${formatMoment(ADDED_AT)} 接受 我 的邀请加入`);
    expect(text(h, '#printer-2')).toContain('未命名打印员');
    expect(text(h, '#printer-2')).toContain('oOther…5tR3');
    expect(h.text()).not.toContain('只保存在你这台手机上');
    expect(h.has('#renamePrinter-2')).toBe(true);
  });

  test('改名 sends a rename and reads the list again; recorded false says the name was not saved', async () => {
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: bindingsEnvelope({ printers: PEOPLE }) }));
    await h.settle();
    await h.tap('#renamePrinter-2');
    await h.type('#renameInput', ' 打包阿姨 ');
    h.cloud.willAnswer({ result: envelope('OK', { data: { openid: OTHER, name: '打包阿姨', recorded: true } }) });
    await h.tap('#saveRename');
    expect(h.cloud.calls).toEqual([{ name: 'updatePrinter', data: { updateType: 'rename', openid: OTHER, name: '打包阿姨' } }]);
    expect(h.resultText()).toContain('已改名');
    expect(h.cloud.reads).toHaveLength(2);
    expect(h.has('#renameInput')).toBe(false);

    await h.tap('#renamePrinter-1');
    expect(h.attr('#renameInput', 'value')).toBe('仓库小王');
    await h.type('#renameInput', '小王');
    h.cloud.willAnswer({ result: envelope('OK', { data: { openid: STAFF, name: '小王', recorded: false } }) });
    await h.tap('#saveRename');
    expect(h.resultText()).toContain('名字没有保存');
  });

  test('a rename the rules refuse is said on the phone; 取消 sends nothing', async () => {
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: bindingsEnvelope({ printers: PEOPLE }) }));
    await h.settle();
    await h.tap('#renamePrinter-2');
    await h.type('#renameInput', '   ');
    await h.tap('#saveRename');
    expect(h.cloud.calls).toEqual([]);
    expect(h.resultText()).toContain('名字（name）不能为空');
    await h.tap('#cancelRename');
    expect(h.has('#renameInput')).toBe(false);
    expect(h.cloud.calls).toEqual([]);
  });

  test('a printer bind answered ok but not recorded tells the admin the record was not saved', async () => {
    const h = renderPage();
    await h.settle();
    h.cloud.willAnswer({ result: envelope('OK', { data: { recorded: false } }) });
    await h.tap('#bindSelf');
    expect(h.resultText()).toContain('已把你绑定为打印员');
    expect(h.resultText()).toContain('没有保存');
  });

  test('the roster cannot be read: the printers still list, without names, and say why in place', async () => {
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: bindingsEnvelope({ printers: PEOPLE, roster: partFailure('DATABASE_REQUEST_FAILED') }) }));
    await h.settle();
    expect(h.page.querySelectorAll('.printer-row')).toHaveLength(3);
    expect(text(h, '#printer-1')).toContain('未命名打印员');
    expect(text(h, '#rosterError')).toContain('名字暂时读不到');
    expect(text(h, '#rosterError')).toContain('云数据库请求失败');
    expect(h.has('#reload')).toBe(true);
  });

  test('a printers list the function cut says how many there are', async () => {
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: bindingsEnvelope({ printers: [STAFF, OTHER], totals: { printers: 612 } }) }));
    await h.settle();
    expect(text(h, '#printers')).toContain('只显示前 2 个，共 612 个');
  });
});

describe('names kept on this phone before', () => {
  const stored = { [STAFF]: '仓库小王', [OTHER]: '打包阿姨', oGoneLongAgo000000000001: '早走了' };

  test('offered once: 保存 sends a rename for each listed printer the roster names otherwise, then forgets them', async () => {
    const h = renderPage((cloud, storage) => {
      storage.set('logistics.printerNames', stored);
      cloud.willAnswerBindings({ result: bindingsEnvelope({ printers: PEOPLE }) });
    });
    await h.settle();
    // 仓库小王 is already the shared name: only 打包阿姨 is offered.
    const offer = text(h, '#localNames');
    expect(offer).toContain('打包阿姨');
    expect(offer).not.toContain('仓库小王');
    expect(offer).not.toContain('早走了');
    h.cloud.willAnswer({ result: envelope('OK', { data: { openid: OTHER, name: '打包阿姨', recorded: true } }) });
    await h.tap('#saveLocalNames');
    expect(h.cloud.calls).toEqual([{ name: 'updatePrinter', data: { updateType: 'rename', openid: OTHER, name: '打包阿姨' } }]);
    expect(h.storage.has('logistics.printerNames')).toBe(false);
    expect(h.resultText()).toContain('已保存 1 个名字');
    await h.show();
    expect(h.has('#localNames')).toBe(false);
  });

  test('不用了: nothing is sent, and they are not offered again', async () => {
    const h = renderPage((cloud, storage) => {
      storage.set('logistics.printerNames', stored);
      cloud.willAnswerBindings({ result: bindingsEnvelope({ printers: PEOPLE }) });
    });
    await h.settle();
    await h.tap('#skipLocalNames');
    expect(h.cloud.calls).toEqual([]);
    expect(h.storage.has('logistics.printerNames')).toBe(false);
    expect(h.has('#localNames')).toBe(false);
  });

  test('a save that fails keeps that name on the phone, to offer again', async () => {
    const h = renderPage((cloud, storage) => {
      storage.set('logistics.printerNames', stored);
      cloud.willAnswerBindings({ result: bindingsEnvelope({ printers: PEOPLE }) });
    });
    await h.settle();
    h.cloud.willAnswer({ result: envelope('DATABASE_REQUEST_FAILED') });
    await h.tap('#saveLocalNames');
    expect(h.storage.get('logistics.printerNames')).toEqual({ [OTHER]: '打包阿姨' });
    expect(h.resultText()).toContain('没有保存');
  });

  test('not offered while the roster cannot be read', async () => {
    const h = renderPage((cloud, storage) => {
      storage.set('logistics.printerNames', stored);
      cloud.willAnswerBindings({ result: bindingsEnvelope({ printers: PEOPLE, roster: partFailure('DATABASE_REQUEST_FAILED') }) });
    });
    await h.settle();
    expect(h.has('#localNames')).toBe(false);
  });
});

describe('accounts', () => {
  const QUOTA_AT = Date.UTC(2026, 10, 30, 0, 15);
  const BOUND_AT = Date.UTC(2026, 5, 1, 8, 0);

  test('剩余单量 with its update time where WeChat gives quotaNum, the bind time, no 解绑 on 已解绑, 状态未知（n）', async () => {
    const accounts = [
      account({ deliveryId: 'YUNDA', bizId: 'yd-1', status: 'BOUND', statusCode: 0, quotaNum: 1280, quotaUpdateTime: QUOTA_AT / 1000, createTime: BOUND_AT / 1000 }),
      account({ deliveryId: 'SF', bizId: 'sf-1', status: 'BOUND', statusCode: 0 }),
      account({ deliveryId: 'YTO', bizId: 'yto-old', status: 'UNBOUND', statusCode: 3 }),
      account({ deliveryId: 'HHTT', bizId: 'odd', status: 'UNKNOWN', statusCode: 7 }),
    ];
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: bindingsEnvelope({ accounts }) }));
    await h.settle();
    expect(text(h, '#account-0')).toContain(`剩余单量 1280（${formatMoment(QUOTA_AT)} 更新）`);
    expect(text(h, '#account-0')).toContain(`绑定于 ${formatMoment(BOUND_AT)}`);
    expect(text(h, '#account-1')).not.toContain('剩余单量');
    expect(h.has('#unbindAccount-2')).toBe(false);
    expect(text(h, '#badge-3')).toBe('状态未知（7）');
    expect(h.has('#unbindAccount-3')).toBe(true);
  });

  test('a list the function cut says how many there are', async () => {
    const accounts = [account({ deliveryId: 'SF', bizId: 'sf-1', status: 'BOUND', statusCode: 0 })];
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: bindingsEnvelope({ accounts, totals: { accounts: 900 } }) }));
    await h.settle();
    expect(text(h, '#accounts')).toContain('只显示前 1 个，共 900 个');
  });
});

describe('最近操作', () => {
  const at = Date.UTC(2026, 10, 30, 2, 0);
  const history: HistoryEntry[] = [
    { at, actor: ME, action: 'rename', target: { openid: STAFF }, code: 'OK', ok: true },
    { at, actor: STAFF, action: 'accept', target: { inviteId: 'invA' }, code: 'OK', ok: true },
    { at, actor: ME, action: 'invite', target: { inviteId: 'invA' }, code: 'OK', ok: true },
    { at, actor: ME, action: 'account.bind', target: { deliveryId: 'YUNDA', bizId: 'yd-1' }, code: 'WRONG_ACCOUNT_OR_PASSWORD', ok: false },
    { at, actor: ME, action: 'printer.unbind', target: { openid: 'oGoneLongAgo000000000001' }, code: 'OUTCOME_UNKNOWN', ok: false },
  ];

  test('the history in plain words, with names where the roster has them', async () => {
    const invites = [{ inviteId: 'invA', name: '仓库小王', createdBy: ME, createdAt: at, expiresAt: at + 1, maxUses: 1, uses: [{ openid: STAFF, at }], status: 'USED_UP' as const }];
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: bindingsEnvelope({ printers: PEOPLE, history, invites }) }));
    await h.settle();
    expect(h.page.querySelectorAll('.history-row')).toHaveLength(5);
    expect(text(h, '#history-0')).toContain(formatMoment(at));
    expect(text(h, '#history-0')).toContain('我 给打印员 仓库小王 改了名字');
    expect(text(h, '#history-1')).toContain('仓库小王 接受了给 仓库小王 的邀请');
    expect(text(h, '#history-2')).toContain('我 生成了给 仓库小王 的邀请');
    expect(text(h, '#history-3')).toContain('我 绑定快递账号 韵达快递 yd-1');
    expect(text(h, '#history-3')).toContain('没有成功：客户编码或密码不正确');
    expect(text(h, '#history-4')).toContain('我 解绑打印员 oGoneL…0001');
    expect(text(h, '#history-4')).toContain('结果未知');
    expect(h.text()).not.toContain('WRONG_ACCOUNT_OR_PASSWORD');
  });

  test('empty, and failed in place without hiding the rest', async () => {
    const empty = renderPage();
    await empty.settle();
    expect(text(empty, '#historyEmpty')).toContain('还没有操作记录');

    const h = renderPage((cloud) =>
      cloud.willAnswerBindings({ result: bindingsEnvelope({ printers: PEOPLE, history: partFailure('DATABASE_REQUEST_FAILED'), invites: partFailure('DATABASE_REQUEST_FAILED') }) }),
    );
    await h.settle();
    expect(text(h, '#historyError')).toContain('最近操作暂时无法显示：云数据库请求失败');
    expect(text(h, '#invitesError')).toContain('邀请列表暂时无法显示：云数据库请求失败');
    expect(h.page.querySelectorAll('.printer-row')).toHaveLength(3);
    expect(h.has('#reload')).toBe(true);
  });
});

describe('result panels', () => {
  test('lead with what happened; the code and errCode are behind 详情', async () => {
    const h = renderPage();
    await h.settle();
    h.cloud.willAnswer({ result: envelope('CLOUD_CALL_TIMEOUT') });
    await h.tap('#bindSelf');
    expect(h.resultText()).toContain('云调用超时');
    expect(h.resultText()).not.toContain('errCode');
    await h.tap('#resultDetails');
    expect(h.resultText()).toContain('CLOUD_CALL_TIMEOUT · errCode -604102');
  });
});
