/**
 * One run of a cloud function: authorise → validate → call (retrying transient failures inside a
 * time budget) → envelope → one audit line. The openapi call, the caller and the clock come in as
 * plain functions, so all of this runs without wx-server-sdk; the functions' own index.ts only
 * wires the SDK in.
 *
 * Never throws and never rejects: every outcome, our own bugs included, is an envelope.
 */
import { authorise, callerFromWXContext, readAccessPolicy, type Caller } from './authorisation';
import { auditLine, type AuditRecord } from './audit';
import { describeErrCode, ProjectCode } from './catalogue';
import { envelopeForErrCode, envelopeForThrown, refusalEnvelope, successEnvelope, type Envelope } from './envelope';
import { backoffDelayMs, readRetryPolicy, type RetryPolicy } from './retry';
import type { Validated } from './validation';

export interface Operation<Params> {
  /** The cloud function's name, also the openapi method (logistics.<name>). */
  readonly name: 'updatePrinter' | 'bindAccount';
  validate(event: unknown, caller: Caller): Validated<Params>;
  /** bind / unbind, for the audit line. */
  action(params: Params): string;
  /** What is acted on, for the audit line: never a secret. */
  target(params: Params): Record<string, string>;
  /** Values that must never leave the function (scrubbed from any text we return or log). */
  secrets(params: Params): string[];
  /**
   * True when this outcome (a catalogue code), answered by a retry after a transient failure,
   * means the earlier attempt took effect (a bind answering "already bound", an unbind "not found").
   */
  settledByEarlierAttempt(code: string, params: Params): boolean;
}

/** The SDK's answer on success. */
export interface OpenapiResult {
  errCode?: number;
  errMsg?: string;
}

