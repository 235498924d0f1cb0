/**
 * What the management view shows for a getBindings answer: the printer rows (the roster's shared
 * names, who added them and when), the account rows (each status badge and the actions its status
 * allows, the quota and the bind time), the open invites, 最近操作 from the history, lists the
 * function cut, empty states, a part's failure in place, and the "only admins" view. Pure: the
 * page only puts this into its data.
 */
import type { AccountStatus, BindingsData, BoundAccount, CarrierItem, HistoryEntry, InviteItem, PrinterPerson } from '../shared/bindings';
import { findCarrier } from '../shared/carriers';
import { isPlainObject } from '../shared/field-rules';
import type { InviteStatus, PrinterVia } from '../shared/printer-invites';
import type { Envelope } from '../../core/envelope';
import { refusalViewFor, type RefusalView } from './admin-setup';
import { formatMoment, secondsToMs } from './moments';
import { codeTitle } from './outcome';

/** Refusals that mean "this person is not (or cannot be recognised as) an admin". */
const REFUSAL_CODES: readonly string[] = ['NOT_ADMIN', 'ADMINS_NOT_CONFIGURED', 'NO_CALLER_IDENTITY'];

export type BadgeTone = 'success' | 'info' | 'error' | 'muted' | 'warning';

export interface PrinterRow {
  readonly openid: string;
  /** For people: the start and end of the openid. */
  readonly shortOpenid: string;
  readonly isMe: boolean;
  /** The shared name on the roster ('' when none). */
  readonly name: string;
  /** When and how they were added, and by whom ('' when the roster does not say). */
  readonly added: string;
}

export interface AccountRow {
  /** Unique per row (the list's wx:key): the same bizId may exist at two carriers. */
  readonly key: string;
  readonly deliveryId: string;
  readonly bizId: string;
  readonly carrierName: string;
  readonly alias: string;
  readonly status: AccountStatus;
  readonly badge: string;
  readonly badgeTone: BadgeTone;
  /** WeChat's reason for a failed bind ('' otherwise). */
  readonly reason: string;
  /** What to expect or do next ('' when nothing). */
  readonly hint: string;
  /** 绑定失败 offers 重新提交. */
  readonly canResubmit: boolean;
  /** An account already 已解绑 has nothing left to unbind. */
  readonly canUnbind: boolean;
  /** The remark sent with the bind (EMS review), to correct on 重新提交. */
  readonly remarkContent: string;
  /** 剩余单量 and when WeChat last counted it ('' where WeChat gives no quotaNum). */
  readonly quota: string;
  /** 绑定于 … ('' without a bind time). */
  readonly boundAt: string;
}

export interface InviteRow {
  readonly inviteId: string;
  /** 给 仓库小王 的邀请, or 邀请. */
  readonly title: string;
  readonly badge: string;
  readonly badgeTone: BadgeTone;
  /** How many accepted, until when, who made it. */
  readonly detail: string;
  /** Who accepted it, by name where the roster has one ('' when nobody). */
  readonly acceptedBy: string;
  readonly canRevoke: boolean;
}

export interface HistoryRow {
  readonly key: string;
  readonly when: string;
  /** Who did what to whom, in plain words. */
  readonly text: string;
  /** What came of it when it was not plainly done ('' when it was). */
  readonly outcome: string;
  readonly failed: boolean;
}

export interface PartView<Row> {
  readonly state: 'loading' | 'shown' | 'failed';
  readonly rows: readonly Row[];
  /** The part's failure message, in place ('' unless failed). */
  readonly message: string;
  /** Said when the list is empty: what to do next. */
  readonly emptyText: string;
  /** "只显示前 N 个，共 total 个" when the function cut the list ('' otherwise). */
  readonly cutText: string;
}

export interface PrintersView extends PartView<PrinterRow> {
  /** The roster could not be read: why, in place ('' when it was). The rows then have no names. */
  readonly rosterMessage: string;
}

