/**
 * Printer invites on the page, in the real component framework: the admin's 邀请打印员 form (给谁,
 * 有效期, 一次/多次) mints on 生成, then the 发给 TA button (open-type="share": WeChat calls
 * onShareAppMessage with it as target) shares that minted invite at once; the open invites with
 * 撤销; the staff member's acceptance view opened from the card's path, which previews first.
 * FakeCloud answers; everything shown is the page's own.
 */
import { inviteShareCard, mintedInviteOf } from '../../miniprogram/logic/invites';
import { formatMoment } from '../../miniprogram/logic/moments';
import { captureConsole, bindingsEnvelope, envelope, ME, renderPage, type Harness } from './support/harness';

/** Shaped like a real token (43 characters of [A-Za-z0-9_-]: 256 bits); the page treats it as opaque. */
const TOKEN = 'Qm9vdHN0cmFwX3Rva2VuX3dpdGgtZGFzaGVzX2FuZA1';
const HOUR_MS = 3_600_000;
const INVITE_ID = 'inv0123456789abcdef';

let consoleCalls: unknown[][];

beforeEach(() => {
  consoleCalls = captureConsole();
});

afterEach(() => {
  // The token is never logged, whatever happened.
  expect(JSON.stringify(consoleCalls)).not.toContain(TOKEN);
  jest.useRealTimers();
  jest.restoreAllMocks();
});

function text(h: Harness, selector: string): string {
  return h.page.querySelector(selector)?.dom?.textContent ?? '';
}

function minted(fields: { expiresAt?: number; maxUses?: number; recorded?: boolean } = {}) {
  const data = { invite: TOKEN, inviteId: INVITE_ID, expiresAt: fields.expiresAt ?? Date.now() + 24 * HOUR_MS, maxUses: fields.maxUses ?? 1, recorded: fields.recorded ?? true };
  return { result: envelope('OK', { errMsg: 'updatePrinter:ok invite minted', data }) };
}

async function pick(h: Harness, selector: string, index: number): Promise<void> {
  h.page.querySelector(selector)!.dispatchEvent('change', { detail: { value: String(index) } });
  await h.settle();
}

