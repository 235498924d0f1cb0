/**
 * The dev console's one way into the local cloud: everything `npm run dev` does to it (start it,
 * run a function as a caller, read and seed the logistics state and the database's collections,
 * the EMS reviewer, faults, the request log, export, import, reset) goes through here, and here
 * only through the local cloud's own controls (localcloud/server.ts, localcloud/invoke.ts), the
 * ones the tests and `npm start` use. When the local cloud's interface changes, this file is the
 * one to adapt.
 *
 * The cloud it starts is reachable by a browser, so it gets the Host check and an unguessable
 * path prefix in its function URLs (see scripts/dev/server.ts for why).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { DEMO_FUNCTION_ENV } from '../../localcloud/demo';
import type { Fault, FaultScope } from '../../localcloud/faults';
import { CLOUD_FUNCTION_TIMEOUT_MS, startWarmFunction, type Invocation, type WarmFunction } from '../../localcloud/invoke';
import { EJSON } from 'bson';
import { documentsFromFile, type Document } from '../../localcloud/services/database/ejson';
import { COLLECTION_NAME } from '../../localcloud/services/database/store';
import type { AccountRecord, AccountRef, LogisticsSnapshot } from '../../localcloud/services/openapi/wechat-logistics';
import { startLocalCloud, type CloudRequest, type LocalCloud } from '../../localcloud/server';
import { clientCaller, inviteShortener, secretScrubber, startingState } from '../demo-cloud';
import { builtFunctionDir, FUNCTION_NAMES } from '../ensure-built';
import type { CallAnswer, CollectionView, FunctionCall } from './wire';

export type { AccountRef, CallAnswer, CollectionView, FunctionCall };

/** Where the console's export and import folders live: the project's .localcloud/ (git-ignored: they hold the carrier registry's passwords). */
export const STATE_FOLDERS_DIR = path.resolve(__dirname, '..', '..', '.localcloud');
/** A folder the console may name: one plain segment under STATE_FOLDERS_DIR. */
export const STATE_FOLDER_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export type DevEvent = { type: 'request'; request: CloudRequest } | { type: 'call'; call: FunctionCall } | { type: 'changed'; what: string };

/** The fault kinds the console offers, with what each needs. */
export type FaultSpec =
  | { kind: 'errcode'; errcode: number; errmsg?: string }
  | { kind: 'cloudError'; errorCode: number }
  | { kind: 'http'; status: number }
  | { kind: 'hang' }
  | { kind: 'malformed' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'tcbJson'; code: string; message?: string };

export interface FaultRequest {
  fault: FaultSpec;
  /** An openapi apiName or a database action. */
  api?: string;
  collection?: string;
  functionName?: string;
  times?: number;
  /** The state changes first, only the answer is lost. */
  applied?: boolean;
}

export interface DevCloud {
  /** The functions a page may call. */
  readonly functionNames: readonly string[];
  /** Runs the built function as this caller (a warm container per function and caller). */
  call(functionName: string, event: unknown, openid: string): Promise<CallAnswer>;
  state(): LogisticsSnapshot & { faultsArmed: number; stateDir?: string; stateFolders: string[] };
  /** Every database collection with its documents. */
  collections(): CollectionView[];
  /** Puts a document (relaxed EJSON text) into a collection, replacing the one with its _id; makes the collection if needed. */
  putDocument(collection: string, text: string): void;
  /** Takes the document with this _id out; false if there was none. */
  deleteDocument(collection: string, id: string): boolean;
  requests(): CloudRequest[];
  calls(): FunctionCall[];
  approveReview(account: AccountRef): boolean;
  rejectReview(account: AccountRef, reason: string): boolean;
  seedAccount(record: AccountRef & Partial<AccountRecord>): void;
  addKnownUser(openid: string): void;
  armFault(request: FaultRequest): void;
  clearFaults(): void;
  /** A fresh cloud from the demo seed: state, log and faults start over. */
  reset(): Promise<void>;
  /** Writes the state to .localcloud/<name>. */
  exportState(name: string): string;
  /** A fresh cloud from .localcloud/<name> (a whole state, as exportState wrote it). */
  importState(name: string): Promise<void>;
  subscribe(listener: (event: DevEvent) => void): () => void;
  close(): Promise<void>;
}

const MAX_WARM = 12;
const MAX_KEPT = 500;

/** From the state folder when one is given and exists, else from the demo's seed (startingState). */
function makeCloud(stateDir?: string): Promise<LocalCloud> {
  return startLocalCloud({
    stateDir: startingState(stateDir),
    requireOwnHost: true,
    pathPrefix: randomBytes(18).toString('base64url'),
  });
}

export class DevCloudError extends Error {}

function folderIn(base: string, name: string): string {
  if (!STATE_FOLDER_NAME.test(name)) throw new DevCloudError('folder: letters, digits, _ and - only (a folder in .localcloud/)');
  return path.join(base, name);
}

function stateFolders(base: string): string[] {
  if (!existsSync(base)) return [];
  return readdirSync(base, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && STATE_FOLDER_NAME.test(entry.name))
    .map((entry) => entry.name)
    .sort();
}

