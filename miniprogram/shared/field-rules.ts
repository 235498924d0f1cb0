/**
 * Every event field's rule, stated once: limits, patterns, labels and the zh/en messages, and the
 * one checker that applies them. The cloud functions (core/validation.ts, bundled) and the page
 * (miniprogram/logic/validation.ts) both use this file, so they cannot drift apart.
 *
 * It lives in miniprogram/ because the page may not import from outside it. Keep it plain
 * TypeScript with no imports, no `wx`, no Node APIs, and no regex lookbehind or `u`-flag
 * property escapes (the JavaScript engines of older phones reject them and the page would not load).
 *
 * No message quotes a value the caller sent (it may be a password): messages are built from the
 * field's label and the rule broken. A field name the caller made up is shown only when it is a
 * plain short name (see `shownFieldName`).
 */

/** Field limits; generous where WeChat documents none, so we never refuse what it may accept. */
export const FIELD_LIMITS = {
  openid: 128,
  tagidList: 10, // tag ids, comma-separated
  tagid: 64,
  bizId: 128,
  deliveryId: 32,
  password: 256,
  remarkContent: 1024,
  /** A person's display name (a printer's, or whom an invite is for): characters after trimming. */
  name: 20,
  /** An invite's public id (16 hex digits as minted; the rule is the id rule). */
  inviteId: 64,
} as const;

/** How each event field is called in messages: a person's words, then the event name. */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  openid: '打印员 openid（openid）',
  updateType: '操作类型（updateType）',
  tagidList: '标签列表（tagidList）',
  type: '操作类型（type）',
  bizId: '客户编码（bizId）',
  deliveryId: '快递公司编码（deliveryId）',
  password: '快递账号密码（password）',
  remarkContent: '备注（remarkContent）',
  ttlHours: '邀请有效期（ttlHours）',
  invite: '邀请（invite）',
  maxUses: '可接受人数（maxUses）',
  name: '名字（name）',
  inviteId: '邀请编号（inviteId）',
};

export function fieldLabel(field: string): string {
  return hasOwn(FIELD_LABELS, field) ? FIELD_LABELS[field]! : field;
}

/** Fields WeChat adds to every callFunction event by itself: dropped, never an error. */
export const PLATFORM_FIELDS: readonly string[] = ['userInfo'];

/** A made-up field name is repeated back only in this form; anything else is UNSHOWN_FIELD. */
const SHOWABLE_FIELD_NAME = /^[A-Za-z0-9_$]{1,64}$/;
export const UNSHOWN_FIELD = '(unknown field)';

export function shownFieldName(name: string): string {
  return SHOWABLE_FIELD_NAME.test(name) ? name : UNSHOWN_FIELD;
}

/**
 * Control characters: C0 (U+0000–U+001F), DEL, C1 (U+0080–U+009F, NEL, CSI, …) and the Unicode
 * line and paragraph separators U+2028/U+2029. No text field may hold one.
 */
const CONTROL_CHAR = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Format characters, Unicode category Cf (bidi controls, zero-width characters, the BOM, …),
 * written out as ranges (astral ones as surrogate pairs) because property escapes need an engine
 * the page cannot count on. test/core/field-rules.test.ts holds this list to \p{Cf}.
 * Ids may not hold one: an id with an invisible character looks like another id.
 */
const FORMAT_CHAR =
  /[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]|\ud804[\udcbd\udccd]|\ud80d[\udc30-\udc3f]|\ud82f[\udca0-\udca3]|\ud834[\udd73-\udd7a]|\udb40[\udc01\udc20-\udc7f]/;

const ID_CHARS = /^[A-Za-z0-9_-]*$/;
const TAGID = `[A-Za-z0-9_-]{1,${FIELD_LIMITS.tagid}}`;
const TAGID_LIST = new RegExp(`^${TAGID}(,${TAGID}){0,${FIELD_LIMITS.tagidList - 1}}$`);

export interface FieldRule {
  readonly holds: (value: string) => boolean;
  /** What is wrong, after the field's label. */
  readonly zh: string;
  readonly en: string;
}

export type RuleName = 'noControlChars' | 'noFormatChars' | 'idChars' | 'noSurroundingSpace' | 'tagidList';

