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
import { BINDINGS_PARTS, WECHAT_PARTS, type BindingsPart } from '../miniprogram/shared/bindings';
import {
  BIND_ACCOUNT_FIELDS,
  checkFields,
  fieldLabel,
  hasOwn,
  isPlainObject,
  OPTIONAL_NAME_FIELD,
  PLATFORM_FIELDS,
  RENAME_PRINTER_FIELDS,
  REVOKE_INVITE_FIELDS,
  shownFieldName,
  UPDATE_PRINTER_FIELDS,
  type FieldSpec,
} from '../miniprogram/shared/field-rules';
import { INVITE_MAX_USES, INVITE_TOKEN_PATTERN, INVITE_TTL_HOURS } from '../miniprogram/shared/printer-invites';
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

// --- Invites and the roster (updatePrinter) --------------------------------------------------

const FN_PRINTER = 'updatePrinter';

/** The event's own fields other than the ones WeChat adds, and other than `known`. */
function otherFields(event: Record<string, unknown>, known: readonly string[]): string[] {
  return Object.keys(event).filter((key) => !PLATFORM_FIELDS.includes(key) && !known.includes(key));
}

type Checked<T> = { ok: true; value: T } | { ok: false; envelope: Envelope<never> };

/** A whole number in `range`, or its default when absent. */
function checkWholeNumber(field: 'ttlHours' | 'maxUses', value: unknown, range: { min: number; max: number; default: number }, unit: { en: string; zh: string }): Checked<number> {
  if (value === undefined) return { ok: true, value: range.default };
  if (typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max) return { ok: true, value };
  const span = `${range.min}–${range.max}`;
  return invalidParam(FN_PRINTER, field, `must be a whole number${unit.en} from ${span}`, `${fieldLabel(field)}应为 ${span} 之间的整数${unit.zh}`);
}

/** An optional `name`, trimmed (the shared name rule). */
function checkName(event: Record<string, unknown>): Checked<string | undefined> {
  const checked = checkFields(hasOwn(event, 'name') ? { name: event.name } : {}, { name: OPTIONAL_NAME_FIELD });
  if (checked.ok) return { ok: true, value: checked.fields.name };
  const { field, en, zh } = checked.problem;
  return invalidParam(FN_PRINTER, field, en, zh);
}

function unknownField(extra: string, en: string, zh: (shown: string) => string): { ok: false; envelope: Envelope<never> } {
  const shown = shownFieldName(extra);
  return invalidParam(FN_PRINTER, shown, en, zh(shown));
}

export interface MintInviteParams {
  name?: string;
  ttlHours: number;
  maxUses: number;
}

/** `{ updateType: "invite", name?, ttlHours?, maxUses? }` (routed here only as an object). */
export function validateMintInviteEvent(event: Record<string, unknown>): Validated<MintInviteParams> {
  const extra = otherFields(event, ['updateType', 'name', 'ttlHours', 'maxUses'])[0];
  if (extra !== undefined) return unknownField(extra, 'is not a field of an invite (an invite binds whoever accepts it)', (shown) => `生成邀请时不支持参数 ${shown}`);
  const name = checkName(event);
  if (!name.ok) return name;
  const ttlHours = checkWholeNumber('ttlHours', event.ttlHours, INVITE_TTL_HOURS, { en: ' of hours', zh: '（小时）' });
  if (!ttlHours.ok) return ttlHours;
  const maxUses = checkWholeNumber('maxUses', event.maxUses, INVITE_MAX_USES, { en: '', zh: '' });
  if (!maxUses.ok) return maxUses;
  return { ok: true, params: { ...(name.value === undefined ? {} : { name: name.value }), ttlHours: ttlHours.value, maxUses: maxUses.value } };
}

/** An invite token: a string of the token alphabet and length, else INVITE_INVALID (nothing is read). */
function checkToken(event: Record<string, unknown>): Checked<string> {
  if (typeof event.invite !== 'string') return invalidParam(FN_PRINTER, 'invite', 'must be a string', `${fieldLabel('invite')}必须是文字`);
  if (!INVITE_TOKEN_PATTERN.test(event.invite)) return { ok: false, envelope: refusalEnvelope('INVITE_INVALID', `${FN_PRINTER}:fail the invite is not a valid token`) };
  return { ok: true, value: event.invite };
}

export interface AcceptInviteParams {
  token: string;
  /** The accepter's own display name (default: the invite's). */
  name?: string;
}

