/**
 * The dev console (npm run dev): the phone on the left (scripts/dev/browser/phone.ts in an
 * iframe), the local cloud on the right — who you are, the requests live, the data, WeChat's side
 * (the EMS reviewer, faults) and the state. Runs in the browser (type-checked with the DOM's types,
 * bundled by esbuild).
 *
 * The token is read once from this page's URL and kept in memory: sent in the X-Dev-Token header of
 * every API call and as the first message of the live WebSocket. Everything shown is set as
 * textContent (names, remarks and params are user text); passwords arrive redacted.
 */
import type { CollectionView, FunctionCall } from '../wire';

interface Caller {
  key: string;
  label: string;
  openid: string;
}
interface AccountRecord {
  deliveryId: string;
  bizId: string;
  statusCode: unknown;
  remarkContent: string;
  remarkWrongMsg: string;
  alias: string;
  quotaNum: number;
}
interface CloudState {
  printers: string[];
  accounts: AccountRecord[];
  knownUsers: string[];
  /** null when a fault is armed for every request (Infinity in JSON). */
  faultsArmed: number | null;
  stateDir?: string;
  stateFolders: string[];
}
interface CloudRequest {
  seq: number;
  functionName: string;
  callerOpenid?: string;
  apiName: string;
  service?: string;
  collection?: string;
  summary?: string;
  params: Record<string, unknown>;
  fault?: string;
  applied: boolean;
  outcome: { kind: string; errcode?: number; errmsg?: string; errorCode?: number; status?: number; reason?: string; code?: string; message?: string };
  receivedAt: number;
  answeredAt?: number;
}
interface Card {
  title: string;
  path: string;
  sharedBy: string;
}

const STATUS_NAMES: Record<string, string> = { '0': '0 绑定成功', '1': '1 审核中', '2': '2 绑定失败', '3': '3 已解绑' };
const APIS = ['logistics.bindAccount', 'logistics.updatePrinter', 'logistics.getAllAccount', 'logistics.getPrinter', 'logistics.getAllDelivery'];
const FAULTS: ReadonlyArray<{ label: string; fault: Record<string, unknown> }> = [
  { label: '微信系统繁忙（errcode -1）', fault: { kind: 'errcode', errcode: -1 } },
  { label: '云调用超时（-604102）', fault: { kind: 'cloudError', errorCode: -604102 } },
  { label: '没有接口权限（errcode 48001）', fault: { kind: 'errcode', errcode: 48001 } },
  { label: 'HTTP 502', fault: { kind: 'http', status: 502 } },
  { label: '无答复（挂起）', fault: { kind: 'hang' } },
  { label: '答复无法解析', fault: { kind: 'malformed' } },
  { label: '慢 2 秒', fault: { kind: 'slow', delayMs: 2000 } },
  { label: '数据库：权限不足（DATABASE_PERMISSION_DENIED）', fault: { kind: 'tcbJson', code: 'DATABASE_PERMISSION_DENIED', message: 'Permission denied' } },
  { label: '数据库：集合不存在（DATABASE_COLLECTION_NOT_EXIST）', fault: { kind: 'tcbJson', code: 'DATABASE_COLLECTION_NOT_EXIST', message: 'Db or Table not exist' } },
];
const DATABASE_ACTIONS = ['database.getDocument', 'database.insertDocument', 'database.modifyDocument', 'database.removeDocument', 'database.calculateDocument', 'database.addCollection'];

const token = new URLSearchParams(location.search).get('token') ?? '';
const config = JSON.parse(document.getElementById('console-config')?.textContent ?? '{}') as { callers: Caller[] };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Array<Node | string | undefined>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) if (child !== undefined) node.append(child);
  return node;
}

function button(label: string, attrs: Record<string, string>, onClick: () => void): HTMLButtonElement {
  const node = el('button', { type: 'button', ...attrs }, label);
  node.addEventListener('click', onClick);
  return node;
}

