/**
 * The gateway's protobuf messages (openapi.proto), decoded and encoded with protobufjs, the same
 * library and major version wx-server-sdk uses on the other side.
 */
import * as path from 'node:path';
import * as protobuf from 'protobufjs';

const root = protobuf.loadSync(path.join(__dirname, 'openapi.proto'));
const CommApiData = root.lookupType('CommApiData');
const CommOpenApiResp = root.lookupType('CommOpenApiResp');
const API_TYPES = root.lookupEnum('CommApiData.ApiType').values;

/** CommApiData as protobufjs decodes it (camelCase fields). */
interface DecodedCommApiData {
  apiType?: number;
  openapiData?: { pairs?: Array<{ key?: string; value?: Uint8Array; contenttype?: string; filename?: string }> };
  appid?: string;
}

export interface OpenApiCall {
  /** OPEN_API for every cloud.openapi call. */
  apiType: string;
  /** The HTTPS params as WeChat receives them: snake_case keys, JSON values. */
  params: Record<string, unknown>;
  /** Present only for cloud.openapi({ appid }). */
  appid?: string;
}

/**
 * Deeper JSON than any logistics param has (they are at most two levels) is kept as a description:
 * a value nested 100 000 deep would parse, but printing or comparing it recurses and overflows the stack.
 */
export const MAX_PARAM_DEPTH = 64;

/** How deep a JSON text nests, read without recursion (brackets inside strings do not count). */
function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '[' || char === '{') deepest = Math.max(deepest, ++depth);
    else if (char === ']' || char === '}') depth -= 1;
  }
  return deepest;
}

/** A param's value is JSON text; anything else (a file part, bad or too deep JSON) is kept as a description. */
function decodeValue(pair: { value?: Uint8Array; contenttype?: string; filename?: string }): unknown {
  const bytes = Buffer.from(pair.value ?? new Uint8Array());
  if (pair.filename || pair.contenttype) {
    return { file: pair.filename ?? '', contentType: pair.contenttype ?? '', bytes: bytes.length };
  }
  const text = bytes.toString('utf8');
  if (jsonDepth(text) > MAX_PARAM_DEPTH) return { unreadable: `JSON nested deeper than ${MAX_PARAM_DEPTH} levels`, bytes: bytes.length };
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * More params than any WeChat API takes, by far. protobufjs decodes every pair in one go, so a
 * 7 MB requestData of 900 000 empty pairs would hold the event loop for over a second: the pairs
 * are counted first, on the wire, without decoding them.
 */
export const MAX_PARAM_PAIRS = 1000;

/** How many KeyValuePairs `bytes` (a CommApiData) carries, counted by skipping over the wire; stops past `limit`. */
function countPairs(bytes: Buffer, limit: number): number {
  const reader = protobuf.Reader.create(bytes);
  let pairs = 0;
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 !== 2 || (tag & 7) !== 2) {
      reader.skipType(tag & 7);
      continue;
    }
    // openapi_data: count its field 1 (pairs); proto3 merges a repeated openapi_data.
    const end = reader.uint32() + reader.pos;
    if (end > reader.len) throw new RangeError('openapi_data runs past the end of requestData');
    while (reader.pos < end) {
      const inner = reader.uint32();
      if (inner >>> 3 === 1 && ++pairs > limit) return pairs;
      reader.skipType(inner & 7);
    }
  }
  return pairs;
}

/** Decodes a request's `requestData`; throws when the bytes are not a CommApiData or carry more than MAX_PARAM_PAIRS params. */
export function decodeRequestData(bytes: Buffer): OpenApiCall {
  if (countPairs(bytes, MAX_PARAM_PAIRS) > MAX_PARAM_PAIRS) throw new RangeError(`more than ${MAX_PARAM_PAIRS} params`);
  const message = CommApiData.decode(bytes) as unknown as DecodedCommApiData;
  const params: Record<string, unknown> = {};
  for (const pair of message.openapiData?.pairs ?? []) {
    // defineProperty, not assignment: a key named "__proto__" must stay an ordinary key, as in WeChat's JSON.
    if (pair.key) Object.defineProperty(params, pair.key, { value: decodeValue(pair), enumerable: true, writable: true, configurable: true });
  }
  const apiTypeNumber = message.apiType ?? 0;
  const apiType = Object.keys(API_TYPES).find((name) => API_TYPES[name] === apiTypeNumber) ?? String(apiTypeNumber);
  return { apiType, params, ...(message.appid ? { appid: message.appid } : {}) };
}

/** WeChat's JSON answer (errcode, errmsg, and a read's own fields), wrapped as the gateway wraps it. */
export function encodeWeChatAnswer(answer: { errcode: number; errmsg: string; [field: string]: unknown }): Buffer {
  return encodeWeChatBody({ ...answer, errcode: answer.errcode, errmsg: answer.errmsg });
}

/** Any JSON body as WeChat's answer (seeded answers, of any shape). */
export function encodeWeChatBody(body: unknown): Buffer {
  return encodeResponse({ respData: Buffer.from(JSON.stringify(body) ?? 'null'), contentType: 'application/json', httpCode: 200 });
}

/** Any text as the answer's resp_data, under any content_type (the contentType fault). */
export function encodeTypedAnswer(body: string, contentType: string): Buffer {
  return encodeResponse({ respData: Buffer.from(body), contentType, httpCode: 200 });
}

/** A cloud-side failure such as -604101: error_code set, no WeChat answer. */
export function encodeCloudError(errorCode: number): Buffer {
  return encodeResponse({ errorCode, contentType: 'application/json', httpCode: 200 });
}

function encodeResponse(fields: { respData?: Buffer; contentType: string; errorCode?: number; httpCode: number }): Buffer {
  const message = CommOpenApiResp.fromObject(fields);
  return Buffer.from(CommOpenApiResp.encode(message).finish());
}

/**
 * Test-side helpers: the SDK's own side of the wire, to check the server without the SDK.
 * `rawPairs` are sent as given (a value that is no JSON, a key the SDK would never send).
 */
export function encodeRequestData(call: {
  apiType?: number;
  params: Record<string, unknown>;
  rawPairs?: ReadonlyArray<{ key: string; value: Buffer }>;
  appid?: string;
}): Buffer {
  const pairs = [...Object.entries(call.params).map(([key, value]) => ({ key, value: Buffer.from(JSON.stringify(value)) })), ...(call.rawPairs ?? [])];
  const message = CommApiData.fromObject({ apiType: call.apiType ?? 0, openapiData: { pairs }, ...(call.appid ? { appid: call.appid } : {}) });
  return Buffer.from(CommApiData.encode(message).finish());
}

export interface DecodedResponse {
  respData?: string;
  contentType?: string;
  errorCode?: number;
  httpCode?: number;
}

export function decodeResponse(bytes: Buffer): DecodedResponse {
  const message = CommOpenApiResp.decode(bytes) as unknown as { respData?: Uint8Array; contentType?: string; errorCode?: number; httpCode?: number };
  return {
    ...(message.respData?.length ? { respData: Buffer.from(message.respData).toString('utf8') } : {}),
    ...(message.contentType ? { contentType: message.contentType } : {}),
    ...(message.errorCode ? { errorCode: message.errorCode } : {}),
    ...(message.httpCode ? { httpCode: message.httpCode } : {}),
  };
}
