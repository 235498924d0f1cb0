/**
 * The database service: the CloudBase document database as wx-server-sdk 4.0.2 speaks it
 * (../../../../shared/docs/cloudbase-database.md): JSON bodies with `action: 'database.*'`, EJSON
 * fields, JSON answers `{ requestId, data }` or `{ code, message, requestId }`.
 *
 * Served: getDocument (WHERE and DOC), insertDocument, modifyDocument (merge update, replace with
 * upsert for set), removeDocument, calculateDocument, addCollection. Refused with
 * DATABASE_INVALID_OPERRATOR (-502002): aggregation, transactions, every other database action.
 * A request is read whole before anything runs: a malformed one is INVALID_PARAM with the reason.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { EJSON } from 'bson';
import type { Fault } from '../../faults';
import { redactDeep } from '../../redaction';
import type { Decoded, GatewayCall, HttpAnswer, RunningService, ServiceAnswer, ServiceContext, ServiceDefinition, ServiceRequest } from '../../service';
import { documentsFromFile, documentsToFile, documentToWire, InvalidParam, parseField, parseObjectField, withServerDates, type Document } from './ejson';
import { COLLECTION_NAME, createCollections, DatabaseError, DatabaseErrorCode } from './store';

export type { Document } from './ejson';

/** Collections a local cloud starts with (startLocalCloud's options; a state folder adds to them). */
export interface DatabaseSeed {
  /** name → documents (seeded documents may carry `_openid`, as client-written ones do). An empty array makes an empty collection. */
  collections?: Readonly<Record<string, readonly Document[]>>;
}

/** What became of a database request, beside the gateway's outcomes (errors are TCB JSON `tcbJson`). */
export type DatabaseOutcome =
  /** The answer's `data`; `result` says it in short for the log (`2 documents`, `updated 1`, …). */
  | { kind: 'database'; data: Record<string, unknown>; result: string }
  /** A fault's body, sent as it is. */
  | { kind: 'databaseBody'; body: unknown };

/** The database service's controls: cloud.database. */
export interface DatabaseControls {
  /** The collections' names, sorted. */
  collections(): string[];
  /** A collection's documents (copies; dates as Date), undefined when it does not exist. */
  documents(collection: string): Document[] | undefined;
  /** Creates the collection with these documents, or replaces its documents. Ids are made where absent. */
  seed(collection: string, documents: readonly Document[]): void;
}

/** What the SDK asks that this service serves. */
export const SERVED_ACTIONS = [
  'database.getDocument',
  'database.insertDocument',
  'database.modifyDocument',
  'database.removeDocument',
  'database.calculateDocument',
  'database.addCollection',
] as const;
type ServedAction = (typeof SERVED_ACTIONS)[number];

/** The SDK's default page and its cap (query.js). */
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
/** How much of a query or update the log line shows. */
const SHORT = 100;
/** The state folder's collection files. */
const COLLECTION_FILE = /^([A-Za-z0-9_-]{1,128})\.json$/;

const short = (value: unknown) => {
  const text = JSON.stringify(redactDeep(EJSON.serialize({ value }, { relaxed: true }).value)) ?? 'undefined';
  return text.length > SHORT ? `${text.slice(0, SHORT)}…` : text;
};

