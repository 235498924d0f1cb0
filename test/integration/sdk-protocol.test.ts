/**
 * The protocol facts, through the real wx-server-sdk with nothing in between: a throwaway function
 * in a temp dir calls cloud.openapi directly and returns what resolved or what was thrown. This is
 * where the local cloud is checked against what the SDK expects of the real gateway, and where the
 * codes the built functions cannot provoke (9300517, -604100) are reached.
 */
import { startLocalCloud, type LocalCloud } from '../../localcloud/server';
import { startWarmFunction, invokeFunction, type WarmFunction } from '../../localcloud/invoke';
import { INVOKE_TIMEOUT_MS, SLOW_TEST_MS, tempFunctionsDir, writeDirectSdkFunction } from './support/harness';

jest.setTimeout(SLOW_TEST_MS);

type DirectResult = { resolved?: unknown; thrown?: { errCode: unknown; errMsg: unknown; isError: boolean } };

const functions = tempFunctionsDir();
let cloud: LocalCloud;
let direct: WarmFunction;

beforeAll(async () => {
  // Declares one API the local cloud does not implement (getQuota), and not logistics.bindAccount.
  writeDirectSdkFunction(functions.dir, 'direct', ['logistics.updatePrinter', 'logistics.getQuota']);
  // The printers these tests bind are users of the mini program (WeChat answers 40003 for others).
  cloud = await startLocalCloud({ functionsDir: functions.dir, knownUsers: ['oPrinter'] });
  direct = await startWarmFunction({
    functionDir: `${functions.dir}/direct`,
    cloudUrl: cloud.functionUrl('direct'),
    caller: { openid: 'oCaller', appid: 'wxCallerApp', unionid: 'uCaller', source: 'wx_client' },
    envId: 'env-under-test',
  });
});

afterAll(async () => {
  await direct.close();
  await cloud.close();
  functions.remove();
});

beforeEach(() => {
  cloud.faults.clear();
  cloud.clearRequests();
});

async function callDirect(event: unknown): Promise<DirectResult> {
  const invocation = await direct.invoke(event, { timeoutMs: INVOKE_TIMEOUT_MS });
  if (invocation.status !== 'returned') throw new Error(JSON.stringify({ invocation, output: direct.output() }));
  return invocation.result as DirectResult;
}

const bindPrinter = { api: 'logistics.updatePrinter', params: { openid: 'oPrinter', updateType: 'bind' } };

test('getWXContext() sees the caller and env the invoker set', async () => {
  expect(await callDirect({ context: true })).toEqual({
    OPENID: 'oCaller',
    APPID: 'wxCallerApp',
    UNIONID: 'uCaller',
    SOURCE: 'wx_client',
    ENV: 'env-under-test',
  });
});

test('errcode 0 resolves { errCode: 0, errMsg: "openapi.<api>:ok" }; params arrive snake_case, JSON-encoded', async () => {
  const result = await callDirect({ api: 'logistics.updatePrinter', params: { openid: 'oPrinter', updateType: 'bind', tagidList: '1,2' } });
  expect(result).toEqual({ resolved: { errCode: 0, errMsg: 'openapi.logistics.updatePrinter:ok' } });
  expect(cloud.requests()).toEqual([
    expect.objectContaining({
      functionName: 'direct',
      apiName: 'logistics.updatePrinter',
      params: { openid: 'oPrinter', update_type: 'bind', tagid_list: '1,2' },
      outcome: { kind: 'answered', errcode: 0, errmsg: 'ok' },
    }),
  ]);
  expect(cloud.requests()[0]).not.toHaveProperty('appid');
  expect(cloud.openapi.state().printers).toEqual(['oPrinter']);
});

test('9300517: a bad update_type sent straight through the SDK (the built functions validate it away)', async () => {
  const result = await callDirect({ api: 'logistics.updatePrinter', params: { openid: 'oPrinter', updateType: 'rebind' } });
  expect(result.thrown).toEqual({ errCode: 9300517, errMsg: 'openapi.logistics.updatePrinter:fail invalid update_type', isError: true });
});