/**
 * `{ updateType: "bind", invite, name? }` → the caller's own OPENID as the printer. The first wrong
 * field is named, in this order: openid, tagidList, ttlHours, maxUses, any other field, updateType,
 * invite, name; then a token of the wrong form is INVITE_INVALID.
 */
export function validateAcceptInviteEvent(event: Record<string, unknown>): Validated<AcceptInviteParams> {
  if (hasOwn(event, 'openid')) return invalidParam(FN_PRINTER, 'openid', 'must be left out: an invite binds only the caller', '接受邀请只能绑定你自己，不能填写 openid');
  if (hasOwn(event, 'tagidList')) return invalidParam(FN_PRINTER, 'tagidList', 'must be left out when accepting an invite', `接受邀请时不能填写${fieldLabel('tagidList')}`);
  for (const field of ['ttlHours', 'maxUses'] as const) {
    if (hasOwn(event, field)) return invalidParam(FN_PRINTER, field, 'is for minting an invite only', `${fieldLabel(field)}只在生成邀请时填写`);
  }
  const extra = otherFields(event, ['updateType', 'invite', 'name'])[0];
  if (extra !== undefined) return unknownField(extra, 'is not a known field', (shown) => `不支持的参数 ${shown}`);
  if (event.updateType !== 'bind') return invalidParam(FN_PRINTER, 'updateType', 'must be "bind" when accepting an invite', `接受邀请时${fieldLabel('updateType')}只能是 bind`);
  if (typeof event.invite !== 'string') return invalidParam(FN_PRINTER, 'invite', 'must be a string', `${fieldLabel('invite')}必须是文字`);
  const name = checkName(event);
  if (!name.ok) return name;
  const token = checkToken(event);
  if (!token.ok) return token;
  return { ok: true, params: { token: token.value, ...(name.value === undefined ? {} : { name: name.value }) } };
}

/** `{ updateType: "preview", invite }`. */
export function validatePreviewInviteEvent(event: Record<string, unknown>): Validated<{ token: string }> {
  const extra = otherFields(event, ['updateType', 'invite'])[0];
  if (extra !== undefined) return unknownField(extra, 'is not a field of a preview', (shown) => `查看邀请时不支持参数 ${shown}`);
  const token = checkToken(event);
  return token.ok ? { ok: true, params: { token: token.value } } : token;
}

/** `{ updateType: "revoke", inviteId }`. */
export function validateRevokeInviteEvent(event: unknown): Validated<{ inviteId: string }> {
  const checked = validate(FN_PRINTER, REVOKE_INVITE_FIELDS, event);
  return checked.ok ? { ok: true, params: { inviteId: checked.params.inviteId! } } : checked;
}

/** `{ updateType: "rename", openid, name }`; the name trimmed. */
export function validateRenamePrinterEvent(event: unknown): Validated<{ openid: string; name: string }> {
  const checked = validate(FN_PRINTER, RENAME_PRINTER_FIELDS, event);
  return checked.ok ? { ok: true, params: { openid: checked.params.openid!, name: checked.params.name! } } : checked;
}

// --- getBindings -------------------------------------------------------------------------------

/** getBindings' checked event: the parts to read, in their fixed order. */
export type PartsValidated = { ok: true; parts: BindingsPart[] } | { ok: false; envelope: Envelope<never> };

/**
 * `{ parts? }`. Absent means WeChat's three; otherwise a non-empty array of known parts without
 * repeats. The answer is always in the order of BINDINGS_PARTS, whatever order was asked.
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
  if (parts === undefined) return { ok: true, parts: [...WECHAT_PARTS] };
  const allowed = BINDINGS_PARTS.join('、');
  const quoted = BINDINGS_PARTS.map((part) => `"${part}"`).join(', ');
  if (!Array.isArray(parts) || parts.length === 0) {
    return invalidParam('getBindings', 'parts', `must be a non-empty array of ${quoted}`, `parts 应为非空列表，只能包含 ${allowed}`);
  }
  if (!parts.every((part): part is BindingsPart => typeof part === 'string' && (BINDINGS_PARTS as readonly string[]).includes(part))) {
    return invalidParam('getBindings', 'parts', `may only hold ${quoted}`, `parts 只能包含 ${allowed}`);
  }
  if (new Set(parts).size !== parts.length) return invalidParam('getBindings', 'parts', 'must not repeat a part', 'parts 不能有重复项');
  return { ok: true, parts: BINDINGS_PARTS.filter((part) => parts.includes(part)) };
}
