/**
 * Printer invites and the roster through runOperation, against the in-memory database: minting
 * (admins with an OPENID), preview, accepting (any caller with an OPENID binds themself after
 * claiming one use), revoke and rename, the order of refusals, the records that follow, and what
 * never gets out (the token is in no document, audit line or other answer).
 */
import fc from 'fast-check';
import type { AuditLine } from '../../core/audit';
import { routeUpdatePrinterEvent } from '../../core/operations/printer-invites';
import type { DatabaseRequest } from '../../core/records/database';
import { tokenHashOf } from '../../core/records/invites';
import { runOperation } from '../../core/run-operation';
import type { MintedInviteData } from '../../miniprogram/shared/printer-invites';
import { databaseError, memoryDatabase, recordsDatabase, type MemoryDatabase } from '../support/memory-database';
import { ADMIN_OPENID, scriptedDeps, sdkError, type ScriptedAnswer, type ScriptedCaller } from '../support/scripted-deps';

const APPID = 'wxInviteCoreTests';
const ADMIN: ScriptedCaller = { openid: ADMIN_OPENID, appid: APPID, source: 'wx_client' };
const STAFF: ScriptedCaller = { openid: 'oStaffMember0001', appid: APPID, source: 'wx_client' };
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 1, 2, 0);

interface RunOptions {
  caller?: ScriptedCaller;
  env?: Record<string, string>;
  at?: number;
  answers?: ScriptedAnswer[];
}

function world(database: MemoryDatabase = recordsDatabase()) {
  const lines: AuditLine[] = [];
  const requests: DatabaseRequest[] = [];
  async function run(event: unknown, options: RunOptions = {}) {
    const h = scriptedDeps(options.answers ?? [], { caller: options.caller ?? ADMIN, env: options.env, clockStartsAt: options.at ?? T0, database: database.calls });
    const envelope = await runOperation(routeUpdatePrinterEvent(event), event, h.deps);
    lines.push(...h.audit());
    requests.push(...h.databaseRequests);
    return { envelope, calls: h.calls, audit: h.audit(), databaseRequests: h.databaseRequests, logs: h.logs };
  }
  async function mint(event: Record<string, unknown> = {}, options: RunOptions = {}): Promise<MintedInviteData> {
    const { envelope } = await run({ updateType: 'invite', ...event }, options);
    expect(envelope).toMatchObject({ ok: true, code: 'OK' });
    return envelope.data as MintedInviteData;
  }
  const invites = () => database.documents('logistics_invites');
  const roster = () => database.documents('logistics_printers');
  const history = () => database.documents('logistics_activity');
  return { database, run, mint, lines, requests, invites, roster, history };
}

