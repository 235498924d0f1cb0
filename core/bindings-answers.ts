/**
 * getBindings' pure pieces: the event check and the normalisation of the three read answers.
 *
 * The SDK hands back WeChat's answer with its keys turned camelCase, plus errCode/errMsg. We pass on
 * an allow-list of the documented fields only (nested items included), so a field WeChat adds
 * later never reaches the page unseen, and a field of the wrong type is left out rather than passed
 * on. An answer of the wrong shape — a list that is not an array, an item that is not an object or
 * lacks its ids — is MALFORMED_ANSWER for that part: never a throw, never junk for the page.
 */
import {
  accountStatusOf,
  BINDINGS_PARTS,
  type BindingsPart,
  type BoundAccount,
  type CarrierItem,
  type ServiceTypeItem,
} from '../miniprogram/shared/bindings';
import { hasOwn, isPlainObject, PLATFORM_FIELDS, shownFieldName } from '../miniprogram/shared/field-rules';
import { refusalEnvelope, type Envelope } from './envelope';
import { invalidParam as refusal } from './validation';

export type PartsValidated = { ok: true; parts: BindingsPart[] } | { ok: false; envelope: Envelope<never> };

function invalidParam(field: string, en: string, zh: string): PartsValidated {
  return refusal('getBindings', field, en, zh);
}

/**
 * `{ parts? }`. Absent means all three; otherwise a non-empty array of known parts without repeats.
 * The answer is always in the order accounts, printers, carriers, whatever order was asked.
 * Messages name the field and the rule, never a value the caller sent.
 */
export function validateGetBindingsEvent(event: unknown): PartsValidated {
  if (!isPlainObject(event)) {
    return { ok: false, envelope: refusalEnvelope('INVALID_EVENT', 'getBindings:fail event must be an object') };
  }
  for (const key of Object.keys(event)) {
    if (key === 'parts' || PLATFORM_FIELDS.includes(key)) continue;
    const shown = shownFieldName(key);
    return invalidParam(shown, 'is not a known field', `不支持的参数 ${shown}`);
  }
  const parts: unknown = hasOwn(event, 'parts') ? event.parts : undefined;
  if (parts === undefined) return { ok: true, parts: [...BINDINGS_PARTS] };
  const allowed = `accounts、printers、carriers`;
  if (!Array.isArray(parts) || parts.length === 0) {
    return invalidParam('parts', 'must be a non-empty array of "accounts", "printers", "carriers"', `parts 应为非空列表，只能包含 ${allowed}`);
  }
  if (!parts.every((part): part is BindingsPart => typeof part === 'string' && (BINDINGS_PARTS as readonly string[]).includes(part))) {
    return invalidParam('parts', 'may only hold "accounts", "printers", "carriers"', `parts 只能包含 ${allowed}`);
  }
  if (new Set(parts).size !== parts.length) return invalidParam('parts', 'must not repeat a part', 'parts 不能有重复项');
  return { ok: true, parts: BINDINGS_PARTS.filter((part) => parts.includes(part)) };
}

/** Why an answer was refused: for errMsg (technical), never a value from the answer. */
export class MalformedAnswer {
  constructor(readonly reason: string) {}
}

type Json = Record<string, unknown>;

/** The list under `key`: absent (or null) is [], anything but an array is malformed. */
function listAt(answer: Json, key: string, where: string): unknown[] {
  const value = answer[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new MalformedAnswer(`${where}${key} is not an array`);
  return value;
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

/** logistics.getAllAccount, as the SDK resolves it: `{ count, list: [...] }`. */
export function normaliseAccounts(answer: unknown): BoundAccount[] {
  if (!isPlainObject(answer)) throw new MalformedAnswer('answer is not an object');
  return listAt(answer, 'list', '').map((raw, index) => {
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
  return listAt(answer, key, '').map((value, index) => {
    if (typeof value !== 'string' || value.length === 0) throw new MalformedAnswer(`${key}[${index}] is not a non-empty string`);
    return value;
  });
}

/** logistics.getPrinter: `{ count, openid: string[], tagidList: string[] }`. */
export function normalisePrinters(answer: unknown): { openids: string[]; tagidList: string[] } {
  if (!isPlainObject(answer)) throw new MalformedAnswer('answer is not an object');
  return { openids: stringList(answer, 'openid'), tagidList: stringList(answer, 'tagidList') };
}

/** logistics.getAllDelivery: `{ count, data: [...] }`. */
export function normaliseCarriers(answer: unknown): CarrierItem[] {
  if (!isPlainObject(answer)) throw new MalformedAnswer('answer is not an object');
  return listAt(answer, 'data', '').map((raw, index) => {
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
export const PART_APIS: Readonly<Record<BindingsPart, 'getAllAccount' | 'getPrinter' | 'getAllDelivery'>> = {
  accounts: 'getAllAccount',
  printers: 'getPrinter',
  carriers: 'getAllDelivery',
};

/** A part's fields on success (without `ok`), or a MalformedAnswer thrown. */
export function normalisePart(part: BindingsPart, answer: unknown): Json {
  switch (part) {
    case 'accounts':
      return { list: normaliseAccounts(answer) };
    case 'printers':
      return normalisePrinters(answer);
    case 'carriers':
      return { list: normaliseCarriers(answer) };
  }
}
