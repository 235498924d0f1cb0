/**
 * Database requests the SDK would never send, built by hand: each malformed kind is INVALID_PARAM
 * (the SDK's -501007) with a reason naming what is wrong, nothing is written, no other collection
 * is reached, and the local cloud goes on answering (issue 20, section 2).
 */
import { startLocalCloud, type LocalCloud } from '../../localcloud/server';

let cloud: LocalCloud;
beforeEach(async () => {
  cloud = await startLocalCloud({ collections: { todos: [{ _id: 't1', n: 1 }], secrets: [{ _id: 's1', token: 'not-yours' }] } });
});
afterEach(() => cloud.close());

async function send(body: string | Record<string, unknown>): Promise<{ status: number; answer: { code?: string; message?: string; data?: any } }> {
  const response = await fetch(cloud.functionUrl('anyFunction'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify({ envName: 'local', wxCloudApiToken: '', ...body }),
  });
  return { status: response.status, answer: (await response.json()) as { code?: string; message?: string } };
}

const get = (fields: Record<string, unknown>) => ({ action: 'database.getDocument', collectionName: 'todos', queryType: 'WHERE', limit: 100, ...fields });
const modify = (fields: Record<string, unknown>) => ({ action: 'database.modifyDocument', collectionName: 'todos', queryType: 'WHERE', multi: true, merge: true, upsert: false, query: '{}', ...fields });

test.each([
  ['a body that is not JSON', '{"action":', /bad JSON body/],
  ['a query that is not JSON', get({ query: '{' }), /query is not JSON/],
  ['a query that is no EJSON string', get({ query: { n: 1 } }), /query must be an EJSON string, got an object/],
  ['a query that is an array', get({ query: '[1]' }), /query must be an object, got an array/],
  ['a query with an unknown operator', get({ query: '{"n":{"$bogus":1}}' }), /query: .*\$bogus/],
  ['a query with a key __proto__', get({ query: '{"__proto__":{"polluted":1}}' }), /query names the key or path segment "__proto__"/],
  ['a query with a path segment constructor', get({ query: '{"a.constructor.b":1}' }), /query names the key or path segment "constructor"/],
  ['a query nested 100 000 deep', get({ query: `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}` }), /query is nested deeper than 64 levels/],
  ['a query with a bad regular expression', get({ query: '{"n":{"$regularExpression":{"pattern":"(","options":""}}}' }), /bad regular expression/],
  ['an invalid Extended JSON value', get({ query: '{"at":{"$oid":"zz"}}' }), /query is not valid Extended JSON/],
  ['an order with a key prototype', get({ order: '{"prototype":1}' }), /order names the key or path segment "prototype"/],
  ['an order direction that is not 1 or -1', get({ order: '{"n":2}' }), /order\.n must be 1 or -1/],
  ['a projection with a key __proto__', get({ projection: '{"__proto__":1}' }), /projection names the key or path segment "__proto__"/],
  ['a limit over 1000', get({ limit: 5000 }), /limit must be an integer from 1 to 1000/],
  ['a negative offset', get({ offset: -1 }), /offset must be an integer/],
  ['a queryType that is neither WHERE nor DOC', get({ queryType: 'ALL' }), /queryType must be WHERE or DOC/],
  ['a collection name with a path in it', get({ collectionName: '../todos' }), /collectionName must be 1-128 letters/],
  ['no collection name', get({ collectionName: undefined }), /collectionName must be/],
  ['an update path through prototype', modify({ data: '{"$set":{"a.prototype.x":1}}' }), /data names the key or path segment "prototype"/],
  ['a rename onto __proto__', modify({ data: '{"$rename":{"n":"__proto__"}}' }), /data names the key or path segment "__proto__"/],
  ['an unknown update operator', modify({ data: '{"$explode":{"n":1}}' }), /update: .*\$explode/],
  ['an update with a plain field', modify({ data: '{"n":2}' }), /an update takes operators .* got the field "n"/],
  ['an update that is empty', modify({ data: '{}' }), /needs at least one operator/],
  ['multi that is no boolean', modify({ data: '{"$set":{"n":2}}', multi: 'yes' }), /multi must be true or false/],
  ['an insert whose data is no array', { action: 'database.insertDocument', collectionName: 'todos', data: '{"n":2}' }, /data must be a non-empty array/],
  ['an inserted document with an operator at its top', { action: 'database.insertDocument', collectionName: 'todos', data: ['{"$set":{"n":2}}'] }, /data\[0\]: a document cannot hold the operator "\$set"/],
  ['an inserted document with a key __proto__', { action: 'database.insertDocument', collectionName: 'todos', data: ['{"__proto__":{"polluted":1}}'] }, /data\[0\] names the key or path segment "__proto__"/],
  ['an inserted _id of another type', { action: 'database.insertDocument', collectionName: 'todos', data: ['{"_id":{"a":1}}'] }, /_id must be a string or a number/],
  ['a replacing set that names no document', modify({ merge: false, upsert: true, data: '{"n":2}' }), /names one document: queryType DOC/],
  ['a set whose data renames the _id', modify({ merge: false, upsert: true, queryType: 'DOC', multi: false, query: '{"_id":"t1"}', data: '{"_id":"other","n":2}' }), /data\._id differs/],
])('%s is INVALID_PARAM with the reason', async (_name, body, reason) => {
  const { status, answer } = await send(body as Record<string, unknown>);
  expect(status).toBe(200);
  expect(answer).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringMatching(reason) });
  // Nothing written, nothing polluted, and the cloud answers on.
  expect(cloud.database.documents('todos')).toEqual([{ _id: 't1', n: 1 }]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  const after = await send(get({ query: '{"n":{"$numberInt":"1"}}' }));
  expect(after.answer.data.list).toEqual(['{"_id":"t1","n":{"$numberInt":"1"}}']);
});

test("a query never reaches another collection's documents", async () => {
  const { answer } = await send(get({ query: '{"$where":"this.token"}' }));
  expect(JSON.stringify(answer)).not.toContain('not-yours');
  const listed = await send(get({ collectionName: 'todos', query: '{}' }));
  expect(JSON.stringify(listed.answer)).not.toContain('not-yours');
});

test('an openapi body sent as JSON, and a database body sent as multipart, are refused with the reason', async () => {
  expect((await send({ action: 'wx.openApi', apiName: 'logistics.getPrinter' })).answer).toMatchObject({ code: 'INVALID_PARAM', message: 'a wx.openApi call is multipart/form-data' });
  const boundary = 'x-boundary';
  const response = await fetch(cloud.functionUrl('anyFunction'), {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: `--${boundary}\r\nContent-Disposition: form-data; name="action"\r\n\r\ndatabase.getDocument\r\n--${boundary}--\r\n`,
  });
  expect(await response.json()).toMatchObject({ code: 'INVALID_PARAM', message: 'a database call is a JSON body' });
});
