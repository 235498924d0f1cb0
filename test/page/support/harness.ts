/**
 * Renders the real logistics page in miniprogram-simulate (j-component on exparser, the official
 * wcc compiler for its WXML) and drives it as a person would: type into the real inputs, pick a
 * carrier, tap the real buttons, then read what the page shows.
 *
 * How the TypeScript page is loaded: simulate.load(dir/index) reads index.json and index.wxml
 * itself, then does `require(dir + '/index')` for the code. Inside jest that require goes through
 * jest's resolver, which tries the extensions in moduleFileExtensions order (js, mjs, cjs, jsx, ts,
 * tsx, json, …): with no index.js beside it, `index` resolves to index.ts, and the page project's
 * existing ts-jest transform compiles it, imports included. No build step, no temp dir, and the
 * file under test is the very source DevTools compiles. (Never commit a compiled index.js beside
 * index.ts: it would be loaded instead. loadPageOnce() refuses to run if one is there.)
 *
 * The page module is required once per test file (jest caches it, and Component() only runs on
 * the first require); each test renders a fresh instance of it, so tests share no page state.
 *
 * simulate has no wx.cloud: FakeCloud stands in for the network, under each test's control. The
 * page reads getBindings on show and after every change; FakeCloud answers those reads from its
 * own behaviour (by default: an admin with nothing bound) and records them apart from the writes.
 * Storage (wx.getStorageSync / setStorageSync) is a Map per render.
 */
import * as fs from 'fs';
import * as path from 'path';
import simulate = require('miniprogram-simulate');
import type { Envelope } from '../../../core/envelope';
import type { BindingsData, BoundAccount, CarrierItem, HistoryEntry, InviteItem, PartFailure, PrinterPerson } from '../../../miniprogram/shared/bindings';

export const MINIPROGRAM_ROOT = path.resolve(__dirname, '../../../miniprogram');
const PAGE_PATH = path.join(MINIPROGRAM_ROOT, 'pages/logistics/index');

// render() of a string id is typed as a plain Component, but what it returns is a RootComponent.
type Page = simulate.RootComponent<WechatMiniprogram.IAnyObject, WechatMiniprogram.IAnyObject, WechatMiniprogram.IAnyObject>;

let pageId: string | undefined;

function loadPageOnce(): string {
  if (pageId !== undefined) return pageId;
  if (fs.existsSync(`${PAGE_PATH}.js`)) {
    throw new Error(`${PAGE_PATH}.js exists and would be loaded instead of index.ts: delete it`);
  }
  pageId = simulate.load(PAGE_PATH, { rootPath: MINIPROGRAM_ROOT });
  return pageId;
}

export interface CallRecord {
  readonly name: string;
  /** A deep copy, taken when the call was made. */
  readonly data: Record<string, unknown>;
}

/** What one callFunction does: answer with a result, or fail the way wx.cloud fails. */
export type CallBehaviour = { result: unknown } | { fail: unknown } | { hold: Deferred<unknown> };

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** The caller's OPENID in the default getBindings answers. */
/**
 * Captures everything the page prints through console for the current test (restored by
 * jest.restoreAllMocks in afterEach): tests assert that no secret is ever logged.
 */
export function captureConsole(): unknown[][] {
  const calls: unknown[][] = [];
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      calls.push(args);
    });
  }
  return calls;
}

export const ME = 'oMeTheAdmin0000000000000001';

export class FakeCloud {
  /** The write calls (updatePrinter, bindAccount). */
  readonly calls: CallRecord[] = [];
  /** The getBindings calls, apart from the writes. */
  readonly reads: CallRecord[] = [];
  private behaviour: CallBehaviour = { result: envelope('OK') };
  private readBehaviour: CallBehaviour = { result: bindingsEnvelope({}) };

  /** Every following write call behaves like this. */
  willAnswer(behaviour: CallBehaviour): void {
    this.behaviour = behaviour;
  }

  /** Every following getBindings call behaves like this. */
  willAnswerBindings(behaviour: CallBehaviour): void {
    this.readBehaviour = behaviour;
  }

  readonly callFunction = jest.fn(async (param: { name: string; data?: Record<string, unknown> }) => {
    const record = { name: param.name, data: JSON.parse(JSON.stringify(param.data ?? {})) as Record<string, unknown> };
    const read = param.name === 'getBindings';
    (read ? this.reads : this.calls).push(record);
    const behaviour = read ? this.readBehaviour : this.behaviour;
    if ('fail' in behaviour) throw behaviour.fail;
    if ('hold' in behaviour) return { errMsg: 'cloud.callFunction:ok', result: await behaviour.hold.promise };
    return { errMsg: 'cloud.callFunction:ok', result: behaviour.result };
  });
}

