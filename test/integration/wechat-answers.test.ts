/**
 * Issue 18's reproductions, through the built functions, the real wx-server-sdk and the local
 * cloud: `ok` only on an answer that is WeChat's (items 1, 2); a call that carried a password
 * places no outside text (3); the SDK's quote of a body it cannot parse is not passed on (4); the
 * -900xxx range is ours (5); getBindings' lists stay within the platform's 1 MB (6); what each
 * attempt got after WeChat's -1 (7).
 */
import type { Envelope } from '../../core/envelope';
import type { Fault } from '../../localcloud/faults';
import type { WarmFunction } from '../../localcloud/invoke';
import { startLocalCloud, type LocalCloud } from '../../localcloud/server';
import type { BindingsData, WeChatPart } from '../../miniprogram/shared/bindings';
import type { MintedInviteData } from '../../miniprogram/shared/printer-invites';
import { ADMIN_CALLER, ADMIN_ENV, call, containerPool, ensureBuilt, INVOKE_TIMEOUT_MS, SLOW_TEST_MS } from './support/harness';

jest.setTimeout(SLOW_TEST_MS);

const SF = { deliveryId: 'SF', bizId: 'answers-sf' };
const PASSWORD = 'Answers-pw-0123456789';
const YUNDA = { deliveryId: 'YUNDA', bizId: 'answers-yunda', password: PASSWORD };
const PRINTER = 'oPrinterAnswers0000000000001';
const STAFF = 'oStaffAnswers000000000000001';
const ENV = { ...ADMIN_ENV, LOGISTICS_INVITE_SECRET: 'answers-invite-secret-0123456789abcdef' };

/** Answers the SDK resolves with errCode 0 although they are no answer of WeChat's. */
const NON_ANSWERS: ReadonlyArray<[string, Fault]> = [
  ['an empty HTTP 200 body', { kind: 'http', status: 200 }],
  ['text/html', { kind: 'contentType', contentType: 'text/html', body: '<html><body>ok</body></html>' }],
  ['application/octet-stream', { kind: 'contentType', contentType: 'application/octet-stream', body: '{"errcode":0,"errmsg":"ok"}' }],
  ['Application/JSON', { kind: 'contentType', contentType: 'Application/JSON', body: '{"errcode":0,"errmsg":"ok"}' }],
  ['text/plain that is not JSON', { kind: 'contentType', contentType: 'text/plain', body: 'ok' }],
];

const PART_API: Readonly<Record<WeChatPart, string>> = {
  accounts: 'logistics.getAllAccount',
  printers: 'logistics.getPrinter',
  carriers: 'logistics.getAllDelivery',
};

const pool = containerPool();
let cloud: LocalCloud;
let accounts: WarmFunction;
let printers: WarmFunction;
let staff: WarmFunction;
let reader: WarmFunction;

beforeAll(async () => {
  await ensureBuilt();
  cloud = await startLocalCloud({ carrierAccounts: [SF, YUNDA], knownUsers: [PRINTER], printers: ['oPrinterSeeded00000000000001'] });
  [accounts, printers, staff, reader] = await Promise.all([
    pool.start({ cloud, fn: 'bindAccount' }),
    pool.start({ cloud, fn: 'updatePrinter', env: ENV }),
    pool.start({ cloud, fn: 'updatePrinter', env: ENV, caller: { ...ADMIN_CALLER, openid: STAFF } }),
    pool.start({ cloud, fn: 'getBindings' }),
  ]);
});

afterAll(async () => {
  await pool.closeAll();
  await cloud?.close();
});

beforeEach(() => {
  cloud.faults.clear();
  cloud.clearRequests();
});

afterEach(async () => {
  cloud.faults.clear();
  for (const account of cloud.openapi.state().boundAccounts) await call(accounts, { type: 'unbind', deliveryId: account.deliveryId, bizId: account.bizId });
  for (const openid of [PRINTER, STAFF]) await call(printers, { openid, updateType: 'unbind' });
});

const key = (a: { deliveryId: string; bizId: string }) => `${a.deliveryId}/${a.bizId}`;
const isBound = (a: { deliveryId: string; bizId: string }) => cloud.openapi.state().boundAccounts.map(key).includes(key(a));

