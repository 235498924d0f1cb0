/**
 * The local cloud's database service through the real wx-server-sdk (issue 20): a test-only
 * function (support/database-probe, built with the project's build) runs `cloud.database()` calls
 * against the local cloud over loopback HTTP. Every call form of the shared doc, the errors, the
 * atomic conditional update, seeded `_openid` documents, each fault (also "written, answer lost"),
 * the request log, and a state folder round trip.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { WarmFunction } from '../../localcloud/invoke';
import { startLocalCloud, type LocalCloud } from '../../localcloud/server';
import { buildProbe, cmd, date, probe, PROBE_NAME, resolved, startProbe, thrown } from './support/database';
import { SLOW_TEST_MS } from './support/harness';

jest.setTimeout(SLOW_TEST_MS);

const HEX_ID = /^[0-9a-f]{32}$/;
const T0 = Date.UTC(2024, 0, 1);
const DAY = 86_400_000;

/** Five documents with every kind of field the queries below read. */
const ITEMS = [
  { _id: 'i1', n: 1, tag: 'apple', tags: ['a', 'b'], nested: { k: 1, deep: { x: 'p' } }, at: new Date(T0), group: 'x', scores: [{ s: 5 }, { s: 9 }] },
  { _id: 'i2', n: 2, tag: 'Banana', tags: ['b'], nested: { k: 2, deep: { x: 'q' } }, at: new Date(T0 + DAY), group: 'x', scores: [{ s: 1 }] },
  { _id: 'i3', n: 3, tag: 'cherry', tags: ['a', 'c'], nested: { k: 1, deep: { x: 'r' } }, at: new Date(T0 + 2 * DAY), group: 'y', scores: [] },
  { _id: 'i4', n: 4, tag: 'apricot', tags: [], nested: { k: 3, deep: { x: 'p' } }, at: new Date(T0 + 3 * DAY), group: 'y', extra: true, scores: [{ s: 7 }] },
  { _id: 'i5', n: 5, tag: 'date', tags: ['a', 'b', 'c'], nested: { k: 2, deep: { x: 'q' } }, at: new Date(T0 + 4 * DAY), group: 'x', scores: [{ s: 2 }] },
];

let built: Awaited<ReturnType<typeof buildProbe>>;
let cloud: LocalCloud;
let fn: WarmFunction;
const lines: string[] = [];

beforeAll(async () => {
  built = await buildProbe();
});
afterAll(() => built.remove());

beforeEach(async () => {
  lines.length = 0;
  cloud = await startLocalCloud({ functionsDir: built.functionsDir, collections: { items: ITEMS, empty: [] }, log: (line) => lines.push(line) });
  fn = await startProbe(cloud, built.functionDir, { SDK_TIMEOUT_MS: '800' });
});
afterEach(async () => {
  await fn.close();
  await cloud.close();
});

/** The ids `where(query)` finds, in the order answered. */
async function ids(query: unknown, ...more: Array<[string, ...unknown[]]>): Promise<string[]> {
  const answer = await resolved(fn, { on: 'items', calls: [['where', query], ...more, ['get']] });
  return (answer.data as Array<{ _id: string }>).map((document) => document._id);
}

