/**
 * Event validation for both functions, before any openapi call.
 *
 * Policy: unknown fields are rejected (a typo such as `bizid` must not silently bind something
 * else), except `userInfo`, which older WeChat clients add to every callFunction event and which is
 * dropped. Only the documented params leave this module. Nothing a caller sent is ever echoed in a
 * message: messages are built from the field name and the rule broken, so a password that lands in
 * the wrong field cannot leak through an error.
 *
 * We do not judge what only WeChat can (whether a carrier needs a password, or its format): those
 * go through and WeChat's answer is mapped.
 */
import * as v from 'valibot';
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

/** Field limits; generous where WeChat documents none, so we never refuse what it may accept. */
export const FIELD_LIMITS = {
  openid: 128,
  tagidList: 10, // tag ids, comma-separated
  tagid: 64,
  bizId: 128,
  deliveryId: 32,
  password: 256,
  remarkContent: 1024,
} as const;

/** Fields the platform adds to events by itself; never forwarded, never an error. */
const PLATFORM_FIELDS = ['userInfo'] as const;

const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f]*$/;
const ID_CHARS = /^[A-Za-z0-9_-]*$/;
const NO_SURROUNDING_SPACE = /^(?!\s)[\s\S]*(?<!\s)$/;
const TAGID_LIST = new RegExp(`^[A-Za-z0-9_-]{1,${FIELD_LIMITS.tagid}}(,[A-Za-z0-9_-]{1,${FIELD_LIMITS.tagid}}){0,${FIELD_LIMITS.tagidList - 1}}$`);

type Rule = { readonly pattern: RegExp; readonly zh: string; readonly en: string };

const RULES = {
  noControlChars: { pattern: NO_CONTROL_CHARS, zh: '不能包含换行等控制字符', en: 'has control characters' },
  idChars: { pattern: ID_CHARS, zh: '只能包含字母、数字、下划线和短横线', en: 'has characters outside [A-Za-z0-9_-]' },
  noSurroundingSpace: { pattern: NO_SURROUNDING_SPACE, zh: '首尾不能有空格', en: 'has leading or trailing whitespace' },
  tagidList: {
    pattern: TAGID_LIST,
    zh: `应为逗号分隔的标签 id，最多 ${FIELD_LIMITS.tagidList} 个，不含空格`,
    en: `must be at most ${FIELD_LIMITS.tagidList} comma-separated tag ids without spaces`,
  },
} satisfies Record<string, Rule>;

/**
 * Valibot messages embed the received value, so every check carries our own message instead:
 * a JSON `{zh, en}` pair keyed by nothing but the field and the rule.
 */
function message(zh: string, en: string): string {
  return JSON.stringify({ zh, en });
}

function text(field: string, maxLength: number, rules: readonly Rule[]) {
  return v.pipe(
    v.string(message(`${field} 必须是字符串`, 'must be a string')),
    v.minLength(1, message(`${field} 不能为空`, 'must not be empty')),
    v.maxLength(maxLength, message(`${field} 不能超过 ${maxLength} 个字符`, `must be at most ${maxLength} characters`)),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const broken = rules.find((rule) => !rule.pattern.test(dataset.value));
      if (broken) addIssue({ message: message(`${field} ${broken.zh}`, broken.en) });
    }),
  );
}

function bindOrUnbind(field: string) {
  return v.picklist(['bind', 'unbind'] as const, message(`${field} 只能是 bind（绑定）或 unbind（解绑）`, 'must be "bind" or "unbind"'));
}

const updatePrinterSchema = v.strictObject({
  openid: v.optional(text('openid', FIELD_LIMITS.openid, [RULES.idChars])),
  updateType: bindOrUnbind('updateType'),
  tagidList: v.optional(text('tagidList', FIELD_LIMITS.tagidList * (FIELD_LIMITS.tagid + 1), [RULES.tagidList])),
});

