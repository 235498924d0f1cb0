/**
 * Printer invites on the page, in the real component framework: the admin's 邀请打印员 share
 * (WeChat calls onShareAppMessage with the open-type="share" button as target, and sends what its
 * `promise` resolves to), the menu's share, and the staff member's acceptance view opened from the
 * card's path. FakeCloud answers the mint and the acceptance; everything shown is the page's own.
 */
import { formatExpiry, INVITE_MINT_BUDGET_MS, inviteShareCard, mintedInviteOf } from '../../miniprogram/logic/invites';
import { captureConsole, bindingsEnvelope, envelope, ME, renderPage, type Harness } from './support/harness';

/** Shaped like a real token (63 characters of [A-Za-z0-9_-]); the page must treat it as opaque. */
const TOKEN = 'AQAAAAAAAAEAAAGT0bA2pQ_QmFzZTY0VXJsU2FmZVRva2VuX3dpdGgtZGFzaGVzX2FuZA';
const HOUR_MS = 3_600_000;

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

function minted(expiresAt = Date.now() + 24 * HOUR_MS) {
  return { result: envelope('OK', { errMsg: 'updatePrinter:ok invite minted', data: { invite: TOKEN, expiresAt } }) };
}

describe('the admin shares an invite', () => {
  test('the section says how long an invite lasts; the button is a share button', async () => {
    const h = renderPage();
    await h.settle();
    expect(text(h, '#invites')).toContain('邀请打印员');
    expect(text(h, '#inviteLifetime')).toContain('每张邀请 24 小时内有效');
    expect(h.attr('#invitePrinter', 'openType')).toBe('share');
    expect(h.has('#inviteNote')).toBe(false);
  });

  test('the button share mints an invite and its card carries it; the fields WeChat falls back to do not', async () => {
    const h = renderPage();
    await h.settle();
    const expiresAt = Date.now() + 24 * HOUR_MS;
    h.cloud.willAnswer(minted(expiresAt));
    const { answered, card } = await h.share({ button: '#invitePrinter' });

    expect(h.cloud.calls).toEqual([{ name: 'updatePrinter', data: { updateType: 'invite' } }]);
    expect(card).toEqual({ title: '邀请你成为面单打印员', path: `/pages/logistics/index?invite=${TOKEN}` });
    // What WeChat shares if the promise is late: a plain card.
    expect(answered.promise).toBeInstanceOf(Promise);
    expect(answered.path).toBe('/pages/logistics/index');
    expect(JSON.stringify({ ...answered, promise: undefined })).not.toContain(TOKEN);

    expect(text(h, '#inviteNote')).toContain('邀请卡片已生成');
    expect(text(h, '#inviteNote')).toContain('（24 小时）');
    const at = new Date(expiresAt);
    expect(text(h, '#inviteNote')).toContain(`${at.getMonth() + 1}月${at.getDate()}日`);
    // Shown nowhere, kept nowhere in page data.
    expect(h.text()).not.toContain(TOKEN);
    expect(JSON.stringify(h.page.data)).not.toContain(TOKEN);
  });

  test('a share from the menu never carries an invite and mints nothing', async () => {
    const h = renderPage();
    await h.settle();
    h.cloud.willAnswer(minted());
    const { answered, card } = await h.share({ menu: true });
    expect(answered.promise).toBeUndefined();
    expect(card).toEqual({ title: '物流助手管理', path: '/pages/logistics/index' });
    expect(h.cloud.calls).toEqual([]);
  });

  test('a refused mint: the card goes out plain and the admin reads why, in plain words', async () => {
    const h = renderPage();
    await h.settle();
    h.cloud.willAnswer({ result: envelope('INVITES_NOT_CONFIGURED') });
    const { card } = await h.share({ button: '#invitePrinter' });
    expect(card).toEqual({ title: '物流助手管理', path: '/pages/logistics/index' });
    const note = text(h, '#inviteNote');
    expect(note).toContain('邀请没有生成：打印员邀请尚未开启');
    expect(note).toContain('LOGISTICS_INVITE_SECRET');
    expect(note).toContain('刚才分享的是普通卡片，不带邀请');
    expect(h.attr('#invitePrinter', 'disabled')).toBe(false);
  });

  test('a mint that fails on the network: plain card, and "try again later"', async () => {
    const h = renderPage();
    await h.settle();
    h.cloud.willAnswer({ fail: Object.assign(new Error('x'), { errMsg: 'cloud.callFunction:fail request:fail' }) });
    const { card } = await h.share({ button: '#invitePrinter' });
    expect(String(card.path)).not.toContain('invite');
    expect(text(h, '#inviteNote')).toContain('可能是网络不通');
    expect(text(h, '#inviteNote')).toContain('稍后再点一次「邀请打印员」');
  });

  test('a mint that answers ok without a usable invite: plain card', async () => {
    const h = renderPage();
    await h.settle();
    h.cloud.willAnswer({ result: envelope('OK', { data: { invite: 'has spaces&more', expiresAt: Date.now() } }) });
    const { card } = await h.share({ button: '#invitePrinter' });
    expect(String(card.path)).not.toContain('invite');
    expect(text(h, '#inviteNote')).toContain('邀请没有生成');
    expect(text(h, '#inviteNote')).toContain('无法识别的结果');
  });

  test('a mint slower than WeChat waits: the promise answers the plain card before WeChat gives up, and says so', async () => {
    const h = renderPage();
    await h.settle();
    const never = { promise: new Promise<unknown>(() => undefined), resolve: () => undefined };
    h.cloud.willAnswer({ hold: never });
    jest.useFakeTimers();
    const answered = (h.page.instance as { onShareAppMessage(o: { from: string }): { promise: Promise<{ path: string }> } }).onShareAppMessage({ from: 'button' });
    let card: { path: string } | undefined;
    void answered.promise.then((c) => (card = c));
    await jest.advanceTimersByTimeAsync(INVITE_MINT_BUDGET_MS - 1);
    expect(card).toBeUndefined();
    expect(h.attr('#invitePrinter', 'loading')).toBe(true);
    await jest.advanceTimersByTimeAsync(1);
    expect(INVITE_MINT_BUDGET_MS).toBeLessThan(3000);
    expect(card).toEqual({ title: '物流助手管理', path: '/pages/logistics/index' });
    expect(text(h, '#inviteNote')).toContain('邀请没有生成：超时');
    expect(text(h, '#inviteNote')).toContain('已经分享了一张普通卡片');
  });
});

