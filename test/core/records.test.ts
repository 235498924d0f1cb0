/**
 * The records' pure parts (core/records/): an invite's status and listing, the roster's people,
 * history entries read back, the requests as the SDK is asked them, and getBindings' record parts
 * through runOperation against the in-memory database.
 */
import type { AuditLine } from '../../core/audit';
import { getBindingsOperation, type ReadRequest } from '../../core/operations/get-bindings';
import { cloudbaseDatabase, DATABASE_CALLS, type SdkDatabase } from '../../core/records/database';
import { historyEntry, readHistoryEntry } from '../../core/records/history';
import { closedAt, inviteDocument, inviteItem, inviteStatus, listed, newInviteSecrets, readInvite, tokenHashOf, type StoredInvite } from '../../core/records/invites';
import { peopleOf, personOf } from '../../core/records/roster';
import { runOperation, type RunnerDeps } from '../../core/run-operation';
import type { BindingsData } from '../../miniprogram/shared/bindings';
import { INVITE_TOKEN_PATTERN } from '../../miniprogram/shared/printer-invites';
import type { Envelope } from '../../core/envelope';
import { databaseError, memoryDatabase, recordsDatabase, type MemoryDatabase } from '../support/memory-database';

const T0 = Date.UTC(2026, 11, 1, 2, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function invite(overrides: Partial<StoredInvite> = {}): StoredInvite {
  return { ...inviteDocument({ inviteId: '0123456789abcdef', token: 'T'.repeat(32), appid: 'wxA', createdBy: 'oAdmin', now: T0, ttlHours: 24, maxUses: 2 }), ...overrides };
}

describe('invites', () => {
  test('a token is 32 characters of the token alphabet (192 random bits); only its SHA-256 is stored', () => {
    const { token, inviteId } = newInviteSecrets();
    expect(token).toMatch(INVITE_TOKEN_PATTERN);
    expect(token).toHaveLength(32);
    expect(inviteId).toMatch(/^[0-9a-f]{16}$/);
    const stored = inviteDocument({ inviteId, token, appid: 'wxA', createdBy: 'oAdmin', now: T0, ttlHours: 72, maxUses: 1 });
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored.tokenHash).toBe(tokenHashOf(token));
    expect(stored.expiresAt - stored.createdAt).toBe(72 * HOUR);
  });

  test('status: revoked before expired before used up', () => {
    expect(inviteStatus(invite(), T0)).toBe('OPEN');
    expect(inviteStatus(invite({ usesLeft: 0 }), T0)).toBe('USED_UP');
    expect(inviteStatus(invite({ usesLeft: 0 }), T0 + DAY)).toBe('EXPIRED');
    expect(inviteStatus(invite({ usesLeft: 0, revokedAt: T0 + 1 }), T0 + DAY)).toBe('REVOKED');
  });

  test('listed: open ones, and those closed in the last 7 days (by when they closed)', () => {
    expect(listed(invite(), T0)).toBe(true);
    expect(closedAt(invite(), T0 + DAY)).toBe(T0 + DAY);
    expect(listed(invite(), T0 + DAY + 7 * DAY - 1)).toBe(true);
    expect(listed(invite(), T0 + DAY + 7 * DAY)).toBe(false);
    const usedUp = invite({ usesLeft: 0, uses: [{ openid: 'oA', at: T0 + 5 }] });
    expect(closedAt(usedUp, T0 + 10)).toBe(T0 + 5);
    expect(listed(invite({ revokedAt: T0 + 1 }), T0 + 1 + 7 * DAY)).toBe(false);
  });

  test('a listed invite carries neither its token hash nor its appid', () => {
    const item = inviteItem(invite({ name: '仓库小王' }), T0);
    expect(item).toEqual({ inviteId: '0123456789abcdef', name: '仓库小王', createdBy: 'oAdmin', createdAt: T0, expiresAt: T0 + DAY, maxUses: 2, uses: [], status: 'OPEN' });
  });

  test('a document that is not a whole invite is none', () => {
    expect(readInvite(invite())).toEqual(invite());
    for (const broken of [null, [], { ...invite(), tokenHash: '' }, { ...invite(), usesLeft: '1' }, { ...invite(), uses: 'x' }, { ...invite(), revokedAt: 'yesterday' }]) {
      expect(readInvite(broken)).toBeUndefined();
    }
    expect(readInvite({ ...invite(), uses: [{ openid: 'oA', at: 1 }, { openid: 5 }, 'x'] })?.uses).toEqual([{ openid: 'oA', at: 1 }]);
  });
});

