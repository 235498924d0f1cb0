/**
 * What `getBindings` answers: the types the cloud function builds and the page reads, and the one
 * mapping from WeChat's account `statusCode` to a status name (its event is in function-events.ts).
 * Shared by both sides, so it is plain TypeScript: no `wx`, no Node, no imports but the other shared files'.
 */

import type { InviteStatus, PrinterVia } from './printer-invites';

/** The parts an event may ask for, in the order they are always answered. */
export const BINDINGS_PARTS = ['accounts', 'printers', 'carriers', 'invites', 'history'] as const;
export type BindingsPart = (typeof BINDINGS_PARTS)[number];

/** WeChat's three parts: what an event without `parts` reads (today's callers see no change). */
export const WECHAT_PARTS = ['accounts', 'printers', 'carriers'] as const satisfies readonly BindingsPart[];
/** A part read from WeChat (one openapi read each); the other two are read from the database. */
export type WeChatPart = (typeof WECHAT_PARTS)[number];

/**
 * An account's status, from `statusCode` (getAllAccount; the values are listed on older versions
 * of WeChat's page): 0 绑定成功, 1 审核中, 2 绑定失败, 3 已解绑. Anything else — another number,
 * a missing or non-numeric value — is UNKNOWN, with the raw value kept in `statusCode`.
 */
export type AccountStatus = 'BOUND' | 'UNDER_REVIEW' | 'FAILED' | 'UNBOUND' | 'UNKNOWN';

const STATUS_BY_CODE: Readonly<Record<number, AccountStatus>> = { 0: 'BOUND', 1: 'UNDER_REVIEW', 2: 'FAILED', 3: 'UNBOUND' };

export function accountStatusOf(statusCode: unknown): AccountStatus {
  return typeof statusCode === 'number' ? (STATUS_BY_CODE[statusCode] ?? 'UNKNOWN') : 'UNKNOWN';
}

/** One service of an account or a carrier. A field of the wrong type is left out. */
export interface ServiceTypeItem {
  serviceType?: number;
  serviceName?: string;
}

/**
 * One bound courier account: the documented fields of getAllAccount, camelCase as the SDK gives
 * them, nothing else. `bizId` and `deliveryId` are always non-empty; any other field whose value
 * has the wrong type is left out (never passed on as junk). `statusCode` is kept as answered when
 * it is a number or a string, so an UNKNOWN status can still show what WeChat said.
 */
export interface BoundAccount {
  bizId: string;
  deliveryId: string;
  createTime?: number;
  updateTime?: number;
  statusCode?: number | string;
  alias?: string;
  /** Why a bind failed (the EMS review result). */
  remarkWrongMsg?: string;
  remarkContent?: string;
  quotaNum?: number;
  quotaUpdateTime?: number;
  serviceType: ServiceTypeItem[];
  status: AccountStatus;
}

/** One carrier of getAllDelivery (cash_biz_id is not passed on). */
export interface CarrierItem {
  deliveryId: string;
  deliveryName?: string;
  canUseCash?: number;
  canGetQuota?: number;
  serviceType: ServiceTypeItem[];
}

/** A part that did not answer: that part's own full failure envelope. */
export interface PartFailure {
  ok: false;
  errCode: number;
  errMsg: string;
  code: string;
  message: string;
  retryable: boolean;
}

/**
 * A part whose list was longer than the function lists (500 items, README): only the first ones
 * are in it, `total` says how many WeChat answered (printers: how many openids). Absent when
 * nothing was cut.
 */
export interface ListCut {
  truncated?: true;
  total?: number;
}

/**
 * One printer as the roster names them, in the order of `openids`. Only `openid` is sure: a
 * printer bound elsewhere (or whose roster entry could not be read) has nothing else.
 */
export interface PrinterPerson {
  openid: string;
  name?: string;
  /** Who bound them: an admin's OPENID, or the printer's own. */
  addedBy?: string;
  /** ms since the epoch. */
  addedAt?: number;
  via?: PrinterVia;
  /** The invite they accepted, when `via` is 'invite'. */
  inviteId?: string;
}

/** One invite as getBindings lists it (never its token). Times are ms since the epoch. */
export interface InviteItem {
  inviteId: string;
  name?: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  maxUses: number;
  /** Who accepted it, when. */
  uses: Array<{ openid: string; at: number }>;
  status: InviteStatus;
}

/** What the history records: the write events that passed authorisation and validation. */
export type HistoryAction = 'printer.bind' | 'printer.unbind' | 'account.bind' | 'account.unbind' | 'invite' | 'accept' | 'revoke' | 'rename';

/** One history entry: who did what to whom, and the outcome's code. */
export interface HistoryEntry {
  /** ms since the epoch. */
  at: number;
  /** The caller's OPENID; absent for a trusted server caller without one. */
  actor?: string;
  action: HistoryAction;
  /** A printer's openid, an account's ids, or an invite's id. */
  target: { openid: string } | { deliveryId: string; bizId: string } | { inviteId: string };
  code: string;
  ok: boolean;
}

export type AccountsPart = ({ ok: true; list: BoundAccount[] } & ListCut) | PartFailure;
/**
 * `people` names each of `openids`, in their order; `roster` is the roster read's own outcome
 * (`{ ok: true }`, or its failure envelope: then `people` holds the openids only). A roster that
 * cannot be read never fails the part.
 */
export type PrintersPart =
  | ({ ok: true; openids: string[]; tagidList: string[]; people: PrinterPerson[]; roster: { ok: true } | PartFailure } & ListCut)
  | PartFailure;
export type CarriersPart = ({ ok: true; list: CarrierItem[] } & ListCut) | PartFailure;
/** The open invites and those closed in the last 7 days, newest first, capped like every list. */
export type InvitesPart = { ok: true; list: InviteItem[]; total: number; truncated: boolean } | PartFailure;
/** The latest HISTORY_LIMIT entries, newest first. */
export type HistoryPart = { ok: true; list: HistoryEntry[] } | PartFailure;

/** How many history entries getBindings lists. */
export const HISTORY_LIMIT = 50;
/** How long a closed invite stays in the invites part. */
export const CLOSED_INVITES_SHOWN_MS = 7 * 24 * 3_600_000;

/**
 * The envelope's `data`: each requested part, and the caller's own OPENID (so the page can mark
 * "me"; absent for a server-side caller without one). A refusal carries no parts (NOT_ADMIN and
 * ADMINS_NOT_CONFIGURED carry only RefusedCallerData, in function-events.ts).
 */
export interface BindingsData {
  accounts?: AccountsPart;
  printers?: PrintersPart;
  carriers?: CarriersPart;
  invites?: InvitesPart;
  history?: HistoryPart;
  callerOpenid?: string;
}
