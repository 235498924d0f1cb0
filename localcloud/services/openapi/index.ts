/**
 * The openapi service: `wx.openApi` calls (cloud.openapi.logistics.*), multipart with a protobuf
 * CommApiData inside, answered as WeChat would from the emulated logistics state
 * (wechat-logistics.ts), after the permission check a deployed function's config.json gives.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Fault } from '../../faults';
import type { Decoded, GatewayCall, HttpAnswer, RunningService, ServiceContext, ServiceDefinition, ServiceRequest } from '../../service';
import { decodeRequestData, encodeCloudError, encodeTypedAnswer, encodeWeChatAnswer, encodeWeChatBody } from './protocol';
import {
  addKnownUsers,
  answer as weChatAnswer,
  approveReview,
  createLogisticsState,
  IMPLEMENTED_APIS,
  registerCarrierAccount,
  rejectReview,
  seedAccounts,
  snapshot,
  type AccountRecord,
  type AccountRef,
  type CarrierAccount,
  type LogisticsSnapshot,
  type LogisticsState,
  type WeChatAnswer,
} from './wechat-logistics';

/** Cloud error codes (CommOpenApiResp.error_code) the gateway itself answers. */
export const CloudErrorCode = {
  API_NOT_FOUND: -604100,
  NO_API_PERMISSION: -604101,
} as const;

/** The logistics state a local cloud starts from (startLocalCloud's options; a state folder adds to it). */
export interface LogisticsSeed {
  /** Accounts that exist at the carriers (what binds are checked against). */
  carrierAccounts?: readonly CarrierAccount[];
  /** Printers' openids. */
  printers?: readonly string[];
  boundAccounts?: readonly AccountRef[];
  /** Account records as they are, any status (see seedAccounts()). */
  accounts?: ReadonlyArray<AccountRef & Partial<AccountRecord>>;
  /** Openids WeChat knows as users of the mini program, beside the printers and every invoker. */
  knownUsers?: readonly string[];
}

/** What became of an openapi request, beside the gateway's outcomes. */
export type OpenapiOutcome =
  /** WeChat's JSON answer; `fields` holds a read's own fields (list, openid, …), snake_case. */
  | { kind: 'answered'; errcode: number; errmsg: string; fields?: Record<string, unknown> }
  /** A seeded answer body, sent as it is (any JSON, e.g. of the wrong shape). */
  | { kind: 'seeded'; body: unknown }
  /** This text under this content_type, as it is (the contentType fault). */
  | { kind: 'typed'; contentType: string; body: string }
  | { kind: 'cloudError'; errorCode: number };

/** The openapi service's controls: cloud.openapi. */
export interface OpenapiControls {
  /** Printers and bound / pending accounts; never a password. */
  state(): LogisticsSnapshot;
  registerCarrierAccount(account: CarrierAccount): void;
  /** The carrier registry's accounts, in registration order, without their passwords. */
  carrierAccounts(): AccountRef[];
  /** The carrier's reviewer approves an account under review (EMS, status 1 → 0); false if none was. */
  approveReview(account: AccountRef): boolean;
  /** The reviewer rejects it (status 1 → 2, `reason` in remark_wrong_msg); false if none was under review. */
  rejectReview(account: AccountRef, reason: string): boolean;
  /** Puts account records in as they are: any status (3, or values WeChat never listed), any field. */
  seedAccounts(records: ReadonlyArray<AccountRef & Partial<AccountRecord>>): void;
  /** Makes openids known as users of the mini program (updatePrinter answers 40003 for others). */
  addKnownUsers(openids: readonly string[]): void;
}

/**
 * The files of the logistics state in a state folder's openapi/ subfolder: each a JSON array.
 * carrier-accounts.json is the carrier registry and holds passwords: keep state folders out of git
 * (.localcloud/ is ignored); the committed demo seed (localcloud/demo-seed/) holds only demo ones.
 */
export const LOGISTICS_FILES = {
  carrierAccounts: 'carrier-accounts.json',
  printers: 'printers.json',
  printerTags: 'printer-tags.json',
  accounts: 'accounts.json',
  knownUsers: 'known-users.json',
} as const;