/** A document's _id as text, for the console to name it by (an id that is no string as relaxed Extended JSON). */
function idOf(document: Document): string {
  const id = document._id;
  return typeof id === 'string' ? id : EJSON.stringify({ _id: id } as Document, { relaxed: true });
}

function toFault(spec: FaultSpec, applied: boolean): Fault {
  switch (spec.kind) {
    case 'errcode':
      return { kind: 'errcode', errcode: spec.errcode, ...(spec.errmsg ? { errmsg: spec.errmsg } : {}), applied };
    case 'cloudError':
      return { kind: 'cloudError', errorCode: spec.errorCode, applied };
    case 'http':
      return { kind: 'http', status: spec.status, applied };
    case 'hang':
      return { kind: 'hang', applied };
    case 'malformed':
      return { kind: 'malformed', applied };
    case 'slow':
      return { kind: 'slow', delayMs: spec.delayMs };
    case 'tcbJson':
      return { kind: 'tcbJson', code: spec.code, ...(spec.message ? { message: spec.message } : {}), applied };
  }
}

/** What the page's wx.cloud.callFunction gets for an invocation, as the real cloud answers it. */
function answerFor(functionName: string, invocation: Invocation): CallAnswer {
  switch (invocation.status) {
    case 'returned':
      return { ok: true, errMsg: 'cloud.callFunction:ok', result: invocation.result };
    case 'timed-out':
      return { ok: false, errCode: -504003, errMsg: `cloud.callFunction:fail -504003 Invoking task timed out after ${invocation.timeoutMs / 1000} seconds` };
    default:
      return { ok: false, errCode: -404011, errMsg: `cloud.callFunction:fail -404011 cloud function execution error (${functionName}: ${invocation.status})` };
  }
}

/** A JSON-like value with the scrubber applied to every string in it (keys included). */
function scrubbed(value: unknown, scrub: (text: string) => string): unknown {
  if (typeof value === 'string') return scrub(value);
  if (Array.isArray(value)) return value.map((item) => scrubbed(item, scrub));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [scrub(key), scrubbed(inner, scrub)]));
  return value;
}

/**
 * `stateDir` (npm run dev -- --state DIR): start from it when it exists, and write the state back
 * to it on close(). Reset and import leave it alone. `foldersDir`: where the console's export and
 * import folders are (default STATE_FOLDERS_DIR).
 */
