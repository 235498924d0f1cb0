/**
 * The two built functions end to end: every errcode of both docs pages as the envelope the
 * function returns, and the authorisation refusals, which must not reach the cloud at all.
 */
import { describeErrCode, entryForCode } from '../../core/catalogue';
import type { Envelope } from '../../core/envelope';
import { DEFAULT_RETRY_POLICY } from '../../core/retry-policy';
import { startLocalCloud, type LocalCloud } from '../../localcloud/server';
import type { WarmFunction } from '../../localcloud/invoke';
import { ADMIN, ADMIN_ENV, call, containerPool, ensureBuilt, SLOW_TEST_MS, STRANGER, openapiRequests, openapiRequestCount } from './support/harness';

jest.setTimeout(SLOW_TEST_MS);

const pool = containerPool();
let cloud: LocalCloud;
let printers: WarmFunction;
let accounts: WarmFunction;

const YUNDA = { deliveryId: 'YUNDA', bizId: 'fn-yunda', password: 'fn-yunda-password' };

beforeAll(async () => {
  await ensureBuilt();
  cloud = await startLocalCloud({
    carrierAccounts: [YUNDA, { deliveryId: 'SF', bizId: 'fn-sf' }, { deliveryId: 'EMS', bizId: 'fn-ems' }, { deliveryId: 'EMS', bizId: 'fn-ems-2' }],
    // Printers bound by openid are users of the mini program (WeChat answers 40003 for others).
    knownUsers: ['oOtherPrinter', 'oPMinus1', 'oServerPrinter'],
  });
  [printers, accounts] = await Promise.all([pool.start({ cloud, fn: 'updatePrinter' }), pool.start({ cloud, fn: 'bindAccount' })]);
});

afterAll(async () => {
  await pool.closeAll();
  await cloud?.close();
});

beforeEach(() => {
  cloud.faults.clear();
  cloud.clearRequests();
});

/** The envelope carries the catalogue's entry for its code, and ok exactly when errCode is 0. */
function expectEnvelope(envelope: Envelope, code: string): void {
  const entry = entryForCode(code);
  expect(envelope).toMatchObject({ ok: entry.errCode === 0, errCode: entry.errCode, code, message: entry.message, retryable: entry.retryable });
  expect(envelope.ok).toBe(envelope.errCode === 0);
}

describe('updatePrinter (docs: 0, -1, 9300517)', () => {
  test('40003: an openid WeChat does not know as a user of the mini program is INVALID_OPENID, not retried', async () => {
    expectEnvelope(await call(printers, { openid: 'oNeverOpenedTheMiniProgram', updateType: 'bind' }), 'INVALID_OPENID');
    expect(openapiRequestCount(cloud)).toBe(1);
    expect(cloud.openapi.state().printers).not.toContain('oNeverOpenedTheMiniProgram');
  });

  test('0: binds the caller themself when no openid is given', async () => {
    expectEnvelope(await call(printers, { updateType: 'bind' }), 'OK');
    expect(openapiRequests(cloud)).toEqual([expect.objectContaining({ functionName: 'updatePrinter', params: { openid: ADMIN, update_type: 'bind' } })]);
    expect(cloud.openapi.state().printers).toContain(ADMIN);
  });

  test('0: bind and unbind of another printer, each repeated, all answer 0', async () => {
    for (const updateType of ['bind', 'bind', 'unbind', 'unbind']) {
      expectEnvelope(await call(printers, { openid: 'oOtherPrinter', updateType, tagidList: '1,2' }), 'OK');
    }
    expect(openapiRequestCount(cloud)).toBe(4);
    expect(openapiRequests(cloud)[0]!.params).toEqual({ openid: 'oOtherPrinter', update_type: 'bind', tagid_list: '1,2' });
    expect(cloud.openapi.state().printers).not.toContain('oOtherPrinter');
  });

  test('9300517 maps to INVALID_UPDATE_TYPE (injected: the function refuses a bad updateType itself; the real rule is in sdk-protocol.test.ts)', async () => {
    cloud.faults.next({ kind: 'errcode', errcode: 9300517 });
    const envelope = await call(printers, { openid: 'oP517', updateType: 'bind' });
    expectEnvelope(envelope, 'INVALID_UPDATE_TYPE');
    expect(envelope.errMsg).toBe('openapi.logistics.updatePrinter:fail invalid update_type');
    expect(openapiRequestCount(cloud)).toBe(1);
  });

  test('a bad updateType never reaches the cloud', async () => {
    const envelope = await call(printers, { openid: 'oP', updateType: 'rebind' });
    expect(envelope).toMatchObject({ ok: false, code: 'INVALID_PARAM', field: 'updateType' });
    expect(openapiRequestCount(cloud)).toBe(0);
  });

  // WeChat's -1 ("system busy") does not say the call had no effect, so a write that ends on it is unknown.
  test('-1 after every attempt the retry policy allows is OUTCOME_UNKNOWN', async () => {
    cloud.faults.next({ kind: 'errcode', errcode: -1 }, { times: Infinity });
    const envelope = await call(printers, { openid: 'oPMinus1', updateType: 'bind' });
    expectEnvelope(envelope, 'OUTCOME_UNKNOWN');
    expect(openapiRequestCount(cloud)).toBe(DEFAULT_RETRY_POLICY.maxAttempts);
    expect(cloud.openapi.state().printers).not.toContain('oPMinus1');
  });
});

