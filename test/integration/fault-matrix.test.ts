/**
 * The fault matrix: every fault the local cloud can inject, and every code WeChat or the gateway can
 * answer, through the real wx-server-sdk inside the built function → the exact envelope (code,
 * errCode, retryable) and the number of requests the cloud saw, which shows the retry policy at
 * work (3 attempts for transient codes, 1 otherwise). Every row is a write: a transient failure that
 * may have reached WeChat ends as OUTCOME_UNKNOWN; only a refused connection or failed DNS lookup
 * (never sent) stays a plain CLOUD_SYSTEM_ERROR.
 */
import { ProjectCode } from '../../core/catalogue';
import type { Envelope } from '../../core/envelope';
import type { Fault } from '../../localcloud/faults';
import { startLocalCloud, type LocalCloud } from '../../localcloud/server';
import type { WarmFunction } from '../../localcloud/invoke';
import { ADMIN, ADMIN_ENV, call, containerPool, ensureBuilt, SLOW_TEST_MS, openapiRequests, openapiRequestCount } from './support/harness';

const PASSWORD = 'matrix-Pa55word';
const ACCOUNT = { deliveryId: 'YUNDA', bizId: 'matrix-yunda', password: PASSWORD };
const BIND = { type: 'bind', ...ACCOUNT };
const PRINTER_BIND = { openid: 'oPrinterMatrix', updateType: 'bind' };

/** Short budgets keep the hanging rows quick; margins of 200 ms or more keep them deterministic. */
const HANG_ENV = { ...ADMIN_ENV, LOGISTICS_TIME_BUDGET_MS: '1500', LOGISTICS_REQUEST_TIMEOUT_MS: '300' };
// The request timeout may not exceed the budget: at equal values the budget (or the SDK) ends the one attempt.
const ABANDON_ENV = { ...ADMIN_ENV, LOGISTICS_TIME_BUDGET_MS: '800', LOGISTICS_REQUEST_TIMEOUT_MS: '800' };

interface Row {
  name: string;
  fn?: 'bindAccount' | 'updatePrinter';
  fault: Fault;
  /** How many requests get the fault (default: all of them). */
  times?: number;
  env?: 'hang' | 'abandon';
  expected: Pick<Envelope, 'code' | 'errCode' | 'retryable'> & { ok?: boolean };
  requests: number;
}

const transient = (code: string, errCode: number) => ({ code, errCode, retryable: true });
const final = (code: string, errCode: number) => ({ code, errCode, retryable: false });
/** A write that may have reached WeChat without a settling answer (issue 12 item 2). */
const UNKNOWN = transient('OUTCOME_UNKNOWN', ProjectCode.OUTCOME_UNKNOWN);

const MATRIX: Row[] = [
  { name: 'WeChat -1 on every attempt', fault: { kind: 'errcode', errcode: -1 }, expected: UNKNOWN, requests: 3 },
  { name: 'WeChat -1 once, then success', fault: { kind: 'errcode', errcode: -1 }, times: 1, expected: { ...final('OK', 0), ok: true }, requests: 2 },
  { name: '9300517 incorrect update_type', fn: 'updatePrinter', fault: { kind: 'errcode', errcode: 9300517 }, expected: final('INVALID_UPDATE_TYPE', 9300517), requests: 1 },
  { name: '9300529 already bound', fault: { kind: 'errcode', errcode: 9300529 }, expected: final('ALREADY_BOUND', 9300529), requests: 1 },
  { name: '9300530 biz_id not found', fault: { kind: 'errcode', errcode: 9300530 }, expected: final('BIZ_ID_NOT_FOUND', 9300530), requests: 1 },
  { name: '9300531 wrong account or password', fault: { kind: 'errcode', errcode: 9300531 }, expected: final('WRONG_ACCOUNT_OR_PASSWORD', 9300531), requests: 1 },
  { name: '9300532 under review', fault: { kind: 'errcode', errcode: 9300532 }, expected: final('UNDER_REVIEW', 9300532), requests: 1 },
  { name: '-604100 API not found', fault: { kind: 'cloudError', errorCode: -604100 }, expected: final('API_NOT_FOUND', -604100), requests: 1 },
  { name: '-604101 no permission', fault: { kind: 'cloudError', errorCode: -604101 }, expected: final('NO_API_PERMISSION', -604101), requests: 1 },
  { name: '-604102 cloud call timeout', fault: { kind: 'cloudError', errorCode: -604102 }, expected: UNKNOWN, requests: 3 },
  { name: '-604103 cloud call system error', fault: { kind: 'cloudError', errorCode: -604103 }, expected: UNKNOWN, requests: 3 },
  { name: '-604104 illegal invocation source', fault: { kind: 'cloudError', errorCode: -604104 }, expected: final('ILLEGAL_INVOCATION_SOURCE', -604104), requests: 1 },
  { name: 'TCB JSON INVALID_PARAM', fault: { kind: 'tcbJson', code: 'INVALID_PARAM' }, expected: final('CLOUD_INVALID_PARAM', -501007), requests: 1 },
  { name: 'TCB JSON with an unknown code', fault: { kind: 'tcbJson', code: 'SOMETHING_NEW' }, expected: UNKNOWN, requests: 3 },
  { name: 'HTTP 500', fault: { kind: 'http', status: 500 }, expected: UNKNOWN, requests: 3 },
  { name: 'HTTP 502 once, then success', fault: { kind: 'http', status: 502 }, times: 1, expected: { ...final('OK', 0), ok: true }, requests: 2 },
  { name: 'malformed body', fault: { kind: 'malformed' }, expected: UNKNOWN, requests: 3 },
  { name: 'slow answer inside the request timeout', fault: { kind: 'slow', delayMs: 200 }, expected: { ...final('OK', 0), ok: true }, requests: 1 },
  { name: 'hanging gateway: each attempt times out', fault: { kind: 'hang' }, env: 'hang', expected: UNKNOWN, requests: 3 },
  {
    name: 'hanging gateway past the time budget',
    fault: { kind: 'hang' },
    env: 'abandon',
    expected: UNKNOWN,
    requests: 1,
  },
];

