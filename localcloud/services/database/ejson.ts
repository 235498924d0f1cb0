/**
 * The database's wire values: MongoDB Extended JSON with the `bson` package's EJSON, the same
 * package and version the SDK encodes with (@cloudbase/database → bson 4.7.2). Requests carry
 * canonical EJSON strings; answers' documents go back as canonical EJSON strings; state folders
 * hold relaxed EJSON (readable dates, plain numbers).
 *
 * Here too are the checks that keep a request from reaching anything but its own documents: no key
 * or path segment `__proto__`, `constructor` or `prototype`, and a bound on nesting (the query
 * engine and the EJSON reviver recurse).
 */
import { BSONRegExp, EJSON } from 'bson';

/** A document as stored: plain objects and arrays, numbers, strings, Dates, BSON values. */
export type Document = Record<string, unknown>;

/** Refused with INVALID_PARAM; `message` says why, naming the field. */
export class InvalidParam extends Error {
  override name = 'InvalidParam';
}

/** Deeper than any real query, update or document needs; deeper ones would overflow a recursion. */
export const MAX_DEPTH = 64;

/** Keys that would reach an object's prototype in an engine that assigns by path. */
const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** `$rename: {from: to}`: the target is a path too. */
const PATH_VALUED_OPERATORS: ReadonlySet<string> = new Set(['$rename']);

/**
 * Throws InvalidParam when `value` (as JSON.parse made it) nests deeper than MAX_DEPTH or holds a
 * forbidden key or path segment. Iterative: the value may be nested 100 000 deep.
 */
export function checkTree(value: unknown, field: string, options: { document?: boolean } = {}): void {
  const stack: Array<{ value: unknown; depth: number; pathValued: boolean }> = [{ value, depth: 0, pathValued: false }];
  while (stack.length > 0) {
    const { value: current, depth, pathValued } = stack.pop()!;
    // A path as a value: `$rename`'s targets, and `$field` references in expressions (a document's strings are data).
    if (typeof current === 'string' && !options.document && (pathValued || current.startsWith('$'))) checkPath(current.replace(/^\$+/, ''), field);
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= MAX_DEPTH) throw new InvalidParam(`${field} is nested deeper than ${MAX_DEPTH} levels`);
    for (const key of Object.keys(current)) {
      checkPath(key, field);
      stack.push({ value: (current as Record<string, unknown>)[key], depth: depth + 1, pathValued: PATH_VALUED_OPERATORS.has(key) || (pathValued && !Array.isArray(current)) });
    }
  }
}

function checkPath(key: string, field: string): void {
  for (const segment of key.split('.')) {
    if (FORBIDDEN_SEGMENTS.has(segment)) throw new InvalidParam(`${field} names the key or path segment "${segment}", which is refused`);
  }
}

/** BSON regular expressions (what EJSON gives for `$regularExpression`) as JS RegExps, which the query engine matches with. */
function withRegExps(value: unknown): unknown {
  if (value instanceof BSONRegExp) {
    try {
      return new RegExp(value.pattern, value.options.replace(/[^gimsuy]/g, ''));
    } catch (error) {
      throw new InvalidParam(`bad regular expression /${value.pattern}/: ${(error as Error).message}`);
    }
  }
  if (Array.isArray(value)) return value.map(withRegExps);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, withRegExps(inner)]));
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Reads one EJSON text of a request field (relaxed: numbers as numbers, dates as Date). The text
 * is first checked as plain JSON, so the EJSON reviver never sees a forbidden key or a deep tree.
 */
export function parseField(text: unknown, field: string, options: { regExps?: boolean; document?: boolean } = {}): unknown {
  if (typeof text !== 'string') throw new InvalidParam(`${field} must be an EJSON string, got ${describeType(text)}`);
  let plain: unknown;
  try {
    plain = JSON.parse(text);
  } catch (error) {
    throw new InvalidParam(`${field} is not JSON: ${(error as Error).message}`);
  }
  checkTree(plain, field, options);
  let value: unknown;
  try {
    value = EJSON.parse(text, { relaxed: true });
  } catch (error) {
    throw new InvalidParam(`${field} is not valid Extended JSON: ${(error as Error).message}`);
  }
  return options.regExps ? withRegExps(value) : value;
}

/** An EJSON field that must be an object (a query, an order, a projection, a document). */
export function parseObjectField(text: unknown, field: string, options: { regExps?: boolean; document?: boolean } = {}): Document {
  const value = parseField(text, field, options);
  if (!isPlainObject(value)) throw new InvalidParam(`${field} must be an object, got ${describeType(value)}`);
  return value;
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** One document as an answer's list carries it: canonical EJSON, as the SDK's stringify makes it. */
export function documentToWire(document: Document): string {
  return EJSON.stringify(document, { relaxed: false });
}

/** A deep copy, through EJSON (what a stored document is: anything EJSON can hold). */
export function copyDocument<T>(document: T): T {
  return EJSON.parse(EJSON.stringify(document as never, { relaxed: false }), { relaxed: true }) as T;
}

/** Documents as a state folder holds them: relaxed EJSON, two-space indented. */
export function documentsToFile(documents: readonly Document[]): string {
  return `${EJSON.stringify(documents, undefined, 2, { relaxed: true })}\n`;
}

/** A state folder's collection file: an array of documents (objects), relaxed EJSON. */
export function documentsFromFile(text: string, where: string): Document[] {
  const value = parseField(text, where, { document: true });
  if (!Array.isArray(value)) throw new InvalidParam(`${where} must hold a JSON array of documents`);
  value.forEach((document, index) => {
    if (!isPlainObject(document)) throw new InvalidParam(`${where}[${index}] must be an object`);
  });
  return value as Document[];
}

/** CloudBase's own marker for db.serverDate({ offset }): the server's clock plus the offset, in ms. */
const SERVER_DATE = '$tcb_server_date';

/** `value` with every `{ $tcb_server_date: { offset } }` replaced by the date `now + offset`. */
export function withServerDates(value: unknown, now: number): unknown {
  if (Array.isArray(value)) return value.map((inner) => withServerDates(inner, now));
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === SERVER_DATE) {
    const marker = value[SERVER_DATE];
    const offset = isPlainObject(marker) && marker.offset !== undefined ? marker.offset : 0;
    if (typeof offset !== 'number' || !Number.isFinite(offset)) throw new InvalidParam(`${SERVER_DATE}.offset must be a number of milliseconds`);
    return new Date(now + offset);
  }
  return Object.fromEntries(keys.map((key) => [key, withServerDates(value[key], now)]));
}
