/**
 * fast-check arbitraries for cloud function events: valid ones, valid ones with a field broken or
 * added, and junk (wrong types, huge and unicode strings, prototype-polluting keys). Passwords are
 * marked so a test can look for them in any output.
 */
import fc from 'fast-check';

/** A value of any kind that may land in a field: right-looking, wrong-typed, huge, unicode, nested. */
const fieldValue = fc.oneof(
  fc.constantFrom('bind', 'unbind', 'BIND', '', ' ', 'YUNDA', 'SF', 'EMS', 'oPrinter_1', '1,2,3', 'null', 'undefined'),
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ minLength: 100, maxLength: 3000 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.object({ maxDepth: 2 }),
);

/** Keys a caller may send: the real ones, near misses, and prototype-polluting ones. */
const fieldKey = fc.constantFrom(
  'type', 'bizId', 'deliveryId', 'password', 'remarkContent',
  'openid', 'updateType', 'tagidList', 'userInfo',
  'biz_id', 'delivery_id', 'update_type', 'bizid', 'Password',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty',
);

/** A secret that cannot appear in any text by chance. */
export const password = fc.string({ minLength: 4, maxLength: 20 }).map((s) => `pw«${s}»`);

export function withOwnKeys(entries: Array<[string, unknown]>): Record<string, unknown> {
  const event: Record<string, unknown> = {};
  // defineProperty: "__proto__" must become an own key, as JSON.parse makes it.
  for (const [key, value] of entries) Object.defineProperty(event, key, { value, enumerable: true, writable: true, configurable: true });
  return event;
}

export const validBind = fc.record(
  {
    type: fc.constantFrom('bind', 'unbind'),
    bizId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 _-]{0,30}[A-Za-z0-9]$/),
    deliveryId: fc.constantFrom('YUNDA', 'SF', 'EMS', 'JD', 'ZTO', 'OTHER_1'),
    password,
    remarkContent: fc.string({ minLength: 1, maxLength: 50 }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s)),
  },
  { requiredKeys: ['type', 'bizId', 'deliveryId'] },
);

export const validPrinter = fc.record(
  {
    openid: fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
    updateType: fc.constantFrom('bind', 'unbind'),
    tagidList: fc.array(fc.stringMatching(/^[0-9]{1,6}$/), { minLength: 1, maxLength: 10 }).map((tags) => tags.join(',')),
  },
  { requiredKeys: ['updateType'] },
);

/** Events: valid ones, valid ones with one field broken or added, and arbitrary junk. */
export function events(valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<unknown> {
  return fc.oneof(
    valid,
    fc.tuple(valid, fieldKey, fieldValue).map(([event, key, value]) => withOwnKeys([...Object.entries(event), [key, value]])),
    fc.tuple(valid, password).map(([event, secret]) => ({ ...event, password: secret })),
    fc.array(fc.tuple(fieldKey, fieldValue), { maxLength: 8 }).map(withOwnKeys),
    fc.anything(),
  );
}

/** The marked passwords an event carries. */
export function secretsIn(event: unknown): string[] {
  if (typeof event !== 'object' || event === null) return [];
  return Object.values(event).filter((value): value is string => typeof value === 'string' && value.startsWith('pw«'));
}
