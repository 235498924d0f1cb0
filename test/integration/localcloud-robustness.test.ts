/**
 * The local cloud and the invoker as test tools must not mislead: a malformed request, a deeply
 * nested param, a param named `__proto__` and an event too deep to cross the process boundary each
 * get a clear, correct answer and a true log entry (issue 12, item 9).
 */
import * as net from 'node:net';
import { decodeRequestData, decodeResponse, encodeRequestData } from '../../localcloud/services/openapi/protocol';
import { invokeFunction, startWarmFunction } from '../../localcloud/invoke';
import { startLocalCloud, type LocalCloud } from '../../localcloud/server';
import { SLOW_TEST_MS, tempFunctionsDir, writeFunction } from './support/harness';

jest.setTimeout(SLOW_TEST_MS);

const BOUNDARY = 'robustness-boundary';

function multipartBody(fields: Record<string, string | Buffer>): Buffer {
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`), Buffer.isBuffer(value) ? value : Buffer.from(value), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

async function postCall(cloud: LocalCloud, functionName: string, apiName: string, requestData: Buffer) {
  const response = await fetch(cloud.functionUrl(functionName), {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    body: multipartBody({ action: 'wx.openApi', apiName, requestData }),
  });
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
}

/** A JSON text nested `depth` arrays deep around a string. */
function nestedJson(depth: number): string {
  return `${'['.repeat(depth)}"o1"${']'.repeat(depth)}`;
}

/** requestData whose pairs are given as raw JSON texts (keys exactly as given, `__proto__` included). */
function rawRequestData(pairs: Array<[string, string]>): Buffer {
  return encodeRequestData({ params: {}, rawPairs: pairs.map(([key, text]) => ({ key, value: Buffer.from(text) })) });
}

describe('the local cloud', () => {
  let cloud: LocalCloud;
  const lines: string[] = [];

  beforeEach(async () => {
    lines.length = 0;
    cloud = await startLocalCloud({ log: (line) => lines.push(line) });
  });
  afterEach(() => cloud.close());

  test('a request target that is not a URL is rejected with a clear reason, not an HTTP 500', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(cloud.port, '127.0.0.1', () => socket.end('POST http://[ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString('latin1')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 200 /);
    expect(raw).toContain('"code":"INVALID_PARAM"');
    expect(raw).toContain('request target is not a URL');
    expect(cloud.requests()).toEqual([expect.objectContaining({ functionName: '', apiName: '', applied: false, outcome: { kind: 'rejected', reason: 'request target is not a URL' } })]);
    expect(lines).toHaveLength(1);
  });

  test('a param nested 100 000 deep: WeChat-style 47001, a serialisable log, and a log line', async () => {
    const deep = nestedJson(100_000);
    const response = await postCall(cloud, 'updatePrinter', 'logistics.updatePrinter', rawRequestData([['openid', deep], ['update_type', '"bind"']]));
    expect(response.status).toBe(200);
    expect(JSON.parse(decodeResponse(response.body).respData!)).toEqual({ errcode: 47001, errmsg: 'data format error' });
    expect(cloud.openapi.state().printers).toEqual([]);
    const [request] = cloud.requests();
    expect(request!.params).toEqual({ openid: { unreadable: 'JSON nested deeper than 64 levels', bytes: deep.length }, update_type: 'bind' });
    expect(() => JSON.stringify(cloud.requests())).not.toThrow();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('JSON nested deeper than 64 levels');
  });

  test('a value nested within the limit is kept as sent', async () => {
    const response = await postCall(cloud, 'updatePrinter', 'logistics.updatePrinter', rawRequestData([['openid', nestedJson(63)], ['update_type', '"bind"']]));
    expect(JSON.parse(decodeResponse(response.body).respData!)).toEqual({ errcode: 47001, errmsg: 'data format error' });
    expect(JSON.stringify(cloud.requests()[0]!.params.openid)).toBe(nestedJson(63));
  });

  test('a protobuf param named __proto__ is an ordinary key: no printer, and the log shows it', async () => {
    const requestData = rawRequestData([['__proto__', JSON.stringify({ openid: 'oSmuggled', update_type: 'bind' })]]);
    const decoded = decodeRequestData(requestData);
    expect(Object.getPrototypeOf(decoded.params)).toBe(Object.prototype);
    expect(Object.keys(decoded.params)).toEqual(['__proto__']);
    const response = await postCall(cloud, 'updatePrinter', 'logistics.updatePrinter', requestData);
    expect(JSON.parse(decodeResponse(response.body).respData!)).toEqual({ errcode: 9300517, errmsg: 'invalid update_type' });
    expect(cloud.openapi.state().printers).toEqual([]);
    const [request] = cloud.requests();
    expect(Object.keys(request!.params)).toEqual(['__proto__']);
    expect(JSON.stringify(request!.params)).toBe('{"__proto__":{"openid":"oSmuggled","update_type":"bind"}}');
    expect(lines[0]).toContain('"__proto__":{"openid":"oSmuggled"');
  });
});

describe('the invoker', () => {
  const functions = tempFunctionsDir();
  afterAll(() => functions.remove());
  const CLOUD_URL = 'http://127.0.0.1:9/fn/probe';

  test('an event too deep to serialise is refused as such, and the warm process still answers', async () => {
    const dir = writeFunction(functions.dir, 'depth', 'exports.main = async (event) => ({ keys: Object.keys(event) });\n');
    let deep: unknown = 'leaf';
    for (let i = 0; i < 20_000; i += 1) deep = { deep };
    const warm = await startWarmFunction({ functionDir: dir, cloudUrl: CLOUD_URL });
    try {
      const refused = await warm.invoke(deep);
      expect(refused).toEqual({ status: 'refused', reason: expect.stringContaining('could not be serialised as JSON') });
      expect(await warm.invoke({ a: 1 })).toEqual({ status: 'returned', result: { keys: ['a'] } });
    } finally {
      await warm.close();
    }
    const cold = await invokeFunction({ functionDir: dir, cloudUrl: CLOUD_URL, event: deep });
    expect(cold).toMatchObject({ status: 'refused' });
  });
});

describe('options', () => {
  /** A port free a moment ago. */
  async function freePort(): Promise<number> {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return port;
  }

  test('exportOnClose: true without a stateDir is refused before the cloud listens: nothing is left holding the port', async () => {
    const port = await freePort();
    await expect(startLocalCloud({ port, exportOnClose: true })).rejects.toThrow('exportOnClose: true needs a stateDir');
    const cloud = await startLocalCloud({ port });
    await cloud.close();
  });
});
