/**
 * Client-side checks, the same rules as the functions' own validation (core/validation.ts), so a
 * person hears about a mistake before anything is sent. The server stays the judge; these only
 * save a round trip. test/page/parity.test.ts holds the two to the same answers.
 *
 * Messages name the field in a person's words with the event name after it, e.g.
 * "客户编码（bizId）不能为空", and never quote what was typed (it may be a password).
 */

export type BindOrUnbind = 'bind' | 'unbind';

export interface UpdatePrinterEvent {
  openid?: string;
  updateType: BindOrUnbind;
  tagidList?: string;
}

export interface BindAccountEvent {
  type: BindOrUnbind;
  bizId: string;
  deliveryId: string;
  password?: string;
  remarkContent?: string;
}

/** A field at fault and what to tell the person. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** The same limits as the functions' FIELD_LIMITS. */
export const FIELD_LIMITS = {
  openid: 128,
  tagidList: 10,
  tagid: 64,
  bizId: 128,
  deliveryId: 32,
  password: 256,
  remarkContent: 1024,
} as const;

/** How each event field is called on the page. */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  openid: '打印员 openid（openid）',
  updateType: '操作类型（updateType）',
  tagidList: '标签列表（tagidList）',
  type: '操作类型（type）',
  bizId: '客户编码（bizId）',
  deliveryId: '快递公司编码（deliveryId）',
  password: '快递账号密码（password）',
  remarkContent: '备注（remarkContent）',
};

export function fieldLabel(field: string): string {
  return FIELD_LABELS[field] ?? field;
}

/** Fields WeChat adds to every callFunction event by itself; the functions drop them. */
const PLATFORM_FIELDS: readonly string[] = ['userInfo'];

// The same rules as the functions use. Surrounding whitespace is tested with trim(), which strips
// exactly what the functions' \s matches: their pattern uses a regex lookbehind, a syntax error in
// the JavaScript engine of iOS before 16.4, where it would stop the whole page from loading.
const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f]*$/;
const ID_CHARS = /^[A-Za-z0-9_-]*$/;
const TAGID = `[A-Za-z0-9_-]{1,${FIELD_LIMITS.tagid}}`;
const TAGID_LIST = new RegExp(`^${TAGID}(,${TAGID}){0,${FIELD_LIMITS.tagidList - 1}}$`);

interface Rule {
  readonly holds: (value: string) => boolean;
  readonly broken: string;
}

const RULES: Readonly<Record<'noControlChars' | 'idChars' | 'noSurroundingSpace' | 'tagidList', Rule>> = {
  noControlChars: { holds: (v) => NO_CONTROL_CHARS.test(v), broken: '不能包含换行等控制字符' },
  idChars: { holds: (v) => ID_CHARS.test(v), broken: '只能包含英文字母、数字、下划线和短横线' },
  noSurroundingSpace: { holds: (v) => v === v.trim(), broken: '首尾不能有空格' },
  tagidList: {
    holds: (v) => TAGID_LIST.test(v),
    broken: `应为逗号分隔的标签 id，最多 ${FIELD_LIMITS.tagidList} 个，不含空格`,
  },
};

interface TextSpec {
  readonly maxLength: number;
  readonly rules: readonly Rule[];
  readonly optional?: boolean;
}

interface PicklistSpec {
  readonly oneOf: readonly string[];
}

type FieldSpec = TextSpec | PicklistSpec;

const UPDATE_PRINTER_FIELDS: Readonly<Record<string, FieldSpec>> = {
  openid: { maxLength: FIELD_LIMITS.openid, rules: [RULES.idChars], optional: true },
  updateType: { oneOf: ['bind', 'unbind'] },
  tagidList: {
    maxLength: FIELD_LIMITS.tagidList * (FIELD_LIMITS.tagid + 1),
    rules: [RULES.tagidList],
    optional: true,
  },
};

const BIND_ACCOUNT_FIELDS: Readonly<Record<string, FieldSpec>> = {
  type: { oneOf: ['bind', 'unbind'] },
  bizId: { maxLength: FIELD_LIMITS.bizId, rules: [RULES.noControlChars, RULES.noSurroundingSpace] },
  deliveryId: { maxLength: FIELD_LIMITS.deliveryId, rules: [RULES.idChars] },
  password: { maxLength: FIELD_LIMITS.password, rules: [RULES.noControlChars], optional: true },
  remarkContent: { maxLength: FIELD_LIMITS.remarkContent, rules: [RULES.noControlChars], optional: true },
};

function checkField(field: string, spec: FieldSpec, value: unknown): FieldProblem | null {
  const label = fieldLabel(field);
  if ('oneOf' in spec) {
    return typeof value === 'string' && spec.oneOf.includes(value)
      ? null
      : { field, message: `${label}只能是 bind（绑定）或 unbind（解绑）` };
  }
  if (value === undefined) return spec.optional ? null : { field, message: `${label}不能为空` };
  if (typeof value !== 'string') return { field, message: `${label}必须是文字` };
  if (value.length === 0) return { field, message: `${label}不能为空` };
  if (value.length > spec.maxLength) return { field, message: `${label}不能超过 ${spec.maxLength} 个字符` };
  const broken = spec.rules.find((rule) => !rule.holds(value));
  return broken ? { field, message: `${label}${broken.broken}` } : null;
}

function checkEvent(event: unknown, fields: Readonly<Record<string, FieldSpec>>): FieldProblem | null {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    return { field: '', message: '请求格式不正确，应为一个对象' };
  }
  const record = event as Record<string, unknown>;
  const keys = Object.keys(record).filter((key) => !PLATFORM_FIELDS.includes(key));
  // An unknown field is named first, as the functions do: it explains the rest (bizid for bizId).
  const unknown = keys.find((key) => !Object.prototype.hasOwnProperty.call(fields, key));
  if (unknown !== undefined) return { field: unknown, message: `不支持的参数 ${unknown}` };
  for (const [field, spec] of Object.entries(fields)) {
    const problem = checkField(field, spec, Object.prototype.hasOwnProperty.call(record, field) ? record[field] : undefined);
    if (problem) return problem;
  }
  return null;
}

/** Null when updatePrinter's validation would accept the event. */
export function checkUpdatePrinterEvent(event: unknown): FieldProblem | null {
  return checkEvent(event, UPDATE_PRINTER_FIELDS);
}

/** Null when bindAccount's validation would accept the event. */
export function checkBindAccountEvent(event: unknown): FieldProblem | null {
  return checkEvent(event, BIND_ACCOUNT_FIELDS);
}
