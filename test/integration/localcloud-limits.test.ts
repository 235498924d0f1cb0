/**
 * The local cloud as a test tool at its limits (issue 18, item 8): a body over the limit gets an
 * HTTP 413, a client that half-closes its socket still gets its answer, the `/caller/` path takes
 * only an OPENID, and a request of 900 000 protobuf pairs is refused before it is decoded.
 *
 * Spoken to over raw HTTP, with the wire format built here by hand, so nothing of the local
 * cloud's own encoder is trusted.
 */
import * as net from 'node:net';
import * as protobuf from 'protobufjs';
import { MAX_BODY_BYTES, startLocalCloud, type LocalCloud } from '../../localcloud/server';

jest.setTimeout(30_000);

const BOUNDARY = 'limits-boundary';
const KNOWN = 'oKnownUser000000000000000001';

/** A CommApiData with these pairs (key, JSON text), encoded field by field. */
function requestData(pairs: ReadonlyArray<readonly [string, string]>): Buffer {
  const inner = protobuf.Writer.create();
  for (const [key, value] of pairs) inner.uint32((1 << 3) | 2).fork().uint32((1 << 3) | 2).string(key).uint32((2 << 3) | 2).bytes(Buffer.from(value)).ldelim();
  return Buffer.from(protobuf.Writer.create().uint32((2 << 3) | 2).bytes(inner.finish()).finish());
}

function multipart(apiName: string, data: Buffer): Buffer {
  const part = (name: string, value: Buffer | string) => [Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`), Buffer.from(value), Buffer.from('\r\n')];
  return Buffer.concat([...part('action', 'wx.openApi'), ...part('apiName', apiName), ...part('requestData', data), Buffer.from(`--${BOUNDARY}--\r\n`)]);
}

const bindPrinter = (openid: string) => multipart('logistics.updatePrinter', requestData([['openid', JSON.stringify(openid)], ['update_type', '"bind"']]));

/** Sends a raw request on a socket; `halfClose` ends our side right after the request. Resolves with all the server sent. */
function rawRequest(cloud: LocalCloud, target: string, body: Buffer, halfClose: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(cloud.port, '127.0.0.1', () => {
      socket.write(`POST ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${body.length}\r\n\r\n`);
      if (halfClose) socket.end(body);
      else socket.write(body);
    });
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('end', () => {
      resolve(text);
      socket.destroy();
    });
    socket.on('error', reject);
  });
}

/** The status and body of a raw HTTP answer. */
function parseRaw(raw: string): { status: number; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(raw)?.[1]), text: Buffer.from(raw.slice(split + 4), 'latin1').toString('utf8') };
}

async function post(cloud: LocalCloud, target: string, body: Buffer) {
  const response = await fetch(`${cloud.url}${target}`, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, body });
  return { status: response.status, text: await response.text() };
}

/** WeChat's errcode for binding this printer, through the openapi service. */
async function bindErrcode(cloud: LocalCloud, openid: string): Promise<number> {
  const response = await fetch(cloud.functionUrl('updatePrinter'), { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, body: bindPrinter(openid) });
  const decoded = protobuf.Reader.create(Buffer.from(await response.arrayBuffer()));
  // CommOpenApiResp field 1: resp_data, WeChat's JSON.
  while (decoded.pos < decoded.len) {
    const tag = decoded.uint32();
    if (tag >>> 3 === 1) return (JSON.parse(Buffer.from(decoded.bytes()).toString('utf8')) as { errcode: number }).errcode;
    decoded.skipType(tag & 7);
  }
  throw new Error('no resp_data');
}

describe('the local cloud at its limits', () => {
  let cloud: LocalCloud;
  beforeEach(async () => {
    cloud = await startLocalCloud({ knownUsers: [KNOWN] });
  });
  afterEach(() => cloud.close());

  test('a body over the limit gets HTTP 413 with a reason, not a connection reset', async () => {
    const answer = await post(cloud, '/fn/updatePrinter', Buffer.alloc(MAX_BODY_BYTES + 1, 'x'));
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toMatchObject({ code: 'INVALID_PARAM', message: `body larger than ${MAX_BODY_BYTES} bytes` });
    // The cloud goes on answering.
    expect(await bindErrcode(cloud, KNOWN)).toBe(0);
  });

  test('a client that half-closes its socket after the request still gets the answer', async () => {
    const raw = await rawRequest(cloud, '/fn/updatePrinter', bindPrinter(KNOWN), true);
    expect(raw).toMatch(/^HTTP\/1\.1 200 /);
    expect(raw).toContain('application/octet-stream');
    expect(cloud.requests()).toEqual([expect.objectContaining({ apiName: 'logistics.updatePrinter', applied: true, answeredAt: expect.any(Number) })]);
  });

  test.each([
    ['a dot-dot path', '/fn/updatePrinter/caller/oGood/../oSmuggled', 'oSmuggled'],
    ['an encoded slash', `/fn/updatePrinter/caller/${encodeURIComponent('../oSmuggled')}`, '../oSmuggled'],
    ['a bidi override', `/fn/updatePrinter/caller/${encodeURIComponent('o\u202Eabc')}`, 'o\u202Eabc'],
    ['a space', `/fn/updatePrinter/caller/${encodeURIComponent('o abc')}`, 'o abc'],
  ])('the /caller/ path takes only the OPENID alphabet: %s is refused and makes no known user', async (_name, target, smuggled) => {
    // Raw: fetch would fold the dot segments before sending.
    const answer = parseRaw(await rawRequest(cloud, target, bindPrinter(KNOWN), false));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ code: 'INVALID_PARAM' });
    expect(cloud.requests()[0]!.outcome).toEqual({ kind: 'rejected', reason: expect.stringMatching(/caller|no function/) });
    // Nobody became a user of the mini program on the way: binding them as a printer is WeChat's 40003.
    expect(await bindErrcode(cloud, smuggled)).toBe(40003);
  });

  test('a caller of the OPENID alphabet becomes a known user', async () => {
    expect((await post(cloud, '/fn/updatePrinter/caller/oNew_User-1', bindPrinter(KNOWN))).status).toBe(200);
    expect(await bindErrcode(cloud, 'oNew_User-1')).toBe(0);
  });

  test('900 000 protobuf pairs (7 MB) are refused with a clear reason, before any is decoded', async () => {
    // One pair on the wire: field 1 (LEN 6) holding key "k" and value "1"; 900 000 of them in openapi_data.
    const pairs = Buffer.from([0x0a, 0x06, 0x0a, 0x01, 0x6b, 0x12, 0x01, 0x31]);
    const inner = Buffer.concat(Array.from({ length: 900_000 }, () => pairs));
    const body = multipart('logistics.updatePrinter', Buffer.from(protobuf.Writer.create().uint32((2 << 3) | 2).bytes(inner).finish()));
    expect(body.length).toBeLessThan(MAX_BODY_BYTES);
    const answer = await post(cloud, '/fn/updatePrinter', body);
    expect(JSON.parse(answer.text)).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringContaining('more than 1000 params') });
    expect(cloud.requests()[0]).toMatchObject({ applied: false, outcome: { kind: 'rejected' } });
  });
});