describe('bindAccount (docs: 0, -1, 9300529, 9300530, 9300531, 9300532)', () => {
  test('0 then 9300529 ALREADY_BOUND; unbind 0 then 9300530 BIZ_ID_NOT_FOUND', async () => {
    expectEnvelope(await call(accounts, { type: 'bind', ...YUNDA }), 'OK');
    expect(cloud.openapi.state().boundAccounts).toContainEqual({ deliveryId: 'YUNDA', bizId: 'fn-yunda' });
    const again = await call(accounts, { type: 'bind', ...YUNDA });
    expectEnvelope(again, 'ALREADY_BOUND');
    // The call carried a password: its errMsg holds no outside text (issue 18 item 3).
    expect(again.errMsg).toBe('openapi.logistics.bindAccount:fail errcode 9300529 ALREADY_BOUND (outside text withheld: the call carried a password)');
    expectEnvelope(await call(accounts, { type: 'unbind', deliveryId: 'YUNDA', bizId: 'fn-yunda' }), 'OK');
    expectEnvelope(await call(accounts, { type: 'unbind', deliveryId: 'YUNDA', bizId: 'fn-yunda' }), 'BIZ_ID_NOT_FOUND');
    expect(openapiRequests(cloud).map((request) => request.params)).toEqual([
      { type: 'bind', biz_id: 'fn-yunda', delivery_id: 'YUNDA', password: '******' },
      { type: 'bind', biz_id: 'fn-yunda', delivery_id: 'YUNDA', password: '******' },
      { type: 'unbind', biz_id: 'fn-yunda', delivery_id: 'YUNDA' },
      { type: 'unbind', biz_id: 'fn-yunda', delivery_id: 'YUNDA' },
    ]);
  });

  test('9300531 WRONG_ACCOUNT_OR_PASSWORD: wrong password, no password, unknown account', async () => {
    for (const event of [
      { type: 'bind', deliveryId: 'YUNDA', bizId: 'fn-yunda', password: 'not-it' },
      { type: 'bind', deliveryId: 'YUNDA', bizId: 'fn-yunda' },
      { type: 'bind', deliveryId: 'YUNDA', bizId: 'no-such-customer', password: 'fn-yunda-password' },
    ]) {
      expectEnvelope(await call(accounts, event), 'WRONG_ACCOUNT_OR_PASSWORD');
    }
    expect(cloud.openapi.state().boundAccounts).not.toContainEqual({ deliveryId: 'YUNDA', bizId: 'fn-yunda' });
  });

  test('SF needs no password', async () => {
    expectEnvelope(await call(accounts, { type: 'bind', deliveryId: 'SF', bizId: 'fn-sf' }), 'OK');
  });

  test('9300532 UNDER_REVIEW for EMS, again while pending; once approved, 9300529', async () => {
    const event = { type: 'bind', deliveryId: 'EMS', bizId: 'fn-ems', remarkContent: '电话:13800000000 联系人:张三 服务类型:标准快递 发货地址:上海' };
    const envelope = await call(accounts, event);
    expectEnvelope(envelope, 'UNDER_REVIEW');
    expect(envelope.retryable).toBe(false);
    expect(cloud.openapi.state().pendingAccounts).toEqual([{ deliveryId: 'EMS', bizId: 'fn-ems' }]);
    expectEnvelope(await call(accounts, event), 'UNDER_REVIEW');
    expect(cloud.openapi.approveReview({ deliveryId: 'EMS', bizId: 'fn-ems' })).toBe(true);
    expectEnvelope(await call(accounts, event), 'ALREADY_BOUND');
    expectEnvelope(await call(accounts, { type: 'unbind', deliveryId: 'EMS', bizId: 'fn-ems' }), 'OK');
  });

  test('a pending EMS bind can be withdrawn by unbind', async () => {
    const event = { type: 'bind', deliveryId: 'EMS', bizId: 'fn-ems-2', remarkContent: '联系人:李四' };
    expectEnvelope(await call(accounts, event), 'UNDER_REVIEW');
    expectEnvelope(await call(accounts, { type: 'unbind', deliveryId: 'EMS', bizId: 'fn-ems-2' }), 'OK');
    expect(cloud.openapi.state().pendingAccounts).toEqual([]);
  });

  test('EMS without remarkContent: the local cloud answers 47001, which keeps its code in the envelope', async () => {
    const envelope = await call(accounts, { type: 'bind', deliveryId: 'EMS', bizId: 'fn-ems' });
    expect(envelope).toMatchObject({ ok: false, errCode: 47001, code: describeErrCode(47001).code, retryable: false });
  });

  test('-1 after every attempt is OUTCOME_UNKNOWN (here nothing was bound)', async () => {
    cloud.faults.next({ kind: 'errcode', errcode: -1 }, { api: 'logistics.bindAccount', times: Infinity });
    expectEnvelope(await call(accounts, { type: 'bind', deliveryId: 'SF', bizId: 'fn-sf-minus-1' }), 'OUTCOME_UNKNOWN');
    expect(openapiRequestCount(cloud)).toBe(DEFAULT_RETRY_POLICY.maxAttempts);
    expect(openapiRequests(cloud).every((request) => !request.applied)).toBe(true);
  });
});

