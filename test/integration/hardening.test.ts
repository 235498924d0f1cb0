/**
 * Issue 12's reproductions, through the built functions and the real wx-server-sdk against the
 * local cloud: what an outside attack-and-fault pass found, each held as the behaviour it must have.
 */
import type { AuditLine } from '../../core/audit';
import type { Envelope } from '../../core/envelope';
import type { WXContextCaller, WarmFunction } from '../../localcloud/invoke';
import { startLocalCloud, type LocalCloud } from '../../localcloud/server';
import { ADMIN, ADMIN_ENV, call, containerPool, ensureBuilt, SLOW_TEST_MS, openapiRequestCount } from './support/harness';

jest.setTimeout(SLOW_TEST_MS);

const SF = { deliveryId: 'SF', bizId: 'hardening-sf' };
const YUNDA = { deliveryId: 'YUNDA', bizId: 'hardening-yunda', password: 'hardening-yunda-pw' };
const SF_BIND = { type: 'bind', ...SF };
const SF_UNBIND = { type: 'unbind', ...SF };

const pool = containerPool();
let cloud: LocalCloud;
let admin: WarmFunction;

beforeAll(async () => {
  await ensureBuilt();
  // The records' collections exist, as the owner creates them (issue 21): no audit line says one was created.
  cloud = await startLocalCloud({ carrierAccounts: [SF, YUNDA], collections: { logistics_printers: [], logistics_invites: [], logistics_activity: [] } });
  admin = await pool.start({ cloud, fn: 'bindAccount' });
});

afterAll(async () => {
  await pool.closeAll();
  await cloud?.close();
});

beforeEach(() => {
  cloud.faults.clear();
  cloud.clearRequests();
});

/** The audit lines a container printed since `from` lines; each must be valid JSON. */
function auditLines(container: WarmFunction): AuditLine[] {
  return container
    .output()
    .stdout.split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as AuditLine);
}

async function unbindAll(container: WarmFunction): Promise<void> {
  cloud.faults.clear();
  for (const account of cloud.openapi.state().boundAccounts) await call(container, { type: 'unbind', deliveryId: account.deliveryId, bizId: account.bizId });
}

describe('1: the password cannot choose what the audit line or the envelope loses', () => {
  test.each([
    ['the audit marker', 'audit'],
    ["the admin's OPENID", ADMIN],
    ['the bizId', SF.bizId],
    ['a quote', '"'],
    ['one letter of the frame', 'e'],
    ['a word of the frame', 'logistics'],
    ['the code', 'OK'],
  ])('a password equal to %s', async (_what, password) => {
    const before = auditLines(admin).length;
    const bound = await call(admin, { ...SF_BIND, password });
    const unbound = await call(admin, { ...SF_UNBIND, password });
    expect(bound).toMatchObject({ ok: true, code: 'OK', errMsg: 'openapi.logistics.bindAccount:ok' });
    expect(unbound).toMatchObject({ ok: true, code: 'OK', errMsg: 'openapi.logistics.bindAccount:ok' });
    const lines = auditLines(admin).slice(before);
    expect(lines).toEqual(
      ['bind', 'unbind'].map((action) => ({
        audit: 'logistics',
        fn: 'bindAccount',
        action,
        caller: ADMIN,
        source: 'wx_client',
        target: { deliveryId: 'SF', bizId: SF.bizId },
        code: 'OK',
        errCode: 0,
        attempts: 1,
        // Its history entry was saved (issue 21); no collection was missing.
        recorded: true,
        collectionCreated: null,
        durationMs: expect.any(Number),
      })),
    );
  });
});