export interface OperationDeps<Params> {
  /** Who is calling; asked inside the run so that even a failure here becomes an envelope. */
  identify(): Caller;
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

type AttemptOutcome = { kind: 'answered'; envelope: Envelope } | { kind: 'abandoned' };

function scrub(text: string, secrets: readonly string[]): string {
  return secrets.reduce((out, secret) => (secret.length > 0 ? out.split(secret).join('******') : out), text);
}

function scrubEnvelope<E extends Envelope>(envelope: E, secrets: readonly string[]): E {
  // Most calls carry no secret (every updatePrinter call): no copy then.
  return secrets.length === 0 ? envelope : { ...envelope, errMsg: scrub(envelope.errMsg, secrets) };
}

/**
 * Waits for `work` at most `remainingMs`: its value, or `abandoned` when the budget ends first
 * (the work is not cancelled; a request may still reach WeChat). Shared by the write and read runners.
 */
export async function settleWithin<T>(work: Promise<T>, remainingMs: number): Promise<{ kind: 'settled'; value: T } | { kind: 'abandoned' }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const budgetEnds = new Promise<{ kind: 'abandoned' }>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'abandoned' }), Math.max(0, remainingMs));
  });
  try {
    return await Promise.race([work.then((value) => ({ kind: 'settled' as const, value })), budgetEnds]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs one call, giving up (without cancelling it) when the budget ends first. */
async function attempt<Params>(
  operation: Operation<Params>,
  params: Params,
  deps: OperationDeps<Params>,
  remainingMs: number,
): Promise<AttemptOutcome> {
  const answered = (async (): Promise<Envelope> => {
    try {
      const result = await deps.call(params);
      const errCode = typeof result?.errCode === 'number' ? result.errCode : 0;
      const errMsg = typeof result?.errMsg === 'string' ? result.errMsg : `openapi.logistics.${operation.name}:ok`;
      // The SDK resolves only errCode 0; anything else resolved is still mapped, never trusted as ok.
      return errCode === 0 ? successEnvelope(errMsg) : envelopeForErrCode(errCode, errMsg);
    } catch (thrown) {
      return envelopeForThrown(thrown);
    }
  })();
  const outcome = await settleWithin(answered, remainingMs);
  return outcome.kind === 'abandoned' ? outcome : { kind: 'answered', envelope: outcome.value };
}

async function callWithRetries<Params>(
  operation: Operation<Params>,
  params: Params,
  deps: OperationDeps<Params>,
  policy: Readonly<RetryPolicy>,
  startedAt: number,
): Promise<{ envelope: Envelope; attempts: number }> {
  let lastTransient: Envelope | undefined;
  for (let attempts = 1; ; attempts += 1) {
    const outcome = await attempt(operation, params, deps, policy.timeBudgetMs - (deps.now() - startedAt));
    if (outcome.kind === 'abandoned') {
      const entry = describeErrCode(ProjectCode.OUTCOME_UNKNOWN);
      return {
        envelope: envelopeForErrCode(entry.errCode, `${operation.name}:fail no answer within the ${policy.timeBudgetMs} ms time budget`),
        attempts,
      };
    }
    const { envelope } = outcome;
    if (lastTransient && operation.settledByEarlierAttempt(envelope.code, params)) {
      const data: SettledEarlier = { appliedByEarlierAttempt: true, attempts };
      return {
        envelope: successEnvelope(`${operation.name}:ok (an earlier attempt took effect; attempt ${attempts} answered: ${envelope.errMsg})`, data),
        attempts,
      };
    }
    const transient = envelope.retryable && envelope.errCode !== ProjectCode.OUTCOME_UNKNOWN;
    if (!transient || attempts >= policy.maxAttempts) return { envelope, attempts };
    const pause = backoffDelayMs(policy, attempts, deps.random());
    const leftAfterPause = policy.timeBudgetMs - (deps.now() - startedAt) - pause;
    if (leftAfterPause < policy.minAttemptMs) return { envelope, attempts };
    lastTransient = envelope;
    await deps.sleep(pause);
  }
}

export async function runOperation<Params>(
  operation: Operation<Params>,
  event: unknown,
  deps: OperationDeps<Params>,
): Promise<Envelope> {
  const startedAt = deps.now();
  const record: AuditRecord = { fn: operation.name, caller: {}, attempts: 0 };
  let secrets: string[] = [];
  let envelope: Envelope;
  try {
    const caller = deps.identify();
    record.caller = caller;
    const access = authorise(operation.name, caller, readAccessPolicy(deps.env));
    if (!access.allowed) {
      envelope = access.envelope;
    } else {
      const checked = operation.validate(event, caller);
      if (!checked.ok) {
        envelope = checked.envelope;
      } else {
        const params = checked.params;
        secrets = operation.secrets(params);
        record.action = operation.action(params);
        record.target = operation.target(params);
        const result = await callWithRetries(operation, params, deps, readRetryPolicy(deps.env), startedAt);
        record.attempts = result.attempts;
        envelope = result.envelope;
      }
    }
  } catch (bug) {
    // Only the error's name: its message could quote the event.
    const name = bug instanceof Error ? bug.name : typeof bug;
    envelope = refusalEnvelope('INTERNAL_ERROR', `${operation.name}:fail internal error (${name})`);
  }
  envelope = scrubEnvelope(envelope, secrets);
  try {
    deps.log(scrub(auditLine(record, envelope, deps.now() - startedAt), secrets));
  } catch {
    // A failing logger must not cost the caller the answer.
  }
  return envelope;
}

/** What a cloud function's entry file hands in: the two things that touch wx-server-sdk. */
export interface SdkParts<Params> {
  wxContext(): { OPENID?: string; APPID?: string; SOURCE?: string };
  call(params: Params): Promise<OpenapiResult>;
}

/** The cloud function's `main(event, context)`, with Node's clock, timers, env and console. */
export function createMain<Params>(operation: Operation<Params>, sdk: SdkParts<Params>): (event: unknown) => Promise<Envelope> {
  return (event) =>
    runOperation(operation, event, {
      identify: () => callerFromWXContext(sdk.wxContext()),
      call: sdk.call,
      env: process.env,
      log: (line) => console.log(line),
      now: () => Date.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
    });
}