/** An envelope as the functions answer it (the page must not care how it was built). */
export function envelope(code: string, overrides: Partial<Envelope> = {}): Envelope {
  const known: Record<string, Pick<Envelope, 'errCode' | 'message' | 'retryable'>> = {
    OK: { errCode: 0, message: '操作成功', retryable: false },
    ALREADY_BOUND: { errCode: 9300529, message: '这个快递账号已经绑定过了，无需重复绑定', retryable: false },
    BIZ_ID_NOT_FOUND: { errCode: 9300530, message: '要解绑的客户编码不存在，可能已经解绑过了', retryable: false },
    WRONG_ACCOUNT_OR_PASSWORD: { errCode: 9300531, message: '快递公司客户编码或密码不正确，请核对后重试', retryable: false },
    UNDER_REVIEW: { errCode: 9300532, message: '绑定申请已提交，正在等待快递公司审核', retryable: false },
    NOT_ADMIN: { errCode: -900102, message: '你不是管理员，无权进行此操作', retryable: false },
    ADMINS_NOT_CONFIGURED: {
      errCode: -900101,
      message: '尚未设置管理员：请在云函数的环境变量 LOGISTICS_ADMIN_OPENIDS 中填写管理员的 openid',
      retryable: false,
    },
    NO_CALLER_IDENTITY: { errCode: -900103, message: '无法确认调用者身份，已拒绝：请从小程序端调用，或由管理员开放受信任的服务端来源', retryable: false },
    INVALID_PARAM: { errCode: -900002, message: '参数错误：bizId 首尾不能有空格', retryable: false },
    CLOUD_CALL_TIMEOUT: { errCode: -604102, message: '云调用超时，请稍后再试', retryable: true },
    API_UNAUTHORIZED: { errCode: 48001, message: '小程序没有这个接口的权限：请管理员在小程序后台开通物流助手', retryable: false },
    READ_TIMEOUT: { errCode: -900202, message: '查询没有在时限内得到答复，请稍后刷新再试', retryable: true },
    MALFORMED_ANSWER: { errCode: -900301, message: '微信返回的数据格式无法识别，这部分暂时无法显示：请管理员查看云函数日志', retryable: false },
    INVALID_OPENID: { errCode: 40003, message: '这个 openid 不是本小程序的用户：请让打印员先打开一次小程序，再复制 TA 的 openid', retryable: false },
    INVITE_INVALID: { errCode: -900107, message: '这个邀请无效（可能不完整或已被撤销）：请向管理员要一个新的邀请', retryable: false },
    INVITE_EXPIRED: { errCode: -900108, message: '这个邀请已过期：请向管理员要一个新的邀请', retryable: false },
    INVITE_REVOKED: { errCode: -900109, message: '这个邀请已被管理员撤销：如需成为打印员，请向管理员要一个新的邀请', retryable: false },
    INVITE_USED_UP: { errCode: -900110, message: '这个邀请已经被用完了：如需成为打印员，请向管理员要一个新的邀请', retryable: false },
    INVITE_NOT_FOUND: { errCode: -900111, message: '没有找到这个邀请，可能已经过了保留期限：请刷新后再试', retryable: false },
    DATABASE_REQUEST_FAILED: { errCode: -502001, message: '云数据库请求失败，请稍后再试', retryable: true },
    OUTCOME_UNKNOWN: {
      errCode: -900201,
      message: '请求已发出，但没有得到能确认结果的答复，结果未知：请稍后刷新确认，再次提交是安全的',
      retryable: true,
    },
  };
  const entry = known[code];
  if (!entry) throw new Error(`no test envelope for ${code}`);
  return { ok: entry.errCode === 0, errMsg: `test:${code}`, code, ...entry, ...overrides };
}

/** An account item as getBindings answers it. */
export function account(fields: Partial<BoundAccount> & Pick<BoundAccount, 'deliveryId' | 'bizId' | 'status'>): BoundAccount {
  return { serviceType: [], ...fields };
}

/** A part's failure envelope. */
export function partFailure(code: string): PartFailure {
  const { errCode, message, retryable } = envelope(code);
  return { ok: false, errCode, errMsg: `test:${code}`, code, message, retryable };
}

/**
 * getBindings' envelope: the parts given (ok when not a failure), empty ok lists for the others,
 * the caller ME. Printers are openids, or people as the roster names them (`roster` its read's
 * failure, when given). Top-level is the first failing WeChat part's, as the function answers.
 */
