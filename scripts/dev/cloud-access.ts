/**
 * The dev console's one way into the local cloud: everything `npm run dev` does to it (start it,
 * run a function as a caller, read and seed the logistics state, the EMS reviewer, faults, the
 * request log, reset) goes through here, and here only through the local cloud's own controls
 * (localcloud/server.ts, localcloud/invoke.ts), the ones the tests and `npm start` use. When the
 * local cloud's interface changes, this file is the one to adapt.
 *
 * The cloud it starts is reachable by a browser, so it gets the Host check and an unguessable
 * path prefix in its function URLs (see scripts/dev/server.ts for why).
 */
import { randomBytes } from 'node:crypto';
import { DEMO_CARRIER_ACCOUNTS, DEMO_FUNCTION_ENV, DEMO_KNOWN_USERS } from '../../localcloud/demo';
import type { Fault, FaultScope } from '../../localcloud/faults';
import { CLOUD_FUNCTION_TIMEOUT_MS, startWarmFunction, type Invocation, type WarmFunction } from '../../localcloud/invoke';
import type { AccountRecord, AccountRef, LogisticsSnapshot } from '../../localcloud/logistics';
import { startLocalCloud, type CloudRequest, type LocalCloud } from '../../localcloud/server';
import { clientCaller, secretScrubber } from '../demo-cloud';
import { builtFunctionDir, FUNCTION_NAMES } from '../ensure-built';

/** What wx.cloud.callFunction resolves with, or rejects with (as the page's service reads it). */
export type CallAnswer = { ok: true; errMsg: string; result: unknown } | { ok: false; errCode: number; errMsg: string };

/** One callFunction the page made, as the console shows it (secrets scrubbed). */
export interface FunctionCall {
  id: number;
  functionName: string;
  caller: string;
  /** The event, secrets replaced by ******. */
  event: unknown;
  startedAt: number;
  finishedAt?: number;
  /** The envelope (or what the call failed with), secrets scrubbed. */
  answer?: CallAnswer;
  /** What the function printed during the call (its audit line). */
  printed?: string;
  /** The cloud requests it made (their seq). */
  requests: number[];
}

export type DevEvent = { type: 'request'; request: CloudRequest } | { type: 'call'; call: FunctionCall } | { type: 'changed'; what: string };

/** The fault kinds the console offers, with what each needs. */
export type FaultSpec =
  | { kind: 'errcode'; errcode: number; errmsg?: string }
  | { kind: 'cloudError'; errorCode: number }
  | { kind: 'http'; status: number }
  | { kind: 'hang' }
  | { kind: 'malformed' }
  | { kind: 'slow'; delayMs: number };

export interface FaultRequest {
  fault: FaultSpec;
  api?: string;
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
  state(): LogisticsSnapshot & { faultsArmed: number };
  requests(): CloudRequest[];
  calls(): FunctionCall[];
  approveReview(account: AccountRef): boolean;
  rejectReview(account: AccountRef, reason: string): boolean;
  seedAccount(record: AccountRef & Partial<AccountRecord>): void;
  addKnownUser(openid: string): void;
  armFault(request: FaultRequest): void;
  clearFaults(): void;
  /** A fresh cloud from the seed: state, log and faults start over. */
  reset(): Promise<void>;
  subscribe(listener: (event: DevEvent) => void): () => void;
  close(): Promise<void>;
}

const MAX_WARM = 12;
const MAX_KEPT = 500;

function makeCloud(): Promise<LocalCloud> {
  return startLocalCloud({
    carrierAccounts: DEMO_CARRIER_ACCOUNTS,
    knownUsers: DEMO_KNOWN_USERS,
    requireOwnHost: true,
    pathPrefix: randomBytes(18).toString('base64url'),
  });
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

export async function startDevCloud(): Promise<DevCloud> {
  let cloud = await makeCloud();
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
        event: scrubbed(event ?? {}, scrub),
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
      record.finishedAt = Date.now();
      record.answer = scrubbed(answer, scrub) as CallAnswer;
      record.printed = scrub(fn.output().stdout.slice(printedBefore)).trim();
      emit({ type: 'call', call: record });
      emit({ type: 'changed', what: 'state' });
      return answer;
    },
    state: () => ({ ...cloud.state(), faultsArmed: cloud.faults.armed() }),
    requests: () => cloud.requests(),
    calls: () => calls.map((call) => ({ ...call, requests: [...call.requests] })),
    approveReview(account) {
      const done = cloud.approveReview(account);
      emit({ type: 'changed', what: 'state' });
      return done;
    },
    rejectReview(account, reason) {
      const done = cloud.rejectReview(account, reason);
      emit({ type: 'changed', what: 'state' });
      return done;
    },
    seedAccount(record) {
      cloud.seedAccounts([record]);
      emit({ type: 'changed', what: 'state' });
    },
    addKnownUser(openid) {
      cloud.addKnownUsers([openid]);
      emit({ type: 'changed', what: 'state' });
    },
    armFault({ fault, api, functionName, times, applied }) {
      const scope: FaultScope = { ...(api ? { api } : {}), ...(functionName ? { functionName } : {}), times: times ?? 1 };
      cloud.faults.next(toFault(fault, applied === true), scope);
      emit({ type: 'changed', what: 'faults' });
    },
    clearFaults() {
      cloud.faults.clear();
      emit({ type: 'changed', what: 'faults' });
    },
    async reset() {
      await closeContainers();
      await cloud.close();
      cloud = await makeCloud();
      calls.length = 0;
      running.clear();
      watch();
      emit({ type: 'changed', what: 'reset' });
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
    },
  };
}
