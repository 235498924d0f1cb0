/**
 * The one result envelope every cloud function returns, for every outcome.
 *
 * Invariants: `ok === (errCode === 0)`; `code` and `message` come from the catalogue; nothing in
 * an envelope ever carries the carrier password (errMsg texts are built from codes and field
 * names, never from input values, and the SDK's text is placed through core/outside-text.ts).
 */
import type { ThrownError } from '../miniprogram/shared/failed-call';
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

/** The envelope for what the SDK call threw, read by readThrown (its errMsg already made safe to place). */
export function envelopeForThrown({ errCode, errMsg }: ThrownError): Envelope<never> {
  // errCode 0 on a thrown error would claim success: treat it as unknown instead.
  if (errCode === undefined || errCode === 0) return envelopeForErrCode<never>(UNKNOWN_ERRCODE, errMsg);
  return envelopeForAnswer(errCode, errMsg);
}