test('long non-ASCII params survive the multipart body intact (binary requestData)', async () => {
  const openid = `o${'打印员'.repeat(60)}`; // > 128 bytes: a two-byte length varint
  await callDirect({ api: 'logistics.updatePrinter', params: { openid, updateType: 'bind' } });
  expect(cloud.requests()[0]!.params.openid).toBe(openid);
});

test('cloud.openapi({ appid }) sends the appid in CommApiData', async () => {
  await callDirect({ ...bindPrinter, appid: 'wxOtherMiniProgram' });
  expect(cloud.requests()[0]!.appid).toBe('wxOtherMiniProgram');
});

test('error_code -604101 for an API missing from config.json: CloudSDKError "system error: error code: …"', async () => {
  const result = await callDirect({ api: 'logistics.bindAccount', params: { type: 'unbind', bizId: 'b', deliveryId: 'SF' } });
  expect(result.thrown).toEqual({ errCode: -604101, errMsg: 'system error: error code: -604101', isError: true });
});

test('error_code -604100 for a declared API the local cloud does not implement', async () => {
  const result = await callDirect({ api: 'logistics.getQuota', params: { deliveryId: 'YTO', bizId: 'b' } });
  expect(result.thrown).toEqual({ errCode: -604100, errMsg: 'system error: error code: -604100', isError: true });
});

test.each([
  ['WeChat errcode -1', { kind: 'errcode', errcode: -1 } as const, { errCode: -1, errMsg: 'openapi.logistics.updatePrinter:fail system error' }],
  ['cloud error_code -604102', { kind: 'cloudError', errorCode: -604102 } as const, { errCode: -604102, errMsg: 'system error: error code: -604102' }],
  ['HTTP 500', { kind: 'http', status: 500 } as const, { errCode: -501001 }],
  ['a malformed body', { kind: 'malformed' } as const, { errCode: -601001 }],
  ['TCB INVALID_PARAM', { kind: 'tcbJson', code: 'INVALID_PARAM', message: 'bad' } as const, { errCode: -501007 }],
  ['an unknown TCB code', { kind: 'tcbJson', code: 'SOMETHING_NEW', message: 'new' } as const, { errCode: -501001 }],
])('%s is thrown with the SDK errCode', async (_name, fault, expected) => {
  cloud.faults.next(fault);
  const result = await callDirect(bindPrinter);
  expect(result.thrown).toMatchObject(expected);
  expect(cloud.requestCount()).toBe(1); // the SDK itself never retries
});

test('a slow answer within the SDK timeout is just late', async () => {
  cloud.faults.next({ kind: 'slow', delayMs: 300 });
  expect(await callDirect(bindPrinter)).toEqual({ resolved: { errCode: 0, errMsg: 'openapi.logistics.updatePrinter:ok' } });
});

test('a hanging answer becomes -501001 at the SDK timeout (cloud.init({ timeout }))', async () => {
  const container = await startWarmFunction({
    functionDir: `${functions.dir}/direct`,
    cloudUrl: cloud.functionUrl('direct'),
    env: { SDK_TIMEOUT_MS: '300' },
  });
  try {
    cloud.faults.next({ kind: 'hang' });
    const invocation = await container.invoke(bindPrinter, { timeoutMs: INVOKE_TIMEOUT_MS });
    expect(invocation).toMatchObject({ status: 'returned', result: { thrown: { errCode: -501001, isError: true } } });
    expect((invocation as { result: DirectResult }).result.thrown!.errMsg).toMatch(/timeout/);
  } finally {
    await container.close();
  }
});

test('a refused connection is -501001 (and the secrets the SDK needs were set: no crash)', async () => {
  const gone = await startLocalCloud({ functionsDir: functions.dir });
  const url = gone.functionUrl('direct');
  await gone.close();
  const invocation = await invokeFunction({ functionDir: `${functions.dir}/direct`, cloudUrl: url, event: bindPrinter, timeoutMs: INVOKE_TIMEOUT_MS });
  expect(invocation).toMatchObject({ status: 'returned', result: { thrown: { errCode: -501001 } } });
  expect(invocation.stderr).toBe('');
});
