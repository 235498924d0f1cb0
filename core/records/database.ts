/**
 * The database calls the records make, as plain data, and the thin layer that makes them through
 * wx-server-sdk's `cloud.database()` (CloudBase's document database; facts in
 * ../shared/docs/cloudbase-database.md).
 *
 * A request is written in MongoDB's own operators, the few the records use (`$gt`, `$ne`,
 * `$exists`, `$in` in a query; `$set`, `$inc`, `$push`, `$pull` in an update): the pure logic
 * builds them without the SDK, a test can read them, and `cloudbaseDatabase` below is the one
 * place that turns them into the SDK's `db.command` calls. Each request is a call of the call
 * engine (`databaseCall`), with the SDK's own name for it, so it runs through the same retries
 * and time budget as an openapi call.
 */
import type { Call, CallResult } from '../call-engine';
import { isPlainObject } from '../../miniprogram/shared/field-rules';

/** The three collections; the owner creates them with the permission 所有用户不可读写 (README). */
export const COLLECTIONS = {
  roster: 'logistics_printers',
  invites: 'logistics_invites',
  history: 'logistics_activity',
} as const;
export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];

/** A value a query compares with, or one of the comparisons the records use. */
export type Condition = string | number | boolean | null | { $gt: number } | { $ne: string } | { $exists: boolean } | { $in: readonly string[] };
/** Field (a dotted path for a field of an array's items) → condition. */
export type Query = Readonly<Record<string, Condition>>;

/** A scalar a document field is set to. */
export type FieldValue = string | number | boolean | null;
export interface Update {
  $set?: Readonly<Record<string, FieldValue>>;
  $inc?: Readonly<Record<string, number>>;
  /** Appends these items to the array. */
  $push?: Readonly<Record<string, readonly object[]>>;
  /** Removes the array's items that match this (plain equality on each field given). */
  $pull?: Readonly<Record<string, Readonly<Record<string, FieldValue>>>>;
}

/** A whole document as `set` writes it. */
export type DocumentData = object;

export type DatabaseRequest =
  /** `collection.where(query).orderBy(...).limit(n).get()` */
  | { op: 'get'; collection: CollectionName; where: Query; orderBy?: readonly [string, 'asc' | 'desc']; limit: number }
  /** `collection.where(query).update({ data })`: changes every match; answers how many changed. */
  | { op: 'update'; collection: CollectionName; where: Query; update: Update }
  /** `collection.doc(id).set({ data })`: replaces the document or creates it with that `_id`. */
  | { op: 'set'; collection: CollectionName; id: string; data: DocumentData }
  /** `collection.doc(id).remove()` */
  | { op: 'remove'; collection: CollectionName; id: string }
  /** `db.createCollection(name)` */
  | { op: 'createCollection'; collection: CollectionName };

/** What the entry file hands in: one database request made through the SDK. */
export type DatabaseCalls = (request: DatabaseRequest) => Promise<CallResult>;

// --- The SDK's side ---------------------------------------------------------------------------

/** What the layer uses of wx-server-sdk's `cloud.database()` (structurally; core never imports the SDK). */
export interface SdkDatabase {
  command: {
    gt(value: number): unknown;
    neq(value: string): unknown;
    exists(value: boolean): unknown;
    in(values: readonly string[]): unknown;
    inc(value: number): unknown;
    push(values: readonly object[]): unknown;
    pull(condition: object): unknown;
  };
  collection(name: string): {
    where(query: object): {
      orderBy(field: string, order: 'asc' | 'desc'): { limit(n: number): { get(): Promise<unknown> } };
      limit(n: number): { get(): Promise<unknown> };
      update(options: { data: object }): Promise<unknown>;
    };
    doc(id: string): { set(options: { data: object }): Promise<unknown>; remove(): Promise<unknown> };
  };
  createCollection(name: string): Promise<unknown>;
}

function sdkQuery(db: SdkDatabase, query: Query): Record<string, unknown> {
  const _ = db.command;
  const out: Record<string, unknown> = {};
  for (const [field, condition] of Object.entries(query)) {
    if (condition === null || typeof condition !== 'object') out[field] = condition;
    else if ('$gt' in condition) out[field] = _.gt(condition.$gt);
    else if ('$ne' in condition) out[field] = _.neq(condition.$ne);
    else if ('$exists' in condition) out[field] = _.exists(condition.$exists);
    else out[field] = _.in(condition.$in);
  }
  return out;
}

function sdkUpdate(db: SdkDatabase, update: Update): Record<string, unknown> {
  const _ = db.command;
  const out: Record<string, unknown> = { ...update.$set };
  for (const [field, by] of Object.entries(update.$inc ?? {})) out[field] = _.inc(by);
  for (const [field, items] of Object.entries(update.$push ?? {})) out[field] = _.push(items);
  for (const [field, match] of Object.entries(update.$pull ?? {})) out[field] = _.pull(match);
  return out;
}

/**
 * The thin layer: makes each request through `cloud.database()`, opened on the first request (a
 * run that touches no record never loads the SDK's database modules).
 */
