/**
 * Event validation for every function, before any openapi call. The rules themselves (limits,
 * patterns, messages) are stated once in miniprogram/shared/field-rules.ts, which the page uses
 * too; this module turns a broken rule into the INVALID_PARAM / INVALID_EVENT envelope and builds
 * the SDK params.
 *
 * Only the documented params leave this module (`userInfo`, which older WeChat clients add to
 * every callFunction event, is dropped). We do not judge what only WeChat can (whether a carrier
 * needs a password, or its format): those go through and WeChat's answer is mapped.
 */
import { BINDINGS_PARTS, type BindingsPart } from '../miniprogram/shared/bindings';
import {
  BIND_ACCOUNT_FIELDS,
  checkFields,
  hasOwn,
  isPlainObject,
  PLATFORM_FIELDS,
  shownFieldName,
  UPDATE_PRINTER_FIELDS,
  type FieldSpec,
} from '../miniprogram/shared/field-rules';
import { refusalEnvelope, type Envelope } from './envelope';

/** Params exactly as wx-server-sdk's cloud.openapi.logistics.updatePrinter takes them. */
export interface UpdatePrinterParams {
  openid: string;
  updateType: 'bind' | 'unbind';
  tagidList?: string;
}

/** Params exactly as wx-server-sdk's cloud.openapi.logistics.bindAccount takes them. */
export interface BindAccountParams {
  type: 'bind' | 'unbind';
  bizId: string;
  deliveryId: string;
  password?: string;
  remarkContent?: string;
}

/**
 * A checked event's params; `auditTarget` adds what the check learnt that the audit line should
 * carry beside the params' own target (an accepted invite's id).
 */
export type Validated<Params> =
  | { ok: true; params: Params; auditTarget?: Record<string, string> }
  | { ok: false; envelope: Envelope<never> };

/**
 * The INVALID_PARAM refusal every function gives: `field` names the field (a made-up name only
 * through shownFieldName), `en` and `zh` say the rule broken, never a value the caller sent.
 */
export function invalidParam(fn: string, field: string, en: string, zh: string): { ok: false; envelope: Envelope<never> } {
  return { ok: false, envelope: refusalEnvelope('INVALID_PARAM', `${fn}:fail invalid param ${field}: ${en}`, { message: `参数错误：${zh}`, field }) };
}

function validate(fn: string, specs: Readonly<Record<string, FieldSpec>>, event: unknown): Validated<Readonly<Record<string, string>>> {
  const checked = checkFields(event, specs);
  if (checked.ok) return { ok: true, params: checked.fields };
  if (checked.notAnObject) return { ok: false, envelope: refusalEnvelope('INVALID_EVENT', `${fn}:fail event must be an object`) };
  const { field, zh, en } = checked.problem;
  return invalidParam(fn, field, en, zh);
}

/**
 * `openid` may be left out to mean the caller themself (a small shop's admin who also prints);
 * `callerOpenid` is that caller's checked OPENID, if there is one.
 */
export function validateUpdatePrinterEvent(event: unknown, callerOpenid?: string): Validated<UpdatePrinterParams> {
  const checked = validate('updatePrinter', UPDATE_PRINTER_FIELDS, event);
  if (!checked.ok) return checked;
  const { openid, updateType, tagidList } = checked.params;
  const target = openid ?? callerOpenid;
  if (target === undefined) return invalidParam('updatePrinter', 'openid', 'is required when the caller has no OPENID', '服务端调用时必须填写打印员的 openid');
  return {
    ok: true,
    params: { openid: target, updateType: updateType as UpdatePrinterParams['updateType'], ...(tagidList === undefined ? {} : { tagidList }) },
  };
}

export function validateBindAccountEvent(event: unknown): Validated<BindAccountParams> {
  const checked = validate('bindAccount', BIND_ACCOUNT_FIELDS, event);
  if (!checked.ok) return checked;
  const { type, bizId, deliveryId, password, remarkContent } = checked.params;
  return {
    ok: true,
    params: {
      type: type as BindAccountParams['type'],
      bizId: bizId!,
      deliveryId: deliveryId!,
      ...(password === undefined ? {} : { password }),
      ...(remarkContent === undefined ? {} : { remarkContent }),
    },
  };
}

/** getBindings' checked event: the parts to read, in their fixed order. */
export type PartsValidated = { ok: true; parts: BindingsPart[] } | { ok: false; envelope: Envelope<never> };

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
    return invalidParam('getBindings', shown, 'is not a known field', `不支持的参数 ${shown}`);
  }
  const parts: unknown = hasOwn(event, 'parts') ? event.parts : undefined;
  if (parts === undefined) return { ok: true, parts: [...BINDINGS_PARTS] };
  const allowed = `accounts、printers、carriers`;
  if (!Array.isArray(parts) || parts.length === 0) {
    return invalidParam('getBindings', 'parts', 'must be a non-empty array of "accounts", "printers", "carriers"', `parts 应为非空列表，只能包含 ${allowed}`);
  }
  if (!parts.every((part): part is BindingsPart => typeof part === 'string' && (BINDINGS_PARTS as readonly string[]).includes(part))) {
    return invalidParam('getBindings', 'parts', 'may only hold "accounts", "printers", "carriers"', `parts 只能包含 ${allowed}`);
  }
  if (new Set(parts).size !== parts.length) return invalidParam('getBindings', 'parts', 'must not repeat a part', 'parts 不能有重复项');
  return { ok: true, parts: BINDINGS_PARTS.filter((part) => parts.includes(part)) };
}