describe('2: an attempt that may have reached WeChat without an answer makes the outcome unknown', () => {
  const QUICK = { ...ADMIN_ENV, LOGISTICS_TIME_BUDGET_MS: '2000', LOGISTICS_REQUEST_TIMEOUT_MS: '300' };
  let quick: WarmFunction;
  let single: WarmFunction;

  beforeAll(async () => {
    [quick, single] = await Promise.all([
      pool.start({ cloud, fn: 'bindAccount', env: QUICK }),
      pool.start({ cloud, fn: 'bindAccount', env: { ...QUICK, LOGISTICS_MAX_ATTEMPTS: '1' } }),
    ]);
  });

  afterEach(async () => unbindAll(admin));

  test('-1, an answer slower than the request timeout that lands, -1 → OUTCOME_UNKNOWN (and it is bound)', async () => {
    cloud.faults.next({ kind: 'errcode', errcode: -1 });
    cloud.faults.next({ kind: 'slow', delayMs: 600 });
    cloud.faults.next({ kind: 'errcode', errcode: -1 });
    const envelope = await call(quick, SF_BIND);
    expect(envelope).toMatchObject({ ok: false, code: 'OUTCOME_UNKNOWN', errCode: -900201, retryable: true });
    expect(openapiRequestCount(cloud)).toBe(3);
    expect(cloud.openapi.state().boundAccounts).toHaveLength(1);
  });

  test('one attempt allowed, one slow answer → OUTCOME_UNKNOWN (and it is bound)', async () => {
    cloud.faults.next({ kind: 'slow', delayMs: 600 });
    expect(await call(single, SF_BIND)).toMatchObject({ ok: false, code: 'OUTCOME_UNKNOWN', errCode: -900201 });
    expect(openapiRequestCount(cloud)).toBe(1);
    expect(cloud.openapi.state().boundAccounts).toHaveLength(1);
  });

  test('a cloud-side code after a timeout does not settle it: OUTCOME_UNKNOWN', async () => {
    cloud.faults.next({ kind: 'slow', delayMs: 600 });
    cloud.faults.next({ kind: 'cloudError', errorCode: -604101 });
    expect(await call(quick, SF_BIND)).toMatchObject({ ok: false, code: 'OUTCOME_UNKNOWN' });
    expect(openapiRequestCount(cloud)).toBe(2);
  });

  test("WeChat's own business answer after a timeout settles it", async () => {
    cloud.faults.next({ kind: 'slow', delayMs: 600 });
    cloud.faults.next({ kind: 'errcode', errcode: 9300531 });
    expect(await call(quick, { type: 'bind', ...YUNDA, password: 'not-the-password' })).toMatchObject({ code: 'WRONG_ACCOUNT_OR_PASSWORD' });
  });

  test('a success after a timeout settles it', async () => {
    cloud.faults.next({ kind: 'hang' });
    expect(await call(quick, SF_BIND)).toMatchObject({ ok: true, code: 'OK' });
    expect(openapiRequestCount(cloud)).toBe(2);
  });

  test('an SDK request timeout (the gateway never answers) → OUTCOME_UNKNOWN after 3 attempts', async () => {
    cloud.faults.next({ kind: 'hang' }, { times: Infinity });
    expect(await call(quick, SF_BIND)).toMatchObject({ ok: false, code: 'OUTCOME_UNKNOWN' });
    expect(openapiRequestCount(cloud)).toBe(3);
  });

  async function neverSent(cloudUrl: string): Promise<{ envelope: Envelope; audit: AuditLine | undefined }> {
    const container = await pool.start({ cloud: { functionUrl: () => cloudUrl }, fn: 'bindAccount', env: QUICK });
    const envelope = await call(container, SF_BIND);
    return { envelope, audit: auditLines(container).at(-1) };
  }

  test('a refused connection never reached WeChat: a plain CLOUD_SYSTEM_ERROR after 3 attempts', async () => {
    const closed = await startLocalCloud();
    const url = closed.functionUrl('bindAccount');
    await closed.close();
    const { envelope, audit } = await neverSent(url);
    expect(envelope).toMatchObject({ ok: false, code: 'CLOUD_SYSTEM_ERROR', errCode: -501001, retryable: true });
    expect(envelope.errMsg).toMatch(/ECONNREFUSED/);
    expect(audit).toMatchObject({ attempts: 3, code: 'CLOUD_SYSTEM_ERROR' });
  });

  test('a failed DNS lookup never reached WeChat: a plain CLOUD_SYSTEM_ERROR after 3 attempts', async () => {
    const { envelope, audit } = await neverSent('http://localcloud.invalid:9/fn/bindAccount');
    expect(envelope).toMatchObject({ ok: false, code: 'CLOUD_SYSTEM_ERROR', errCode: -501001, retryable: true });
    expect(envelope.errMsg).toMatch(/ENOTFOUND|EAI_AGAIN/);
    expect(audit).toMatchObject({ attempts: 3, code: 'CLOUD_SYSTEM_ERROR' });
  });
});