export interface BindingsView {
  /** loading: no answer yet; shown: the parts (each shown or failed); refused: the "only admins" view. */
  readonly access: 'loading' | 'shown' | 'refused';
  /** What the "only admins" view says (null unless refused). */
  readonly refusal: RefusalView | null;
  /** getBindings answered with its parts, so it counted this caller as an admin. */
  readonly adminPerGetBindings: boolean;
  readonly printers: PrintersView;
  readonly accounts: PartView<AccountRow>;
  readonly invites: PartView<InviteRow>;
  readonly history: PartView<HistoryRow>;
  /** The carriers WeChat answered, for the picker (undefined when that part did not answer). */
  readonly carriers: readonly CarrierItem[] | undefined;
  /** Some part failed: offer 重新加载. */
  readonly canReload: boolean;
}

export const PRINTERS_EMPTY_TEXT = '还没有面单打印员：在下面「邀请打印员」里生成一张邀请发给 TA，或点「绑定我自己」。';
export const ACCOUNTS_EMPTY_TEXT = '还没有绑定快递账号：在下面选择快递公司、填写客户编码后点「绑定快递账号」。';
export const INVITES_EMPTY_TEXT = '没有正在等待接受的邀请。';
export const HISTORY_EMPTY_TEXT = '还没有操作记录：绑定、解绑、邀请和改名之后会记在这里。';
export const UNDER_REVIEW_HINT = '快递公司审核需要一些时间（通常 1–3 个工作日）。每次打开这个页面都会刷新状态，也可以下拉刷新。';
export const RESUBMIT_HINT = '可以点「重新提交」，改好备注后再次提交审核。';
const UNRECOGNISED_PART = '这部分的结果无法识别：请管理员确认云函数 getBindings 已更新为本项目的最新版本';

function partView<Row>(state: PartView<Row>['state'], rows: readonly Row[], message: string, emptyText: string, cutText = ''): PartView<Row> {
  return { state, rows, message, emptyText, cutText };
}

export const LOADING_VIEW: BindingsView = {
  access: 'loading',
  refusal: null,
  adminPerGetBindings: false,
  printers: { ...partView<PrinterRow>('loading', [], '', PRINTERS_EMPTY_TEXT), rosterMessage: '' },
  accounts: partView<AccountRow>('loading', [], '', ACCOUNTS_EMPTY_TEXT),
  invites: partView<InviteRow>('loading', [], '', INVITES_EMPTY_TEXT),
  history: partView<HistoryRow>('loading', [], '', HISTORY_EMPTY_TEXT),
  carriers: undefined,
  canReload: false,
};

/** `oAbCdEf…WxYz`: enough for a person to tell printers apart. */
export function shortOpenid(openid: string): string {
  return openid.length <= 14 ? openid : `${openid.slice(0, 6)}…${openid.slice(-4)}`;
}

/** "只显示前 N 个，共 total 个", when the function cut a list. */
export function cutTextFor(shown: number, total: unknown, truncated: unknown): string {
  return truncated === true && typeof total === 'number' && total > shown ? `只显示前 ${shown} 个，共 ${total} 个` : '';
}

const BADGES: Readonly<Record<Exclude<AccountStatus, 'UNKNOWN'>, { badge: string; tone: BadgeTone }>> = {
  BOUND: { badge: '已绑定', tone: 'success' },
  UNDER_REVIEW: { badge: '审核中', tone: 'info' },
  FAILED: { badge: '绑定失败', tone: 'error' },
  UNBOUND: { badge: '已解绑', tone: 'muted' },
};

function carrierNameOf(deliveryId: string, carriers: readonly CarrierItem[] | undefined): string {
  return carriers?.find((c) => c.deliveryId === deliveryId)?.deliveryName || findCarrier(deliveryId)?.name || deliveryId;
}