describe('the admin invites a printer', () => {
  test('the form: 给谁 (optional), a lifetime of 1 小时 / 1 天 / 3 天, 一次 / 多次; no share button before 生成', async () => {
    const h = renderPage();
    await h.settle();
    const form = text(h, '#invites');
    expect(form).toContain('邀请打印员');
    expect(form).toContain('给谁');
    expect(h.attr('#inviteTtl', 'range')).toEqual([{ label: '1 小时' }, { label: '1 天' }, { label: '3 天' }]);
    expect(text(h, '#inviteTtlLabel')).toBe('1 天');
    expect(text(h, '#inviteUses')).toContain('一次');
    expect(text(h, '#inviteUses')).toContain('多次');
    expect(h.has('#mintInvite')).toBe(true);
    expect(h.has('#shareInvite')).toBe(false);
    expect(h.cloud.calls).toEqual([]);
  });

  test('生成 mints with what was chosen; 发给 TA then shares that invite at once (no promise to race WeChat\'s 3 s)', async () => {
    const h = renderPage();
    await h.settle();
    const expiresAt = Date.now() + 72 * HOUR_MS;
    h.cloud.willAnswer(minted({ expiresAt, maxUses: 20 }));
    await h.type('#inviteName', ' 仓库小王 ');
    await pick(h, '#inviteTtl', 2);
    await h.tap('#inviteUsesMany');
    await h.tap('#mintInvite');

    expect(h.cloud.calls).toEqual([{ name: 'updatePrinter', data: { updateType: 'invite', name: '仓库小王', ttlHours: 72, maxUses: 20 } }]);
    // The list is read again, so the new invite shows among the open ones.
    expect(h.cloud.reads).toHaveLength(2);
    const note = text(h, '#inviteMinted');
    expect(note).toContain('给 仓库小王 的邀请已生成');
    expect(note).toContain(`${formatMoment(expiresAt)} 前有效`);
    expect(note).toContain('最多 20 人');
    expect(h.attr('#shareInvite', 'openType')).toBe('share');

    const { answered, card } = await h.share({ button: '#shareInvite' });
    expect(answered.promise).toBeUndefined();
    expect(card).toEqual({ title: '仓库小王，邀请你成为面单打印员', path: `/pages/logistics/index?invite=${TOKEN}` });
    expect(h.cloud.calls).toHaveLength(1);
    expect(text(h, '#inviteMinted')).toContain('已打开分享');
    // Shown nowhere, kept nowhere in page data.
    expect(h.text()).not.toContain(TOKEN);
    expect(JSON.stringify(h.page.data)).not.toContain(TOKEN);
  });

  test('the defaults: 1 天, 一次, nobody named (the event leaves name out)', async () => {
    const h = renderPage();
    await h.settle();
    h.cloud.willAnswer(minted());
    await h.tap('#mintInvite');
    expect(h.cloud.calls[0]?.data).toEqual({ updateType: 'invite', ttlHours: 24, maxUses: 1 });
    expect(text(h, '#inviteMinted')).toContain('只能一个人接受');
    const { card } = await h.share({ button: '#shareInvite' });
    expect(card.title).toBe('邀请你成为面单打印员');
  });

  test('a name the rules refuse is said on the phone, nothing is sent', async () => {
    const h = renderPage();
    await h.settle();
    await h.type('#inviteName', '一二三四五六七八九十一二三四五六七八九十一');
    await h.tap('#mintInvite');
    expect(h.cloud.calls).toEqual([]);
    expect(text(h, '#inviteNote')).toContain('名字（name）不能超过 20 个字');
  });

  test('不发了 revokes the minted invite nobody got', async () => {
    const h = renderPage();
    await h.settle();
    h.cloud.willAnswer(minted());
    await h.tap('#mintInvite');
    h.cloud.willAnswer({ result: envelope('OK', { data: { inviteId: INVITE_ID, recorded: true } }) });
    await h.tap('#dropInvite');
    expect(h.cloud.calls[1]).toEqual({ name: 'updatePrinter', data: { updateType: 'revoke', inviteId: INVITE_ID } });
    expect(h.has('#inviteMinted')).toBe(false);
    expect(h.has('#mintInvite')).toBe(true);
  });

  test('closing the page before sharing revokes the invite; after sharing it stays', async () => {
    const h = renderPage();
    await h.settle();
    h.cloud.willAnswer(minted());
    await h.tap('#mintInvite');
    await h.unload();
    expect(h.cloud.calls.map((c) => c.data.updateType)).toEqual(['invite', 'revoke']);

    const shared = renderPage();
    await shared.settle();
    shared.cloud.willAnswer(minted());
    await shared.tap('#mintInvite');
    await shared.share({ button: '#shareInvite' });
    await shared.unload();
    expect(shared.cloud.calls.map((c) => c.data.updateType)).toEqual(['invite']);
  });

  test('a refused or failed mint: no share button, and why in plain words; the code behind 详情', async () => {
    const h = renderPage();
    await h.settle();
    h.cloud.willAnswer({ fail: Object.assign(new Error('x'), { errMsg: 'cloud.callFunction:fail request:fail' }) });
    await h.tap('#mintInvite');
    expect(h.has('#shareInvite')).toBe(false);
    expect(text(h, '#inviteNote')).toContain('邀请没有生成');
    expect(text(h, '#inviteNote')).toContain('可能是网络不通');
    expect(text(h, '#inviteNote')).not.toContain('NETWORK_ERROR');
    await h.tap('#inviteNoteDetails');
    expect(text(h, '#inviteNote')).toContain('NETWORK_ERROR · errCode -901002');
  });

  test('a mint answered ok without a usable invite: no share button', async () => {
    const h = renderPage();
    await h.settle();
    h.cloud.willAnswer({ result: envelope('OK', { data: { invite: 'has spaces&more', inviteId: INVITE_ID, expiresAt: Date.now(), maxUses: 1, recorded: true } }) });
    await h.tap('#mintInvite');
    expect(h.has('#shareInvite')).toBe(false);
    expect(text(h, '#inviteNote')).toContain('无法识别的结果');
  });

  test('a mint answered ok but not recorded: the admin is told the invite was not saved', async () => {
    const h = renderPage();
    await h.settle();
    h.cloud.willAnswer(minted({ recorded: false }));
    await h.tap('#mintInvite');
    expect(text(h, '#inviteMinted')).toContain('没有记下');
  });

  test('a share from the menu never carries an invite and mints nothing', async () => {
    const h = renderPage();
    await h.settle();
    h.cloud.willAnswer(minted());
    await h.tap('#mintInvite');
    const { answered, card } = await h.share({ menu: true });
    expect(answered.promise).toBeUndefined();
    expect(card).toEqual({ title: '物流助手管理', path: '/pages/logistics/index' });
    expect(h.cloud.calls).toHaveLength(1);
  });
});