describe('the staff member opens the card', () => {
  function openCard(before?: Parameters<typeof renderPage>[0]): Harness {
    return renderPage(before, { query: { invite: TOKEN } });
  }

  test('an acceptance view, not the admin view: no getBindings, the share menu hidden', async () => {
    const h = openCard();
    await h.settle();
    await h.show();
    await h.pullDown();
    expect(h.cloud.reads).toEqual([]);
    expect(h.cloud.calls).toEqual([]);
    expect(h.hideShareMenuCalls()).toBe(1);
    for (const selector of ['#printers', '#accounts', '#invites', '#adminOnly']) expect(h.has(selector)).toBe(false);
    expect(h.text()).toContain('你收到了面单打印员邀请');
    expect(h.text()).toContain('微信打单 PC 软件');
    expect(text(h, '#acceptInvite')).toBe('接受');
    expect(text(h, '#declineInvite')).toBe('不用了');
    expect(h.text()).not.toContain(TOKEN);
    expect(JSON.stringify(h.page.data)).not.toContain(TOKEN);
  });

  test('a share from this view (if the menu showed anyway) is a plain card', async () => {
    const h = openCard();
    await h.settle();
    const { answered, card } = await h.share({ menu: true });
    expect(JSON.stringify(answered)).not.toContain(TOKEN);
    expect(card).toEqual({ title: '物流助手管理', path: '/pages/logistics/index' });
    expect(h.cloud.calls).toEqual([]);
  });

  test('接受 binds the person tapping with the invite; success says what to do next', async () => {
    const h = openCard((cloud) => cloud.willAnswer({ result: envelope('OK') }));
    await h.settle();
    await h.tap('#acceptInvite');
    expect(h.cloud.calls).toEqual([{ name: 'updatePrinter', data: { updateType: 'bind', invite: TOKEN } }]);
    expect(h.cloud.reads).toEqual([]);
    expect(text(h, '#acceptResult')).toContain('成功');
    expect(text(h, '#acceptResult')).toContain('你已成为面单打印员');
    expect(text(h, '#acceptNextSteps')).toContain('下一步');
    expect(text(h, '#acceptNextSteps')).toContain('「微信打单」PC 软件');
    expect(h.has('#acceptInvite')).toBe(false);
    expect(h.has('#declineInvite')).toBe(false);
  });

  test('while the answer is on its way, further taps send nothing', async () => {
    const answer = { promise: new Promise<unknown>(() => undefined), resolve: () => undefined };
    const h = openCard((cloud) => cloud.willAnswer({ hold: answer }));
    await h.settle();
    await h.tap('#acceptInvite');
    await h.tap('#acceptInvite');
    await h.tap('#declineInvite');
    expect(h.cloud.calls).toHaveLength(1);
    expect(h.attr('#acceptInvite', 'loading')).toBe(true);
    expect(h.has('#inviteDeclined')).toBe(false);
  });

  test.each([
    ['INVITE_EXPIRED', '这个邀请已过期'],
    ['INVITE_INVALID', '这个邀请无效'],
  ])('%s: says a new invite is needed, and offers no retry', async (code, title) => {
    const h = openCard((cloud) => cloud.willAnswer({ result: envelope(code) }));
    await h.settle();
    await h.tap('#acceptInvite');
    const shown = text(h, '#acceptResult');
    expect(shown).toContain('没有成功');
    expect(shown).toContain(title);
    expect(shown).toContain(envelope(code).message);
    expect(shown).toContain('请 TA 在管理页面点「邀请打印员」再发一张新的邀请');
    expect(h.has('#acceptInvite')).toBe(false);
    expect(h.has('#acceptNextSteps')).toBe(false);
  });

  test('a network failure: try again, and the retry sends the same invite', async () => {
    const h = openCard((cloud) => cloud.willAnswer({ fail: Object.assign(new Error('x'), { errMsg: 'cloud.callFunction:fail request:fail' }) }));
    await h.settle();
    await h.tap('#acceptInvite');
    expect(text(h, '#acceptResult')).toContain('可能是网络不通');
    expect(text(h, '#acceptInvite')).toBe('再试一次');
    expect(h.has('#acceptNextSteps')).toBe(false);

    h.cloud.willAnswer({ result: envelope('OK') });
    await h.tap('#acceptInvite');
    expect(h.cloud.calls).toEqual([
      { name: 'updatePrinter', data: { updateType: 'bind', invite: TOKEN } },
      { name: 'updatePrinter', data: { updateType: 'bind', invite: TOKEN } },
    ]);
    expect(text(h, '#acceptResult')).toContain('你已成为面单打印员');
  });

  test('不用了 sends nothing and leaves a plain message; the invite is forgotten', async () => {
    const h = openCard();
    await h.settle();
    await h.tap('#declineInvite');
    expect(h.cloud.calls).toEqual([]);
    expect(h.cloud.reads).toEqual([]);
    expect(text(h, '#inviteDeclined')).toContain('你没有接受邀请');
    expect(text(h, '#inviteDeclined')).toContain('重新打开那张卡片');
    expect(h.has('#acceptInvite')).toBe(false);
    // Nothing is left to accept with.
    await (h.page.instance as { onAcceptInvite(): Promise<void> }).onAcceptInvite();
    expect(h.cloud.calls).toEqual([]);
  });

  test('the page without an invite is the admin view as before', async () => {
    const h = renderPage((cloud) => cloud.willAnswerBindings({ result: bindingsEnvelope({ printers: [ME] }) }));
    await h.settle();
    expect(h.cloud.reads).toHaveLength(1);
    expect(h.hideShareMenuCalls()).toBe(0);
    expect(h.has('#inviteAccept')).toBe(false);
    expect(h.has('#me-0')).toBe(true);
  });
});