describe('minting', () => {
  test('an admin mints: no openapi call, the token in data only, the invite stored with its SHA-256 and never the token', async () => {
    const w = world();
    const { envelope, calls, audit, logs } = await w.run({ updateType: 'invite', name: '  仓库小王 ', userInfo: { appId: APPID } });
    const data = envelope.data as MintedInviteData;
    expect(envelope).toMatchObject({ ok: true, code: 'OK', errMsg: 'updatePrinter:ok invite minted', data: { expiresAt: T0 + 24 * HOUR, maxUses: 1, recorded: true } });
    expect(data.invite).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(data.inviteId).toMatch(/^[0-9a-f]{16}$/);
    expect(calls).toHaveLength(0);
    expect(w.invites()).toEqual([
      {
        _id: data.inviteId,
        inviteId: data.inviteId,
        appid: APPID,
        name: '仓库小王',
        createdBy: ADMIN_OPENID,
        createdAt: T0,
        expiresAt: T0 + 24 * HOUR,
        maxUses: 1,
        usesLeft: 1,
        uses: [],
        revokedAt: null,
        tokenHash: tokenHashOf(data.invite),
      },
    ]);
    expect(w.history()).toEqual([expect.objectContaining({ at: T0, actor: ADMIN_OPENID, action: 'invite', target: { inviteId: data.inviteId }, code: 'OK', ok: true })]);
    expect(audit).toEqual([expect.objectContaining({ fn: 'updatePrinter', action: 'invite', target: { inviteId: data.inviteId }, code: 'OK', recorded: true, collectionCreated: null })]);
    for (const text of [logs.join('\n'), JSON.stringify(w.database.documents('logistics_invites')), JSON.stringify(w.history())]) expect(text).not.toContain(data.invite);
  });

  test('two mints never share a token or an id', async () => {
    const w = world();
    const [a, b] = [await w.mint(), await w.mint()];
    expect(a.invite).not.toBe(b.invite);
    expect(a.inviteId).not.toBe(b.inviteId);
  });

  test('ttlHours 1–72 (default 24), maxUses 1–20 (default 1), name 1–20 characters after trimming; anything else names its field', async () => {
    const w = world();
    expect(await w.mint({ ttlHours: 72, maxUses: 20 })).toMatchObject({ expiresAt: T0 + 72 * HOUR, maxUses: 20 });
    expect(await w.mint({ ttlHours: 1, name: '😀'.repeat(20) })).toMatchObject({ expiresAt: T0 + HOUR });
    const bad: Array<[Record<string, unknown>, string]> = [
      ...[0, 73, 1.5, '24', null].map((ttlHours): [Record<string, unknown>, string] => [{ ttlHours }, 'ttlHours']),
      ...[0, 21, 2.5, '1', null].map((maxUses): [Record<string, unknown>, string] => [{ maxUses }, 'maxUses']),
      ...['', '   ', 'x'.repeat(21), '小\n王', '小\u200b王', 7].map((name): [Record<string, unknown>, string] => [{ name }, 'name']),
      [{ openid: 'oSomeone' }, 'openid'],
      [{ tagidList: '1' }, 'tagidList'],
    ];
    for (const [event, field] of bad) {
      const { envelope, databaseRequests } = await w.run({ updateType: 'invite', ...event });
      expect({ event, code: envelope.code, field: envelope.field }).toEqual({ event, code: 'INVALID_PARAM', field });
      expect(databaseRequests).toEqual([]);
    }
  });

  test('only an admin with an OPENID and an APPID mints; a refusal writes nothing', async () => {
    const w = world();
    expect((await w.run({ updateType: 'invite' }, { caller: STAFF })).envelope.code).toBe('NOT_ADMIN');
    expect((await w.run({ updateType: 'invite' }, { caller: { source: 'scf' }, env: { LOGISTICS_SERVER_SOURCES: 'scf' } })).envelope.code).toBe('NO_CALLER_IDENTITY');
    expect((await w.run({ updateType: 'invite' }, { caller: { openid: ADMIN_OPENID, source: 'wx_client' } })).envelope.code).toBe('NO_CALLER_IDENTITY');
    expect((await w.run({ updateType: 'invite' }, { env: { LOGISTICS_ADMIN_OPENIDS: '' } })).envelope.code).toBe('ADMINS_NOT_CONFIGURED');
    expect(w.requests).toEqual([]);
  });

  test('a missing collection is created on the first write, said in the audit line; the mint fails when the invite cannot be stored', async () => {
    const w = world(memoryDatabase());
    const { envelope, audit } = await w.run({ updateType: 'invite' });
    expect(envelope).toMatchObject({ ok: true, data: { recorded: true } });
    expect(audit[0]).toMatchObject({ collectionCreated: ['logistics_invites', 'logistics_activity'] });
    expect(w.invites()).toHaveLength(1);

    const denied = world();
    denied.database.fail((request) => request.collection === 'logistics_invites', databaseError(-502003, 'document.set:fail -502003 database permission denied'));
    const refused = await denied.run({ updateType: 'invite' });
    expect(refused.envelope).toMatchObject({ ok: false, errCode: -502003, code: 'DATABASE_PERMISSION_DENIED', retryable: false });
    expect(refused.envelope.data).toBeUndefined();
    expect(denied.history()).toEqual([expect.objectContaining({ action: 'invite', code: 'DATABASE_PERMISSION_DENIED', ok: false })]);
  });
});

