/**
 * The local cloud on its own, spoken to over HTTP with the SDK's wire format built by hand: the
 * multipart reader, the protobuf messages, the logistics rules, fault scoping, the request log's
 * redaction, and close() ending a hanging request. Fast: no function processes.
 */
import * as fc from 'fast-check';
import { faultApplies } from '../../localcloud/faults';
import { approveReview, bindAccount, createLogisticsState, ErrCode, getAllAccount, getAllDelivery, getPrinter, rejectReview, seedAccounts, updatePrinter } from '../../localcloud/services/openapi/wechat-logistics';
import { CARRIERS } from '../../miniprogram/shared/carriers';
import { boundaryOf, parseMultipart } from '../../localcloud/multipart';
import { decodeRequestData, decodeResponse, encodeRequestData } from '../../localcloud/services/openapi/protocol';
import { formatRequest, startLocalCloud, type LocalCloud } from '../../localcloud/server';

const BOUNDARY = '--------------------------0123456789abcdef';

function multipartBody(fields: Record<string, string | Buffer>): Buffer {
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    const binary = Buffer.isBuffer(value);
    chunks.push(
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n${binary ? 'Content-Type: application/octet-stream\r\n' : ''}\r\n`,
      ),
      Buffer.isBuffer(value) ? value : Buffer.from(value),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

async function post(url: string, fields: Record<string, string | Buffer>, contentType = `multipart/form-data; boundary=${BOUNDARY}`) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body: multipartBody(fields) });
  return { status: response.status, contentType: response.headers.get('content-type'), body: Buffer.from(await response.arrayBuffer()) };
}

function openApiCall(apiName: string, params: Record<string, unknown>) {
  return { action: 'wx.openApi', apiName, requestData: encodeRequestData({ params }), envName: 'test-env', wxCloudApiToken: '' };
}

/** The WeChat JSON inside a protobuf answer. */
function weChatAnswer(body: Buffer): unknown {
  const decoded = decodeResponse(body);
  return decoded.respData === undefined ? decoded : JSON.parse(decoded.respData);
}

describe('multipart reader', () => {
  test('keeps binary parts byte for byte (what undici formData() would mangle as UTF-8)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.string({ maxLength: 40 }), (bytes, text) => {
        const data = Buffer.from(bytes);
        const parts = parseMultipart(multipartBody({ apiName: text, requestData: data }), `multipart/form-data; boundary=${BOUNDARY}`);
        expect(parts.map((part) => part.name)).toEqual(['apiName', 'requestData']);
        expect(parts[0]!.data.toString('utf8')).toBe(text);
        expect(parts[1]!.contentType).toBe('application/octet-stream');
        expect(Buffer.compare(parts[1]!.data, data)).toBe(0);
      }),
    );
  });

  test('reads a quoted boundary and refuses what is not multipart', () => {
    expect(boundaryOf('multipart/form-data; boundary="abc def"')).toBe('abc def');
    expect(() => boundaryOf('application/json')).toThrow('not multipart');
    expect(() => parseMultipart(Buffer.from('no boundary here'), 'multipart/form-data; boundary=x')).toThrow('no opening boundary');
    expect(() => parseMultipart(Buffer.from('--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nunterminated'), 'multipart/form-data; boundary=x')).toThrow(
      'unterminated',
    );
  });
});

describe('protobuf messages', () => {
  test('requestData round-trips params as JSON text, strings quoted', () => {
    const bytes = encodeRequestData({ params: { openid: 'o1', update_type: 'bind', tagid_list: '1,2' }, appid: 'wx1' });
    expect(decodeRequestData(bytes)).toEqual({ apiType: 'OPEN_API', params: { openid: 'o1', update_type: 'bind', tagid_list: '1,2' }, appid: 'wx1' });
  });

  test('bytes that are not a CommApiData are refused', () => {
    expect(() => decodeRequestData(Buffer.from('<html>'))).toThrow();
  });
});

describe('logistics rules', () => {
  test('printers: bind and unbind are idempotent; any other update_type is 9300517', () => {
    const state = createLogisticsState({ knownUsers: ['o1'] });
    expect(updatePrinter(state, { openid: 'o1', update_type: 'bind' }).errcode).toBe(0);
    expect(updatePrinter(state, { openid: 'o1', update_type: 'bind' }).errcode).toBe(0);
    expect([...state.printers]).toEqual(['o1']);
    expect(updatePrinter(state, { openid: 'o1', update_type: 'unbind' }).errcode).toBe(0);
    expect(updatePrinter(state, { openid: 'o1', update_type: 'unbind' }).errcode).toBe(0);
    expect(state.printers.size).toBe(0);
    for (const updateType of ['rebind', 'BIND', '', 1, undefined]) {
      expect(updatePrinter(state, { openid: 'o1', update_type: updateType }).errcode).toBe(ErrCode.INVALID_UPDATE_TYPE);
    }
  });

  test('accounts: password rules per carrier, already bound, not found, EMS review', () => {
    const state = createLogisticsState({
      carrierAccounts: [
        { deliveryId: 'YUNDA', bizId: 'y', password: 'right' },
        { deliveryId: 'SF', bizId: 's' },
        { deliveryId: 'EMS', bizId: 'e' },
      ],
    });
    const bind = (params: Record<string, unknown>) => bindAccount(state, { type: 'bind', ...params }).errcode;
    expect(bind({ delivery_id: 'YUNDA', biz_id: 'y' })).toBe(ErrCode.WRONG_ACCOUNT_OR_PASSWORD);
    expect(bind({ delivery_id: 'YUNDA', biz_id: 'y', password: 'wrong' })).toBe(ErrCode.WRONG_ACCOUNT_OR_PASSWORD);
    expect(bind({ delivery_id: 'YUNDA', biz_id: 'nobody', password: 'right' })).toBe(ErrCode.WRONG_ACCOUNT_OR_PASSWORD);
    expect(bind({ delivery_id: 'YUNDA', biz_id: 'y', password: 'right' })).toBe(0);
    expect(bind({ delivery_id: 'YUNDA', biz_id: 'y', password: 'right' })).toBe(ErrCode.ALREADY_BOUND);
    expect(bind({ delivery_id: 'SF', biz_id: 's', password: 'anything' })).toBe(0);
    expect(bind({ delivery_id: 'EMS', biz_id: 'e' })).toBe(ErrCode.DATA_FORMAT_ERROR);
    expect(bind({ delivery_id: 'EMS', biz_id: 'e', remark_content: 'r' })).toBe(ErrCode.UNDER_REVIEW);
    expect(bind({ delivery_id: 'EMS', biz_id: 'e', remark_content: 'r' })).toBe(ErrCode.UNDER_REVIEW);
    const unbind = (deliveryId: string, bizId: string) => bindAccount(state, { type: 'unbind', delivery_id: deliveryId, biz_id: bizId }).errcode;
    expect(unbind('EMS', 'e')).toBe(0);
    expect(unbind('EMS', 'e')).toBe(ErrCode.BIZ_ID_NOT_FOUND);
    expect(unbind('YUNDA', 'y')).toBe(0);
    expect(unbind('YUNDA', 'y')).toBe(ErrCode.BIZ_ID_NOT_FOUND);
    expect(bindAccount(state, { type: 'rebind', delivery_id: 'SF', biz_id: 's' }).errcode).toBe(ErrCode.DATA_FORMAT_ERROR);
  });
});

describe('the read APIs and the account lifecycle', () => {
  const EMS = { delivery_id: 'EMS', biz_id: 'e', remark_content: '电话:1 联系人:张三' };
  const lifecycleState = () =>
    createLogisticsState({
      carrierAccounts: [{ deliveryId: 'EMS', bizId: 'e' }, { deliveryId: 'SF', bizId: 's' }],
      now: () => 1700000000,
    });
  const statuses = (state: ReturnType<typeof createLogisticsState>) =>
    (getAllAccount(state).list as Array<{ biz_id: string; status_code: unknown; remark_wrong_msg: string }>).map((a) => [a.biz_id, a.status_code, a.remark_wrong_msg]);

  test('getAllAccount lists every documented field, snake_case; a bind is status 0', () => {
    const state = lifecycleState();
    expect(bindAccount(state, { type: 'bind', delivery_id: 'SF', biz_id: 's' }).errcode).toBe(0);
    expect(getAllAccount(state)).toEqual({
      errcode: 0,
      errmsg: 'ok',
      count: 1,
      list: [
        {
          biz_id: 's', delivery_id: 'SF', create_time: 1700000000, update_time: 1700000000, status_code: 0, alias: '', remark_wrong_msg: '',
          remark_content: '', quota_num: 100, quota_update_time: 1700000000, service_type: [{ service_type: 0, service_name: '标准快递' }],
        },
      ],
    });
  });

  test('EMS: 1 until approved (→ 0) or rejected (→ 2 with the reason); a bind of a failed one resubmits it; unbind removes', () => {
    const state = lifecycleState();
    expect(bindAccount(state, { type: 'bind', ...EMS }).errcode).toBe(ErrCode.UNDER_REVIEW);
    expect(statuses(state)).toEqual([['e', 1, '']]);
    expect(rejectReview(state, { deliveryId: 'EMS', bizId: 'e' }, '发货地址不详')).toBe(true);
    expect(statuses(state)).toEqual([['e', 2, '发货地址不详']]);
    expect(rejectReview(state, { deliveryId: 'EMS', bizId: 'e' }, 'again')).toBe(false);
    expect(bindAccount(state, { type: 'bind', ...EMS, remark_content: '电话:1 联系人:张三 发货地址:上海市' }).errcode).toBe(ErrCode.UNDER_REVIEW);
    expect(statuses(state)).toEqual([['e', 1, '']]);
    expect(approveReview(state, { deliveryId: 'EMS', bizId: 'e' })).toBe(true);
    expect(approveReview(state, { deliveryId: 'EMS', bizId: 'e' })).toBe(false);
    expect(statuses(state)).toEqual([['e', 0, '']]);
    expect(bindAccount(state, { type: 'bind', ...EMS }).errcode).toBe(ErrCode.ALREADY_BOUND);
    expect(bindAccount(state, { type: 'unbind', delivery_id: 'EMS', biz_id: 'e' }).errcode).toBe(0);
    expect(getAllAccount(state)).toMatchObject({ count: 0, list: [] });
  });

  test('seeded records keep any status, also 3 and values WeChat never listed; unbind removes them too', () => {
    const state = lifecycleState();
    seedAccounts(state, [
      { deliveryId: 'YTO', bizId: 'gone', statusCode: 3 },
      { deliveryId: 'YTO', bizId: 'odd', statusCode: 9 },
      { deliveryId: 'YTO', bizId: 'text', statusCode: 'x' },
    ]);
    expect(statuses(state)).toEqual([['gone', 3, ''], ['odd', 9, ''], ['text', 'x', '']]);
    expect(bindAccount(state, { type: 'unbind', delivery_id: 'YTO', biz_id: 'gone' }).errcode).toBe(0);
    expect(statuses(state)).toHaveLength(2);
  });

  test('updatePrinter answers 40003 for an openid that is not a known user; getPrinter lists the printers and tags', () => {
    const state = createLogisticsState({ knownUsers: ['oKnown'], printers: ['oSeeded'] });
    expect(updatePrinter(state, { openid: 'oStranger', update_type: 'bind' }).errcode).toBe(ErrCode.INVALID_OPENID);
    expect(updatePrinter(state, { openid: 'oKnown', update_type: 'bind', tagid_list: '7,8' }).errcode).toBe(0);
    expect(getPrinter(state)).toEqual({ errcode: 0, errmsg: 'ok', count: 2, openid: ['oKnown', 'oSeeded'], tagid_list: ['7', '8'] });
    // A seeded printer is a user too.
    expect(updatePrinter(state, { openid: 'oSeeded', update_type: 'unbind' }).errcode).toBe(0);
  });

  test('getAllDelivery answers the carriers the page knows, by the same ids and names', () => {
    const answer = getAllDelivery();
    const data = answer.data as Array<{ delivery_id: string; delivery_name: string; service_type: unknown[] }>;
    expect(answer.count).toBe(CARRIERS.length);
    expect(data.map((d) => [d.delivery_id, d.delivery_name])).toEqual(CARRIERS.map((c) => [c.deliveryId, c.name]));
    for (const item of data) expect(item.service_type.length).toBeGreaterThan(0);
  });
});

describe('the server', () => {
  let cloud: LocalCloud;
  const lines: string[] = [];

  beforeEach(async () => {
    lines.length = 0;
    cloud = await startLocalCloud({
      carrierAccounts: [{ deliveryId: 'YUNDA', bizId: 'y', password: 'pw-in-the-log-test' }],
      knownUsers: ['o1'],
      log: (line) => lines.push(line),
    });
  });
  afterEach(() => cloud.close());

  test('answers a declared, implemented call with WeChat JSON inside CommOpenApiResp', async () => {
    const response = await post(cloud.functionUrl('updatePrinter'), openApiCall('logistics.updatePrinter', { openid: 'o1', update_type: 'bind' }));
    expect(response.status).toBe(200);
    expect(response.contentType).toBe('application/octet-stream');
    expect(decodeResponse(response.body)).toMatchObject({ contentType: 'application/json' });
    expect(weChatAnswer(response.body)).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(cloud.openapi.state().printers).toEqual(['o1']);
    expect(cloud.requests()).toEqual([
      expect.objectContaining({ seq: 1, functionName: 'updatePrinter', apiName: 'logistics.updatePrinter', applied: true, outcome: { kind: 'answered', errcode: 0, errmsg: 'ok' } }),
    ]);
  });

  test('error_code -604101 for an API the function did not declare, -604100 for one it does not implement', async () => {
    // The project's updatePrinter/config.json declares only logistics.updatePrinter.
    const undeclared = await post(cloud.functionUrl('updatePrinter'), openApiCall('logistics.bindAccount', { type: 'bind' }));
    expect(decodeResponse(undeclared.body)).toMatchObject({ errorCode: -604101 });
    const noSuchFunction = await post(cloud.functionUrl('notAFunction'), openApiCall('logistics.updatePrinter', {}));
    expect(decodeResponse(noSuchFunction.body)).toMatchObject({ errorCode: -604101 });
    expect(cloud.requestCount()).toBe(2);
    expect(cloud.requests().every((request) => !request.applied)).toBe(true);
  });

  test('what is not a wx.openApi call gets a TCB JSON error and is logged as rejected', async () => {
    const wrongAction = await post(cloud.functionUrl('updatePrinter'), { ...openApiCall('logistics.updatePrinter', {}), action: 'functions.invokeFunction' });
    expect(wrongAction.contentType).toBe('application/json; charset=utf-8');
    expect(JSON.parse(wrongAction.body.toString())).toMatchObject({ code: 'INVALID_PARAM' });
    const notMultipart = await post(cloud.functionUrl('updatePrinter'), {}, 'application/json');
    expect(JSON.parse(notMultipart.body.toString())).toMatchObject({ code: 'INVALID_PARAM' });
    const badProtobuf = await post(cloud.functionUrl('updatePrinter'), { ...openApiCall('logistics.updatePrinter', {}), requestData: Buffer.from('<html>') });
    expect(JSON.parse(badProtobuf.body.toString())).toMatchObject({ code: 'INVALID_PARAM' });
    expect(cloud.requests().map((request) => request.outcome.kind)).toEqual(['rejected', 'rejected', 'rejected']);
  });

  test('faults are scoped by api and function, counted, and taken in order', async () => {
    cloud.faults.next({ kind: 'errcode', errcode: -1 }, { api: 'logistics.bindAccount' });
    cloud.faults.next({ kind: 'http', status: 503 }, { functionName: 'updatePrinter', times: 2 });
    expect(cloud.faults.armed()).toBe(3);
    const printer = () => post(cloud.functionUrl('updatePrinter'), openApiCall('logistics.updatePrinter', { openid: 'o1', update_type: 'bind' }));
    expect((await printer()).status).toBe(503);
    expect((await printer()).status).toBe(503);
    expect(weChatAnswer((await printer()).body)).toEqual({ errcode: 0, errmsg: 'ok' });
    const account = await post(cloud.functionUrl('bindAccount'), openApiCall('logistics.bindAccount', { type: 'unbind', delivery_id: 'YUNDA', biz_id: 'y' }));
    expect(weChatAnswer(account.body)).toEqual({ errcode: -1, errmsg: 'system error' });
    expect(cloud.faults.armed()).toBe(0);
    expect(cloud.requests().map((request) => request.fault ?? null)).toEqual(['http', 'http', null, 'errcode']);
  });

  test('only slow answers and faults marked applied change the state', () => {
    expect(faultApplies({ kind: 'slow', delayMs: 1 })).toBe(true);
    expect(faultApplies({ kind: 'errcode', errcode: -1 })).toBe(false);
    expect(faultApplies({ kind: 'hang', applied: true })).toBe(true);
  });

  test('the malformed body is neither protobuf nor JSON', async () => {
    cloud.faults.next({ kind: 'malformed' });
    const response = await post(cloud.functionUrl('updatePrinter'), openApiCall('logistics.updatePrinter', { openid: 'o1', update_type: 'bind' }));
    expect(() => decodeResponse(response.body)).toThrow();
    expect(() => JSON.parse(response.body.toString())).toThrow();
    expect(cloud.openapi.state().printers).toEqual([]);
  });

  test('the password is redacted in the log lines and the default request view, kept only on request', async () => {
    await post(cloud.functionUrl('bindAccount'), openApiCall('logistics.bindAccount', { type: 'bind', delivery_id: 'YUNDA', biz_id: 'y', password: 'pw-in-the-log-test' }));
    expect(cloud.openapi.state().boundAccounts).toEqual([{ deliveryId: 'YUNDA', bizId: 'y' }]);
    expect(lines.join('\n')).not.toContain('pw-in-the-log-test');
    expect(lines.join('\n')).toContain('"password":"******"');
    expect(JSON.stringify(cloud.requests())).not.toContain('pw-in-the-log-test');
    expect(cloud.requests().map(formatRequest).join('\n')).not.toContain('pw-in-the-log-test');
    expect(JSON.stringify(cloud.openapi.state())).not.toContain('pw-in-the-log-test');
    expect(cloud.requests({ revealSecrets: true })[0]!.params.password).toBe('pw-in-the-log-test');
  });

  test('a seeded answer is sent as it is; the log says when each request arrived and was answered', async () => {
    cloud.faults.next({ kind: 'answer', body: { errcode: 0, errmsg: 'ok', list: 'not a list' } }, { api: 'logistics.bindAccount' });
    const response = await post(cloud.functionUrl('bindAccount'), openApiCall('logistics.bindAccount', { type: 'unbind', delivery_id: 'YUNDA', biz_id: 'y' }));
    expect(weChatAnswer(response.body)).toEqual({ errcode: 0, errmsg: 'ok', list: 'not a list' });
    const [request] = cloud.requests();
    expect(request).toMatchObject({ fault: 'answer', outcome: { kind: 'seeded', body: { list: 'not a list' } } });
    expect(request!.answeredAt).toBeGreaterThanOrEqual(request!.receivedAt);
  });

  test('close() ends a hanging request, so nothing keeps the process alive', async () => {
    cloud.faults.next({ kind: 'hang' });
    const hanging = post(cloud.functionUrl('updatePrinter'), openApiCall('logistics.updatePrinter', { openid: 'o1', update_type: 'bind' }));
    while (cloud.requestCount() === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await cloud.close();
    await expect(hanging).rejects.toThrow();
    expect(cloud.requests()[0]!.outcome).toEqual({ kind: 'hung' });
  });
});
