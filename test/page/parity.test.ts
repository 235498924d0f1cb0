/**
 * Parity: the page's own checks (miniprogram/logic/validation.ts) and the functions' validation
 * (core/validation.ts) accept and reject the same events, and blame the same field. The page
 * cannot import core at run time (DevTools bundles only miniprogram/), so the rules are written
 * twice; this test is what keeps the two copies one.
 */
import fc from 'fast-check';
import { FIELD_LIMITS, validateBindAccountEvent, validateUpdatePrinterEvent } from '../../core/validation';
import { checkBindAccountEvent, checkUpdatePrinterEvent, FIELD_LIMITS as PAGE_FIELD_LIMITS, type FieldProblem } from '../../miniprogram/logic/validation';

/** A mini program caller always has an OPENID, so "openid left out" means "myself". */
const CALLER_OPENID = 'oCaller';

type Verdict = { accepted: true } | { accepted: false; field: string };

function server(fn: 'updatePrinter' | 'bindAccount', event: unknown): Verdict {
  const checked = fn === 'updatePrinter' ? validateUpdatePrinterEvent(event, CALLER_OPENID) : validateBindAccountEvent(event);
  return checked.ok ? { accepted: true } : { accepted: false, field: checked.envelope.field ?? '' };
}

function client(fn: 'updatePrinter' | 'bindAccount', event: unknown): Verdict {
  const problem: FieldProblem | null = fn === 'updatePrinter' ? checkUpdatePrinterEvent(event) : checkBindAccountEvent(event);
  return problem === null ? { accepted: true } : { accepted: false, field: problem.field };
}

const long = (n: number, ch = 'a') => ch.repeat(n);

/** Values chosen at and around every rule's edge. */
const TEXTS = [
  '',
  ' ',
  'a',
  'oPrinter_01-x',
  'YUNDA',
  'a b',
  ' lead',
  'trail ',
  '\u3000full-width-space',
  'nbsp\u00a0',
  '\ufeffbom',
  'zero-width\u200b',
  '\u2028separator',
  'mongolian\u180e',
  '\u2009thin',
  'line\nbreak',
  'tab\tinside',
  'del\u007f',
  'nul\u0000',
  '中文客户编码',
  'emoji😀',
  'x!',
  long(32),
  long(33),
  long(64),
  long(65),
  long(128),
  long(129),
  long(256),
  long(257),
  long(1024),
  long(1025),
  'tag1',
  'tag1,tag2',
  'tag1, tag2',
  'tag1,,tag2',
  ',tag1',
  Array.from({ length: 10 }, (_, i) => `t${i}`).join(','),
  Array.from({ length: 11 }, (_, i) => `t${i}`).join(','),
  `${long(64, 't')},b`,
  `${long(65, 't')},b`,
  '电话:13800000000 联系人:张三 服务类型:标准快递 发货地址:广州',
  'bind',
  'unbind',
  'Bind',
  'BIND',
];
const NON_TEXTS: unknown[] = [undefined, null, 0, 1, true, {}, [], ['a']];

const PRINTER_FIELDS = ['openid', 'updateType', 'tagidList'];
const ACCOUNT_FIELDS = ['type', 'bizId', 'deliveryId', 'password', 'remarkContent'];
const STRAY_FIELDS = ['userInfo', 'bizid', 'biz_id', 'update_type', 'OPENID', 'extra'];

/** Values each field accepts, so generated events often pass and the later rules get reached. */
const GOOD: Readonly<Record<string, readonly unknown[]>> = {
  openid: ['oPrinter_01-x', 'a', long(128)],
  updateType: ['bind', 'unbind'],
  tagidList: ['tag1', 'tag1,tag2'],
  type: ['bind', 'unbind'],
  bizId: ['123456', '中文客户编码', 'a b', long(128)],
  deliveryId: ['YUNDA', 'SF', 'a_b-1', long(32)],
  password: ['123456789', 'p a s s', ' spaced ', long(256)],
  remarkContent: ['电话:13800000000 联系人:张三 服务类型:标准快递 发货地址:广州', long(1024)],
};

const anyValue = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...TEXTS) },
  { weight: 1, arbitrary: fc.constantFrom(...NON_TEXTS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

function valueFor(field: string) {
  const good = GOOD[field];
  return good ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: anyValue }) : anyValue;
}

/** Events of any mix of the function's fields, often all good, sometimes with a stray field. */
function eventOf(fields: readonly string[]) {
  const optional = (field: string) => fc.option(valueFor(field), { nil: undefined, freq: 4 });
  return fc
    .record({
      known: fc.tuple(...fields.map((field) => fc.tuple(fc.constant(field), fc.boolean(), valueFor(field)))),
      stray: fc.option(fc.tuple(fc.constantFrom(...STRAY_FIELDS), optional('stray')), { freq: 5 }),
    })
    .map(({ known, stray }) => {
      const event: Record<string, unknown> = {};
      for (const [field, present, v] of known) if (present || fields.indexOf(field) < 2) event[field] = v;
      if (stray) event[stray[0]] = stray[1];
      return event;
    });
}

