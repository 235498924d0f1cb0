/**
 * The local cloud on its own, spoken to over HTTP with the SDK's wire format built by hand: the
 * multipart reader, the protobuf messages, the logistics rules, fault scoping, the request log's
 * redaction, and close() ending a hanging request. Fast: no function processes.
 */
import * as fc from 'fast-check';
import { faultApplies } from '../../localcloud/faults';
import { bindAccount, createLogisticsState, ErrCode, updatePrinter } from '../../localcloud/logistics';
import { boundaryOf, parseMultipart } from '../../localcloud/multipart';
import { decodeRequestData, decodeResponse, encodeRequestData } from '../../localcloud/protocol';
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
    const state = createLogisticsState();
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

describe('the server', () => {
  let cloud: LocalCloud;
  const lines: string[] = [];

  beforeEach(async () => {
    lines.length = 0;
    cloud = await startLocalCloud({
      carrierAccounts: [{ deliveryId: 'YUNDA', bizId: 'y', password: 'pw-in-the-log-test' }],
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
    expect(cloud.state().printers).toEqual(['o1']);
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
    expect(cloud.state().printers).toEqual([]);
  });

  test('the password is redacted in the log lines and the default request view, kept only on request', async () => {
    await post(cloud.functionUrl('bindAccount'), openApiCall('logistics.bindAccount', { type: 'bind', delivery_id: 'YUNDA', biz_id: 'y', password: 'pw-in-the-log-test' }));
    expect(cloud.state().boundAccounts).toEqual([{ deliveryId: 'YUNDA', bizId: 'y' }]);
    expect(lines.join('\n')).not.toContain('pw-in-the-log-test');
    expect(lines.join('\n')).toContain('"password":"******"');
    expect(JSON.stringify(cloud.requests())).not.toContain('pw-in-the-log-test');
    expect(cloud.requests().map(formatRequest).join('\n')).not.toContain('pw-in-the-log-test');
    expect(JSON.stringify(cloud.state())).not.toContain('pw-in-the-log-test');
    expect(cloud.requests({ revealSecrets: true })[0]!.params.password).toBe('pw-in-the-log-test');
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
