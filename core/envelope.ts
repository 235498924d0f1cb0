/**
 * The one result envelope every cloud function returns, for every outcome.
 *
 * Invariants: `ok === (errCode === 0)`; `code` and `message` come from the catalogue; nothing in
 * an envelope ever carries the carrier password (errMsg texts are built from codes and field
 * names, never from input values, and the SDK's text is placed through core/outside-text.ts).
 */
import { describeErrCode, describeOutsideErrCode, entryForCode, ProjectCode, UNKNOWN_ERRCODE, type CatalogueEntry } from './catalogue';

export interface Envelope<Data = unknown> {
  /** True exactly when errCode is 0. */
  ok: boolean;
  /** WeChat / CloudBase errcode, or a project code (-900xxx) for refusals before the call. */
  errCode: number;
  /** Technical text for logs (the SDK's errMsg where there was one). */
  errMsg: string;
  /** Stable name of the outcome, e.g. ALREADY_BOUND. */
  code: string;
  /** What to tell a person, in plain Chinese. */
  message: string;
  /** Whether the same request may succeed if sent again later. */
  retryable: boolean;
  /** The event field at fault, for INVALID_PARAM. */
  field?: string;
  data?: Data;
}

function fromEntry<Data>(entry: CatalogueEntry, errMsg: string, extra: Partial<Envelope<Data>> = {}): Envelope<Data> {
  return {
    ok: entry.errCode === 0,
    errCode: entry.errCode,
    errMsg,
    code: entry.code,
    message: entry.message,
    retryable: entry.retryable,
    ...extra,
  };
}

export function successEnvelope<Data>(errMsg: string, data?: Data): Envelope<Data> {
  return fromEntry(describeErrCode(0), errMsg, data === undefined ? {} : { data });
}

/** An envelope for any errCode (from WeChat, the cloud, or the catalogue's project range). */
export function envelopeForErrCode<Data = unknown>(errCode: number, errMsg: string, data?: Data): Envelope<Data> {
  return fromEntry(describeErrCode(errCode), errMsg, data === undefined ? {} : { data });
}

/** An envelope for an errCode an outside answer gave (so never one of our own -900xxx codes). */
export function envelopeForAnswer(errCode: number, errMsg: string): Envelope<never> {
  return fromEntry<never>(describeOutsideErrCode(errCode), errMsg);
}

/** A refusal made before any openapi call. */
export function refusalEnvelope(
  code: keyof typeof ProjectCode,
  errMsg: string,
  details: { message?: string; field?: string } = {},
): Envelope<never> {
  const entry = entryForCode(code);
  return {
    ...fromEntry<never>(entry, errMsg),
    ...(details.message === undefined ? {} : { message: details.message }),
    ...(details.field === undefined ? {} : { field: details.field }),
  };
}

/** The parts of a thrown value we trust: a finite numeric errCode and a string errMsg/message. */
export interface ThrownError {
  errCode: number | undefined;
  errMsg: string;
}

/**
 * Reads what wx-server-sdk throws. It throws two shapes, both carrying a numeric `errCode`:
 * CloudSDKError (own errCode/errMsg: business errcodes and cloud errors such as -604101) and a
 * plain Error with errCode -501001 (HTTP errors, timeouts, refused connections). We branch on the
 * errCode only, never on the class name, which minified bundles rename.
 */
/**
 * wx-server-sdk 4.0.2 quotes a body it cannot parse (not JSON, or a `constructor`/`__proto__` key
 * json-bigint refuses) after this frame: "…response body is invalid json: <up to the whole body>".
 * The frame is kept, the body never: it is the raw answer, past every allow-list.
 */
const UNPARSED_BODY = /(response body is invalid json): [\s\S]*$/;

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

/** The envelope for what the SDK call threw, read by readThrown (its errMsg already made safe to place). */
export function envelopeForThrown({ errCode, errMsg }: ThrownError): Envelope<never> {
  // errCode 0 on a thrown error would claim success: treat it as unknown instead.
  if (errCode === undefined || errCode === 0) return envelopeForErrCode<never>(UNKNOWN_ERRCODE, errMsg);
  return envelopeForAnswer(errCode, errMsg);
}