export function accountRow(account: BoundAccount, carriers: readonly CarrierItem[] | undefined): AccountRow {
  const known = account.status === 'UNKNOWN' ? undefined : BADGES[account.status];
  const reason = account.status === 'FAILED' ? account.remarkWrongMsg || '微信没有给出原因' : '';
  const quotaAt = secondsToMs(account.quotaUpdateTime);
  const boundAt = secondsToMs(account.createTime);
  return {
    key: JSON.stringify([account.deliveryId, account.bizId]),
    deliveryId: account.deliveryId,
    bizId: account.bizId,
    carrierName: carrierNameOf(account.deliveryId, carriers),
    alias: account.alias ?? '',
    status: account.status,
    badge: known?.badge ?? `状态未知（${account.statusCode ?? '无'}）`,
    badgeTone: known?.tone ?? 'warning',
    reason,
    hint: account.status === 'UNDER_REVIEW' ? UNDER_REVIEW_HINT : account.status === 'FAILED' ? RESUBMIT_HINT : '',
    canResubmit: account.status === 'FAILED',
    canUnbind: account.status !== 'UNBOUND',
    remarkContent: account.remarkContent ?? '',
    quota: typeof account.quotaNum === 'number' ? `剩余单量 ${account.quotaNum}${quotaAt === undefined ? '' : `（${formatMoment(quotaAt)} 更新）`}` : '',
    boundAt: boundAt === undefined ? '' : `绑定于 ${formatMoment(boundAt)}`,
  };
}

/** How people are called on this page: 我, the roster's name, or the start and end of the openid. */
export class PeopleNames {
  private readonly names = new Map<string, string>();

  constructor(
    people: readonly PrinterPerson[],
    private readonly me: string | undefined,
  ) {
    for (const person of people) if (typeof person.name === 'string' && person.name !== '') this.names.set(person.openid, person.name);
  }

  /** The roster's name, or ''. */
  nameOf(openid: string): string {
    return this.names.get(openid) ?? '';
  }

  /** An actor: 我 for the caller. */
  actor(openid: string | undefined): string {
    if (openid === undefined) return '服务端';
    return openid === this.me ? '我' : this.target(openid);
  }

  /** Someone acted on: their name, else their short openid. */
  target(openid: string): string {
    return this.nameOf(openid) || shortOpenid(openid);
  }
}

const VIA_WORDS: Readonly<Record<PrinterVia, (who: string) => string>> = {
  invite: (who) => `接受 ${who} 的邀请加入`,
  openid: (who) => `由 ${who} 按 openid 添加`,
  self: () => '自己添加',
};

export function printerRow(person: PrinterPerson, me: string | undefined, names: PeopleNames): PrinterRow {
  const when = typeof person.addedAt === 'number' ? formatMoment(person.addedAt) : '';
  const how = person.via !== undefined && VIA_WORDS[person.via] !== undefined ? VIA_WORDS[person.via](person.addedBy === undefined ? '管理员' : names.actor(person.addedBy)) : '';
  return {
    openid: person.openid,
    shortOpenid: shortOpenid(person.openid),
    isMe: person.openid === me,
    name: typeof person.name === 'string' ? person.name : '',
    added: [when, how].filter((part) => part !== '').join(' '),
  };
}

const INVITE_BADGES: Readonly<Record<InviteStatus, { badge: string; tone: BadgeTone }>> = {
  OPEN: { badge: '可以接受', tone: 'success' },
  USED_UP: { badge: '已用完', tone: 'muted' },
  EXPIRED: { badge: '已过期', tone: 'muted' },
  REVOKED: { badge: '已撤销', tone: 'muted' },
};

/** 给 仓库小王 的邀请, or 邀请 when the admin named nobody. */
export function inviteTitle(name: string | undefined): string {
  return typeof name === 'string' && name !== '' ? `给 ${name} 的邀请` : '邀请';
}

export function inviteRow(invite: InviteItem, names: PeopleNames): InviteRow {
  const known = INVITE_BADGES[invite.status] ?? { badge: '状态未知', tone: 'warning' as const };
  const uses = Array.isArray(invite.uses) ? invite.uses : [];
  const open = invite.status === 'OPEN';
  return {
    inviteId: invite.inviteId,
    title: inviteTitle(invite.name),
    badge: known.badge,
    badgeTone: known.tone,
    detail: `${uses.length}/${invite.maxUses} 人已接受 · ${open ? `${formatMoment(invite.expiresAt)} 前有效` : `${formatMoment(invite.createdAt)} 生成`} · ${names.actor(invite.createdBy)}发出`,
    acceptedBy: uses.length === 0 ? '' : `接受的人：${uses.map((use) => names.target(use.openid)).join('、')}`,
    canRevoke: open,
  };
}

