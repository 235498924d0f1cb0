/**
 * The local cloud's gateway: a loopback HTTP server that answers wx-server-sdk's cloud calls the
 * way the CloudBase gateway does, and hands each request to the service that serves its action
 * (services/: openapi with the emulated WeChat logistics state, the CloudBase database).
 *
 * Here: HTTP and its limits, the function URL and the caller in it, reading the body envelope
 * (multipart or JSON) for its `action`, the request log, faults, a state folder in and out, and
 * close(). Everything an action means is its service's.
 *
 * Each function gets its own URL (functionUrl(name)), so the cloud knows who calls (the openapi
 * service checks the apiName against that function's config.json, as the real cloud does at
 * deploy time). The invoker adds the caller's OPENID to that URL (callerUrl() in invoke.ts), so the
 * cloud knows every user who has invoked a function, as WeChat knows its mini program's users.
 */
import * as http from 'node:http';
import type { Socket } from 'node:net';
import * as path from 'node:path';
import { createFaults, faultApplies, type Fault, type Faults } from './faults';
import { formFields, parseMultipart } from './multipart';
import { REDACTED, redactParams, redactSecretValues, SECRET_KEY } from './redaction';
import type { GatewayCall, GatewayOutcome, HttpAnswer, RequestBody, ServiceRequest } from './service';
import { createServices, SERVICES, type ServiceControls, type ServiceOutcome, type ServiceSeeds } from './services';
import { exportStateFolder } from './state-folder';

export { redactParams, redactSecretValues } from './redaction';
export { CloudErrorCode } from './services/openapi';

export const DEFAULT_FUNCTIONS_DIR = path.resolve(__dirname, '..', 'cloudfunctions');

