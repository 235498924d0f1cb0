/**
 * The phone of `npm run dev`: the real page, live, in miniprogram-simulate's browser mode, inside
 * the console's 375 px wide iframe. Runs in the browser (type-checked with the DOM's types by
 * scripts/dev/browser/tsconfig.json, bundled by esbuild).
 *
 * simulate renders WeChat's built-in components as empty shells (<wx-input>, <wx-button>, …) and
 * takes taps as touch events only, so this file is what a phone adds: a click is a tap (none on a
 * disabled button), an input gets a real text field whose typing is the component's input event,
 * a picker opens a list, an open-type="share" button shares, the page can be pulled down, and the
 * wx API the page uses is a shim: wx.cloud.callFunction POSTs to the dev server, which runs the
 * built function as this phone's caller; showModal / showToast / setClipboardData are drawn as a
 * phone draws them. Every text shown comes from textContent, never from HTML.
 *
 * The token, the caller and the page's query come in this frame's URL; the token is sent only in
 * the X-Dev-Token header.
 */
import { insertWxss } from '../../browser/in-page';

interface PhoneConfig {
  page: string;
  title: string;
  pullDownRefresh: boolean;
  sheets: Array<{ file: string; prefix: string }>;
}

interface WxElement {
  id?: string;
  _vt?: { attrs?: Array<{ name: string; value: unknown }> };
}
type WxDom = HTMLElement & { __wxElement?: WxElement };

interface JComponent {
  dispatchEvent(name: string, options?: { detail?: unknown }): void;
}
interface RootComponent extends JComponent {
  readonly instance: Record<string, unknown> & { setData(data: Record<string, unknown>, callback?: () => void): void };
  readonly dom: HTMLElement;
  attach(parent: HTMLElement): void;
}
interface Simulate {
  load(path: string, options?: Record<string, unknown>): string;
  render(id: string): RootComponent;
}

type Callbacks = { success?: (res: unknown) => void; fail?: (err: unknown) => void; complete?: (res: unknown) => void };
type ShareCard = { title?: string; path?: string; imageUrl?: string; promise?: Promise<ShareCard> };

const PHONE_WIDTH = 375;
const BASE_DEVICE_WIDTH = 750;
/** WeChat takes the fields given if a share's promise has not resolved by then. */
const SHARE_PROMISE_MS = 3000;
const PULL_TRIGGER_PX = 64;

const win = window as unknown as Record<string, unknown> & { simulate: Simulate; __DEV_WCSC__: string; __DEV_APP__: string; wx: Record<string, unknown> };
const params = new URLSearchParams(location.search);
const token = params.get('token') ?? '';
const openid = params.get('as') ?? '';
const query = Object.fromEntries(new URLSearchParams(params.get('q') ?? ''));
const config = JSON.parse(document.getElementById('phone-config')?.textContent ?? '{}') as PhoneConfig;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

/** Tells the console (the parent frame, same origin only). */
function tellConsole(message: Record<string, unknown>): void {
  if (window.parent !== window) window.parent.postMessage({ from: 'phone', ...message }, location.origin);
}

/** An API in WeChat's style: callbacks when any is given, else a promise. */
function wxApi<T>(options: Callbacks | undefined, run: () => Promise<T>): Promise<T> | undefined {
  const done = run();
  if (options && (options.success || options.fail || options.complete)) {
    done.then(
      (res) => {
        options.success?.(res);
        options.complete?.(res);
      },
      (err: unknown) => {
        options.fail?.(err);
        options.complete?.(err);
      },
    );
    return undefined;
  }
  return done;
}

// ---- what the phone draws: navigation bar, toast, modal, sheets ----

const overlay = el('div', { id: 'phone-overlay' });
const navTitle = el('span', { id: 'nav-title' }, config.title);
let shareMenuShown = true;
const shareMenu = el('button', { id: 'nav-share', type: 'button', title: '转发（右上角菜单）' }, '···');
const nav = el('div', { id: 'phone-nav' }, navTitle, shareMenu);
const refresh = el('div', { id: 'phone-refresh' }, el('span', {}, '•'), el('span', {}, '•'), el('span', {}, '•'));
const mount = el('div', { id: 'phone-page' });
document.body.append(nav, refresh, mount, overlay);

