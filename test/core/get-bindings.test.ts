/**
 * getBindings through runOperation with scripted reads and a virtual clock: concurrency, retries, the time
 * budget, partial failures, refusals and the audit line.
 */
import type { AuditLine } from '../../core/audit';
import type { CallerIdentity } from '../../core/authorisation';
import { runOperation, type RunnerDeps } from '../../core/run-operation';

/** getBindings through runOperation, its envelope typed as the page reads it. */
async function runBindings(event: unknown, deps: RunnerDeps<ReadRequest>): Promise<Envelope<BindingsData>> {
  return (await runOperation(getBindingsOperation, event, deps)) as Envelope<BindingsData>;
}

/** The WeChat context a caller identity comes from. */
const wxContextOf = (caller: CallerIdentity) => ({ OPENID: caller.openid, APPID: caller.appid, SOURCE: caller.source });
import { getBindingsOperation, type ReadRequest } from '../../core/operations/get-bindings';
import type { BindingsData, WeChatPart } from '../../miniprogram/shared/bindings';
import type { Envelope } from '../../core/envelope';
import { sdkError, type ScriptedAnswer } from '../support/scripted-deps';

const ADMIN = 'oAdmin';

type Script = Partial<Record<WeChatPart, ScriptedAnswer[]>>;

const OK_ANSWERS: Record<WeChatPart, Record<string, unknown>> = {
  accounts: { errCode: 0, errMsg: 'openapi.logistics.getAllAccount:ok', count: 1, list: [{ bizId: 'b1', deliveryId: 'SF', statusCode: 0 }] },
  printers: { errCode: 0, errMsg: 'openapi.logistics.getPrinter:ok', count: 1, openid: [ADMIN], tagidList: [] },
  carriers: { errCode: 0, errMsg: 'openapi.logistics.getAllDelivery:ok', count: 1, data: [{ deliveryId: 'SF', deliveryName: '顺丰速运' }] },
};

function scripted(script: Script = {}, options: { caller?: CallerIdentity; env?: Record<string, string> } = {}) {
  let clock = 0;
  const reads: WeChatPart[] = [];
  /** Reads started before any answered: runOperation must not wait for one before starting the next. */
  let inFlight = 0;
  let maxInFlight = 0;
  const logs: string[] = [];
  const deps: RunnerDeps<ReadRequest> = {
    wxContext: () => wxContextOf(options.caller ?? { openid: ADMIN, source: 'wx_client' }),
    env: { LOGISTICS_ADMIN_OPENIDS: ADMIN, ...options.env },
    call: async ({ part }) => {
      const attempt = reads.filter((p) => p === part).length;
      reads.push(part);
      const answer = script[part]?.[attempt] ?? (OK_ANSWERS[part] as ScriptedAnswer);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        await Promise.resolve();
        if (answer === 'hang') return await new Promise<never>(() => undefined);
        if ('throws' in answer) throw answer.throws;
        return answer;
      } finally {
        inFlight -= 1;
      }
    },
    log: (line) => logs.push(line),
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
    random: () => 0.5,
  };
  return { deps, reads, logs, audit: () => logs.map((line) => JSON.parse(line) as AuditLine), maxInFlight: () => maxInFlight };
}

