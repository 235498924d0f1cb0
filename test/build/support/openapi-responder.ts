/**
 * A loopback server for the build tests that records every request byte for byte (to compare what
 * two builds send) and answers: an openapi call (wx.openApi) by the local cloud's own rules for
 * its apiName (localcloud/services/openapi/wechat-logistics.ts), each against a fresh cloud where the carrier account it
 * names exists, so every API a function's config.json declares gets an answer of its real shape;
 * the SDK's JSON calls (database, storage, callFunction, for the SDK tour) with `jsonAnswer`.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogisticsState, IMPLEMENTED_APIS } from '../../../localcloud/services/openapi/wechat-logistics';
import { formFields, parseMultipart } from '../../../localcloud/multipart';
import { decodeRequestData, encodeWeChatAnswer } from '../../../localcloud/services/openapi/protocol';

export interface RecordedRequest {
  method: string;
  url: string;
  /** Header names and values in arrival order, as sent. */
  rawHeaders: string[];
  body: Buffer;
}

export interface OpenapiResponder {
  /** What TCB_CONTEXT_CNFG's URL should be. */
  readonly url: string;
  requests(): RecordedRequest[];
  close(): Promise<void>;
}

/** A JSON answer shaped so that callFunction, database reads and writes and the storage calls succeed. */
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

function openapiAnswer(body: Buffer, contentType: string | undefined): Buffer {
  try {
    return answerByRules(body, contentType);
  } catch {
    // Not a wx.openApi call this knows (another multipart upload): what WeChat says to success.
    return encodeWeChatAnswer({ errcode: 0, errmsg: 'ok' });
  }
}

function answerByRules(body: Buffer, contentType: string | undefined): Buffer {
  const fields = formFields(parseMultipart(body, contentType));
  const apiName = fields.get('apiName')?.data.toString('utf8') ?? '';
  const { params } = decodeRequestData(fields.get('requestData')?.data ?? Buffer.alloc(0));
  const text = (key: string) => (typeof params[key] === 'string' ? (params[key] as string) : '');
  // Every account and every openid asked about exists here: these tests compare requests, not rules.
  const state = createLogisticsState({
    carrierAccounts: [{ deliveryId: text('delivery_id'), bizId: text('biz_id'), password: text('password') }],
    knownUsers: [text('openid')],
  });
  return encodeWeChatAnswer(IMPLEMENTED_APIS[apiName]?.(state, params) ?? { errcode: 0, errmsg: 'ok' });
}

export async function startOpenapiResponder(options: { jsonAnswer?: unknown } = {}): Promise<OpenapiResponder> {
  const recorded: RecordedRequest[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      recorded.push({ method: request.method ?? '', url: request.url ?? '', rawHeaders: [...request.rawHeaders], body });
      const json = options.jsonAnswer !== undefined && /json/.test(request.headers['content-type'] ?? '');
      const answer = json ? Buffer.from(JSON.stringify(options.jsonAnswer)) : openapiAnswer(body, request.headers['content-type']);
      response.writeHead(200, { 'content-type': json ? 'application/json; charset=utf-8' : 'application/octet-stream', 'content-length': answer.length });
      response.end(answer);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/openapi`,
    requests: () => [...recorded],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
