/**
 * The local cloud: a loopback HTTP server that answers wx-server-sdk's cloud calls (wx.openApi) the
 * way the CloudBase gateway and WeChat do, with the logistics rules of the docs pages as state.
 *
 * Each function gets its own URL (functionUrl(name)), so the cloud knows who calls and checks the
 * apiName against that function's config.json, as the real cloud does at deploy time. The invoker
 * adds the caller's OPENID to that URL (callerUrl() in invoke.ts), so the cloud knows every user who has invoked a
 * function, as WeChat knows its mini program's users.
 */
import { readFile } from 'node:fs/promises';
import * as http from 'node:http';
import type { Socket } from 'node:net';
import * as path from 'node:path';
import { createFaults, faultApplies, type Fault, type Faults } from './faults';
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
  type WeChatAnswer,
} from './logistics';
import { formFields, parseMultipart } from './multipart';
import { decodeRequestData, encodeCloudError, encodeTypedAnswer, encodeWeChatAnswer, encodeWeChatBody } from './protocol';

export const DEFAULT_FUNCTIONS_DIR = path.resolve(__dirname, '..', 'cloudfunctions');

/** Cloud error codes (CommOpenApiResp.error_code) the gateway itself answers. */
export const CloudErrorCode = {
  API_NOT_FOUND: -604100,
  NO_API_PERMISSION: -604101,
} as const;

export interface LocalCloudOptions {
  /** 0 (default) picks a free port. Always bound to 127.0.0.1. */
  port?: number;
  /** Where each function's folder (with its config.json) is; default the project's cloudfunctions/. */
  functionsDir?: string;
  /** Accounts that exist at the carriers (what binds are checked against). */
  carrierAccounts?: readonly CarrierAccount[];
  /** Initial state. */
  printers?: readonly string[];
  boundAccounts?: readonly AccountRef[];
  /** Account records as they are, any status (see seedAccounts()). */
  accounts?: ReadonlyArray<AccountRef & Partial<AccountRecord>>;
  /** Openids WeChat knows as users of the mini program, beside the printers and every invoker. */
  knownUsers?: readonly string[];
  /** Receives one line per request, password redacted (e.g. console.log for a demo). */
  log?: (line: string) => void;
  /**
   * Refuse every request whose Host is not this server's own `127.0.0.1:PORT` (a page in a browser
   * reaching the port by another name, DNS rebinding). For a cloud a browser could reach (npm run dev).
   */
  requireOwnHost?: boolean;
  /**
   * A path segment every function URL starts with (`/<prefix>/fn/<name>`); requests without it are
   * refused. Unguessable, it keeps a cross-site multipart POST (which needs no CORS) out.
   */
  pathPrefix?: string;
}

/** What became of a request. */
export type RequestOutcome =
  /** WeChat's JSON answer; `fields` holds a read's own fields (list, openid, …), snake_case. */
  | { kind: 'answered'; errcode: number; errmsg: string; fields?: Record<string, unknown> }
  /** A seeded answer body, sent as it is (any JSON, e.g. of the wrong shape). */
  | { kind: 'seeded'; body: unknown }
  /** This text under this content_type, as it is (the contentType fault). */
  | { kind: 'typed'; contentType: string; body: string }
  | { kind: 'cloudError'; errorCode: number }
  | { kind: 'http'; status: number }
  | { kind: 'tcbJson'; code: string; message: string }
  | { kind: 'malformed' }
  | { kind: 'hung' }
  /** Not a cloud call this server understands (wrong path, not multipart, …): a TCB JSON error. */
  | { kind: 'rejected'; reason: string };

export interface CloudRequest {
  /** 1, 2, … in arrival order. */
  seq: number;
  /** From the URL the function was given; '' if the path named none. */
  functionName: string;
  /** The caller's OPENID, when the invoker put it in the URL. */
  callerOpenid?: string;
  /** e.g. 'logistics.bindAccount'; '' if the request did not say. */
  apiName: string;
  /** The decoded HTTPS params (snake_case). Password redacted unless revealSecrets was asked for. */
  params: Record<string, unknown>;
  appid?: string;
  /** The injected fault this request got, if any. */
  fault?: Fault['kind'];
  /** Whether the logistics state changed (the operation ran). */
  applied: boolean;
  outcome: RequestOutcome;
  /** When the request arrived and when its answer was sent (ms, performance.timeOrigin-based); no answeredAt while hanging. */
  receivedAt: number;
  answeredAt?: number;
}