describe('getBindings through runOperation', () => {
  test('all three parts, read concurrently, ok, with the caller marked and one audit line', async () => {
    const h = scripted();
    const envelope = await runBindings({}, h.deps);
    expect(envelope).toEqual({
      ok: true,
      errCode: 0,
      errMsg: 'getBindings:ok',
      code: 'OK',
      message: '操作成功',
      retryable: false,
      data: {
        accounts: { ok: true, list: [{ bizId: 'b1', deliveryId: 'SF', statusCode: 0, serviceType: [], status: 'BOUND' }] },
        printers: { ok: true, openids: [ADMIN], tagidList: [] },
        carriers: { ok: true, list: [{ deliveryId: 'SF', deliveryName: '顺丰速运', serviceType: [] }] },
        callerOpenid: ADMIN,
      },
    });
    expect(h.maxInFlight()).toBe(3);
    expect(h.audit()).toEqual([
      { audit: 'logistics', fn: 'getBindings', action: 'read', caller: ADMIN, source: 'wx_client', target: { parts: ['accounts', 'printers', 'carriers'] }, code: 'OK', errCode: 0, attempts: 3, durationMs: 0 },
    ]);
    expect(h.logs[0]).not.toContain('b1');
  });

  test('only the parts asked for are read, answered in the fixed order', async () => {
    const h = scripted();
    const envelope = await runBindings({ parts: ['carriers', 'printers'] }, h.deps);
    expect(Object.keys(envelope.data ?? {})).toEqual(['printers', 'carriers', 'callerOpenid']);
    expect(h.reads.sort()).toEqual(['carriers', 'printers']);
  });

  test('a part that fails: top level is its envelope, the other parts still answer', async () => {
    const h = scripted({ printers: [sdkError(48001, 'openapi.logistics.getPrinter:fail api unauthorized')] });
    const envelope = await runBindings({}, h.deps);
    expect(envelope).toMatchObject({ ok: false, errCode: 48001, code: 'API_UNAUTHORIZED', retryable: false });
    expect(envelope.data).toMatchObject({
      accounts: { ok: true },
      printers: { ok: false, errCode: 48001, code: 'API_UNAUTHORIZED', errMsg: 'openapi.logistics.getPrinter:fail api unauthorized', retryable: false },
      carriers: { ok: true },
      callerOpenid: ADMIN,
    });
    expect(Object.keys(envelope.data!.printers!).sort()).toEqual(['code', 'errCode', 'errMsg', 'message', 'ok', 'retryable']);
  });

  test('with two failing parts the first in the fixed order is the top level', async () => {
    const h = scripted({ carriers: [sdkError(45009)], printers: [sdkError(40097)] });
    expect(await runBindings({}, h.deps)).toMatchObject({ code: 'INVALID_ARGS' });
  });

  test('a transient failure is retried within the part; attempts are summed in the audit line', async () => {
    const h = scripted({ accounts: [sdkError(-1), sdkError(-501001)] });
    const envelope = await runBindings({}, h.deps);
    expect(envelope).toMatchObject({ ok: true });
    expect(h.reads.filter((p) => p === 'accounts')).toHaveLength(3);
    expect(h.audit()[0]).toMatchObject({ attempts: 5, code: 'OK' });
  });

  test('attempts running out first: the last attempt\'s own retryable failure, never OUTCOME_UNKNOWN', async () => {
    const h = scripted({ accounts: [sdkError(-1), sdkError(-1), sdkError(-604102)] });
    const envelope = await runBindings({ parts: ['accounts'] }, h.deps);
    expect(envelope).toMatchObject({ ok: false, code: 'CLOUD_CALL_TIMEOUT', retryable: true, data: { accounts: { code: 'CLOUD_CALL_TIMEOUT' } } });
  });

  test('a read with no answer when the budget ends is READ_TIMEOUT (retryable), not OUTCOME_UNKNOWN', async () => {
    const h = scripted({ carriers: ['hang'] }, { env: { LOGISTICS_TIME_BUDGET_MS: '500' } });
    const envelope = await runBindings({}, h.deps);
    expect(envelope).toMatchObject({ ok: false, errCode: -900202, code: 'READ_TIMEOUT', retryable: true });
    expect(envelope.data).toMatchObject({ accounts: { ok: true }, printers: { ok: true }, carriers: { ok: false, code: 'READ_TIMEOUT' } });
  });

  test('a malformed answer fails its part with MALFORMED_ANSWER, not retried, nothing of it passed on', async () => {
    const h = scripted({ accounts: [{ errCode: 0, list: [{ bizId: 'b1', secret: 'x' }] } as ScriptedAnswer] });
    const envelope = await runBindings({}, h.deps);
    expect(envelope).toMatchObject({ ok: false, errCode: -900301, code: 'MALFORMED_ANSWER', retryable: false });
    expect(h.reads.filter((p) => p === 'accounts')).toHaveLength(1);
    expect(JSON.stringify(envelope)).not.toContain('secret');
  });

  test.each([
    ['a stranger', { openid: 'oStranger' }, 'NOT_ADMIN', { callerOpenid: 'oStranger' }],
    ['no identity', {}, 'NO_CALLER_IDENTITY', undefined],
  ])('%s is refused: no read, no data but their own OPENID', async (_label, caller, code, data) => {
    const h = scripted({}, { caller });
    const envelope = await runBindings({}, h.deps);
    expect(envelope).toMatchObject({ ok: false, code });
    expect(envelope.data).toEqual(data);
    expect(h.reads).toEqual([]);
    expect(h.audit()[0]).toMatchObject({ code, action: null, target: null, attempts: 0 });
  });

  test('bad input: no read, no data', async () => {
    const h = scripted();
    const envelope = await runBindings({ parts: ['accounts', 'accounts'] }, h.deps);
    expect(envelope).toMatchObject({ ok: false, code: 'INVALID_PARAM', field: 'parts' });
    expect(envelope.data).toBeUndefined();
    expect(h.reads).toEqual([]);
  });

  test('a trusted server caller without OPENID reads, with no callerOpenid', async () => {
    const h = scripted({}, { caller: { source: 'wx_trigger' }, env: { LOGISTICS_SERVER_SOURCES: 'wx_trigger' } });
    const envelope = await runBindings({ parts: ['printers'] }, h.deps);
    expect(envelope.ok).toBe(true);
    expect(envelope.data).not.toHaveProperty('callerOpenid');
  });

  test('a bug anywhere (here: the WeChat context throws) is INTERNAL_ERROR, never a throw', async () => {
    const h = scripted();
    h.deps.wxContext = () => {
      throw new TypeError('boom');
    };
    expect(await runBindings({}, h.deps)).toMatchObject({ ok: false, code: 'INTERNAL_ERROR' });
  });
});
