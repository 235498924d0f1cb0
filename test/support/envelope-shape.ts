/** Asserts that a value is a well-formed result envelope (and nothing more). */
const ENVELOPE_KEYS = ['code', 'data', 'errCode', 'errMsg', 'field', 'message', 'ok', 'retryable'];

export function expectEnvelope(envelope: unknown): asserts envelope is { ok: boolean; errCode: number; code: string } {
  expect(typeof envelope).toBe('object');
  const e = envelope as Record<string, unknown>;
  for (const key of Object.keys(e)) expect(ENVELOPE_KEYS).toContain(key);
  expect(typeof e.errCode).toBe('number');
  expect(e.ok).toBe(e.errCode === 0);
  expect(typeof e.code).toBe('string');
  expect(typeof e.message).toBe('string');
  expect(typeof e.errMsg).toBe('string');
  expect(typeof e.retryable).toBe('boolean');
}