describe('items 1, 2: ok only on an answer that is WeChat\'s', () => {
  describe.each(NON_ANSWERS)('%s', (_what, fault) => {
    test('on every attempt of a bind: OUTCOME_UNKNOWN, never ok (nothing was bound)', async () => {
      cloud.faults.next(fault, { api: 'logistics.bindAccount', times: Infinity });
      const envelope = await call(accounts, { type: 'bind', ...SF });
      expect(envelope).toMatchObject({ ok: false, code: 'OUTCOME_UNKNOWN', errCode: -900201, retryable: true });
      expect(cloud.requestCount()).toBe(3);
      expect(isBound(SF)).toBe(false);
    });

    test('on every attempt of a printer bind and of an invite accepted: OUTCOME_UNKNOWN', async () => {
      cloud.faults.next(fault, { api: 'logistics.updatePrinter', times: Infinity });
      expect(await call(printers, { openid: PRINTER, updateType: 'bind' })).toMatchObject({ ok: false, code: 'OUTCOME_UNKNOWN' });
      const minted = await call(printers, { updateType: 'invite' });
      const accepted = await call(staff, { updateType: 'bind', invite: (minted.data as MintedInviteData).invite });
      expect(accepted).toMatchObject({ ok: false, code: 'OUTCOME_UNKNOWN' });
      expect(cloud.openapi.state().printers).not.toContain(PRINTER);
      expect(cloud.openapi.state().printers).not.toContain(STAFF);
    });

    test('applied on every attempt (the effect happened, the answer is no answer): OUTCOME_UNKNOWN, and it is bound', async () => {
      cloud.faults.next({ ...fault, applied: true } as Fault, { api: 'logistics.bindAccount', times: Infinity });
      expect(await call(accounts, { type: 'bind', ...SF })).toMatchObject({ ok: false, code: 'OUTCOME_UNKNOWN' });
      expect(isBound(SF)).toBe(true);
    });

    test('once, then WeChat answers: the retry settles it (ok, and bound)', async () => {
      cloud.faults.next(fault, { api: 'logistics.bindAccount' });
      expect(await call(accounts, { type: 'bind', ...SF })).toMatchObject({ ok: true, code: 'OK' });
      expect(isBound(SF)).toBe(true);
      await call(accounts, { type: 'unbind', ...SF });
      cloud.faults.next({ ...fault, applied: true } as Fault, { api: 'logistics.bindAccount' });
      expect(await call(accounts, { type: 'bind', ...SF })).toMatchObject({ ok: true, data: { appliedByEarlierAttempt: true, attempts: 2 } });
      expect(isBound(SF)).toBe(true);
    });

    test.each(Object.keys(PART_API) as WeChatPart[])('getBindings: the %s part fails with MALFORMED_ANSWER, never an empty list', async (part) => {
      cloud.faults.next(fault, { api: PART_API[part], times: Infinity });
      const envelope = await call(reader, {});
      expect(envelope).toMatchObject({ ok: false, code: 'MALFORMED_ANSWER', errCode: -900301 });
      const data = envelope.data as BindingsData;
      expect(data[part]).toMatchObject({ ok: false, code: 'MALFORMED_ANSWER', errCode: -900301, retryable: false });
      for (const other of (Object.keys(PART_API) as WeChatPart[]).filter((p) => p !== part)) expect(data[other]).toMatchObject({ ok: true });
      expect(cloud.requestCount({ api: PART_API[part] })).toBe(1);
    });
  });

  test('text/plain that is JSON is WeChat\'s answer (the SDK\'s own notice: WeChat sometimes sends it so)', async () => {
    cloud.faults.next({ kind: 'contentType', contentType: 'text/plain', body: '{"errcode":0,"errmsg":"ok"}', applied: true }, { api: 'logistics.bindAccount' });
    expect(await call(accounts, { type: 'bind', ...SF })).toMatchObject({ ok: true, code: 'OK' });
    expect(cloud.requestCount()).toBe(1);
  });
});

