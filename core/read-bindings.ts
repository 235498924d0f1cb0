/**
 * One run of getBindings: authorise → check the event → read the requested parts concurrently
 * (each with the retry policy, all inside the one time budget) → one envelope keyed by part → one
 * audit line. Like the write runner (operation.ts) it never throws and takes the SDK in as plain
 * functions.
 *
 * A read has no effect, so a read that gets no answer is a plain retryable failure of its part —
 * READ_TIMEOUT when the budget runs out, otherwise the last attempt's own failure — never
 * OUTCOME_UNKNOWN.
 */
import type { BindingsData, BindingsPart, PartFailure } from '../miniprogram/shared/bindings';
import { auditLine, type AuditRecord } from './audit';
import { authorise, callerFromWXContext, readAccessPolicy, type Caller } from './authorisation';
import { MalformedAnswer, normalisePart, PART_APIS, validateGetBindingsEvent } from './bindings';
import { ProjectCode } from './catalogue';
import { envelopeForErrCode, envelopeForThrown, refusalEnvelope, type Envelope } from './envelope';
import { settleWithin } from './operation';
import { backoffDelayMs, readRetryPolicy, type RetryPolicy } from './retry';

const FN = 'getBindings';

export interface ReadBindingsDeps {
  identify(): Caller;
  env: Readonly<Record<string, string | undefined>>;
  /** The SDK's read for a part (cloud.openapi.logistics.<api>({})). */
  read(part: BindingsPart): Promise<unknown>;
  log(line: string): void;
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

type PartOutcome = { ok: true; [field: string]: unknown } | PartFailure;

function partFailure(envelope: Envelope): PartFailure {
  const { errCode, errMsg, code, message, retryable } = envelope;
  return { ok: false, errCode, errMsg, code, message, retryable };
}

/** One attempt's outcome as a part: the normalised answer, or a failure envelope. */
async function readOnce(part: BindingsPart, deps: ReadBindingsDeps, remainingMs: number): Promise<PartOutcome> {
  const api = `openapi.logistics.${PART_APIS[part]}`;
  const answered = (async (): Promise<PartOutcome> => {
    let answer: unknown;
    try {
      answer = await deps.read(part);
    } catch (thrown) {
      return partFailure(envelopeForThrown(thrown));
    }
    const errCode = (answer as { errCode?: unknown } | null)?.errCode;
    // The SDK resolves only errCode 0; anything else resolved is still mapped, never trusted as ok.
    if (typeof errCode === 'number' && errCode !== 0) return partFailure(envelopeForErrCode(errCode, `${api}:fail errcode ${errCode}`));
    try {
      return { ok: true, ...normalisePart(part, answer) };
    } catch (malformed) {
      if (!(malformed instanceof MalformedAnswer)) throw malformed;
      return partFailure(envelopeForErrCode(ProjectCode.MALFORMED_ANSWER, `${api}:fail malformed answer: ${malformed.reason}`));
    }
  })();
  const outcome = await settleWithin(answered, remainingMs);
  if (outcome.kind === 'settled') return outcome.value;
  return partFailure(envelopeForErrCode(ProjectCode.READ_TIMEOUT, `${api}:fail no answer within the time budget`));
}

async function readWithRetries(
  part: BindingsPart,
  deps: ReadBindingsDeps,
  policy: Readonly<RetryPolicy>,
  startedAt: number,
): Promise<{ outcome: PartOutcome; attempts: number }> {
  for (let attempts = 1; ; attempts += 1) {
    const outcome = await readOnce(part, deps, policy.timeBudgetMs - (deps.now() - startedAt));
    if (outcome.ok || !outcome.retryable || outcome.code === 'READ_TIMEOUT' || attempts >= policy.maxAttempts) return { outcome, attempts };
    const pause = backoffDelayMs(policy, attempts, deps.random());
    if (policy.timeBudgetMs - (deps.now() - startedAt) - pause < policy.minAttemptMs) return { outcome, attempts };
    await deps.sleep(pause);
  }
}

/** The envelope for the parts read: ok only when every part answered; else the first failing part's. */
function bindingsEnvelope(outcomes: ReadonlyArray<[BindingsPart, PartOutcome]>, callerOpenid: string | undefined): Envelope<BindingsData> {
  const data: BindingsData = {};
  for (const [part, outcome] of outcomes) (data as Record<string, unknown>)[part] = outcome;
  if (callerOpenid !== undefined) data.callerOpenid = callerOpenid;
  const failed = outcomes.find(([, outcome]) => !outcome.ok)?.[1] as PartFailure | undefined;
  if (failed === undefined) {
    return { ...envelopeForErrCode(0, `${FN}:ok`), data };
  }
  const { errCode, errMsg, code, message, retryable } = failed;
  return { ok: false, errCode, errMsg, code, message, retryable, data };
}

export async function runGetBindings(event: unknown, deps: ReadBindingsDeps): Promise<Envelope<BindingsData>> {
  const startedAt = deps.now();
  const record: AuditRecord = { fn: FN, caller: {}, attempts: 0 };
  let envelope: Envelope<BindingsData>;
  try {
    const caller = deps.identify();
    record.caller = caller;
    const access = authorise(FN, caller, readAccessPolicy(deps.env));
    const checked = access.allowed ? validateGetBindingsEvent(event) : undefined;
    if (!access.allowed) {
      envelope = access.envelope;
    } else if (!checked!.ok) {
      envelope = checked!.envelope;
    } else {
      const parts = checked!.parts;
      record.action = 'read';
      record.target = { parts };
      const policy = readRetryPolicy(deps.env);
      const results = await Promise.all(parts.map((part) => readWithRetries(part, deps, policy, startedAt)));
      record.attempts = results.reduce((sum, result) => sum + result.attempts, 0);
      envelope = bindingsEnvelope(
        parts.map((part, index) => [part, results[index]!.outcome]),
        caller.openid,
      );
    }
  } catch (bug) {
    // Only the error's name: its message could quote the event or an answer.
    const name = bug instanceof Error ? bug.name : typeof bug;
    envelope = refusalEnvelope('INTERNAL_ERROR', `${FN}:fail internal error (${name})`);
  }
  try {
    deps.log(auditLine(record, envelope, deps.now() - startedAt));
  } catch {
    // A failing logger must not cost the caller the answer.
  }
  return envelope;
}

/** What getBindings' entry file hands in: the two things that touch wx-server-sdk. */
export interface ReadSdkParts {
  wxContext(): { OPENID?: string; APPID?: string; SOURCE?: string };
  read(part: BindingsPart): Promise<unknown>;
}

/** getBindings' `main(event)`, with Node's clock, timers, env and console. */
export function createGetBindingsMain(sdk: ReadSdkParts): (event: unknown) => Promise<Envelope<BindingsData>> {
  return (event) =>
    runGetBindings(event, {
      identify: () => callerFromWXContext(sdk.wxContext()),
      read: sdk.read,
      env: process.env,
      log: (line) => console.log(line),
      now: () => Date.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
    });
}