describe('queries', () => {
  test.each([
    ['eq', { n: cmd(['eq', 3]) }, ['i3']],
    ['neq', { group: cmd(['neq', 'x']) }, ['i3', 'i4']],
    ['lt', { n: cmd(['lt', 3]) }, ['i1', 'i2']],
    ['lte', { n: cmd(['lte', 2]) }, ['i1', 'i2']],
    ['gt', { n: cmd(['gt', 4]) }, ['i5']],
    ['gte', { n: cmd(['gte', 4]) }, ['i4', 'i5']],
    ['in', { tag: cmd(['in', ['apple', 'date']]) }, ['i1', 'i5']],
    ['nin', { n: cmd(['nin', [1, 2, 3]]) }, ['i4', 'i5']],
    ['exists', { extra: cmd(['exists', true]) }, ['i4']],
    ['mod', { n: cmd(['mod', 2, 1]) }, ['i1', 'i3', 'i5']],
    ['all', { tags: cmd(['all', ['a', 'b']]) }, ['i1', 'i5']],
    ['elemMatch', { scores: cmd(['elemMatch', { s: cmd(['gt', 6]) }]) }, ['i1', 'i4']],
    ['size', { tags: cmd(['size', 1]) }, ['i2']],
    ['not', { n: cmd(['not', cmd(['gt', 2])]) }, ['i1', 'i2']],
    ['nor', cmd(['nor', [{ group: 'x' }, { n: 4 }]]), ['i3']],
    ['gt(…).and(lt(…)) on one field', { n: cmd(['gt', 1], ['and', cmd(['lt', 4])]) }, ['i2', 'i3']],
    ['gt(…).or(lt(…)) on one field', { n: cmd(['lt', 2], ['or', cmd(['gt', 4])]) }, ['i1', 'i5']],
    ['_.and([…]) of two conditions', cmd(['and', [{ group: 'x' }, { n: cmd(['gt', 1]) }]]), ['i2', 'i5']],
    ['_.or([…]) of two conditions', cmd(['or', [{ n: 1 }, { tag: 'cherry' }]]), ['i1', 'i3']],
    ['a nested object (dotted paths)', { nested: { k: 2 } }, ['i2', 'i5']],
    ['a dotted path, two levels', { 'nested.deep.x': 'p' }, ['i1', 'i4']],
    ['a JS RegExp', { tag: { $re: ['^ap', ''] } }, ['i1', 'i4']],
    ['db.RegExp with options', { tag: { $regexp: { regexp: '^b', options: 'i' } } }, ['i2']],
    ['a date (gte)', { at: cmd(['gte', date(T0 + 3 * DAY)]) }, ['i4', 'i5']],
    ['a date (eq)', { at: date(T0 + DAY) }, ['i2']],
  ])('where with %s', async (_name, query, expected) => {
    expect(await ids(query)).toEqual(expected);
  });

  test('orderBy on two fields, in call order', async () => {
    expect(await ids({}, ['orderBy', 'group', 'desc'], ['orderBy', 'n', 'asc'])).toEqual(['i3', 'i4', 'i1', 'i2', 'i5']);
    expect(await ids({}, ['orderBy', 'group', 'asc'], ['orderBy', 'n', 'desc'])).toEqual(['i5', 'i2', 'i1', 'i4', 'i3']);
  });

  test('skip, limit and field', async () => {
    const answer = await resolved(fn, { on: 'items', calls: [['where', {}], ['orderBy', 'n', 'asc'], ['skip', 1], ['limit', 2], ['field', { n: true, 'nested.k': true }], ['get']] });
    expect(answer).toEqual({ data: [{ _id: 'i2', n: 2, nested: { k: 2 } }, { _id: 'i3', n: 3, nested: { k: 1 } }], errMsg: 'collection.get:ok' });
    expect(cloud.requests({ api: 'database.getDocument' })[0]!.params).toMatchObject({ offset: 1, limit: 2 });
  });

  test("a get without limit asks for the SDK's default 100, and a larger limit is capped at 1000", async () => {
    const many = Array.from({ length: 1100 }, (_, index) => ({ _id: `m${index}`, index }));
    cloud.database.seed('many', many);
    expect((await resolved(fn, { on: 'many', calls: [['get']] })).data).toHaveLength(100);
    expect((await resolved(fn, { on: 'many', calls: [['limit', 5000], ['get']] })).data).toHaveLength(1000);
    expect(cloud.requests({ api: 'database.getDocument' }).map((request) => request.params.limit)).toEqual([100, 1000]);
  });

  test('dates come back as Date, numbers as numbers', async () => {
    const answer = await resolved(fn, { on: 'items', calls: [['doc', 'i2'], ['get']] });
    expect(answer).toEqual({ data: { ...ITEMS[1], at: date(T0 + DAY) }, errMsg: 'document.get:ok' });
  });

  test('count, with and without a query', async () => {
    expect(await resolved(fn, { on: 'items', calls: [['count']] })).toEqual({ total: 5, errMsg: 'collection.count:ok' });
    expect(await resolved(fn, { on: 'items', calls: [['where', { group: 'x' }], ['count']] })).toEqual({ total: 3, errMsg: 'collection.count:ok' });
    expect(await resolved(fn, { on: 'empty', calls: [['count']] })).toEqual({ total: 0, errMsg: 'collection.count:ok' });
  });

  test("doc(id).get() of a missing document throws as the SDK does; with throwOnNotFound: false it answers no data", async () => {
    expect((await thrown(fn, { on: 'items', calls: [['doc', 'nope'], ['get']] })).errMsg).toMatch(/document\.get:fail/);
    const quiet = await resolved(fn, { on: 'items', calls: [['doc', 'nope'], ['get']] }, { database: { throwOnNotFound: false } });
    expect(quiet.data).toBeNull();
  });
});

