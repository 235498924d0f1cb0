/**
 * A small multipart/form-data reader that works on bytes.
 *
 * Why not `new Request(…).formData()`: undici decodes a part without a filename as UTF-8 text, and
 * the SDK's `requestData` part is binary protobuf with no filename (any length varint >= 128 is not
 * valid UTF-8 and would be mangled). Here every part stays a Buffer.
 */

export interface FormPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

export class MultipartError extends Error {
  override name = 'MultipartError';
}

/** The boundary from a `multipart/form-data; boundary=…` content-type, quoted or not. */
export function boundaryOf(contentType: string | undefined): string {
  const [type, ...parameters] = (contentType ?? '').split(';');
  if (type?.trim().toLowerCase() !== 'multipart/form-data') throw new MultipartError('not multipart/form-data');
  for (const parameter of parameters) {
    const separator = parameter.indexOf('=');
    if (separator < 0 || parameter.slice(0, separator).trim().toLowerCase() !== 'boundary') continue;
    const boundary = parameter.slice(separator + 1).trim().replace(/^"(.*)"$/, '$1');
    // RFC 2046: 1-70 characters.
    if (boundary.length >= 1 && boundary.length <= 70) return boundary;
  }
  throw new MultipartError('no boundary');
}

function headerParameter(header: string, parameter: string): string | undefined {
  const match = new RegExp(`;\\s*${parameter}="([^"]*)"`, 'i').exec(header) ?? new RegExp(`;\\s*${parameter}=([^;\\s]+)`, 'i').exec(header);
  return match?.[1];
}

function parsePart(raw: Buffer): FormPart {
  const headerEnd = raw.indexOf('\r\n\r\n');
  if (headerEnd < 0) throw new MultipartError('part without a header block');
  const headers = new Map<string, string>();
  for (const line of raw.subarray(0, headerEnd).toString('utf8').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get('content-disposition') ?? '';
  if (!/^form-data\b/i.test(disposition)) throw new MultipartError('part is not form-data');
  const name = headerParameter(disposition, 'name');
  if (name === undefined) throw new MultipartError('part without a name');
  const filename = headerParameter(disposition, 'filename');
  const contentType = headers.get('content-type');
  return {
    name,
    ...(filename === undefined ? {} : { filename }),
    ...(contentType === undefined ? {} : { contentType }),
    data: raw.subarray(headerEnd + 4),
  };
}

/** All parts of a multipart body, in order. Throws MultipartError on anything malformed. */
export function parseMultipart(body: Buffer, contentType: string | undefined): FormPart[] {
  const boundary = boundaryOf(contentType);
  const delimiter = Buffer.from(`--${boundary}`);
  // Parts are separated by CRLF + delimiter; the first delimiter may open the body directly.
  const separator = Buffer.from(`\r\n--${boundary}`);
  let position = body.indexOf(delimiter);
  if (position < 0) throw new MultipartError('no opening boundary');
  position += delimiter.length;
  const parts: FormPart[] = [];
  for (;;) {
    if (body.subarray(position, position + 2).toString('latin1') === '--') return parts;
    if (body.subarray(position, position + 2).toString('latin1') !== '\r\n') throw new MultipartError('bad boundary line');
    const start = position + 2;
    const end = body.indexOf(separator, start);
    if (end < 0) throw new MultipartError('unterminated part');
    parts.push(parsePart(body.subarray(start, end)));
    position = end + separator.length;
  }
}

/** The parts as a name → part map (the SDK never repeats a name; a repeat is malformed). */
export function formFields(parts: readonly FormPart[]): Map<string, FormPart> {
  const fields = new Map<string, FormPart>();
  for (const part of parts) {
    if (fields.has(part.name)) throw new MultipartError(`repeated field ${part.name}`);
    fields.set(part.name, part);
  }
  return fields;
}
