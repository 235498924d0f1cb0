/**
 * Outside text (what the SDK, the gateway or WeChat wrote) is the only text placed in an answer
 * that we did not build: issue 12 item 3's forms, frame, short secrets and length limit.
 */
import fc from 'fast-check';
import { MASK, MAX_OUTSIDE_CHARS, placeOutsideText, secretForms, WITHHELD } from '../../core/outside-text';

const FRAME = 'openapi.logistics.bindAccount:fail ';
const SECRET = 'Pa"ss\\w/rd +&=?中!~*()\'';

function encodings(secret: string): Record<string, string> {
  const uri = encodeURIComponent(secret);
  const form = new URLSearchParams({ p: secret }).toString().slice(2);
  const lower = (text: string) => text.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase());
  return {
    exact: secret,
    json: JSON.stringify(secret).slice(1, -1),
    jsonAscii: JSON.stringify(secret).slice(1, -1).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`),
    uri,
    uriLower: lower(uri),
    form,
    formLower: lower(form),
    base64: Buffer.from(secret).toString('base64'),
    base64url: Buffer.from(secret).toString('base64url'),
  };
}

describe('every form of the secret is scrubbed', () => {
  test.each(Object.entries(encodings(SECRET)))('%s', (_form, encoded) => {
    expect(placeOutsideText(`${FRAME}echo <${encoded}> end`, [SECRET])).not.toContain(encoded.slice(0, 8));
    expect(placeOutsideText(`${FRAME}echo <${encoded}> end`, [SECRET])).toMatch(/^openapi\.logistics\.bindAccount:fail echo <.*\*{6}.*> end$/);
  });

  test('base64 of a longer body holds no stable run of the secret at any offset', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), fc.string({ minLength: 6, maxLength: 30 }), (before, after, secret) => {
        for (const variant of ['base64', 'base64url'] as const) {
          const body = Buffer.from(`${before}${secret}${after}`).toString(variant);
          const placed = placeOutsideText(`${FRAME}${body}`, [secret]);
          // Decoding what is left must not give the secret back.
          const decoded = placed.slice(FRAME.length).split(MASK).map((part) => Buffer.from(part, variant).toString('latin1'));
          expect(decoded.join('')).not.toContain(Buffer.from(secret).toString('latin1'));
        }
      }),
      { numRuns: 500, seed: 12 },
    );
  });

  test('the forms are the ones listed, longest first, none empty', () => {
    const forms = secretForms('abcdef');
    expect(forms).toContain('abcdef');
    expect(forms).toContain(Buffer.from('abcdef').toString('base64'));
    expect([...forms].sort((a, b) => b.length - a.length)).toEqual(forms);
    expect(forms.every((form) => form.length > 0)).toBe(true);
  });
});

describe('the frame, short secrets and the length limit', () => {
  test.each([
    'openapi.logistics.bindAccount:ok',
    'openapi.logistics.updatePrinter:ok',
  ])('a bare SDK frame (%s) is kept whatever the secret', (text) => {
    for (const secret of ['ogistics', 'e', 'openapi.logistics', ':ok']) expect(placeOutsideText(text, [secret])).toBe(text);
  });

  test('a secret inside the frame text does not garble the frame', () => {
    expect(placeOutsideText(`${FRAME}wrong ogistics here`, ['ogistics'])).toBe(`${FRAME}wrong ${MASK} here`);
    expect(placeOutsideText('logistics.bindAccount:fail [INVALID_PARAM] ogistics', ['ogistics'])).toBe(`logistics.bindAccount:fail [INVALID_PARAM] ${MASK}`);
  });

  test.each(['e', 'pw1', '12345'])('a secret shorter than 6 (%p) drops the outside text for a fixed description', (secret) => {
    expect(placeOutsideText(`${FRAME}password ${secret} is wrong`, [secret])).toBe(`${FRAME}${WITHHELD}`);
    expect(placeOutsideText('connect ECONNREFUSED 127.0.0.1:9', [secret])).toBe(WITHHELD);
  });

  test('no secret: the text is kept, up to the limit', () => {
    expect(placeOutsideText(`${FRAME}plain`, [])).toBe(`${FRAME}plain`);
    const long = placeOutsideText(`${FRAME}${'x'.repeat(5000)}`, []);
    expect(long).toBe(`${FRAME}${'x'.repeat(MAX_OUTSIDE_CHARS - 1)}…`);
    expect(long.length - FRAME.length).toBe(MAX_OUTSIDE_CHARS);
  });

  test('the limit is applied after scrubbing, so it cannot cut a secret in half', () => {
    const secret = 'secret-value';
    const text = `${FRAME}${'y'.repeat(MAX_OUTSIDE_CHARS - 4)}${secret}`;
    const placed = placeOutsideText(text, [secret]);
    expect(placed).not.toContain('secr');
    expect(placed.endsWith('…')).toBe(true);
  });

  test('a cut never splits a surrogate pair', () => {
    const placed = placeOutsideText(`${FRAME}${'z'.repeat(MAX_OUTSIDE_CHARS - 2)}😀😀`, []);
    expect(placed).toBe(`${FRAME}${'z'.repeat(MAX_OUTSIDE_CHARS - 2)}…`);
  });

  test('a secret made of the mask\'s own characters withholds the text rather than leave it', () => {
    expect(placeOutsideText(`${FRAME}got ****** back`, ['******'])).toBe(`${FRAME}${WITHHELD}`);
    expect(placeOutsideText(`${FRAME}got ******** back`, ['*******'])).not.toContain('*******');
  });
});
