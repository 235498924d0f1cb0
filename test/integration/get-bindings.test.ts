/**
 * getBindings through the built function and the real wx-server-sdk against the local cloud: the
 * SDK's conversion of the three answers, every account status, partial failures, malformed
 * answers, a mis-deployed copy, refused callers, and that the three reads overlap in time.
 */
import type { AuditLine } from '../../core/audit';
import type { LocalCloud } from '../../localcloud/server';
import { startLocalCloud } from '../../localcloud/server';
import type { WarmFunction } from '../../localcloud/invoke';
import type { BindingsData } from '../../miniprogram/shared/bindings';
import { CARRIERS } from '../../miniprogram/shared/carriers';
import {
  ADMIN,
  ADMIN_CALLER,
  ADMIN_ENV,
  call,
  containerPool,
  copyBuiltFunction,
  ensureBuilt,
  INVOKE_TIMEOUT_MS,
  SLOW_TEST_MS,
  STRANGER,
  tempFunctionsDir,
  writeDirectSdkFunction, openapiRequests, openapiRequestCount } from './support/harness';

jest.setTimeout(SLOW_TEST_MS);

const READ_APIS = ['logistics.getAllAccount', 'logistics.getPrinter', 'logistics.getAllDelivery'];
const EMS_REMARK = '电话:13800000000 联系人:张三 服务类型:标准快递 发货地址:上海市';

const pool = containerPool();
const functions = tempFunctionsDir();
let cloud: LocalCloud;
let reader: WarmFunction;
let accounts: WarmFunction;
let direct: WarmFunction;

beforeAll(async () => {
  await ensureBuilt();
  writeDirectSdkFunction(functions.dir, 'direct', READ_APIS);
  cloud = await startLocalCloud({
    carrierAccounts: [{ deliveryId: 'EMS', bizId: 'ems-ok' }, { deliveryId: 'EMS', bizId: 'ems-no' }, { deliveryId: 'SF', bizId: 'sf-1' }],
    printers: ['oPrinterOne'],
  });
  [reader, accounts] = await Promise.all([pool.start({ cloud, fn: 'getBindings' }), pool.start({ cloud, fn: 'bindAccount' })]);
});

afterAll(async () => {
  await pool.closeAll();
  await direct?.close();
  await cloud?.close();
  functions.remove();
});

beforeEach(() => {
  cloud.faults.clear();
  cloud.clearRequests();
});

function dataOf(envelope: { data?: unknown }): BindingsData {
  return envelope.data as BindingsData;
}

describe('the SDK facts, through the real SDK with nothing in between', () => {
  let directCloud: LocalCloud;

  beforeAll(async () => {
    directCloud = await startLocalCloud({ functionsDir: functions.dir, printers: ['oP1'], accounts: [{ deliveryId: 'EMS', bizId: 'e1', statusCode: 2, remarkWrongMsg: '地址不详' }] });
    const { startWarmFunction } = await import('../../localcloud/invoke');
    direct = await startWarmFunction({ functionDir: `${functions.dir}/direct`, cloudUrl: directCloud.functionUrl('direct'), caller: ADMIN_CALLER });
  });
  afterAll(() => directCloud.close());

  async function read(api: string): Promise<{ resolved?: Record<string, unknown>; thrown?: { errCode: unknown; errMsg: unknown } }> {
    const invocation = await direct.invoke({ api, params: {} }, { timeoutMs: INVOKE_TIMEOUT_MS });
    if (invocation.status !== 'returned') throw new Error(JSON.stringify(invocation));
    return invocation.result as { resolved?: Record<string, unknown> };
  }

  test('getAllAccount: keys camelCase, recursively; errCode 0 and errMsg "…:ok" added', async () => {
    const { resolved } = await read('logistics.getAllAccount');
    expect(resolved).toEqual({
      errCode: 0,
      errMsg: 'openapi.logistics.getAllAccount:ok',
      count: 1,
      list: [
        {
          bizId: 'e1', deliveryId: 'EMS', createTime: expect.any(Number), updateTime: expect.any(Number), statusCode: 2, alias: '',
          remarkWrongMsg: '地址不详', remarkContent: '', quotaNum: 0, quotaUpdateTime: expect.any(Number),
          serviceType: [{ serviceType: 0, serviceName: '标准快递' }],
        },
      ],
    });
  });

  test('getPrinter: openid stays, tagid_list becomes tagidList (an array)', async () => {
    expect((await read('logistics.getPrinter')).resolved).toEqual({ errCode: 0, errMsg: 'openapi.logistics.getPrinter:ok', count: 1, openid: ['oP1'], tagidList: [] });
  });

  test('getAllDelivery: data[].deliveryId, deliveryName, canUseCash, canGetQuota, serviceType[].serviceName, cashBizId', async () => {
    const { resolved } = await read('logistics.getAllDelivery');
    expect(resolved).toMatchObject({ errCode: 0, errMsg: 'openapi.logistics.getAllDelivery:ok', count: CARRIERS.length });
    expect((resolved!.data as unknown[])[0]).toEqual({
      deliveryId: 'SF', deliveryName: '顺丰速运', canUseCash: 1, canGetQuota: 0, cashBizId: 'SF_CASH',
      serviceType: [{ serviceType: 0, serviceName: '顺丰标快' }, { serviceType: 1, serviceName: '顺丰特快' }],
    });
  });

  test('a non-zero errcode is thrown, as for the write APIs', async () => {
    directCloud.faults.next({ kind: 'errcode', errcode: 45009, errmsg: 'reach max api daily quota limit' }, { api: 'logistics.getPrinter' });
    expect((await read('logistics.getPrinter')).thrown).toEqual({ errCode: 45009, errMsg: 'openapi.logistics.getPrinter:fail reach max api daily quota limit', isError: true });
  });
});

