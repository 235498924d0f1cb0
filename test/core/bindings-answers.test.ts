/** getBindings' event check and the normalisation of the three answers (allow-lists, statuses, shapes). */
import { LIST_CAP, normaliseAccounts, normaliseCarriers, normalisePart, normalisePrinters } from '../../core/bindings-answers';
import { MalformedAnswer } from '../../core/call-engine';
import { validateGetBindingsEvent } from '../../core/validation';
import { accountStatusOf } from '../../miniprogram/shared/bindings';

describe('validateGetBindingsEvent', () => {
  test('absent parts means WeChat\'s three (not the records\' parts); userInfo is dropped', () => {
    expect(validateGetBindingsEvent({})).toEqual({ ok: true, parts: ['accounts', 'printers', 'carriers'] });
    expect(validateGetBindingsEvent({ userInfo: { openId: 'x' } })).toEqual({ ok: true, parts: ['accounts', 'printers', 'carriers'] });
  });

  test('the parts come back in the fixed order, whatever order was asked', () => {
    expect(validateGetBindingsEvent({ parts: ['carriers', 'accounts'] })).toEqual({ ok: true, parts: ['accounts', 'carriers'] });
    expect(validateGetBindingsEvent({ parts: ['history', 'invites', 'printers'] })).toEqual({ ok: true, parts: ['printers', 'invites', 'history'] });
  });

  test.each([
    ['an empty list', { parts: [] }],
    ['a repeat', { parts: ['accounts', 'accounts'] }],
    ['an unknown part', { parts: ['accounts', 'invitations'] }],
    ['a string', { parts: 'accounts' }],
    ['a non-string item', { parts: [1] }],
    ['null', { parts: null }],
  ])('%s is INVALID_PARAM naming parts, quoting nothing', (_label, event) => {
    const checked = validateGetBindingsEvent(event);
    expect(checked).toMatchObject({ ok: false, envelope: { code: 'INVALID_PARAM', field: 'parts', ok: false } });
    if (!checked.ok) expect(JSON.stringify(checked.envelope)).not.toContain('invitations');
  });

  test('any other field is INVALID_PARAM naming it; a non-object is INVALID_EVENT', () => {
    expect(validateGetBindingsEvent({ part: ['accounts'] })).toMatchObject({ ok: false, envelope: { code: 'INVALID_PARAM', field: 'part' } });
    expect(validateGetBindingsEvent(JSON.parse('{"__proto__":1}'))).toMatchObject({ ok: false, envelope: { field: '__proto__' } });
    for (const event of [null, 'x', 3, ['accounts'], undefined]) {
      expect(validateGetBindingsEvent(event)).toMatchObject({ ok: false, envelope: { code: 'INVALID_EVENT' } });
    }
  });
});

test('a made-up field name is named back only when short and plain, as in the other functions', () => {
  for (const key of ['x'.repeat(65), 'a\u202eb', 'bad key', 'x'.repeat(100_000)]) {
    const checked = validateGetBindingsEvent({ [key]: 1 });
    expect(checked.ok).toBe(false);
    if (checked.ok) continue;
    expect(checked.envelope).toMatchObject({ code: 'INVALID_PARAM', field: '(unknown field)' });
    expect(JSON.stringify(checked.envelope).length).toBeLessThan(400);
  }
  expect(validateGetBindingsEvent({ part$_1: 1 })).toMatchObject({ envelope: { field: 'part$_1' } });
});

describe('accountStatusOf', () => {
  test('0..3 are named; anything else is UNKNOWN', () => {
    expect([0, 1, 2, 3, 4, -1, '0', null, undefined, 1.5].map(accountStatusOf)).toEqual([
      'BOUND', 'UNDER_REVIEW', 'FAILED', 'UNBOUND', 'UNKNOWN', 'UNKNOWN', 'UNKNOWN', 'UNKNOWN', 'UNKNOWN', 'UNKNOWN',
    ]);
  });
});

