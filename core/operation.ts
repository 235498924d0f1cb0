/**
 * The operation model: what each cloud function states — who may run it, what it needs configured,
 * how its event is read, what the audit line says of it — and how it answers, by making its calls
 * through the call engine (core/call-engine.ts). One shape for every operation: one that makes a
 * single call is the simplest one (oneCallOperation), made where it is defined; others compose
 * their answer themselves (an invite minted without a call, getBindings' parts read together).
 */
import type { AccessRule, CallerIdentity } from './authorisation';
import type { Call, CallOutcome } from './call-engine';
import type { Envelope } from './envelope';
import type { RecordsSession } from './records/session';
import type { Validated } from './validation';

/** What a check may need besides the event and the caller. */
export interface RunContext {
  env: Readonly<Record<string, string | undefined>>;
  /** When the run started, ms since the epoch. */
  now: number;
}

/** Makes one call with the retry policy, inside the run's time budget. */
export type CallWithRetries<CallParams> = (call: Call<CallParams>, params: CallParams) => Promise<CallOutcome>;

/** What an answer may need of its run besides its params: who called, when, and the records. */
export interface AnswerRun {
  caller: CallerIdentity;
  /** When the run started, ms since the epoch (the records' times). */
  now: number;
  /** The database, through the same retries and time budget (core/records/session.ts). */
  records: RecordsSession;
}

/** An operation's outcome: its calls' and, for a write that keeps records, whether they were saved. */
export interface OperationOutcome extends CallOutcome {
  /** The roster and history writes that follow the operation all succeeded (absent: none were due). */
  recorded?: boolean;
  /** What the answer learnt that the audit line's target should carry (an invite's id, never its token). */
  auditTarget?: Record<string, string>;
  /** After a bind that definitely failed: whether the invite's use was given back (false: it is lost). */
  useGivenBack?: boolean;
}

/**
 * One operation. `Params` is what its checked event gives; `CallParams` what its calls take (the
 * entry file's SDK call). Methods, not function fields, so that an operation of any `Params` is
 * an `Operation<unknown, CallParams>` where runOperation needs one.
 */
export interface Operation<Params, CallParams> {
  /** The cloud function's name (errMsg texts of refusals, the audit line's `fn`). */
  readonly functionName: string;
  /** Who may run it; default 'admins-or-servers' (core/authorisation.ts). */
  readonly access?: AccessRule;
  /** Configuration it needs beyond the retry policy, checked after that and before the event. */
  checkConfiguration?(context: RunContext): Envelope<never> | undefined;
  validate(event: unknown, caller: CallerIdentity, context: RunContext): Validated<Params>;
  /** bind / unbind / invite / read, for the audit line. */
  action(params: Params): string;
  /** What is acted on, for the audit line: never a secret. */
  target(params: Params): Record<string, string | readonly string[]>;
  /** The answer, from the calls it makes (none, one, or several together) and the records. */
  answer(params: Params, callWithRetries: CallWithRetries<CallParams>, run: AnswerRun): OperationOutcome | Promise<OperationOutcome>;
}

/** Which operation an event asks for, when one function serves several (updatePrinter and its invites). */
export type OperationRoute<CallParams> = (event: unknown) => Operation<unknown, CallParams>;

/** The simplest operation: its checked params are its one call's params, and its answer that call's. */
export function oneCallOperation<Params>(checks: Omit<Operation<Params, Params>, 'answer'>, call: Call<Params>): Operation<Params, Params> {
  return { ...checks, answer: (params, callWithRetries) => callWithRetries(call, params) };
}
