/**
 * The dev server of `npm run dev`, on 127.0.0.1 only: the console and the phone (the page live),
 * their assets from an allow-list, the API the console and the phone's wx shim call, and one
 * WebSocket of live events.
 *
 * A page the developer happens to visit must not be able to drive it:
 * - every request, WebSocket upgrades included, is refused unless Host is exactly
 *   127.0.0.1:PORT (DNS rebinding) and any Origin is exactly http://127.0.0.1:PORT (a cross-site
 *   form, a text/plain POST or a WebSocket carries the right Host, but not the right Origin);
 * - the token (random, 32 bytes) arrives once, in the printed URL's `token` query: the console and
 *   the phone and their assets are served only with it; the API takes it only in the X-Dev-Token
 *   header (which a cross-site form cannot set) and the WebSocket only as its first message; no
 *   cookie (cookies do not separate ports on 127.0.0.1);
 * - the API takes only application/json bodies;
 * - files are the allow-list below, made from the project's sources (page-assets.ts), never a path
 *   the request names; responses are no-store, nosniff, not framable by another origin, and send
 *   no Referer (the token is in the URL).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { listenOnLoopback } from '../../localcloud/server';
import { DevCloudError, type AccountRef, type DevCloud, type DevEvent, type FaultRequest, type FaultSpec } from './cloud-access';
import { browserCss, browserScript, builtinsCss, miniprogramScript, pageInfo, simulateScript, wxssScript } from './page-assets';
import { CALLERS } from './callers';

export interface DevServer {
  readonly port: number;
  /** http://127.0.0.1:PORT/?token=… — the one URL that opens the console. */
  readonly consoleUrl: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 256 * 1024;
const OPENID = /^[A-Za-z0-9_-]{1,128}$/;

type Asset = { type: string; body: () => string | Promise<string> };

const ASSETS: Readonly<Record<string, Asset>> = {
  'console.js': { type: 'text/javascript', body: () => browserScript('console') },
  'console.css': { type: 'text/css', body: () => browserCss('console') },
  'phone.js': { type: 'text/javascript', body: () => browserScript('phone') },
  'phone.css': { type: 'text/css', body: () => browserCss('phone') },
  'simulate.js': { type: 'text/javascript', body: simulateScript },
  'miniprogram.js': { type: 'text/javascript', body: miniprogramScript },
  'wxss.js': { type: 'text/javascript', body: wxssScript },
  'builtins.css': { type: 'text/css', body: builtinsCss },
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A request's path without its query (which may hold a token), for the log. */
function pathOnly(target: string | undefined): string {
  return (target ?? '/').split('?')[0]!.slice(0, 200);
}

function sameSecret(given: string | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** JSON for inside a <script type="application/json">: nothing in it can end the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  // simulate and wcc's output build functions from text (new Function): 'unsafe-eval'.
  'content-security-policy':
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; form-action 'none'; base-uri 'none'",
};

function send(response: http.ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': `${type}; charset=utf-8`, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

function sendJson(response: http.ServerResponse, status: number, value: unknown): void {
  send(response, status, 'application/json', JSON.stringify(value));
}

function readJsonBody(request: http.IncomingMessage): Promise<Record<string, unknown>> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') return Promise.reject(new HttpError(415, 'the API takes application/json only'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, 'body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      try {
        const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
        resolve(value as Record<string, unknown>);
      } catch {
        reject(new HttpError(400, 'the body is not a JSON object'));
      }
    });
    request.on('error', reject);
  });
}

function text(body: Record<string, unknown>, key: string, max = 256): string {
  const value = body[key];
  if (typeof value !== 'string' || value.length === 0 || value.length > max) throw new HttpError(400, `${key}: a string of 1–${max} characters is needed`);
  return value;
}

function optionalText(body: Record<string, unknown>, key: string, max = 256): string | undefined {
  return body[key] === undefined || body[key] === '' ? undefined : text(body, key, max);
}

function integer(body: Record<string, unknown>, key: string): number {
  const value = body[key];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new HttpError(400, `${key}: an integer is needed`);
  return value;
}

function openidOf(body: Record<string, unknown>, key: string): string {
  const value = text(body, key, 128);
  if (!OPENID.test(value)) throw new HttpError(400, `${key}: an OPENID is letters, digits, _ and - only`);
  return value;
}

function accountOf(body: Record<string, unknown>): AccountRef {
  return { deliveryId: text(body, 'deliveryId', 64), bizId: text(body, 'bizId', 128) };
}

