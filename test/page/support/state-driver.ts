/**
 * Brings the page into one of its states (page-states.ts) in miniprogram-simulate: renders it with
 * a fake wx.cloud.callFunction that gives the state's canned answers, then does the state's steps
 * on the real built-in components (input, tap, picker change), as a person would.
 *
 * The mini program root is a parameter: the TypeScript source (jest compiles index.ts, see
 * harness.ts) or a package WeChat's own compiler made (`npm run check:wechat`: DevTools' babel
 * output, JavaScript only, whose requires must all resolve inside the package).
 *
 * snapshotHtml() gives the rendered DOM for the browser check. j-component keeps only class, id
 * and data-* of built-in components in the DOM; their other attributes (type, size, loading,
 * disabled, value, placeholder, …) live on the exparser node (`_vt.attrs`), so they are copied
 * onto the snapshot, and an input's value or placeholder is written inside it, as WeChat shows it.
 */
import * as fs from 'fs';
import * as path from 'path';
import simulate = require('miniprogram-simulate');
import type { PageState, Step } from './page-states';

export const SOURCE_ROOT = path.resolve(__dirname, '../../../miniprogram');

type Page = simulate.RootComponent<WechatMiniprogram.IAnyObject, WechatMiniprogram.IAnyObject, WechatMiniprogram.IAnyObject>;

export interface CallRecord {
  readonly name: string;
  readonly data: Record<string, unknown>;
}

export interface RenderedState {
  readonly page: Page;
  readonly calls: readonly CallRecord[];
  /** Functions the page called that the state gives no answer for. */
  readonly unexpectedCalls: readonly string[];
  /** All text the page shows. */
  text(): string;
  /** The page's DOM with the built-in components' attributes and input texts (see above). */
  snapshotHtml(): string;
}

/** The state's page, or the first page of app.json. */
export function pageOf(root: string, state: Pick<PageState, 'page'>): string {
  if (state.page !== undefined) return state.page;
  const app = JSON.parse(fs.readFileSync(path.join(root, 'app.json'), 'utf8')) as { pages?: unknown };
  const first = Array.isArray(app.pages) ? app.pages[0] : undefined;
  if (typeof first !== 'string') throw new Error(`${root}/app.json lists no pages`);
  return first;
}

const loaded = new Map<string, string>();

function loadOnce(root: string, page: string): string {
  const file = path.join(root, page);
  const known = loaded.get(file);
  if (known !== undefined) return known;
  if (fs.existsSync(`${file}.ts`) && fs.existsSync(`${file}.js`)) {
    throw new Error(`${file}.js exists beside index.ts and would be loaded instead of it: delete it`);
  }
  const id = simulate.load(file, { rootPath: root });
  loaded.set(file, id);
  return id;
}

type Wx = Record<string, unknown> & { cloud?: unknown };

interface NodeWithVt {
  __wxElement?: { _vt?: { attrs?: Array<{ name: string; value: unknown }> } };
}

/** The attributes WXML gave a built-in component, as its exparser node holds them now. */
function attrsOf(dom: unknown): Map<string, unknown> {
  const attrs = (dom as NodeWithVt).__wxElement?._vt?.attrs ?? [];
  return new Map(attrs.map(({ name, value }) => [name, value]));
}

function find(page: Page, selector: string) {
  const found = page.querySelector(selector);
  if (!found) throw new Error(`nothing on the page matches ${selector}`);
  return found;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await simulate.sleep(0);
}

