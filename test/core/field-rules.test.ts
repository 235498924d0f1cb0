/**
 * The field rules both sides use (miniprogram/shared/field-rules.ts): the character classes as
 * Unicode defines them, and issue 12's items 7 (C1 controls, format characters) and 8 (made-up
 * field names are not echoed) through the functions' validation.
 */
import { RULES, shownFieldName, UNSHOWN_FIELD } from '../../miniprogram/shared/field-rules';
import { validateBindAccountEvent, validateUpdatePrinterEvent } from '../../core/validation';

function everyCodePoint(): string[] {
  const all: string[] = [];
  for (let cp = 0; cp <= 0x10ffff; cp += 1) if (cp < 0xd800 || cp > 0xdfff) all.push(String.fromCodePoint(cp));
  return all;
}

describe('character classes', () => {
  const chars = everyCodePoint();

  test('"format characters" are exactly Unicode category Cf', () => {
    const cf = /^\p{Cf}$/u;
    const differ = chars.filter((ch) => RULES.noFormatChars.holds(`a${ch}b`) === cf.test(ch));
    expect(differ.map((ch) => ch.codePointAt(0)!.toString(16))).toEqual([]);
  });

  test('"control characters" are C0, DEL, C1 and the line and paragraph separators', () => {
    const refused = chars.filter((ch) => !RULES.noControlChars.holds(`a${ch}b`)).map((ch) => ch.codePointAt(0)!);
    const expected = [...Array.from({ length: 0x20 }, (_, i) => i), ...Array.from({ length: 0x21 }, (_, i) => 0x7f + i), 0x2028, 0x2029];
    expect(refused).toEqual(expected);
  });
});

describe('issue 12 item 7: C1 controls and format characters', () => {
  const account = { type: 'bind', bizId: 'demo-sf', deliveryId: 'SF' };
  const refusedField = (event: unknown) => {
    const result = validateBindAccountEvent(event);
    return result.ok ? null : result.envelope.field;
  };

  test.each(['\u0085', '\u009b', '\u0080', '\u009f', '\u2028', '\u2029'])('%p is refused in every text field', (ch) => {
    expect(refusedField({ ...account, bizId: `demo${ch}sf` })).toBe('bizId');
    expect(refusedField({ ...account, password: `pass${ch}word` })).toBe('password');
    expect(refusedField({ ...account, remarkContent: `电话:1${ch}联系人:张` })).toBe('remarkContent');
  });

  test.each(['\u200b', '\u200d', '\u202e', '\u2066', '\ufeff', '\u00ad', '\u{e0041}'])('format character %p: refused in bizId, kept in password and remarkContent', (ch) => {
    expect(refusedField({ ...account, bizId: `demo${ch}sf` })).toBe('bizId');
    expect(refusedField({ ...account, password: `pass${ch}word` })).toBeNull();
    expect(refusedField({ ...account, remarkContent: `联系人:张 👨\u200d👩${ch}` })).toBeNull();
  });

  test('the id fields openid and deliveryId allow only [A-Za-z0-9_-], so no format character either', () => {
    expect(refusedField({ ...account, deliveryId: 'S\u200bF' })).toBe('deliveryId');
    const printer = validateUpdatePrinterEvent({ openid: 'oPrinter\u2060', updateType: 'bind' }, 'oAdmin');
    expect(printer.ok ? null : printer.envelope.field).toBe('openid');
  });
});

describe('issue 12 item 8: made-up field names', () => {
  test.each([
    ['bizid', 'bizid'],
    ['$x_1', '$x_1'],
    ['a'.repeat(64), 'a'.repeat(64)],
    ['a'.repeat(65), UNSHOWN_FIELD],
    ['biz-id', UNSHOWN_FIELD],
    ['', UNSHOWN_FIELD],
    ['bizId\u200b', UNSHOWN_FIELD],
    ['名字', UNSHOWN_FIELD],
  ])('%p is shown as %p, in field and errMsg alike', (name, shown) => {
    expect(shownFieldName(name)).toBe(shown);
    const result = validateBindAccountEvent({ type: 'bind', bizId: 'x', deliveryId: 'SF', [name]: 1 });
    if (result.ok) throw new Error('expected a refusal');
    expect(result.envelope).toMatchObject({ code: 'INVALID_PARAM', field: shown, errMsg: `bindAccount:fail invalid param ${shown}: is not a known field` });
    expect(result.envelope.message).toBe(`参数错误：不支持的参数 ${shown}`);
  });
});

describe('the name rule (issue 21)', () => {
  const { checkFields, NAME_FIELD, characterCount } = jest.requireActual('../../miniprogram/shared/field-rules') as typeof import('../../miniprogram/shared/field-rules');
  test('1–20 characters after trimming, counted as a person counts them; the trimmed name is what passes', () => {
    expect(characterCount('😀a')).toBe(2);
    expect(checkFields({ name: '  仓库小王  ' }, { name: NAME_FIELD })).toEqual({ ok: true, fields: { name: '仓库小王' } });
    expect(checkFields({ name: '😀'.repeat(20) }, { name: NAME_FIELD }).ok).toBe(true);
    for (const name of ['😀'.repeat(21), ' ', '', '小\t王', '小\u200d王']) expect(checkFields({ name }, { name: NAME_FIELD })).toMatchObject({ ok: false, problem: { field: 'name' } });
  });
});