/** One history entry in plain words (names where the roster has them). */
export function historyRow(entry: HistoryEntry, index: number, names: PeopleNames, invites: readonly InviteItem[], carriers: readonly CarrierItem[] | undefined): HistoryRow {
  const actor = names.actor(entry.actor);
  const target = entry.target as Partial<Record<'openid' | 'deliveryId' | 'bizId' | 'inviteId', unknown>>;
  const openid = typeof target.openid === 'string' ? target.openid : '';
  const printer = openid === entry.actor ? '自己' : names.target(openid);
  const account = `${carrierNameOf(String(target.deliveryId ?? ''), carriers)} ${String(target.bizId ?? '')}`;
  const invite = inviteTitle(invites.find((item) => item.inviteId === target.inviteId)?.name);
  const done = entry.ok;
  const WORDS: Readonly<Record<string, string>> = {
    'printer.bind': done ? `添加了打印员 ${printer}` : `添加打印员 ${printer}`,
    'printer.unbind': done ? `解绑了打印员 ${printer}` : `解绑打印员 ${printer}`,
    'account.bind': done ? `绑定了快递账号 ${account}` : `绑定快递账号 ${account}`,
    'account.unbind': done ? `解绑了快递账号 ${account}` : `解绑快递账号 ${account}`,
    invite: done ? `生成了${invite}` : `生成邀请`,
    accept: done ? `接受了${invite}` : `接受${invite}`,
    revoke: done ? `撤销了${invite}` : `撤销${invite}`,
    rename: done ? `给打印员 ${printer} 改了名字` : `给打印员 ${printer} 改名`,
  };
  const outcome = done ? '' : (codeTitle(entry.code) ?? '没有成功');
  return {
    key: `${entry.at}-${index}`,
    when: formatMoment(entry.at),
    text: `${actor} ${WORDS[entry.action] ?? entry.action}`,
    outcome: outcome === '' || outcome === '结果未知' || outcome.startsWith('已') ? outcome : `没有成功：${outcome}`,
    failed: !done,
  };
}

/** A part as the page got it: rows, or its own failure message; junk is a failure, never rows. */
function readPart<Row>(part: unknown, rowsOf: (shown: Record<string, unknown>) => Row[] | undefined, emptyText: string): PartView<Row> {
  if (typeof part === 'object' && part !== null) {
    const record = part as Record<string, unknown>;
    if (record.ok === true) {
      const rows = rowsOf(record);
      if (rows !== undefined) return partView('shown', rows, '', emptyText, cutTextFor(rows.length, record.total, record.truncated));
    } else if (failureMessage(record) !== '') {
      return partView<Row>('failed', [], failureMessage(record), emptyText);
    }
  }
  return partView<Row>('failed', [], UNRECOGNISED_PART, emptyText);
}

function failureMessage(part: unknown): string {
  const record = part as Record<string, unknown> | null | undefined;
  return typeof record === 'object' && record !== null && record.ok === false && typeof record.message === 'string' ? record.message : '';
}

function listOf<Item>(part: unknown): Item[] {
  const record = part as { ok?: unknown; list?: unknown } | undefined;
  return record?.ok === true && Array.isArray(record.list) ? (record.list as Item[]) : [];
}