describe('writes', () => {
  test('add one: a 32-hex id, no _openid; add many: ids in order; a given _id is kept', async () => {
    const one = await resolved(fn, { on: 'empty', calls: [['add', { data: { text: 'one' } }]] });
    expect(one).toEqual({ _id: expect.stringMatching(HEX_ID), errMsg: 'collection.add:ok' });
    const many = await resolved(fn, { on: 'empty', calls: [['add', { data: [{ text: 'two' }, { _id: 'mine', text: 'three' }] }]] });
    expect(many).toEqual({ _ids: [expect.stringMatching(HEX_ID), 'mine'], errMsg: 'collection.add:ok' });
    const documents = cloud.database.documents('empty')!;
    expect(documents.map((document) => document.text)).toEqual(['one', 'two', 'three']);
    expect(documents.map((document) => document._id)).toEqual([one._id, many._ids[0], 'mine']);
    for (const document of documents) expect(document).not.toHaveProperty('_openid');
  });

  test('serverDate: the local clock plus the offset, stored as a Date, in add and update', async () => {
    const before = Date.now();
    const { _id } = await resolved(fn, { on: 'empty', calls: [['add', { data: { at: { $serverDate: {} }, later: { $serverDate: { offset: 60_000 } } } }]] });
    await resolved(fn, { on: 'empty', calls: [['doc', _id], ['update', { data: { touched: { $serverDate: { offset: -1000 } } } }]] });
    const after = Date.now();
    const [document] = cloud.database.documents('empty')!;
    for (const [field, offset] of [['at', 0], ['later', 60_000], ['touched', -1000]] as const) {
      expect(document![field]).toBeInstanceOf(Date);
      const time = (document![field] as Date).getTime() - offset;
      expect(time).toBeGreaterThanOrEqual(before);
      expect(time).toBeLessThanOrEqual(after);
    }
  });

  test('doc(id).update merges, doc(id).set replaces (or creates with that _id), doc(id).remove removes', async () => {
    expect(await resolved(fn, { on: 'items', calls: [['doc', 'i1'], ['update', { data: { n: 10, nested: { k: 9 } } }]] })).toEqual({ stats: { updated: 1 }, errMsg: 'document.update:ok' });
    expect(cloud.database.documents('items')![0]).toMatchObject({ _id: 'i1', n: 10, tag: 'apple', nested: { k: 9, deep: { x: 'p' } } });
    expect(await resolved(fn, { on: 'items', calls: [['doc', 'i1'], ['set', { data: { only: 'this' } }]] })).toEqual({ _id: 'i1', stats: { updated: 1, created: 0 }, errMsg: 'document.set:ok' });
    expect(cloud.database.documents('items')![0]).toEqual({ _id: 'i1', only: 'this' });
    expect(await resolved(fn, { on: 'items', calls: [['doc', 'fresh'], ['set', { data: { made: true } }]] })).toEqual({ _id: 'fresh', stats: { updated: 0, created: 1 }, errMsg: 'document.set:ok' });
    expect(cloud.database.documents('items')!.find((document) => document._id === 'fresh')).toEqual({ _id: 'fresh', made: true });
    expect(await resolved(fn, { on: 'items', calls: [['doc', 'i2'], ['remove']] })).toEqual({ stats: { removed: 1 }, errMsg: 'document.remove:ok' });
    expect(cloud.database.documents('items')!.map((document) => document._id)).toEqual(['i1', 'i3', 'i4', 'i5', 'fresh']);
  });

  test('where().update changes every match (updated counts documents that changed); where().remove removes every match', async () => {
    expect(await resolved(fn, { on: 'items', calls: [['where', { group: 'x' }], ['update', { data: { flag: 1 } }]] })).toEqual({ stats: { updated: 3 }, errMsg: 'collection.update:ok' });
    // The same value again changes nothing.
    expect(await resolved(fn, { on: 'items', calls: [['where', { group: 'x' }], ['update', { data: { flag: 1 } }]] })).toEqual({ stats: { updated: 0 }, errMsg: 'collection.update:ok' });
    expect(await resolved(fn, { on: 'items', calls: [['where', { n: cmd(['gt', 3]) }], ['remove']] })).toEqual({ stats: { removed: 2 }, errMsg: 'collection.remove:ok' });
    expect(cloud.database.documents('items')!.map((document) => [document._id, document.flag])).toEqual([
      ['i1', 1],
      ['i2', 1],
      ['i3', undefined],
    ]);
  });

  test.each([
    ['set', { nested: cmd(['set', { replaced: true }]) }, { nested: { replaced: true } }],
    ['remove', { extra: cmd(['remove']) }, { extra: undefined }],
    ['inc', { n: cmd(['inc', 2]) }, { n: 6 }],
    ['mul', { n: cmd(['mul', 3]) }, { n: 12 }],
    ['push', { tags: cmd(['push', ['x', 'y']]) }, { tags: ['x', 'y'] }],
    // MongoDB's order: insert at the position, then sort, then slice.
    ['push with each, position, slice, sort', { list: cmd(['push', { each: [5, 1], position: 0, slice: 3, sort: 1 }]) }, { list: [1, 2, 3] }],
    ['pop', { list: cmd(['pop']) }, { list: [3, 8] }],
    ['shift', { list: cmd(['shift']) }, { list: [8, 2] }],
    ['unshift', { list: cmd(['unshift', [0]]) }, { list: [0, 3, 8, 2] }],
    ['pull', { list: cmd(['pull', cmd(['gt', 5])]) }, { list: [3, 2] }],
    ['pullAll', { list: cmd(['pullAll', [3, 2]]) }, { list: [8] }],
    ['addToSet', { list: cmd(['addToSet', 9]) }, { list: [3, 8, 2, 9] }],
    ['addToSet with $each', { list: cmd(['addToSet', { $each: [8, 9] }]) }, { list: [3, 8, 2, 9] }],
    ['rename', { n: cmd(['rename', 'count']) }, { n: undefined, count: 4 }],
    ['max', { n: cmd(['max', 10]) }, { n: 10 }],
    ['min', { n: cmd(['min', 1]) }, { n: 1 }],
  ])('the update command %s', async (_name, data, expected) => {
    cloud.database.seed('items', [{ ...ITEMS[3], list: [3, 8, 2] }]);
    expect(await resolved(fn, { on: 'items', calls: [['doc', 'i4'], ['update', { data }]] })).toEqual({ stats: { updated: 1 }, errMsg: 'document.update:ok' });
    const [document] = cloud.database.documents('items')!;
    for (const [field, value] of Object.entries(expected)) {
      if (value === undefined) expect(document).not.toHaveProperty(field);
      else expect(document![field]).toEqual(value);
    }
  });

  test('N concurrent conditional updates of one document: exactly one answers updated: 1', async () => {
    cloud.database.seed('invites', [{ _id: 'inv', left: 1 }]);
    const take = { on: 'invites', calls: [['where', { _id: 'inv', left: cmd(['gt', 0]) }], ['update', { data: { left: cmd(['inc', -1]) } }]] } as const;
    const answers = await probe(fn, Array.from({ length: 12 }, () => take), { parallel: true });
    const updated = answers.map((answer) => ('resolved' in answer ? (answer.resolved as { stats: { updated: number } }).stats.updated : answer));
    expect(updated.filter((count) => count === 1)).toHaveLength(1);
    expect(updated.filter((count) => count === 0)).toHaveLength(11);
    expect(cloud.database.documents('invites')).toEqual([{ _id: 'inv', left: 0 }]);
    // They really were concurrent: every request arrived before the last answer went out.
    const requests = cloud.requests({ collection: 'invites' });
    expect(Math.max(...requests.map((request) => request.receivedAt))).toBeLessThan(Math.max(...requests.map((request) => request.answeredAt!)));
  });
});