export async function startDevCloud(options: { stateDir?: string; foldersDir?: string } = {}): Promise<DevCloud> {
  const foldersDir = options.foldersDir ?? STATE_FOLDERS_DIR;
  const folderOf = (name: string) => folderIn(foldersDir, name);
  let cloud = await makeCloud(options.stateDir);
  const listeners = new Set<(event: DevEvent) => void>();
  const emit = (event: DevEvent) => {
    for (const listener of listeners) listener(event);
  };
  const warm = new Map<string, Promise<WarmFunction>>();
  const calls: FunctionCall[] = [];
  /** The call each (function, caller) is running, so its cloud requests are tied to it. */
  const running = new Map<string, FunctionCall>();
  let nextCall = 1;
  let unsubscribe = () => {};

  const watch = () => {
    unsubscribe();
    unsubscribe = cloud.onRequest((request) => {
      const call = running.get(`${request.functionName}\n${request.callerOpenid ?? ''}`);
      if (call && !call.requests.includes(request.seq)) call.requests.push(request.seq);
      emit({ type: 'request', request });
    });
  };
  watch();

  async function container(functionName: string, openid: string): Promise<WarmFunction> {
    const key = `${functionName}\n${openid}`;
    let found = warm.get(key);
    if (found === undefined) {
      if (warm.size >= MAX_WARM) {
        const [oldest, started] = warm.entries().next().value as [string, Promise<WarmFunction>];
        warm.delete(oldest);
        void started.then((fn) => fn.close());
      }
      found = startWarmFunction({ functionDir: builtFunctionDir(functionName), cloudUrl: cloud.functionUrl(functionName), caller: clientCaller(openid), env: DEMO_FUNCTION_ENV });
      warm.set(key, found);
    } else {
      // Most recently used last, so the oldest is the one ended when the pool is full.
      warm.delete(key);
      warm.set(key, found);
    }
    return found;
  }

  /** A fresh cloud (from `from`, else the demo seed): the containers, the log and the calls start over. */
  async function restart(from?: string): Promise<void> {
    await closeContainers();
    await cloud.close();
    cloud = await makeCloud(from);
    calls.length = 0;
    running.clear();
    watch();
    emit({ type: 'changed', what: 'reset' });
  }

  async function closeContainers(): Promise<void> {
    const all = [...warm.values()];
    warm.clear();
    await Promise.all(all.map(async (started) => (await started).close()));
  }

  return {
    functionNames: FUNCTION_NAMES,
    async call(functionName, event, openid) {
      if (!FUNCTION_NAMES.includes(functionName)) {
        return { ok: false, errCode: -501000, errMsg: `cloud.callFunction:fail -501000 FunctionName parameter could not be found (${functionName})` };
      }
      const scrub = secretScrubber(event);
      const record: FunctionCall = {
        id: nextCall++,
        functionName,
        caller: openid,
        event: scrubbed(event ?? {}, (text) => inviteShortener(event)(scrub(text))),
        startedAt: Date.now(),
        requests: [],
      };
      calls.push(record);
      if (calls.length > MAX_KEPT) calls.shift();
      emit({ type: 'call', call: record });
      const fn = await container(functionName, openid);
      const printedBefore = fn.output().stdout.length;
      const key = `${functionName}\n${openid}`;
      running.set(key, record);
      const invocation = await fn.invoke(event, { timeoutMs: CLOUD_FUNCTION_TIMEOUT_MS });
      if (running.get(key) === record) running.delete(key);
      const answer = answerFor(functionName, invocation);
      // The console shows invite tokens shortened (the phone gets the answer whole, to share its card).
      const shorten = inviteShortener(event, answer);
      const shown = (text: string) => shorten(scrub(text));
      record.event = scrubbed(event ?? {}, shown);
      record.finishedAt = Date.now();
      record.answer = scrubbed(answer, shown) as CallAnswer;
      record.printed = shown(fn.output().stdout.slice(printedBefore)).trim();
      emit({ type: 'call', call: record });
      emit({ type: 'changed', what: 'state' });
      return answer;
    },
    state: () => ({
      ...cloud.openapi.state(),
      faultsArmed: cloud.faults.armed(),
      ...(options.stateDir !== undefined ? { stateDir: options.stateDir } : {}),
      stateFolders: stateFolders(foldersDir),
    }),
    collections: () =>
      cloud.database.collections().map((name) => ({
        name,
        documents: (cloud.database.documents(name) ?? []).map((document) => ({ id: idOf(document), text: EJSON.stringify(document, undefined, 2, { relaxed: true }) })),
      })),
    putDocument(collection, text) {
      if (!COLLECTION_NAME.test(collection)) throw new DevCloudError('collection: 1–128 letters, digits, _ and -');
      // The state folder's reader, so a document here is read exactly as one in a collection file.
      let read: Document[];
      try {
        read = documentsFromFile(`[${text}]`, 'document');
      } catch (error) {
        throw new DevCloudError((error as Error).message);
      }
      const [document] = read;
      if (document === undefined || read.length !== 1) throw new DevCloudError('document: exactly one JSON object');
      const existing = cloud.database.documents(collection) ?? [];
      const at = document._id === undefined ? -1 : existing.findIndex((each) => idOf(each) === idOf(document));
      cloud.database.seed(collection, at < 0 ? [...existing, document] : existing.map((each, index) => (index === at ? document : each)));
      emit({ type: 'changed', what: 'database' });
    },
    deleteDocument(collection, id) {
      const existing = cloud.database.documents(collection);
      const kept = existing?.filter((document) => idOf(document) !== id);
      if (existing === undefined || kept === undefined || kept.length === existing.length) return false;
      cloud.database.seed(collection, kept);
      emit({ type: 'changed', what: 'database' });
      return true;
    },
    requests: () => cloud.requests(),
    calls: () => calls.map((call) => ({ ...call, requests: [...call.requests] })),
    approveReview(account) {
      const done = cloud.openapi.approveReview(account);
      emit({ type: 'changed', what: 'state' });
      return done;
    },
    rejectReview(account, reason) {
      const done = cloud.openapi.rejectReview(account, reason);
      emit({ type: 'changed', what: 'state' });
      return done;
    },
    seedAccount(record) {
      cloud.openapi.seedAccounts([record]);
      emit({ type: 'changed', what: 'state' });
    },
    addKnownUser(openid) {
      cloud.openapi.addKnownUsers([openid]);
      emit({ type: 'changed', what: 'state' });
    },
    armFault({ fault, api, collection, functionName, times, applied }) {
      const scope: FaultScope = { ...(api ? { api } : {}), ...(collection ? { collection } : {}), ...(functionName ? { functionName } : {}), times: times ?? 1 };
      cloud.faults.next(toFault(fault, applied === true), scope);
      emit({ type: 'changed', what: 'faults' });
    },
    clearFaults() {
      cloud.faults.clear();
      emit({ type: 'changed', what: 'faults' });
    },
    async reset() {
      await restart();
    },
    exportState(name) {
      const dir = folderOf(name);
      cloud.exportState(dir);
      emit({ type: 'changed', what: 'folders' });
      return path.relative(process.cwd(), dir) || dir;
    },
    async importState(name) {
      const dir = folderOf(name);
      if (!existsSync(dir)) throw new DevCloudError(`folder: .localcloud/${name} does not exist`);
      await restart(dir);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      unsubscribe();
      listeners.clear();
      await closeContainers();
      await cloud.close();
      if (options.stateDir !== undefined) cloud.exportState(options.stateDir);
    },
  };
}