let toastTimer: ReturnType<typeof setTimeout> | undefined;
function showToast(title: string, icon: string, durationMs: number): void {
  document.getElementById('phone-toast')?.remove();
  if (toastTimer) clearTimeout(toastTimer);
  const mark = icon === 'success' ? '✓' : icon === 'error' ? '✕' : icon === 'loading' ? '…' : '';
  const toast = el('div', { id: 'phone-toast', class: mark ? 'toast toast--icon' : 'toast' }, ...(mark ? [el('span', { class: 'toast__icon' }, mark)] : []), el('span', { class: 'toast__title' }, title));
  overlay.append(toast);
  toastTimer = setTimeout(() => toast.remove(), durationMs);
}

function showModal(options: { title?: string; content?: string; showCancel?: boolean; cancelText?: string; confirmText?: string; confirmColor?: string; cancelColor?: string }): Promise<{ confirm: boolean; cancel: boolean; errMsg: string }> {
  return new Promise((resolve) => {
    const close = (confirm: boolean) => {
      mask.remove();
      resolve({ confirm, cancel: !confirm, errMsg: 'showModal:ok' });
    };
    const confirm = el('button', { type: 'button', id: 'modal-confirm', class: 'modal__button modal__button--confirm' }, options.confirmText ?? '确定');
    if (options.confirmColor) confirm.style.color = options.confirmColor;
    confirm.addEventListener('click', () => close(true));
    const buttons = el('div', { class: 'modal__buttons' });
    if (options.showCancel !== false) {
      const cancel = el('button', { type: 'button', id: 'modal-cancel', class: 'modal__button' }, options.cancelText ?? '取消');
      if (options.cancelColor) cancel.style.color = options.cancelColor;
      cancel.addEventListener('click', () => close(false));
      buttons.append(cancel);
    }
    buttons.append(confirm);
    const dialog = el(
      'div',
      { class: 'modal', role: 'dialog', id: 'phone-modal' },
      ...(options.title ? [el('div', { class: 'modal__title' }, options.title)] : []),
      ...(options.content ? [el('div', { class: 'modal__content' }, options.content)] : []),
      buttons,
    );
    const mask = el('div', { class: 'mask' }, dialog);
    overlay.append(mask);
  });
}

/** A bottom sheet of rows; resolves with the row tapped, or -1 for 取消. */
function sheet(title: string, rows: readonly string[], chosen: number, id: string): Promise<number> {
  return new Promise((resolve) => {
    const list = el('div', { class: 'sheet__rows' });
    rows.forEach((label, index) => {
      const row = el('button', { type: 'button', class: index === chosen ? 'sheet__row sheet__row--chosen' : 'sheet__row', 'data-row': String(index) }, label);
      row.addEventListener('click', () => done(index));
      list.append(row);
    });
    const cancel = el('button', { type: 'button', class: 'sheet__cancel' }, '取消');
    cancel.addEventListener('click', () => done(-1));
    const mask = el('div', { class: 'mask mask--sheet', id }, el('div', { class: 'sheet' }, ...(title ? [el('div', { class: 'sheet__title' }, title)] : []), list, cancel));
    const done = (index: number) => {
      mask.remove();
      resolve(index);
    };
    overlay.append(mask);
  });
}

// ---- the wx shim ----

function storageKey(key: string): string {
  // One phone per caller: each OPENID has its own storage, kept for this browser tab.
  return `phone:${openid}:${key}`;
}

/** Calls in flight, on the body as data-calling: a test (or a developer in DevTools) sees when the phone is idle. */
let calling = 0;
function countCalls(by: number): void {
  calling += by;
  document.body.dataset.calling = String(calling);
}
countCalls(0);

async function callFunction(options: { name: string; data?: unknown }): Promise<{ errMsg: string; result: unknown; requestID: string }> {
  countCalls(1);
  try {
    return await callFunctionOnce(options);
  } finally {
    countCalls(-1);
  }
}