describe('getBindings', () => {
  test('all three parts through the SDK: camelCase, allow-listed, with the caller marked', async () => {
    cloud.openapi.seedAccounts([{ deliveryId: 'YTO', bizId: 'yto-1', statusCode: 0, alias: '总店', quotaNum: 42 }]);
    const envelope = await call(reader, {});
    expect(envelope).toMatchObject({ ok: true, errCode: 0, code: 'OK' });
    const data = dataOf(envelope);
    expect(Object.keys(data)).toEqual(['accounts', 'printers', 'carriers', 'callerOpenid']);
    expect(data.callerOpenid).toBe(ADMIN);
    // The roster has no entry for it: listed by openid, unnamed.
    expect(data.printers).toEqual({ ok: true, openids: ['oPrinterOne'], tagidList: [], people: [{ openid: 'oPrinterOne' }], roster: { ok: true } });
    expect(data.accounts).toEqual({
      ok: true,
      list: [
        {
          bizId: 'yto-1', deliveryId: 'YTO', createTime: expect.any(Number), updateTime: expect.any(Number), statusCode: 0, alias: '总店',
          remarkWrongMsg: '', remarkContent: '', quotaNum: 42, quotaUpdateTime: expect.any(Number), serviceType: [{ serviceType: 0, serviceName: '标准快递' }],
          status: 'BOUND',
        },
      ],
    });
    expect(data.carriers?.ok && data.carriers.list.map((c) => [c.deliveryId, c.deliveryName])).toEqual(CARRIERS.map((c) => [c.deliveryId, c.name]));
    // cashBizId is not one of the fields passed on.
    expect(JSON.stringify(data.carriers)).not.toContain('SF_CASH');
    expect(openapiRequests(cloud).map((r) => r.apiName).sort()).toEqual([...READ_APIS].sort());
    cloud.openapi.seedAccounts([]);
    await call(accounts, { type: 'unbind', deliveryId: 'YTO', bizId: 'yto-1' });
  });

  test('every status: the EMS review approved and rejected through bindAccount, and seeded 3, unknown and missing codes', async () => {
    await call(accounts, { type: 'bind', deliveryId: 'EMS', bizId: 'ems-ok', remarkContent: EMS_REMARK });
    await call(accounts, { type: 'bind', deliveryId: 'EMS', bizId: 'ems-no', remarkContent: EMS_REMARK });
    await call(accounts, { type: 'bind', deliveryId: 'SF', bizId: 'sf-1' });
    const underReview = dataOf(await call(reader, { parts: ['accounts'] })).accounts;
    expect(underReview?.ok && underReview.list.map((a) => [a.bizId, a.status])).toEqual([['ems-ok', 'UNDER_REVIEW'], ['ems-no', 'UNDER_REVIEW'], ['sf-1', 'BOUND']]);

    expect(cloud.openapi.approveReview({ deliveryId: 'EMS', bizId: 'ems-ok' })).toBe(true);
    expect(cloud.openapi.rejectReview({ deliveryId: 'EMS', bizId: 'ems-no' }, '发货地址不详，请补充门牌号')).toBe(true);
    cloud.openapi.seedAccounts([
      { deliveryId: 'YTO', bizId: 'unbound', statusCode: 3 },
      { deliveryId: 'YTO', bizId: 'new-code', statusCode: 7 },
      { deliveryId: 'YTO', bizId: 'text-code', statusCode: '1' },
      { deliveryId: 'YTO', bizId: 'no-code', statusCode: undefined },
    ]);
    const after = dataOf(await call(reader, { parts: ['accounts'] })).accounts;
    expect(after?.ok && after.list.map((a) => [a.bizId, a.status, a.statusCode, a.remarkWrongMsg])).toEqual([
      ['ems-ok', 'BOUND', 0, ''],
      ['ems-no', 'FAILED', 2, '发货地址不详，请补充门牌号'],
      ['sf-1', 'BOUND', 0, ''],
      ['unbound', 'UNBOUND', 3, ''],
      ['new-code', 'UNKNOWN', 7, ''],
      ['text-code', 'UNKNOWN', '1', ''],
      ['no-code', 'UNKNOWN', undefined, ''],
    ]);

    // A bind of the failed account resubmits it for review.
    expect(await call(accounts, { type: 'bind', deliveryId: 'EMS', bizId: 'ems-no', remarkContent: `${EMS_REMARK}1号` })).toMatchObject({ code: 'UNDER_REVIEW' });
    const resubmitted = dataOf(await call(reader, { parts: ['accounts'] })).accounts;
    expect(resubmitted?.ok && resubmitted.list.find((a) => a.bizId === 'ems-no')).toMatchObject({ status: 'UNDER_REVIEW', remarkWrongMsg: '' });

    for (const account of cloud.openapi.state().accounts) await call(accounts, { type: 'unbind', deliveryId: account.deliveryId, bizId: account.bizId });
    expect(dataOf(await call(reader, { parts: ['accounts'] })).accounts).toEqual({ ok: true, list: [] });
  });

  test('a partial failure: one API faulted, the top level is its failure, the others still answer', async () => {
    cloud.faults.next({ kind: 'errcode', errcode: 48001, errmsg: 'api unauthorized' }, { api: 'logistics.getPrinter' });
    const envelope = await call(reader, {});
    expect(envelope).toMatchObject({ ok: false, errCode: 48001, code: 'API_UNAUTHORIZED', retryable: false, errMsg: 'openapi.logistics.getPrinter:fail api unauthorized' });
    const data = dataOf(envelope);
    expect(data.printers).toEqual({
      ok: false, errCode: 48001, errMsg: 'openapi.logistics.getPrinter:fail api unauthorized', code: 'API_UNAUTHORIZED',
      message: expect.stringContaining('物流助手'), retryable: false,
    });
    expect(data.accounts?.ok).toBe(true);
    expect(data.carriers?.ok).toBe(true);
    expect(data.callerOpenid).toBe(ADMIN);
  });

  test('a transient failure of one read is retried inside its part; the others are read once', async () => {
    cloud.faults.next({ kind: 'errcode', errcode: -1 }, { api: 'logistics.getAllDelivery' });
    const envelope = await call(reader, {});
    expect(envelope.ok).toBe(true);
    expect(openapiRequestCount(cloud, { api: 'logistics.getAllDelivery' })).toBe(2);
    expect(openapiRequestCount(cloud, { api: 'logistics.getAllAccount' })).toBe(1);
    const audit = auditLines(reader).at(-1)!;
    expect(audit).toMatchObject({ fn: 'getBindings', action: 'read', target: { parts: ['accounts', 'printers', 'carriers'] }, attempts: 4, code: 'OK' });
  });

  test.each([
    ['a list that is not an array', 'logistics.getAllAccount', { errcode: 0, errmsg: 'ok', count: 1, list: { biz_id: 'b' } }, 'accounts'],
    ['an account without its biz_id', 'logistics.getAllAccount', { errcode: 0, errmsg: 'ok', count: 1, list: [{ delivery_id: 'SF', status_code: 0 }] }, 'accounts'],
    ['openid that is a string', 'logistics.getPrinter', { errcode: 0, errmsg: 'ok', count: 1, openid: 'oP' }, 'printers'],
    ['a carrier without its delivery_id', 'logistics.getAllDelivery', { errcode: 0, errmsg: 'ok', count: 1, data: [{ delivery_name: '顺丰' }] }, 'carriers'],
  ] as const)('malformed: %s fails that part with MALFORMED_ANSWER, read once, nothing of it passed on', async (_label, api, body, part) => {
    cloud.faults.next({ kind: 'answer', body }, { api });
    const envelope = await call(reader, {});
    expect(envelope).toMatchObject({ ok: false, errCode: -900301, code: 'MALFORMED_ANSWER', retryable: false });
    const data = dataOf(envelope) as Record<string, { ok: boolean; code?: string }>;
    expect(data[part]).toMatchObject({ ok: false, code: 'MALFORMED_ANSWER' });
    for (const other of ['accounts', 'printers', 'carriers'].filter((p) => p !== part)) expect(data[other]!.ok).toBe(true);
    expect(openapiRequestCount(cloud, { api })).toBe(1);
  });

  test('fields WeChat adds later are not passed through', async () => {
    cloud.faults.next({ kind: 'answer', body: { errcode: 0, errmsg: 'ok', count: 1, list: [{ biz_id: 'b', delivery_id: 'SF', status_code: 0, new_secret_field: 'x', service_type: [{ service_type: 1, service_name: 'n', extra: 'y' }] }] } }, { api: 'logistics.getAllAccount' });
    const list = dataOf(await call(reader, { parts: ['accounts'] })).accounts;
    expect(list).toEqual({ ok: true, list: [{ bizId: 'b', deliveryId: 'SF', statusCode: 0, serviceType: [{ serviceType: 1, serviceName: 'n' }], status: 'BOUND' }] });
  });

  test('the three requests overlap in time: each arrived before any was answered (request log)', async () => {
    // Every answer held back a while: a function reading one after another could not send the
    // second request before the first answer came.
    cloud.faults.next({ kind: 'slow', delayMs: 400 }, { functionName: 'getBindings', times: 3 });
    expect((await call(reader, {})).ok).toBe(true);
    const requests = openapiRequests(cloud, { functionName: 'getBindings' });
    expect(requests.map((r) => r.apiName).sort()).toEqual([...READ_APIS].sort());
    const lastArrival = Math.max(...requests.map((r) => r.receivedAt));
    const firstAnswer = Math.min(...requests.map((r) => r.answeredAt!));
    expect(lastArrival).toBeLessThan(firstAnswer);
  });

  test('the roster is read together with getPrinter: each arrived before either was answered (request log)', async () => {
    // Both answers held back a while: a function reading the roster after getPrinter's answer (or
    // before it) could not send the second request before the first answer came.
    cloud.database.seed('logistics_printers', [{ _id: 'oPrinterOne', name: '一号' }]);
    try {
      cloud.faults.next({ kind: 'slow', delayMs: 400 }, { api: 'logistics.getPrinter' });
      cloud.faults.next({ kind: 'slow', delayMs: 400 }, { collection: 'logistics_printers' });
      const envelope = await call(reader, { parts: ['printers'] });
      expect(dataOf(envelope).printers).toMatchObject({ ok: true, people: [{ openid: 'oPrinterOne', name: '一号' }], roster: { ok: true } });
      const openapi = openapiRequests(cloud, { functionName: 'getBindings' });
      const database = cloud.requests({ functionName: 'getBindings' }).filter((request) => request.service === 'database');
      expect(openapi.map((request) => request.apiName)).toEqual(['logistics.getPrinter']);
      expect(database.map((request) => [request.apiName, request.collection])).toEqual([['database.getDocument', 'logistics_printers']]);
      const both = [openapi[0]!, database[0]!];
      expect(Math.max(...both.map((request) => request.receivedAt))).toBeLessThan(Math.min(...both.map((request) => request.answeredAt!)));
    } finally {
      // The other tests find the roster as the owner made it: empty.
      cloud.database.seed('logistics_printers', []);
    }
  });

  test('a read with no answer when the budget ends is READ_TIMEOUT for its part, never OUTCOME_UNKNOWN', async () => {
    const quick = await pool.start({ cloud, fn: 'getBindings', env: { ...ADMIN_ENV, LOGISTICS_TIME_BUDGET_MS: '600', LOGISTICS_REQUEST_TIMEOUT_MS: '600' } });
    cloud.faults.next({ kind: 'hang' }, { api: 'logistics.getAllDelivery' });
    const envelope = await call(quick, {});
    expect(envelope).toMatchObject({ ok: false, errCode: -900202, code: 'READ_TIMEOUT', retryable: true });
    expect(dataOf(envelope).carriers).toMatchObject({ ok: false, code: 'READ_TIMEOUT' });
    expect(dataOf(envelope).accounts?.ok).toBe(true);
  });

  test('-604101 from a copy whose config.json lacks getPrinter: that part only', async () => {
    const misdeployedDir = tempFunctionsDir();
    const misdeployedCloud = await startLocalCloud({ functionsDir: misdeployedDir.dir });
    try {
      const dir = copyBuiltFunction('getBindings', misdeployedDir.dir, { permissions: { openapi: ['logistics.getAllAccount', 'logistics.getAllDelivery'] } });
      const container = await pool.start({ cloud: misdeployedCloud, fn: 'getBindings', functionDir: dir });
      const envelope = await call(container, {});
      expect(envelope).toMatchObject({ ok: false, errCode: -604101, code: 'NO_API_PERMISSION' });
      const data = dataOf(envelope);
      expect(data.printers).toMatchObject({ ok: false, errCode: -604101, code: 'NO_API_PERMISSION' });
      expect(data.accounts?.ok).toBe(true);
      expect(data.carriers?.ok).toBe(true);
    } finally {
      await misdeployedCloud.close();
      misdeployedDir.remove();
    }
  });

  test.each([
    ['a stranger', { openid: STRANGER, source: 'wx_client' }, 'NOT_ADMIN', { callerOpenid: STRANGER }],
    ['a caller without OPENID', { source: 'wx_trigger' }, 'NO_CALLER_IDENTITY', undefined],
  ])('%s is refused: no data but their own OPENID, and no request reaches the cloud', async (_label, caller, code, data) => {
    const container = await pool.start({ cloud, fn: 'getBindings', caller });
    const envelope = await call(container, {});
    expect(envelope).toMatchObject({ ok: false, code });
    expect(envelope.data).toEqual(data);
    expect(openapiRequestCount(cloud)).toBe(0);
  });

  test.each([
    [{ parts: ['printers', 'printers'] }, 'parts'],
    [{ parts: [] }, 'parts'],
    [{ parts: ['invitations'] }, 'parts'],
    [{ part: ['printers'] }, 'part'],
  ])('bad input %j is INVALID_PARAM naming %s, no data, no request', async (event, field) => {
    const envelope = await call(reader, event);
    expect(envelope).toMatchObject({ ok: false, code: 'INVALID_PARAM', field });
    expect(envelope).not.toHaveProperty('data');
    expect(openapiRequestCount(cloud)).toBe(0);
  });

  test('only the asked parts are read, answered in the fixed order; userInfo is dropped', async () => {
    const envelope = await call(reader, { parts: ['carriers', 'printers'], userInfo: { appId: 'wx', openId: ADMIN } });
    expect(Object.keys(envelope.data as object)).toEqual(['printers', 'carriers', 'callerOpenid']);
    expect(openapiRequests(cloud).map((r) => r.apiName).sort()).toEqual(['logistics.getAllDelivery', 'logistics.getPrinter']);
  });
});

function auditLines(container: WarmFunction): AuditLine[] {
  return container
    .output()
    .stdout.split('\n')
    .filter((line) => line.includes('"audit":"logistics"'))
    .map((line) => JSON.parse(line) as AuditLine);
}
