/**
 * What the management view shows for a getBindings answer: the printer and account rows, each
 * account's status badge and the actions its status allows, empty states, a part's failure in
 * place, and the "only admins" view. Pure: the page only puts this into its data.
 */
import type { AccountStatus, BindingsData, BoundAccount, CarrierItem } from '../shared/bindings';
import { findCarrier } from '../shared/carriers';
import { isPlainObject } from '../shared/field-rules';
import type { Envelope } from '../../core/envelope';
import { refusalViewFor, type RefusalView } from './admin-setup';

/** Refusals that mean "this person is not (or cannot be recognised as) an admin". */
const REFUSAL_CODES: readonly string[] = ['NOT_ADMIN', 'ADMINS_NOT_CONFIGURED', 'NO_CALLER_IDENTITY'];

export type BadgeTone = 'success' | 'info' | 'error' | 'muted' | 'warning';

export interface PrinterRow {
  readonly openid: string;
  /** For people: the start and end of the openid. */
  readonly shortOpenid: string;
  readonly isMe: boolean;
  /** The name the admin gave this printer on this phone ('' when none). */
  readonly name: string;
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
  /** The remark sent with the bind (EMS review), to correct on 重新提交. */
  readonly remarkContent: string;
}

export interface PartView<Row> {
  readonly state: 'loading' | 'shown' | 'failed';
  readonly rows: readonly Row[];
  /** The part's failure message, in place ('' unless failed). */
  readonly message: string;
  /** Said when the list is empty: what to do next. */
  readonly emptyText: string;
}

export interface BindingsView {
  /** loading: no answer yet; shown: the parts (each shown or failed); refused: the "only admins" view. */
  readonly access: 'loading' | 'shown' | 'refused';
  /** What the "only admins" view says (null unless refused). */
  readonly refusal: RefusalView | null;
  /** getBindings answered with its parts, so it counted this caller as an admin. */
  readonly adminPerGetBindings: boolean;
  readonly printers: PartView<PrinterRow>;
  readonly accounts: PartView<AccountRow>;
  /** The carriers WeChat answered, for the picker (undefined when that part did not answer). */
  readonly carriers: readonly CarrierItem[] | undefined;
  /** Some part failed: offer 重新加载. */
  readonly canReload: boolean;
}

export const PRINTERS_EMPTY_TEXT = '还没有面单打印员：点下面的「绑定我自己」，或填写打印员的 openid 后点「绑定打印员」。';
export const ACCOUNTS_EMPTY_TEXT = '还没有绑定快递账号：在下面选择快递公司、填写客户编码后点「绑定快递账号」。';
export const UNDER_REVIEW_HINT = '快递公司审核需要一些时间（通常 1–3 个工作日）。每次打开这个页面都会刷新状态，也可以下拉刷新。';
export const RESUBMIT_HINT = '可以点「重新提交」，改好备注后再次提交审核。';

function partView<Row>(state: PartView<Row>['state'], rows: readonly Row[], message: string, emptyText: string): PartView<Row> {
  return { state, rows, message, emptyText };
}

export const LOADING_VIEW: BindingsView = {
  access: 'loading',
  refusal: null,
  adminPerGetBindings: false,
  printers: partView<PrinterRow>('loading', [], '', PRINTERS_EMPTY_TEXT),
  accounts: partView<AccountRow>('loading', [], '', ACCOUNTS_EMPTY_TEXT),
  carriers: undefined,
  canReload: false,
};

/** `oAbCdEf…WxYz`: enough for a person to tell printers apart. */
export function shortOpenid(openid: string): string {
  return openid.length <= 14 ? openid : `${openid.slice(0, 6)}…${openid.slice(-4)}`;
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
  return {
    key: JSON.stringify([account.deliveryId, account.bizId]),
    deliveryId: account.deliveryId,
    bizId: account.bizId,
    carrierName: carrierNameOf(account.deliveryId, carriers),
    alias: account.alias ?? '',
    status: account.status,
    badge: known?.badge ?? `未知状态 ${account.statusCode ?? '（无）'}`,
    badgeTone: known?.tone ?? 'warning',
    reason,
    hint: account.status === 'UNDER_REVIEW' ? UNDER_REVIEW_HINT : account.status === 'FAILED' ? RESUBMIT_HINT : '',
    canResubmit: account.status === 'FAILED',
    remarkContent: account.remarkContent ?? '',
  };
}