export interface RequestFilter {
  functionName?: string;
  api?: string;
}

export interface LocalCloud {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /** The URL a function is given (TCB_CONTEXT_CNFG); the path names the function. */
  functionUrl(functionName: string): string;
  readonly faults: Faults;
  /** The request log, oldest first; password redacted unless revealSecrets. */
  requests(filter?: RequestFilter & { revealSecrets?: boolean }): CloudRequest[];
  requestCount(filter?: RequestFilter): number;
  clearRequests(): void;
  /** Printers and bound / pending accounts; never a password. */
  state(): LogisticsSnapshot;
  registerCarrierAccount(account: CarrierAccount): void;
  /** The carrier's reviewer approves an account under review (EMS, status 1 → 0); false if none was. */
  approveReview(account: AccountRef): boolean;
  /** The same, by its older name. */
  approvePending(account: AccountRef): boolean;
  /** The reviewer rejects it (status 1 → 2, `reason` in remark_wrong_msg); false if none was under review. */
  rejectReview(account: AccountRef, reason: string): boolean;
  /** Puts account records in as they are: any status (3, or values WeChat never listed), any field. */
  seedAccounts(records: ReadonlyArray<AccountRef & Partial<AccountRecord>>): void;
  /** Makes openids known as users of the mini program (updatePrinter answers 40003 for others). */
  addKnownUsers(openids: readonly string[]): void;
  /**
   * Calls `listener` with each request (redacted) when it is logged and again when it is answered;
   * returns the unsubscribe.
   */
  onRequest(listener: (request: CloudRequest) => void): () => void;
  /** Stops the server and ends every socket, hanging requests included. */
  close(): Promise<void>;
}

const REDACTED = '******';
/** Params whose values never leave the request log unredacted. */
const SECRET_PARAM = /passw(or)?d|secret/i;
const FUNCTION_PATH = /^\/fn\/([A-Za-z0-9_-]{1,128})(?:\/caller\/([^/]{1,256}))?$/;
const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Neither protobuf (wire type 4 at offset 1) nor JSON: what a misbehaving proxy might send. */
const MALFORMED_BODY = Buffer.from('<html><body>502 Bad Gateway</body></html>');

export function redactParams(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, SECRET_PARAM.test(key) ? REDACTED : value]));
}

/** `text` with every occurrence of each secret value replaced by ******. */
export function redactSecretValues(text: string, secrets: readonly string[]): string {
  return secrets.reduce((out, secret) => out.split(secret).join(REDACTED), text);
}

/**
 * The request with its secret params redacted, and their values scrubbed from the outcome too: an
 * injected errmsg (or a real one) may quote the password back.
 */
export function redactRequest(request: CloudRequest): CloudRequest {
  const secrets = Object.entries(request.params)
    .filter(([key, value]) => SECRET_PARAM.test(key) && typeof value === 'string' && value.length > 0)
    .map(([, value]) => value as string);
  const outcome = request.outcome;
  const scrubbed: RequestOutcome =
    outcome.kind === 'answered'
      ? { ...outcome, errmsg: redactSecretValues(outcome.errmsg, secrets) }
      : outcome.kind === 'tcbJson'
        ? { ...outcome, message: redactSecretValues(outcome.message, secrets) }
        : outcome.kind === 'rejected'
          ? { ...outcome, reason: redactSecretValues(outcome.reason, secrets) }
          : { ...outcome };
  return { ...request, params: redactParams(request.params), outcome: scrubbed };
}