describe('3, as issue 18 item 3 decided: a call that carried a password places no outside text, in any encoding', () => {
  const PASSWORD = 'Pa"ss\\w/rd +&=?中';
  const OWN = (errCode: number, code: string) => `openapi.logistics.bindAccount:fail errcode ${errCode} ${code} (outside text withheld: the call carried a password)`;
  const forms = (secret: string) => {
    const json = JSON.stringify(secret).slice(1, -1);
    const uri = encodeURIComponent(secret);
    const form = new URLSearchParams({ p: secret }).toString().slice(2);
    return {
      exact: secret,
      json,
      uri,
      uriLower: uri.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
      form,
      formLower: form.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
      base64: Buffer.from(secret).toString('base64').replace(/=+$/, ''),
    };
  };

  test.each(Object.keys(forms('x')))('a WeChat message echoing the request in %s form', async (form) => {
    cloud.faults.next({
      kind: 'errcode',
      errcode: 9300531,
      errmsg: (params) => {
        const echoed = forms(String(params.password)) as Record<string, string>;
        return `rejected ${echoed[form]} for ${form}`;
      },
    });
    const envelope = await call(admin, { type: 'bind', ...YUNDA, password: PASSWORD });
    expect(envelope.code).toBe('WRONG_ACCOUNT_OR_PASSWORD');
    expect(envelope.errMsg).toBe(OWN(9300531, 'WRONG_ACCOUNT_OR_PASSWORD'));
  });

  test('base64 of a body that holds the password at any offset', async () => {
    for (const prefix of ['', 'a', 'ab']) {
      cloud.faults.next({
        kind: 'tcbJson',
        code: 'INVALID_PARAM',
        message: `body ${Buffer.from(`${prefix}{"password":${JSON.stringify(PASSWORD)}}`).toString('base64')}`,
      });
      const envelope = await call(admin, { type: 'bind', ...YUNDA, password: PASSWORD });
      expect(envelope.code).toBe('CLOUD_INVALID_PARAM');
      expect(envelope.errMsg).toBe(OWN(-501007, 'CLOUD_INVALID_PARAM'));
    }
  });

  test('a password inside the frame does not garble it', async () => {
    cloud.faults.next({ kind: 'errcode', errcode: 9300531, errmsg: 'wrong ogistics' });
    const envelope = await call(admin, { type: 'bind', ...YUNDA, password: 'ogistics' });
    expect(envelope.errMsg).toBe(OWN(9300531, 'WRONG_ACCOUNT_OR_PASSWORD'));
  });

  test('a password of any length, however short', async () => {
    cloud.faults.next({ kind: 'errcode', errcode: 9300531, errmsg: 'password pw1 rejected' });
    const envelope = await call(admin, { type: 'bind', ...YUNDA, password: 'pw1' });
    expect(envelope.code).toBe('WRONG_ACCOUNT_OR_PASSWORD');
    expect(envelope.errMsg).toBe(OWN(9300531, 'WRONG_ACCOUNT_OR_PASSWORD'));
  });

  test('without a password, at most 512 characters of outside text are kept', async () => {
    cloud.faults.next({ kind: 'errcode', errcode: 9300531, errmsg: 'x'.repeat(5000) });
    const envelope = await call(admin, SF_BIND);
    expect(envelope.errMsg.length).toBeLessThanOrEqual('openapi.logistics.bindAccount:fail '.length + 512 + 16);
    expect(envelope.errMsg).toContain('x'.repeat(500));
  });
});

