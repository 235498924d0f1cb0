/**
 * RunnerDeps for runOperation with a scripted openapi, an in-memory database (or one given) and a
 * virtual clock: each openapi attempt's answer (resolve, throw or hang) comes from the script;
 * sleeps advance the clock at once. The real SDK is exercised in test/integration against the
 * local cloud.
 */
import type { AuditLine } from '../../core/audit';
import type { CallResult } from '../../core/call-engine';
import type { DatabaseCalls, DatabaseRequest } from '../../core/records/database';
import type { RunnerDeps } from '../../core/run-operation';
import { recordsDatabase } from './memory-database';

export type ScriptedAnswer = CallResult | { throws: unknown } | 'hang';

export const ADMIN_OPENID = 'oAdmin';

export function sdkError(errCode: number, errMsg = `openapi.logistics.bindAccount:fail errcode ${errCode}`): ScriptedAnswer {
  return { throws: Object.assign(new Error(errMsg), { errCode, errMsg }) };
}

/** The caller as the WeChat context would give it (an OPENID may be anything the SDK hands over). */
export interface ScriptedCaller {
  openid?: unknown;
  appid?: string;
  source?: string;
}

export function scriptedDeps(
  answers: ScriptedAnswer[],
  options: { caller?: ScriptedCaller; env?: Record<string, string>; clockStartsAt?: number; database?: DatabaseCalls } = {},
) {
  let clock = options.clockStartsAt ?? 0;
  const calls: unknown[] = [];
  const logs: string[] = [];
  const sleeps: number[] = [];
  const databaseRequests: DatabaseRequest[] = [];
  const database = options.database ?? recordsDatabase().calls;
  const caller = options.caller ?? { openid: ADMIN_OPENID, source: 'wx_client' };
  const deps: RunnerDeps<any> = {
    wxContext: () => ({ OPENID: caller.openid, APPID: caller.appid, SOURCE: caller.source }),
    env: { LOGISTICS_ADMIN_OPENIDS: ADMIN_OPENID, ...options.env },
    call: async (params) => {
      calls.push(params);
      const answer = answers[calls.length - 1] ?? { errCode: 0, errMsg: 'ok' };
      if (answer === 'hang') return new Promise<CallResult>(() => undefined);
      if ('throws' in answer) throw answer.throws;
      return answer;
    },
    database: (request) => {
      databaseRequests.push(request);
      return database(request);
    },
    log: (line) => logs.push(line),
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    random: () => 0.5,
  };
  const audit = () => logs.map((line) => JSON.parse(line) as AuditLine);
  return { deps, calls, logs, sleeps, audit, databaseRequests };
}