describe('errors', () => {
  test('a missing collection: -502005 for reads and for writes, with the real server’s text', async () => {
    const forms = [
      ['get', { on: 'missing', calls: [['get']] }],
      ['count', { on: 'missing', calls: [['count']] }],
      ['add', { on: 'missing', calls: [['add', { data: { a: 1 } }]] }],
      ['set', { on: 'missing', calls: [['doc', 'x'], ['set', { data: { a: 1 } }]] }],
      ['update', { on: 'missing', calls: [['where', { a: 1 }], ['update', { data: { a: 2 } }]] }],
      ['remove', { on: 'missing', calls: [['doc', 'x'], ['remove']] }],
    ] as const;
    for (const [method, op] of forms) {
      const error = await thrown(fn, op);
      expect(error.errCode).toBe(-502005);
      expect(error.errMsg).toContain('database collection not exists. [ResourceNotFound] Db or Table not exist.');
      expect(error.errMsg).toMatch(new RegExp(`^(collection|document)\\.${method}:fail -502005`));
    }
    expect(cloud.database.collections()).toEqual(['empty', 'items']);
  });

  test('createCollection makes a collection; of an existing one it fails (our documented choice: -1 with "Table exist")', async () => {
    expect(await resolved(fn, { on: 'db', calls: [['createCollection', 'fresh']] })).toMatchObject({ errMsg: 'createCollection:ok' });
    expect(await resolved(fn, { on: 'fresh', calls: [['count']] })).toMatchObject({ total: 0 });
    const error = await thrown(fn, { on: 'db', calls: [['createCollection', 'items']] });
    expect(error).toMatchObject({ errCode: -1, errMsg: expect.stringContaining('createCollection:fail [ResourceInUse] Table exist.') });
    expect(cloud.database.documents('items')).toHaveLength(5);
  });

  test('an add whose _id exists fails as a request failure (-502001, our choice) and adds none of its documents', async () => {
    const error = await thrown(fn, { on: 'items', calls: [['add', { data: [{ _id: 'new' }, { _id: 'i1' }] }]] });
    expect(error).toMatchObject({ errCode: -502001, errMsg: expect.stringContaining('E11000 duplicate key error: _id "i1" exists') });
    expect(cloud.database.documents('items')).toHaveLength(5);
  });

  test('aggregation and transactions are refused with a message that says so', async () => {
    const aggregate = await thrown(fn, { on: 'items', calls: [['aggregate'], ['match', { group: 'x' }], ['end']] });
    expect(aggregate.errMsg).toContain('the local cloud does not serve database.aggregateDocuments: aggregation is not emulated');
    const transaction = await thrown(fn, { on: 'db', calls: [['startTransaction']] });
    expect(transaction.message).toContain('the local cloud does not serve database.startTransaction: transactions are not emulated');
    expect(cloud.requests().map((request) => request.outcome)).toEqual([
      { kind: 'tcbJson', code: 'DATABASE_INVALID_OPERRATOR', message: expect.any(String) },
      { kind: 'tcbJson', code: 'DATABASE_INVALID_OPERRATOR', message: expect.any(String) },
    ]);
  });

  test('an update the query engine refuses is INVALID_PARAM (-501007) with its reason, and changes nothing', async () => {
    const error = await thrown(fn, { on: 'items', calls: [['doc', 'i1'], ['update', { data: { n: cmd(['inc', 1]), 'n.x': cmd(['set', 1]) } }]] });
    expect(error.errCode).toBe(-501007);
    expect(error.errMsg).toMatch(/update: .*conflict/);
    expect(cloud.database.documents('items')![0]).toEqual(ITEMS[0]);
  });

  test('a where().update the query engine refuses at its second match changes no match: all or nothing', async () => {
    // The first match takes the push; on the second the engine fails (it walks o.k.z into a null in an array).
    const docs = [
      { _id: 'p1', o: { k: { z: [] } } },
      { _id: 'p2', o: [null] },
      { _id: 'p3', o: {} },
    ];
    cloud.database.seed('paths', docs);
    const error = await thrown(fn, { on: 'paths', calls: [['where', {}], ['update', { data: { 'o.k.z': cmd(['push', [1]]) } }]] });
    expect(error.errCode).toBe(-501007);
    expect(error.errMsg).toMatch(/update: .*null/);
    expect(cloud.database.documents('paths')).toEqual(docs);
    expect(cloud.requests({ api: 'database.modifyDocument' }).map((request) => [request.outcome.kind, request.applied])).toEqual([['rejected', false]]);
  });
});

