import { UNKNOWN_ERRCODE } from '../../core/catalogue';
import { envelopeForErrCode, envelopeForThrown, refusalEnvelope, successEnvelope } from '../../core/envelope';
import { readThrown } from '../../miniprogram/shared/failed-call';

/** The shape of wx-server-sdk's CloudSDKError: an Error subclass with its own errCode and errMsg. */
class CloudSDKErrorShape extends Error {
  constructor(
    readonly errCode: number,
    readonly errMsg: string,
  ) {
    super(`errCode: ${errCode} | errMsg: ${errMsg}`);
    this.name = 'CloudSDKError';
  }
}

/** The SDK's other shape: a plain Error carrying errCode -501001 (HTTP errors, timeouts, refused). */
function plainErrorWithCode(message: string, errCode = -501001): Error {
  return Object.assign(new Error(message), { errCode });
}

describe('envelopes', () => {
  test('success is ok with errCode 0', () => {
    expect(successEnvelope('openapi.logistics.updatePrinter:ok')).toEqual({
      ok: true,
      errCode: 0,
      errMsg: 'openapi.logistics.updatePrinter:ok',
      code: 'OK',
      message: '操作成功',
      retryable: false,
    });
  });

  test('a business errcode thrown as CloudSDKError keeps its errCode and the SDK text', () => {
    const envelope = envelopeForThrown(readThrown(new CloudSDKErrorShape(9300529, 'openapi.logistics.bindAccount:fail account already bound')));
    expect(envelope).toMatchObject({
      ok: false,
      errCode: 9300529,
      code: 'ALREADY_BOUND',
      errMsg: 'openapi.logistics.bindAccount:fail account already bound',
      retryable: false,
    });
    expect(envelope.message).toContain('已经绑定');
  });

  test('a cloud error thrown as CloudSDKError (-604101) maps to the permission entry', () => {
    const envelope = envelopeForThrown(readThrown(new CloudSDKErrorShape(-604101, 'system error: error code: -604101')));
    expect(envelope).toMatchObject({ ok: false, errCode: -604101, code: 'NO_API_PERMISSION', errMsg: 'system error: error code: -604101' });
  });

  test('a plain Error with errCode -501001 is a retryable cloud system error, its message kept for logs', () => {
    const envelope = envelopeForThrown(readThrown(plainErrorWithCode('connect ECONNREFUSED 127.0.0.1:9')));
    expect(envelope).toMatchObject({ ok: false, errCode: -501001, code: 'CLOUD_SYSTEM_ERROR', retryable: true });
    expect(envelope.errMsg).toBe('connect ECONNREFUSED 127.0.0.1:9');
  });

  test('a plain Error with a TCB-table errCode (-501007) maps to its own entry', () => {
    expect(envelopeForThrown(readThrown(plainErrorWithCode('[INVALID_PARAM] bad', -501007)))).toMatchObject({ errCode: -501007, code: 'CLOUD_INVALID_PARAM' });
  });

  test.each([
    ['an Error without errCode', new Error('boom')],
    ['a string', 'boom'],
    ['undefined', undefined],
    ['null', null],
    ['an object with a string errCode', { errCode: '-1', errMsg: 'x' }],
    ['an object with a fractional errCode', { errCode: 1.5 }],
    ['an error claiming errCode 0', { errCode: 0, errMsg: 'odd' }],
  ])('%s becomes the unknown envelope', (_label, thrown) => {
    expect(envelopeForThrown(readThrown(thrown))).toMatchObject({ ok: false, errCode: UNKNOWN_ERRCODE, code: 'UNKNOWN_ERROR' });
  });

  test('readThrown prefers errMsg over message and never invents a code', () => {
    expect(readThrown({ errCode: -1, errMsg: 'a', message: 'b' })).toEqual({ errCode: -1, errMsg: 'a' });
    expect(readThrown(new Error('only message'))).toEqual({ errCode: undefined, errMsg: 'only message' });
  });

  test('issue 18 item 4: the SDK\'s frame for a body it cannot parse is kept, the body never', () => {
    const sdkText = (body: string) => `openapi.logistics.getAllAccount:fail wechat server internal error, response body is invalid json: ${body}`;
    for (const body of ['{"password":"pw-marker","cash_biz_id":"x"', '{"constructor":{"a":"pw-marker"}}', 'pw-marker\nresponse body is invalid json: pw-marker']) {
      expect(readThrown({ errCode: -601001, errMsg: sdkText(body) })).toEqual({
        errCode: -601001,
        errMsg: 'openapi.logistics.getAllAccount:fail wechat server internal error, response body is invalid json (the body is not repeated)',
      });
    }
    expect(readThrown(new Error(sdkText('pw-marker'))).errMsg).not.toContain('pw-marker');
  });

  test('issue 18 item 5: an outside errcode in our -900xxx range is an unknown code, its number kept', () => {
    for (const errCode of [-900201, -900102, -900301, -900000, -900999]) {
      expect(envelopeForThrown(readThrown({ errCode, errMsg: 'x' }))).toMatchObject({ ok: false, errCode, code: 'UNKNOWN_ERROR', retryable: false });
    }
    expect(envelopeForThrown(readThrown({ errCode: -899999, errMsg: 'x' }))).toMatchObject({ errCode: -899999, code: 'UNKNOWN_ERROR' });
    expect(envelopeForThrown(readThrown({ errCode: -1, errMsg: 'x' }))).toMatchObject({ code: 'WECHAT_SYSTEM_ERROR' });
  });

  test('ok is true exactly when errCode is 0', () => {
    for (const errCode of [0, -1, 9300532, -604102, UNKNOWN_ERRCODE, 12345]) {
      expect(envelopeForErrCode(errCode, 'x').ok).toBe(errCode === 0);
    }
  });

  test('a refusal carries its catalogue code, and a field and message when given', () => {
    expect(refusalEnvelope('INVALID_PARAM', 'bindAccount:fail invalid param bizId', { field: 'bizId', message: '参数错误：bizId 不能为空' })).toEqual({
      ok: false,
      errCode: -900002,
      errMsg: 'bindAccount:fail invalid param bizId',
      code: 'INVALID_PARAM',
      message: '参数错误：bizId 不能为空',
      retryable: false,
      field: 'bizId',
    });
  });
});