describe('preview', () => {
  test('says who invited (the roster name) and for whom, with the status; no use claimed, nothing written, no OPENID', async () => {
    const w = world();
    await w.run({ updateType: 'rename', openid: ADMIN_OPENID, name: '店长' });
    const { invite, expiresAt } = await w.mint({ name: '仓库小王' });
    const before = JSON.stringify(w.database.documents('logistics_invites')) + JSON.stringify(w.history());
    const { envelope, calls } = await w.run({ updateType: 'preview', invite }, { caller: STAFF });
    expect(envelope).toMatchObject({ ok: true, data: { inviterName: '店长', name: '仓库小王', expiresAt, status: 'OPEN' } });
    expect(JSON.stringify(envelope)).not.toContain(ADMIN_OPENID);
    expect(calls).toHaveLength(0);
    expect(JSON.stringify(w.database.documents('logistics_invites')) + JSON.stringify(w.history())).toBe(before);
    expect((await w.run({ updateType: 'preview', invite }, { caller: STAFF, at: expiresAt })).envelope.data).toMatchObject({ status: 'EXPIRED' });
  });

  test('an unknown token or one of the wrong form is INVITE_INVALID (the wrong form without a read)', async () => {
    const w = world();
    expect((await w.run({ updateType: 'preview', invite: 'A'.repeat(32) }, { caller: STAFF })).envelope.code).toBe('INVITE_INVALID');
    const malformed = await w.run({ updateType: 'preview', invite: 'short' }, { caller: STAFF });
    expect(malformed.envelope.code).toBe('INVITE_INVALID');
    expect(malformed.databaseRequests).toEqual([]);
    expect((await w.run({ updateType: 'preview' }, { caller: STAFF })).envelope).toMatchObject({ code: 'INVALID_PARAM', field: 'invite' });
  });
});