describe('seeded documents with _openid', () => {
  test('a seeded document keeps its _openid (as a client-written one has); the function reads it and tells it apart', async () => {
    cloud.database.seed('records', [
      { _id: 'server', kind: 'invite' },
      { _id: 'client', kind: 'invite', _openid: 'oSomeClient000000000000000001' },
    ]);
    const { data } = await resolved(fn, { on: 'records', calls: [['where', { kind: 'invite' }], ['get']] });
    expect(data).toEqual([
      { _id: 'server', kind: 'invite' },
      { _id: 'client', kind: 'invite', _openid: 'oSomeClient000000000000000001' },
    ]);
    const serverOnly = await resolved(fn, { on: 'records', calls: [['where', { _openid: cmd(['exists', false]) }], ['get']] });
    expect(serverOnly.data.map((document: { _id: string }) => document._id)).toEqual(['server']);
  });
});

describe('faults', () => {
  const add = { on: 'empty', calls: [['add', { data: { _id: 'w', v: 1 } }]] } as const;
  test.each([
    ['hang', { kind: 'hang' } as const, -501001],
    ['HTTP 500', { kind: 'http', status: 500 } as const, -501001],
    ['a garbage body', { kind: 'malformed' } as const, undefined],
    ['an error code (DATABASE_PERMISSION_DENIED)', { kind: 'tcbJson', code: 'DATABASE_PERMISSION_DENIED' } as const, -502003],
  ])('%s: the write is not made; with applied: true it is, and the answer is lost', async (_name, fault, errCode) => {
    cloud.faults.next(fault, { api: 'database.insertDocument', collection: 'empty' });
    const lost = await thrown(fn, add);
    if (errCode !== undefined) expect(lost.errCode).toBe(errCode);
    else expect(lost.errMsg ?? lost.message).toBeTruthy();
    expect(cloud.database.documents('empty')).toEqual([]);

    cloud.faults.next({ ...fault, applied: true }, { api: 'database.insertDocument', collection: 'empty' });
    const applied = await thrown(fn, add);
    expect(applied.errCode).toBe(lost.errCode);
    expect(cloud.database.documents('empty')).toEqual([{ _id: 'w', v: 1 }]);
    expect(cloud.requests().map((request) => [request.fault, request.applied])).toEqual([
      [fault.kind, false],
      [fault.kind, true],
    ]);
  });

  test('a fault is scoped by action and collection: other actions and collections answer normally', async () => {
    cloud.faults.next({ kind: 'http', status: 500 }, { api: 'database.getDocument', collection: 'items', times: Infinity });
    expect((await resolved(fn, { on: 'empty', calls: [['get']] })).data).toEqual([]);
    expect(await resolved(fn, { on: 'items', calls: [['count']] })).toMatchObject({ total: 5 });
    expect((await thrown(fn, { on: 'items', calls: [['get']] })).errCode).toBe(-501001);
  });

  test('an answer fault: the body as it is (here a list that is not one)', async () => {
    cloud.faults.next({ kind: 'answer', body: { requestId: 'x', data: { list: 'not-a-list' } } }, { api: 'database.getDocument' });
    const answer = await probe(fn, [{ on: 'items', calls: [['get']] }]);
    expect(answer[0]).toHaveProperty('thrown');
  });

  test('a JSON 200 whose data lacks the write\'s count: the SDK resolves anyway; only doc().set and doc().update show it', async () => {
    // What core/records/database.ts reads as a write's evidence, as the SDK hands it over. The SDK
    // fills in a missing count as 0 for where().update and doc().remove (`|| 0`): those answers
    // cannot be told from "changed nothing".
    const lacking = { kind: 'answer', body: { requestId: 'x', data: {} } } as const;
    cloud.faults.next(lacking, { api: 'database.modifyDocument', times: Infinity });
    cloud.faults.next(lacking, { api: 'database.removeDocument', times: Infinity });
    expect(await resolved(fn, { on: 'items', calls: [['doc', 'i1'], ['set', { data: { only: 'this' } }]] })).toEqual({ _id: 'i1', stats: { updated: undefined, created: 0 }, errMsg: 'document.set:ok' });
    expect(await resolved(fn, { on: 'items', calls: [['doc', 'i1'], ['update', { data: { n: 10 } }]] })).toEqual({ stats: { updated: undefined }, errMsg: 'document.update:ok' });
    expect(await resolved(fn, { on: 'items', calls: [['where', { group: 'x' }], ['update', { data: { flag: 1 } }]] })).toEqual({ stats: { updated: 0 }, errMsg: 'collection.update:ok' });
    expect(await resolved(fn, { on: 'items', calls: [['doc', 'i2'], ['remove']] })).toEqual({ stats: { removed: 0 }, errMsg: 'document.remove:ok' });
    expect(await resolved(fn, { on: 'items', calls: [['where', { group: 'x' }], ['remove']] })).toEqual({ stats: { removed: undefined }, errMsg: 'collection.remove:ok' });
    // createCollection answers the body's requestId and nothing else; a body without it, none.
    expect(await resolved(fn, { on: 'db', calls: [['createCollection', 'fresh']] })).toEqual({ errMsg: 'createCollection:ok', requestId: 'local-cloud' });
    cloud.faults.next({ kind: 'answer', body: { data: {} } }, { api: 'database.addCollection' });
    expect(await resolved(fn, { on: 'db', calls: [['createCollection', 'other']] })).toEqual({ errMsg: 'createCollection:ok' });
    expect(cloud.database.documents('items')).toHaveLength(5);
  });

  test('an openapi-only fault kind on a database request is refused with a reason, not ignored', async () => {
    cloud.faults.next({ kind: 'errcode', errcode: -1 }, { api: 'database.getDocument' });
    expect((await thrown(fn, { on: 'items', calls: [['get']] })).errCode).toBe(-501007);
    expect(cloud.requests()[0]!.outcome).toEqual({ kind: 'rejected', reason: expect.stringContaining('openapi answer') });
  });
});