function describeRequestOutcome(outcome: RequestOutcome): string {
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
    case 'http':
      return `HTTP ${outcome.status}`;
    case 'tcbJson':
      return `TCB error ${outcome.code}: ${outcome.message}`;
    case 'malformed':
      return 'malformed body';
    case 'hung':
      return 'no answer (hanging)';
    case 'rejected':
      return `rejected: ${outcome.reason}`;
  }
}

/** One printable line for a request, password redacted. */
export function formatRequest(unredacted: CloudRequest): string {
  const request = redactRequest(unredacted);
  const fault = request.fault ? ` [fault ${request.fault}${request.applied ? ', applied' : ''}]` : '';
  const params = JSON.stringify(request.params);
  return `#${request.seq} ${request.functionName || '?'} → ${request.apiName || '?'} ${params}${fault} → ${describeRequestOutcome(request.outcome)}`;
}

/** The openapi names a function's config.json grants; none when it is missing or unreadable. */
async function grantedApis(functionsDir: string, functionName: string): Promise<ReadonlySet<string>> {
  try {
    const config = JSON.parse(await readFile(path.join(functionsDir, functionName, 'config.json'), 'utf8')) as {
      permissions?: { openapi?: unknown };
    };
    const openapi = config.permissions?.openapi;
    return new Set(Array.isArray(openapi) ? openapi.filter((api): api is string => typeof api === 'string') : []);
  } catch {
    return new Set();
  }
}

function readBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** What the request asks, or why it cannot be understood. */
type Parsed =
  | { ok: true; functionName: string; callerOpenid?: string; apiName: string; params: Record<string, unknown>; appid?: string }
  | { ok: false; functionName: string; apiName: string; reason: string };