async function perform(page: Page, step: Step): Promise<void> {
  if ('type' in step) {
    find(page, step.type).dispatchEvent('input', { detail: { value: step.value, cursor: step.value.length } });
  } else if ('tap' in step) {
    find(page, step.tap).dispatchEvent('tap');
  } else if ('share' in step) {
    // What WeChat does on a tap of an open-type="share" button: the handler, with the button as target.
    const button = find(page, step.share);
    if (attrsOf(button.dom).get('openType') !== 'share') throw new Error(`${step.share} is not an open-type="share" button`);
    const instance = page.instance as { onShareAppMessage(options: { from: 'button'; target: unknown }): { promise?: Promise<unknown> } };
    await instance.onShareAppMessage({ from: 'button', target: { id: step.share.replace(/^#/, ''), dataset: {} } }).promise;
  } else {
    const picker = find(page, step.pick);
    const attrs = attrsOf(picker.dom);
    const range = attrs.get('range');
    // wcc hands attributes over camelCased (range-key → rangeKey).
    const key = attrs.get('rangeKey');
    const labels = Array.isArray(range)
      ? range.map((row: unknown) => String(typeof key === 'string' && typeof row === 'object' && row !== null ? (row as Record<string, unknown>)[key] : row))
      : [];
    const index = labels.findIndex((label) => label.includes(step.option));
    if (index < 0) throw new Error(`${step.pick} has no row containing ${step.option} (rows: ${labels.join(', ')})`);
    // The picker reports the chosen row as a string, as WeChat's typings say.
    picker.dispatchEvent('change', { detail: { value: String(index) } });
  }
  await settle();
}

/** Built-in components whose look depends on attributes j-component leaves out of the DOM. */
const REFLECTED: Readonly<Record<string, readonly string[]>> = {
  'wx-button': ['type', 'size', 'plain', 'disabled', 'loading'],
  'wx-input': ['type', 'password', 'disabled'],
  'wx-textarea': ['disabled', 'auto-height'],
  'wx-picker': ['disabled'],
};

function reflect(source: Element, copy: Element): void {
  const tag = source.tagName.toLowerCase();
  const names = REFLECTED[tag];
  const element = (source as NodeWithVt & { __wxElement?: { id?: string } }).__wxElement;
  if (element?.id) copy.setAttribute('id', element.id);
  if (!names) return;
  const attrs = attrsOf(source);
  for (const name of names) {
    // wcc hands attributes over camelCased (auto-height → autoHeight).
    const value = attrs.get(name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase()));
    if (value === undefined || value === null || value === false || value === '') continue;
    copy.setAttribute(name, value === true ? '' : String(value));
  }
  if (tag === 'wx-input' || tag === 'wx-textarea') {
    const value = String(attrs.get('value') ?? '');
    const shown = value !== '' ? (attrs.get('password') === true ? '•'.repeat(value.length) : value) : String(attrs.get('placeholder') ?? '');
    const shell = copy.ownerDocument.createElement('span');
    shell.className = value !== '' ? 'wx-input-value' : 'wx-input-placeholder';
    shell.textContent = shown;
    copy.appendChild(shell);
  }
}

export async function renderState(state: PageState, root: string = SOURCE_ROOT): Promise<RenderedState> {
  const id = loadOnce(root, pageOf(root, state));
  const wx = (globalThis as unknown as { wx: Wx }).wx;
  const calls: CallRecord[] = [];
  const unexpectedCalls: string[] = [];
  const answered = new Map<string, number>();
  wx.cloud = {
    init: () => undefined,
    callFunction: async (param: { name: string; data?: Record<string, unknown> }) => {
      calls.push({ name: param.name, data: JSON.parse(JSON.stringify(param.data ?? {})) as Record<string, unknown> });
      const answers = state.answers[param.name] ?? [];
      const count = answered.get(param.name) ?? 0;
      answered.set(param.name, count + 1);
      const canned = answers[Math.min(count, answers.length - 1)];
      if (canned === undefined) {
        unexpectedCalls.push(param.name);
        throw { errCode: -1, errMsg: `cloud.callFunction:fail the state "${state.name}" has no answer for ${param.name}` };
      }
      if ('fail' in canned) throw canned.fail;
      if ('hold' in canned) return new Promise<never>(() => undefined);
      return { errMsg: 'cloud.callFunction:ok', result: canned.result };
    },
  };
  const storage = new Map<string, unknown>(Object.entries(state.storage ?? {}));
  wx.getStorageSync = (key: string) => (storage.has(key) ? JSON.parse(JSON.stringify(storage.get(key))) : '');
  wx.setStorageSync = (key: string, value: unknown) => {
    storage.set(key, JSON.parse(JSON.stringify(value)));
  };
  wx.removeStorageSync = (key: string) => {
    storage.delete(key);
  };
  wx.showModal = (options: { success?: (res: { confirm: boolean; cancel: boolean }) => void; complete?: () => void }) => {
    const confirm = state.confirm ?? true;
    setTimeout(() => {
      options.success?.({ confirm, cancel: !confirm });
      options.complete?.();
    }, 0);
  };

  const clock = state.clock;
  const spies = clock
    ? [jest.spyOn(Date, 'now').mockReturnValue(clock.now), jest.spyOn(Date.prototype, 'getTimezoneOffset').mockReturnValue(-clock.utcOffsetMinutes)]
    : [];
  try {
    return await bringAbout(state, id, calls, unexpectedCalls);
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

async function bringAbout(state: PageState, id: string, calls: CallRecord[], unexpectedCalls: string[]): Promise<RenderedState> {
  const page = simulate.render(id) as unknown as Page;
  page.attach(document.createElement('parent-wrapper'));
  // As WeChat opens a page: load with the path's query, then show.
  (page.instance as { onLoad?(query: Record<string, string>): void }).onLoad?.({ ...state.query });
  (page.instance as { onShow?(): void }).onShow?.();
  await settle();
  for (const step of state.steps) await perform(page, step);

  return {
    page,
    calls,
    unexpectedCalls,
    text: () => page.dom?.textContent ?? '',
    snapshotHtml() {
      const dom = page.dom;
      if (!dom) throw new Error('the page has no DOM');
      const copy = dom.cloneNode(true) as Element;
      const sources = [dom, ...Array.from(dom.querySelectorAll('*'))];
      const copies = [copy, ...Array.from(copy.querySelectorAll('*'))];
      sources.forEach((source, i) => {
        const target = copies[i];
        if (target) reflect(source, target);
      });
      return copy.outerHTML;
    },
  };
}