export function bindingsEnvelope(parts: {
  accounts?: BoundAccount[] | PartFailure;
  printers?: Array<string | PrinterPerson> | PartFailure;
  roster?: PartFailure;
  carriers?: CarrierItem[] | PartFailure;
  invites?: InviteItem[] | PartFailure;
  history?: HistoryEntry[] | PartFailure;
  /** Lists cut by the function: the part's `total`. */
  totals?: { accounts?: number; printers?: number; invites?: number };
  callerOpenid?: string;
}): Envelope {
  const cut = (total: number | undefined) => (total === undefined ? {} : { truncated: true as const, total });
  const people = Array.isArray(parts.printers) ? parts.printers.map((p) => (typeof p === 'string' ? { openid: p } : p)) : [];
  const data: BindingsData = {
    accounts: Array.isArray(parts.accounts) || parts.accounts === undefined ? { ok: true, list: parts.accounts ?? [], ...cut(parts.totals?.accounts) } : parts.accounts,
    printers:
      Array.isArray(parts.printers) || parts.printers === undefined
        ? {
            ok: true,
            openids: people.map((p) => p.openid),
            tagidList: [],
            people: parts.roster === undefined ? people : people.map(({ openid }) => ({ openid })),
            roster: parts.roster ?? { ok: true },
            ...cut(parts.totals?.printers),
          }
        : parts.printers,
    carriers: Array.isArray(parts.carriers) || parts.carriers === undefined ? { ok: true, list: parts.carriers ?? [] } : parts.carriers,
    invites:
      Array.isArray(parts.invites) || parts.invites === undefined
        ? { ok: true, list: parts.invites ?? [], total: parts.totals?.invites ?? (parts.invites ?? []).length, truncated: parts.totals?.invites !== undefined }
        : parts.invites,
    history: Array.isArray(parts.history) || parts.history === undefined ? { ok: true, list: parts.history ?? [] } : parts.history,
    callerOpenid: parts.callerOpenid ?? ME,
  };
  const failed = [data.accounts, data.printers, data.carriers].find((part): part is PartFailure => part !== undefined && !part.ok);
  if (failed === undefined) return { ...envelope('OK'), errMsg: 'getBindings:ok', data };
  const { ok: _ok, ...top } = failed;
  return { ok: false, ...top, data };
}

type Wx = Record<string, unknown> & { cloud?: unknown };

interface ModalAnswer {
  confirm: boolean;
  cancel: boolean;
  content: string;
  errMsg: string;
}

export interface Harness {
  readonly page: Page;
  readonly cloud: FakeCloud;
  /** The phone's storage (wx.setStorageSync) for this render. */
  readonly storage: Map<string, unknown>;
  /** The content of each confirmation dialog shown. */
  readonly modals: string[];
  /** What the next confirmation dialogs answer. */
  confirmAnswer: boolean;
  /** All visible text of the page. */
  text(): string;
  /** Text of the result panel, or '' when there is none. */
  resultText(): string;
  has(selector: string): boolean;
  type(selector: string, value: string): Promise<void>;
  tap(selector: string): Promise<void>;
  /** Picks a carrier in the picker by its deliveryId, or the "other" row. */
  chooseCarrier(deliveryId: string | 'other'): Promise<void>;
  /** Lets pending promises and timers at 0 ms run (events and fake answers are asynchronous). */
  settle(): Promise<void>;
  /** The page as WeChat shows it again (onShow), and settled. */
  show(): Promise<void>;
  /** A pull-down refresh, settled. */
  pullDown(): Promise<void>;
  /** The page closed (onUnload), settled. */
  unload(): Promise<void>;
  /** How often wx.hideShareMenu was called. */
  hideShareMenuCalls(): number;
  /** What wx.setClipboardData was given, in order. */
  readonly copied: string[];
  /**
   * A share, as WeChat makes one: from the menu, or from the page's `open-type="share"` button
   * found by selector (WeChat calls onShareAppMessage with that button as `target`). Returns the
   * card WeChat would send: the promise's answer when the handler gave one, else its own fields.
   */
  share(from: { menu: true } | { button: string }): Promise<{ answered: Record<string, unknown>; card: Record<string, unknown> }>;
  /** The attribute WXML gave a built-in component (camelCased, as wcc hands them over). */
  attr(selector: string, name: string): unknown;
}

/**
 * Renders a fresh page with a fresh fake cloud, storage and confirmation dialog, and opens it as
 * WeChat does (onLoad, then onShow). `before` sets the fake cloud up before the first load.
 */