async function callFunctionOnce(options: { name: string; data?: unknown }): Promise<{ errMsg: string; result: unknown; requestID: string }> {
  let answer: { ok: boolean; errMsg: string; errCode?: number; result?: unknown };
  try {
    const response = await fetch('/api/call', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-dev-token': token },
      body: JSON.stringify({ name: options.name, data: options.data ?? {}, caller: openid }),
    });
    answer = (await response.json()) as typeof answer;
    if (!response.ok) throw new Error(String((answer as { error?: string }).error ?? response.status));
  } catch (error) {
    throw { errCode: -1, errMsg: `cloud.callFunction:fail network error: ${(error as Error).message}` };
  }
  if (!answer.ok) throw { errCode: answer.errCode, errMsg: answer.errMsg };
  return { errMsg: answer.errMsg, result: answer.result, requestID: `dev-${Date.now()}` };
}

let pullDownActive = false;
function endPullDown(): void {
  pullDownActive = false;
  refresh.classList.remove('phone-refresh--loading');
  refresh.style.height = '0px';
}

let currentPage: RootComponent | undefined;

function findByWxId(id: string): HTMLElement | undefined {
  for (const node of Array.from(mount.querySelectorAll<WxDom>('*'))) if (node.__wxElement?.id === id) return node;
  return undefined;
}

win.wx = Object.assign(win.wx ?? {}, {
  cloud: {
    init: (options?: { env?: string }) => tellConsole({ type: 'cloudInit', env: options?.env ?? '' }),
    callFunction: (options: { name: string; data?: unknown } & Callbacks) => wxApi(options, () => callFunction(options)),
  },
  getStorageSync(key: string): unknown {
    const stored = sessionStorage.getItem(storageKey(key));
    return stored === null ? '' : (JSON.parse(stored) as unknown);
  },
  setStorageSync(key: string, value: unknown): void {
    sessionStorage.setItem(storageKey(key), JSON.stringify(value));
  },
  removeStorageSync(key: string): void {
    sessionStorage.removeItem(storageKey(key));
  },
  showModal: (options: Parameters<typeof showModal>[0] & Callbacks) => wxApi(options, () => showModal(options)),
  showToast: (options: { title: string; icon?: string; duration?: number } & Callbacks) =>
    wxApi(options, async () => {
      showToast(options.title, options.icon ?? 'success', options.duration ?? 1500);
      return { errMsg: 'showToast:ok' };
    }),
  hideToast: (options?: Callbacks) =>
    wxApi(options, async () => {
      document.getElementById('phone-toast')?.remove();
      return { errMsg: 'hideToast:ok' };
    }),
  showLoading: (options: { title: string } & Callbacks) =>
    wxApi(options, async () => {
      showToast(options.title, 'loading', 24 * 3600 * 1000);
      return { errMsg: 'showLoading:ok' };
    }),
  hideLoading: (options?: Callbacks) =>
    wxApi(options, async () => {
      document.getElementById('phone-toast')?.remove();
      return { errMsg: 'hideLoading:ok' };
    }),
  setClipboardData: (options: { data: string } & Callbacks) =>
    wxApi(options, async () => {
      tellConsole({ type: 'clipboard', text: options.data });
      await navigator.clipboard?.writeText(options.data).catch(() => undefined);
      showToast('内容已复制', 'none', 1500);
      return { errMsg: 'setClipboardData:ok' };
    }),
  stopPullDownRefresh: (options?: Callbacks) =>
    wxApi(options, async () => {
      endPullDown();
      return { errMsg: 'stopPullDownRefresh:ok' };
    }),
  startPullDownRefresh: (options?: Callbacks) =>
    wxApi(options, async () => {
      void pullDown();
      return { errMsg: 'startPullDownRefresh:ok' };
    }),
  hideShareMenu: (options?: Callbacks) =>
    wxApi(options, async () => {
      shareMenuShown = false;
      shareMenu.hidden = true;
      return { errMsg: 'hideShareMenu:ok' };
    }),
  showShareMenu: (options?: Callbacks) =>
    wxApi(options, async () => {
      shareMenuShown = true;
      shareMenu.hidden = false;
      return { errMsg: 'showShareMenu:ok' };
    }),
  setNavigationBarTitle: (options: { title: string } & Callbacks) =>
    wxApi(options, async () => {
      navTitle.textContent = options.title;
      return { errMsg: 'setNavigationBarTitle:ok' };
    }),
  pageScrollTo: (options: { scrollTop?: number; selector?: string; duration?: number } & Callbacks) =>
    wxApi(options, async () => {
      const target = options.selector?.startsWith('#') ? findByWxId(options.selector.slice(1)) : undefined;
      const top = target ? target.getBoundingClientRect().top + window.scrollY - nav.offsetHeight : (options.scrollTop ?? 0);
      window.scrollTo({ top, behavior: 'smooth' });
      return { errMsg: 'pageScrollTo:ok' };
    }),
});

