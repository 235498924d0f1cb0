/**
 * A loopback HTTP server that answers every wx-server-sdk cloud call with WeChat's success
 * (`{"errcode":0,"errmsg":"ok"}` in a CommOpenApiResp), so a built function can make its call
 * path run at build time (the code cache's warm call) with no cloud and no local cloud.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OpenapiResponder {
  /** http://127.0.0.1:PORT/openapi — what TCB_CONTEXT_CNFG's URL should be. */
  readonly url: string;
  /** Requests answered so far. */
  requestCount(): number;
  close(): Promise<void>;
}

function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  bytes.push(rest);
  return bytes;
}

function lengthDelimited(fieldNumber: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(fieldNumber << 3) | 2, ...varint(payload.length)]), payload]);
}

/** CommOpenApiResp { bytes resp_data = 1; string content_type = 2; uint32 http_code = 4 } (localcloud/openapi.proto). */
export function encodeOpenapiSuccess(): Buffer {
  return Buffer.concat([
    lengthDelimited(1, Buffer.from(JSON.stringify({ errcode: 0, errmsg: 'ok' }))),
    lengthDelimited(2, Buffer.from('application/json')),
    Buffer.from([4 << 3, ...varint(200)]),
  ]);
}

export async function startOpenapiResponder(): Promise<OpenapiResponder> {
  const body = encodeOpenapiSuccess();
  let count = 0;
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      count += 1;
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
      response.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/openapi`,
    requestCount: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