describe('open invites', () => {
  const now = Date.now();
  const open = { inviteId: 'invOpen0001', name: '仓库小王', createdBy: ME, createdAt: now - HOUR_MS, expiresAt: now + 23 * HOUR_MS, maxUses: 1, uses: [], status: 'OPEN' as const };
  const used = { inviteId: 'invUsed0002', createdBy: ME, createdAt: now - 2 * HOUR_MS, expiresAt: now + 22 * HOUR_MS, maxUses: 3, uses: [{ openid: 'oStaffA', at: now - HOUR_MS }], status: 'USED_UP' as const };

  test('listed with their state; 撤销 only on an open one, confirmed, then the list is read again', async () => {
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: bindingsEnvelope({ invites: [open, used], printers: [{ openid: 'oStaffA', name: '老李' }] }) }));
    await h.settle();
    expect(text(h, '#invite-0')).toContain('给 仓库小王 的邀请');
    expect(text(h, '#invite-0')).toContain('可以接受');
    expect(text(h, '#invite-0')).toContain('0/1 人已接受');
    expect(text(h, '#invite-1')).toContain('已用完');
    expect(text(h, '#invite-1')).toContain('老李');
    expect(h.has('#revokeInvite-1')).toBe(false);

    h.cloud.willAnswer({ result: envelope('OK', { data: { inviteId: 'invOpen0001', recorded: true } }) });
    await h.tap('#revokeInvite-0');
    expect(h.modals[0]).toContain('给 仓库小王 的邀请');
    expect(h.cloud.calls).toEqual([{ name: 'updatePrinter', data: { updateType: 'revoke', inviteId: 'invOpen0001' } }]);
    expect(h.resultText()).toContain('邀请已撤销');
    expect(h.cloud.reads).toHaveLength(2);
  });

  test('a revoke cancelled in the dialog sends nothing', async () => {
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: bindingsEnvelope({ invites: [open] }) }));
    await h.settle();
    h.confirmAnswer = false;
    await h.tap('#revokeInvite-0');
    expect(h.cloud.calls).toEqual([]);
  });

  test('a list the function cut says how many there are', async () => {
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: bindingsEnvelope({ invites: [open], totals: { invites: 600 } }) }));
    await h.settle();
    expect(text(h, '#invitesPart')).toContain('只显示前 1 个，共 600 个');
  });
});

