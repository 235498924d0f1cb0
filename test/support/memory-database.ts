/**
 * An in-memory database for the core tests: it answers the records' requests (core/records/
 * database.ts) as wx-server-sdk reshapes the CloudBase answers (cloudbase-database.md), with
 * MongoDB's meaning for the few operators the records use. Each request runs synchronously, so a
 * conditional update is atomic, as on the real service. The real database service is exercised
 * through the real SDK in test/integration.
 */
import type { CallResult } from '../../core/call-engine';
import type { Condition, DatabaseCalls, DatabaseRequest, Query, Update } from '../../core/records/database';

type Doc = Record<string, unknown>;

/** The values at a dotted path (an array on the way fans out, as MongoDB's does). */
function valuesAt(doc: unknown, path: readonly string[]): unknown[] {
  if (path.length === 0) return [doc];
  if (Array.isArray(doc)) return doc.flatMap((item) => valuesAt(item, path));
  if (typeof doc !== 'object' || doc === null) return [undefined];
  return valuesAt((doc as Doc)[path[0]!], path.slice(1));
}

function holds(doc: Doc, field: string, condition: Condition): boolean {
  const values = valuesAt(doc, field.split('.'));
  const present = values.filter((value) => value !== undefined);
  if (condition === null) return present.length === 0 || present.includes(null);
  if (typeof condition !== 'object') return values.includes(condition);
  if ('$gt' in condition) return present.some((value) => typeof value === 'number' && value > condition.$gt);
  if ('$ne' in condition) return !values.includes(condition.$ne);
  if ('$exists' in condition) return (present.length > 0) === condition.$exists;
  return values.some((value) => typeof value === 'string' && condition.$in.includes(value));
}

function matches(doc: Doc, query: Query): boolean {
  return Object.entries(query).every(([field, condition]) => holds(doc, field, condition));
}

function applied(doc: Doc, update: Update): Doc {
  const next: Doc = structuredClone(doc);
  Object.assign(next, update.$set);
  for (const [field, by] of Object.entries(update.$inc ?? {})) next[field] = (typeof next[field] === 'number' ? (next[field] as number) : 0) + by;
  for (const [field, items] of Object.entries(update.$push ?? {})) next[field] = [...((next[field] as unknown[]) ?? []), ...structuredClone(items)];
  for (const [field, match] of Object.entries(update.$pull ?? {})) {
    next[field] = ((next[field] as unknown[]) ?? []).filter((item) => !Object.entries(match).every(([key, value]) => (item as Doc)[key] === value));
  }
  return next;
}

/** What a failing request throws, as the SDK throws it. */
export function databaseError(errCode: number, errMsg: string): Error {
  return Object.assign(new Error(errMsg), { errCode, errMsg });
}

export function memoryDatabase(seed: Record<string, Doc[]> = {}) {
  const collections = new Map<string, Doc[]>(Object.entries(seed).map(([name, docs]) => [name, structuredClone(docs)]));
  let ids = 0;
  const missing = (request: DatabaseRequest) => databaseError(-502005, `${request.op}:fail -502005 database collection not exists. [ResourceNotFound] Db or Table not exist.`);

  function run(request: DatabaseRequest): CallResult {
    if (request.op === 'createCollection') {
      if (collections.has(request.collection)) throw databaseError(-1, 'createCollection:fail [ResourceInUse] Table exist.');
      collections.set(request.collection, []);
      return { errMsg: 'createCollection:ok', requestId: 'memory-database' };
    }
    const docs = collections.get(request.collection);
    if (docs === undefined) throw missing(request);
    switch (request.op) {
      case 'get': {
        let found = docs.filter((doc) => matches(doc, request.where));
        if (request.orderBy !== undefined) {
          const [field, order] = request.orderBy;
          found = [...found].sort((a, b) => ((a[field] as number) - (b[field] as number)) * (order === 'asc' ? 1 : -1));
        }
        return { data: structuredClone(found.slice(0, request.limit)), errMsg: 'collection.get:ok' };
      }
      case 'update': {
        let updated = 0;
        docs.forEach((doc, index) => {
          if (!matches(doc, request.where)) return;
          const next = applied(doc, request.update);
          if (JSON.stringify(next) !== JSON.stringify(doc)) updated += 1;
          docs[index] = next;
        });
        return { stats: { updated }, errMsg: 'collection.update:ok' };
      }
      case 'set': {
        const index = docs.findIndex((doc) => doc._id === request.id);
        const doc = { ...structuredClone(request.data as Doc), _id: request.id };
        if (index >= 0) docs[index] = doc;
        else docs.push(doc);
        return { _id: request.id, stats: { updated: index >= 0 ? 1 : 0, created: index >= 0 ? 0 : 1 }, errMsg: 'document.set:ok' };
      }
      case 'remove': {
        const index = docs.findIndex((doc) => doc._id === request.id);
        if (index >= 0) docs.splice(index, 1);
        return { stats: { removed: index >= 0 ? 1 : 0 }, errMsg: 'document.remove:ok' };
      }
    }
  }

  /** Faults armed for the next requests that match: thrown before (or, `applied`, after) the request runs. */
  const faults: Array<{ match: (request: DatabaseRequest) => boolean; error: Error; applied: boolean; times: number }> = [];
  const calls: DatabaseCalls = async (request) => {
    const fault = faults.find((item) => item.times > 0 && item.match(request));
    if (fault !== undefined) {
      fault.times -= 1;
      if (fault.applied) run(request);
      throw fault.error;
    }
    return run(request);
  };
  return {
    calls,
    documents: (name: string) => structuredClone(collections.get(name) ?? []),
    collections: () => [...collections.keys()],
    insert: (name: string, doc: object) => {
      if (!collections.has(name)) collections.set(name, []);
      collections.get(name)!.push(structuredClone({ _id: `seed${(ids += 1)}`, ...doc }));
    },
    fail: (match: (request: DatabaseRequest) => boolean, error: Error, options: { applied?: boolean; times?: number } = {}) =>
      faults.push({ match, error, applied: options.applied ?? false, times: options.times ?? 1 }),
  };
}

export type MemoryDatabase = ReturnType<typeof memoryDatabase>;

/** The three collections, created empty (as the owner creates them). */
export function recordsDatabase() {
  return memoryDatabase({ logistics_printers: [], logistics_invites: [], logistics_activity: [] });
}
