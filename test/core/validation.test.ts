import { validateBindAccountEvent, validateUpdatePrinterEvent } from '../../core/validation';
import { FIELD_LIMITS } from '../../miniprogram/shared/field-rules';

const account = { type: 'bind', bizId: 'shop-001', deliveryId: 'YUNDA', password: 'p@ss word 1' };

function refusal(result: ReturnType<typeof validateBindAccountEvent> | ReturnType<typeof validateUpdatePrinterEvent>) {
  if (result.ok) throw new Error('expected a refusal');
  return result.envelope;
}

describe('bindAccount events', () => {
  test('a full event passes with exactly the documented params', () => {
    expect(validateBindAccountEvent({ ...account, remarkContent: '电话:1 联系人:张三', userInfo: { openId: 'o1', appId: 'wx1' } })).toEqual({
      ok: true,
      params: { ...account, remarkContent: '电话:1 联系人:张三' },
    });
  });

  test('optional fields stay absent when absent (never sent as undefined or "")', () => {
    const result = validateBindAccountEvent({ type: 'unbind', bizId: 'x', deliveryId: 'SF' });
    expect(result).toEqual({ ok: true, params: { type: 'unbind', bizId: 'x', deliveryId: 'SF' } });
    expect(Object.keys(result.ok ? result.params : {})).toEqual(['type', 'bizId', 'deliveryId']);
  });

  test.each([
    ['missing type', { bizId: 'x', deliveryId: 'SF' }, 'type', '缺少操作类型（type）'],
    ['missing bizId', { type: 'bind', deliveryId: 'SF' }, 'bizId', '缺少客户编码（bizId）'],
    ['empty bizId', { ...account, bizId: '' }, 'bizId', '客户编码（bizId）不能为空'],
    ['numeric bizId', { ...account, bizId: 123456 }, 'bizId', '客户编码（bizId）必须是文字'],
    ['bizId with surrounding space', { ...account, bizId: ' shop-001' }, 'bizId', '客户编码（bizId）首尾不能有空格'],
    ['bizId with a newline', { ...account, bizId: 'a\nb' }, 'bizId', '控制字符'],
    ['oversize bizId', { ...account, bizId: 'x'.repeat(FIELD_LIMITS.bizId + 1) }, 'bizId', `不能超过 ${FIELD_LIMITS.bizId} 个字符`],
    ['wrong type enum', { ...account, type: 'rebind' }, 'type', 'bind（绑定）或 unbind（解绑）'],
    ['deliveryId with a space', { ...account, deliveryId: 'YUN DA' }, 'deliveryId', '只能包含英文字母、数字'],
    ['empty password', { ...account, password: '' }, 'password', '快递账号密码（password）不能为空'],
    ['null password', { ...account, password: null }, 'password', '快递账号密码（password）必须是文字'],
    ['oversize remark', { ...account, remarkContent: 'r'.repeat(FIELD_LIMITS.remarkContent + 1) }, 'remarkContent', '不能超过'],
    ['unknown field (a typo)', { ...account, bizid: 'x' }, 'bizid', '不支持的参数 bizid'],
    ['snake_case field', { ...account, delivery_id: 'SF' }, 'delivery_id', '不支持的参数 delivery_id'],
    ['own __proto__ key', JSON.parse('{"type":"bind","bizId":"x","deliveryId":"SF","__proto__":{"polluted":1}}'), '__proto__', '不支持的参数 __proto__'],
  ])('%s is refused naming the field', (_label, event, field, messagePart) => {
    const envelope = refusal(validateBindAccountEvent(event));
    expect(envelope).toMatchObject({ ok: false, errCode: -900002, code: 'INVALID_PARAM', field, retryable: false });
    expect(envelope.message).toContain(messagePart);
    expect(envelope.errMsg).toContain(`invalid param ${field}`);
  });

  test.each([null, undefined, 'bind', 42, [account]])('a non-object event (%p) is INVALID_EVENT', (event) => {
    expect(refusal(validateBindAccountEvent(event))).toMatchObject({ code: 'INVALID_EVENT', errCode: -900001 });
  });

  test('a password that breaks a rule is never echoed back', () => {
    const secret = 'hunter2\u0000secret';
    const envelope = refusal(validateBindAccountEvent({ ...account, password: secret }));
    expect(envelope.field).toBe('password');
    expect(JSON.stringify(envelope)).not.toContain('hunter2');
  });

  test('a password sent in the wrong field is not echoed either', () => {
    const envelope = refusal(validateBindAccountEvent({ ...account, bizId: 42, pwd: 'hunter2' }));
    expect(JSON.stringify(envelope)).not.toContain('hunter2');
  });

  test('the password is passed through as given: its rules are the carrier’s to judge', () => {
    const result = validateBindAccountEvent({ ...account, password: ' 短 密码 ' });
    expect(result.ok && result.params.password).toBe(' 短 密码 ');
  });

  test('does not change the event it was given', () => {
    const event = { ...account, userInfo: { openId: 'o' } };
    const before = JSON.stringify(event);
    validateBindAccountEvent(event);
    expect(JSON.stringify(event)).toBe(before);
  });
});

describe('updatePrinter events', () => {
  test('a full event passes', () => {
    expect(validateUpdatePrinterEvent({ openid: 'oPrinter_1-x', updateType: 'bind', tagidList: '1,2,3' }, 'oAdmin')).toEqual({
      ok: true,
      params: { openid: 'oPrinter_1-x', updateType: 'bind', tagidList: '1,2,3' },
    });
  });

  test('a missing openid means the caller themself', () => {
    expect(validateUpdatePrinterEvent({ updateType: 'unbind' }, 'oAdmin')).toEqual({ ok: true, params: { openid: 'oAdmin', updateType: 'unbind' } });
  });

  test('a missing openid with no caller OPENID (a server-side call) is refused naming openid', () => {
    expect(refusal(validateUpdatePrinterEvent({ updateType: 'bind' }))).toMatchObject({ code: 'INVALID_PARAM', field: 'openid' });
  });

  test.each([
    ['wrong updateType', { updateType: 'BIND' }, 'updateType'],
    ['missing updateType', { openid: 'o1' }, 'updateType'],
    ['empty openid', { openid: '', updateType: 'bind' }, 'openid'],
    ['openid with a space', { openid: 'o 1', updateType: 'bind' }, 'openid'],
    ['openid as a number', { openid: 1, updateType: 'bind' }, 'openid'],
    ['tagidList with spaces', { updateType: 'bind', tagidList: '1, 2' }, 'tagidList'],
    ['tagidList with 11 tags', { updateType: 'bind', tagidList: '1,2,3,4,5,6,7,8,9,10,11' }, 'tagidList'],
    ['tagidList with an empty tag', { updateType: 'bind', tagidList: '1,,2' }, 'tagidList'],
    ['update_type in snake_case', { update_type: 'bind' }, 'update_type'],
  ])('%s is refused naming the field', (_label, event, field) => {
    expect(refusal(validateUpdatePrinterEvent(event, 'oAdmin'))).toMatchObject({ code: 'INVALID_PARAM', field });
  });

  test('ten tags are accepted', () => {
    expect(validateUpdatePrinterEvent({ updateType: 'bind', tagidList: '1,2,3,4,5,6,7,8,9,10' }, 'oAdmin').ok).toBe(true);
  });
});