describe('4, 5, 6: who may call and whether the function is configured, before anything else', () => {
  async function refusedWithoutCall(caller: WXContextCaller, env: Record<string, string>, event: unknown = SF_BIND): Promise<Envelope> {
    const container = await pool.start({ cloud, fn: 'bindAccount', caller, env });
    const envelope = await call(container, event);
    expect(openapiRequestCount(cloud)).toBe(0);
    return envelope;
  }
  const SERVER: WXContextCaller = { source: 'scf' };
  const TRUSTED = { ...ADMIN_ENV, LOGISTICS_SERVER_SOURCES: 'scf' };

  test('4: an empty admin list refuses a trusted server caller too', async () => {
    expect(await refusedWithoutCall(SERVER, { LOGISTICS_ADMIN_OPENIDS: '', LOGISTICS_SERVER_SOURCES: 'scf' })).toMatchObject({
      code: 'ADMINS_NOT_CONFIGURED',
    });
  });

  test.each([
    ['all digits (the SDK makes it a number)', '12345'],
    ['whitespace only', '   '],
    ['a trailing space', `${ADMIN} `],
    ['a character outside the openid set', 'oAdmin!'],
    ['longer than 128', 'o'.repeat(129)],
  ])('5: an OPENID that is %s is INVALID_CALLER_IDENTITY, never a server', async (_what, openid) => {
    const envelope = await refusedWithoutCall({ openid, source: 'scf' }, { ...TRUSTED, LOGISTICS_ADMIN_OPENIDS: `${ADMIN},${openid.trim()}` });
    expect(envelope).toMatchObject({ ok: false, code: 'INVALID_CALLER_IDENTITY', errCode: -900104, retryable: false });
  });

  test('5: the caller identity is checked first, even before the admin list', async () => {
    expect(await refusedWithoutCall({ openid: '12345' }, { LOGISTICS_ADMIN_OPENIDS: '' })).toMatchObject({ code: 'INVALID_CALLER_IDENTITY' });
  });

  test.each([
    ['LOGISTICS_TIME_BUDGET_MS', '2147483648'],
    ['LOGISTICS_TIME_BUDGET_MS', '499'],
    ['LOGISTICS_TIME_BUDGET_MS', '900001'],
    ['LOGISTICS_TIME_BUDGET_MS', '2500.5'],
    ['LOGISTICS_TIME_BUDGET_MS', '2.5e3'],
    ['LOGISTICS_REQUEST_TIMEOUT_MS', '99'],
    ['LOGISTICS_REQUEST_TIMEOUT_MS', '2501'],
    ['LOGISTICS_MAX_ATTEMPTS', '0'],
    ['LOGISTICS_MAX_ATTEMPTS', '6'],
    ['LOGISTICS_MAX_ATTEMPTS', 'three'],
  ])('6: %s=%s is INVALID_CONFIGURATION naming the variable, and nothing is sent', async (variable, value) => {
    const envelope = await refusedWithoutCall({ openid: ADMIN, source: 'wx_client' }, { ...ADMIN_ENV, [variable]: value });
    expect(envelope).toMatchObject({ ok: false, code: 'INVALID_CONFIGURATION', errCode: -900105, retryable: false });
    expect(envelope.errMsg).toContain(variable);
    expect(envelope.message).toContain(variable);
  });

  test('6: the admin list comes before the configuration', async () => {
    const envelope = await refusedWithoutCall({ openid: 'oStranger', source: 'wx_client' }, { ...ADMIN_ENV, LOGISTICS_MAX_ATTEMPTS: '9' });
    expect(envelope.code).toBe('NOT_ADMIN');
  });

  test('6: an empty variable means its default; the range edges are accepted', async () => {
    const container = await pool.start({
      cloud,
      fn: 'bindAccount',
      env: { ...ADMIN_ENV, LOGISTICS_TIME_BUDGET_MS: '900000', LOGISTICS_REQUEST_TIMEOUT_MS: '', LOGISTICS_MAX_ATTEMPTS: '5' },
    });
    expect(await call(container, SF_BIND)).toMatchObject({ ok: true });
    expect(await call(container, SF_UNBIND)).toMatchObject({ ok: true });
  });
});

describe('7, 8: what an event may hold', () => {
  test.each([
    ['bizId', { ...SF_BIND, bizId: 'demo-sf\u0085\u009b31m' }],
    ['bizId', { ...SF_BIND, bizId: 'demo\u200bsf' }],
    ['bizId', { ...SF_BIND, bizId: 'demo\u202esf' }],
    ['bizId', { ...SF_BIND, bizId: 'demo\u2028sf' }],
    ['password', { ...SF_BIND, password: 'secret\u0085word' }],
    ['remarkContent', { ...SF_BIND, remarkContent: '电话:1\u009b联系人:张' }],
    ['remarkContent', { ...SF_BIND, remarkContent: '电话:1\u2029联系人:张' }],
  ])('7: %s with a C1 control, format character or line separator is refused', async (field, event) => {
    expect(await call(admin, event)).toMatchObject({ code: 'INVALID_PARAM', field });
    expect(openapiRequestCount(cloud)).toBe(0);
  });

  test('8: a huge unknown field name is not echoed', async () => {
    const name = 'n'.repeat(100_000);
    const envelope = await call(admin, { ...SF_BIND, [name]: 1 });
    expect(envelope).toMatchObject({ code: 'INVALID_PARAM', field: '(unknown field)' });
    expect(JSON.stringify(envelope).length).toBeLessThan(1000);
  });

  test.each([
    ['a name with a character outside [A-Za-z0-9_$]', 'biz-id', '(unknown field)'],
    ['a name of 65 characters', 'x'.repeat(65), '(unknown field)'],
    ['a plain typo', 'bizid', 'bizid'],
    ['64 characters', 'y'.repeat(64), 'y'.repeat(64)],
  ])('8: %s', async (_what, name, field) => {
    const envelope = await call(admin, { ...SF_BIND, [name]: 1 });
    expect(envelope).toMatchObject({ code: 'INVALID_PARAM', field });
    expect(envelope.errMsg).toContain(`invalid param ${field}`);
    if (field !== name) expect(JSON.stringify(envelope)).not.toContain(name);
  });
});
