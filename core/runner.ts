/**
 * One run of a cloud function: caller identity → authorise → configuration → validate → call
 * (retrying transient failures inside a time budget) → envelope → one audit line. An operation
 * makes one openapi call (Operation) or composes its answer itself (ComposedOperation: an invite
 * minted without a call, getBindings' parts read together, each through the same retries). The openapi
 * call, the WeChat context and the clock come in as plain functions, so all of this runs without
 * wx-server-sdk; the functions' own index.ts only wires the SDK in.
 *
 * An operation declares its effect. For a write, an attempt that may have reached WeChat without
 * an answer that settles it makes the outcome unknown (OUTCOME_UNKNOWN), never a plain failure;
 * only attempts that provably never left stay plain errors. A read has no effect: a read without
 * an answer is a plain retryable failure (READ_TIMEOUT when the budget ends first).
 *
 * Never throws and never rejects: every outcome, our own bugs included, is an envelope.
 */
import { authorise, callerFromWXContext, readAccessPolicy, type AccessRule, type CallerIdentity } from './authorisation';
import { auditLine, type AuditRecord } from './audit';
import { isFinalWeChatAnswer, ProjectCode } from './catalogue';
import { envelopeForAnswer, envelopeForErrCode, envelopeForThrown, readThrown, refusalEnvelope, successEnvelope, type Envelope } from './envelope';
import { placeOutsideText } from './outside-text';
import { backoffDelayMs, configurationRefusal, readRetryPolicy, type RetryPolicy } from './retry';
import type { Validated } from './validation';

/** What a check may need besides the event and the caller. */
export interface RunContext {
  env: Readonly<Record<string, string | undefined>>;
  /** When the run started, ms since the epoch. */
  now: number;
}

/** What every operation states: who may run it, what it needs configured, how its event is read. */
export interface OperationChecks<Params> {
  /** The cloud function's name. */
  readonly name: string;
  /** Who may run it; default 'admins-or-servers' (core/authorisation.ts). */
  readonly access?: AccessRule;
  /** Configuration it needs beyond the retry policy, checked after that and before the event. */
  checkConfiguration?(context: RunContext): Envelope<never> | undefined;
  validate(event: unknown, caller: CallerIdentity, context: RunContext): Validated<Params>;
  /** bind / unbind / invite / read, for the audit line. */
  action(params: Params): string;
  /** What is acted on, for the audit line: never a secret. */
  target(params: Params): Record<string, string | readonly string[]>;
}

/** What came of an operation's openapi calls: the envelope, and the attempts made. */
export interface CallOutcome {
  envelope: Envelope;
  attempts: number;
}

/** Makes one openapi call with the retry policy, inside the run's time budget. */
export type CallWithRetries<CallParams> = (call: OpenapiCall<CallParams>, params: CallParams) => Promise<CallOutcome>;

/**
 * An operation that composes its own answer: from no openapi call (minting an invite) or from
 * several made together (getBindings' parts, each with the retry policy and the one time budget).
 */
export interface ComposedOperation<Params, CallParams> extends OperationChecks<Params> {
  answer(params: Params, callWithRetries: CallWithRetries<CallParams>): CallOutcome | Promise<CallOutcome>;
}

/** How one openapi call is made and read: all that the retries need to know. */
export interface OpenapiCall<Params> {
  /** The openapi method (logistics.<name>): the function's own for a write, a part's API for a read; errMsg texts name it. */
  readonly name: string;
  /**
   * 'write': the call changes something at WeChat, so an unanswered attempt may have taken effect.
   * 'read': it changes nothing, so an unanswered attempt is simply a failure.
   */
  readonly effect: 'write' | 'read';
  /** Values that must never leave the function (scrubbed from any outside text we place). */
  secrets(params: Params): string[];
  /**
   * True when this outcome (a catalogue code), answered after an attempt that may have reached
   * WeChat, means that attempt took effect (a bind answering "already bound", an unbind "not found").
   */
  settledByEarlierAttempt(code: string, params: Params): boolean;
  /**
   * What a successful answer gives the caller as the envelope's `data` (a read's findings); absent
   * for the writes, whose answer carries nothing but errCode and errMsg. Whatever it returns must be
   * built from fields that cannot hold a secret.
   */
  dataOf?(result: OpenapiResult, params: Params): unknown;
}

