/**
 * The page's checks (miniprogram/logic/validation.ts) and the functions' validation
 * (core/validation.ts) apply the same rules from miniprogram/shared/field-rules.ts, so their
 * verdicts agree by construction. What is left to hold: each side's wrapping. The page blames the
 * same field and says the same words as the function's envelope (minus its "参数错误：" prefix),
 * and the function's one extra rule (a server-side updatePrinter must name the openid) cannot
 * arise on the page, whose caller always has an OPENID.
 */
import { validateBindAccountEvent, validateUpdatePrinterEvent } from '../../core/validation';
import { checkBindAccountEvent, checkUpdatePrinterEvent } from '../../miniprogram/logic/validation';

const CALLER_OPENID = 'oCaller';

function server(fn: 'updatePrinter' | 'bindAccount', event: unknown) {
  const checked = fn === 'updatePrinter' ? validateUpdatePrinterEvent(event, CALLER_OPENID) : validateBindAccountEvent(event);
  if (checked.ok) return null;
  const { code, field, message } = checked.envelope;
  return code === 'INVALID_EVENT' ? { field: '', message } : { field, message: message.replace(/^参数错误：/, '') };
}

function page(fn: 'updatePrinter' | 'bindAccount', event: unknown) {
  return fn === 'updatePrinter' ? checkUpdatePrinterEvent(event) : checkBindAccountEvent(event);
}

const account = { type: 'bind', bizId: '123456', deliveryId: 'YUNDA' };
const cases: Array<['updatePrinter' | 'bindAccount', unknown]> = [
  ['updatePrinter', { updateType: 'bind' }],
  ['updatePrinter', { openid: 'o p', updateType: 'bind' }],
  ['updatePrinter', { openid: 'oPrinter', updateType: 'bind', tagidList: 'a, b' }],
  ['updatePrinter', { openid: 'oPrinter' }],
  ['updatePrinter', { updateType: 'bind', update_type: 'bind' }],
  ['updatePrinter', null],
  ['bindAccount', { ...account, password: '123456789', userInfo: { openId: 'o' } }],
  ['bindAccount', { ...account, bizId: ' 123456' }],
  ['bindAccount', { ...account, bizId: 'demo-sf\u0085\u009b31m' }],
  ['bindAccount', { ...account, bizId: 'demo\u200bsf' }],
  ['bindAccount', { ...account, password: 'pass\u0085word' }],
  ['bindAccount', { ...account, remarkContent: '电话:1\u2028联系人:张' }],
  ['bindAccount', { ...account, deliveryId: 'x'.repeat(33) }],
  ['bindAccount', { ...account, password: 1 }],
  ['bindAccount', { ...account, bizid: 'x' }],
  ['bindAccount', { ...account, ['n'.repeat(100_000)]: 1 }],
  ['bindAccount', { bizId: '1', deliveryId: 'SF' }],
  ['bindAccount', [account]],
];

test.each(cases.map(([fn, event]) => [fn, JSON.stringify(event)?.slice(0, 60) ?? String(event), event] as const))(
  '%s %s: the page says what the function would',
  (fn, _label, event) => {
    expect(page(fn, event)).toEqual(server(fn, event));
  },
);

test('the cases include acceptances and refusals', () => {
  const verdicts = cases.map(([fn, event]) => server(fn, event) === null);
  expect(verdicts).toContain(true);
  expect(verdicts).toContain(false);
});