describe('item 3: a call that carried a password places no outside text', () => {
  const reversed = (text: string) => [...text].reverse().join('');
  const hex = (text: string) => Buffer.from(text).toString('hex');
  /** The encodings an outside pass found leaking, each as a WeChat errmsg might echo the request. */
  const ECHOES: Readonly<Record<string, (password: string) => string>> = {
    'JSON escaped twice': (p) => JSON.stringify(JSON.stringify({ password: p })),
    'every character \\u-escaped': (p) => [...p].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
    'hex, lower case': (p) => hex(p),
    'hex, upper case': (p) => hex(p).toUpperCase(),
    'HTML entities': (p) => [...p].map((c) => `&#${c.charCodeAt(0)};`).join(''),
    'URL-encoded twice': (p) => encodeURIComponent(encodeURIComponent(p)),
    'base64 of base64': (p) => Buffer.from(Buffer.from(p).toString('base64')).toString('base64'),
    'base64 of UTF-16LE': (p) => Buffer.from(p, 'utf16le').toString('base64'),
    'upper-cased': (p) => p.toUpperCase(),
    reversed: (p) => reversed(p),
    'spaced out': (p) => [...p].join(' '),
    'a 12-character prefix': (p) => p.slice(0, 12),
    'a 12-character suffix': (p) => p.slice(-12),
  };
  const OWN_TEXT = 'openapi.logistics.bindAccount:fail errcode 9300531 WRONG_ACCOUNT_OR_PASSWORD (outside text withheld: the call carried a password)';

  test.each(Object.keys(ECHOES))('an errmsg echoing it %s: errMsg is our own text only', async (how) => {
    cloud.faults.next({ kind: 'errcode', errcode: 9300531, errmsg: (params) => `rejected ${ECHOES[how]!(String(params.password))} (hint)` });
    const envelope = await call(accounts, { type: 'bind', ...YUNDA });
    expect(envelope).toMatchObject({ ok: false, code: 'WRONG_ACCOUNT_OR_PASSWORD', errMsg: OWN_TEXT });
    expect(JSON.stringify(envelope)).not.toContain('rejected');
  });

  test('a TCB error, a cloud error and retried -1 answers that echo it: no outside text in any errMsg', async () => {
    cloud.faults.next({ kind: 'tcbJson', code: 'INVALID_PARAM', message: `rejected ${PASSWORD.slice(0, 12)}` });
    expect(await call(accounts, { type: 'bind', ...YUNDA })).toMatchObject({
      code: 'CLOUD_INVALID_PARAM',
      errMsg: 'openapi.logistics.bindAccount:fail errcode -501007 CLOUD_INVALID_PARAM (outside text withheld: the call carried a password)',
    });
    cloud.faults.next({ kind: 'errcode', errcode: -1, errmsg: (params) => `rejected ${reversed(String(params.password))}` }, { times: Infinity });
    const unknown = await call(accounts, { type: 'bind', ...YUNDA });
    expect(unknown).toMatchObject({ code: 'OUTCOME_UNKNOWN' });
    expect(unknown.errMsg).not.toContain('rejected');
  });

  test('a success is our own frame; a call without a password keeps WeChat\'s text', async () => {
    expect(await call(accounts, { type: 'bind', ...YUNDA })).toMatchObject({ ok: true, errMsg: 'openapi.logistics.bindAccount:ok' });
    cloud.faults.next({ kind: 'errcode', errcode: 9300531, errmsg: 'carrier says: check the customer code' });
    expect(await call(accounts, { type: 'bind', ...SF })).toMatchObject({
      code: 'WRONG_ACCOUNT_OR_PASSWORD',
      errMsg: 'openapi.logistics.bindAccount:fail carrier says: check the customer code',
    });
  });
});

describe('item 4: the SDK\'s frame for a body it cannot parse is kept, the body never', () => {
  const BODIES: ReadonlyArray<[string, string]> = [
    ['not JSON', '{"errcode":0,"password":"quoted-body-marker","cash_biz_id":"quoted-body-marker"'],
    ['a constructor key json-bigint refuses', '{"errcode":0,"constructor":{"x":"quoted-body-marker"}}'],
    ['a __proto__ key json-bigint refuses', '{"errcode":0,"__proto__":{"x":"quoted-body-marker"}}'],
  ];

  test.each(BODIES)('%s, to a read: the part says the body is invalid JSON, without it', async (_what, body) => {
    cloud.faults.next({ kind: 'contentType', contentType: 'application/json', body }, { api: 'logistics.getAllAccount', times: Infinity });
    const envelope = await call(reader, { parts: ['accounts'] });
    const part = (envelope.data as BindingsData).accounts;
    expect(part).toMatchObject({ ok: false, errCode: -601001 });
    expect(part?.ok === false && part.errMsg).toMatch(/^openapi\.logistics\.getAllAccount:fail wechat server internal error, response body is invalid json/);
    expect(JSON.stringify(envelope)).not.toContain('quoted-body-marker');
  });

  test.each(BODIES)('%s, to a write: nothing of the body anywhere in the envelope', async (_what, body) => {
    cloud.faults.next({ kind: 'contentType', contentType: 'application/json', body }, { api: 'logistics.bindAccount', times: Infinity });
    const envelope = await call(accounts, { type: 'bind', ...SF });
    expect(envelope).toMatchObject({ ok: false, code: 'OUTCOME_UNKNOWN' });
    expect(envelope.errMsg).toContain('response body is invalid json');
    expect(JSON.stringify(envelope)).not.toContain('quoted-body-marker');
  });
});