export function cloudbaseDatabase(open: () => SdkDatabase): DatabaseCalls {
  let db: SdkDatabase | undefined;
  return async (request) => {
    db ??= open();
    const collection = () => db!.collection(request.collection);
    switch (request.op) {
      case 'get': {
        const where = collection().where(sdkQuery(db, request.where));
        const ordered = request.orderBy === undefined ? where : where.orderBy(request.orderBy[0], request.orderBy[1]);
        return (await ordered.limit(request.limit).get()) as CallResult;
      }
      case 'update':
        return (await collection().where(sdkQuery(db, request.where)).update({ data: sdkUpdate(db, request.update) })) as CallResult;
      case 'set':
        return (await collection().doc(request.id).set({ data: request.data })) as CallResult;
      case 'remove':
        return (await collection().doc(request.id).remove()) as CallResult;
      case 'createCollection':
        return (await db.createCollection(request.collection)) as CallResult;
    }
  };
}

// --- The engine's side ------------------------------------------------------------------------

/**
 * wx-server-sdk 4.0.2 reports an HTTP-layer failure of a database request as errCode -501001,
 * "<api>:fail -501001 resource system error. <Node's message>", as for an openapi call (see
 * core/call-engine.ts): only a refused connection or a failed name lookup proves nothing was sent.
 */
const DATABASE_NEVER_SENT =
  /^(?:collection|document)\.[a-z]+:fail -501001 resource system error\. (?:connect (?:ECONNREFUSED|ENETUNREACH|EHOSTUNREACH)|getaddrinfo (?:ENOTFOUND|EAI_AGAIN)) |^createCollection:fail -501001 resource system error\. (?:connect (?:ECONNREFUSED|ENETUNREACH|EHOSTUNREACH)|getaddrinfo (?:ENOTFOUND|EAI_AGAIN)) /;

/** What each request answers, as the function sees it after the SDK (cloudbase-database.md). */
export interface DatabaseAnswer {
  /** get: the documents. */
  documents?: unknown[];
  /** update, set: documents changed; set: also whether it created one. */
  updated?: number;
  created?: boolean;
}

function statsNumber(result: CallResult, key: string): number | undefined {
  const stats = result.stats;
  const value = isPlainObject(stats) ? stats[key] : undefined;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/**
 * Why a resolve is not the database's answer to this request, or undefined. A write counts as
 * done only on its answer's own evidence: the SDK resolves a JSON 200 whose `data` lacks the count
 * all the same (doc().set with `stats.updated` undefined), and that is no answer. Where the SDK
 * fills a missing count in as 0 (where().update, doc().remove) nothing here can tell it apart.
 */
function notDatabaseAnswer(op: DatabaseRequest['op'], result: CallResult): string | undefined {
  switch (op) {
    case 'get':
      return Array.isArray(result.data) ? undefined : 'a query answer without a list of documents';
    case 'update':
      return statsNumber(result, 'updated') === undefined ? 'an update answer without a count of documents updated' : undefined;
    case 'set':
      return statsNumber(result, 'updated') === undefined ? 'a set answer without a count of documents updated' : undefined;
    case 'remove':
      return statsNumber(result, 'removed') === undefined ? 'a remove answer without a count of documents removed' : undefined;
    case 'createCollection':
      // The SDK answers only the body's requestId (every answer of the database carries one).
      return typeof result.requestId === 'string' && result.requestId !== '' ? undefined : 'a createCollection answer without a request id';
  }
}

const DISPLAY_NAMES: Readonly<Record<DatabaseRequest['op'], string>> = {
  get: 'collection.get',
  update: 'collection.update',
  set: 'document.set',
  remove: 'document.remove',
  createCollection: 'createCollection',
};

/** One kind of database request as a call of the engine. */
function databaseCall(op: DatabaseRequest['op']): Call<DatabaseRequest> {
  return {
    displayName: DISPLAY_NAMES[op],
    effect: op === 'get' ? 'read' : 'write',
    carriesSecret: () => false,
    neverSent: (errMsg) => DATABASE_NEVER_SENT.test(errMsg),
    notAnAnswer: (result) => notDatabaseAnswer(op, result),
    settledByEarlierAttempt: () => false,
    dataOf: (result): DatabaseAnswer => {
      if (op === 'get') return { documents: result.data as unknown[] };
      if (op === 'update') return { updated: statsNumber(result, 'updated')! };
      if (op === 'set') return { updated: statsNumber(result, 'updated')!, created: statsNumber(result, 'created') === 1 };
      return {};
    },
  };
}

export const DATABASE_CALLS: Readonly<Record<DatabaseRequest['op'], Call<DatabaseRequest>>> = {
  get: databaseCall('get'),
  update: databaseCall('update'),
  set: databaseCall('set'),
  remove: databaseCall('remove'),
  createCollection: databaseCall('createCollection'),
};

/** A document written by a mini program client (it carries `_openid`): the records ignore it. */
export function clientWritten(document: unknown): boolean {
  return isPlainObject(document) && Object.prototype.hasOwnProperty.call(document, '_openid');
}

/** The query's guard that keeps client-written documents out of every read and conditional write. */
export const FUNCTION_WRITTEN: Query = { _openid: { $exists: false } };