/** An operation of one openapi call (updatePrinter, bindAccount, accepting an invite). */
export interface Operation<Params> extends OperationChecks<Params>, OpenapiCall<Params> {}

/** The SDK's answer on success (a read's answer has more fields). */
export interface OpenapiResult {
  errCode?: number;
  errMsg?: string;
  readonly [field: string]: unknown;
}

/** What cloud.getWXContext() returns, as far as we read it (the SDK may hand over numbers). */
export interface WXContextFields {
  OPENID?: unknown;
  APPID?: unknown;
  SOURCE?: unknown;
}

export interface RunnerDeps<Params> {
  /** The WeChat context; asked inside the run so that even a failure here becomes an envelope. */
  wxContext(): WXContextFields;
  env: Readonly<Record<string, string | undefined>>;
  call(params: Params): Promise<OpenapiResult>;
  log(line: string): void;
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

/** Fields added to an envelope when a retry found the earlier attempt had already taken effect. */
export interface SettledEarlier {
  appliedByEarlierAttempt: true;
  attempts: number;
}

/**
 * wx-server-sdk 4.0.2 reports an error of its HTTP layer as errCode -501001 with errMsg
 * "<api>:fail -501001 resource system error. <Node's message>" (callGeneralOpenAPI, then
 * toSDKError). Node's message tells the phase: "connect ECONNREFUSED …" (also ENETUNREACH,
 * EHOSTUNREACH) and "getaddrinfo ENOTFOUND …" (or EAI_AGAIN) end the request before a byte is
 * sent; "request timeout" (ESOCKETTIMEDOUT), a reset or an HTTP status come after it was sent.
 * Nothing else tells an unsent request apart, so anything else counts as possibly reached.
 */
const NEVER_SENT =
  /^openapi\.logistics\.[A-Za-z]+:fail -501001 resource system error\. (?:connect (?:ECONNREFUSED|ENETUNREACH|EHOSTUNREACH)|getaddrinfo (?:ENOTFOUND|EAI_AGAIN)) /;

/** A content type as plain as a MIME type: only such a one is named back (for a call without a secret). */
const PLAIN_CONTENT_TYPE = /^[A-Za-z0-9!#$&^_.+\-/;= ]{1,100}$/;

/**
 * Why a result the SDK resolved with errCode 0 is no answer of WeChat's, or undefined when it is one.
 * wx-server-sdk 4.0.2 (callWXOpenAPI) resolves two kinds of non-answer so: `{ contentType, buffer }`
 * when the answer's content_type fails its case-sensitive /(application\/json)|(text\/plain)/ (an
 * empty HTTP 200 body gives content type ''), and `{ result: '<text>' }` for text/plain that is no
 * JSON. None of the logistics answers has a `buffer` or a `result` field. (A JSON answer without
 * errcode reads exactly like a success after the SDK: that one cannot be told apart.)
 */
function notWeChatsAnswer(result: OpenapiResult, nameContentType: boolean): string | undefined {
  if (result.buffer instanceof Uint8Array && typeof result.contentType === 'string') {
    if (result.contentType === '') return 'an answer without a content type (an empty body)';
    const named = nameContentType && PLAIN_CONTENT_TYPE.test(result.contentType) ? ` (${result.contentType})` : '';
    return `an answer of a content type the SDK does not read as JSON${named}`;
  }
  if (typeof result.result === 'string') return 'text that is not JSON (text/plain)';
  return undefined;
}

/** Why an answer was refused: for errMsg (technical), never a value from the answer. */
export class MalformedAnswer {
  constructor(readonly reason: string) {}
}

const WITHHELD = '(outside text withheld: the call carried a password)';

/**
 * One attempt's outcome, and what it got (our own words, for the errMsg of an unknown outcome):
 * - settled: an answer that says what happened (success, or a final refusal from WeChat or the cloud);
 * - unsent: a failure that provably never left the function;
 * - unanswered: anything else (a retryable code, a throw without errCode, an answer that is not
 *   WeChat's): it may have reached WeChat;
 * - abandoned: the time budget ended first.
 */
type AttemptOutcome =
  | { kind: 'settled' | 'unsent' | 'unanswered'; envelope: Envelope; got: string }
  | { kind: 'abandoned' };

/** Runs one call, giving up (without cancelling it) when the budget ends first. */
async function attempt<Params>(
  operation: OpenapiCall<Params>,
  params: Params,
  carriesSecret: boolean,
  deps: RunnerDeps<Params>,
  remainingMs: number,
): Promise<AttemptOutcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const budgetEnds = new Promise<AttemptOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'abandoned' }), Math.max(0, remainingMs));
  });
  const frame = `openapi.logistics.${operation.name}`;
  /** The errMsg of an outside errcode: the outside text, or for a call that carried a password only our own. */
  const failed = (errCode: number | undefined, outside: string): Envelope => {
    const envelope = errCode === undefined || errCode === 0 ? envelopeForThrown({ errCode: undefined, errMsg: '' }) : envelopeForAnswer(errCode, '');
    const errMsg = !carriesSecret
      ? placeOutsideText(outside)
      : errCode === undefined || errCode === 0
        ? `${frame}:fail a failure without an errcode ${WITHHELD}`
        : `${frame}:fail errcode ${errCode} ${envelope.code} ${WITHHELD}`;
    return { ...envelope, errMsg };
  };
  const gotCode = (envelope: Envelope) => `errcode ${envelope.errCode} ${envelope.code}`;
  const answered = (async (): Promise<AttemptOutcome> => {
    let result: OpenapiResult;
    try {
      result = await deps.call(params);
    } catch (thrown) {
      const read = readThrown(thrown);
      const envelope = failed(read.errCode, read.errMsg);
      if (read.errCode === undefined || read.errCode === 0) return { kind: 'unanswered', envelope, got: 'a failure without an errcode' };
      if (envelope.retryable) {
        return NEVER_SENT.test(read.errMsg) ? { kind: 'unsent', envelope, got: `${gotCode(envelope)}, never sent` } : { kind: 'unanswered', envelope, got: gotCode(envelope) };
      }
      return { kind: 'settled', envelope, got: gotCode(envelope) };
    }
    const errCode = typeof result?.errCode === 'number' ? result.errCode : 0;
    if (errCode !== 0) {
      // The SDK resolves only errCode 0; anything else resolved is still mapped, never trusted as ok.
      const envelope = failed(errCode, typeof result.errMsg === 'string' ? result.errMsg : `${frame}:fail`);
      return { kind: envelope.retryable ? 'unanswered' : 'settled', envelope, got: gotCode(envelope) };
    }
    const notAnswer = notWeChatsAnswer(result ?? {}, !carriesSecret);
    if (notAnswer !== undefined) {
      if (operation.effect === 'read') {
        return { kind: 'settled', envelope: envelopeForErrCode(ProjectCode.MALFORMED_ANSWER, `${frame}:fail malformed answer: ${notAnswer}`), got: notAnswer };
      }
      // The request went out and may have taken effect: retried, and unknown unless a later answer settles it.
      return { kind: 'unanswered', envelope: envelopeForErrCode(ProjectCode.OUTCOME_UNKNOWN, `${frame}:fail no answer of WeChat's: ${notAnswer}`), got: `no answer of WeChat's: ${notAnswer}` };
    }
    let data: unknown;
    try {
      data = operation.dataOf?.(result, params);
    } catch (malformed) {
      if (!(malformed instanceof MalformedAnswer)) throw malformed;
      return { kind: 'settled', envelope: envelopeForErrCode(ProjectCode.MALFORMED_ANSWER, `${frame}:fail malformed answer: ${malformed.reason}`), got: 'a malformed answer' };
    }
    const errMsg = carriesSecret || typeof result.errMsg !== 'string' ? `${frame}:ok` : placeOutsideText(result.errMsg);
    return { kind: 'settled', envelope: successEnvelope(errMsg, data), got: 'ok' };
  })();
  try {
    return await Promise.race([answered, budgetEnds]);
  } finally {
    clearTimeout(timer);
  }
}

