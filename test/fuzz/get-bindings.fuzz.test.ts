/**
 * getBindings' pure core with generated events, callers and answers (of every shape, well-formed
 * or not). Invariants: never throws, always a well-formed envelope; reads only for an allowed caller
 * and a valid event, and then exactly the parts asked; every part is ok with allow-listed items or a
 * full failure envelope; the top level agrees with the parts; a refusal carries no data.
 */
import fc from 'fast-check';
import type { CallerIdentity } from '../../core/authorisation';
import type { CallResult } from '../../core/call-engine';
import { runOperation, type RunnerDeps } from '../../core/run-operation';

/** The WeChat context a caller identity comes from. */
const wxContextOf = (caller: CallerIdentity) => ({ OPENID: caller.openid, APPID: caller.appid, SOURCE: caller.source });
import { validateGetBindingsEvent } from '../../core/validation';
import { getBindingsOperation, type ReadRequest } from '../../core/operations/get-bindings';
import { WECHAT_PARTS as BINDINGS_PARTS, type WeChatPart as BindingsPart } from '../../miniprogram/shared/bindings';
import { expectEnvelope } from '../support/envelope-shape';
import { withOwnKeys } from '../support/event-arbitraries';
import { ADMIN_OPENID } from '../support/scripted-deps';

const RUNS = 2_000;

const callers: fc.Arbitrary<CallerIdentity> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ openid: ADMIN_OPENID, source: 'wx_client' }) },
  fc.constant({ openid: 'oStranger', source: 'wx_client' }),
  fc.constant({}),
  fc.constant({ source: 'wx_trigger' }),
);

const partName = fc.oneof(fc.constantFrom<string>(...BINDINGS_PARTS), fc.constantFrom('invites', 'Accounts', '', '__proto__'), fc.string());
const junk = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.object({ maxDepth: 2 }), fc.array(fc.anything(), { maxLength: 3 }));

const events: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({}) },
  { weight: 4, arbitrary: fc.uniqueArray(fc.constantFrom(...BINDINGS_PARTS), { minLength: 1 }).map((parts) => ({ parts })) },
  { weight: 3, arbitrary: fc.array(partName, { maxLength: 5 }).map((parts) => ({ parts })) },
  fc.array(fc.tuple(fc.constantFrom('parts', 'part', 'userInfo', '__proto__', 'constructor', 'accounts'), junk), { maxLength: 3 }).map(withOwnKeys),
  junk,
);

/** A value an API may answer with: documented shapes, near misses and junk, snake→camel already done. */
const item = fc.oneof(
  fc.record({ bizId: fc.oneof(fc.string(), junk), deliveryId: fc.oneof(fc.constantFrom('SF', 'EMS'), junk), statusCode: fc.oneof(fc.integer({ min: -1, max: 5 }), junk), alias: junk, extra: junk, serviceType: fc.oneof(fc.array(fc.oneof(fc.record({ serviceType: junk, serviceName: junk, more: junk }), junk), { maxLength: 2 }), junk) }, { requiredKeys: [] }),
  fc.record({ deliveryId: fc.oneof(fc.string({ minLength: 1 }), junk), deliveryName: junk, canUseCash: junk, cashBizId: junk }, { requiredKeys: [] }),
  junk,
);
const answer = fc.oneof(
  fc.record({ errCode: fc.constant(0), errMsg: fc.constant('ok'), count: junk, list: fc.oneof(fc.array(item, { maxLength: 3 }), junk), data: fc.oneof(fc.array(item, { maxLength: 3 }), junk), openid: fc.oneof(fc.array(fc.oneof(fc.string(), junk), { maxLength: 3 }), junk), tagidList: fc.oneof(fc.array(fc.string(), { maxLength: 2 }), junk) }, { requiredKeys: ['errCode'] }),
  fc.constantFrom(-1, 40003, 45009, 48001, -604101, -501001).map((errCode) => ({ throws: Object.assign(new Error('fail'), { errCode, errMsg: `fail ${errCode}` }) })),
  fc.constant({ throws: 'a string' }),
  junk,
);

