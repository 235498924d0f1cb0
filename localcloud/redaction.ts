/**
 * What never leaves the local cloud's views (the request log, its printed lines, a database
 * request's summary) unredacted: values of keys named like a password or a secret.
 */
export const REDACTED = '******';
/** Keys whose values are redacted. */
export const SECRET_KEY = /passw(or)?d|secret/i;

/** The params with each secret-named top-level key's value redacted. */
export function redactParams(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, SECRET_KEY.test(key) ? REDACTED : value]));
}

/** A JSON value with every secret-named key's value redacted, at any depth (documents nest). */
export function redactDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactDeep);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, SECRET_KEY.test(key) ? REDACTED : redactDeep(inner)]));
}

/** Every non-empty string under a secret-named key in `value`, at any depth (what text must not show). */
export function secretValuesIn(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => (SECRET_KEY.test(key) && typeof inner === 'string' && inner !== '' ? [inner] : secretValuesIn(inner)));
}

/**
 * `text` with every occurrence of each secret value replaced by ******: as it is, and as it stands
 * inside JSON text (where a quote or backslash in it is escaped).
 */
export function redactSecretValues(text: string, secrets: readonly string[]): string {
  const forms = secrets.flatMap((secret) => [JSON.stringify(secret).slice(1, -1), secret]);
  return forms.reduce((out, secret) => out.split(secret).join(REDACTED), text);
}