async function callWithRetries<Params>(
  operation: OpenapiCall<Params>,
  params: Params,
  deps: RunnerDeps<Params>,
  policy: Readonly<RetryPolicy>,
  startedAt: number,
): Promise<{ envelope: Envelope; attempts: number }> {
  const carriesSecret = operation.secrets(params).length > 0;
  const writes = operation.effect === 'write';
  /** What each attempt got, in order. */
  const got: string[] = [];
  /** Whether an attempt may have reached WeChat without a settling answer (writes only). */
  let unanswered = false;
  /** Says what each attempt got; a call without a secret adds the last attempt's outside text. */
  const unknown = (last?: Envelope): Envelope => {
    const attempts = got.map((what, index) => `attempt ${index + 1} got ${what}`).join('; ');
    const lastText = last === undefined || carriesSecret ? '' : ` (last: ${last.errMsg})`;
    return envelopeForErrCode(ProjectCode.OUTCOME_UNKNOWN, `openapi.logistics.${operation.name}:fail outcome unknown: ${attempts}${lastText}`);
  };
  for (let attempts = 1; ; attempts += 1) {
    const outcome = await attempt(operation, params, carriesSecret, deps, policy.timeBudgetMs - (deps.now() - startedAt));
    if (outcome.kind === 'abandoned') {
      const budget = `no answer within the ${policy.timeBudgetMs} ms time budget`;
      if (!writes) return { envelope: envelopeForErrCode(ProjectCode.READ_TIMEOUT, `openapi.logistics.${operation.name}:fail ${budget}`), attempts };
      got.push(budget);
      return { envelope: unknown(), attempts };
    }
    const { envelope } = outcome;
    got.push(outcome.got);
    if (outcome.kind === 'settled') {
      if (!unanswered || envelope.ok) return { envelope, attempts };
      if (operation.settledByEarlierAttempt(envelope.code, params)) {
        const data: SettledEarlier = { appliedByEarlierAttempt: true, attempts };
        return {
          envelope: successEnvelope(`openapi.logistics.${operation.name}:ok (an earlier attempt took effect; attempt ${attempts} answered: ${envelope.errMsg})`, data),
          attempts,
        };
      }
      // Only WeChat's own final answer tells what became of the earlier attempt; a cloud refusal does not.
      return { envelope: isFinalWeChatAnswer(envelope) ? envelope : unknown(envelope), attempts };
    }
    if (outcome.kind === 'unanswered' && writes) unanswered = true;
    const final = () => ({ envelope: unanswered ? unknown(envelope) : envelope, attempts });
    if (!envelope.retryable || attempts >= policy.maxAttempts) return final();
    const pause = backoffDelayMs(policy, attempts, deps.random());
    const leftAfterPause = policy.timeBudgetMs - (deps.now() - startedAt) - pause;
    if (leftAfterPause < policy.minAttemptMs) return final();
    await deps.sleep(pause);
  }
}