export const RULES: Readonly<Record<RuleName, FieldRule>> = {
  noControlChars: { holds: (v) => !CONTROL_CHAR.test(v), zh: '不能包含换行等控制字符', en: 'has control characters (C0, C1 or line separators)' },
  noFormatChars: {
    holds: (v) => !FORMAT_CHAR.test(v),
    zh: '不能包含零宽字符、双向控制符等看不见的格式字符',
    en: 'has invisible format characters (zero-width, bidi controls)',
  },
  idChars: { holds: (v) => ID_CHARS.test(v), zh: '只能包含英文字母、数字、下划线和短横线', en: 'has characters outside [A-Za-z0-9_-]' },
  // trim() strips exactly what \s matches, without the lookbehind a regex would need.
  noSurroundingSpace: { holds: (v) => v === v.trim(), zh: '首尾不能有空格', en: 'has leading or trailing whitespace' },
  tagidList: {
    holds: (v) => TAGID_LIST.test(v),
    zh: `应为逗号分隔的标签 id，最多 ${FIELD_LIMITS.tagidList} 个，不含空格`,
    en: `must be at most ${FIELD_LIMITS.tagidList} comma-separated tag ids without spaces`,
  },
};

export interface TextField {
  readonly kind: 'text';
  readonly maxLength: number;
  readonly rules: readonly FieldRule[];
  readonly optional: boolean;
  /**
   * A name a person types: surrounding whitespace is trimmed away before the checks (and from the
   * value passed on), and maxLength counts characters (code points), not UTF-16 units.
   */
  readonly trimmed?: boolean;
}

export interface ChoiceField {
  readonly kind: 'choice';
  readonly oneOf: readonly string[];
  readonly zh: string;
  readonly en: string;
}

export type FieldSpec = TextField | ChoiceField;

function text(maxLength: number, rules: readonly FieldRule[], optional = false): TextField {
  return { kind: 'text', maxLength, rules, optional };
}

/** A person's display name: 1–20 characters after trimming, no control or format characters. */
export const NAME_FIELD: TextField = { kind: 'text', maxLength: FIELD_LIMITS.name, rules: [RULES.noControlChars, RULES.noFormatChars], optional: false, trimmed: true };
export const OPTIONAL_NAME_FIELD: TextField = { ...NAME_FIELD, optional: true };

/** Characters as a person counts them: code points (an emoji outside the BMP is one). */
export function characterCount(value: string): number {
  let count = 0;
  for (let i = 0; i < value.length; i += 1) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i += 1;
    }
    count += 1;
  }
  return count;
}

const BIND_OR_UNBIND: ChoiceField = {
  kind: 'choice',
  oneOf: ['bind', 'unbind'],
  zh: '只能是 bind（绑定）或 unbind（解绑）',
  en: 'must be "bind" or "unbind"',
};

/** updatePrinter's fields, in the order they are checked. */
export const UPDATE_PRINTER_FIELDS: Readonly<Record<string, FieldSpec>> = {
  openid: text(FIELD_LIMITS.openid, [RULES.idChars], true),
  updateType: BIND_OR_UNBIND,
  tagidList: text(FIELD_LIMITS.tagidList * (FIELD_LIMITS.tagid + 1), [RULES.tagidList], true),
};

/**
 * bindAccount's fields, in the order they are checked. The ids refuse controls and format
 * characters. `password` and `remarkContent` refuse controls only: a format character can be part
 * of a real password or of Chinese text with emoji (U+200D joins them), and judging a password is
 * the carrier's job.
 */
export const BIND_ACCOUNT_FIELDS: Readonly<Record<string, FieldSpec>> = {
  type: BIND_OR_UNBIND,
  bizId: text(FIELD_LIMITS.bizId, [RULES.noControlChars, RULES.noFormatChars, RULES.noSurroundingSpace]),
  deliveryId: text(FIELD_LIMITS.deliveryId, [RULES.idChars]),
  password: text(FIELD_LIMITS.password, [RULES.noControlChars], true),
  remarkContent: text(FIELD_LIMITS.remarkContent, [RULES.noControlChars], true),
};

function only(updateType: string): ChoiceField {
  return { kind: 'choice', oneOf: [updateType], zh: `只能是 ${updateType}`, en: `must be "${updateType}"` };
}