describe('the staff member opens the card', () => {
  const expiresAt = Date.now() + 20 * HOUR_MS;
  function preview(fields: { inviterName?: string; name?: string; status?: string } = {}) {
    return { result: envelope('OK', { data: { expiresAt, status: 'OPEN', ...fields } }) };
  }
  function openCard(first: { result: unknown } | { fail: unknown } = preview(), token = TOKEN): Harness {
    return renderPage((cloud) => cloud.willAnswer(first), { query: { invite: token } });
  }

  test('preview first: who invited and for whom, the name filled in; no getBindings, the share menu hidden', async () => {
    const h = openCard(preview({ inviterName: '店长老王', name: '仓库小王' }));
    await h.settle();
    await h.show();
    await h.pullDown();
    expect(h.cloud.calls).toEqual([{ name: 'updatePrinter', data: { updateType: 'preview', invite: TOKEN } }]);
    expect(h.cloud.reads).toEqual([]);
    expect(h.hideShareMenuCalls()).toBe(1);
    for (const selector of ['#printers', '#accounts', '#invites', '#adminOnly']) expect(h.has(selector)).toBe(false);
    expect(text(h, '#inviteOffer')).toContain('店长老王 邀请你成为面单打印员');
    expect(text(h, '#inviteOffer')).toContain('这张邀请是给「仓库小王」的');
    expect(text(h, '#inviteOffer')).toContain(`${formatMoment(expiresAt)} 前有效`);
    expect(h.attr('#accepterName', 'value')).toBe('仓库小王');
    expect(text(h, '#acceptInvite')).toBe('接受');
    expect(h.text()).not.toContain(TOKEN);
    expect(JSON.stringify(h.page.data)).not.toContain(TOKEN);
  });

  test('without the inviter\'s name it says 管理员; 接受 sends the name the person typed', async () => {
    const h = openCard(preview());
    await h.settle();
    expect(text(h, '#inviteOffer')).toContain('管理员 邀请你成为面单打印员');
    await h.type('#accepterName', ' 小李 ');
    h.cloud.willAnswer({ result: envelope('OK', { data: { inviteId: INVITE_ID, recorded: true } }) });
    await h.tap('#acceptInvite');
    expect(h.cloud.calls[1]).toEqual({ name: 'updatePrinter', data: { updateType: 'bind', invite: TOKEN, name: '小李' } });
    expect(text(h, '#acceptResult')).toContain('你已成为面单打印员');
    expect(text(h, '#acceptNextSteps')).toContain('「微信打单」PC 软件');
    expect(h.has('#acceptInvite')).toBe(false);
  });

  test('a name left empty is left out (the invite\'s name applies)', async () => {
    const h = openCard(preview({ name: '仓库小王' }));
    await h.settle();
    await h.type('#accepterName', '  ');
    h.cloud.willAnswer({ result: envelope('OK', { data: { inviteId: INVITE_ID, recorded: true } }) });
    await h.tap('#acceptInvite');
    expect(h.cloud.calls[1]?.data).toEqual({ updateType: 'bind', invite: TOKEN });
  });

  test('accepted before (alreadyAccepted): its own words, no second bind', async () => {
    const h = openCard();
    await h.settle();
    h.cloud.willAnswer({ result: envelope('OK', { data: { inviteId: INVITE_ID, alreadyAccepted: true, recorded: true } }) });
    await h.tap('#acceptInvite');
    expect(text(h, '#acceptResult')).toContain('你已经是面单打印员了');
    expect(text(h, '#acceptResult')).toContain('之前已经接受过');
  });

  test('accepted, but the name was not recorded: said plainly', async () => {
    const h = openCard();
    await h.settle();
    h.cloud.willAnswer({ result: envelope('OK', { data: { inviteId: INVITE_ID, recorded: false } }) });
    await h.tap('#acceptInvite');
    expect(text(h, '#acceptResult')).toContain('你已成为面单打印员');
    expect(text(h, '#acceptResult')).toContain('名字没有保存');
  });

  const REFUSALS = [
    ['USED_UP', 'INVITE_USED_UP', '这个邀请已经用完了', '能接受的人数已经满了'],
    ['REVOKED', 'INVITE_REVOKED', '这个邀请已被撤销', '管理员已经撤销了这张邀请'],
    ['EXPIRED', 'INVITE_EXPIRED', '这个邀请已过期', '有效期已经过了'],
  ] as const;

  test.each(REFUSALS)('the preview says %s: its own words, nothing to accept', async (status, _code, title, words) => {
    const h = openCard(preview({ status }));
    await h.settle();
    expect(text(h, '#acceptResult')).toContain(title);
    expect(text(h, '#acceptResult')).toContain(words);
    expect(text(h, '#acceptResult')).toContain('再发一张新的邀请');
    expect(h.has('#acceptInvite')).toBe(false);
    expect(h.has('#accepterName')).toBe(false);
  });

  test.each(REFUSALS)('接受 refused as %s (%s): its own words, no retry', async (_status, code, title, words) => {
    const h = openCard();
    await h.settle();
    h.cloud.willAnswer({ result: envelope(code) });
    await h.tap('#acceptInvite');
    const shown = text(h, '#acceptResult');
    expect(shown).toContain('没有成功');
    expect(shown).toContain(title);
    expect(shown).toContain(words);
    expect(shown).not.toContain(code);
    expect(h.has('#acceptInvite')).toBe(false);
    expect(h.has('#acceptNextSteps')).toBe(false);
  });

  test('the preview answers INVITE_INVALID: its own words', async () => {
    const h = openCard({ result: envelope('INVITE_INVALID') });
    await h.settle();
    expect(text(h, '#acceptResult')).toContain('这个邀请无效');
    expect(text(h, '#acceptResult')).toContain('不完整');
    expect(h.has('#acceptInvite')).toBe(false);
  });

  test('a card whose token has the wrong shape is invalid without asking anyone', async () => {
    const h = openCard(preview(), 'short');
    await h.settle();
    expect(h.cloud.calls).toEqual([]);
    expect(text(h, '#acceptResult')).toContain('这个邀请无效');
  });

  test('a preview that fails on the network: 再试一次 previews again', async () => {
    const h = openCard({ fail: Object.assign(new Error('x'), { errMsg: 'cloud.callFunction:fail request:fail' }) });
    await h.settle();
    expect(text(h, '#acceptResult')).toContain('可能是网络不通');
    expect(h.has('#accepterName')).toBe(false);
    h.cloud.willAnswer(preview({ inviterName: '店长老王' }));
    await h.tap('#previewAgain');
    expect(h.cloud.calls.map((c) => c.data.updateType)).toEqual(['preview', 'preview']);
    expect(text(h, '#inviteOffer')).toContain('店长老王 邀请你');
  });

  test('an accept lost on the network: 再试一次 sends the same invite and name', async () => {
    const h = openCard(preview({ name: '仓库小王' }));
    await h.settle();
    h.cloud.willAnswer({ fail: Object.assign(new Error('x'), { errMsg: 'cloud.callFunction:fail request:fail' }) });
    await h.tap('#acceptInvite');
    expect(text(h, '#acceptInvite')).toBe('再试一次');
    h.cloud.willAnswer({ result: envelope('OK', { data: { inviteId: INVITE_ID, recorded: true } }) });
    await h.tap('#acceptInvite');
    expect(h.cloud.calls.slice(1)).toEqual([
      { name: 'updatePrinter', data: { updateType: 'bind', invite: TOKEN, name: '仓库小王' } },
      { name: 'updatePrinter', data: { updateType: 'bind', invite: TOKEN, name: '仓库小王' } },
    ]);
    expect(text(h, '#acceptResult')).toContain('你已成为面单打印员');
  });

  test('while the answer is on its way, further taps send nothing', async () => {
    const h = openCard();
    await h.settle();
    h.cloud.willAnswer({ hold: { promise: new Promise<unknown>(() => undefined), resolve: () => undefined } });
    await h.tap('#acceptInvite');
    await h.tap('#acceptInvite');
    await h.tap('#declineInvite');
    expect(h.cloud.calls).toHaveLength(2);
    expect(h.attr('#acceptInvite', 'loading')).toBe(true);
    expect(h.has('#inviteDeclined')).toBe(false);
  });

  test('不用了 sends nothing more and leaves a plain message; the invite is forgotten', async () => {
    const h = openCard();
    await h.settle();
    await h.tap('#declineInvite');
    expect(h.cloud.calls).toHaveLength(1);
    expect(text(h, '#inviteDeclined')).toContain('你没有接受邀请');
    await (h.page.instance as { onAcceptInvite(): Promise<void> }).onAcceptInvite();
    expect(h.cloud.calls).toHaveLength(1);
  });

  test('a share from this view (if the menu showed anyway) is a plain card', async () => {
    const h = openCard();
    await h.settle();
    const { answered, card } = await h.share({ menu: true });
    expect(JSON.stringify(answered)).not.toContain(TOKEN);
    expect(card).toEqual({ title: '物流助手管理', path: '/pages/logistics/index' });
  });
});

