/**
 * Outside text (what the SDK, the gateway or WeChat wrote) is the only text placed in an answer
 * that we did not build, and only for a call without a secret: the frame and the length limit.
 * (A call that carried a password places none: test/core/run-operation.test.ts, issue 18 item 3.)
 */
import { MAX_OUTSIDE_CHARS, placeOutsideText } from '../../core/outside-text';

const FRAME = 'openapi.logistics.bindAccount:fail ';

describe('the frame and the length limit', () => {
  test.each([
    'openapi.logistics.bindAccount:ok',
    'openapi.logistics.updatePrinter:ok',
  ])('a bare SDK frame (%s) is kept', (text) => {
    expect(placeOutsideText(text)).toBe(text);
  });

  test('the text is kept, up to the limit; the frame does not count against it', () => {
    expect(placeOutsideText(`${FRAME}plain`)).toBe(`${FRAME}plain`);
    const long = placeOutsideText(`${FRAME}${'x'.repeat(5000)}`);
    expect(long).toBe(`${FRAME}${'x'.repeat(MAX_OUTSIDE_CHARS - 1)}…`);
    expect(long.length - FRAME.length).toBe(MAX_OUTSIDE_CHARS);
    expect(placeOutsideText('y'.repeat(600))).toBe(`${'y'.repeat(MAX_OUTSIDE_CHARS - 1)}…`);
  });

  test('a cut never splits a surrogate pair', () => {
    const placed = placeOutsideText(`${FRAME}${'z'.repeat(MAX_OUTSIDE_CHARS - 2)}😀😀`);
    expect(placed).toBe(`${FRAME}${'z'.repeat(MAX_OUTSIDE_CHARS - 2)}…`);
  });
});