describe('authorisation: refused callers never reach the cloud', () => {
  let refused: Record<'stranger' | 'noIdentity' | 'noAdmins', WarmFunction>;
  let trustedServer: WarmFunction;

  beforeAll(async () => {
    const [stranger, noIdentity, noAdmins, server] = await Promise.all([
      pool.start({ cloud, fn: 'bindAccount', caller: { openid: STRANGER, source: 'wx_client' } }),
      pool.start({ cloud, fn: 'bindAccount', caller: { source: 'wx_trigger' } }),
      pool.start({ cloud, fn: 'bindAccount', caller: { openid: ADMIN, source: 'wx_client' }, env: {} }),
      pool.start({ cloud, fn: 'updatePrinter', caller: { source: 'wx_trigger' }, env: { ...ADMIN_ENV, LOGISTICS_SERVER_SOURCES: 'wx_trigger' } }),
    ]);
    refused = { stranger: stranger!, noIdentity: noIdentity!, noAdmins: noAdmins! };
    trustedServer = server!;
  });

  test.each([
    ['stranger', 'NOT_ADMIN'],
    ['noIdentity', 'NO_CALLER_IDENTITY'],
    ['noAdmins', 'ADMINS_NOT_CONFIGURED'],
  ] as const)('%s → %s, zero requests', async (who, code) => {
    const envelope = await call(refused[who], { type: 'bind', ...YUNDA });
    expectEnvelope(envelope, code);
    expect(openapiRequestCount(cloud)).toBe(0);
  });

  test('a caller without OPENID from a trusted source is served, and must name the printer', async () => {
    expectEnvelope(await call(trustedServer, { openid: 'oServerPrinter', updateType: 'bind' }), 'OK');
    expect(openapiRequestCount(cloud)).toBe(1);
    expect(await call(trustedServer, { updateType: 'bind' })).toMatchObject({ ok: false, code: 'INVALID_PARAM', field: 'openid' });
    expect(openapiRequestCount(cloud)).toBe(1);
  });
});