function readArray(dir: string, file: string): unknown[] | undefined {
  const target = path.join(dir, file);
  if (!existsSync(target)) return undefined;
  const value: unknown = JSON.parse(readFileSync(target, 'utf8'));
  if (!Array.isArray(value)) throw new Error(`${target}: expected a JSON array`);
  return value;
}

const strings = (values: unknown[] | undefined, where: string): string[] => {
  if (values?.some((value) => typeof value !== 'string')) throw new Error(`${where}: expected an array of strings`);
  return (values ?? []) as string[];
};

/** Adds a state folder's logistics files to the state. */
function importLogistics(state: LogisticsState, dir: string): void {
  for (const account of (readArray(dir, LOGISTICS_FILES.carrierAccounts) ?? []) as CarrierAccount[]) registerCarrierAccount(state, account);
  for (const openid of strings(readArray(dir, LOGISTICS_FILES.printers), LOGISTICS_FILES.printers)) state.printers.add(openid);
  for (const tag of strings(readArray(dir, LOGISTICS_FILES.printerTags), LOGISTICS_FILES.printerTags)) state.printerTags.add(tag);
  addKnownUsers(state, strings(readArray(dir, LOGISTICS_FILES.knownUsers), LOGISTICS_FILES.knownUsers));
  seedAccounts(state, (readArray(dir, LOGISTICS_FILES.accounts) ?? []) as Array<AccountRef & Partial<AccountRecord>>);
}

function exportLogistics(state: LogisticsState, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const write = (file: string, value: unknown[]) => writeFileSync(path.join(dir, file), `${JSON.stringify(value, null, 2)}\n`);
  write(LOGISTICS_FILES.carrierAccounts, [...state.registry.values()]);
  write(LOGISTICS_FILES.printers, [...state.printers].sort());
  write(LOGISTICS_FILES.printerTags, [...state.printerTags].sort());
  write(LOGISTICS_FILES.knownUsers, [...state.knownUsers].sort());
  write(LOGISTICS_FILES.accounts, snapshot(state).accounts);
}

/** The openapi names a function's config.json grants; none when it is missing or unreadable. */
function grantedApis(functionsDir: string, functionName: string): ReadonlySet<string> {
  try {
    const config = JSON.parse(readFileSync(path.join(functionsDir, functionName, 'config.json'), 'utf8')) as { permissions?: { openapi?: unknown } };
    const openapi = config.permissions?.openapi;
    return new Set(Array.isArray(openapi) ? openapi.filter((api): api is string => typeof api === 'string') : []);
  } catch {
    return new Set();
  }
}

function answeredOutcome(answer: WeChatAnswer): OpenapiOutcome {
  const { errcode, errmsg, ...fields } = answer;
  return { kind: 'answered', errcode, errmsg, ...(Object.keys(fields).length > 0 ? { fields } : {}) };
}

const OCTET_STREAM = 'application/octet-stream';
const OUTCOME_KINDS: ReadonlySet<string> = new Set(['answered', 'seeded', 'typed', 'cloudError']);