// ---- the built-in components, brought to life ----

function attrsOf(dom: WxDom): Map<string, unknown> {
  return new Map((dom.__wxElement?._vt?.attrs ?? []).map(({ name, value }) => [name, value]));
}

/** The component j-component would hand a test for this element (its Component class, found from the root's). */
function componentOf(dom: WxDom): JComponent | undefined {
  if (!currentPage || !dom.__wxElement) return undefined;
  const Component = Object.getPrototypeOf(Object.getPrototypeOf(currentPage)).constructor as new (node: WxElement) => JComponent;
  return new Component(dom.__wxElement);
}

function wxNodeOf(target: EventTarget | null): WxDom | undefined {
  for (let node = target instanceof Element ? target : null; node && node !== mount; node = node.parentElement) {
    if ((node as WxDom).__wxElement) return node as WxDom;
  }
  return undefined;
}

function closestTag(target: EventTarget | null, tag: string): WxDom | undefined {
  const found = target instanceof Element ? target.closest(tag) : null;
  return found && mount.contains(found) ? (found as WxDom) : undefined;
}

/** Attributes j-component keeps off the DOM that the look depends on (as the screenshots reflect them). */
const REFLECTED: Readonly<Record<string, readonly string[]>> = {
  'WX-BUTTON': ['type', 'size', 'plain', 'disabled', 'loading', 'open-type'],
  'WX-INPUT': ['type', 'password', 'disabled'],
  'WX-TEXTAREA': ['disabled', 'auto-height'],
  'WX-PICKER': ['disabled'],
};

const camel = (name: string) => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** The last value the page gave each native field, to tell the page's changes from the typing. */
const givenValues = new WeakMap<HTMLElement, string>();

function nativeField(dom: WxDom, attrs: Map<string, unknown>): void {
  const multiline = dom.tagName === 'WX-TEXTAREA';
  let field = dom.querySelector<HTMLInputElement | HTMLTextAreaElement>(':scope > .dev-native');
  if (!field) {
    field = multiline ? el('textarea', { class: 'dev-native', rows: '1' }) : el('input', { class: 'dev-native' });
    const input = field;
    field.addEventListener('input', () => {
      if (multiline) fitHeight(input);
      componentOf(dom)?.dispatchEvent('input', { detail: { value: input.value, cursor: input.selectionEnd ?? input.value.length, keyCode: 0 } });
    });
    field.addEventListener('focus', () => componentOf(dom)?.dispatchEvent('focus', { detail: { value: input.value, height: 0 } }));
    field.addEventListener('blur', () => componentOf(dom)?.dispatchEvent('blur', { detail: { value: input.value, cursor: input.value.length } }));
    field.addEventListener('keydown', (event) => {
      if (!multiline && (event as KeyboardEvent).key === 'Enter') componentOf(dom)?.dispatchEvent('confirm', { detail: { value: input.value } });
    });
    dom.append(field);
  }
  const value = String(attrs.get('value') ?? '');
  if (givenValues.get(field) !== value) {
    givenValues.set(field, value);
    if (field.value !== value) field.value = value;
    if (multiline) fitHeight(field);
  }
  const id = dom.__wxElement?.id;
  if (id) field.name = id;
  field.placeholder = String(attrs.get('placeholder') ?? '');
  const max = Number(attrs.get('maxlength') ?? 140);
  if (max > 0) field.maxLength = max;
  else field.removeAttribute('maxlength');
  field.disabled = attrs.get('disabled') === true;
  if (field instanceof HTMLInputElement) field.type = attrs.get('password') === true ? 'password' : attrs.get('type') === 'number' ? 'text' : 'text';
}

