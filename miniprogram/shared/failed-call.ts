/**
 * The one reader of a failed call, for both sides: what wx-server-sdk throws in a function
 * (core/envelope.ts turns it into an envelope) and what wx.cloud.callFunction rejects with on the
 * phone (services/cloud-functions.ts does). It lives here because the page may not import core/
 * at run time. Plain TypeScript with no imports, like the rest of shared/.
 */

/** The parts of a thrown value we trust: a finite numeric errCode and a string errMsg/message. */
export interface ThrownError {
  errCode: number | undefined;
  errMsg: string;
}

/**
 * wx-server-sdk 4.0.2 quotes a body it cannot parse (not JSON, or a `constructor`/`__proto__` key
 * json-bigint refuses) after this frame: "…response body is invalid json: <up to the whole body>".
 * The frame is kept, the body never: it is the raw answer, past every allow-list.
 */
const UNPARSED_BODY = /(response body is invalid json): [\s\S]*$/;

/**
 * Reads what wx-server-sdk throws. It throws two shapes, both carrying a numeric `errCode`:
 * CloudSDKError (own errCode/errMsg: business errcodes and cloud errors such as -604101) and a
 * plain Error with errCode -501001 (HTTP errors, timeouts, refused connections). We branch on the
 * errCode only, never on the class name, which minified bundles rename. wx.cloud.callFunction
 * rejects with the same fields (errCode, errMsg), so the page reads its failures here too.
 */
export function readThrown(thrown: unknown): ThrownError {
  if (typeof thrown !== 'object' || thrown === null) {
    return { errCode: undefined, errMsg: `non-error thrown: ${typeof thrown}` };
  }
  const record = thrown as { errCode?: unknown; errMsg?: unknown; message?: unknown };
  const errCode =
    typeof record.errCode === 'number' && Number.isInteger(record.errCode) ? record.errCode : undefined;
  const errMsg =
    typeof record.errMsg === 'string'
      ? record.errMsg
      : typeof record.message === 'string'
        ? record.message
        : 'error without a message';
  return { errCode, errMsg: errMsg.replace(UNPARSED_BODY, '$1 (the body is not repeated)') };
}