function faultOf(body: Record<string, unknown>): FaultRequest {
  const raw = body.fault;
  if (typeof raw !== 'object' || raw === null) throw new HttpError(400, 'fault: an object is needed');
  const spec = raw as Record<string, unknown>;
  let fault: FaultSpec;
  switch (spec.kind) {
    case 'errcode':
      fault = { kind: 'errcode', errcode: integer(spec, 'errcode'), ...(optionalText(spec, 'errmsg') ? { errmsg: text(spec, 'errmsg') } : {}) };
      break;
    case 'cloudError':
      fault = { kind: 'cloudError', errorCode: integer(spec, 'errorCode') };
      break;
    case 'http':
      fault = { kind: 'http', status: integer(spec, 'status') };
      break;
    case 'hang':
    case 'malformed':
      fault = { kind: spec.kind };
      break;
    case 'slow':
      fault = { kind: 'slow', delayMs: Math.min(Math.max(integer(spec, 'delayMs'), 0), 60_000) };
      break;
    case 'tcbJson':
      fault = { kind: 'tcbJson', code: text(spec, 'code', 64), ...(optionalText(spec, 'message') ? { message: text(spec, 'message') } : {}) };
      break;
    default:
      throw new HttpError(400, 'fault.kind: errcode, cloudError, http, hang, malformed, slow or tcbJson');
  }
  const times = body.times === undefined ? 1 : integer(body, 'times');
  if (times < 1 || times > 100) throw new HttpError(400, 'times: 1–100');
  return {
    fault,
    api: optionalText(body, 'api', 64),
    collection: optionalText(body, 'collection', 128),
    functionName: optionalText(body, 'functionName', 64),
    times,
    applied: body.applied === true,
  };
}

