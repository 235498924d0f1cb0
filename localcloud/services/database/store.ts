/**
 * The collections and what each database action does to them. Query, sort, projection and update
 * semantics are MongoDB's, from mingo; what is CloudBase's own is here: 32-hex ids, upsert and
 * replace for `set`, `updated` counting documents that changed, the error codes.
 *
 * Every operation runs synchronously from its check to its last write, so one request's effect is
 * atomic: two racing conditional updates of one document cannot both see it match. An update is
 * made on a copy and swapped in, so a failing one leaves the document as it was.
 */
import { randomBytes } from 'node:crypto';
import { Query, update as applyUpdate } from 'mingo';
import { copyDocument, InvalidParam, type Document } from './ejson';

/** An error answer `{ code, message }`; wx-server-sdk maps the code to an errCode. */
export class DatabaseError extends Error {
  override name = 'DatabaseError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The real server's text for a missing collection (the function sees -502005 before it). */
export const COLLECTION_NOT_EXIST_MESSAGE = '[ResourceNotFound] Db or Table not exist. Please check your request, but if the problem cannot be solved, contact us.';

export const DatabaseErrorCode = {
  COLLECTION_NOT_EXIST: 'DATABASE_COLLECTION_NOT_EXIST',
  /**
   * Our choice: CloudBase's docs say only that createCollection "fails if the collection exists";
   * no code is documented, and the SDK knows none, so the function sees -501001 with this text.
   */
  COLLECTION_ALREADY_EXIST: 'DATABASE_COLLECTION_ALREADY_EXIST',
  /** Our choice for an insert whose `_id` is taken (MongoDB's E11000): the SDK's -502001 "database request fail". */
  REQUEST_FAILED: 'DATABASE_REQUEST_FAILED',
  /** -502002 "database invalid command": actions this local database does not serve. */
  INVALID_OPERATOR: 'DATABASE_INVALID_OPERRATOR',
  INVALID_PARAM: 'INVALID_PARAM',
} as const;

/** Collection names, as CloudBase's console takes them; they also name files in a state folder. */
export const COLLECTION_NAME = /^[A-Za-z0-9_-]{1,128}$/;

/** 32 lowercase hex characters, like the ids the real server generates. */
export function newDocumentId(): string {
  return randomBytes(16).toString('hex');
}

export interface FindOptions {
  order?: Record<string, 1 | -1>;
  offset?: number;
  limit: number;
  projection?: Record<string, unknown>;
}

/** mingo's errors (a bad operator, a conflicting update) are the request's fault: INVALID_PARAM with mingo's reason. */
function asInvalid<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof InvalidParam || error instanceof DatabaseError) throw error;
    throw new InvalidParam(`${what}: ${(error as Error).message}`);
  }
}

function compile(query: Document): Query {
  return asInvalid('query', () => new Query(query));
}

export interface Collections {
  names(): string[];
  has(name: string): boolean;
  /** The documents of a collection (copies), undefined when it does not exist. */
  documents(name: string): Document[] | undefined;
  /** Makes the collection (empty), or replaces its documents. */
  put(name: string, documents: readonly Document[]): void;
  create(name: string): void;
  find(name: string, query: Document, options: FindOptions): Document[];
  count(name: string, query: Document): number;
  insert(name: string, documents: readonly Document[]): string[];
  /** An update with operators (`merge`), on every match or the first. */
  update(name: string, query: Document, update: Document, multi: boolean): number;
  /** `doc(id).set()`: replaces the document with that `_id`, or creates it. */
  replace(name: string, id: unknown, document: Document): { updated: number; upsertedId: unknown };
  remove(name: string, query: Document, multi: boolean): number;
}

export function createCollections(): Collections {
  // A Map: a collection named like an Object.prototype member is just a name.
  const collections = new Map<string, Document[]>();

  function existing(name: string): Document[] {
    const documents = collections.get(name);
    if (documents === undefined) throw new DatabaseError(DatabaseErrorCode.COLLECTION_NOT_EXIST, COLLECTION_NOT_EXIST_MESSAGE);
    return documents;
  }

  function withIds(documents: readonly Document[]): Document[] {
    return documents.map((document) => {
      if (document._id !== undefined && typeof document._id !== 'string' && typeof document._id !== 'number') {
        throw new InvalidParam('_id must be a string or a number');
      }
      return document._id === undefined ? { _id: newDocumentId(), ...copyDocument(document) } : copyDocument(document);
    });
  }

  return {
    names: () => [...collections.keys()].sort(),
    has: (name) => collections.has(name),
    documents: (name) => collections.get(name)?.map(copyDocument),
    put: (name, documents) => {
      collections.set(name, withIds(documents));
    },
    create: (name) => {
      if (collections.has(name)) throw new DatabaseError(DatabaseErrorCode.COLLECTION_ALREADY_EXIST, `[ResourceInUse] Table exist. Collection ${name} already exists.`);
      collections.set(name, []);
    },
    find: (name, query, options) => {
      const documents = existing(name);
      const matcher = compile(query);
      return asInvalid('order, offset, limit or projection', () => {
        let cursor = matcher.find(documents, options.projection);
        if (options.order !== undefined && Object.keys(options.order).length > 0) cursor = cursor.sort(options.order);
        if (options.offset) cursor = cursor.skip(options.offset);
        return cursor.limit(options.limit).all().map((document) => copyDocument(document as Document));
      });
    },
    count: (name, query) => {
      const documents = existing(name);
      const matcher = compile(query);
      return documents.filter((document) => matcher.test(document)).length;
    },
    insert: (name, documents) => {
      const target = existing(name);
      const added = withIds(documents);
      const taken = new Set(target.map((document) => document._id));
      for (const document of added) {
        if (taken.has(document._id)) throw new DatabaseError(DatabaseErrorCode.REQUEST_FAILED, `[DuplicateKey] E11000 duplicate key error: _id ${JSON.stringify(document._id)} exists`);
        taken.add(document._id);
      }
      target.push(...added);
      return added.map((document) => String(document._id));
    },
    update: (name, query, update, multi) => {
      const documents = existing(name);
      const matcher = compile(query);
      // Every match's new version first, then all swapped in: an update refused at any match changes none.
      const replacements = new Map<number, Document>();
      for (let index = 0; index < documents.length; index += 1) {
        const current = documents[index]!;
        if (!matcher.test(current)) continue;
        const next = copyDocument(current);
        const changed = asInvalid('update', () => applyUpdate(next, update as never, undefined, undefined, { cloneMode: 'deep' }));
        if (next._id !== current._id) throw new InvalidParam('update: _id cannot be changed');
        if (changed.length > 0) replacements.set(index, next);
        if (!multi) break;
      }
      for (const [index, next] of replacements) documents[index] = next;
      return replacements.size;
    },
    replace: (name, id, document) => {
      const documents = existing(name);
      if (document._id !== undefined && document._id !== id) throw new InvalidParam('set: data._id differs from the document id');
      const [replacement] = withIds([{ ...document, _id: id }]);
      const index = documents.findIndex((candidate) => candidate._id === id);
      if (index < 0) {
        documents.push(replacement!);
        return { updated: 0, upsertedId: id };
      }
      documents[index] = replacement!;
      return { updated: 1, upsertedId: null };
    },
    remove: (name, query, multi) => {
      const documents = existing(name);
      const matcher = compile(query);
      let deleted = 0;
      for (let index = 0; index < documents.length; ) {
        if ((multi || deleted === 0) && matcher.test(documents[index]!)) {
          documents.splice(index, 1);
          deleted += 1;
        } else index += 1;
      }
      return deleted;
    },
  };
}