export function renderPage(before?: (cloud: FakeCloud, storage: Map<string, unknown>) => void, options: { query?: Record<string, string> } = {}): Harness {
  const id = loadPageOnce();
  const wx = (globalThis as unknown as { wx: Wx }).wx;
  const cloud = new FakeCloud();
  const storage = new Map<string, unknown>();
  before?.(cloud, storage);
  wx.cloud = { init: jest.fn(), callFunction: cloud.callFunction };
  wx.getStorageSync = jest.fn((key: string) => (storage.has(key) ? JSON.parse(JSON.stringify(storage.get(key))) : ''));
  wx.setStorageSync = jest.fn((key: string, value: unknown) => {
    storage.set(key, JSON.parse(JSON.stringify(value)));
  });
  wx.removeStorageSync = jest.fn((key: string) => {
    storage.delete(key);
  });
  wx.stopPullDownRefresh = jest.fn((callbacks?: { success?: () => void }) => callbacks?.success?.());
  const hideShareMenu = jest.fn((callbacks?: { success?: () => void }) => callbacks?.success?.());
  wx.hideShareMenu = hideShareMenu;
  wx.setNavigationBarTitle = jest.fn((callbacks?: { success?: () => void }) => callbacks?.success?.());
  const copied: string[] = [];
  wx.setClipboardData = jest.fn((options: { data: string; success?: () => void }) => {
    copied.push(options.data);
    options.success?.();
  });
  const modals: string[] = [];
  const harness: Harness = {
    page: simulate.render(id) as unknown as Page,
    cloud,
    storage,
    modals,
    copied,
    confirmAnswer: true,
    text: () => harness.page.dom?.textContent ?? '',
    resultText: () => harness.page.querySelector('#result')?.dom?.textContent ?? '',
    has: (selector) => harness.page.querySelector(selector) !== undefined,
    async type(selector, value) {
      element(harness.page, selector).dispatchEvent('input', { detail: { value, cursor: value.length } });
      await harness.settle();
    },
    async tap(selector) {
      element(harness.page, selector).dispatchEvent('tap');
      await harness.settle();
    },
    async chooseCarrier(deliveryId) {
      const labels = (harness.page.data as { carrierOptions: Array<{ label: string }> }).carrierOptions.map((o) => o.label);
      const index = deliveryId === 'other' ? labels.length - 1 : labels.findIndex((label) => label.endsWith(`（${deliveryId}）`));
      if (index < 0) throw new Error(`no carrier ${deliveryId} in the picker`);
      // The picker reports the chosen row as a string, as WeChat's typings say.
      element(harness.page, '#carrier').dispatchEvent('change', { detail: { value: String(index) } });
      await harness.settle();
    },
    async settle() {
      for (let i = 0; i < 8; i += 1) await simulate.sleep(0);
    },
    async show() {
      (harness.page.instance as { onShow(): void }).onShow();
      await harness.settle();
    },
    async pullDown() {
      void (harness.page.instance as { onPullDownRefresh(): Promise<void> }).onPullDownRefresh();
      await harness.settle();
    },
    async unload() {
      (harness.page.instance as { onUnload(): void }).onUnload();
      await harness.settle();
    },
    hideShareMenuCalls: () => hideShareMenu.mock.calls.length,
    async share(from) {
      const instance = harness.page.instance as { onShareAppMessage(options: { from: string; target?: unknown }): Record<string, unknown> };
      let target: unknown;
      if ('button' in from) {
        const button = element(harness.page, from.button);
        if (attrsOf(button.dom).get('openType') !== 'share') throw new Error(`${from.button} is not an open-type="share" button`);
        target = { id: from.button.replace(/^#/, ''), dataset: {} };
      }
      const answered = instance.onShareAppMessage({ from: 'button' in from ? 'button' : 'menu', target });
      const { promise, ...fields } = answered as { promise?: Promise<Record<string, unknown>> };
      const card = promise === undefined ? fields : await promise;
      await harness.settle();
      return { answered, card };
    },
    attr: (selector, name) => attrsOf(element(harness.page, selector).dom).get(name),
  };
  // Like wx.showModal: answers through the callbacks when given, else through the promise.
  wx.showModal = jest.fn((options: { content?: string; success?: (res: ModalAnswer) => void; complete?: () => void }) => {
    modals.push(options.content ?? '');
    const answer: ModalAnswer = { confirm: harness.confirmAnswer, cancel: !harness.confirmAnswer, content: '', errMsg: 'showModal:ok' };
    if (!options.success && !options.complete) return Promise.resolve(answer);
    setTimeout(() => {
      options.success?.(answer);
      options.complete?.();
    }, 0);
    return undefined;
  });
  harness.page.attach(document.createElement('parent-wrapper'));
  (harness.page.instance as { onLoad(query: Record<string, string>): void }).onLoad(options.query ?? {});
  (harness.page.instance as { onShow(): void }).onShow();
  return harness;
}

/** The attributes WXML gave a built-in component, as its exparser node holds them (see state-driver.ts). */
function attrsOf(dom: unknown): Map<string, unknown> {
  const attrs = (dom as { __wxElement?: { _vt?: { attrs?: Array<{ name: string; value: unknown }> } } }).__wxElement?._vt?.attrs ?? [];
  return new Map(attrs.map(({ name, value }) => [name, value]));
}

function element(page: Page, selector: string) {
  const found = page.querySelector(selector);
  if (!found) throw new Error(`nothing on the page matches ${selector}`);
  return found;
}
