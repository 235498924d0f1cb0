/**
 * The call engine: makes one call with the retry policy inside the run's time budget, and reads
 * what came of it — an answer, a failure that never left, or one that may have reached the other
 * side. What a call is (its name in texts, its effect, how its "never sent" failures and its
 * non-answers look, what its answer gives) comes with the call itself, so an openapi call and,
 * later, a database call run through the same retries and budget unchanged.
 *
 * For a write, an attempt that may have reached the other side without an answer that settles it
 * makes the outcome unknown (OUTCOME_UNKNOWN), never a plain failure; only attempts that provably
 * never left stay plain errors. A read has no effect: a read without an answer is a plain
 * retryable failure (READ_TIMEOUT when the budget ends first).
 *
 * A call that carried a secret (a password) places no outside text: its texts are built from its
 * name, the errcode and our code (issue 18: scrubbing an echo cannot win). Other calls place the
 * outside text through core/outside-text.ts.
 */
import { isFinalWeChatAnswer, ProjectCode } from './catalogue';
// The reader of a thrown value is shared with the page (which may not import core/ at run time).
import { readThrown } from '../miniprogram/shared/failed-call';
import { envelopeForAnswer, envelopeForErrCode, envelopeForThrown, successEnvelope, type Envelope } from './envelope';
import { placeOutsideText } from './outside-text';
import type { RetryPolicy } from './retry-policy';

/** What an SDK call resolves (a read's answer has more fields). */
export interface CallResult {
  errCode?: number;
  errMsg?: string;
  readonly [field: string]: unknown;
}

/** One call as the engine makes it: all that the retries need to know, from the call itself. */
export interface Call<Params> {
  /** How texts name the call, as its SDK frames it: `openapi.logistics.bindAccount`. */
  readonly displayName: string;
  /**
   * 'write': the call changes something, so an unanswered attempt may have taken effect.
   * 'read': it changes nothing, so an unanswered attempt is simply a failure.
   */
  readonly effect: 'write' | 'read';
  /** Whether these params hold a secret: then no outside text is placed for this call. */
  carriesSecret(params: Params): boolean;
  /** Whether a thrown (retryable) failure's text proves the request never left. */
  neverSent(errMsg: string): boolean;
  /** Why a result resolved as a success is not the other side's answer (our own words), or undefined. */
  notAnAnswer(result: CallResult, mayNameOutside: boolean): string | undefined;
  /**
   * True when this outcome (a catalogue code), answered after an attempt that may have reached the
   * other side, means that attempt took effect (a bind answering "already bound", an unbind "not found").
   */
  settledByEarlierAttempt(code: string, params: Params): boolean;
  /**
   * What a successful answer gives as the envelope's `data` (a read's findings), built from fields
   * that cannot hold a secret; may throw MalformedAnswer. Absent for the writes.
   */
  dataOf?(result: CallResult, params: Params): unknown;
}

/** What came of a call (or of an operation's calls): the envelope, and the attempts made. */
export interface CallOutcome {
  envelope: Envelope;
  attempts: number;
}