describe('roster and history', () => {
  test('people in the order of the openids; a field of the wrong type is left out', () => {
    const docs = [
      { _id: 'oB', name: '小王', addedBy: 'oAdmin', addedAt: 5, via: 'invite', inviteId: 'abc' },
      { _id: 'oA', name: 7, via: 'telepathy', addedAt: 'now' },
    ];
    expect(peopleOf(['oA', 'oB', 'oC'], docs)).toEqual([{ openid: 'oA' }, { openid: 'oB', name: '小王', addedBy: 'oAdmin', addedAt: 5, via: 'invite', inviteId: 'abc' }, { openid: 'oC' }]);
    expect(personOf('oX', { via: 'openid', inviteId: 'abc' })).toEqual({ openid: 'oX', via: 'openid' });
  });

  test('a history entry reads back as written; anything else is skipped', () => {
    const entry = historyEntry({ at: T0, actor: 'oAdmin', action: 'account.bind', target: { deliveryId: 'YUNDA', bizId: 'b1' }, outcome: { code: 'OK', ok: true } });
    expect(readHistoryEntry(entry)).toEqual(entry);
    for (const broken of [{ ...entry, action: 'drop.tables' }, { ...entry, target: { password: 'x' } }, { ...entry, ok: 'yes' }, { ...entry, at: 'x' }]) expect(readHistoryEntry(broken)).toBeUndefined();
    expect(Object.keys(entry).sort()).toEqual(['action', 'actor', 'at', 'code', 'ok', 'target']);
  });
});

describe('the thin layer asks the SDK as documented', () => {
  test('queries and updates become db.command calls; the database is opened on the first request only', async () => {
    const asked: unknown[] = [];
    let opened = 0;
    const command = {
      gt: (v: number) => ({ gt: v }),
      neq: (v: string) => ({ neq: v }),
      exists: (v: boolean) => ({ exists: v }),
      in: (v: readonly string[]) => ({ in: v }),
      inc: (v: number) => ({ inc: v }),
      push: (v: readonly object[]) => ({ push: v }),
      pull: (v: object) => ({ pull: v }),
    };
    const fake: SdkDatabase = {
      command,
      collection: (name) => ({
        where: (query) => ({
          orderBy: (field, order) => ({ limit: (n) => ({ get: async () => (asked.push(['get', name, query, field, order, n]), { data: [] }) }) }),
          limit: (n) => ({ get: async () => (asked.push(['get', name, query, n]), { data: [] }) }),
          update: async (options) => (asked.push(['update', name, query, options.data]), { stats: { updated: 1 } }),
        }),
        doc: (id) => ({ set: async (options) => (asked.push(['set', name, id, options.data]), {}), remove: async () => (asked.push(['remove', name, id]), {}) }),
      }),
      createCollection: async (name) => (asked.push(['create', name]), {}),
    };
    const calls = cloudbaseDatabase(() => (opened += 1, fake));
    expect(opened).toBe(0);
    await calls({ op: 'get', collection: 'logistics_activity', where: { _openid: { $exists: false } }, orderBy: ['at', 'desc'], limit: 50 });
    await calls({ op: 'update', collection: 'logistics_invites', where: { usesLeft: { $gt: 0 }, 'uses.openid': { $ne: 'oA' }, revokedAt: null, id: { $in: ['a'] } }, update: { $set: { n: 1 }, $inc: { usesLeft: -1 }, $push: { uses: [{ openid: 'oA', at: 1 }] }, $pull: { old: { openid: 'oB' } } } });
    await calls({ op: 'set', collection: 'logistics_printers', id: 'oA', data: { name: '小王' } });
    await calls({ op: 'remove', collection: 'logistics_printers', id: 'oA' });
    await calls({ op: 'createCollection', collection: 'logistics_printers' });
    expect(opened).toBe(1);
    expect(asked).toEqual([
      ['get', 'logistics_activity', { _openid: { exists: false } }, 'at', 'desc', 50],
      ['update', 'logistics_invites', { usesLeft: { gt: 0 }, 'uses.openid': { neq: 'oA' }, revokedAt: null, id: { in: ['a'] } }, { n: 1, usesLeft: { inc: -1 }, uses: { push: [{ openid: 'oA', at: 1 }] }, old: { pull: { openid: 'oB' } } }],
      ['set', 'logistics_printers', 'oA', { name: '小王' }],
      ['remove', 'logistics_printers', 'oA'],
      ['create', 'logistics_printers'],
    ]);
  });
});