export interface LocalCloudOptions extends ServiceSeeds {
  /** 0 (default) picks a free port. Always bound to 127.0.0.1. */
  port?: number;
  /** Where each function's folder (with its config.json) is; default the project's cloudfunctions/. */
  functionsDir?: string;
  /**
   * A state folder to start from (see state-folder.ts): `database/<collection>.json`, `openapi/*.json`.
   * Read when it exists, after the seeds above; a missing folder is an empty start.
   */
  stateDir?: string;
  /** On close(), write the state to this folder (true: to stateDir). */
  exportOnClose?: string | boolean;
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

/** What became of a request: the gateway's own outcomes or one of a service's. */
export type RequestOutcome = GatewayOutcome | ServiceOutcome;

export interface CloudRequest {
  /** 1, 2, … in arrival order. */
  seq: number;
  /** The service that took the request ('openapi', 'database'); absent when none did. */
  service?: string;
  /** From the URL the function was given; '' if the path named none. */
  functionName: string;
  /** The caller's OPENID, when the invoker put it in the URL. */
  callerOpenid?: string;
  /** e.g. 'logistics.bindAccount' or 'database.getDocument'; '' if the request did not say. */
  apiName: string;
  /** A database request's collection. */
  collection?: string;
  /** What the request says (openapi: the decoded HTTPS params, snake_case). Password redacted unless revealSecrets was asked for. */
  params: Record<string, unknown>;
  /** The request in short, for the log line (a database request: its collection, query, …). */
  summary?: string;
  appid?: string;
  /** The injected fault this request got, if any. */
  fault?: Fault['kind'];
  /** Whether the service's state changed (the operation ran). */
  applied: boolean;
  outcome: RequestOutcome;
  /** When the request arrived and when its answer was sent (ms, performance.timeOrigin-based); no answeredAt while hanging. */
  receivedAt: number;
  answeredAt?: number;
}

export interface RequestFilter {
  functionName?: string;
  api?: string;
  collection?: string;
}

export interface LocalCloud extends ServiceControls {
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
  /**
   * Calls `listener` with each request (redacted) when it is logged and again when it is answered
   * (a hanging one only once); returns the unsubscribe.
   */
  onRequest(listener: (request: CloudRequest) => void): () => void;
  /** Writes every service's state into `dir` as a state folder (startLocalCloud({ stateDir }) reads it back). */
  exportState(dir: string): void;
  /** Stops the server and ends every socket, hanging requests included (and exports, with exportOnClose). */
  close(): Promise<void>;
}

/** Function names and OPENIDs: the only characters a function URL's segments may hold. */
const URL_SEGMENT = /^[A-Za-z0-9_-]{1,128}$/;
const FUNCTION_PATH = /^\/fn\/([^/]*)(?:\/caller\/([^/]*))?$/;
/** Far above any real call (a wx.openApi call's params are a few KiB; a database batch of documents more). */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Neither protobuf (wire type 4 at offset 1) nor JSON: what a misbehaving proxy might send. */
const MALFORMED_BODY = Buffer.from('<html><body>502 Bad Gateway</body></html>');
const TCB_JSON = 'application/json; charset=utf-8';

/**
 * The request with its secret params redacted, and their values scrubbed from the outcome too: an
 * injected errmsg (or a real one) may quote the password back.
 */
export function redactRequest(request: CloudRequest): CloudRequest {
  const secrets = Object.entries(request.params)
    .filter(([key, value]) => SECRET_KEY.test(key) && typeof value === 'string' && value.length > 0)
    .map(([, value]) => value as string);
  const scrubText = (text: string) => redactSecretValues(text, secrets);
  const outcome = request.outcome;
  const service = serviceOf(outcome);
  const scrubbed: RequestOutcome =
    service !== undefined
      ? (service.scrub(outcome as never, scrubText) as RequestOutcome)
      : outcome.kind === 'tcbJson'
        ? { ...outcome, message: scrubText(outcome.message) }
        : outcome.kind === 'rejected'
          ? { ...outcome, reason: scrubText(outcome.reason) }
          : { ...outcome };
  return { ...request, params: redactParams(request.params), ...(request.summary ? { summary: scrubText(request.summary) } : {}), outcome: scrubbed };
}

function describeGatewayOutcome(outcome: GatewayOutcome): string {
  switch (outcome.kind) {
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

/** The service whose outcome this is; undefined for the gateway's own. */
function serviceOf(outcome: RequestOutcome) {
  return Object.values(SERVICES).find((service) => service.owns(outcome));
}

/** One printable line for a request, password redacted. */
export function formatRequest(unredacted: CloudRequest): string {
  const request = redactRequest(unredacted);
  const fault = request.fault ? ` [fault ${request.fault}${request.applied ? ', applied' : ''}]` : '';
  const said = request.summary ?? JSON.stringify(request.params);
  const service = serviceOf(request.outcome);
  const outcome = service ? service.describe(request.outcome as never) : describeGatewayOutcome(request.outcome as GatewayOutcome);
  return `#${request.seq} ${request.functionName || '?'} → ${request.apiName || '?'} ${said}${fault} → ${outcome}`;
}

/** The body, or 'too large' once it passes MAX_BODY_BYTES (the rest is read and dropped, so the client can read the 413). */
function readBody(request: http.IncomingMessage): Promise<Buffer | 'too large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else chunks.length = 0;
    });
    request.on('end', () => resolve(size > MAX_BODY_BYTES ? 'too large' : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** The request target's path as sent (no dot-segment folding, no decoding); undefined when the target is not a URL. */
function pathOf(target: string | undefined): string | undefined {
  try {
    const parsed = new URL(target ?? '/', 'http://localhost');
    return target?.startsWith('/') ? target.split(/[?#]/, 1)[0] : parsed.pathname;
  } catch {
    return undefined;
  }
}

/** The action and fields of a body: multipart (openapi) or JSON (database), as the SDK sends them. */
function readEnvelope(body: Buffer, contentType: string | undefined): { action: string | undefined; body: RequestBody } | { reason: string } {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') {
    let fields: unknown;
    try {
      fields = JSON.parse(body.toString('utf8'));
    } catch (error) {
      return { reason: `bad JSON body: ${(error as Error).message}` };
    }
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return { reason: 'a JSON body must be an object' };
    const record = fields as Record<string, unknown>;
    return { action: typeof record.action === 'string' ? record.action : undefined, body: { encoding: 'json', fields: record } };
  }
  try {
    const parts = formFields(parseMultipart(body, contentType));
    return { action: parts.get('action')?.data.toString('utf8'), body: { encoding: 'multipart', parts } };
  } catch (error) {
    return { reason: `bad multipart body: ${(error as Error).message}` };
  }
}

function send(response: http.ServerResponse, answer: HttpAnswer): void {
  // `Connection: close`: a fresh connection per call, so no keep-alive socket is ever reused while
  // the server is closing it (which would surface in the SDK as a spurious -501001).
  response.writeHead(answer.status, {
    ...(answer.contentType ? { 'content-type': answer.contentType } : {}),
    'content-length': answer.body.length,
    connection: 'close',
  });
  response.end(answer.body);
}

function tcbJsonBody(code: string, message: string): Buffer {
  return Buffer.from(JSON.stringify({ code, message, requestId: 'local-cloud' }));
}

function renderGatewayOutcome(outcome: GatewayOutcome): HttpAnswer | undefined {
  switch (outcome.kind) {
    case 'http':
      return { status: outcome.status, body: Buffer.alloc(0) };
    case 'malformed':
      return { status: 200, contentType: 'application/octet-stream', body: MALFORMED_BODY };
    case 'tcbJson':
      // The SDK reads a TCB error only with exactly this content-type.
      return { status: 200, contentType: TCB_JSON, body: tcbJsonBody(outcome.code, outcome.message) };
    case 'rejected':
      return { status: 200, contentType: TCB_JSON, body: tcbJsonBody('INVALID_PARAM', outcome.reason) };
    case 'hung':
      return undefined; // close() ends the socket.
  }
}

/** Listens on 127.0.0.1 only (port 0: a free one) and answers the port; a listen error rejects. */
export async function listenOnLoopback(server: http.Server, port: number, what: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error(`${what} has no TCP address`);
  return address.port;
}

/** A request the gateway could not hand to any service, and why. */
type Refusal = { functionName: string; apiName: string; reason: string; status?: number };

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  // Before anything listens: a refused start leaves nothing running.
  if (options.exportOnClose === true && options.stateDir === undefined) throw new Error('exportOnClose: true needs a stateDir');
  const functionsDir = options.functionsDir ?? DEFAULT_FUNCTIONS_DIR;
  const services = createServices({ ...options, functionsDir });
  const serviceList = Object.values(services);
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

  function respond(response: http.ServerResponse, outcome: RequestOutcome, request: CloudRequest): void {
    if (outcome.kind === 'hung') return;
    request.answeredAt = clock();
    notify(request);
    const service = serviceOf(outcome);
    const answer = service ? service.render(outcome as never) : renderGatewayOutcome(outcome as GatewayOutcome);
    if (answer !== undefined) send(response, answer);
  }

  function record(entry: Omit<CloudRequest, 'seq'>): CloudRequest {
    const request: CloudRequest = { seq: ++seq, ...entry };
    log.push(request);
    options.log?.(`[localcloud] ${formatRequest(request)}`);
    if (entry.outcome.kind === 'hung' || entry.fault === 'slow') notify(request);
    return request;
  }

  /** The call the request makes, or why it is refused. */
  async function readCall(request: http.IncomingMessage): Promise<{ call: GatewayCall } | Refusal> {
    const target = pathOf(request.url);
    if (target === undefined) return { functionName: '', apiName: '', reason: 'request target is not a URL' };
    if (!target.startsWith(`${pathPrefix}/`)) return { functionName: '', apiName: '', reason: 'path outside the function URLs' };
    const pathname = target.slice(pathPrefix.length);
    const matched = FUNCTION_PATH.exec(pathname);
    const functionName = matched?.[1] !== undefined && URL_SEGMENT.test(matched[1]) ? matched[1] : '';
    if (request.method !== 'POST') return { functionName, apiName: '', reason: `method ${request.method}` };
    if (!functionName) return { functionName, apiName: '', reason: `no function in path ${pathname}` };
    const caller = matched?.[2];
    // Only an OPENID's alphabet: a caller here becomes a known user, so no `..`, `%2F`, bidi or other characters.
    if (caller !== undefined && !URL_SEGMENT.test(caller)) {
      return { functionName, apiName: '', reason: 'the /caller/ segment must be an OPENID: 1-128 characters of A-Z a-z 0-9 _ -' };
    }
    const body = await readBody(request);
    if (body === 'too large') return { functionName, apiName: '', reason: `body larger than ${MAX_BODY_BYTES} bytes`, status: 413 };
    const envelope = readEnvelope(body, request.headers['content-type']);
    if ('reason' in envelope) return { functionName, apiName: '', reason: envelope.reason };
    const apiName = envelope.body.encoding === 'multipart' ? (envelope.body.parts.get('apiName')?.data.toString('utf8') ?? '') : '';
    if (envelope.action === undefined || !serviceList.some((service) => service.serves(envelope.action!))) {
      return { functionName, apiName, reason: `unsupported action ${envelope.action ?? '(none)'}` };
    }
    return { call: { functionName, ...(caller !== undefined ? { callerOpenid: caller } : {}), action: envelope.action, body: envelope.body } };
  }

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const receivedAt = clock();
    if (options.requireOwnHost && request.headers.host !== ownHost) {
      // Not logged: nothing of a foreign page's request is the cloud's business.
      return send(response, { status: 403, contentType: 'text/plain', body: Buffer.from('forbidden: Host') });
    }
    const read = await readCall(request);
    const refuse = (refusal: Refusal, service?: string) => {
      const outcome: RequestOutcome = { kind: 'rejected', reason: refusal.reason };
      const logged = record({ ...(service ? { service } : {}), functionName: refusal.functionName, apiName: refusal.apiName, params: {}, applied: false, outcome, receivedAt });
      if (refusal.status === undefined) return respond(response, outcome, logged);
      logged.answeredAt = clock();
      notify(logged);
      send(response, { status: refusal.status, contentType: TCB_JSON, body: tcbJsonBody('INVALID_PARAM', refusal.reason) });
    };
    if (!('call' in read)) return refuse(read);
    const { call } = read;
    const service = serviceList.find((candidate) => candidate.serves(call.action))!;
    const decoded = service.decode(call);
    if (!decoded.ok) return refuse({ functionName: call.functionName, apiName: decoded.apiName, reason: decoded.reason }, service.name);
    if (call.callerOpenid !== undefined) for (const each of serviceList) each.noteCaller?.(call.callerOpenid);
    const serviceRequest: ServiceRequest = decoded.request;
    const fault = faults.take({ functionName: call.functionName, apiName: serviceRequest.apiName, collection: serviceRequest.collection });
    const normal = fault === undefined || faultApplies(fault) ? await decoded.run() : undefined;
    const outcome: RequestOutcome = fault === undefined ? normal!.outcome : faultOutcome(service.faultOutcome(fault, serviceRequest), fault, normal?.outcome);
    const logged = record({
      service: service.name,
      functionName: call.functionName,
      ...(call.callerOpenid ? { callerOpenid: call.callerOpenid } : {}),
      apiName: serviceRequest.apiName,
      ...(serviceRequest.collection !== undefined ? { collection: serviceRequest.collection } : {}),
      params: serviceRequest.params,
      ...(serviceRequest.summary !== undefined ? { summary: serviceRequest.summary } : {}),
      ...(serviceRequest.appid ? { appid: serviceRequest.appid } : {}),
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

  /** A fault's answer: the service's for its own kinds, else the gateway's. */
  function faultOutcome(own: ServiceOutcome | { refused: string } | undefined, fault: Fault, normal: RequestOutcome | undefined): RequestOutcome {
    if (own !== undefined) return 'refused' in own ? { kind: 'rejected', reason: own.refused } : own;
    switch (fault.kind) {
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
      default:
        return { kind: 'rejected', reason: `fault ${fault.kind} has no answer here` };
    }
  }

  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      // A bug here must not take the test run down; the SDK sees an HTTP 500.
      if (!response.headersSent && closing === undefined) send(response, { status: 500, contentType: 'text/plain', body: Buffer.from(`local cloud error: ${(error as Error).name}`) });
    });
  });
  // A client that half-closes its socket after its request (shutdown(SHUT_WR)) still gets the
  // answer: by default Node's HTTP server aborts such a request and ends the socket unanswered.
  (server as http.Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const port = await listenOnLoopback(server, options.port ?? 0, 'local cloud');
  const url = `http://127.0.0.1:${port}`;
  ownHost = `127.0.0.1:${port}`;

  const matches = (request: CloudRequest, filter: RequestFilter) =>
    (filter.functionName === undefined || request.functionName === filter.functionName) &&
    (filter.api === undefined || request.apiName === filter.api) &&
    (filter.collection === undefined || request.collection === filter.collection);
  const exportState = (dir: string) => exportStateFolder(services, dir);
  const exportOnClose = options.exportOnClose === true ? options.stateDir : options.exportOnClose || undefined;
  const openapi = services.openapi.controls;

  return {
    url,
    port,
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
    exportState,
    onRequest: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    openapi,
    database: services.database.controls,
    close: () => {
      closing ??= (async () => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        await closed;
        if (exportOnClose !== undefined) exportState(exportOnClose);
      })();
      return closing;
    },
  };
}

export { REDACTED };