describe('accepting', () => {
  test('a staff member binds their own OPENID under their own name; the use, the roster and the history record it', async () => {
    const w = world();
    const minted = await w.mint({ name: '仓库小王' });
    const { envelope, calls, audit, logs } = await w.run({ updateType: 'bind', invite: minted.invite, name: '王小明' }, { caller: STAFF, at: T0 + 5 });
    expect(envelope).toMatchObject({ ok: true, code: 'OK', data: { inviteId: minted.inviteId, recorded: true } });
    expect(calls).toEqual([{ openid: STAFF.openid, updateType: 'bind' }]);
    expect(w.invites()[0]).toMatchObject({ usesLeft: 0, uses: [{ openid: STAFF.openid, at: T0 + 5 }] });
    expect(w.roster()).toEqual([{ _id: STAFF.openid, name: '王小明', addedBy: ADMIN_OPENID, addedAt: T0 + 5, via: 'invite', inviteId: minted.inviteId }]);
    expect(w.history()).toContainEqual(expect.objectContaining({ at: T0 + 5, actor: STAFF.openid, action: 'accept', target: { inviteId: minted.inviteId }, code: 'OK', ok: true }));
    expect(audit).toEqual([expect.objectContaining({ action: 'bind', caller: STAFF.openid, target: { openid: STAFF.openid, inviteId: minted.inviteId }, code: 'OK', attempts: 1, recorded: true })]);
    expect(logs.join('\n')).not.toContain(minted.invite);
  });

  test('without a name of their own the accepter gets the invite\'s name; without either, none', async () => {
    const w = world();
    await w.run({ updateType: 'bind', invite: (await w.mint({ name: '仓库小王', maxUses: 2 })).invite }, { caller: STAFF });
    await w.run({ updateType: 'bind', invite: (await w.mint()).invite }, { caller: { ...STAFF, openid: 'oSecondStaff' } });
    expect(w.roster().map((entry) => [entry._id, entry.name])).toEqual([
      [STAFF.openid, '仓库小王'],
      ['oSecondStaff', undefined],
    ]);
  });

  test('a second accept by the same person claims nothing: ok alreadyAccepted while on the roster, INVITE_USED_UP after an unbind', async () => {
    const w = world();
    const { invite } = await w.mint({ maxUses: 3 });
    await w.run({ updateType: 'bind', invite }, { caller: STAFF });
    const again = await w.run({ updateType: 'bind', invite }, { caller: STAFF, at: T0 + 1 });
    expect(again.envelope).toMatchObject({ ok: true, data: { alreadyAccepted: true, recorded: true } });
    expect(again.calls).toHaveLength(0);
    expect(w.invites()[0]).toMatchObject({ usesLeft: 2, uses: [{ openid: STAFF.openid }] });
    expect(await w.run({ openid: STAFF.openid, updateType: 'unbind' })).toMatchObject({ envelope: { ok: true, data: { recorded: true } } });
    expect(w.roster()).toEqual([]);
    const old = await w.run({ updateType: 'bind', invite }, { caller: STAFF, at: T0 + 2 });
    expect(old.envelope).toMatchObject({ ok: false, code: 'INVITE_USED_UP' });
    expect(old.calls).toHaveLength(0);
    expect(w.invites()[0]).toMatchObject({ usesLeft: 2 });
  });

  test('of N people racing for the last use exactly one is bound and N−1 are INVITE_USED_UP, one use recorded', async () => {
    const w = world();
    const { invite } = await w.mint();
    const racers = Array.from({ length: 8 }, (_, i) => ({ ...STAFF, openid: `oRacer${i}` }));
    const results = await Promise.all(racers.map((caller) => w.run({ updateType: 'bind', invite }, { caller })));
    expect(results.filter((r) => r.envelope.ok)).toHaveLength(1);
    expect(results.filter((r) => r.envelope.code === 'INVITE_USED_UP')).toHaveLength(7);
    expect(results.flatMap((r) => r.calls)).toHaveLength(1);
    expect(w.invites()[0]).toMatchObject({ usesLeft: 0, uses: [expect.anything()] });
    // Refused accepts write nothing.
    expect(w.history().filter((entry) => entry.action === 'accept')).toHaveLength(1);
  });

  test('revoked, expired, unknown, another mini program\'s: each its own refusal, no call, nothing written', async () => {
    const w = world();
    const revoked = await w.mint();
    await w.run({ updateType: 'revoke', inviteId: revoked.inviteId });
    const expiring = await w.mint({ ttlHours: 1 });
    const open = await w.mint();
    const snapshot = () => JSON.stringify([w.invites(), w.roster(), w.history()]);
    const before = snapshot();
    const cases: Array<[string, ScriptedCaller, number, string]> = [
      [revoked.invite, STAFF, T0, 'INVITE_REVOKED'],
      [expiring.invite, STAFF, T0 + HOUR, 'INVITE_EXPIRED'],
      ['B'.repeat(40), STAFF, T0, 'INVITE_INVALID'],
      [open.invite, { ...STAFF, appid: 'wxAnotherApp' }, T0, 'INVITE_INVALID'],
      [`${open.invite}!`, STAFF, T0, 'INVITE_INVALID'],
    ];
    for (const [token, caller, at, code] of cases) {
      const { envelope, calls } = await w.run({ updateType: 'bind', invite: token }, { caller, at });
      expect({ token, code: envelope.code, retryable: envelope.retryable }).toEqual({ token, code, retryable: false });
      expect(calls).toHaveLength(0);
    }
    expect(snapshot()).toBe(before);
  });

  test('a bind that definitely failed gives the use back and writes no history; an unknown outcome keeps it and names the printer', async () => {
    const w = world();
    const { invite } = await w.mint();
    const failed = await w.run({ updateType: 'bind', invite }, { caller: STAFF, answers: [sdkError(40003, 'openapi.logistics.updatePrinter:fail invalid openid')] });
    expect(failed.envelope).toMatchObject({ ok: false, code: 'INVALID_OPENID' });
    expect(failed.audit[0]).toMatchObject({ useGivenBack: true });
    expect(w.invites()[0]).toMatchObject({ usesLeft: 1, uses: [] });
    expect(w.history().filter((entry) => entry.action === 'accept')).toEqual([]);

    const unknown = await w.run({ updateType: 'bind', invite }, { caller: STAFF, answers: ['hang'] });
    expect(unknown.envelope.code).toBe('OUTCOME_UNKNOWN');
    expect(w.invites()[0]).toMatchObject({ usesLeft: 0, uses: [{ openid: STAFF.openid }] });
    expect(w.roster()).toEqual([expect.objectContaining({ _id: STAFF.openid, via: 'invite' })]);
  });

  test('a claim applied whose answer was lost is retried with the same filter and found to be this run\'s own: bound once', async () => {
    const w = world();
    const { invite } = await w.mint();
    w.database.fail((request) => request.op === 'update', databaseError(-501001, 'collection.update:fail -501001 resource system error. request timeout'), { applied: true });
    const { envelope, calls } = await w.run({ updateType: 'bind', invite }, { caller: STAFF });
    expect(envelope).toMatchObject({ ok: true });
    expect(calls).toHaveLength(1);
    expect(w.invites()[0]).toMatchObject({ usesLeft: 0, uses: [{ openid: STAFF.openid }] });
  });

  test('the records failing after WeChat bound: still ok, with recorded: false in data and the audit line', async () => {
    const w = world();
    const { invite } = await w.mint();
    w.database.fail((request) => request.collection !== 'logistics_invites', databaseError(-502001, 'fail -502001 database request fail'), { times: Infinity });
    const { envelope, audit } = await w.run({ updateType: 'bind', invite }, { caller: STAFF });
    expect(envelope).toMatchObject({ ok: true, data: { recorded: false } });
    expect(audit[0]).toMatchObject({ code: 'OK', recorded: false });
  });

  test('the database failing before the claim: its own envelope, no call', async () => {
    const w = world();
    const { invite } = await w.mint();
    w.database.fail(() => true, databaseError(-502003, 'collection.get:fail -502003 database permission denied'), { times: Infinity });
    const { envelope, calls } = await w.run({ updateType: 'bind', invite }, { caller: STAFF });
    expect(envelope).toMatchObject({ ok: false, code: 'DATABASE_PERMISSION_DENIED' });
    expect(calls).toHaveLength(0);
  });

  test('an invite a client wrote (it carries _openid) is no invite', async () => {
    const w = world();
    const token = 'C'.repeat(32);
    w.database.insert('logistics_invites', { _openid: 'oClient', inviteId: 'c0ffee', appid: APPID, createdBy: ADMIN_OPENID, createdAt: T0, expiresAt: T0 + HOUR, maxUses: 5, usesLeft: 5, uses: [], revokedAt: null, tokenHash: tokenHashOf(token) });
    const { envelope, calls } = await w.run({ updateType: 'bind', invite: token }, { caller: STAFF });
    expect(envelope.code).toBe('INVITE_INVALID');
    expect(calls).toHaveLength(0);
  });

  test('refusals in the documented order, none of them calling WeChat or touching the database', async () => {
    const w = world();
    const { invite } = await w.mint();
    w.requests.length = 0;
    const cases: Array<[unknown, RunOptions, string, string?]> = [
      [{ invite: 1, openid: 'x' }, { caller: { source: 'scf' }, env: { LOGISTICS_SERVER_SOURCES: 'scf' } }, 'NO_CALLER_IDENTITY'],
      [{ invite: 1, openid: 'x' }, { caller: { openid: 12345, source: 'wx_client' } }, 'INVALID_CALLER_IDENTITY'],
      [{ invite: 1, openid: 'x' }, { caller: STAFF, env: { LOGISTICS_ADMIN_OPENIDS: '' } }, 'ADMINS_NOT_CONFIGURED'],
      [{ invite: 1, openid: 'x', tagidList: '1', ttlHours: 1, extra: 1, updateType: 'unbind' }, { caller: STAFF }, 'INVALID_PARAM', 'openid'],
      [{ invite: 1, tagidList: '1', ttlHours: 1, extra: 1, updateType: 'unbind' }, { caller: STAFF }, 'INVALID_PARAM', 'tagidList'],
      [{ invite: 1, ttlHours: 1, extra: 1, updateType: 'unbind' }, { caller: STAFF }, 'INVALID_PARAM', 'ttlHours'],
      [{ invite: 1, maxUses: 1, extra: 1, updateType: 'unbind' }, { caller: STAFF }, 'INVALID_PARAM', 'maxUses'],
      [{ invite: 1, extra: 1, updateType: 'unbind' }, { caller: STAFF }, 'INVALID_PARAM', 'extra'],
      [{ invite: 1, updateType: 'unbind' }, { caller: STAFF }, 'INVALID_PARAM', 'updateType'],
      [{ invite }, { caller: STAFF }, 'INVALID_PARAM', 'updateType'],
      [{ invite: 1, updateType: 'bind' }, { caller: STAFF }, 'INVALID_PARAM', 'invite'],
      [{ invite: 'short', updateType: 'bind', name: '' }, { caller: STAFF }, 'INVALID_PARAM', 'name'],
      [{ invite: 'x'.repeat(65), updateType: 'bind' }, { caller: STAFF }, 'INVITE_INVALID'],
      [{ invite: 'x'.repeat(21), updateType: 'bind' }, { caller: STAFF }, 'INVITE_INVALID'],
    ];
    for (const [event, options, code, field] of cases) {
      const { envelope, calls, audit } = await w.run(event, options);
      expect({ event, code: envelope.code, field: envelope.field }).toEqual({ event, code, field });
      expect(calls).toHaveLength(0);
      expect(audit[0]).toMatchObject({ action: null, target: null, attempts: 0, recorded: null });
    }
    expect(w.requests).toEqual([]);
  });
});