describe('the request log', () => {
  test('database requests: action, collection, the query in short, the outcome; passwords redacted', async () => {
    await resolved(fn, { on: 'items', calls: [['where', { group: 'x', n: cmd(['gt', 1]) }], ['orderBy', 'n', 'desc'], ['limit', 2], ['get']] });
    await resolved(fn, { on: 'empty', calls: [['add', { data: { user: 'u', password: 'hunter2-secret' } }]] });
    await thrown(fn, { on: 'missing', calls: [['get']] });
    expect(lines).toEqual([
      `[localcloud] #1 ${PROBE_NAME} → database.getDocument items where {"group":"x","n":{"$gt":1}} order {"n":-1} limit 2 → 2 documents`,
      `[localcloud] #2 ${PROBE_NAME} → database.insertDocument empty 1 document {"user":"u","password":"******"} → inserted 1`,
      `[localcloud] #3 ${PROBE_NAME} → database.getDocument missing where {} limit 100 → TCB error DATABASE_COLLECTION_NOT_EXIST: [ResourceNotFound] Db or Table not exist. Please check your request, but if the problem cannot be solved, contact us.`,
    ]);
    expect(JSON.stringify(cloud.requests())).not.toContain('hunter2');
    expect(cloud.requests().map((request) => [request.service, request.apiName, request.collection])).toEqual([
      ['database', 'database.getDocument', 'items'],
      ['database', 'database.insertDocument', 'empty'],
      ['database', 'database.getDocument', 'missing'],
    ]);
  });
});