describe('the pure parts', () => {
  test('the expiry is said in the phone\'s local time', () => {
    const spy = jest.spyOn(Date.prototype, 'getTimezoneOffset').mockReturnValue(-480);
    expect(formatExpiry(Date.UTC(2026, 11, 31, 16, 5))).toBe('1月1日 00:05');
    spy.mockReturnValue(300);
    expect(formatExpiry(Date.UTC(2026, 11, 31, 16, 5))).toBe('12月31日 11:05');
  });

  test('only a path-safe token with a numeric expiry is used', () => {
    const ok = envelope('OK', { data: { invite: TOKEN, expiresAt: 1 } });
    expect(mintedInviteOf(ok)).toEqual({ invite: TOKEN, expiresAt: 1 });
    for (const data of [undefined, null, {}, { invite: TOKEN }, { invite: `${TOKEN}#x`, expiresAt: 1 }, { invite: '', expiresAt: 1 }, { invite: TOKEN, expiresAt: Number.NaN }, { invite: 7, expiresAt: 1 }]) {
      expect(mintedInviteOf(envelope('OK', { data }))).toBeUndefined();
    }
    expect(mintedInviteOf(envelope('NOT_ADMIN', { data: { invite: TOKEN, expiresAt: 1 } }))).toBeUndefined();
    expect(inviteShareCard(TOKEN).path).toBe(`/pages/logistics/index?invite=${TOKEN}`);
  });
});