/** A thrown value's name, if it is a plain identifier (a message or a made-up name could quote the event). */
function bugName(bug: unknown): string {
  const name = bug instanceof Error ? bug.name : typeof bug;
  return /^[A-Za-z]{1,64}$/.test(name) ? name : 'unnamed';
}

export async function runOperation<Params>(
  operation: Operation<Params> | ComposedOperation<unknown, Params>,
  event: unknown,
  deps: RunnerDeps<Params>,
): Promise<Envelope> {
  const startedAt = deps.now();
  const record: AuditRecord = { fn: operation.name, caller: {}, attempts: 0 };
  let envelope: Envelope;
  try {
    envelope = await run(operation, event, deps, startedAt, record);
  } catch (bug) {
    envelope = refusalEnvelope('INTERNAL_ERROR', `${operation.name}:fail internal error (${bugName(bug)})`);
  }
  try {
    deps.log(auditLine(record, envelope, deps.now() - startedAt));
  } catch {
    // A failing logger must not cost the caller the answer.
  }
  return envelope;
}

/** The checks in their documented order, then the call. Fills in the audit record as it goes. */
async function run<Params>(
  operation: Operation<Params> | ComposedOperation<unknown, Params>,
  event: unknown,
  deps: RunnerDeps<Params>,
  startedAt: number,
  record: AuditRecord,
): Promise<Envelope> {
  const identity = callerFromWXContext(operation.name, deps.wxContext());
  if (!identity.ok) {
    record.caller = identity.known;
    return identity.envelope;
  }
  const caller = identity.caller;
  record.caller = caller;
  const access = authorise(operation.name, caller, readAccessPolicy(deps.env), operation.access);
  if (!access.allowed) return access.envelope;
  const policy = readRetryPolicy(deps.env);
  if (!policy.ok) return configurationRefusal(operation.name, policy);
  const context: RunContext = { env: deps.env, now: startedAt };
  const unconfigured = operation.checkConfiguration?.(context);
  if (unconfigured) return unconfigured;
  const composed = 'answer' in operation ? operation : oneCall(operation);
  const checked = checkEvent(composed, event, caller, context, record);
  if (!checked.ok) return checked.envelope;
  const outcome = await composed.answer(checked.params, (call, params) => callWithRetries(call, params, deps, policy.policy, startedAt));
  record.attempts = outcome.attempts;
  return outcome.envelope;
}

