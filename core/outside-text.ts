/**
 * Outside text: what the SDK, the gateway or WeChat wrote (an errMsg), the only text a function
 * places in its answer that it did not build itself. Everything else in an envelope or audit line
 * is built from values that cannot hold a secret; this is where outside text is made safe, once,
 * before it is placed — never by scrubbing a finished line, where the secret would choose what
 * disappears (a password "audit" would erase the audit marker).
 *
 * - The SDK's own fixed frame (`openapi.logistics.<api>:ok`, `…:fail `, also without `openapi.`)
 *   is kept as it is; only what follows is outside text.
 * - Each secret is replaced by ****** in every form a message may echo it in: exact,
 *   JSON-escaped (also with \uXXXX for non-ASCII), URL-encoded (encodeURIComponent and form
 *   encoding, either hex case) and base64 (standard and URL-safe, at any byte offset, of each of
 *   those forms).
 * - A secret shorter than MIN_SCRUBBABLE_CHARS cannot be scrubbed without garbling everything
 *   around it: the outside text is then dropped for a fixed description. So it is when a form
 *   still shows after scrubbing (a secret made of the mask's own characters).
 * - At most MAX_OUTSIDE_CHARS of outside text are kept.
 */

export const MASK = '******';
export const MIN_SCRUBBABLE_CHARS = 6;
export const MAX_OUTSIDE_CHARS = 512;
export const WITHHELD = '(message withheld: it may quote a password too short to hide)';

const SDK_FRAME = /^(?:openapi\.)?logistics\.[A-Za-z]+:(?:ok|fail )/;

function bothHexCases(encoded: string): string[] {
  return [encoded, encoded.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase())];
}

function jsonAsciiEscaped(secret: string): string {
  return JSON.stringify(secret)
    .slice(1, -1)
    .replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The base64 characters that depend on the secret's bytes alone, for each of the three offsets
 * the secret can start at inside a longer encoded text.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset += 1) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const from = Math.ceil((offset * 8) / 6);
    const to = Math.floor(((offset + bytes.length) * 8) / 6);
    const stable = encoded.slice(from, to);
    forms.push(stable, stable.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

/** Every form of the secret a message could echo, longest first. */
export function secretForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const ascii = jsonAsciiEscaped(secret);
  const textual = new Set([
    secret,
    json,
    ascii,
    ascii.replace(/\\u[0-9a-f]{4}/g, (escape) => escape.toUpperCase().replace('\\U', '\\u')),
    ...bothHexCases(encodeURIComponent(secret)),
    ...bothHexCases(new URLSearchParams({ s: secret }).toString().slice(2)),
  ]);
  // A base64 body holds the secret as its request held it: exact, JSON-escaped or URL-encoded.
  const forms = new Set([...textual, ...[...textual].flatMap(base64Forms)]);
  return [...forms].filter((form) => form.length > 0).sort((a, b) => b.length - a.length);
}

/** At most `max` UTF-16 units, the cut marked by …, never inside a surrogate pair. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const keep = max - 1;
  const cut = /[\ud800-\udbff]/.test(text.charAt(keep - 1)) ? keep - 1 : keep;
  return `${text.slice(0, cut)}…`;
}

/** The outside text, made safe to place in an envelope (see the module's comment). */
export function placeOutsideText(text: string, secrets: readonly string[]): string {
  const frame = SDK_FRAME.exec(text)?.[0] ?? '';
  let rest = text.slice(frame.length);
  if (rest === '') return frame;
  const present = secrets.filter((secret) => secret.length > 0);
  if (present.some((secret) => secret.length < MIN_SCRUBBABLE_CHARS)) return frame + WITHHELD;
  const forms = present.flatMap(secretForms).sort((a, b) => b.length - a.length);
  for (const form of forms) rest = rest.split(form).join(MASK);
  if (forms.some((form) => rest.includes(form))) return frame + WITHHELD;
  return frame + truncate(rest, MAX_OUTSIDE_CHARS);
}