/** A part as the page got it: rows, or its own failure message; junk is a failure, never rows. */
function readPart<Row>(
  part: unknown,
  rowsOf: (shown: Record<string, unknown>) => Row[] | undefined,
  emptyText: string,
): PartView<Row> {
  if (typeof part === 'object' && part !== null) {
    const record = part as Record<string, unknown>;
    if (record.ok === true) {
      const rows = rowsOf(record);
      if (rows !== undefined) return partView('shown', rows, '', emptyText);
    } else if (record.ok === false && typeof record.message === 'string' && record.message !== '') {
      return partView<Row>('failed', [], record.message, emptyText);
    }
  }
  return partView<Row>('failed', [], '这部分的结果无法识别：请管理员确认云函数 getBindings 已更新为本项目的最新版本', emptyText);
}

/** The view for getBindings' envelope; `printerNames` are the names kept on this phone. */
export function bindingsViewFor(envelope: Envelope, printerNames: Readonly<Record<string, string>>): BindingsView {
  if (!envelope.ok && REFUSAL_CODES.includes(envelope.code)) {
    return { ...LOADING_VIEW, access: 'refused', refusal: refusalViewFor(envelope) };
  }
  const data = (typeof envelope.data === 'object' && envelope.data !== null ? envelope.data : undefined) as BindingsData | undefined;
  if (data === undefined) {
    // The call as a whole failed (no network, not deployed, …): both lists say so in place.
    return {
      access: 'shown',
      refusal: null,
      adminPerGetBindings: false,
      printers: partView<PrinterRow>('failed', [], envelope.message, PRINTERS_EMPTY_TEXT),
      accounts: partView<AccountRow>('failed', [], envelope.message, ACCOUNTS_EMPTY_TEXT),
      carriers: undefined,
      canReload: true,
    };
  }
  const me = typeof data.callerOpenid === 'string' ? data.callerOpenid : undefined;
  const carriersPart = data.carriers as { ok?: unknown; list?: unknown } | undefined;
  const carriers = carriersPart?.ok === true && Array.isArray(carriersPart.list) ? (carriersPart.list as CarrierItem[]) : undefined;
  const printers = readPart<PrinterRow>(
    data.printers,
    (shown) =>
      Array.isArray(shown.openids)
        ? (shown.openids as unknown[])
            .filter((openid): openid is string => typeof openid === 'string')
            .map((openid) => ({ openid, shortOpenid: shortOpenid(openid), isMe: openid === me, name: printerNames[openid] ?? '' }))
        : undefined,
    PRINTERS_EMPTY_TEXT,
  );
  const accounts = readPart<AccountRow>(
    data.accounts,
    (shown) => (Array.isArray(shown.list) ? (shown.list as BoundAccount[]).map((account) => accountRow(account, carriers)) : undefined),
    ACCOUNTS_EMPTY_TEXT,
  );
  return {
    access: 'shown',
    refusal: null,
    adminPerGetBindings: true,
    printers,
    accounts,
    carriers,
    canReload: printers.state === 'failed' || accounts.state === 'failed',
  };
}

/** The phone's storage key for the printers' names (only this admin, only this phone). */
export const PRINTER_NAMES_STORAGE_KEY = 'logistics.printerNames';

/** Names as read from storage: anything but a map of strings is ignored. */
export function readPrinterNames(stored: unknown): Record<string, string> {
  if (!isPlainObject(stored)) return {};
  return Object.fromEntries(Object.entries(stored).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''));
}