/** What the engine needs from outside: the SDK call (the entry file's), the clock and the timers. */
export interface EngineDeps<CallParams> {
  call(params: CallParams): Promise<CallResult>;
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

/** Why an answer was refused: for errMsg (technical), never a value from the answer. */
export class MalformedAnswer {
  constructor(readonly reason: string) {}
}

/** Fields added to an envelope when a retry found the earlier attempt had already taken effect. */
export interface SettledEarlier {
  appliedByEarlierAttempt: true;
  attempts: number;
}

/** The pause before retry number `retry` (1 for the second attempt); `random` is in [0, 1). */
export function backoffDelayMs(policy: RetryPolicy, retry: number, random: number): number {
  const base = policy.baseDelayMs * 2 ** (retry - 1);
  const jitter = base * policy.jitterRatio * (2 * random - 1);
  return Math.max(0, Math.round(base + jitter));
}

// --- The openapi calls (wx-server-sdk 4.0.2's cloud.openapi) -----------------------------------

/**
 * wx-server-sdk 4.0.2 reports an error of its HTTP layer as errCode -501001 with errMsg
 * "<api>:fail -501001 resource system error. <Node's message>" (callGeneralOpenAPI, then
 * toSDKError). Node's message tells the phase: "connect ECONNREFUSED …" (also ENETUNREACH,
 * EHOSTUNREACH) and "getaddrinfo ENOTFOUND …" (or EAI_AGAIN) end the request before a byte is
 * sent; "request timeout" (ESOCKETTIMEDOUT), a reset or an HTTP status come after it was sent.
 * Nothing else tells an unsent request apart, so anything else counts as possibly reached.
 */
const OPENAPI_NEVER_SENT =
  /^openapi\.logistics\.[A-Za-z]+:fail -501001 resource system error\. (?:connect (?:ECONNREFUSED|ENETUNREACH|EHOSTUNREACH)|getaddrinfo (?:ENOTFOUND|EAI_AGAIN)) /;

/** A content type as plain as a MIME type: only such a one is named back (for a call without a secret). */
const PLAIN_CONTENT_TYPE = /^[A-Za-z0-9!#$&^_.+\-/;= ]{1,100}$/;

/**
 * wx-server-sdk 4.0.2 (callWXOpenAPI) resolves two kinds of non-answer with errCode 0:
 * `{ contentType, buffer }` when the answer's content_type fails its case-sensitive
 * /(application\/json)|(text\/plain)/ (an empty HTTP 200 body gives content type ''), and
 * `{ result: '<text>' }` for text/plain that is no JSON. None of the logistics answers has a
 * `buffer` or a `result` field. (A JSON answer without errcode reads exactly like a success after
 * the SDK: that one cannot be told apart.)
 */
function openapiNonAnswer(result: CallResult, mayNameOutside: boolean): string | undefined {
  if (result.buffer instanceof Uint8Array && typeof result.contentType === 'string') {
    if (result.contentType === '') return 'an answer without a content type (an empty body)';
    const named = mayNameOutside && PLAIN_CONTENT_TYPE.test(result.contentType) ? ` (${result.contentType})` : '';
    return `an answer of a content type the SDK does not read as JSON${named}`;
  }
  if (typeof result.result === 'string') return 'text that is not JSON (text/plain)';
  return undefined;
}

/** What differs between the openapi calls; the SDK's reading is the same for all. */
export interface OpenapiCallSpec<Params> {
  effect: Call<Params>['effect'];
  carriesSecret?: Call<Params>['carriesSecret'];
  settledByEarlierAttempt?: Call<Params>['settledByEarlierAttempt'];
  dataOf?: Call<Params>['dataOf'];
}

/** cloud.openapi.logistics.<api> as a call of the engine. */
export function openapiCall<Params>(api: string, spec: OpenapiCallSpec<Params>): Call<Params> {
  return {
    displayName: `openapi.logistics.${api}`,
    effect: spec.effect,
    carriesSecret: spec.carriesSecret ?? (() => false),
    neverSent: (errMsg) => OPENAPI_NEVER_SENT.test(errMsg),
    notAnAnswer: openapiNonAnswer,
    settledByEarlierAttempt: spec.settledByEarlierAttempt ?? (() => false),
    ...(spec.dataOf === undefined ? {} : { dataOf: spec.dataOf }),
  };
}

// --- The engine ----------------------------------------------------------------------------------

const WITHHELD = '(outside text withheld: the call carried a password)';

/**
 * One attempt's outcome, and what it got (our own words, for the errMsg of an unknown outcome):
 * - settled: an answer that says what happened (success, or a final refusal from WeChat or the cloud);
 * - unsent: a failure that provably never left the function;
 * - unanswered: anything else (a retryable code, a throw without errCode, an answer that is not
 *   the other side's): it may have reached the other side;
 * - abandoned: the time budget ended first.
 */
type AttemptOutcome = { kind: 'settled' | 'unsent' | 'unanswered'; envelope: Envelope; got: string } | { kind: 'abandoned' };

/** Reads what the SDK resolved or threw for one attempt. */
async function readAttempt<Params>(call: Call<Params>, params: Params, carriesSecret: boolean, deps: EngineDeps<Params>): Promise<AttemptOutcome> {
  const name = call.displayName;
  /** An outside errcode's envelope: the outside text, or for a call that carried a secret our own only. */
  const failed = (errCode: number | undefined, outside: string): Envelope => {
    const envelope = errCode === undefined || errCode === 0 ? envelopeForThrown({ errCode: undefined, errMsg: '' }) : envelopeForAnswer(errCode, '');
    const errMsg = !carriesSecret
      ? placeOutsideText(outside)
      : errCode === undefined || errCode === 0
        ? `${name}:fail a failure without an errcode ${WITHHELD}`
        : `${name}:fail errcode ${errCode} ${envelope.code} ${WITHHELD}`;
    return { ...envelope, errMsg };
  };
  const gotCode = (envelope: Envelope) => `errcode ${envelope.errCode} ${envelope.code}`;
  let result: CallResult;
  try {
    result = await deps.call(params);
  } catch (thrown) {
    const read = readThrown(thrown);
    const envelope = failed(read.errCode, read.errMsg);
    if (read.errCode === undefined || read.errCode === 0) return { kind: 'unanswered', envelope, got: 'a failure without an errcode' };
    if (!envelope.retryable) return { kind: 'settled', envelope, got: gotCode(envelope) };
    if (call.neverSent(read.errMsg)) return { kind: 'unsent', envelope, got: `${gotCode(envelope)}, never sent` };
    return { kind: 'unanswered', envelope, got: gotCode(envelope) };
  }
  const errCode = typeof result?.errCode === 'number' ? result.errCode : 0;
  if (errCode !== 0) {
    // The SDK resolves only errCode 0; anything else resolved is still mapped, never trusted as ok.
    const envelope = failed(errCode, typeof result.errMsg === 'string' ? result.errMsg : `${name}:fail`);
    return { kind: envelope.retryable ? 'unanswered' : 'settled', envelope, got: gotCode(envelope) };
  }
  const notAnswer = call.notAnAnswer(result ?? {}, !carriesSecret);
  if (notAnswer !== undefined) {
    if (call.effect === 'read') {
      return { kind: 'settled', envelope: envelopeForErrCode(ProjectCode.MALFORMED_ANSWER, `${name}:fail malformed answer: ${notAnswer}`), got: notAnswer };
    }
    // The request went out and may have taken effect: retried, and unknown unless a later answer settles it.
    const got = `no answer of WeChat's: ${notAnswer}`;
    return { kind: 'unanswered', envelope: envelopeForErrCode(ProjectCode.OUTCOME_UNKNOWN, `${name}:fail ${got}`), got };
  }
  let data: unknown;
  try {
    data = call.dataOf?.(result, params);
  } catch (malformed) {
    if (!(malformed instanceof MalformedAnswer)) throw malformed;
    return { kind: 'settled', envelope: envelopeForErrCode(ProjectCode.MALFORMED_ANSWER, `${name}:fail malformed answer: ${malformed.reason}`), got: 'a malformed answer' };
  }
  const errMsg = carriesSecret || typeof result.errMsg !== 'string' ? `${name}:ok` : placeOutsideText(result.errMsg);
  return { kind: 'settled', envelope: successEnvelope(errMsg, data), got: 'ok' };
}

/** Runs one attempt, giving up (without cancelling it) when the budget ends first. */
async function attempt<Params>(call: Call<Params>, params: Params, carriesSecret: boolean, deps: EngineDeps<Params>, remainingMs: number): Promise<AttemptOutcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const budgetEnds = new Promise<AttemptOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'abandoned' }), Math.max(0, remainingMs));
  });
  try {
    return await Promise.race([readAttempt(call, params, carriesSecret, deps), budgetEnds]);
  } finally {
    clearTimeout(timer);
  }
}

