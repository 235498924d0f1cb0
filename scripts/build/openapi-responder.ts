/**
 * A loopback HTTP server that answers every wx-server-sdk cloud call with WeChat's success
 * (`{"errcode":0,"errmsg":"ok"}` in a CommOpenApiResp; the three read APIs with a one-item sample
 * list), so a built function can make its call path run at build time (the code cache's warm call)
 * with no cloud and no local cloud.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as it arrived: for comparing what two builds send, byte for byte. */
export interface RecordedRequest {
  method: string;
  url: string;
  /** Header names and values in arrival order, as sent. */
  rawHeaders: string[];
  body: Buffer;
}

export interface OpenapiResponder {
  /** http://127.0.0.1:PORT/openapi — what TCB_CONTEXT_CNFG's URL should be. */
  readonly url: string;
  /** Requests answered so far, oldest first. */
  requests(): RecordedRequest[];
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

/** What the read APIs answer here: one item each, every documented field present. */
const READ_ANSWERS: Readonly<Record<string, Record<string, unknown>>> = {
  'logistics.getAllAccount': {
    count: 1,
    list: [{ biz_id: 'warm-up', delivery_id: 'SF', create_time: 1, update_time: 1, status_code: 0, alias: '', remark_wrong_msg: '', remark_content: '', quota_num: 0, quota_update_time: 0, service_type: [{ service_type: 0, service_name: 'warm-up' }] }],
  },
  'logistics.getPrinter': { count: 1, openid: ['warm-up'], tagid_list: [] },
  'logistics.getAllDelivery': { count: 1, data: [{ delivery_id: 'SF', delivery_name: 'warm-up', can_use_cash: 0, can_get_quota: 0, service_type: [{ service_type: 0, service_name: 'warm-up' }], cash_biz_id: '' }] },
};

/** The read API a multipart request body names, if any (its apiName part is plain text). */
function readApiOf(body: Buffer): string | undefined {
  const text = body.toString('latin1');
  return Object.keys(READ_ANSWERS).find((api) => text.includes(`\r\n\r\n${api}\r\n`));
}

/** CommOpenApiResp { bytes resp_data = 1; string content_type = 2; uint32 http_code = 4 } (localcloud/openapi.proto). */
export function encodeOpenapiSuccess(answer: Record<string, unknown> = {}): Buffer {
  return Buffer.concat([
    lengthDelimited(1, Buffer.from(JSON.stringify({ errcode: 0, errmsg: 'ok', ...answer }))),
    lengthDelimited(2, Buffer.from('application/json')),
    Buffer.from([4 << 3, ...varint(200)]),
  ]);
}

/**
 * A JSON answer for the SDK's other (JSON) calls, shaped so that callFunction, database reads and
 * writes and the storage calls succeed: only for tests that tour the SDK's features.
 */
export const GENERIC_TCB_ANSWER = {
  requestId: 'local-request',
  data: {
    response_data: JSON.stringify({ answered: true }),
    list: [JSON.stringify({ _id: 'doc-1', n: 1 })],
    insertedIds: ['doc-1'],
    _id: 'doc-1',
    download_list: [{ fileid: 'cloud://env.bucket/dir/a.txt', download_url: 'http://127.0.0.1:9/a.txt', code: 'SUCCESS' }],
    delete_list: [{ fileID: 'cloud://env.bucket/dir/a.txt', code: 'SUCCESS' }],
  },
};

export async function startOpenapiResponder(options: { jsonAnswer?: unknown } = {}): Promise<OpenapiResponder> {
  const body = encodeOpenapiSuccess();
  const jsonBody = options.jsonAnswer === undefined ? undefined : Buffer.from(JSON.stringify(options.jsonAnswer));
  const recorded: RecordedRequest[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      recorded.push({ method: request.method ?? '', url: request.url ?? '', rawHeaders: [...request.rawHeaders], body: Buffer.concat(chunks) });
      const json = jsonBody !== undefined && /json/.test(request.headers['content-type'] ?? '');
      const readApi = json ? undefined : readApiOf(Buffer.concat(chunks));
      const answer = json ? (jsonBody as Buffer) : readApi === undefined ? body : encodeOpenapiSuccess(READ_ANSWERS[readApi]);
      response.writeHead(200, { 'content-type': json ? 'application/json; charset=utf-8' : 'application/octet-stream', 'content-length': answer.length });
      response.end(answer);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/openapi`,
    requests: () => [...recorded],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
