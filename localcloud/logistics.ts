/**
 * The WeChat side of the two logistics APIs, as state and rules, following the docs pages
 * (../shared/docs/logistics.updatePrinter.md, logistics.bindAccount.md). Params arrive as the
 * HTTPS API takes them: snake_case keys.
 *
 * What the docs leave open is decided here and listed in README.md ("Where it differs").
 */

/** An account that exists at a carrier: what a bind is checked against. */
export interface CarrierAccount {
  deliveryId: string;
  bizId: string;
  /** Needed by carriers other than EMS, SF and JD. */
  password?: string;
}

export interface AccountRef {
  deliveryId: string;
  bizId: string;
}

export interface WeChatAnswer {
  errcode: number;
  errmsg: string;
}

/**
 * Carriers whose bind needs no password (bindAccount docs: "ems,顺丰,京东非必填"). The docs name
 * carriers, not ids: 京东 is listed both as JD and as JDL (京东物流), so both are accepted.
 */
export const PASSWORDLESS_CARRIERS: ReadonlySet<string> = new Set(['EMS', 'SF', 'JD', 'JDL']);
/** EMS reviews every bind: it needs remark_content and answers "submitted, under review". */
export const REVIEWING_CARRIERS: ReadonlySet<string> = new Set(['EMS']);

export const ErrCode = {
  OK: 0,
  SYSTEM_ERROR: -1,
  DATA_FORMAT_ERROR: 47001,
  INVALID_UPDATE_TYPE: 9300517,
  ALREADY_BOUND: 9300529,
  BIZ_ID_NOT_FOUND: 9300530,
  WRONG_ACCOUNT_OR_PASSWORD: 9300531,
  UNDER_REVIEW: 9300532,
} as const;

const ERRMSG: Record<number, string> = {
  [ErrCode.OK]: 'ok',
  [ErrCode.SYSTEM_ERROR]: 'system error',
  [ErrCode.DATA_FORMAT_ERROR]: 'data format error',
  [ErrCode.INVALID_UPDATE_TYPE]: 'invalid update_type',
  [ErrCode.ALREADY_BOUND]: 'account already bound',
  [ErrCode.BIZ_ID_NOT_FOUND]: 'biz_id not exist',
  [ErrCode.WRONG_ACCOUNT_OR_PASSWORD]: 'account or password error',
  [ErrCode.UNDER_REVIEW]: 'bind submitted, under review',
};

export function answer(errcode: number, errmsg = ERRMSG[errcode] ?? `errcode ${errcode}`): WeChatAnswer {
  return { errcode, errmsg };
}

export interface LogisticsState {
  /** Openids bound as waybill printers. */
  printers: Set<string>;
  /** Accounts at carriers, by accountKey. */
  registry: Map<string, CarrierAccount>;
  bound: Map<string, AccountRef>;
  /** EMS binds submitted and not yet approved. */
  pending: Map<string, AccountRef>;
}

/** Delivery id and biz id may hold any character, so the key is JSON, not a join. */
export function accountKey(ref: AccountRef): string {
  return JSON.stringify([ref.deliveryId, ref.bizId]);
}

function refOf(account: AccountRef): AccountRef {
  return { deliveryId: account.deliveryId, bizId: account.bizId };
}

export function createLogisticsState(seed: {
  carrierAccounts?: readonly CarrierAccount[];
  printers?: readonly string[];
  boundAccounts?: readonly AccountRef[];
} = {}): LogisticsState {
  const state: LogisticsState = { printers: new Set(seed.printers), registry: new Map(), bound: new Map(), pending: new Map() };
  for (const account of seed.carrierAccounts ?? []) registerCarrierAccount(state, account);
  for (const ref of seed.boundAccounts ?? []) state.bound.set(accountKey(ref), refOf(ref));
  return state;
}

export function registerCarrierAccount(state: LogisticsState, account: CarrierAccount): void {
  state.registry.set(accountKey(account), { ...account });
}