/** Makes the call with the retry policy, inside the time budget that began at `startedAt`. */
export async function callWithRetries<Params>(
  call: Call<Params>,
  params: Params,
  deps: EngineDeps<Params>,
  policy: Readonly<RetryPolicy>,
  startedAt: number,
): Promise<CallOutcome> {
  const name = call.displayName;
  const carriesSecret = call.carriesSecret(params);
  const writes = call.effect === 'write';
  /** What each attempt got, in order. */
  const got: string[] = [];
  /** Whether an attempt may have reached the other side without a settling answer (writes only). */
  let unanswered = false;
  /** Says what each attempt got; a call without a secret adds the last attempt's outside text. */
  const unknown = (last?: Envelope): Envelope => {
    const attempts = got.map((what, index) => `attempt ${index + 1} got ${what}`).join('; ');
    const lastText = last === undefined || carriesSecret ? '' : ` (last: ${last.errMsg})`;
    return envelopeForErrCode(ProjectCode.OUTCOME_UNKNOWN, `${name}:fail outcome unknown: ${attempts}${lastText}`);
  };
  for (let attempts = 1; ; attempts += 1) {
    const outcome = await attempt(call, params, carriesSecret, deps, policy.timeBudgetMs - (deps.now() - startedAt));
    if (outcome.kind === 'abandoned') {
      const budget = `no answer within the ${policy.timeBudgetMs} ms time budget`;
      if (!writes) return { envelope: envelopeForErrCode(ProjectCode.READ_TIMEOUT, `${name}:fail ${budget}`), attempts };
      got.push(budget);
      return { envelope: unknown(), attempts };
    }
    const { envelope } = outcome;
    got.push(outcome.got);
    if (outcome.kind === 'settled') {
      if (!unanswered || envelope.ok) return { envelope, attempts };
      if (call.settledByEarlierAttempt(envelope.code, params)) {
        const data: SettledEarlier = { appliedByEarlierAttempt: true, attempts };
        return { envelope: successEnvelope(`${name}:ok (an earlier attempt took effect; attempt ${attempts} answered: ${envelope.errMsg})`, data), attempts };
      }
      // Only WeChat's own final answer tells what became of the earlier attempt; a cloud refusal does not.
      return { envelope: isFinalWeChatAnswer(envelope) ? envelope : unknown(envelope), attempts };
    }
    if (outcome.kind === 'unanswered' && writes) unanswered = true;
    const final = (): CallOutcome => ({ envelope: unanswered ? unknown(envelope) : envelope, attempts });
    if (!envelope.retryable || attempts >= policy.maxAttempts) return final();
    const pause = backoffDelayMs(policy, attempts, deps.random());
    const leftAfterPause = policy.timeBudgetMs - (deps.now() - startedAt) - pause;
    if (leftAfterPause < policy.minAttemptMs) return final();
    await deps.sleep(pause);
  }
}