let cloud: LocalCloud;
const pool = containerPool();
const containers = new Map<string, WarmFunction>();

async function container(fn: 'bindAccount' | 'updatePrinter', env: Row['env']): Promise<WarmFunction> {
  const key = `${fn}:${env ?? 'default'}`;
  let found = containers.get(key);
  if (!found) {
    const fnEnv = env === 'hang' ? HANG_ENV : env === 'abandon' ? ABANDON_ENV : ADMIN_ENV;
    found = await pool.start({ cloud, fn, env: fnEnv });
    containers.set(key, found);
  }
  return found;
}

beforeAll(async () => {
  await ensureBuilt();
  cloud = await startLocalCloud({ carrierAccounts: [ACCOUNT] });
}, SLOW_TEST_MS);

afterAll(async () => {
  await pool.closeAll();
  await cloud?.close();
});

afterEach(() => {
  cloud.faults.clear();
  cloud.clearRequests();
});

describe('fault matrix through the real SDK and the local cloud', () => {
  test.each(MATRIX.map((row) => [row.name, row] as const))(
    '%s',
    async (_name, row) => {
      const fn = row.fn ?? 'bindAccount';
      const warm = await container(fn, row.env);
      cloud.faults.next(row.fault, { api: `logistics.${fn}`, times: row.times ?? Infinity });

      const envelope = await call(warm, fn === 'bindAccount' ? BIND : PRINTER_BIND);

      expect(envelope).toMatchObject({ ok: row.expected.ok ?? false, code: row.expected.code, errCode: row.expected.errCode, retryable: row.expected.retryable });
      expect(openapiRequestCount(cloud)).toBe(row.requests);
      // Whatever went wrong, the password stays inside.
      expect(JSON.stringify(envelope)).not.toContain(PASSWORD);
      // Reset what a successful row changed, so rows stay independent.
      if (envelope.ok && fn === 'bindAccount') {
        cloud.faults.clear();
        expect(await call(warm, { ...BIND, type: 'unbind' })).toMatchObject({ ok: true });
      }
    },
    SLOW_TEST_MS,
  );

  test('refused connection (nothing listening) → CLOUD_SYSTEM_ERROR after 3 attempts', async () => {
    const closed = await startLocalCloud();
    const url = closed.functionUrl('bindAccount');
    await closed.close();
    const warm = await pool.start({ cloud: { functionUrl: () => url } as unknown as LocalCloud, fn: 'bindAccount' });
    const envelope = await call(warm, BIND);
    expect(envelope).toMatchObject({ ok: false, code: 'CLOUD_SYSTEM_ERROR', errCode: -501001, retryable: true });
    const audit = warm.output().stdout.trim().split('\n').map((line) => JSON.parse(line) as { attempts: number; code: string });
    expect(audit.at(-1)).toMatchObject({ attempts: 3, code: 'CLOUD_SYSTEM_ERROR' });
  }, SLOW_TEST_MS);

  test.each([
    ['a bind whose answer was lost', BIND, 9300529, 1],
    ['an unbind whose answer was lost', { ...BIND, type: 'unbind' }, 9300530, 0],
  ])('%s is retried and reported as applied by the earlier attempt, never doubled', async (_name, event, settlingErrcode, boundAfter) => {
    const warm = await container('bindAccount', undefined);
    if (event.type === 'unbind') expect(await call(warm, BIND)).toMatchObject({ ok: true });
    cloud.clearRequests();
    cloud.faults.next({ kind: 'errcode', errcode: -1, applied: true }, { api: 'logistics.bindAccount', times: 1 });
    try {
      const envelope = await call(warm, event);

      expect(envelope).toMatchObject({ ok: true, errCode: 0, code: 'OK', data: { appliedByEarlierAttempt: true, attempts: 2 } });
      // The first attempt changed the state and lost its answer; the retry found it done.
      expect(openapiRequests(cloud).map((r) => r.outcome)).toEqual([
        { kind: 'answered', errcode: -1, errmsg: expect.any(String) },
        { kind: 'answered', errcode: settlingErrcode, errmsg: expect.any(String) },
      ]);
      expect(cloud.openapi.state().boundAccounts).toHaveLength(boundAfter);
    } finally {
      cloud.faults.clear();
      if (cloud.openapi.state().boundAccounts.length > 0) await call(warm, { ...BIND, type: 'unbind' });
    }
  }, SLOW_TEST_MS);

  test('every audit line of the matrix names the admin and never the password', () => {
    const printed = pool.output();
    expect(printed).toContain(`"caller":"${ADMIN}"`);
    expect(printed).not.toContain(PASSWORD);
  });
});