/** The request target's path; undefined when the target is not a URL (`POST http://[ HTTP/1.1`). */
function pathOf(target: string | undefined): string | undefined {
  try {
    return new URL(target ?? '/', 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}

function decodedOrUndefined(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

async function parseCloudCall(request: http.IncomingMessage, pathPrefix: string): Promise<Parsed> {
  const target = pathOf(request.url);
  if (target === undefined) return { ok: false, functionName: '', apiName: '', reason: 'request target is not a URL' };
  if (!target.startsWith(pathPrefix)) return { ok: false, functionName: '', apiName: '', reason: 'path outside the function URLs' };
  const pathname = target.slice(pathPrefix.length);
  const matched = FUNCTION_PATH.exec(pathname);
  const functionName = matched?.[1] ?? '';
  const callerOpenid = decodedOrUndefined(matched?.[2]);
  if (request.method !== 'POST') return { ok: false, functionName, apiName: '', reason: `method ${request.method}` };
  if (!functionName) return { ok: false, functionName, apiName: '', reason: `no function in path ${pathname}` };
  let fields;
  try {
    fields = formFields(parseMultipart(await readBody(request), request.headers['content-type']));
  } catch (error) {
    return { ok: false, functionName, apiName: '', reason: `bad multipart body: ${(error as Error).message}` };
  }
  const apiName = fields.get('apiName')?.data.toString('utf8') ?? '';
  const action = fields.get('action')?.data.toString('utf8');
  if (action !== 'wx.openApi') return { ok: false, functionName, apiName, reason: `unsupported action ${action ?? '(none)'}` };
  const requestData = fields.get('requestData');
  if (!apiName || requestData === undefined) return { ok: false, functionName, apiName, reason: 'apiName or requestData missing' };
  try {
    const call = decodeRequestData(requestData.data);
    if (call.apiType !== 'OPEN_API') return { ok: false, functionName, apiName, reason: `api_type ${call.apiType}` };
    return { ok: true, functionName, ...(callerOpenid ? { callerOpenid } : {}), apiName, params: call.params, ...(call.appid ? { appid: call.appid } : {}) };
  } catch (error) {
    return { ok: false, functionName, apiName, reason: `requestData is not a CommApiData: ${(error as Error).message}` };
  }
}

function send(response: http.ServerResponse, status: number, contentType: string | undefined, body: Buffer): void {
  // `Connection: close`: a fresh connection per call, so no keep-alive socket is ever reused while
  // the server is closing it (which would surface in the SDK as a spurious -501001).
  response.writeHead(status, {
    ...(contentType ? { 'content-type': contentType } : {}),
    'content-length': body.length,
    connection: 'close',
  });
  response.end(body);
}

function tcbJsonBody(code: string, message: string): Buffer {
  return Buffer.from(JSON.stringify({ code, message, requestId: 'local-cloud' }));
}

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const functionsDir = options.functionsDir ?? DEFAULT_FUNCTIONS_DIR;
  const logistics = createLogisticsState(options);
  const clock = () => performance.timeOrigin + performance.now();
  const faults = createFaults();
  const log: CloudRequest[] = [];
  let seq = 0;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closing: Promise<void> | undefined;
  const listeners = new Set<(request: CloudRequest) => void>();
  const notify = (request: CloudRequest) => {
    for (const listener of listeners) listener(redactRequest(request));
  };
  const pathPrefix = options.pathPrefix === undefined ? '' : `/${encodeURIComponent(options.pathPrefix)}`;
  let ownHost = '';

  /** The normal answer: permission, then the API's rules (which change the state). */
  async function normalOutcome(functionName: string, apiName: string, params: Record<string, unknown>): Promise<{ outcome: RequestOutcome; applied: boolean }> {
    if (!(await grantedApis(functionsDir, functionName)).has(apiName)) {
      return { outcome: { kind: 'cloudError', errorCode: CloudErrorCode.NO_API_PERMISSION }, applied: false };
    }
    const implementation = IMPLEMENTED_APIS[apiName];
    if (implementation === undefined) return { outcome: { kind: 'cloudError', errorCode: CloudErrorCode.API_NOT_FOUND }, applied: false };
    return { outcome: answeredOutcome(implementation(logistics, params)), applied: true };
  }

  function answeredOutcome(answer: WeChatAnswer): RequestOutcome {
    const { errcode, errmsg, ...fields } = answer;
    return { kind: 'answered', errcode, errmsg, ...(Object.keys(fields).length > 0 ? { fields } : {}) };
  }

  function faultOutcome(fault: Fault, params: Record<string, unknown>, normal: RequestOutcome | undefined): RequestOutcome {
    switch (fault.kind) {
      case 'errcode': {
        const errmsg = typeof fault.errmsg === 'function' ? fault.errmsg(params) : fault.errmsg;
        return { kind: 'answered', ...weChatAnswer(fault.errcode, errmsg) };
      }
      case 'cloudError':
        return { kind: 'cloudError', errorCode: fault.errorCode };
      case 'http':
        return { kind: 'http', status: fault.status };
      case 'slow':
        return normal ?? { kind: 'rejected', reason: 'no answer' };
      case 'hang':
        return { kind: 'hung' };
      case 'malformed':
        return { kind: 'malformed' };
      case 'tcbJson':
        return { kind: 'tcbJson', code: fault.code, message: fault.message ?? `injected ${fault.code}` };
      case 'answer':
        return { kind: 'seeded', body: fault.body };
      case 'contentType':
        return { kind: 'typed', contentType: fault.contentType, body: fault.body };
    }
  }

  function respond(response: http.ServerResponse, outcome: RequestOutcome, request?: CloudRequest): void {
    if (outcome.kind !== 'hung' && request !== undefined) {
      request.answeredAt = clock();
      notify(request);
    }
    switch (outcome.kind) {
      case 'answered':
        return send(response, 200, 'application/octet-stream', encodeWeChatAnswer({ errcode: outcome.errcode, errmsg: outcome.errmsg, ...outcome.fields }));
      case 'seeded':
        return send(response, 200, 'application/octet-stream', encodeWeChatBody(outcome.body));
      case 'typed':
        return send(response, 200, 'application/octet-stream', encodeTypedAnswer(outcome.body, outcome.contentType));
      case 'cloudError':
        return send(response, 200, 'application/octet-stream', encodeCloudError(outcome.errorCode));
      case 'http':
        return send(response, outcome.status, undefined, Buffer.alloc(0));
      case 'malformed':
        return send(response, 200, 'application/octet-stream', MALFORMED_BODY);
      case 'tcbJson':
        // The SDK reads a TCB error only with exactly this content-type.
        return send(response, 200, 'application/json; charset=utf-8', tcbJsonBody(outcome.code, outcome.message));
      case 'rejected':
        return send(response, 200, 'application/json; charset=utf-8', tcbJsonBody('INVALID_PARAM', outcome.reason));
      case 'hung':
        return; // close() ends the socket.
    }
  }

  function record(entry: Omit<CloudRequest, 'seq'>): CloudRequest {
    const request: CloudRequest = { seq: ++seq, ...entry };
    log.push(request);
    options.log?.(`[localcloud] ${formatRequest(request)}`);
    if (entry.outcome.kind === 'hung' || entry.fault === 'slow') notify(request);
    return request;
  }

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const receivedAt = clock();
    if (options.requireOwnHost && request.headers.host !== ownHost) {
      // Not logged: nothing of a foreign page's request is the cloud's business.
      return send(response, 403, 'text/plain', Buffer.from('forbidden: Host'));
    }
    const parsed = await parseCloudCall(request, pathPrefix);
    if (!parsed.ok) {
      const outcome: RequestOutcome = { kind: 'rejected', reason: parsed.reason };
      const logged = record({ functionName: parsed.functionName, apiName: parsed.apiName, params: {}, applied: false, outcome, receivedAt });
      return respond(response, outcome, logged);
    }
    const { functionName, apiName, params } = parsed;
    // Whoever invokes a function is a user of the mini program.
    if (parsed.callerOpenid !== undefined) addKnownUsers(logistics, [parsed.callerOpenid]);
    const fault = faults.take({ functionName, apiName });
    const normal = fault === undefined || faultApplies(fault) ? await normalOutcome(functionName, apiName, params) : undefined;
    const outcome = fault === undefined ? normal!.outcome : faultOutcome(fault, params, normal?.outcome);
    const logged = record({
      functionName,
      ...(parsed.callerOpenid ? { callerOpenid: parsed.callerOpenid } : {}),
      apiName,
      params,
      ...(parsed.appid ? { appid: parsed.appid } : {}),
      ...(fault ? { fault: fault.kind } : {}),
      applied: normal?.applied ?? false,
      outcome,
      receivedAt,
    });
    if (fault?.kind === 'slow') {
      const timer = setTimeout(() => {
        timers.delete(timer);
        respond(response, outcome, logged);
      }, fault.delayMs);
      timers.add(timer);
      return;
    }
    respond(response, outcome, logged);
  }

  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      // A bug here must not take the test run down; the SDK sees an HTTP 500.
      if (!response.headersSent && closing === undefined) send(response, 500, 'text/plain', Buffer.from(`local cloud error: ${(error as Error).name}`));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('local cloud has no TCP address');
  const url = `http://127.0.0.1:${address.port}`;
  ownHost = `127.0.0.1:${address.port}`;

  const matches = (request: CloudRequest, filter: RequestFilter) =>
    (filter.functionName === undefined || request.functionName === filter.functionName) &&
    (filter.api === undefined || request.apiName === filter.api);

  return {
    url,
    port: address.port,
    functionUrl: (functionName) => `${url}${pathPrefix}/fn/${encodeURIComponent(functionName)}`,
    faults,
    requests: (filter = {}) =>
      log
        .filter((request) => matches(request, filter))
        .map((request) => (filter.revealSecrets ? { ...request, params: { ...request.params } } : redactRequest(request))),
    requestCount: (filter = {}) => log.filter((request) => matches(request, filter)).length,
    clearRequests: () => {
      log.length = 0;
    },
    state: () => snapshot(logistics),
    registerCarrierAccount: (account) => registerCarrierAccount(logistics, account),
    approveReview: (account) => approveReview(logistics, account),
    approvePending: (account) => approveReview(logistics, account),
    rejectReview: (account, reason) => rejectReview(logistics, account, reason),
    seedAccounts: (records) => seedAccounts(logistics, records),
    addKnownUsers: (openids) => addKnownUsers(logistics, openids),
    onRequest: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => {
      closing ??= (async () => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}
