/**
 * Outside text: what the SDK, the gateway or WeChat wrote (an errMsg), the only text a function
 * places in its answer that it did not build itself, and only for a call that carried no secret.
 * A call that carried a password places none: its texts are built from the API, the errcode and
 * our code (core/call-engine.ts). Scrubbing the password out of outside text cannot win — an echo
 * encoded twice, reversed or cut to a prefix has no fixed form (issue 18) — so nothing is scrubbed.
 *
 * - The SDK's own fixed frame (`openapi.logistics.<api>:ok`, `…:fail `, also without `openapi.`)
 *   is kept as it is; only what follows is outside text.
 * - At most MAX_OUTSIDE_CHARS of outside text are kept.
 */

export const MAX_OUTSIDE_CHARS = 512;

const SDK_FRAME = /^(?:openapi\.)?logistics\.[A-Za-z]+:(?:ok|fail )/;

/** At most `max` UTF-16 units, the cut marked by …, never inside a surrogate pair. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const keep = max - 1;
  const cut = /[\ud800-\udbff]/.test(text.charAt(keep - 1)) ? keep - 1 : keep;
  return `${text.slice(0, cut)}…`;
}

/** The outside text of a call without a secret, as it may be placed (see the module's comment). */
export function placeOutsideText(text: string): string {
  const frame = SDK_FRAME.exec(text)?.[0] ?? '';
  return frame + truncate(text.slice(frame.length), MAX_OUTSIDE_CHARS);
}