function optionalBoolean(fields: Readonly<Record<string, unknown>>, key: string, fallback: boolean): boolean {
  const value = fields[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidParam(`${key} must be true or false`);
  return value;
}

function optionalInteger(fields: Readonly<Record<string, unknown>>, key: string, min: number, max: number): number | undefined {
  const value = fields[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw new InvalidParam(`${key} must be an integer from ${min} to ${max}`);
  return value;
}

function queryOf(fields: Readonly<Record<string, unknown>>): { query: Document; queryType: 'WHERE' | 'DOC' } {
  const queryType = fields.queryType ?? 'WHERE';
  if (queryType !== 'WHERE' && queryType !== 'DOC') throw new InvalidParam(`queryType must be WHERE or DOC, got ${JSON.stringify(queryType)}`);
  const query = fields.query === undefined ? {} : parseObjectField(fields.query, 'query', { regExps: true });
  if (queryType === 'DOC' && (typeof query._id !== 'string' && typeof query._id !== 'number')) throw new InvalidParam('a DOC query names one _id');
  return { query, queryType };
}

function describeQuery(query: Document, queryType: 'WHERE' | 'DOC'): string {
  return queryType === 'DOC' ? `doc ${JSON.stringify(query._id)}` : `where ${short(query)}`;
}

function orderOf(text: unknown): Record<string, 1 | -1> | undefined {
  if (text === undefined) return undefined;
  const order = parseObjectField(text, 'order');
  for (const [field, direction] of Object.entries(order)) {
    if (direction !== 1 && direction !== -1) throw new InvalidParam(`order.${field} must be 1 or -1`);
  }
  return order as Record<string, 1 | -1>;
}

function projectionOf(text: unknown): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  const projection = parseObjectField(text, 'projection');
  for (const [field, include] of Object.entries(projection)) {
    if (include !== 0 && include !== 1 && include !== true && include !== false) throw new InvalidParam(`projection.${field} must be 1, 0, true or false`);
  }
  return projection;
}

/** An update with operators: `{ $set: …, $inc: … }`; a plain field at the top is not one. */
function updateOf(text: unknown): Document {
  const update = parseObjectField(text, 'data');
  const keys = Object.keys(update);
  if (keys.length === 0) throw new InvalidParam('data: an update needs at least one operator');
  const plain = keys.find((key) => !key.startsWith('$'));
  if (plain !== undefined) throw new InvalidParam(`data: an update takes operators ($set, $inc, …), got the field "${plain}"`);
  return update;
}

/** A whole document (insert, set): no operator at its top. */
function documentOf(text: unknown, field: string): Document {
  const document = parseObjectField(text, field, { document: true });
  const operator = Object.keys(document).find((key) => key.startsWith('$'));
  if (operator !== undefined) throw new InvalidParam(`${field}: a document cannot hold the operator "${operator}" at its top`);
  return document;
}

type Operation = (now: number) => { data: Record<string, unknown>; result: string; applied: boolean };

function checkedName(name: unknown): string {
  if (typeof name !== 'string' || !COLLECTION_NAME.test(name)) throw new InvalidParam(`collectionName must be 1-128 letters, digits, _ or -, got ${JSON.stringify(name) ?? String(name)}`);
  return name;
}

function startDatabase(options: DatabaseSeed & ServiceContext): RunningService<DatabaseOutcome, DatabaseControls> {
  const store = createCollections();
  const now = Date.now;
  for (const [name, documents] of Object.entries(options.collections ?? {})) store.put(checkedName(name), documents);
  if (options.stateDir !== undefined && existsSync(options.stateDir)) {
    for (const file of readdirSync(options.stateDir).sort()) {
      const name = COLLECTION_FILE.exec(file)?.[1];
      if (name === undefined) continue;
      const where = path.join(options.stateDir, file);
      store.put(name, documentsFromFile(readFileSync(where, 'utf8'), where));
    }
  }

  /** The operation a request asks for, with its log summary; throws InvalidParam for anything malformed. */
  function operationOf(action: ServedAction, collection: string, fields: Readonly<Record<string, unknown>>): { summary: string; operation: Operation } {
    switch (action) {
      case 'database.getDocument': {
        const { query, queryType } = queryOf(fields);
        const order = orderOf(fields.order);
        const offset = optionalInteger(fields, 'offset', 0, Number.MAX_SAFE_INTEGER) ?? 0;
        const limit = optionalInteger(fields, 'limit', 1, MAX_LIMIT) ?? DEFAULT_LIMIT;
        const projection = projectionOf(fields.projection);
        const summary = [describeQuery(query, queryType), order && `order ${short(order)}`, offset > 0 && `skip ${offset}`, `limit ${limit}`, projection && `field ${short(projection)}`]
          .filter(Boolean)
          .join(' ');
        return {
          summary,
          operation: () => {
            const documents = store.find(collection, query, { order, offset, limit, projection });
            return { data: { list: documents.map(documentToWire), limit, offset }, result: `${documents.length} document${documents.length === 1 ? '' : 's'}`, applied: false };
          },
        };
      }
      case 'database.insertDocument': {
        const data = fields.data;
        if (!Array.isArray(data) || data.length === 0) throw new InvalidParam('data must be a non-empty array of EJSON documents');
        const documents = data.map((text, index) => documentOf(text, `data[${index}]`));
        return {
          summary: `${documents.length} document${documents.length === 1 ? '' : 's'} ${short(documents.length === 1 ? documents[0] : documents)}`,
          operation: (time) => {
            const insertedIds = store.insert(collection, documents.map((document) => withServerDates(document, time) as Document));
            return { data: { insertedIds }, result: `inserted ${insertedIds.length}`, applied: true };
          },
        };
      }
      case 'database.modifyDocument': {
        const { query, queryType } = queryOf(fields);
        const multi = optionalBoolean(fields, 'multi', queryType === 'WHERE');
        const merge = optionalBoolean(fields, 'merge', true);
        const upsert = optionalBoolean(fields, 'upsert', false);
        if (merge) {
          if (upsert) throw new InvalidParam('upsert is for a replacing set (merge: false) only');
          const update = updateOf(fields.data);
          return {
            summary: `${describeQuery(query, queryType)}${multi ? '' : ' (one)'} update ${short(update)}`,
            operation: (time) => {
              const updated = store.update(collection, query, withServerDates(update, time) as Document, multi);
              return { data: { updated, upsert_id: null }, result: `updated ${updated}`, applied: updated > 0 };
            },
          };
        }
        if (queryType !== 'DOC') throw new InvalidParam('a replacing set (merge: false) names one document: queryType DOC');
        const document = documentOf(fields.data, 'data');
        return {
          summary: `${describeQuery(query, queryType)} set ${short(document)}`,
          operation: (time) => {
            if (!upsert && !store.find(collection, { _id: query._id }, { limit: 1 }).length) return { data: { updated: 0, upsert_id: null }, result: 'updated 0', applied: false };
            const { updated, upsertedId } = store.replace(collection, query._id, withServerDates(document, time) as Document);
            return { data: { updated, upsert_id: upsertedId }, result: upsertedId === null ? `replaced ${updated}` : 'created 1', applied: true };
          },
        };
      }
      case 'database.removeDocument': {
        const { query, queryType } = queryOf(fields);
        const multi = optionalBoolean(fields, 'multi', queryType === 'WHERE');
        return {
          summary: `${describeQuery(query, queryType)}${multi ? '' : ' (one)'} remove`,
          operation: () => {
            const deleted = store.remove(collection, query, multi);
            return { data: { deleted }, result: `deleted ${deleted}`, applied: deleted > 0 };
          },
        };
      }
      case 'database.calculateDocument': {
        const { query, queryType } = queryOf(fields);
        return {
          summary: `${describeQuery(query, queryType)} count`,
          operation: () => {
            const total = store.count(collection, query);
            return { data: { total }, result: `total ${total}`, applied: false };
          },
        };
      }
      case 'database.addCollection':
        return {
          summary: 'create',
          operation: () => {
            store.create(collection);
            return { data: {}, result: 'created', applied: true };
          },
        };
    }
  }

  /** The params as the log shows them: the request's own fields (no tokens), EJSON texts read (as relaxed EJSON), secrets redacted at any depth. */
  function loggedParams(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
    const readable = (value: unknown, field: string): unknown => {
      if (Array.isArray(value)) return value.map((item, index) => readable(item, `${field}[${index}]`));
      if (typeof value !== 'string') return value;
      try {
        return EJSON.serialize({ value: parseField(value, field, { document: true }) }, { relaxed: true }).value;
      } catch {
        return '(unreadable)';
      }
    };
    const logged: Record<string, unknown> = {};
    for (const key of ['collectionName', 'queryType', 'multi', 'merge', 'upsert', 'offset', 'limit'] as const) {
      if (fields[key] !== undefined) logged[key] = fields[key];
    }
    for (const key of ['query', 'data', 'order', 'projection'] as const) {
      if (fields[key] !== undefined) logged[key] = readable(fields[key], key);
    }
    return redactDeep(logged) as Record<string, unknown>;
  }

  function decode(call: GatewayCall): Decoded<DatabaseOutcome> {
    const apiName = call.action;
    if (call.body.encoding !== 'json') return { ok: false, apiName, reason: 'a database call is a JSON body' };
    const { fields } = call.body;
    const collectionName = typeof fields.collectionName === 'string' ? fields.collectionName : undefined;
    const request = (summary: string): ServiceRequest => ({
      apiName,
      ...(collectionName !== undefined ? { collection: collectionName } : {}),
      params: loggedParams(fields),
      summary: [collectionName, summary].filter(Boolean).join(' '),
    });
    if (!(SERVED_ACTIONS as readonly string[]).includes(apiName)) {
      const what = /Transaction$/.test(apiName) ? 'transactions are' : apiName === 'database.aggregateDocuments' ? 'aggregation is' : 'this action is';
      return {
        ok: true,
        request: request('(not served)'),
        run: () => ({
          outcome: { kind: 'tcbJson', code: DatabaseErrorCode.INVALID_OPERATOR, message: `the local cloud does not serve ${apiName}: ${what} not emulated (see localcloud/README.md)` },
          applied: false,
        }),
      };
    }
    let parsed: { summary: string; operation: Operation };
    try {
      parsed = operationOf(apiName as ServedAction, checkedName(fields.collectionName), fields);
    } catch (error) {
      if (!(error instanceof InvalidParam)) throw error;
      return { ok: false, apiName, reason: error.message };
    }
    return {
      ok: true,
      request: request(parsed.summary),
      run: (): ServiceAnswer<DatabaseOutcome> => {
        try {
          const { data, result, applied } = parsed.operation(now());
          return { outcome: { kind: 'database', data, result }, applied };
        } catch (error) {
          if (error instanceof DatabaseError) return { outcome: { kind: 'tcbJson', code: error.code, message: error.message }, applied: false };
          if (error instanceof InvalidParam) return { outcome: { kind: 'rejected', reason: error.message }, applied: false };
          throw error;
        }
      },
    };
  }

  return {
    decode,
    controls: {
      collections: () => store.names(),
      documents: (collection) => store.documents(collection),
      seed: (collection, documents) => store.put(checkedName(collection), documents),
    },
    exportState: (dir) => {
      mkdirSync(dir, { recursive: true });
      // The folder is the state: a collection dropped since the import must not come back.
      for (const file of readdirSync(dir)) if (COLLECTION_FILE.test(file)) rmSync(path.join(dir, file));
      for (const name of store.names()) writeFileSync(path.join(dir, `${name}.json`), documentsToFile(store.documents(name)!));
    },
  };
}

export const databaseService: ServiceDefinition<DatabaseOutcome, DatabaseControls, DatabaseSeed> = {
  name: 'database',
  serves: (action) => action.startsWith('database.'),
  owns: (outcome): outcome is DatabaseOutcome => outcome.kind === 'database' || outcome.kind === 'databaseBody',
  faultOutcome(fault: Fault): DatabaseOutcome | { refused: string } | undefined {
    switch (fault.kind) {
      case 'answer':
        return { kind: 'databaseBody', body: fault.body };
      case 'errcode':
      case 'cloudError':
      case 'contentType':
        return { refused: `a ${fault.kind} fault is an openapi answer; a database request takes tcbJson, http, hang, malformed, slow or answer` };
      default:
        return undefined;
    }
  },
  render(outcome): HttpAnswer {
    const body = outcome.kind === 'database' ? { requestId: 'local-cloud', data: outcome.data } : outcome.body;
    return { status: 200, contentType: 'application/json; charset=utf-8', body: Buffer.from(JSON.stringify(body) ?? 'null') };
  },
  describe: (outcome) => (outcome.kind === 'database' ? outcome.result : `seeded answer ${short(outcome.body)}`),
  scrub: (outcome) => outcome,
  start: startDatabase,
};
