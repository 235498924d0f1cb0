/**
 * One run's access to the records: each database request through the call engine (the run's
 * retries and time budget), with the rules every record follows:
 *
 * - a read treats a missing collection as empty and creates nothing, and drops every document a
 *   client wrote (it carries `_openid`: only a wrong permission lets a client write here);
 * - a whole-document write (`set`) that finds its collection missing creates it (whatever that
 *   answers: an "already exists" is as good) and writes once more; the run's audit line says
 *   which collections it created;
 * - a conditional update or a remove on a missing collection matched nothing (there is nothing to
 *   update there, so nothing is created).
 */
import { ProjectCode } from '../catalogue';
import type { CallOutcome } from '../call-engine';
import type { Envelope } from '../envelope';
import { clientWritten, type CollectionName, type DatabaseAnswer, type DatabaseRequest, type DocumentData, type Query, type Update } from './database';

/** -502005: the SDK's DATABASE_COLLECTION_NOT_EXIST. */
export const COLLECTION_NOT_EXIST = -502005;

export type RecordsResult<T> = { ok: true; value: T } | { ok: false; envelope: Envelope };

/** Makes one database request through the engine. */
export type DatabaseCallWithRetries = (request: DatabaseRequest) => Promise<CallOutcome>;

export class RecordsSession {
  /** Collections this run created (for the audit line). */
  readonly created: CollectionName[] = [];
  constructor(private readonly callWithRetries: DatabaseCallWithRetries) {}

  private async request(request: DatabaseRequest): Promise<Envelope> {
    return (await this.callWithRetries(request)).envelope;
  }

  /** The documents the functions wrote that match (client-written ones left out). */
  async read(collection: CollectionName, where: Query, options: { orderBy?: readonly [string, 'asc' | 'desc']; limit: number }): Promise<RecordsResult<Array<Record<string, unknown>>>> {
    const envelope = await this.request({ op: 'get', collection, where, limit: options.limit, ...(options.orderBy === undefined ? {} : { orderBy: options.orderBy }) });
    if (!envelope.ok) return envelope.errCode === COLLECTION_NOT_EXIST ? { ok: true, value: [] } : { ok: false, envelope };
    const documents = (envelope.data as DatabaseAnswer).documents ?? [];
    return { ok: true, value: documents.filter((document): document is Record<string, unknown> => typeof document === 'object' && document !== null && !clientWritten(document)) };
  }

  /** The one function-written document with this `_id`, or undefined. */
  async readOne(collection: CollectionName, id: string): Promise<RecordsResult<Record<string, unknown> | undefined>> {
    const read = await this.read(collection, { _id: id }, { limit: 1 });
    return read.ok ? { ok: true, value: read.value[0] } : read;
  }

  /** How many documents the conditional update changed (0 on a missing collection). */
  async update(collection: CollectionName, where: Query, update: Update): Promise<RecordsResult<number>> {
    const envelope = await this.request({ op: 'update', collection, where, update });
    if (!envelope.ok) return envelope.errCode === COLLECTION_NOT_EXIST ? { ok: true, value: 0 } : { ok: false, envelope };
    return { ok: true, value: (envelope.data as DatabaseAnswer).updated ?? 0 };
  }

  /** Writes the whole document under `id` (a retried write cannot make a second one). */
  async set(collection: CollectionName, id: string, data: DocumentData): Promise<RecordsResult<true>> {
    const first = await this.request({ op: 'set', collection, id, data });
    if (first.ok) return { ok: true, value: true };
    if (first.errCode !== COLLECTION_NOT_EXIST) return { ok: false, envelope: first };
    const made = await this.request({ op: 'createCollection', collection });
    if (made.ok) this.created.push(collection);
    const again = await this.request({ op: 'set', collection, id, data });
    return again.ok ? { ok: true, value: true } : { ok: false, envelope: again };
  }

  async remove(collection: CollectionName, id: string): Promise<RecordsResult<true>> {
    const envelope = await this.request({ op: 'remove', collection, id });
    if (envelope.ok || envelope.errCode === COLLECTION_NOT_EXIST) return { ok: true, value: true };
    return { ok: false, envelope };
  }
}

/** Whether a failed write's outcome is unknown (it may have taken effect). */
export function unknownOutcome(envelope: Envelope): boolean {
  return envelope.errCode === ProjectCode.OUTCOME_UNKNOWN;
}