describe('a state folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'localcloud-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('import, change through the SDK, export, import again: the same documents, dates and ids intact', async () => {
    mkdirSync(path.join(dir, 'database'));
    writeFileSync(
      path.join(dir, 'database', 'notes.json'),
      JSON.stringify([
        { _id: 'n1', text: 'first', at: { $date: '2024-01-01T00:00:00.000Z' }, _openid: 'oClientWriter00000000000000001' },
        { _id: 'n2', text: 'second', count: 2 },
      ]),
    );
    writeFileSync(path.join(dir, 'database', 'empty.json'), '[]');
    const first = await startLocalCloud({ functionsDir: built.functionsDir, stateDir: dir, exportOnClose: true });
    const container = await startProbe(first, built.functionDir);
    try {
      expect(first.database.collections()).toEqual(['empty', 'notes']);
      expect((await resolved(container, { on: 'notes', calls: [['doc', 'n1'], ['get']] })).data).toEqual({
        _id: 'n1',
        text: 'first',
        at: date(Date.UTC(2024, 0, 1)),
        _openid: 'oClientWriter00000000000000001',
      });
      await resolved(container, { on: 'notes', calls: [['doc', 'n2'], ['update', { data: { count: cmd(['inc', 1]), due: date(Date.UTC(2025, 5, 1, 12)) } }]] });
      await resolved(container, { on: 'notes', calls: [['add', { data: { _id: 'n3', text: 'third' } }]] });
      await resolved(container, { on: 'db', calls: [['createCollection', 'made']] });
    } finally {
      await container.close();
    }
    const exported = first.database.documents('notes');
    await first.close();

    const text = readFileSync(path.join(dir, 'database', 'notes.json'), 'utf8');
    expect(text).toContain('"$date": "2025-06-01T12:00:00Z"');
    expect(readFileSync(path.join(dir, 'database', 'made.json'), 'utf8').trim()).toBe('[]');
    const again = await startLocalCloud({ functionsDir: built.functionsDir, stateDir: dir });
    try {
      expect(again.database.collections()).toEqual(['empty', 'made', 'notes']);
      expect(again.database.documents('notes')).toEqual(exported);
      expect(again.database.documents('notes')).toEqual([
        { _id: 'n1', text: 'first', at: new Date(Date.UTC(2024, 0, 1)), _openid: 'oClientWriter00000000000000001' },
        { _id: 'n2', text: 'second', count: 3, due: new Date(Date.UTC(2025, 5, 1, 12)) },
        { _id: 'n3', text: 'third' },
      ]);
    } finally {
      await again.close();
    }
  });

  test('the logistics state goes out and in beside the collections; its files hold no password but the registry', async () => {
    const first = await startLocalCloud({
      carrierAccounts: [{ deliveryId: 'YUNDA', bizId: 'y1', password: 'pw-registry-only' }],
      printers: ['oPrinter000000000000000000001'],
      knownUsers: ['oKnown0000000000000000000001'],
      accounts: [{ deliveryId: 'EMS', bizId: 'e1', statusCode: 1 }],
      collections: { notes: [{ _id: 'a' }] },
    });
    first.exportState(dir);
    await first.close();
    expect(existsSync(path.join(dir, 'openapi', 'accounts.json'))).toBe(true);
    for (const file of ['accounts.json', 'printers.json', 'known-users.json', 'printer-tags.json']) {
      expect(readFileSync(path.join(dir, 'openapi', file), 'utf8')).not.toContain('pw-registry-only');
    }
    const again = await startLocalCloud({ stateDir: dir });
    try {
      expect(again.openapi.state()).toEqual(first.openapi.state());
      expect(again.openapi.state().pendingAccounts).toEqual([{ deliveryId: 'EMS', bizId: 'e1' }]);
      expect(again.database.documents('notes')).toEqual([{ _id: 'a' }]);
      expect(JSON.stringify(again.openapi.state())).not.toContain('pw-registry-only');
    } finally {
      await again.close();
    }
  });

  test('a missing state folder is an empty start; a malformed collection file is a clear error', async () => {
    const empty = await startLocalCloud({ stateDir: path.join(dir, 'not-there') });
    expect(empty.database.collections()).toEqual([]);
    await empty.close();
    mkdirSync(path.join(dir, 'database'));
    writeFileSync(path.join(dir, 'database', 'bad.json'), '{"not":"an array"}');
    await expect(startLocalCloud({ stateDir: dir })).rejects.toThrow(/bad\.json must hold a JSON array of documents/);
  });
});