function page(kind: 'console' | 'phone', token: string): string {
  const t = encodeURIComponent(token);
  const asset = (name: string) => `/assets/${name}?token=${t}`;
  if (kind === 'console') {
    return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>npm run dev · 物流助手</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="${asset('console.css')}"></head>
<body><script id="console-config" type="application/json">${scriptJson({ callers: CALLERS })}</script>
<script src="${asset('console.js')}"></script></body></html>`;
  }
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<link rel="stylesheet" href="${asset('builtins.css')}"><link rel="stylesheet" href="${asset('phone.css')}"></head>
<body><script id="phone-config" type="application/json">${scriptJson(pageInfo())}</script>
<script src="${asset('simulate.js')}"></script><script src="${asset('miniprogram.js')}"></script><script src="${asset('wxss.js')}"></script>
<script src="${asset('phone.js')}"></script></body></html>`;
}

export async function startDevServer(options: { cloud: DevCloud; port?: number; log?: (line: string) => void }): Promise<DevServer> {
  const { cloud } = options;
  const token = randomBytes(32).toString('base64url');
  let port = 0;
  const ownHost = () => `127.0.0.1:${port}`;
  const ownOrigin = () => `http://${ownHost()}`;

  /** Why a request is refused before anything else, or undefined. */
  function refusal(request: http.IncomingMessage): string | undefined {
    if (request.headers.host !== ownHost()) return `Host must be ${ownHost()}`;
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== ownOrigin()) return `Origin must be ${ownOrigin()}`;
    return undefined;
  }

  async function api(route: string, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    try {
      await apiRoute(route, request, response);
    } catch (error) {
      // A local cloud control's refusal (a bad document, folder, collection name) is the caller's mistake.
      if (error instanceof DevCloudError || (error instanceof Error && error.name === 'InvalidParam')) throw new HttpError(400, error.message);
      throw error;
    }
  }

  async function apiRoute(route: string, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    if (!sameSecret(request.headers['x-dev-token'] as string | undefined, token)) throw new HttpError(403, 'the API needs the X-Dev-Token header');
    if (request.method === 'GET' && route === 'state') {
      return sendJson(response, 200, { state: cloud.state(), collections: cloud.collections(), requests: cloud.requests(), calls: cloud.calls(), functions: cloud.functionNames });
    }
    if (request.method !== 'POST') throw new HttpError(405, 'POST only');
    const body = await readJsonBody(request);
    switch (route) {
      case 'call': {
        const answer = await cloud.call(text(body, 'name', 64), body.data ?? {}, openidOf(body, 'caller'));
        return sendJson(response, 200, answer);
      }
      case 'review': {
        const account = accountOf(body);
        const decision = body.decision;
        const done =
          decision === 'approve' ? cloud.approveReview(account) : decision === 'reject' ? cloud.rejectReview(account, text(body, 'reason', 200)) : undefined;
        if (done === undefined) throw new HttpError(400, 'decision: approve or reject');
        return sendJson(response, 200, { done });
      }
      case 'accounts': {
        const statusCode = body.statusCode === undefined ? 0 : integer(body, 'statusCode');
        cloud.seedAccount({ ...accountOf(body), statusCode, remarkWrongMsg: optionalText(body, 'remarkWrongMsg', 200) ?? '', alias: optionalText(body, 'alias', 64) ?? '' });
        return sendJson(response, 200, { done: true });
      }
      case 'users':
        cloud.addKnownUser(openidOf(body, 'openid'));
        return sendJson(response, 200, { done: true });
      case 'faults':
        cloud.armFault(faultOf(body));
        return sendJson(response, 200, { armed: cloud.state().faultsArmed });
      case 'faults/clear':
        cloud.clearFaults();
        return sendJson(response, 200, { armed: 0 });
      case 'reset':
        await cloud.reset();
        return sendJson(response, 200, { done: true });
      case 'documents/put':
        cloud.putDocument(text(body, 'collection', 128), text(body, 'document', MAX_BODY_BYTES));
        return sendJson(response, 200, { done: true });
      case 'documents/delete':
        return sendJson(response, 200, { done: cloud.deleteDocument(text(body, 'collection', 128), text(body, 'id', 1024)) });
      case 'state/export':
        return sendJson(response, 200, { folder: cloud.exportState(text(body, 'folder', 64)) });
      case 'state/import':
        await cloud.importState(text(body, 'folder', 64));
        return sendJson(response, 200, { done: true });
      default:
        throw new HttpError(404, 'no such API');
    }
  }

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const refused = refusal(request);
    if (refused) throw new HttpError(403, refused);
    const url = new URL(request.url ?? '/', ownOrigin());
    if (url.pathname.startsWith('/api/')) return api(url.pathname.slice('/api/'.length), request, response);
    if (request.method !== 'GET') throw new HttpError(405, 'GET only');
    if (!sameSecret(url.searchParams.get('token') ?? undefined, token)) throw new HttpError(403, 'open the URL npm run dev printed (with its token)');
    if (url.pathname === '/') return send(response, 200, 'text/html', page('console', token));
    if (url.pathname === '/phone') return send(response, 200, 'text/html', page('phone', token));
    const name = url.pathname.startsWith('/assets/') ? url.pathname.slice('/assets/'.length) : '';
    const asset = Object.prototype.hasOwnProperty.call(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) throw new HttpError(404, 'not found');
    return send(response, 200, asset.type, await asset.body());
  }

  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      if (status === 500) options.log?.(`dev server: ${(error as Error).stack ?? String(error)}`);
      else if (status === 403) options.log?.(`dev server: refused ${request.method} ${pathOnly(request.url)} from ${request.headers.origin ?? 'no Origin'}: ${(error as Error).message}`);
      if (!response.headersSent) sendJson(response, status, { error: error instanceof Error ? error.message : String(error) });
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  // The live events: the first message must be the token; until then nothing is sent.
  const live = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const clients = new Set<WebSocket>();
  server.on('upgrade', (request, socket, head) => {
    const refused = refusal(request) ?? (new URL(request.url ?? '/', ownOrigin()).pathname === '/api/live' ? undefined : 'no such WebSocket');
    if (refused) {
      options.log?.(`dev server: refused WebSocket ${pathOnly(request.url)} from ${request.headers.origin ?? 'no Origin'}: ${refused}`);
      socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${refused}`);
      return;
    }
    live.handleUpgrade(request, socket, head, (ws) => {
      const timer = setTimeout(() => ws.close(4401, 'no token'), 5000);
      ws.once('message', (data) => {
        clearTimeout(timer);
        if (!sameSecret(data.toString(), token)) {
          ws.close(4403, 'wrong token');
          return;
        }
        clients.add(ws);
        ws.on('close', () => clients.delete(ws));
        ws.send(JSON.stringify({ type: 'hello' }));
      });
    });
  });
  const unsubscribe = cloud.subscribe((event: DevEvent) => {
    const message = JSON.stringify(event);
    for (const client of clients) client.send(message);
  });

  port = await listenOnLoopback(server, options.port ?? 0, 'the dev server');

  return {
    port,
    consoleUrl: `http://127.0.0.1:${port}/?token=${token}`,
    async close() {
      unsubscribe();
      for (const client of clients) client.terminate();
      live.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