describe('a write counts as an answer only on its own evidence', () => {
  // The answers as wx-server-sdk 4.0.2 resolves them (test/integration/database.test.ts).
  test.each([
    ['set', { _id: 'oA', stats: { updated: 1, created: 0 }, errMsg: 'document.set:ok' }, true],
    ['set', { _id: 'oA', stats: { updated: 0, created: 1 }, errMsg: 'document.set:ok' }, true],
    ['set', { _id: 'oA', stats: { updated: undefined, created: 0 }, errMsg: 'document.set:ok' }, false],
    ['set', { _id: 'oA', stats: { updated: 0.5, created: 0 }, errMsg: 'document.set:ok' }, false],
    ['set', { _id: 'oA', errMsg: 'document.set:ok' }, false],
    ['update', { stats: { updated: 0 }, errMsg: 'collection.update:ok' }, true],
    ['update', { stats: {}, errMsg: 'collection.update:ok' }, false],
    ['remove', { stats: { removed: 1 }, errMsg: 'document.remove:ok' }, true],
    ['remove', { stats: { removed: undefined }, errMsg: 'document.remove:ok' }, false],
    ['remove', {}, false],
    ['createCollection', { errMsg: 'createCollection:ok', requestId: 'r1' }, true],
    ['createCollection', { errMsg: 'createCollection:ok' }, false],
  ] as const)('%s answering %j: an answer %s', (op, result, answer) => {
    expect(DATABASE_CALLS[op].notAnAnswer(result, true) === undefined).toBe(answer);
  });
});