describe('revoke and rename', () => {
  test('revoke: the invite stops working, a second revoke is ok with alreadyRevoked, an unknown id is INVITE_NOT_FOUND with nothing written', async () => {
    const w = world();
    const { invite, inviteId } = await w.mint();
    expect((await w.run({ updateType: 'revoke', inviteId }, { at: T0 + 7 })).envelope).toMatchObject({ ok: true, data: { inviteId, recorded: true } });
    expect(w.invites()[0]).toMatchObject({ revokedAt: T0 + 7 });
    expect((await w.run({ updateType: 'revoke', inviteId })).envelope).toMatchObject({ ok: true, data: { alreadyRevoked: true } });
    const entries = w.history().length;
    expect((await w.run({ updateType: 'revoke', inviteId: 'ffffffffffffffff' })).envelope).toMatchObject({ ok: false, code: 'INVITE_NOT_FOUND' });
    expect((await w.run({ updateType: 'revoke', inviteId }, { caller: { ...ADMIN, appid: 'wxAnotherApp' } })).envelope.code).toBe('INVITE_NOT_FOUND');
    expect(w.history()).toHaveLength(entries);
    expect((await w.run({ updateType: 'bind', invite }, { caller: STAFF })).envelope.code).toBe('INVITE_REVOKED');
    expect((await w.run({ updateType: 'revoke', inviteId }, { caller: STAFF })).envelope.code).toBe('NOT_ADMIN');
    expect((await w.run({ updateType: 'revoke', inviteId: 'x y' })).envelope).toMatchObject({ code: 'INVALID_PARAM', field: 'inviteId' });
  });

  test('rename: names a printer on the roster (one bound elsewhere too), keeps who added them, no openapi call', async () => {
    const w = world();
    await w.run({ openid: 'oWarehouse', updateType: 'bind' }, { at: T0 + 1 });
    const renamed = await w.run({ updateType: 'rename', openid: 'oWarehouse', name: ' 仓库打印机 ' });
    expect(renamed.envelope).toMatchObject({ ok: true, data: { openid: 'oWarehouse', name: '仓库打印机', recorded: true } });
    expect(renamed.calls).toHaveLength(0);
    expect((await w.run({ updateType: 'rename', openid: 'oWarehouse', name: '仓库打印机' })).envelope.ok).toBe(true);
    await w.run({ updateType: 'rename', openid: 'oBoundElsewhere', name: '老李' });
    expect(w.roster()).toEqual([
      { _id: 'oWarehouse', name: '仓库打印机', addedBy: ADMIN_OPENID, addedAt: T0 + 1, via: 'openid', inviteId: null },
      { _id: 'oBoundElsewhere', name: '老李' },
    ]);
    // A repeated bind keeps the name.
    await w.run({ openid: 'oWarehouse', updateType: 'bind' }, { at: T0 + 2 });
    expect(w.roster()[0]).toMatchObject({ name: '仓库打印机', addedAt: T0 + 2 });
    for (const [event, field] of [[{ openid: 'oWarehouse' }, 'name'], [{ name: '小王' }, 'openid'], [{ openid: 'o w', name: '小王' }, 'openid'], [{ openid: 'oW', name: 'x'.repeat(21) }, 'name']] as const) {
      expect((await w.run({ updateType: 'rename', ...event })).envelope).toMatchObject({ code: 'INVALID_PARAM', field });
    }
    expect((await w.run({ updateType: 'rename', openid: 'oWarehouse', name: '我' }, { caller: STAFF })).envelope.code).toBe('NOT_ADMIN');
  });
});