function fitHeight(field: HTMLInputElement | HTMLTextAreaElement): void {
  field.style.height = 'auto';
  field.style.height = `${field.scrollHeight}px`;
}

/** Brings the DOM in line with the components' attributes: ids, reflected attributes, native fields. */
function sync(): void {
  for (const dom of Array.from(mount.querySelectorAll<WxDom>('*'))) {
    const element = dom.__wxElement;
    if (!element) continue;
    if (element.id && dom.id !== element.id) dom.id = element.id;
    const names = REFLECTED[dom.tagName];
    if (!names) continue;
    const attrs = attrsOf(dom);
    for (const name of names) {
      const value = attrs.get(camel(name));
      if (value === undefined || value === null || value === false || value === '') dom.removeAttribute(name);
      else dom.setAttribute(name, value === true ? '' : String(value));
    }
    if (dom.tagName === 'WX-INPUT' || dom.tagName === 'WX-TEXTAREA') nativeField(dom, attrs);
  }
}

let syncScheduled = false;
function scheduleSync(): void {
  if (syncScheduled) return;
  syncScheduled = true;
  queueMicrotask(() => {
    syncScheduled = false;
    sync();
  });
}

async function openPicker(picker: WxDom): Promise<void> {
  const attrs = attrsOf(picker);
  const range = attrs.get('range');
  const key = attrs.get('rangeKey');
  const rows = Array.isArray(range)
    ? range.map((row: unknown) => String(typeof key === 'string' && typeof row === 'object' && row !== null ? (row as Record<string, unknown>)[key] : row))
    : [];
  const chosen = await sheet('', rows, Number(attrs.get('value') ?? -1), 'phone-picker');
  // The picker reports the chosen row as a string, as WeChat's typings say.
  componentOf(picker)?.dispatchEvent(chosen < 0 ? 'cancel' : 'change', chosen < 0 ? {} : { detail: { value: String(chosen) } });
}

/** A share as WeChat makes one: the page's handler, its promise awaited (3 s at most), the card shown. */
async function share(from: 'menu' | 'button', button?: WxDom): Promise<void> {
  const handler = currentPage?.instance.onShareAppMessage as ((options: Record<string, unknown>) => ShareCard) | undefined;
  const target = button ? { id: button.__wxElement?.id ?? '', dataset: { ...button.dataset } } : undefined;
  const answered: ShareCard = handler ? handler.call(currentPage!.instance, { from, ...(target ? { target } : {}) }) ?? {} : {};
  const { promise, ...fields } = answered;
  const card: ShareCard =
    promise === undefined
      ? fields
      : await Promise.race([promise.then((resolved) => ({ ...fields, ...resolved })), new Promise<ShareCard>((resolve) => setTimeout(() => resolve(fields), SHARE_PROMISE_MS))]);
  const path = card.path ?? `/${config.page}`;
  const title = card.title ?? config.title;
  const send = el('button', { type: 'button', id: 'share-send', class: 'modal__button modal__button--confirm' }, '发送');
  const cancel = el('button', { type: 'button', id: 'share-cancel', class: 'modal__button' }, '取消');
  const dialog = el(
    'div',
    { class: 'modal share', role: 'dialog', id: 'phone-share' },
    el('div', { class: 'modal__title' }, '发送给朋友'),
    el('div', { class: 'share__card' }, el('div', { class: 'share__title' }, title), el('div', { class: 'share__path', id: 'share-path' }, path)),
    el('div', { class: 'modal__buttons' }, cancel, send),
  );
  const mask = el('div', { class: 'mask' }, dialog);
  cancel.addEventListener('click', () => mask.remove());
  send.addEventListener('click', () => {
    mask.remove();
    tellConsole({ type: 'card', card: { title, path }, sharedBy: openid });
    showToast('已发送', 'success', 1500);
  });
  overlay.append(mask);
}

let lastTouchEnd = 0;
let dragged = false;

mount.addEventListener('touchend', () => {
  lastTouchEnd = Date.now();
});