describe('item 5: the -900xxx range is ours; an outside answer in it is an unknown code, its number kept', () => {
  test.each([
    ['a read answering -900201 (our OUTCOME_UNKNOWN)', { kind: 'errcode', errcode: -900201 } as Fault],
    ['a read answering -900202 (our READ_TIMEOUT)', { kind: 'errcode', errcode: -900202 } as Fault],
    ['the gateway answering -900102 (our NOT_ADMIN)', { kind: 'cloudError', errorCode: -900102 } as Fault],
  ])('%s', async (_what, fault) => {
    cloud.faults.next(fault, { api: 'logistics.getPrinter' });
    const errCode = fault.kind === 'errcode' ? fault.errcode : (fault as { errorCode: number }).errorCode;
    const envelope = await call(reader, { parts: ['printers'] });
    expect((envelope.data as BindingsData).printers).toMatchObject({ ok: false, errCode, code: 'UNKNOWN_ERROR', retryable: false });
  });

  test('a write answered -900102 is not NOT_ADMIN, and -900201 is not our OUTCOME_UNKNOWN', async () => {
    cloud.faults.next({ kind: 'errcode', errcode: -900102 });
    expect(await call(accounts, { type: 'bind', ...SF })).toMatchObject({ ok: false, errCode: -900102, code: 'UNKNOWN_ERROR' });
    cloud.faults.next({ kind: 'errcode', errcode: -900201 });
    expect(await call(accounts, { type: 'bind', ...SF })).toMatchObject({ ok: false, errCode: -900201, code: 'UNKNOWN_ERROR', retryable: false });
    expect(cloud.requestCount()).toBe(2);
  });
});

describe('item 6: getBindings\' lists are capped, and the envelope stays within the platform\'s 1 MB', () => {
  test('20,000 full account records: the first 500 listed, with the total and truncated; the result passes the invoker\'s 1 MB limit', async () => {
    const records = Array.from({ length: 20_000 }, (_, i) => ({
      deliveryId: 'YUNDA',
      bizId: `bulk-${String(i).padStart(6, '0')}`,
      statusCode: i % 4,
      alias: `门店 ${i}`,
      remarkContent: '电话:13800000000 联系人:张三',
      remarkWrongMsg: i % 4 === 2 ? '发货地址不详细' : '',
      quotaNum: 100,
    }));
    const big = await startLocalCloud({ accounts: records });
    try {
      const container = await pool.start({ cloud: big, fn: 'getBindings' });
      const invocation = await container.invoke({ parts: ['accounts'] }, { timeoutMs: INVOKE_TIMEOUT_MS });
      expect(invocation.status).toBe('returned');
      const envelope = (invocation as { result: Envelope }).result;
      const part = (envelope.data as BindingsData).accounts;
      expect(part).toMatchObject({ ok: true, total: 20_000, truncated: true });
      expect(part?.ok && part.list.map((a) => a.bizId)).toEqual(records.slice(0, 500).map((r) => r.bizId));
      expect(Buffer.byteLength(JSON.stringify(envelope))).toBeLessThan(1_000_000);
    } finally {
      await big.close();
    }
  });

  test('a list within the cap carries neither total nor truncated', async () => {
    const part = ((await call(reader, { parts: ['printers'] })).data as BindingsData).printers;
    expect(part).toEqual({ ok: true, openids: ['oPrinterSeeded00000000000001'], tagidList: [] });
  });
});

describe('item 7: after WeChat\'s -1, errMsg says what each attempt got', () => {
  test('three -1 answers: each attempt named with its errcode, none said to be without an answer', async () => {
    cloud.faults.next({ kind: 'errcode', errcode: -1 }, { times: 3 });
    const envelope = await call(accounts, { type: 'bind', ...SF });
    expect(envelope).toMatchObject({ ok: false, code: 'OUTCOME_UNKNOWN' });
    expect(envelope.errMsg).toMatch(
      /^openapi\.logistics\.bindAccount:fail outcome unknown: attempt 1 got errcode -1 WECHAT_SYSTEM_ERROR; attempt 2 got errcode -1 WECHAT_SYSTEM_ERROR; attempt 3 got errcode -1 WECHAT_SYSTEM_ERROR/,
    );
    expect(envelope.errMsg).not.toContain('without an answer');
  });

  test('-1, then a request timeout, then -1: each attempt as it was', async () => {
    const quick = await pool.start({ cloud, fn: 'bindAccount', env: { ...ADMIN_ENV, LOGISTICS_TIME_BUDGET_MS: '2000', LOGISTICS_REQUEST_TIMEOUT_MS: '300' } });
    cloud.faults.next({ kind: 'errcode', errcode: -1 });
    cloud.faults.next({ kind: 'hang' });
    cloud.faults.next({ kind: 'errcode', errcode: -1 });
    const envelope = await call(quick, { type: 'bind', ...YUNDA });
    expect(envelope.errMsg).toBe(
      'openapi.logistics.bindAccount:fail outcome unknown: attempt 1 got errcode -1 WECHAT_SYSTEM_ERROR; attempt 2 got errcode -501001 CLOUD_SYSTEM_ERROR; attempt 3 got errcode -1 WECHAT_SYSTEM_ERROR',
    );
  });
});
