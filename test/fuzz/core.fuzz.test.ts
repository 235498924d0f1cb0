/**
 * Property-based tests of the pure core: 10 000 generated events per function, with random callers
 * and random SDK outcomes. Invariants: never throws, always a well-formed envelope; no openapi call
 * unless the caller is allowed and the event valid, and then only the documented params; the
 * password never in the envelope or any log line.
 */
import fc from 'fast-check';
import { CATALOGUE } from '../../core/catalogue';
import { runOperation } from '../../core/operation';
import { bindAccountOperation, updatePrinterOperation } from '../../core/operations';
import { validateBindAccountEvent, validateUpdatePrinterEvent } from '../../core/validation';
import type { Caller } from '../../core/authorisation';
import { ADMIN_OPENID, scriptedDeps, sdkError, type ScriptedAnswer } from '../support/scripted-deps';

export const EVENTS_PER_FUNCTION = 10_000;

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
const password = fc.string({ minLength: 4, maxLength: 20 }).map((s) => `pw«${s}»`);

function withOwnKeys(entries: Array<[string, unknown]>): Record<string, unknown> {
  const event: Record<string, unknown> = {};
  // defineProperty: "__proto__" must become an own key, as JSON.parse makes it.
  for (const [key, value] of entries) Object.defineProperty(event, key, { value, enumerable: true, writable: true, configurable: true });
  return event;
}

const validBind = fc.record(
  {
    type: fc.constantFrom('bind', 'unbind'),
    bizId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 _-]{0,30}[A-Za-z0-9]$/),
    deliveryId: fc.constantFrom('YUNDA', 'SF', 'EMS', 'JD', 'ZTO', 'OTHER_1'),
    password,
    remarkContent: fc.string({ minLength: 1, maxLength: 50 }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s)),
  },
  { requiredKeys: ['type', 'bizId', 'deliveryId'] },
);

const validPrinter = fc.record(
  {
    openid: fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
    updateType: fc.constantFrom('bind', 'unbind'),
    tagidList: fc.array(fc.stringMatching(/^[0-9]{1,6}$/), { minLength: 1, maxLength: 10 }).map((tags) => tags.join(',')),
  },
  { requiredKeys: ['updateType'] },
);

/** Events: valid ones, valid ones with one field broken or added, and arbitrary junk. */
function events(valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<unknown> {
  return fc.oneof(
    valid,
    fc.tuple(valid, fieldKey, fieldValue).map(([event, key, value]) => withOwnKeys([...Object.entries(event), [key, value]])),
    fc.tuple(valid, password).map(([event, secret]) => ({ ...event, password: secret })),
    fc.array(fc.tuple(fieldKey, fieldValue), { maxLength: 8 }).map(withOwnKeys),
    fc.anything(),
  );
}

const callers: fc.Arbitrary<Caller> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ openid: ADMIN_OPENID, source: 'wx_client' }) },
  fc.constant({ openid: 'oStranger', source: 'wx_client' }),
  fc.constant({}),
  fc.constant({ source: 'wx_trigger' }),
);

/** SDK outcomes; their texts quote the password the call was given, to prove it is scrubbed. */
const QUOTED_PASSWORD = '$PASSWORD';
const sdkAnswers: fc.Arbitrary<ScriptedAnswer[]> = fc.array(
  fc.oneof(
    fc.constant<ScriptedAnswer>({ errCode: 0, errMsg: 'openapi.logistics.x:ok' }),
    fc.constantFrom(...CATALOGUE.map((e) => e.errCode).filter((c) => c !== 0)).map((c) => sdkError(c, `fail ${c} pw=${QUOTED_PASSWORD}`)),
    fc.integer().map((c) => sdkError(c, `fail ${QUOTED_PASSWORD}`)),
    fc.constant<ScriptedAnswer>({ throws: new Error(`socket hang up ${QUOTED_PASSWORD}`) }),
    fc.constant<ScriptedAnswer>({ throws: `a string ${QUOTED_PASSWORD}` }),
    fc.constant<ScriptedAnswer>({ throws: undefined }),
  ),
  { minLength: 1, maxLength: 4 },
);

function quoting(answers: ScriptedAnswer[], secret: string | undefined): ScriptedAnswer[] {
  const quote = (text: string) => text.split(QUOTED_PASSWORD).join(secret ?? '');
  return answers.map((answer) => {
    if (answer === 'hang' || !('throws' in answer)) return answer;
    const thrown = answer.throws;
    if (typeof thrown === 'string') return { throws: quote(thrown) };
    if (thrown instanceof Error) {
      const errMsg = (thrown as Error & { errMsg?: string }).errMsg;
      return { throws: Object.assign(new Error(quote(thrown.message)), thrown, errMsg === undefined ? {} : { errMsg: quote(errMsg) }) };
    }
    return answer;
  });
}

function secretsIn(event: unknown): string[] {
  if (typeof event !== 'object' || event === null) return [];
  return Object.values(event).filter((value): value is string => typeof value === 'string' && value.startsWith('pw«'));
}

const ENVELOPE_KEYS = ['code', 'data', 'errCode', 'errMsg', 'field', 'message', 'ok', 'retryable'];

function expectEnvelope(envelope: unknown): asserts envelope is { ok: boolean; errCode: number; code: string } {
  expect(typeof envelope).toBe('object');
  const e = envelope as Record<string, unknown>;
  for (const key of Object.keys(e)) expect(ENVELOPE_KEYS).toContain(key);
  expect(typeof e.errCode).toBe('number');
  expect(e.ok).toBe(e.errCode === 0);
  expect(typeof e.code).toBe('string');
  expect(typeof e.message).toBe('string');
  expect(typeof e.errMsg).toBe('string');
  expect(typeof e.retryable).toBe('boolean');
}

describe.each([
  { operation: bindAccountOperation, valid: validBind, keys: ['type', 'bizId', 'deliveryId', 'password', 'remarkContent'] },
  { operation: updatePrinterOperation, valid: validPrinter, keys: ['openid', 'updateType', 'tagidList'] },
])('$operation.name, fuzzed', ({ operation, valid, keys }) => {
  test(`${EVENTS_PER_FUNCTION} generated events keep every invariant`, async () => {
    await fc.assert(
      fc.asyncProperty(events(valid), callers, sdkAnswers, async (event, caller, answers) => {
        const secrets = secretsIn(event);
        const h = scriptedDeps(quoting(answers, secrets[0]), { caller, env: { LOGISTICS_SERVER_SOURCES: 'wx_trigger' } });
        const envelope = await runOperation(operation, event, h.deps);
        expectEnvelope(envelope);

        const allowed = caller.openid === ADMIN_OPENID || caller.source === 'wx_trigger';
        const validated =
          operation === bindAccountOperation ? validateBindAccountEvent(event) : validateUpdatePrinterEvent(event, caller.openid);
        if (!allowed || !validated.ok) {
          expect(h.calls).toHaveLength(0);
        } else {
          expect(h.calls.length).toBeGreaterThanOrEqual(1);
          for (const params of h.calls) {
            expect(params).toEqual(validated.params);
            for (const key of Object.keys(params as object)) expect(keys).toContain(key);
          }
        }

        const output = JSON.stringify(envelope) + h.logs.join('\n');
        for (const secret of secrets) expect(output).not.toContain(secret);
        expect(h.logs).toHaveLength(1);
      }),
      { numRuns: EVENTS_PER_FUNCTION },
    );
  });
});