function startOpenapi(options: LogisticsSeed & ServiceContext): RunningService<OpenapiOutcome, OpenapiControls> {
  const logistics = createLogisticsState(options);
  if (options.stateDir !== undefined && existsSync(options.stateDir)) importLogistics(logistics, options.stateDir);

  function decode(call: GatewayCall): Decoded<OpenapiOutcome> {
    if (call.body.encoding !== 'multipart') return { ok: false, apiName: '', reason: 'a wx.openApi call is multipart/form-data' };
    const parts = call.body.parts;
    const apiName = parts.get('apiName')?.data.toString('utf8') ?? '';
    const requestData = parts.get('requestData');
    if (!apiName || requestData === undefined) return { ok: false, apiName, reason: 'apiName or requestData missing' };
    let decoded;
    try {
      decoded = decodeRequestData(requestData.data);
    } catch (error) {
      return { ok: false, apiName, reason: `requestData is not a CommApiData: ${(error as Error).message}` };
    }
    if (decoded.apiType !== 'OPEN_API') return { ok: false, apiName, reason: `api_type ${decoded.apiType}` };
    const { params } = decoded;
    const request: ServiceRequest = { apiName, params, ...(decoded.appid ? { appid: decoded.appid } : {}) };
    return {
      ok: true,
      request,
      // The permission, then the API's rules (which change the state).
      run: () => {
        if (!grantedApis(options.functionsDir, call.functionName).has(apiName)) {
          return { outcome: { kind: 'cloudError', errorCode: CloudErrorCode.NO_API_PERMISSION }, applied: false };
        }
        const implementation = IMPLEMENTED_APIS[apiName];
        if (implementation === undefined) return { outcome: { kind: 'cloudError', errorCode: CloudErrorCode.API_NOT_FOUND }, applied: false };
        return { outcome: answeredOutcome(implementation(logistics, params)), applied: true };
      },
    };
  }

  return {
    decode,
    // Whoever invokes a function is a user of the mini program.
    noteCaller: (openid) => addKnownUsers(logistics, [openid]),
    controls: {
      state: () => snapshot(logistics),
      registerCarrierAccount: (account) => registerCarrierAccount(logistics, account),
      carrierAccounts: () => [...logistics.registry.values()].map(({ deliveryId, bizId }) => ({ deliveryId, bizId })),
      approveReview: (account) => approveReview(logistics, account),
      rejectReview: (account, reason) => rejectReview(logistics, account, reason),
      seedAccounts: (records) => seedAccounts(logistics, records),
      addKnownUsers: (openids) => addKnownUsers(logistics, openids),
    },
    exportState: (dir) => exportLogistics(logistics, dir),
  };
}

export const openapiService: ServiceDefinition<OpenapiOutcome, OpenapiControls, LogisticsSeed> = {
  name: 'openapi',
  serves: (action) => action === 'wx.openApi',
  owns: (outcome): outcome is OpenapiOutcome => OUTCOME_KINDS.has(outcome.kind),
  faultOutcome(fault: Fault, request: ServiceRequest): OpenapiOutcome | undefined {
    switch (fault.kind) {
      case 'errcode': {
        const errmsg = typeof fault.errmsg === 'function' ? fault.errmsg(request.params) : fault.errmsg;
        return { kind: 'answered', ...weChatAnswer(fault.errcode, errmsg) };
      }
      case 'cloudError':
        return { kind: 'cloudError', errorCode: fault.errorCode };
      case 'answer':
        return { kind: 'seeded', body: fault.body };
      case 'contentType':
        return { kind: 'typed', contentType: fault.contentType, body: fault.body };
      default:
        return undefined;
    }
  },
  render(outcome): HttpAnswer {
    switch (outcome.kind) {
      case 'answered':
        return { status: 200, contentType: OCTET_STREAM, body: encodeWeChatAnswer({ errcode: outcome.errcode, errmsg: outcome.errmsg, ...outcome.fields }) };
      case 'seeded':
        return { status: 200, contentType: OCTET_STREAM, body: encodeWeChatBody(outcome.body) };
      case 'typed':
        return { status: 200, contentType: OCTET_STREAM, body: encodeTypedAnswer(outcome.body, outcome.contentType) };
      case 'cloudError':
        return { status: 200, contentType: OCTET_STREAM, body: encodeCloudError(outcome.errorCode) };
    }
  },
  describe(outcome): string {
    switch (outcome.kind) {
      case 'answered': {
        const count = outcome.fields?.count;
        return `errcode ${outcome.errcode} ${outcome.errmsg}${typeof count === 'number' ? ` (count ${count})` : ''}`;
      }
      case 'seeded':
        return `seeded answer ${JSON.stringify(outcome.body)?.slice(0, 120) ?? 'undefined'}`;
      case 'typed':
        return `answer of content type ${JSON.stringify(outcome.contentType)}: ${JSON.stringify(outcome.body.slice(0, 120))}`;
      case 'cloudError':
        return `cloud error_code ${outcome.errorCode}`;
    }
  },
  scrub: (outcome, scrubText) => (outcome.kind === 'answered' ? { ...outcome, errmsg: scrubText(outcome.errmsg) } : { ...outcome }),
  start: startOpenapi,
};