const bindAccountSchema = v.strictObject({
  type: bindOrUnbind('type'),
  bizId: text('bizId', FIELD_LIMITS.bizId, [RULES.noControlChars, RULES.noSurroundingSpace]),
  deliveryId: text('deliveryId', FIELD_LIMITS.deliveryId, [RULES.idChars]),
  password: v.optional(text('password', FIELD_LIMITS.password, [RULES.noControlChars])),
  remarkContent: v.optional(text('remarkContent', FIELD_LIMITS.remarkContent, [RULES.noControlChars])),
});

export type Validated<Params> = { ok: true; params: Params } | { ok: false; envelope: Envelope<never> };

/** A plain object with its platform fields removed, or undefined for anything else. */
function ownFields(event: unknown): Record<string, unknown> | undefined {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return undefined;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(event)) {
    if ((PLATFORM_FIELDS as readonly string[]).includes(key)) continue;
    const value = (event as Record<string, unknown>)[key];
    // An own "__proto__" key must stay a key (and be rejected): assigning it would set the prototype.
    if (key === '__proto__') Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
    else copy[key] = value;
  }
  return copy;
}

function refusalForIssue(fn: string, issue: v.BaseIssue<unknown>): Envelope<never> {
  const field = issue.path?.map((item) => String(item.key)).join('.') ?? '';
  let zh: string;
  let en: string;
  if (issue.type === 'strict_object') {
    // The object-level issue: either a required key is missing or an unknown key is present.
    const missing = issue.received === 'undefined';
    zh = missing ? `缺少参数 ${field}` : `不支持的参数 ${field}`;
    en = missing ? 'is required' : 'is not a known field';
  } else {
    ({ zh, en } = JSON.parse(issue.message) as { zh: string; en: string });
  }
  return refusalEnvelope('INVALID_PARAM', `${fn}:fail invalid param ${field}: ${en}`, {
    message: `参数错误：${zh}`,
    field,
  });
}

function validate<Params>(fn: string, schema: v.GenericSchema<unknown, Params>, event: unknown): Validated<Params> {
  const fields = ownFields(event);
  if (!fields) {
    return { ok: false, envelope: refusalEnvelope('INVALID_EVENT', `${fn}:fail event must be an object`) };
  }
  const result = v.safeParse(schema, fields);
  if (result.success) return { ok: true, params: result.output };
  // An unknown field explains the rest (update_type sent for updateType), so it is named first.
  const unknownField = result.issues.find((issue) => issue.type === 'strict_object' && issue.received !== 'undefined' && issue.path);
  return { ok: false, envelope: refusalForIssue(fn, unknownField ?? result.issues[0]) };
}

/**
 * `openid` may be left out to mean the caller themself (a small shop's admin who also prints);
 * `callerOpenid` is that caller's OPENID from the WeChat context, if there is one.
 */
export function validateUpdatePrinterEvent(event: unknown, callerOpenid?: string): Validated<UpdatePrinterParams> {
  const checked = validate('updatePrinter', updatePrinterSchema, event);
  if (!checked.ok) return checked;
  const { openid, updateType, tagidList } = checked.params;
  const target = openid ?? callerOpenid;
  if (target === undefined) {
    return {
      ok: false,
      envelope: refusalEnvelope('INVALID_PARAM', 'updatePrinter:fail invalid param openid: is required when the caller has no OPENID', {
        message: '参数错误：服务端调用时必须填写打印员的 openid',
        field: 'openid',
      }),
    };
  }
  return { ok: true, params: { openid: target, updateType, ...(tagidList === undefined ? {} : { tagidList }) } };
}

export function validateBindAccountEvent(event: unknown): Validated<BindAccountParams> {
  const checked = validate('bindAccount', bindAccountSchema, event);
  if (!checked.ok) return checked;
  const { type, bizId, deliveryId, password, remarkContent } = checked.params;
  return {
    ok: true,
    params: {
      type,
      bizId,
      deliveryId,
      ...(password === undefined ? {} : { password }),
      ...(remarkContent === undefined ? {} : { remarkContent }),
    },
  };
}