describe('normaliseAccounts', () => {
  const full = {
    bizId: 'b1', deliveryId: 'EMS', createTime: 1, updateTime: 2, statusCode: 2, alias: 'a', remarkWrongMsg: '地址不详',
    remarkContent: 'r', quotaNum: 10, quotaUpdateTime: 3, serviceType: [{ serviceType: 6, serviceName: '标准快递', extra: 'x' }],
  };

  test('passes the documented fields, adds the status, and drops anything else, nested items included', () => {
    const answer = { errCode: 0, errMsg: 'openapi.logistics.getAllAccount:ok', count: 1, list: [{ ...full, newField: 'secret-ish', cashBizId: 'c' }] };
    const { extra: _extra, ...service } = full.serviceType[0]!;
    expect(normaliseAccounts(answer)).toEqual([{ ...full, serviceType: [service], status: 'FAILED' }]);
  });

  test('an absent list is []; absent serviceType is []', () => {
    expect(normaliseAccounts({ count: 0 })).toEqual([]);
    expect(normaliseAccounts({ list: [{ bizId: 'b', deliveryId: 'd', statusCode: 0 }] })).toEqual([
      { bizId: 'b', deliveryId: 'd', statusCode: 0, serviceType: [], status: 'BOUND' },
    ]);
  });

  test('a missing or non-numeric statusCode is UNKNOWN, the raw value kept when it is a number or a string', () => {
    const list = normaliseAccounts({ list: [{ bizId: 'b', deliveryId: 'd' }, { bizId: 'b', deliveryId: 'd', statusCode: '1' }, { bizId: 'b', deliveryId: 'd', statusCode: 7 }, { bizId: 'b', deliveryId: 'd', statusCode: { x: 1 } }] });
    expect(list.map((a) => [a.status, a.statusCode])).toEqual([['UNKNOWN', undefined], ['UNKNOWN', '1'], ['UNKNOWN', 7], ['UNKNOWN', undefined]]);
  });

  test('a field of the wrong type is left out, not passed on', () => {
    expect(normaliseAccounts({ list: [{ bizId: 'b', deliveryId: 'd', statusCode: 0, alias: 5, quotaNum: 'many', createTime: Infinity }] })).toEqual([
      { bizId: 'b', deliveryId: 'd', statusCode: 0, serviceType: [], status: 'BOUND' },
    ]);
  });

  test.each([
    ['an answer that is not an object', 'x'],
    ['a list that is not an array', { list: { 0: {} } }],
    ['an item that is not an object', { list: ['b1'] }],
    ['an item without bizId', { list: [{ deliveryId: 'd' }] }],
    ['an item with an empty deliveryId', { list: [{ bizId: 'b', deliveryId: '' }] }],
    ['a serviceType that is not an array', { list: [{ bizId: 'b', deliveryId: 'd', serviceType: 'x' }] }],
    ['a serviceType item that is not an object', { list: [{ bizId: 'b', deliveryId: 'd', serviceType: [1] }] }],
  ])('%s is malformed', (_label, answer) => {
    expect(() => normaliseAccounts(answer)).toThrow(MalformedAnswer);
  });
});

describe('normalisePrinters', () => {
  test('openid becomes openids; tagidList stays an array; absent lists are []', () => {
    expect(normalisePrinters({ count: 2, openid: ['o1', 'o2'], tagidList: ['1'], extra: 1 })).toEqual({ openids: ['o1', 'o2'], tagidList: ['1'] });
    expect(normalisePrinters({ count: 0 })).toEqual({ openids: [], tagidList: [] });
  });

  test.each([[{ openid: 'o1' }], [{ openid: [1] }], [{ openid: [''] }], [{ tagidList: '1,2' }], [null]])('%j is malformed', (answer) => {
    expect(() => normalisePrinters(answer)).toThrow(MalformedAnswer);
  });
});