describe('getBindings with the records', () => {
  const ADMIN = 'oAdmin';
  function deps(database: MemoryDatabase, printers: string[] = ['oA', 'oB']) {
    const logs: string[] = [];
    const d: RunnerDeps<ReadRequest> = {
      wxContext: () => ({ OPENID: ADMIN, APPID: 'wxA', SOURCE: 'wx_client' }),
      env: { LOGISTICS_ADMIN_OPENIDS: ADMIN },
      call: async ({ part }) => (part === 'printers' ? { errCode: 0, errMsg: 'ok', openid: printers, tagidList: [] } : { errCode: 0, errMsg: 'ok', list: [], data: [] }),
      database: database.calls,
      log: (line) => logs.push(line),
      now: () => T0 + 10 * DAY,
      sleep: async () => undefined,
      random: () => 0.5,
    };
    return { deps: d, audit: () => logs.map((line) => JSON.parse(line) as AuditLine) };
  }
  const read = async (event: unknown, h: ReturnType<typeof deps>) => (await runOperation(getBindingsOperation, event, h.deps)) as Envelope<BindingsData>;

  test('without parts: WeChat\'s three parts only, the printers named from the roster (client-written entries ignored)', async () => {
    const db = recordsDatabase();
    db.insert('logistics_printers', { _id: 'oB', name: '小王', addedBy: ADMIN, addedAt: T0, via: 'invite', inviteId: 'abc' });
    db.insert('logistics_printers', { _id: 'oA', name: '冒充的名字', _openid: 'oA' });
    const envelope = await read({}, deps(db));
    expect(Object.keys(envelope.data!)).toEqual(['accounts', 'printers', 'carriers', 'callerOpenid']);
    expect(envelope.data!.printers).toMatchObject({ ok: true, people: [{ openid: 'oA' }, { openid: 'oB', name: '小王', via: 'invite' }], roster: { ok: true } });
  });

  test('invites (open and closed in the last 7 days, newest first, no token) and history (latest first, capped at 50)', async () => {
    const db = recordsDatabase();
    const now = T0 + 10 * DAY;
    db.insert('logistics_invites', invite({ inviteId: 'old', createdAt: T0, expiresAt: T0 + DAY }));
    db.insert('logistics_invites', invite({ inviteId: 'recent', createdAt: now - 3 * DAY, expiresAt: now - 2 * DAY }));
    db.insert('logistics_invites', invite({ inviteId: 'open', createdAt: now - HOUR, expiresAt: now + HOUR, name: '仓库小王' }));
    db.insert('logistics_invites', { ...invite({ inviteId: 'client', createdAt: now, expiresAt: now + HOUR }), _openid: 'oClient' });
    db.insert('logistics_invites', invite({ inviteId: 'other-app', appid: 'wxOther', createdAt: now, expiresAt: now + HOUR }));
    for (let i = 0; i < 60; i += 1) db.insert('logistics_activity', historyEntry({ at: T0 + i, actor: ADMIN, action: 'rename', target: { openid: 'oA' }, outcome: { code: 'OK', ok: true } }));
    db.insert('logistics_activity', { ...historyEntry({ at: now, actor: 'oClient', action: 'rename', target: { openid: 'oA' }, outcome: { code: 'OK', ok: true } }), _openid: 'oClient' });
    const envelope = await read({ parts: ['history', 'invites'] }, deps(db));
    expect(Object.keys(envelope.data!)).toEqual(['invites', 'history', 'callerOpenid']);
    const invites = envelope.data!.invites as { ok: true; list: Array<{ inviteId: string; status: string }>; total: number; truncated: boolean };
    expect(invites).toMatchObject({ ok: true, total: 2, truncated: false });
    expect(invites.list.map((item) => [item.inviteId, item.status])).toEqual([['open', 'OPEN'], ['recent', 'EXPIRED']]);
    expect(JSON.stringify(invites)).not.toMatch(/tokenHash|appid/);
    const history = envelope.data!.history as { ok: true; list: Array<{ at: number; actor: string }> };
    expect(history.list).toHaveLength(50);
    expect(history.list[0]!.at).toBe(T0 + 59);
    expect(history.list.some((entry) => entry.actor === 'oClient')).toBe(false);
  });

  test('missing collections are empty and nothing is created; reads write nothing', async () => {
    const empty = memoryDatabase();
    const envelope = await read({ parts: ['printers', 'invites', 'history'] }, deps(empty));
    expect(envelope).toMatchObject({ ok: true, data: { printers: { people: [{ openid: 'oA' }, { openid: 'oB' }], roster: { ok: true } }, invites: { ok: true, list: [], total: 0 }, history: { ok: true, list: [] } } });
    expect(empty.collections()).toEqual([]);
  });

  test('the database down: printers still listed by openid with the roster\'s own failure, top level unaffected by it; the record parts fail with their own envelopes', async () => {
    const db = recordsDatabase();
    db.fail(() => true, databaseError(-502003, 'collection.get:fail -502003 database permission denied'), { times: Infinity });
    const h = deps(db);
    const printersOnly = await read({ parts: ['printers'] }, h);
    expect(printersOnly).toMatchObject({ ok: true, data: { printers: { ok: true, openids: ['oA', 'oB'], people: [{ openid: 'oA' }, { openid: 'oB' }], roster: { ok: false, code: 'DATABASE_PERMISSION_DENIED', errCode: -502003 } } } });
    const all = await read({ parts: ['accounts', 'printers', 'invites', 'history'] }, h);
    expect(all).toMatchObject({ ok: false, code: 'DATABASE_PERMISSION_DENIED', data: { accounts: { ok: true }, printers: { ok: true }, invites: { ok: false, code: 'DATABASE_PERMISSION_DENIED' }, history: { ok: false, code: 'DATABASE_PERMISSION_DENIED' } } });
    expect(h.audit()[1]).toMatchObject({ recorded: null, collectionCreated: null });
  });
});
