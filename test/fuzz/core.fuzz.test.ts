/**
 * Property-based tests of the pure core: 10 000 generated events per function, with random callers
 * and random SDK outcomes. Invariants: never throws, always a well-formed envelope; no openapi call
 * unless the caller is allowed and the event valid, and then only the documented params; the
 * password never in the envelope or any log line.
 */
import fc from 'fast-check';
import { CATALOGUE } from '../../core/catalogue';
import { bindAccountOperation } from '../../core/operations/bind-account';
import { updatePrinterOperation } from '../../core/operations/update-printer';
import { runOperation } from '../../core/run-operation';
import { validateBindAccountEvent, validateUpdatePrinterEvent } from '../../core/validation';
import { events, secretsIn, validBind, validPrinter } from '../support/event-arbitraries';
import { expectEnvelope } from '../support/envelope-shape';
import { ADMIN_OPENID, scriptedDeps, sdkError, type ScriptedAnswer, type ScriptedCaller } from '../support/scripted-deps';

export const EVENTS_PER_FUNCTION = 10_000;

const callers: fc.Arbitrary<ScriptedCaller> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ openid: ADMIN_OPENID, source: 'wx_client' }) },
  fc.constant({ openid: 'oStranger', source: 'wx_client' }),
  fc.constant({}),
  fc.constant({ source: 'wx_trigger' }),
  // Malformed OPENIDs are refused, never taken for a server caller.
  fc.constant({ openid: 12345, source: 'wx_trigger' }),
  fc.constant({ openid: ' ', source: 'wx_trigger' }),
  fc.constant({ openid: `${ADMIN_OPENID} `, source: 'wx_client' }),
);

/** SDK outcomes; their texts quote the password the call was given, to prove no such text is placed. */
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

        const allowed = caller.openid === ADMIN_OPENID || (caller.openid === undefined && caller.source === 'wx_trigger');
        const validated =
          operation === bindAccountOperation ? validateBindAccountEvent(event) : validateUpdatePrinterEvent(event, caller.openid as string | undefined);
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