const ALLOWED_KEYS: Record<BindingsPart, string[]> = {
  accounts: ['bizId', 'deliveryId', 'createTime', 'updateTime', 'statusCode', 'alias', 'remarkWrongMsg', 'remarkContent', 'quotaNum', 'quotaUpdateTime', 'serviceType', 'status'],
  printers: [],
  carriers: ['deliveryId', 'deliveryName', 'canUseCash', 'canGetQuota', 'serviceType'],
};

test(`${RUNS} generated events, callers and answers keep every invariant`, async () => {
  await fc.assert(
    fc.asyncProperty(events, callers, fc.array(answer, { minLength: 6, maxLength: 6 }), async (event, caller, answers) => {
      const reads: BindingsPart[] = [];
      const logs: string[] = [];
      const deps: RunnerDeps<ReadRequest> = {
        wxContext: () => wxContextOf(caller),
        env: { LOGISTICS_ADMIN_OPENIDS: ADMIN_OPENID, LOGISTICS_SERVER_SOURCES: 'wx_trigger' },
        call: async ({ part }) => {
          const next = answers[reads.length % answers.length];
          reads.push(part);
          if (typeof next === 'object' && next !== null && 'throws' in next) throw (next as { throws: unknown }).throws;
          return next as CallResult;
        },
        log: (line) => logs.push(line),
        now: () => 0,
        sleep: async () => undefined,
        random: () => 0.5,
      };
      const envelope = await runOperation(getBindingsOperation, event, deps);
      expectEnvelope(envelope);
      expect(logs).toHaveLength(1);

      const allowed = caller.openid === ADMIN_OPENID || caller.source === 'wx_trigger';
      const checked = validateGetBindingsEvent(event);
      if (!allowed || !checked.ok) {
        expect(reads).toHaveLength(0);
        // A refused caller with an OPENID (the stranger: NOT_ADMIN) sees only their own; nothing else has data.
        if (!allowed && caller.openid !== undefined) expect(envelope.data).toEqual({ callerOpenid: caller.openid });
        else expect(envelope).not.toHaveProperty('data');
        return;
      }
      expect([...new Set(reads)].sort()).toEqual([...checked.parts].sort());
      const data = envelope.data as Record<string, Record<string, unknown>>;
      expect(Object.keys(data).filter((key) => key !== 'callerOpenid')).toEqual(checked.parts);
      for (const part of checked.parts) {
        const got = data[part]!;
        if (got.ok === true) {
          if (part === 'printers') {
            expect(Object.keys(got).sort()).toEqual(['ok', 'openids', 'tagidList']);
            for (const openid of [...(got.openids as unknown[]), ...(got.tagidList as unknown[])]) expect(typeof openid).toBe('string');
          } else {
            expect(Object.keys(got).sort()).toEqual(['list', 'ok']);
            for (const listed of got.list as Array<Record<string, unknown>>) {
              for (const key of Object.keys(listed)) expect(ALLOWED_KEYS[part]).toContain(key);
              expect(typeof listed.deliveryId === 'string' && listed.deliveryId !== '').toBe(true);
              for (const service of listed.serviceType as Array<Record<string, unknown>>) {
                for (const key of Object.keys(service)) expect(['serviceType', 'serviceName']).toContain(key);
              }
            }
          }
        } else {
          expectEnvelope(got);
          expect(Object.keys(got).sort()).toEqual(['code', 'errCode', 'errMsg', 'message', 'ok', 'retryable']);
          expect(got.code).not.toBe('OUTCOME_UNKNOWN');
        }
      }
      const firstFailure = checked.parts.map((part) => data[part]!).find((part) => part.ok !== true);
      expect(envelope.ok).toBe(firstFailure === undefined);
      if (firstFailure !== undefined) expect(envelope.code).toBe(firstFailure.code);
    }),
    { numRuns: RUNS },
  );
});