describe('printer bind and unbind by openid keep the roster and the history', () => {
  test('bind puts them on the roster (self when the caller binds themself), unbind takes them off; both are in the history whatever WeChat answered', async () => {
    const w = world();
    await w.run({ updateType: 'bind' }, { at: T0 });
    await w.run({ openid: 'oWarehouse', updateType: 'bind' }, { at: T0 + 1, answers: [sdkError(40003, 'openapi.logistics.updatePrinter:fail invalid openid')] });
    expect(w.roster()).toEqual([expect.objectContaining({ _id: ADMIN_OPENID, via: 'self', addedBy: ADMIN_OPENID })]);
    await w.run({ updateType: 'unbind' }, { at: T0 + 2 });
    expect(w.roster()).toEqual([]);
    expect(w.history().map((entry) => [entry.action, entry.code, entry.ok])).toEqual([
      ['printer.bind', 'OK', true],
      ['printer.bind', 'INVALID_OPENID', false],
      ['printer.unbind', 'OK', true],
    ]);
  });

  test('a server caller without OPENID: the history has no actor', async () => {
    const w = world();
    await w.run({ openid: 'oWarehouse', updateType: 'bind' }, { caller: { source: 'wx_trigger' }, env: { LOGISTICS_SERVER_SOURCES: 'wx_trigger' } });
    expect(w.history()[0]).not.toHaveProperty('actor');
    expect(w.roster()[0]).not.toHaveProperty('addedBy');
  });
});

