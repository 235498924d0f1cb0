/**
 * What `getBindings` answers: the types the cloud function builds and the page reads, and the one
 * mapping from WeChat's account `statusCode` to a status name (its event is in function-events.ts).
 * Shared by both sides, so it is plain TypeScript: no `wx`, no Node, no imports.
 */

/** The parts an event may ask for, in the order they are always answered. */
export const BINDINGS_PARTS = ['accounts', 'printers', 'carriers'] as const;
export type BindingsPart = (typeof BINDINGS_PARTS)[number];

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

export type AccountsPart = ({ ok: true; list: BoundAccount[] } & ListCut) | PartFailure;
export type PrintersPart = ({ ok: true; openids: string[]; tagidList: string[] } & ListCut) | PartFailure;
export type CarriersPart = ({ ok: true; list: CarrierItem[] } & ListCut) | PartFailure;

/**
 * The envelope's `data`: each requested part, and the caller's own OPENID (so the page can mark
 * "me"; absent for a server-side caller without one). A refusal carries no parts (NOT_ADMIN and
 * ADMINS_NOT_CONFIGURED carry only RefusedCallerData, in function-events.ts).
 */
export interface BindingsData {
  accounts?: AccountsPart;
  printers?: PrintersPart;
  carriers?: CarriersPart;
  callerOpenid?: string;
}
