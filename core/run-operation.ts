/**
 * One run of a cloud function, the checks in their documented order: caller identity → authorise
 * → configuration → event → the operation's answer (its calls through the call engine) → one
 * audit line, built once from what came of the run. The SDK call, the WeChat context and the
 * clock come in as plain functions, so all of this runs without wx-server-sdk.
 *
 * Never throws and never rejects: every outcome, our own bugs included, is an envelope.
 */
import { auditLine, type AuditRecord } from './audit';
import { authorise, callerFromWXContext, readAccessPolicy, type CallerIdentity, type WXContextFields } from './authorisation';
import { callWithRetries, type EngineDeps } from './call-engine';
import { refusalEnvelope, type Envelope } from './envelope';
import type { Operation, RunContext } from './operation';
import { DATABASE_CALLS, type DatabaseCalls } from './records/database';
import { RecordsSession } from './records/session';
import { configurationRefusal, readRetryPolicy } from './retry-policy';

export interface RunnerDeps<CallParams> extends EngineDeps<CallParams> {
  /** The WeChat context; asked inside the run so that even a failure here becomes an envelope. */
  wxContext(): WXContextFields;
  /** The database requests, through cloud.database() (core/records/database.ts). */
  database: DatabaseCalls;
  env: Readonly<Record<string, string | undefined>>;
  log(line: string): void;
}

/** What came of a run: the envelope and what the audit line says of it (action and target once the event was valid). */
interface RunResult extends Omit<AuditRecord, 'fn'> {
  envelope: Envelope;
}

/** A thrown value's name, if it is a plain identifier (a message or a made-up name could quote the event). */
function bugName(bug: unknown): string {
  const name = bug instanceof Error ? bug.name : typeof bug;
  return /^[A-Za-z]{1,64}$/.test(name) ? name : 'unnamed';
}

function internalError(fn: string, bug: unknown): Envelope {
  return refusalEnvelope('INTERNAL_ERROR', `${fn}:fail internal error (${bugName(bug)})`);
}

export async function runOperation<CallParams>(operation: Operation<unknown, CallParams>, event: unknown, deps: RunnerDeps<CallParams>): Promise<Envelope> {
  const startedAt = deps.now();
  const ran = await run(operation, event, deps, startedAt);
  try {
    const { caller, action, target, attempts, recorded, collectionCreated, useGivenBack } = ran;
    deps.log(auditLine({ fn: operation.functionName, caller, action, target, attempts, recorded, collectionCreated, useGivenBack }, ran.envelope, deps.now() - startedAt));
  } catch {
    // A failing logger must not cost the caller the answer.
  }
  return ran.envelope;
}

/** Step 1, the caller's identity; a bug anywhere after it still knows who called. */
async function run<CallParams>(operation: Operation<unknown, CallParams>, event: unknown, deps: RunnerDeps<CallParams>, startedAt: number): Promise<RunResult> {
  const fn = operation.functionName;
  let identity: ReturnType<typeof callerFromWXContext>;
  try {
    identity = callerFromWXContext(fn, deps.wxContext());
  } catch (bug) {
    return { envelope: internalError(fn, bug), caller: {}, attempts: 0 };
  }
  if (!identity.ok) return { envelope: identity.envelope, caller: identity.known, attempts: 0 };
  const { caller } = identity;
  try {
    return { caller, ...(await runAs(operation, caller, event, deps, startedAt)) };
  } catch (bug) {
    return { envelope: internalError(fn, bug), caller, attempts: 0 };
  }
}

/** Steps 2–5 and the answer, for a caller whose identity is well formed. */
async function runAs<CallParams>(
  operation: Operation<unknown, CallParams>,
  caller: CallerIdentity,
  event: unknown,
  deps: RunnerDeps<CallParams>,
  startedAt: number,
): Promise<Omit<RunResult, 'caller'>> {
  const fn = operation.functionName;
  const refused = (envelope: Envelope) => ({ envelope, attempts: 0 });
  const access = authorise(fn, caller, readAccessPolicy(deps.env), operation.access);
  if (!access.allowed) return refused(access.envelope);
  const policy = readRetryPolicy(deps.env);
  if (!policy.ok) return refused(configurationRefusal(fn, policy));
  const context: RunContext = { env: deps.env, now: startedAt };
  const unconfigured = operation.checkConfiguration?.(context);
  if (unconfigured) return refused(unconfigured);
  const checked = operation.validate(event, caller, context);
  if (!checked.ok) return refused(checked.envelope);
  const audited = { action: operation.action(checked.params), target: { ...operation.target(checked.params), ...checked.auditTarget } };
  const records = new RecordsSession((request) => callWithRetries(DATABASE_CALLS[request.op], request, { ...deps, call: deps.database }, policy.policy, startedAt));
  // `attempts` counts the operation's openapi attempts; the records' requests are not among them.
  const kept = () => (records.created.length === 0 ? {} : { collectionCreated: [...records.created] });
  try {
    const outcome = await operation.answer(checked.params, (call, params) => callWithRetries(call, params, deps, policy.policy, startedAt), { caller, now: startedAt, records });
    const { auditTarget, envelope, attempts, recorded, useGivenBack } = outcome;
    return {
      action: audited.action,
      target: { ...audited.target, ...auditTarget },
      envelope,
      attempts,
      ...kept(),
      ...(recorded === undefined ? {} : { recorded }),
      ...(useGivenBack === undefined ? {} : { useGivenBack }),
    };
  } catch (bug) {
    return { ...audited, envelope: internalError(fn, bug), attempts: 0, ...kept() };
  }
}