test('fuzzed: arbitrary events never throw, bind no one but the caller on an accept, and a refusal neither calls WeChat nor writes', async () => {
  const w = world();
  const { invite } = await w.mint({ maxUses: 20 });
  const tokens = fc.oneof(fc.constant(invite), fc.string({ maxLength: 80 }), fc.stringMatching(/^[A-Za-z0-9_-]{20,66}$/), fc.anything());
  const events = fc.record(
    {
      invite: tokens,
      updateType: fc.oneof(fc.constantFrom('bind', 'invite', 'preview', 'revoke', 'rename'), fc.anything()),
      openid: fc.string(),
      name: fc.oneof(fc.string({ maxLength: 25 }), fc.anything()),
      inviteId: fc.string(),
      ttlHours: fc.anything(),
      extra: fc.anything(),
    },
    { requiredKeys: [] },
  );
  const callers = fc.constantFrom<ScriptedCaller>(ADMIN, STAFF, {}, { source: 'scf' }, { openid: 99, source: 'wx_client' });
  await fc.assert(
    fc.asyncProperty(events, callers, async (event, caller) => {
      const writesBefore = w.history().length;
      const { envelope, calls } = await w.run(event, { caller, env: { LOGISTICS_SERVER_SOURCES: 'scf' } });
      expect(typeof envelope.code).toBe('string');
      expect(envelope.ok).toBe(envelope.errCode === 0);
      if (!envelope.ok) expect(calls).toHaveLength(0);
      if (envelope.errCode <= -900000) expect(w.history()).toHaveLength(writesBefore);
      if (Object.prototype.hasOwnProperty.call(event, 'invite')) {
        for (const params of calls) expect(params).toEqual({ openid: caller.openid, updateType: 'bind' });
        if (calls.length > 0) expect(event.invite).toBe(invite);
      }
      expect(JSON.stringify(w.database.documents('logistics_invites'))).not.toContain(invite);
    }),
    { numRuns: 500 },
  );
});