async function api<T = Record<string, unknown>>(route: string, body?: unknown): Promise<T> {
  const response = await fetch(`/api/${route}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'x-dev-token': token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = (await response.json()) as T & { error?: string };
  if (!response.ok) {
    notice(`出错了：${answer.error ?? response.status}`);
    throw new Error(answer.error ?? String(response.status));
  }
  return answer;
}

function clock(ms: number): string {
  const d = new Date(ms);
  return `${d.toLocaleTimeString('zh-CN', { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

function short(openid: string): string {
  return openid.length > 14 ? `${openid.slice(0, 8)}…${openid.slice(-4)}` : openid;
}

// ---- state ----

let caller: Caller = config.callers[0]!;
let cloud: CloudState = { printers: [], accounts: [], knownUsers: [], faultsArmed: 0, stateFolders: [] };
let collections: CollectionView[] = [];
const requests = new Map<number, CloudRequest>();
const calls = new Map<number, FunctionCall>();
const cards: Card[] = [];
let selected: { kind: 'call'; id: number } | { kind: 'request'; seq: number } | undefined;
let clipboard = '';

function callerName(openid: string | undefined): string {
  const known = config.callers.find((c) => c.openid === openid);
  return known ? known.label : openid ? short(openid) : '（无 OPENID）';
}

// ---- layout ----

const phone = el('iframe', { id: 'phone', name: 'phone', title: '小程序页面', src: 'about:blank' });
const phoneCaption = el('div', { class: 'phone__caption', id: 'phone-caption' });
const liveStatus = el('span', { class: 'status', id: 'live-status' }, '连接中…');
const noticeLine = el('div', { class: 'notice', id: 'notice', role: 'status' });

function notice(text: string): void {
  noticeLine.textContent = text;
}

const tabs = el('nav', { class: 'tabs' });
const panels = el('div', { class: 'panels' });
function panel(id: string, title: string): HTMLElement {
  const body = el('section', { class: 'panel', id: `panel-${id}` });
  const tab = button(title, { class: 'tab', id: `tab-${id}`, 'data-panel': id }, () => showPanel(id));
  tabs.append(tab);
  panels.append(body);
  return body;
}
/**
 * Puts a panel's new content in, keeping what was typed or chosen in its fields (by id) and the
 * focus: a panel is redrawn on every change the cloud reports, often while someone is typing.
 */
function redraw(target: HTMLElement, ...children: Array<Node | string>): void {
  const kept = new Map<string, { value: string; checked: boolean }>();
  // A document's editor shows the document as it is now (data-fresh): only what was being written anew is kept.
  for (const field of Array.from(target.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input[id], select[id], textarea[id]:not([data-fresh])'))) {
    if (field instanceof HTMLInputElement && field.type === 'radio') continue;
    kept.set(field.id, { value: field.value, checked: field instanceof HTMLInputElement && field.checked });
  }
  const focused = document.activeElement instanceof HTMLElement && target.contains(document.activeElement) ? document.activeElement.id : '';
  target.replaceChildren(...children);
  for (const [id, was] of kept) {
    const field = target.querySelector<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(`#${CSS.escape(id)}`);
    if (!field) continue;
    field.value = was.value;
    if (field instanceof HTMLInputElement && field.type === 'checkbox') field.checked = was.checked;
  }
  if (focused) document.getElementById(focused)?.focus();
}

function showPanel(id: string): void {
  for (const node of Array.from(panels.children)) (node as HTMLElement).hidden = node.id !== `panel-${id}`;
  for (const node of Array.from(tabs.children)) node.classList.toggle('tab--on', (node as HTMLElement).dataset.panel === id);
}

const whoPanel = panel('who', '你是谁');
const requestsPanel = panel('requests', '请求');
const dataPanel = panel('data', '数据');
const wechatPanel = panel('wechat', '微信侧');
const statePanel = panel('state', '状态');

document.body.append(
  el('header', { class: 'top' }, el('strong', {}, '物流助手 · npm run dev'), el('span', { class: 'top__note' }, '本地云，不连接微信服务器'), liveStatus),
  el(
    'main',
    { class: 'layout' },
    el('div', { class: 'phone' }, el('div', { class: 'phone__frame' }, phone), phoneCaption, button('重新打开页面', { id: 'reopen' }, () => openPhone())),
    el('div', { class: 'console' }, tabs, noticeLine, panels),
  ),
);

// ---- the phone ----

let phoneQuery = '';
function openPhone(query = ''): void {
  phoneQuery = query;
  const search = new URLSearchParams({ token, as: caller.openid, ...(query ? { q: query } : {}) });
  phone.src = `/phone?${search.toString()}`;
  phoneCaption.textContent = `${caller.label} · ${caller.openid}${query ? ` · 打开卡片 ?${query}` : ''}`;
}

window.addEventListener('message', (event: MessageEvent) => {
  if (event.origin !== location.origin || event.source !== phone.contentWindow) return;
  const message = event.data as { from?: string; type?: string; card?: { title: string; path: string }; sharedBy?: string; text?: string; message?: string };
  if (message.from !== 'phone') return;
  if (message.type === 'card' && message.card) {
    cards.unshift({ title: String(message.card.title), path: String(message.card.path), sharedBy: String(message.sharedBy ?? '') });
    renderWho();
    notice(`${callerName(message.sharedBy)} 发出了一张卡片：切换身份后在「你是谁」里打开它`);
  } else if (message.type === 'clipboard') {
    clipboard = String(message.text ?? '');
    renderWho();
  } else if (message.type === 'error') {
    notice(`页面出错：${String(message.message ?? '')}`);
  }
});

// ---- who you are ----

function be(next: Caller): void {
  caller = next;
  renderWho();
  openPhone();
}

function renderWho(): void {
  const list = el('div', { class: 'callers' });
  for (const each of config.callers) {
    list.append(
      el(
        'label',
        { class: 'caller' },
        (() => {
          const radio = el('input', { type: 'radio', name: 'caller', id: `caller-${each.key}`, value: each.key });
          radio.checked = each.openid === caller.openid;
          radio.addEventListener('change', () => be(each));
          return radio;
        })(),
        el('span', {}, each.label),
        el('code', {}, each.openid),
      ),
    );
  }
  const typed = el('input', { id: 'caller-openid', placeholder: '或填一个 OPENID', maxlength: '128' });
  const useTyped = button('以这个 OPENID 打开', { id: 'caller-use' }, () => {
    const openid = typed.value.trim();
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(openid)) return notice('OPENID 只能包含字母、数字、_ 和 -');
    be({ key: 'typed', label: 'OPENID', openid });
  });
  const newUser = button('新用户（第一次打开小程序）', { id: 'caller-new' }, () => {
    const random = Array.from(crypto.getRandomValues(new Uint8Array(10)), (b) => b.toString(16).padStart(2, '0')).join('');
    be({ key: 'new', label: '新用户', openid: `oNewUser${random}` });
  });
  const cardList = el('div', { class: 'cards', id: 'cards' });
  if (cards.length === 0) cardList.append(el('p', { class: 'muted' }, '还没有分享的卡片：在页面上点「邀请打印员」或右上角 ··· 分享。'));
  cards.forEach((card, index) => {
    const query = card.path.includes('?') ? card.path.slice(card.path.indexOf('?') + 1) : '';
    cardList.append(
      el(
        'div',
        { class: 'card', id: `card-${index}` },
        el('div', { class: 'card__title' }, card.title),
        el('code', { class: 'card__path' }, card.path),
        el('div', { class: 'muted' }, `由 ${callerName(card.sharedBy)} 发出`),
        button(`以「${caller.label}」的身份打开`, { class: 'card__open', id: `card-open-${index}` }, () => openPhone(query)),
      ),
    );
  });
  redraw(whoPanel,
    el('h2', {}, '你是谁'),
    el('p', { class: 'muted' }, '页面以这个身份调用云函数（getWXContext 的 OPENID）。切换后页面重新打开，每个身份有自己的手机存储。'),
    list,
    el('div', { class: 'row' }, typed, useTyped),
    el('div', { class: 'row' }, newUser),
    el('h2', {}, '分享的卡片'),
    cardList,
    el('h2', {}, '剪贴板'),
    el('code', { class: 'clipboard', id: 'clipboard' }, clipboard || '（空）'),
  );
}

// ---- requests ----

function describeOutcome(request: CloudRequest): string {
  const o = request.outcome;
  switch (o.kind) {
    case 'answered':
      return `errcode ${o.errcode} ${o.errmsg ?? ''}`;
    case 'cloudError':
      return `云错误 ${o.errorCode}`;
    case 'http':
      return `HTTP ${o.status}`;
    case 'hung':
      return '无答复（挂起）';
    case 'malformed':
      return '无法解析的答复';
    case 'tcbJson':
      return `TCB ${o.code}: ${o.message ?? ''}`;
    case 'rejected':
      return `拒绝：${o.reason ?? ''}`;
    default:
      return o.kind;
  }
}

function requestLine(request: CloudRequest): HTMLElement {
  const line = el(
    'div',
    { class: `req${request.fault ? ' req--fault' : ''}`, id: `req-${request.seq}`, 'data-seq': String(request.seq) },
    el('span', { class: 'req__time' }, clock(request.receivedAt)),
    el('span', { class: 'req__api' }, request.apiName || '?'),
    el('code', { class: 'req__params' }, request.summary ?? JSON.stringify(request.params)),
    el('span', { class: 'req__outcome' }, `${request.fault ? `[故障 ${request.fault}] ` : ''}${describeOutcome(request)}`),
  );
  line.addEventListener('click', (event) => {
    event.stopPropagation();
    selected = { kind: 'request', seq: request.seq };
    renderRequests();
  });
  return line;
}

function renderRequests(): void {
  const list = el('div', { class: 'log', id: 'request-log' });
  const claimed = new Set<number>();
  const entries: Array<{ at: number; node: HTMLElement }> = [];
  for (const call of calls.values()) {
    const envelope = call.answer?.ok ? (call.answer.result as { code?: string; message?: string } | undefined) : undefined;
    const outcome = call.answer === undefined ? '运行中…' : call.answer.ok ? (envelope?.code ?? '?') : `调用失败 ${call.answer.errCode ?? ''}`;
    const node = el(
      'div',
      { class: `call${selected?.kind === 'call' && selected.id === call.id ? ' call--selected' : ''}`, id: `call-${call.id}` },
      el(
        'div',
        { class: 'call__head' },
        el('span', { class: 'req__time' }, clock(call.startedAt)),
        el('strong', {}, call.functionName),
        el('span', { class: 'call__caller' }, callerName(call.caller)),
        el('span', { class: `call__code${envelope?.code === 'OK' ? ' call__code--ok' : ''}` }, outcome),
        el('span', { class: 'muted' }, call.finishedAt ? `${call.finishedAt - call.startedAt} ms` : ''),
      ),
    );
    for (const seq of call.requests) {
      const request = requests.get(seq);
      if (!request) continue;
      claimed.add(seq);
      node.append(requestLine(request));
    }
    node.addEventListener('click', () => {
      selected = { kind: 'call', id: call.id };
      renderRequests();
    });
    entries.push({ at: call.startedAt, node });
  }
  for (const request of requests.values()) if (!claimed.has(request.seq)) entries.push({ at: request.receivedAt, node: requestLine(request) });
  entries.sort((a, b) => b.at - a.at);
  for (const entry of entries) list.append(entry.node);
  if (entries.length === 0) list.append(el('p', { class: 'muted' }, '还没有请求：在页面上操作，这里会实时出现每个云函数调用和它发出的每个请求。'));

  requestsPanel.replaceChildren(
    el('h2', {}, '请求（最新的在上面）'),
    el('p', { class: 'muted' }, '每个云函数调用，和它向微信发出的每个请求（密码已隐去）。点一下看完整内容。'),
    el('div', { class: 'split' }, list, detail()),
  );
}

function pre(value: unknown): HTMLElement {
  return el('pre', {}, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
}

function detail(): HTMLElement {
  const box = el('div', { class: 'detail', id: 'request-detail' });
  const call =
    selected?.kind === 'call'
      ? calls.get(selected.id)
      : selected?.kind === 'request'
        ? [...calls.values()].find((c) => c.requests.includes((selected as { seq: number }).seq))
        : undefined;
  const request = selected?.kind === 'request' ? requests.get(selected.seq) : undefined;
  if (!call && !request) {
    box.append(el('p', { class: 'muted' }, '点左边的一行。'));
    return box;
  }
  if (request) box.append(el('h3', {}, `请求 #${request.seq} ${request.apiName}`), pre(request));
  if (call) {
    box.append(
      el('h3', {}, `${call.functionName}（${callerName(call.caller)}）的事件`),
      pre(call.event),
      el('h3', {}, '云函数的答复'),
      pre(call.answer ?? '运行中…'),
      el('h3', {}, '审计日志'),
      pre(call.printed || '（没有输出）'),
    );
  }
  return box;
}

// ---- data ----

function statusName(code: unknown): string {
  return STATUS_NAMES[String(code)] ?? `${JSON.stringify(code)}（微信没有列出的值）`;
}

let dataShown = '';
function renderData(): void {
  // Redrawn only when what it shows changed (a redraw mid-click would move the button away).
  const shown = JSON.stringify([cloud.accounts, cloud.printers, cloud.knownUsers, collections]);
  if (shown === dataShown) return;
  dataShown = shown;
  const accounts = el('table', { id: 'accounts-table' }, el('tr', {}, el('th', {}, '快递公司'), el('th', {}, '客户编码'), el('th', {}, '状态'), el('th', {}, '备注 / 驳回原因')));
  for (const account of cloud.accounts) {
    accounts.append(
      el(
        'tr',
        { 'data-account': `${account.deliveryId}/${account.bizId}` },
        el('td', {}, account.deliveryId),
        el('td', {}, account.bizId),
        el('td', { class: 'account-status' }, statusName(account.statusCode)),
        el('td', {}, account.remarkWrongMsg || account.remarkContent || ''),
      ),
    );
  }
  const people = (openids: string[], id: string) => {
    const list = el('ul', { id });
    for (const openid of openids) list.append(el('li', {}, el('code', {}, openid), ` ${callerName(openid) === short(openid) ? '' : callerName(openid)}`));
    if (openids.length === 0) list.append(el('li', { class: 'muted' }, '（无）'));
    return list;
  };
  const delivery = el('input', { id: 'seed-delivery', placeholder: 'deliveryId，如 SF', maxlength: '64' });
  const biz = el('input', { id: 'seed-biz', placeholder: 'bizId', maxlength: '128' });
  const statusSelect = el('select', { id: 'seed-status' });
  for (const [code, name] of Object.entries(STATUS_NAMES)) statusSelect.append(el('option', { value: code }, name));
  statusSelect.append(el('option', { value: '7' }, '7（微信没有列出的值）'));
  const reason = el('input', { id: 'seed-reason', placeholder: '驳回原因（状态 2 时）', maxlength: '200' });
  const user = el('input', { id: 'seed-user', placeholder: 'OPENID', maxlength: '128' });
  redraw(dataPanel,
    el('h2', {}, '快递账号（getAllAccount 列出的记录）'),
    accounts,
    el('h3', {}, '放入一条任意状态的记录'),
    el(
      'div',
      { class: 'row' },
      delivery,
      biz,
      statusSelect,
      reason,
      button('放入', { id: 'seed-account' }, () => {
        void api('accounts', {
          deliveryId: delivery.value.trim(),
          bizId: biz.value.trim(),
          statusCode: Number(statusSelect.value),
          remarkWrongMsg: reason.value,
        }).then(() => notice('已放入：下拉刷新页面就能看到'));
      }),
    ),
    el('h2', {}, '面单打印员（getPrinter）'),
    people(cloud.printers, 'printers-list'),
    el('h2', {}, '微信认识的用户'),
    el('p', { class: 'muted' }, '打开过小程序的人；给别人绑定打印员时，微信只接受这些 OPENID（否则 40003）。'),
    people(cloud.knownUsers, 'known-users'),
    el('div', { class: 'row' }, user, button('加为用户', { id: 'seed-user-add' }, () => void api('users', { openid: user.value.trim() }))),
    el('h2', {}, '数据库集合'),
    collectionsView(),
  );
}

function collectionsView(): HTMLElement {
  const box = el('div', { id: 'collections' });
  if (collections.length === 0) box.append(el('p', { class: 'muted' }, '还没有集合：在下面写一个文档，填上集合名就会建出来。'));
  for (const collection of collections) {
    const list = el('div', { class: 'collection', 'data-collection': collection.name }, el('h3', {}, `${collection.name}（${collection.documents.length} 个文档）`));
    collection.documents.forEach((document, index) => {
      const editor = el('textarea', { class: 'doc__text', id: `doc-${collection.name}-${index}`, 'data-fresh': '', spellcheck: 'false', rows: String(Math.min(12, document.text.split('\n').length)) });
      editor.value = document.text;
      list.append(
        el(
          'div',
          { class: 'doc' },
          editor,
          el(
            'div',
            { class: 'row' },
            button('保存', { class: 'primary' }, () => void api('documents/put', { collection: collection.name, document: editor.value }).then(() => notice(`已保存到 ${collection.name}`))),
            button('删除', { class: 'warn' }, () => void api('documents/delete', { collection: collection.name, id: document.id }).then(() => notice(`已从 ${collection.name} 删除 ${document.id}`))),
          ),
        ),
      );
    });
    box.append(list);
  }
  const name = el('input', { id: 'doc-new-collection', placeholder: '集合名', maxlength: '128' });
  const text = el('textarea', { id: 'doc-new-text', class: 'doc__text', rows: '4', spellcheck: 'false', placeholder: '{ "_id": "…", "name": "…", "at": { "$date": "2024-01-01T00:00:00Z" } }' });
  box.append(
    el('h3', {}, '添加文档'),
    el('div', { class: 'row' }, name),
    text,
    el('div', { class: 'row' }, button('添加', { id: 'doc-add', class: 'primary' }, () => void api('documents/put', { collection: name.value.trim(), document: text.value }).then(() => notice(`已添加到 ${name.value.trim()}`)))),
    el('p', { class: 'muted' }, '文档用 Extended JSON 书写（日期写作 {"$date": …}）；没有 _id 的会自动生成。'),
  );
  return box;
}

// ---- WeChat's side ----

let wechatShown = '';
function renderWechat(): void {
  const shown = JSON.stringify([cloud.accounts.filter((account) => account.statusCode === 1), cloud.faultsArmed, collections.map((c) => c.name)]);
  if (shown === wechatShown) return;
  wechatShown = shown;
  const pending = cloud.accounts.filter((account) => account.statusCode === 1);
  const reviews = el('div', { id: 'reviews' });
  if (pending.length === 0) reviews.append(el('p', { class: 'muted' }, '没有待审核的绑定。在页面上绑定一个 EMS 账号（如 demo-ems），它会出现在这里。'));
  pending.forEach((account, index) => {
    const reason = el('input', { id: `review-reason-${index}`, placeholder: '驳回原因', maxlength: '200', value: '发货地址不详细，请补充到门牌号后重新提交' });
    const ref = { deliveryId: account.deliveryId, bizId: account.bizId };
    reviews.append(
      el(
        'div',
        { class: 'review', 'data-account': `${account.deliveryId}/${account.bizId}` },
        el('div', {}, el('strong', {}, `${account.deliveryId} ${account.bizId}`), el('div', { class: 'muted' }, account.remarkContent)),
        el(
          'div',
          { class: 'row' },
          button('通过', { id: `review-approve-${index}`, class: 'primary' }, () => void api('review', { ...ref, decision: 'approve' }).then(() => notice(`已通过 ${ref.deliveryId} ${ref.bizId}：下拉刷新页面`))),
          reason,
          button('驳回', { id: `review-reject-${index}`, class: 'warn' }, () =>
            void api('review', { ...ref, decision: 'reject', reason: reason.value }).then(() => notice(`已驳回 ${ref.deliveryId} ${ref.bizId}：下拉刷新页面`)),
          ),
        ),
      ),
    );
  });

  const kind = el('select', { id: 'fault-kind' });
  FAULTS.forEach((preset, index) => kind.append(el('option', { value: String(index) }, preset.label)));
  const apiSelect = el('select', { id: 'fault-api' }, el('option', { value: '' }, '任何接口'));
  for (const name of [...APIS, ...DATABASE_ACTIONS]) apiSelect.append(el('option', { value: name }, name));
  const collectionSelect = el('select', { id: 'fault-collection' }, el('option', { value: '' }, '任何集合'));
  for (const collection of collections) collectionSelect.append(el('option', { value: collection.name }, collection.name));
  const times = el('input', { id: 'fault-times', type: 'number', min: '1', max: '100', value: '1' });
  const applied = el('input', { id: 'fault-applied', type: 'checkbox' });
  redraw(wechatPanel,
    el('h2', {}, 'EMS 审核员'),
    reviews,
    el('h2', {}, '故障注入'),
    el('p', { class: 'muted' }, '下一个（或接下来几个）匹配的请求得到这个故障，而不是正常的答复。勾选「操作已生效」：状态先改变，只是答复丢了。'),
    el(
      'div',
      { class: 'row' },
      kind,
      apiSelect,
      collectionSelect,
      el('label', {}, '次数 ', times),
      el('label', {}, applied, ' 操作已生效'),
      button('注入', { id: 'fault-arm', class: 'warn' }, () => {
        const preset = FAULTS[Number(kind.value)]!;
        void api('faults', {
          fault: preset.fault,
          api: apiSelect.value || undefined,
          collection: collectionSelect.value || undefined,
          times: Number(times.value) || 1,
          applied: applied.checked,
        }).then(() => notice(`已注入：${preset.label}${apiSelect.value ? `（${apiSelect.value}）` : ''}${collectionSelect.value ? `（集合 ${collectionSelect.value}）` : ''}`));
      }),
    ),
    el('p', { id: 'faults-armed' }, `还在等待的故障：${cloud.faultsArmed === null ? '无限' : cloud.faultsArmed}`),
    button('清除所有故障', { id: 'fault-clear' }, () => void api('faults/clear', {})),
    el('p', { class: 'muted' }, '选一个集合，故障只给这个集合上的数据库请求；微信的 errcode 和云调用错误只对 openapi 请求有意义（数据库请求会被拒绝并说明原因）。'),
  );
}

// ---- state ----

let stateShown = '';
function renderState(): void {
  // Redrawn only when what it shows changed: it holds no live data.
  const shown = JSON.stringify([cloud.stateDir, cloud.stateFolders]);
  if (shown === stateShown) return;
  stateShown = shown;
  const folder = el('input', { id: 'state-folder', placeholder: '文件夹名，如 session1', maxlength: '64' });
  const folders = el('select', { id: 'state-folders' });
  for (const name of cloud.stateFolders) folders.append(el('option', { value: name }, `.localcloud/${name}`));
  redraw(
    statePanel,
    el('h2', {}, '状态'),
    el('p', { class: 'muted' }, cloud.stateDir ? `启动时用了 --state ${cloud.stateDir}：按 Ctrl-C 结束时状态写回那里。` : '这次启动没有 --state：结束时什么也不保存。'),
    el('h3', {}, '导出'),
    el('p', { class: 'muted' }, '把本地云的状态（账号和状态、打印员、用户、每个集合）写到项目的 .localcloud/ 下的一个文件夹（git 不收录：里面有快递账号的密码）。'),
    el('div', { class: 'row' }, folder, button('导出', { id: 'state-export' }, () => void api<{ folder: string }>('state/export', { folder: folder.value.trim() }).then((answer) => notice(`已导出到 ${answer.folder}`)))),
    el('h3', {}, '导入'),
    el('p', { class: 'muted' }, '本地云只从这个文件夹重新开始（导出的文件夹就是完整的状态；请求记录、故障清空），页面重新打开。'),
    el(
      'div',
      { class: 'row' },
      folders,
      button('导入', { id: 'state-import' }, () => {
        if (!folders.value) return notice('.localcloud/ 里还没有导出的文件夹');
        void api('state/import', { folder: folders.value }).then(() => notice(`已从 .localcloud/${folders.value} 导入`));
      }),
    ),
    el('h3', {}, '重置'),
    el('p', { class: 'muted' }, '本地云回到演示种子数据 localcloud/demo-seed/（账号、打印员、用户、集合、请求记录、故障都重新开始），页面重新打开。'),
    button('重置为演示数据', { id: 'state-reset', class: 'warn' }, () => void api('reset', {}).then(() => notice('已重置为演示数据'))),
  );
}

// ---- loading and live ----

async function refresh(): Promise<void> {
  const answer = await api<{ state: CloudState; collections: CollectionView[]; requests: CloudRequest[]; calls: FunctionCall[] }>('state');
  cloud = answer.state;
  collections = answer.collections;
  requests.clear();
  for (const request of answer.requests) requests.set(request.seq, request);
  calls.clear();
  for (const call of answer.calls) calls.set(call.id, call);
  renderRequests();
  renderData();
  renderWechat();
  renderState();
}

let refreshTimer: ReturnType<typeof setTimeout> | undefined;
function refreshSoon(): void {
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = undefined;
    void refresh();
  }, 50);
}

function connect(): void {
  const socket = new WebSocket(`ws://${location.host}/api/live`);
  socket.addEventListener('open', () => socket.send(token));
  socket.addEventListener('message', (event: MessageEvent) => {
    const message = JSON.parse(String(event.data)) as { type: string; request?: CloudRequest; call?: FunctionCall; what?: string };
    if (message.type === 'hello') {
      liveStatus.textContent = '实时';
      liveStatus.className = 'status status--live';
      void refresh();
    } else if (message.type === 'request' && message.request) {
      requests.set(message.request.seq, message.request);
      renderRequests();
    } else if (message.type === 'call' && message.call) {
      calls.set(message.call.id, message.call);
      renderRequests();
    } else if (message.type === 'changed') {
      if (message.what === 'reset') {
        requests.clear();
        calls.clear();
        cards.length = 0;
        renderWho();
        openPhone(phoneQuery);
      }
      refreshSoon();
    }
  });
  socket.addEventListener('close', () => {
    liveStatus.textContent = '已断开（npm run dev 还在运行吗？）';
    liveStatus.className = 'status status--off';
    setTimeout(connect, 2000);
  });
}

renderWho();
renderRequests();
renderData();
renderWechat();
renderState();
showPanel('who');
openPhone();
connect();
export {};
