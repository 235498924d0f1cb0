/**
 * The emulated WeChat server side of the logistics APIs (物流助手), as state and rules — not a
 * client of them (the page reaches them through the cloud functions: miniprogram/services/cloud-functions.ts), following the docs pages
 * (../../../../shared/docs/logistics.updatePrinter.md, logistics.bindAccount.md, logistics.read-apis.md).
 * Params arrive, and answers leave, as the HTTPS API has them: snake_case keys.
 *
 * What the docs leave open is decided here and listed in README.md ("Where it differs").
 */
import { CARRIERS } from '../../../miniprogram/shared/carriers';

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

/** WeChat's JSON answer: errcode, errmsg and, for a read, the answer's own fields. */
export interface WeChatAnswer {
  errcode: number;
  errmsg: string;
  [field: string]: unknown;
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
  INVALID_OPENID: 40003,
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
  [ErrCode.INVALID_OPENID]: 'invalid openid',
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

/**
 * getAllAccount's status_code: 0 绑定成功, 1 审核中, 2 绑定失败, 3 已解绑. Seeded records may hold any
 * value (also ones WeChat never listed, or not a number), so the type is open.
 */
export const AccountStatusCode = { BOUND: 0, UNDER_REVIEW: 1, FAILED: 2, UNBOUND: 3 } as const;

/** One account as getAllAccount lists it (camelCase here; snake_case on the wire). */
export interface AccountRecord extends AccountRef {
  statusCode: unknown;
  createTime: number;
  updateTime: number;
  alias: string;
  remarkWrongMsg: string;
  remarkContent: string;
  quotaNum: number;
  quotaUpdateTime: number;
  serviceType: Array<{ serviceType: number; serviceName: string }>;
}

export interface LogisticsState {
  /** Openids bound as waybill printers. */
  printers: Set<string>;
  /** Tag ids given with printer binds (getPrinter's tagid_list). */
  printerTags: Set<string>;
  /** Openids WeChat knows as users of the mini program: updatePrinter answers 40003 for others. */
  knownUsers: Set<string>;
  /** Accounts at carriers, by accountKey. */
  registry: Map<string, CarrierAccount>;
  /** Every account record getAllAccount lists, by accountKey, in the order they were first made. */
  accounts: Map<string, AccountRecord>;
  /** The clock for create_time / update_time (Unix seconds). */
  now(): number;
}

/** Delivery id and biz id may hold any character, so the key is JSON, not a join. */
export function accountKey(ref: AccountRef): string {
  return JSON.stringify([ref.deliveryId, ref.bizId]);
}

function refOf(account: AccountRef): AccountRef {
  return { deliveryId: account.deliveryId, bizId: account.bizId };
}

/** The service every local account offers (the names are WeChat's usual ones). */
const DEFAULT_SERVICE = [{ serviceType: 0, serviceName: '标准快递' }];

/** A record with the defaults of a fresh bind; any field may be given (seeding). */
export function accountRecord(fields: AccountRef & Partial<AccountRecord>, now: number): AccountRecord {
  return {
    statusCode: AccountStatusCode.BOUND,
    createTime: now,
    updateTime: now,
    alias: '',
    remarkWrongMsg: '',
    remarkContent: '',
    quotaNum: 0,
    quotaUpdateTime: now,
    serviceType: DEFAULT_SERVICE.map((service) => ({ ...service })),
    ...fields,
  };
}

export function createLogisticsState(seed: {
  carrierAccounts?: readonly CarrierAccount[];
  printers?: readonly string[];
  /** Accounts already bound (status 0). */
  boundAccounts?: readonly AccountRef[];
  /** Account records as they are, any status (see seedAccounts). */
  accounts?: ReadonlyArray<AccountRef & Partial<AccountRecord>>;
  /** Openids known as users (beside the printers and whoever invokes a function). */
  knownUsers?: readonly string[];
  now?: () => number;
} = {}): LogisticsState {
  const state: LogisticsState = {
    printers: new Set(seed.printers),
    printerTags: new Set(),
    knownUsers: new Set([...(seed.knownUsers ?? []), ...(seed.printers ?? [])]),
    registry: new Map(),
    accounts: new Map(),
    now: seed.now ?? (() => Math.floor(Date.now() / 1000)),
  };
  for (const account of seed.carrierAccounts ?? []) registerCarrierAccount(state, account);
  for (const ref of seed.boundAccounts ?? []) seedAccounts(state, [refOf(ref)]);
  seedAccounts(state, seed.accounts ?? []);
  return state;
}

/** Puts account records in as given (replacing one with the same ids): for every status and shape. */
export function seedAccounts(state: LogisticsState, records: ReadonlyArray<AccountRef & Partial<AccountRecord>>): void {
  for (const record of records) state.accounts.set(accountKey(record), accountRecord(record, state.now()));
}

/** Makes openids known as users of the mini program. */
export function addKnownUsers(state: LogisticsState, openids: Iterable<string>): void {
  for (const openid of openids) if (openid.length > 0) state.knownUsers.add(openid);
}

export function registerCarrierAccount(state: LogisticsState, account: CarrierAccount): void {
  state.registry.set(accountKey(account), { ...account });
}

function stringParam(params: Record<string, unknown>, key: string): string | undefined {
  const value = params[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * logistics.updatePrinter: a repeated bind or unbind answers 0, as WeChat does; an openid that is
 * not a user of the mini program answers 40003.
 */
export function updatePrinter(state: LogisticsState, params: Record<string, unknown>): WeChatAnswer {
  const openid = stringParam(params, 'openid');
  const updateType = params.update_type;
  if (updateType !== 'bind' && updateType !== 'unbind') return answer(ErrCode.INVALID_UPDATE_TYPE);
  if (openid === undefined) return answer(ErrCode.DATA_FORMAT_ERROR);
  if (!state.knownUsers.has(openid)) return answer(ErrCode.INVALID_OPENID);
  if (updateType === 'bind') {
    state.printers.add(openid);
    const tags = stringParam(params, 'tagid_list');
    for (const tag of tags?.split(',') ?? []) if (tag !== '') state.printerTags.add(tag);
  } else {
    state.printers.delete(openid);
  }
  return answer(ErrCode.OK);
}

function passwordAccepted(account: CarrierAccount, password: string | undefined): boolean {
  if (PASSWORDLESS_CARRIERS.has(account.deliveryId)) return true;
  return account.password !== undefined && password === account.password;
}

/**
 * logistics.bindAccount, with the account lifecycle getAllAccount shows: a bind makes a record
 * with status 0, an EMS bind one with status 1 until the reviewer decides (approveReview /
 * rejectReview); a bind of a failed (2) record resubmits it; an unbind removes the record, whatever
 * its status (WeChat's page does not say whether it lists unbound accounts as 3; only seeding does).
 */
export function bindAccount(state: LogisticsState, params: Record<string, unknown>): WeChatAnswer {
  const type = params.type;
  const deliveryId = stringParam(params, 'delivery_id');
  const bizId = stringParam(params, 'biz_id');
  if ((type !== 'bind' && type !== 'unbind') || deliveryId === undefined || bizId === undefined) {
    return answer(ErrCode.DATA_FORMAT_ERROR);
  }
  const ref: AccountRef = { deliveryId, bizId };
  const key = accountKey(ref);
  const existing = state.accounts.get(key);

  if (type === 'unbind') {
    if (existing === undefined) return answer(ErrCode.BIZ_ID_NOT_FOUND);
    state.accounts.delete(key);
    return answer(ErrCode.OK);
  }

  const account = state.registry.get(key);
  const password = typeof params.password === 'string' ? params.password : undefined;
  if (account === undefined || !passwordAccepted(account, password)) return answer(ErrCode.WRONG_ACCOUNT_OR_PASSWORD);
  if (existing?.statusCode === AccountStatusCode.BOUND) return answer(ErrCode.ALREADY_BOUND);
  if (existing?.statusCode === AccountStatusCode.UNDER_REVIEW) return answer(ErrCode.UNDER_REVIEW);
  const remarkContent = stringParam(params, 'remark_content');
  const reviewed = REVIEWING_CARRIERS.has(deliveryId);
  if (reviewed && remarkContent === undefined) return answer(ErrCode.DATA_FORMAT_ERROR);
  // A new bind, or a resubmission of a failed (or otherwise not bound) record: the record keeps its create_time.
  const now = state.now();
  state.accounts.set(
    key,
    accountRecord(
      {
        ...ref,
        ...(existing ? { createTime: existing.createTime } : {}),
        statusCode: reviewed ? AccountStatusCode.UNDER_REVIEW : AccountStatusCode.BOUND,
        remarkContent: remarkContent ?? '',
        remarkWrongMsg: '',
        quotaNum: reviewed ? 0 : 100,
      },
      now,
    ),
  );
  return answer(reviewed ? ErrCode.UNDER_REVIEW : ErrCode.OK);
}

function underReview(state: LogisticsState, ref: AccountRef): AccountRecord | undefined {
  const record = state.accounts.get(accountKey(ref));
  return record?.statusCode === AccountStatusCode.UNDER_REVIEW ? record : undefined;
}

/** The carrier's reviewer approves an account under review (→ 0); false when none was. */
export function approveReview(state: LogisticsState, ref: AccountRef): boolean {
  const record = underReview(state, ref);
  if (record === undefined) return false;
  Object.assign(record, { statusCode: AccountStatusCode.BOUND, remarkWrongMsg: '', quotaNum: 100, updateTime: state.now() });
  return true;
}

/** The reviewer rejects it (→ 2, the reason in remark_wrong_msg); false when none was under review. */
export function rejectReview(state: LogisticsState, ref: AccountRef, reason: string): boolean {
  const record = underReview(state, ref);
  if (record === undefined) return false;
  Object.assign(record, { statusCode: AccountStatusCode.FAILED, remarkWrongMsg: reason, updateTime: state.now() });
  return true;
}

/** logistics.getAllAccount: every record, in the order made. */
export function getAllAccount(state: LogisticsState): WeChatAnswer {
  const list = [...state.accounts.values()].map((record) => ({
    biz_id: record.bizId,
    delivery_id: record.deliveryId,
    create_time: record.createTime,
    update_time: record.updateTime,
    status_code: record.statusCode,
    alias: record.alias,
    remark_wrong_msg: record.remarkWrongMsg,
    remark_content: record.remarkContent,
    quota_num: record.quotaNum,
    quota_update_time: record.quotaUpdateTime,
    service_type: record.serviceType.map((service) => ({ service_type: service.serviceType, service_name: service.serviceName })),
  }));
  return { ...answer(ErrCode.OK), count: list.length, list };
}

/** logistics.getPrinter: the printers' openids, and the tag ids given (an array here). */
export function getPrinter(state: LogisticsState): WeChatAnswer {
  const openid = [...state.printers].sort();
  return { ...answer(ErrCode.OK), count: openid.length, openid, tagid_list: [...state.printerTags].sort() };
}

/**
 * What getAllDelivery adds to a carrier beyond its id and name (../miniprogram/shared/carriers.ts).
 * Made-up but shaped like WeChat's list: pay-on-account without a contract for SF, quota reports for
 * the franchise networks.
 */
const DELIVERY_DETAILS: Readonly<Record<string, { canUseCash?: number; cashBizId?: string; canGetQuota?: number; services?: string[] }>> = {
  SF: { canUseCash: 1, cashBizId: 'SF_CASH', services: ['顺丰标快', '顺丰特快'] },
  ZTO: { canGetQuota: 1 },
  YTO: { canGetQuota: 1 },
  STO: { canGetQuota: 1 },
  YUNDA: { canGetQuota: 1 },
  JTSD: { canGetQuota: 1 },
  BEST: { canGetQuota: 1 },
  EMS: { services: ['标准快递', '快递包裹'] },
};

/** logistics.getAllDelivery: the carriers the page knows, with their ids and names. */
export function getAllDelivery(): WeChatAnswer {
  const data = CARRIERS.map((carrier) => {
    const details = DELIVERY_DETAILS[carrier.deliveryId] ?? {};
    return {
      delivery_id: carrier.deliveryId,
      delivery_name: carrier.name,
      can_use_cash: details.canUseCash ?? 0,
      can_get_quota: details.canGetQuota ?? 0,
      service_type: (details.services ?? ['标准快递']).map((service_name, service_type) => ({ service_type, service_name })),
      cash_biz_id: details.cashBizId ?? '',
    };
  });
  return { ...answer(ErrCode.OK), count: data.length, data };
}

/** A copy of the state that is safe to print: no registry, so no password. */
export interface LogisticsSnapshot {
  printers: string[];
  /** Records with status 0. */
  boundAccounts: AccountRef[];
  /** Records with status 1 (EMS under review). */
  pendingAccounts: AccountRef[];
  /** Every record, as getAllAccount lists it (camelCase). */
  accounts: AccountRecord[];
  /** Openids WeChat knows as users of the mini program. */
  knownUsers: string[];
}

function byKey(a: AccountRef, b: AccountRef): number {
  return accountKey(a) < accountKey(b) ? -1 : accountKey(a) > accountKey(b) ? 1 : 0;
}

export function snapshot(state: LogisticsState): LogisticsSnapshot {
  const records = [...state.accounts.values()];
  const withStatus = (statusCode: number) => records.filter((record) => record.statusCode === statusCode).map(refOf).sort(byKey);
  return {
    printers: [...state.printers].sort(),
    boundAccounts: withStatus(AccountStatusCode.BOUND),
    pendingAccounts: withStatus(AccountStatusCode.UNDER_REVIEW),
    accounts: records.map((record) => ({ ...record, serviceType: record.serviceType.map((service) => ({ ...service })) })),
    knownUsers: [...state.knownUsers].sort(),
  };
}

/** The openapi this local cloud implements, by apiName. */
export const IMPLEMENTED_APIS: Readonly<Record<string, (state: LogisticsState, params: Record<string, unknown>) => WeChatAnswer>> = {
  'logistics.updatePrinter': updatePrinter,
  'logistics.bindAccount': bindAccount,
  'logistics.getAllAccount': getAllAccount,
  'logistics.getPrinter': getPrinter,
  'logistics.getAllDelivery': () => getAllDelivery(),
};