describe('the page and the functions judge events alike', () => {
  const handPicked: Array<['updatePrinter' | 'bindAccount', unknown]> = [
    ['updatePrinter', { updateType: 'bind' }],
    ['updatePrinter', { openid: 'oPrinter', updateType: 'unbind' }],
    ['updatePrinter', { openid: '', updateType: 'bind' }],
    ['updatePrinter', { openid: 'o p', updateType: 'bind' }],
    ['updatePrinter', { openid: 'oPrinter', updateType: 'bind', tagidList: 'a,b' }],
    ['updatePrinter', { openid: 'oPrinter', updateType: 'bind', tagidList: '' }],
    ['updatePrinter', { openid: 'oPrinter' }],
    ['updatePrinter', { updateType: 'bind', userInfo: { appId: 'wx1', openId: 'o' } }],
    ['updatePrinter', { updateType: 'bind', update_type: 'bind' }],
    ['updatePrinter', JSON.parse('{"updateType":"bind","__proto__":{"x":1}}')],
    ['updatePrinter', null],
    ['updatePrinter', []],
    ['updatePrinter', 'bind'],
    ['bindAccount', { type: 'bind', bizId: '123456', deliveryId: 'YUNDA', password: '123456789' }],
    ['bindAccount', { type: 'bind', bizId: '123456', deliveryId: 'SF' }],
    ['bindAccount', { type: 'unbind', bizId: '123456', deliveryId: 'SF' }],
    ['bindAccount', { type: 'bind', bizId: 'ems-1', deliveryId: 'EMS', remarkContent: '电话:1 联系人:张 服务类型:标准 发货地址:广州' }],
    ['bindAccount', { type: 'bind', bizId: '123456', deliveryId: 'SF', password: '' }],
    ['bindAccount', { type: 'bind', bizId: '123456', deliveryId: 'SF', remarkContent: '' }],
    ['bindAccount', { type: 'bind', bizId: ' 123456', deliveryId: 'SF' }],
    ['bindAccount', { type: 'bind', bizId: '123456', deliveryId: 'S F' }],
    ['bindAccount', { type: 'bind', bizId: '123456', deliveryId: long(33, 'A') }],
    ['bindAccount', { type: 'bind', bizId: long(129), deliveryId: 'SF' }],
    ['bindAccount', { type: 'bind', bizId: '123456', deliveryId: 'YUNDA', password: 'a\nb' }],
    ['bindAccount', { type: 'bind', bizId: '123456', deliveryId: 'YUNDA', password: long(257) }],
    ['bindAccount', { type: 'bind', bizId: '123456', deliveryId: 'EMS', remarkContent: 'a\nb' }],
    ['bindAccount', { type: 'bind', bizId: '123456', deliveryId: 'EMS', remarkContent: long(1025) }],
    ['bindAccount', { type: 'bind', bizid: '123456', deliveryId: 'SF' }],
    ['bindAccount', { type: 'bind', bizId: '', deliveryId: '', password: 1 }],
    ['bindAccount', { bizId: '1', deliveryId: 'SF' }],
    ['bindAccount', { type: 'remove', bizId: '1', deliveryId: 'SF' }],
    ['bindAccount', undefined],
  ];

  const short = (event: unknown) => {
    const text = JSON.stringify(event) ?? String(event);
    return text.length > 70 ? `${text.slice(0, 70)}…` : text;
  };

  test.each(handPicked.map(([fn, event]) => [fn, short(event), event] as const))('%s %s', (fn, _label, event) => {
    expect(client(fn, event)).toEqual(server(fn, event));
  });

  test('hand-picked samples include both verdicts', () => {
    const verdicts = handPicked.map(([fn, event]) => server(fn, event).accepted);
    expect(verdicts).toContain(true);
    expect(verdicts).toContain(false);
  });

  test.each([
    ['updatePrinter', PRINTER_FIELDS],
    ['bindAccount', ACCOUNT_FIELDS],
  ] as const)('generated %s events', (fn, fields) => {
    let accepted = 0;
    const blamed = new Set<string>();
    fc.assert(
      fc.property(eventOf(fields), (event) => {
        const expected = server(fn, event);
        if (expected.accepted) accepted += 1;
        else blamed.add(expected.field);
        expect(client(fn, event)).toEqual(expected);
      }),
      { numRuns: 3000, seed: 20240601 },
    );
    // The generator must reach both sides, and every field's rules, or the property says little.
    expect(accepted).toBeGreaterThan(150);
    expect([...blamed].sort()).toEqual(expect.arrayContaining([...fields].sort()));
  });
});

test('the page copies the functions’ field limits exactly', () => {
  expect(PAGE_FIELD_LIMITS).toEqual(FIELD_LIMITS);
});