function stringParam(params: Record<string, unknown>, key: string): string | undefined {
  const value = params[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** logistics.updatePrinter: a repeated bind or unbind answers 0, as WeChat does. */
export function updatePrinter(state: LogisticsState, params: Record<string, unknown>): WeChatAnswer {
  const openid = stringParam(params, 'openid');
  const updateType = params.update_type;
  if (updateType !== 'bind' && updateType !== 'unbind') return answer(ErrCode.INVALID_UPDATE_TYPE);
  if (openid === undefined) return answer(ErrCode.DATA_FORMAT_ERROR);
  if (updateType === 'bind') state.printers.add(openid);
  else state.printers.delete(openid);
  return answer(ErrCode.OK);
}

function passwordAccepted(account: CarrierAccount, password: string | undefined): boolean {
  if (PASSWORDLESS_CARRIERS.has(account.deliveryId)) return true;
  return account.password !== undefined && password === account.password;
}

/** logistics.bindAccount. */
export function bindAccount(state: LogisticsState, params: Record<string, unknown>): WeChatAnswer {
  const type = params.type;
  const deliveryId = stringParam(params, 'delivery_id');
  const bizId = stringParam(params, 'biz_id');
  if ((type !== 'bind' && type !== 'unbind') || deliveryId === undefined || bizId === undefined) {
    return answer(ErrCode.DATA_FORMAT_ERROR);
  }
  const ref: AccountRef = { deliveryId, bizId };
  const key = accountKey(ref);

  if (type === 'unbind') {
    if (!state.bound.delete(key) && !state.pending.delete(key)) return answer(ErrCode.BIZ_ID_NOT_FOUND);
    return answer(ErrCode.OK);
  }

  const account = state.registry.get(key);
  const password = typeof params.password === 'string' ? params.password : undefined;
  if (account === undefined || !passwordAccepted(account, password)) return answer(ErrCode.WRONG_ACCOUNT_OR_PASSWORD);
  if (state.bound.has(key)) return answer(ErrCode.ALREADY_BOUND);
  if (state.pending.has(key)) return answer(ErrCode.UNDER_REVIEW);
  if (REVIEWING_CARRIERS.has(deliveryId)) {
    if (stringParam(params, 'remark_content') === undefined) return answer(ErrCode.DATA_FORMAT_ERROR);
    state.pending.set(key, ref);
    return answer(ErrCode.UNDER_REVIEW);
  }
  state.bound.set(key, ref);
  return answer(ErrCode.OK);
}

/** The carrier approves a pending EMS bind; false when there was none. */
export function approvePending(state: LogisticsState, ref: AccountRef): boolean {
  const key = accountKey(ref);
  const pending = state.pending.get(key);
  if (pending === undefined) return false;
  state.pending.delete(key);
  state.bound.set(key, pending);
  return true;
}

/** A copy of the state that is safe to print: no registry, so no password. */
export interface LogisticsSnapshot {
  printers: string[];
  boundAccounts: AccountRef[];
  pendingAccounts: AccountRef[];
}

function byKey(a: AccountRef, b: AccountRef): number {
  return accountKey(a) < accountKey(b) ? -1 : accountKey(a) > accountKey(b) ? 1 : 0;
}

export function snapshot(state: LogisticsState): LogisticsSnapshot {
  return {
    printers: [...state.printers].sort(),
    boundAccounts: [...state.bound.values()].map(refOf).sort(byKey),
    pendingAccounts: [...state.pending.values()].map(refOf).sort(byKey),
  };
}

/** The openapi this local cloud implements, by apiName. */
export const IMPLEMENTED_APIS: Readonly<Record<string, (state: LogisticsState, params: Record<string, unknown>) => WeChatAnswer>> = {
  'logistics.updatePrinter': updatePrinter,
  'logistics.bindAccount': bindAccount,
};
