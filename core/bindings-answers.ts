/**
 * getBindings' answers: the normalisation of the three reads (the event check is with the other
 * event checks, in core/validation.ts).
 *
 * The SDK hands back WeChat's answer with its keys turned camelCase, plus errCode/errMsg. We pass on
 * an allow-list of the documented fields only (nested items included), so a field WeChat adds
 * later never reaches the page unseen, and a field of the wrong type is left out rather than passed
 * on. An answer of the wrong shape — a list that is not an array, an item that is not an object or
 * lacks its ids — is MALFORMED_ANSWER for that part: never a throw, never junk for the page.
 */
import {
  accountStatusOf,
  type WeChatPart,
  type BoundAccount,
  type CarrierItem,
  type ServiceTypeItem,
} from '../miniprogram/shared/bindings';
import { isPlainObject } from '../miniprogram/shared/field-rules';
import { MalformedAnswer } from './call-engine';

/**
 * The most items a part lists (each list of a part: accounts, printers' openids and tagidList,
 * carriers). A longer list is cut here, before it is normalised, and the part says so with
 * `truncated: true` and the answer's `total`: the platform refuses a result over 1 MB (about 3,700
 * full account records), and normalising a list of 20,000 would run past the time budget.
 */
export const LIST_CAP = 500;

/** `{ truncated: true, total }` when a list (`total` long) or another of the part's lists was cut. */
function cutOf(total: number, ...others: number[]): { truncated?: true; total?: number } {
  return [total, ...others].some((length) => length > LIST_CAP) ? { truncated: true, total } : {};
}

type Json = Record<string, unknown>;

/** The list under `key`: absent (or null) is [], anything but an array is malformed. */
function listAt(answer: Json, key: string, where: string): unknown[] {
  const value = answer[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new MalformedAnswer(`${where}${key} is not an array`);
  return value;
}

/** The first LIST_CAP items of the list under `key` (the rest is never read). */
function cappedListAt(answer: Json, key: string): unknown[] {
  const list = listAt(answer, key, '');
  return list.length > LIST_CAP ? list.slice(0, LIST_CAP) : list;
}

/** How long the list under `key` is, as answered (0 when absent or not a list). */
function lengthAt(answer: unknown, key: string): number {
  const value = isPlainObject(answer) ? answer[key] : undefined;
  return Array.isArray(value) ? value.length : 0;
}

function objectItem(item: unknown, where: string): Json {
  if (!isPlainObject(item)) throw new MalformedAnswer(`${where} is not an object`);
  return item;
}

function requiredId(item: Json, key: string, where: string): string {
  const value = item[key];
  if (typeof value !== 'string' || value.length === 0) throw new MalformedAnswer(`${where}.${key} is missing or not a non-empty string`);
  return value;
}

/** Copies the keys of `kinds` whose values have that type; leaves out the rest. */
function typedFields<T>(item: Json, kinds: Readonly<Record<string, 'string' | 'number'>>): Partial<T> {
  const out: Json = {};
  for (const [key, kind] of Object.entries(kinds)) {
    const value = item[key];
    if (typeof value === kind && (kind !== 'number' || Number.isFinite(value))) out[key] = value;
  }
  return out as Partial<T>;
}

function serviceTypes(item: Json, where: string): ServiceTypeItem[] {
  return listAt(item, 'serviceType', `${where}.`).map((service, index) =>
    typedFields<ServiceTypeItem>(objectItem(service, `${where}.serviceType[${index}]`), { serviceType: 'number', serviceName: 'string' }),
  );
}

const ACCOUNT_FIELDS = {
  createTime: 'number',
  updateTime: 'number',
  alias: 'string',
  remarkWrongMsg: 'string',
  remarkContent: 'string',
  quotaNum: 'number',
  quotaUpdateTime: 'number',
} as const;

/** logistics.getAllAccount, as the SDK resolves it: `{ count, list: [...] }`; at most LIST_CAP. */
export function normaliseAccounts(answer: unknown): BoundAccount[] {
  if (!isPlainObject(answer)) throw new MalformedAnswer('answer is not an object');
  return cappedListAt(answer, 'list').map((raw, index) => {
    const where = `list[${index}]`;
    const item = objectItem(raw, where);
    const statusCode = item.statusCode;
    return {
      bizId: requiredId(item, 'bizId', where),
      deliveryId: requiredId(item, 'deliveryId', where),
      ...typedFields<BoundAccount>(item, ACCOUNT_FIELDS),
      ...(typeof statusCode === 'number' || typeof statusCode === 'string' ? { statusCode } : {}),
      serviceType: serviceTypes(item, where),
      status: accountStatusOf(statusCode),
    };
  });
}

function stringList(answer: Json, key: string): string[] {
  return cappedListAt(answer, key).map((value, index) => {
    if (typeof value !== 'string' || value.length === 0) throw new MalformedAnswer(`${key}[${index}] is not a non-empty string`);
    return value;
  });
}

/** logistics.getPrinter: `{ count, openid: string[], tagidList: string[] }`; each at most LIST_CAP. */
export function normalisePrinters(answer: unknown): { openids: string[]; tagidList: string[] } {
  if (!isPlainObject(answer)) throw new MalformedAnswer('answer is not an object');
  return { openids: stringList(answer, 'openid'), tagidList: stringList(answer, 'tagidList') };
}

/** logistics.getAllDelivery: `{ count, data: [...] }`; at most LIST_CAP. */
export function normaliseCarriers(answer: unknown): CarrierItem[] {
  if (!isPlainObject(answer)) throw new MalformedAnswer('answer is not an object');
  return cappedListAt(answer, 'data').map((raw, index) => {
    const where = `data[${index}]`;
    const item = objectItem(raw, where);
    return {
      deliveryId: requiredId(item, 'deliveryId', where),
      ...typedFields<CarrierItem>(item, { deliveryName: 'string', canUseCash: 'number', canGetQuota: 'number' }),
      serviceType: serviceTypes(item, where),
    };
  });
}

/** The openapi method behind each part (also what config.json must declare). */
export const PART_APIS: Readonly<Record<WeChatPart, 'getAllAccount' | 'getPrinter' | 'getAllDelivery'>> = {
  accounts: 'getAllAccount',
  printers: 'getPrinter',
  carriers: 'getAllDelivery',
};

/** A part's fields on success (without `ok`), a cut list marked; or a MalformedAnswer thrown. */
export function normalisePart(part: WeChatPart, answer: unknown): Json {
  switch (part) {
    case 'accounts':
      return { list: normaliseAccounts(answer), ...cutOf(lengthAt(answer, 'list')) };
    case 'printers':
      return { ...normalisePrinters(answer), ...cutOf(lengthAt(answer, 'openid'), lengthAt(answer, 'tagidList')) };
    case 'carriers':
      return { list: normaliseCarriers(answer), ...cutOf(lengthAt(answer, 'data')) };
  }
}