describe('normaliseCarriers', () => {
  test('each item is { deliveryId, deliveryName, canUseCash, canGetQuota, serviceType } as answered', () => {
    expect(
      normaliseCarriers({ data: [{ deliveryId: 'SF', deliveryName: '顺丰速运', canUseCash: 1, canGetQuota: 0, cashBizId: 'x', serviceType: [{ serviceType: 0, serviceName: '标准快递' }] }] }),
    ).toEqual([{ deliveryId: 'SF', deliveryName: '顺丰速运', canUseCash: 1, canGetQuota: 0, serviceType: [{ serviceType: 0, serviceName: '标准快递' }] }]);
    expect(normaliseCarriers({})).toEqual([]);
  });

  test.each([[{ data: {} }], [{ data: [{ deliveryName: 'x' }] }], [{ data: [null] }]])('%j is malformed', (answer) => {
    expect(() => normaliseCarriers(answer)).toThrow(MalformedAnswer);
  });
});

describe('issue 18 item 6: each list is capped at LIST_CAP, with the total and truncated', () => {
  const account = (i: number) => ({
    bizId: `b${String(i).padStart(6, '0')}`, deliveryId: 'YUNDA', createTime: 1700000000, updateTime: 1700000000, statusCode: i % 4,
    alias: `门店 ${i}`, remarkWrongMsg: '发货地址不详细', remarkContent: '电话:13800000000 联系人:张三', quotaNum: 100, quotaUpdateTime: 1700000000,
    serviceType: [{ serviceType: 1, serviceName: '标准快递' }],
  });

  test('20,000 full account records: the first LIST_CAP, total and truncated, well under 1 MB', () => {
    const part = normalisePart('accounts', { count: 20_000, list: Array.from({ length: 20_000 }, (_, i) => account(i)) });
    expect(part).toMatchObject({ total: 20_000, truncated: true });
    expect((part.list as unknown[]).map((a) => (a as { bizId: string }).bizId)).toEqual(Array.from({ length: LIST_CAP }, (_, i) => account(i).bizId));
    expect(Buffer.byteLength(JSON.stringify(part))).toBeLessThan(1_000_000);
  });

  test('normalising touches at most the cap: items past it are never read', () => {
    const list: unknown[] = Array.from({ length: LIST_CAP }, (_, i) => account(i));
    for (let i = 0; i < 1000; i += 1) {
      list.push(Object.defineProperty({}, 'bizId', { get: () => { throw new Error(`item ${LIST_CAP + i} was read`); } }));
    }
    expect(normalisePart('accounts', { list })).toMatchObject({ total: LIST_CAP + 1000, truncated: true });
    const carriers = [...Array.from({ length: LIST_CAP }, (_, i) => ({ deliveryId: `D${i}` })), ...Array.from({ length: 1000 }, () => 'not an item')];
    expect(normalisePart('carriers', { data: carriers })).toMatchObject({ total: LIST_CAP + 1000, truncated: true });
  });

  test('printers: openids and tagidList each capped; total counts the openids', () => {
    const many = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    const part = normalisePart('printers', { openid: many('o', LIST_CAP + 3), tagidList: many('t', LIST_CAP + 9) });
    expect(part).toMatchObject({ total: LIST_CAP + 3, truncated: true });
    expect([(part.openids as unknown[]).length, (part.tagidList as unknown[]).length]).toEqual([LIST_CAP, LIST_CAP]);
    expect(normalisePart('printers', { openid: many('o', 2), tagidList: many('t', LIST_CAP + 1) })).toMatchObject({ total: 2, truncated: true });
  });

  test('a list of exactly LIST_CAP carries neither total nor truncated', () => {
    const part = normalisePart('accounts', { list: Array.from({ length: LIST_CAP }, (_, i) => account(i)) });
    expect(Object.keys(part)).toEqual(['list']);
  });
});