/** The view for getBindings' envelope. */
export function bindingsViewFor(envelope: Envelope): BindingsView {
  if (!envelope.ok && REFUSAL_CODES.includes(envelope.code)) {
    return { ...LOADING_VIEW, access: 'refused', refusal: refusalViewFor(envelope) };
  }
  const data = (typeof envelope.data === 'object' && envelope.data !== null ? envelope.data : undefined) as BindingsData | undefined;
  if (data === undefined) {
    // The call as a whole failed (no network, not deployed, …): every list says so in place.
    const failed = <Row>(emptyText: string) => partView<Row>('failed', [], envelope.message, emptyText);
    return {
      access: 'shown',
      refusal: null,
      adminPerGetBindings: false,
      printers: { ...failed<PrinterRow>(PRINTERS_EMPTY_TEXT), rosterMessage: '' },
      accounts: failed<AccountRow>(ACCOUNTS_EMPTY_TEXT),
      invites: failed<InviteRow>(INVITES_EMPTY_TEXT),
      history: failed<HistoryRow>(HISTORY_EMPTY_TEXT),
      carriers: undefined,
      canReload: true,
    };
  }
  const me = typeof data.callerOpenid === 'string' ? data.callerOpenid : undefined;
  const carriersPart = data.carriers as { ok?: unknown; list?: unknown } | undefined;
  const carriers = carriersPart?.ok === true && Array.isArray(carriersPart.list) ? (carriersPart.list as CarrierItem[]) : undefined;
  const printersPart = data.printers as { ok?: unknown; openids?: unknown; people?: unknown; roster?: unknown } | undefined;
  const rosterMessage = printersPart?.ok === true ? failureMessage(printersPart.roster) : '';
  const people = peopleOf(printersPart, rosterMessage !== '');
  const names = new PeopleNames(people, me);
  const printerRows = readPart<PrinterRow>(data.printers, (shown) => (Array.isArray(shown.openids) ? people.map((person) => printerRow(person, me, names)) : undefined), PRINTERS_EMPTY_TEXT);
  const printers: PrintersView = { ...printerRows, rosterMessage };
  const accounts = readPart<AccountRow>(
    data.accounts,
    (shown) => (Array.isArray(shown.list) ? (shown.list as BoundAccount[]).map((account) => accountRow(account, carriers)) : undefined),
    ACCOUNTS_EMPTY_TEXT,
  );
  const inviteItems = listOf<InviteItem>(data.invites);
  const invites = readPart<InviteRow>(data.invites, (shown) => (Array.isArray(shown.list) ? inviteItems.map((invite) => inviteRow(invite, names)) : undefined), INVITES_EMPTY_TEXT);
  const history = readPart<HistoryRow>(
    data.history,
    (shown) => (Array.isArray(shown.list) ? (shown.list as HistoryEntry[]).map((entry, i) => historyRow(entry, i, names, inviteItems, carriers)) : undefined),
    HISTORY_EMPTY_TEXT,
  );
  return {
    access: 'shown',
    refusal: null,
    adminPerGetBindings: true,
    printers,
    accounts,
    invites,
    history,
    carriers,
    canReload: [printers, accounts, invites, history].some((part) => part.state === 'failed') || rosterMessage !== '',
  };
}

/**
 * The printers in the order of `openids`, named by `people` where it names them (an older
 * function answers openids only; a roster that failed names nobody).
 */
function peopleOf(part: { ok?: unknown; openids?: unknown; people?: unknown } | undefined, rosterFailed: boolean): PrinterPerson[] {
  if (part?.ok !== true || !Array.isArray(part.openids)) return [];
  const byOpenid = new Map<string, PrinterPerson>();
  if (!rosterFailed && Array.isArray(part.people)) {
    for (const person of part.people as unknown[]) {
      if (isPlainObject(person) && typeof person.openid === 'string') byOpenid.set(person.openid, person as unknown as PrinterPerson);
    }
  }
  return (part.openids as unknown[]).filter((openid): openid is string => typeof openid === 'string').map((openid) => byOpenid.get(openid) ?? { openid });
}

/** The phone's storage key for the names kept on this phone before the roster (issue 21): offered for saving once. */
export const PRINTER_NAMES_STORAGE_KEY = 'logistics.printerNames';

/** Names as read from storage: anything but a map of strings is ignored. */
export function readPrinterNames(stored: unknown): Record<string, string> {
  if (!isPlainObject(stored)) return {};
  return Object.fromEntries(Object.entries(stored).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].trim() !== ''));
}

export interface LocalNameOffer {
  readonly openid: string;
  readonly name: string;
  /** How the row is called now (its shared name, or the short openid). */
  readonly now: string;
}

/**
 * The names kept on this phone worth saving: for printers listed now whose shared name differs.
 * None while the roster could not be read (the shared names are not known then).
 */
export function localNamesToOffer(view: BindingsView, stored: Readonly<Record<string, string>>): LocalNameOffer[] {
  if (view.printers.state !== 'shown' || view.printers.rosterMessage !== '') return [];
  return view.printers.rows
    .filter((row) => stored[row.openid] !== undefined && stored[row.openid]!.trim() !== row.name)
    .map((row) => ({ openid: row.openid, name: stored[row.openid]!.trim(), now: row.name || shortOpenid(row.openid) }));
}