/** Each one-call operation as a composed one, made once (operations are module constants). */
const composedOf = new WeakMap<Operation<never>, ComposedOperation<never, never>>();

/** An operation of one openapi call, as the composed operation that makes just that call. */
function oneCall<Params>(operation: Operation<Params>): ComposedOperation<Params, Params> {
  let composed = composedOf.get(operation as Operation<never>) as ComposedOperation<Params, Params> | undefined;
  if (composed === undefined) {
    composed = { ...operation, answer: (params, callWith) => callWith(operation, params) };
    composedOf.set(operation as Operation<never>, composed as ComposedOperation<never, never>);
  }
  return composed;
}

/** Validates the event and, once it is valid, notes its action and target for the audit line. */
function checkEvent<Params>(
  operation: OperationChecks<Params>,
  event: unknown,
  caller: CallerIdentity,
  context: RunContext,
  record: AuditRecord,
): Validated<Params> {
  const checked = operation.validate(event, caller, context);
  if (checked.ok) {
    record.action = operation.action(checked.params);
    record.target = { ...operation.target(checked.params), ...checked.auditTarget };
  }
  return checked;
}

/** What a cloud function's entry file hands in: the two things that touch wx-server-sdk. */
export interface SdkParts<Params> {
  wxContext(): WXContextFields;
  call(params: Params): Promise<OpenapiResult>;
}

/** Which operation an event asks for, when one function serves several (updatePrinter and its invites). */
export type OperationRoute<Params> = (event: unknown) => Operation<Params> | ComposedOperation<unknown, Params>;

/** The cloud function's `main(event, context)`, with Node's clock, timers, env and console. */
export function createMain<Params>(
  operation: Operation<Params> | ComposedOperation<unknown, Params> | OperationRoute<Params>,
  sdk: SdkParts<Params>,
): (event: unknown) => Promise<Envelope> {
  const route: OperationRoute<Params> = typeof operation === 'function' ? operation : () => operation;
  return (event) =>
    runOperation(route(event), event, {
      wxContext: sdk.wxContext,
      call: sdk.call,
      env: process.env,
      log: (line) => console.log(line),
      now: () => Date.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
    });
}
