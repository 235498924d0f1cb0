/**
 * The records that follow an operation: its history entry and, for a printer bind or unbind, its
 * roster entry. The operation's own outcome stands whatever they answer: a failed record makes
 * `recorded: false` in the envelope's data and the audit line, never a failed operation.
 */
import type { HistoryAction, HistoryEntry } from '../../miniprogram/shared/bindings';
import type { Envelope } from '../envelope';
import type { AnswerRun, OperationOutcome } from '../operation';
import { COLLECTIONS, FUNCTION_WRITTEN } from './database';
import { historyEntry, newHistoryId } from './history';
import { rosterFields, type RosterEntry } from './roster';

/** Writes the run's history entry; true when it was saved. */
export async function recordHistory(run: AnswerRun, action: HistoryAction, target: HistoryEntry['target'], outcome: Pick<Envelope, 'code' | 'ok'>): Promise<boolean> {
  const entry = historyEntry({ at: run.now, ...(run.caller.openid === undefined ? {} : { actor: run.caller.openid }), action, target, outcome });
  return (await run.records.set(COLLECTIONS.history, newHistoryId(), entry)).ok;
}

/**
 * Puts the printer on the roster, or updates who added them, when and how (a bind without a name
 * keeps the name they have). An update that changed nothing, for an entry that is there, was an
 * earlier attempt's that took effect.
 */
export async function putOnRoster(run: AnswerRun, openid: string, entry: RosterEntry): Promise<boolean> {
  const updated = await run.records.update(COLLECTIONS.roster, { ...FUNCTION_WRITTEN, _id: openid }, { $set: rosterFields(entry) });
  if (!updated.ok) return false;
  if (updated.value > 0) return true;
  const there = await run.records.readOne(COLLECTIONS.roster, openid);
  if (!there.ok) return false;
  if (there.value !== undefined) return true;
  return (await run.records.set(COLLECTIONS.roster, openid, entry)).ok;
}

/** Renames the printer (an entry is made for one bound elsewhere); the envelope of a failure, or undefined. */
export async function nameOnRoster(run: AnswerRun, openid: string, name: string): Promise<Envelope | undefined> {
  const updated = await run.records.update(COLLECTIONS.roster, { ...FUNCTION_WRITTEN, _id: openid }, { $set: { name } });
  if (!updated.ok) return updated.envelope;
  if (updated.value > 0) return undefined;
  const there = await run.records.readOne(COLLECTIONS.roster, openid);
  if (!there.ok) return there.envelope;
  if (there.value !== undefined) return undefined; // it already had that name
  const made = await run.records.set(COLLECTIONS.roster, openid, { name });
  return made.ok ? undefined : made.envelope;
}

export async function takeOffRoster(run: AnswerRun, openid: string): Promise<boolean> {
  return (await run.records.remove(COLLECTIONS.roster, openid)).ok;
}

/** An `ok` envelope gains `recorded` beside its other data; any other stays as it is. */
export function withRecorded(envelope: Envelope, recorded: boolean, more: Record<string, unknown> = {}): Envelope {
  if (!envelope.ok) return envelope;
  const data = typeof envelope.data === 'object' && envelope.data !== null ? envelope.data : {};
  return { ...envelope, data: { ...data, ...more, recorded } };
}

/**
 * An outcome whose records were written: `writes` (the roster, the history) go out together, as
 * neither depends on the other, so the caller waits one database round trip instead of two.
 */
export async function followedBy(outcome: OperationOutcome, writes: ReadonlyArray<() => Promise<boolean>>, more: Record<string, unknown> = {}): Promise<OperationOutcome> {
  const recorded = (await Promise.all(writes.map((write) => write()))).every(Boolean);
  return { ...outcome, envelope: withRecorded(outcome.envelope, recorded, more), recorded };
}

/** An answer made without an openapi call. */
export function answered(envelope: Envelope): OperationOutcome {
  return { envelope, attempts: 0 };
}