describe('the pure parts', () => {
  test('a moment is said in the phone\'s local time', () => {
    const spy = jest.spyOn(Date.prototype, 'getTimezoneOffset').mockReturnValue(-480);
    expect(formatMoment(Date.UTC(2026, 11, 31, 16, 5))).toBe('1月1日 00:05');
    spy.mockReturnValue(300);
    expect(formatMoment(Date.UTC(2026, 11, 31, 16, 5))).toBe('12月31日 11:05');
  });

  test('only a path-safe token with an id and a numeric expiry is used', () => {
    const good = { invite: TOKEN, inviteId: INVITE_ID, expiresAt: 1, maxUses: 1, recorded: true };
    expect(mintedInviteOf(envelope('OK', { data: good }))).toEqual(good);
    for (const data of [undefined, null, {}, { ...good, invite: `${TOKEN}#x` }, { ...good, invite: '' }, { ...good, expiresAt: Number.NaN }, { ...good, inviteId: 7 }, { ...good, invite: 7 }]) {
      expect(mintedInviteOf(envelope('OK', { data }))).toBeUndefined();
    }
    expect(mintedInviteOf(envelope('NOT_ADMIN', { data: good }))).toBeUndefined();
    expect(inviteShareCard(TOKEN, '').path).toBe(`/pages/logistics/index?invite=${TOKEN}`);
  });
});
