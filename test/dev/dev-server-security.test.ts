/**
 * npm run dev's server and the local cloud it starts, from outside a browser (raw HTTP, so the
 * Host, Origin and content-type a browser would not let a page choose can be sent): what a page
 * the developer happens to visit could send is refused, files come from the allow-list only, and
 * the one right way in works, function calls included. The browser test (dev-console.test.ts)
 * walks the product with clicks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import WebSocket from 'ws';
import { DEMO_ADMIN_OPENID, DEMO_STAFF_OPENID } from '../../localcloud/demo';
import { INVITE_TOKEN_PATTERN } from '../../miniprogram/shared/printer-invites';
import { shortInvite } from '../../scripts/demo-cloud';
import { seedCollections } from '../integration/support/demo-seed';
import { invokeFunction } from '../../localcloud/invoke';
import { startLocalCloud, type LocalCloud } from '../../localcloud/server';
import { startDevCloud, type DevCloud } from '../../scripts/dev/cloud-access';
import { startDevServer, type DevServer } from '../../scripts/dev/server';
import { builtFunctionDir, ensureBuilt } from '../../scripts/ensure-built';

const SLOW_MS = 60_000;

let cloud: DevCloud;
let server: DevServer;
let token: string;

beforeAll(async () => {
  await ensureBuilt();
  cloud = await startDevCloud();
  server = await startDevServer({ cloud });
  token = new URL(server.consoleUrl).searchParams.get('token') ?? '';
}, SLOW_MS);

afterAll(async () => {
  await server?.close();
  await cloud?.close();
});

interface Answer {
  status: number;
  body: string;
}

function request(path: string, options: { method?: string; headers?: Record<string, string>; body?: string; port?: number } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: options.port ?? server.port, path, method: options.method ?? 'GET', headers: { host: `127.0.0.1:${options.port ?? server.port}`, ...options.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const own = () => `http://127.0.0.1:${server.port}`;
const json = { 'content-type': 'application/json' };
const getBindings = JSON.stringify({ name: 'getBindings', data: {}, caller: DEMO_ADMIN_OPENID });

describe('the pages and their files', () => {
  test('the console is served with the token only', async () => {
    expect((await request('/')).status).toBe(403);
    expect((await request('/?token=wrong')).status).toBe(403);
    expect((await request(`/?token=${token.slice(0, -1)}`)).status).toBe(403);
    const page = await request(`/?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script');
  });

  test('with a foreign Host (DNS rebinding, another name for the port), nothing is served', async () => {
    for (const host of ['localhost', `localhost:${server.port}`, 'evil.example', `127.0.0.1:${server.port + 1}`, `127.0.0.1`]) {
      expect((await request(`/?token=${token}`, { headers: { host } })).status).toBe(403);
    }
  });

  test('files come from the allow-list, never the project tree', async () => {
    expect((await request(`/assets/console.js?token=${token}`)).status).toBe(200);
    expect((await request('/assets/console.js')).status).toBe(403);
    for (const path of ['/package.json', '/.git/config', '/assets/../package.json', '/assets/%2e%2e/package.json', '/assets/toString', '/assets/__proto__', '/localcloud/demo.ts', '/localcloud/demo-seed/openapi/carrier-accounts.json']) {
      expect((await request(`${path}${path.includes('?') ? '&' : '?'}token=${token}`)).status).toBe(404);
    }
  });

  test('responses are not stored, not sniffed and send no Referer', async () => {
    const headers = await new Promise<http.IncomingHttpHeaders>((resolve) =>
      http.get({ host: '127.0.0.1', port: server.port, path: `/?token=${token}` }, (res) => {
        res.resume();
        resolve(res.headers);
      }),
    );
    expect(headers).toMatchObject({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
    expect(headers['content-security-policy']).toContain("frame-ancestors 'self'");
    expect(headers['set-cookie']).toBeUndefined();
  });
});

describe('the API', () => {
  test('a call with the token header runs the built function as the caller', async () => {
    const answer = await request('/api/call', { method: 'POST', headers: { ...json, 'x-dev-token': token, origin: own() }, body: getBindings });
    expect(answer.status).toBe(200);
    const parsed = JSON.parse(answer.body) as { ok: boolean; result: { code: string; data: { callerOpenid: string } } };
    expect(parsed).toMatchObject({ ok: true, result: { code: 'OK', data: { callerOpenid: DEMO_ADMIN_OPENID } } });
  }, SLOW_MS);

  test('refused: no token header, the token only in the query, a cross-origin POST, a text/plain POST, a foreign Host', async () => {
    const before = cloud.calls().length;
    const refusals: Array<[string, Parameters<typeof request>[1], number]> = [
      ['/api/call', { method: 'POST', headers: json, body: getBindings }, 403],
      [`/api/call?token=${token}`, { method: 'POST', headers: json, body: getBindings }, 403],
      ['/api/call', { method: 'POST', headers: { ...json, 'x-dev-token': token, origin: 'http://evil.example' }, body: getBindings }, 403],
      ['/api/call', { method: 'POST', headers: { ...json, 'x-dev-token': token, origin: `http://localhost:${server.port}` }, body: getBindings }, 403],
      ['/api/call', { method: 'POST', headers: { 'content-type': 'text/plain', 'x-dev-token': token }, body: getBindings }, 415],
      ['/api/call', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-dev-token': token }, body: 'name=getBindings' }, 415],
      ['/api/call', { method: 'POST', headers: { ...json, 'x-dev-token': token, host: 'evil.example' }, body: getBindings }, 403],
      ['/api/reset', { method: 'POST', headers: { ...json, origin: 'null' }, body: '{}' }, 403],
      ['/api/state', { headers: { origin: 'http://evil.example', 'x-dev-token': token } }, 403],
    ];
    for (const [path, options, status] of refusals) expect([path, (await request(path, options)).status]).toEqual([path, status]);
    expect(cloud.calls()).toHaveLength(before);
  });

  test('a bad caller or fault is a clear error naming the field', async () => {
    const bad = await request('/api/call', { method: 'POST', headers: { ...json, 'x-dev-token': token }, body: JSON.stringify({ name: 'getBindings', caller: 'o<script>' }) });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatch(/^caller:/);
    const fault = await request('/api/faults', { method: 'POST', headers: { ...json, 'x-dev-token': token }, body: JSON.stringify({ fault: { kind: 'explode' } }) });
    expect(fault.status).toBe(400);
    expect(JSON.parse(fault.body).error).toMatch(/^fault\.kind:/);
  });

  test('a password sent through a call is redacted in every view the console reads', async () => {
    const password = 'demo-yunda-password';
    const body = JSON.stringify({ name: 'bindAccount', data: { type: 'bind', deliveryId: 'YUNDA', bizId: 'demo-yunda', password }, caller: DEMO_ADMIN_OPENID });
    const answer = await request('/api/call', { method: 'POST', headers: { ...json, 'x-dev-token': token }, body });
    expect(JSON.parse(answer.body)).toMatchObject({ ok: true, result: { code: 'OK' } });
    const state = await request('/api/state', { headers: { 'x-dev-token': token } });
    expect(state.body).toContain('demo-yunda');
    expect(state.body).toContain('******');
    expect(state.body).not.toContain(password);
  }, SLOW_MS);

  test('a password with quotes and backslashes is redacted too (in the event and in what was printed)', async () => {
    const password = 'pw"with\\quote\u0001';
    const body = JSON.stringify({ name: 'bindAccount', data: { type: 'bind', deliveryId: 'ZTO', bizId: 'demo-zto', password }, caller: DEMO_ADMIN_OPENID });
    await request('/api/call', { method: 'POST', headers: { ...json, 'x-dev-token': token }, body });
    const state = await request('/api/state', { headers: { 'x-dev-token': token } });
    const parsed = JSON.parse(state.body) as { calls: Array<{ event: { password?: string }; printed?: string }> };
    const last = parsed.calls[parsed.calls.length - 1]!;
    expect(last.event.password).toBe('******');
    expect(JSON.stringify(parsed)).not.toContain(JSON.stringify(password).slice(1, -1));
    expect(state.body).not.toContain(password);
  }, SLOW_MS);

  test('an invite token is whole in the phone\'s answer only: every view the console reads shows it shortened', async () => {
    const call = (data: unknown, caller: string) => request('/api/call', { method: 'POST', headers: { ...json, 'x-dev-token': token }, body: JSON.stringify({ name: 'updatePrinter', data, caller }) });
    const minted = JSON.parse((await call({ updateType: 'invite', name: '仓库小王' }, DEMO_ADMIN_OPENID)).body) as { result: { ok: boolean; data: { invite: string } } };
    expect(minted.result.ok).toBe(true);
    const invite = minted.result.data.invite;
    expect(invite).toMatch(INVITE_TOKEN_PATTERN);
    expect(JSON.parse((await call({ updateType: 'bind', invite, name: '小王' }, DEMO_STAFF_OPENID)).body)).toMatchObject({ ok: true, result: { ok: true } });
    const state = await request('/api/state', { headers: { 'x-dev-token': token } });
    expect(state.body).not.toContain(invite);
    expect(state.body).toContain(shortInvite(invite));
    expect(JSON.stringify(cloud.calls())).not.toContain(invite);
  }, SLOW_MS);
});

describe('the state and the collections', () => {
  const post = (route: string, value: unknown) => request(`/api/${route}`, { method: 'POST', headers: { ...json, 'x-dev-token': token }, body: JSON.stringify(value) });

  test('an export or import folder is one plain name in the folders dir, never a path', async () => {
    for (const folder of ['../outside', '/tmp/x', 'a/b', '.git', '']) {
      const answer = await post('state/export', { folder });
      expect([folder, answer.status]).toEqual([folder, 400]);
      expect(JSON.parse(answer.body).error).toMatch(/^folder:/);
    }
    const missing = await post('state/import', { folder: 'never-exported' });
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.body).error).toBe('folder: .localcloud/never-exported does not exist');
  });

  test('a document that is no JSON object, or a bad collection name, is refused naming the field', async () => {
    // The functions' own records (logistics_activity after an earlier bind) may be there; the refused writes add nothing.
    const before = cloud.collections();
    const notJson = await post('documents/put', { collection: 'notes', document: '{ nope' });
    expect(notJson.status).toBe(400);
    const twoDocs = await post('documents/put', { collection: 'notes', document: '{}, {}' });
    expect(twoDocs.status).toBe(400);
    const badName = await post('documents/put', { collection: '../x', document: '{}' });
    expect([badName.status, JSON.parse(badName.body).error]).toEqual([400, 'collection: 1–128 letters, digits, _ and -']);
    expect(cloud.collections()).toEqual(before);
    expect(before.map((c) => c.name)).not.toContain('notes');
    expect(before.map((c) => c.name)).not.toContain('../x');
  });

  test('--state DIR: a missing folder is a fresh start, the state is written to it on close and read back next time', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'dev-state-')), 'session');
    try {
      const first = await startDevCloud({ stateDir: dir });
      first.addKnownUser('oKeptAcrossRuns0000000000001');
      first.putDocument('notes', '{ "_id": "kept", "n": 1 }');
      await first.close();
      const second = await startDevCloud({ stateDir: dir });
      try {
        expect(second.state().knownUsers).toContain('oKeptAcrossRuns0000000000001');
        // The demo seed's collections, which the first run started from, and the one it added.
        expect(second.collections().map((c) => c.name)).toEqual([...seedCollections(), 'notes'].sort());
        expect(second.collections().find((c) => c.name === 'notes')).toEqual({ name: 'notes', documents: [{ id: 'kept', text: expect.stringContaining('"n": 1') }] });
      } finally {
        await second.close();
      }
    } finally {
      rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  }, SLOW_MS);
});

describe('the live WebSocket', () => {
  const connect = (headers: Record<string, string>) =>
    new Promise<{ status?: number; socket?: WebSocket }>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${server.port}/api/live`, { headers });
      socket.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
      socket.once('open', () => resolve({ socket }));
      socket.once('error', () => undefined);
    });

  test('a cross-origin upgrade, or one with a foreign Host, is refused before any message', async () => {
    expect((await connect({ origin: 'http://evil.example' })).status).toBe(403);
    expect((await connect({ origin: own(), host: `localhost:${server.port}` })).status).toBe(403);
  });

  test('a wrong first message closes it; the token opens the event stream', async () => {
    const wrong = (await connect({ origin: own() })).socket!;
    const closed = new Promise<number>((resolve) => wrong.once('close', (code) => resolve(code)));
    wrong.send('not-the-token');
    expect(await closed).toBe(4403);

    const right = (await connect({ origin: own() })).socket!;
    const messages: Array<{ type: string; request?: { apiName: string } }> = [];
    const hello = new Promise<void>((resolve) =>
      right.on('message', (data) => {
        messages.push(JSON.parse(data.toString()));
        if (messages.length === 1) resolve();
      }),
    );
    right.send(token);
    await hello;
    expect(messages[0]).toEqual({ type: 'hello' });
    await cloud.call('getBindings', {}, DEMO_ADMIN_OPENID);
    right.close();
    expect(messages.filter((m) => m.type === 'request').map((m) => m.request?.apiName)).toEqual(
      expect.arrayContaining(['logistics.getAllAccount', 'logistics.getPrinter', 'logistics.getAllDelivery']),
    );
  }, SLOW_MS);
});

describe('the local cloud npm run dev starts', () => {
  let local: LocalCloud;
  beforeAll(async () => {
    local = await startLocalCloud({ requireOwnHost: true, pathPrefix: 'an-unguessable-prefix' });
  });
  afterAll(() => local?.close());

  test('its function URLs carry the prefix, and the real SDK reaches it through them', async () => {
    expect(local.functionUrl('getBindings')).toBe(`${local.url}/an-unguessable-prefix/fn/getBindings`);
    const invocation = await invokeFunction({
      functionDir: builtFunctionDir('getBindings'),
      cloudUrl: local.functionUrl('getBindings'),
      caller: { openid: DEMO_ADMIN_OPENID, appid: 'wxdemo', source: 'wx_client' },
      env: { LOGISTICS_ADMIN_OPENIDS: DEMO_ADMIN_OPENID },
      event: {},
    });
    expect(invocation).toMatchObject({ status: 'returned', result: { code: 'OK' } });
    expect(local.requests().map((r) => r.apiName)).toContain('logistics.getAllAccount');
  }, SLOW_MS);

  test('a request without the prefix, or with a foreign Host, is refused', async () => {
    const seen = local.requestCount();
    const port = local.port;
    const noPrefix = await request('/fn/bindAccount', { method: 'POST', port, headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x--' });
    expect(JSON.parse(noPrefix.body)).toMatchObject({ code: 'INVALID_PARAM', message: 'path outside the function URLs' });
    const foreign = await request('/an-unguessable-prefix/fn/bindAccount', { method: 'POST', port, headers: { host: 'evil.example' }, body: '' });
    expect(foreign.status).toBe(403);
    // The refused-by-Host request is not even logged; the prefix-less one is, as rejected.
    expect(local.requests().slice(seen).map((r) => r.outcome.kind)).toEqual(['rejected']);
  });
});