/** updatePrinter's rename event, in the order the fields are checked. */
export const RENAME_PRINTER_FIELDS: Readonly<Record<string, FieldSpec>> = {
  updateType: only('rename'),
  openid: text(FIELD_LIMITS.openid, [RULES.idChars]),
  name: NAME_FIELD,
};

/** updatePrinter's revoke event. */
export const REVOKE_INVITE_FIELDS: Readonly<Record<string, FieldSpec>> = {
  updateType: only('revoke'),
  inviteId: text(FIELD_LIMITS.inviteId, [RULES.idChars]),
};

/** What is wrong: the field ('' for the event itself), and a zh message with the field's label. */
export interface FieldProblem {
  readonly field: string;
  readonly zh: string;
  readonly en: string;
}

export type FieldCheck =
  | { readonly ok: true; readonly fields: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly notAnObject: boolean; readonly problem: FieldProblem };

function checkField(field: string, spec: FieldSpec, value: unknown): FieldProblem | null {
  const label = fieldLabel(field);
  if (value === undefined) {
    return spec.kind === 'text' && spec.optional ? null : { field, zh: `缺少${label}`, en: 'is required' };
  }
  if (spec.kind === 'choice') {
    return typeof value === 'string' && spec.oneOf.includes(value) ? null : { field, zh: `${label}${spec.zh}`, en: spec.en };
  }
  if (typeof value !== 'string') return { field, zh: `${label}必须是文字`, en: 'must be a string' };
  if (spec.trimmed === true) return checkTrimmed(field, label, spec, value.trim());
  if (value.length === 0) return { field, zh: `${label}不能为空`, en: 'must not be empty' };
  if (value.length > spec.maxLength) {
    return { field, zh: `${label}不能超过 ${spec.maxLength} 个字符`, en: `must be at most ${spec.maxLength} characters` };
  }
  const broken = spec.rules.find((rule) => !rule.holds(value));
  return broken ? { field, zh: `${label}${broken.zh}`, en: broken.en } : null;
}

/** A trimmed field's checks, on the value already trimmed. */
function checkTrimmed(field: string, label: string, spec: TextField, value: string): FieldProblem | null {
  if (value.length === 0) return { field, zh: `${label}不能为空`, en: 'must not be empty (after trimming)' };
  if (characterCount(value) > spec.maxLength) {
    return { field, zh: `${label}不能超过 ${spec.maxLength} 个字`, en: `must be at most ${spec.maxLength} characters` };
  }
  const broken = spec.rules.find((rule) => !rule.holds(value));
  return broken ? { field, zh: `${label}${broken.zh}`, en: broken.en } : null;
}

/** A plain object, as an event must be (an array or null is not). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own key: an inherited one (from a prototype) never counts as a field. */
export function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/**
 * Checks an event against a function's fields. Unknown fields are refused (a typo such as `bizid`
 * must not silently bind something else), and named first: they explain the rest. On success,
 * `fields` holds exactly the documented fields that were given, nothing else.
 */
export function checkFields(event: unknown, specs: Readonly<Record<string, FieldSpec>>): FieldCheck {
  if (!isPlainObject(event)) {
    return { ok: false, notAnObject: true, problem: { field: '', zh: '请求格式不正确，应为一个对象', en: 'event must be an object' } };
  }
  const record = event;
  const has = (key: string) => hasOwn(record, key);
  const unknown = Object.keys(record).find((key) => !PLATFORM_FIELDS.includes(key) && !hasOwn(specs, key));
  if (unknown !== undefined) {
    const shown = shownFieldName(unknown);
    return { ok: false, notAnObject: false, problem: { field: shown, zh: `不支持的参数 ${shown}`, en: 'is not a known field' } };
  }
  const fields: Record<string, string> = {};
  for (const field of Object.keys(specs)) {
    const value = has(field) ? record[field] : undefined;
    const problem = checkField(field, specs[field]!, value);
    if (problem) return { ok: false, notAnObject: false, problem };
    const spec = specs[field]!;
    if (typeof value === 'string') fields[field] = spec.kind === 'text' && spec.trimmed === true ? value.trim() : value;
  }
  return { ok: true, fields };
}