mount.addEventListener('click', (event) => {
  // A real touch was already a tap (j-component listens to touches itself); a drag is no tap.
  if (dragged || Date.now() - lastTouchEnd < 700) {
    dragged = false;
    return;
  }
  if (event.target instanceof Element && event.target.closest('.dev-native')) return;
  const picker = closestTag(event.target, 'wx-picker');
  if (picker && attrsOf(picker).get('disabled') !== true) {
    void openPicker(picker);
    return;
  }
  const button = closestTag(event.target, 'wx-button');
  if (button) {
    const attrs = attrsOf(button);
    if (attrs.get('disabled') === true) return;
    if (attrs.get('openType') === 'share') {
      void share('button', button);
      return;
    }
  }
  const node = wxNodeOf(event.target);
  if (node) componentOf(node)?.dispatchEvent('tap', { detail: { x: event.pageX, y: event.pageY } });
});

shareMenu.addEventListener('click', () => {
  if (shareMenuShown) void share('menu');
});

// ---- pull-down refresh ----

async function pullDown(): Promise<void> {
  if (pullDownActive || !config.pullDownRefresh) return;
  pullDownActive = true;
  refresh.style.height = `${PULL_TRIGGER_PX}px`;
  refresh.classList.add('phone-refresh--loading');
  const handler = currentPage?.instance.onPullDownRefresh as (() => unknown) | undefined;
  if (handler) await handler.call(currentPage!.instance);
  else endPullDown();
}

let pullFrom: number | undefined;
let pulled = 0;
window.addEventListener('pointerdown', (event) => {
  const inside = event.target instanceof Element && (mount.contains(event.target) || refresh.contains(event.target));
  pullFrom = config.pullDownRefresh && !pullDownActive && window.scrollY <= 0 && inside && !(event.target as Element).closest('.dev-native') ? event.clientY : undefined;
  pulled = 0;
});
window.addEventListener('pointermove', (event) => {
  if (pullFrom === undefined || (event.buttons & 1) === 0) return;
  pulled = Math.max(0, event.clientY - pullFrom);
  if (pulled > 8) dragged = true;
  refresh.style.height = `${Math.min(pulled / 2, PULL_TRIGGER_PX * 1.5)}px`;
});
window.addEventListener('pointerup', () => {
  if (pullFrom === undefined) return;
  pullFrom = undefined;
  if (pulled / 2 >= PULL_TRIGGER_PX * 0.75) void pullDown();
  else if (!pullDownActive) endPullDown();
  // The click that follows a drag is swallowed above; nothing follows when there was none.
  setTimeout(() => {
    dragged = false;
  }, 0);
});

// ---- opening the page, as WeChat does ----

async function open(): Promise<void> {
  // rpx against the phone's width (wcsc would read the desktop's screen.width).
  win.__transformRpx__ = (value: number) => {
    if (value === 0) return 0;
    const px = Math.floor((value / BASE_DEVICE_WIDTH) * PHONE_WIDTH + 1e-4);
    return px === 0 ? 1 : px;
  };
  await insertWxss(win.__DEV_WCSC__, config.sheets);

  // app.ts first, as WeChat runs the app before its pages.
  const app: { onLaunch?: () => void } = {};
  win.App = (options: { onLaunch?: () => void }) => Object.assign(app, options);
  new Function('require', 'module', 'exports', win.__DEV_APP__)(() => ({}), { exports: {} }, {});
  app.onLaunch?.();

  const id = win.simulate.load(config.page, { rootPath: '' });
  const page = win.simulate.render(id);
  currentPage = page;
  const instance = page.instance;
  const setData = instance.setData;
  instance.setData = function setDataAndSync(this: unknown, data: Record<string, unknown>, callback?: () => void) {
    setData.call(this, data, callback);
    scheduleSync();
  };
  new MutationObserver(scheduleSync).observe(mount, { childList: true, subtree: true, characterData: true });
  page.attach(mount);
  sync();
  (instance.onLoad as ((q: Record<string, string>) => void) | undefined)?.call(instance, query);
  (instance.onShow as (() => void) | undefined)?.call(instance);
  window.addEventListener('pagehide', () => (instance.onHide as (() => void) | undefined)?.call(instance));
  document.body.dataset.ready = 'true';
  tellConsole({ type: 'opened', caller: openid, query });
}

open().catch((error: unknown) => {
  const message = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
  mount.append(el('pre', { class: 'phone-error' }, `页面无法打开：${message}`));
  tellConsole({ type: 'error', message });
});
