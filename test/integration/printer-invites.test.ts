/**
 * Issue 21 through the built functions, the real wx-server-sdk and the local cloud's database:
 * invites (mint, preview, accept, revoke), the roster (binds, unbinds, rename) and the history,
 * the race for the last use, second accepts, a use given back or kept, client-written documents
 * ignored, missing collections created, the database's faults, and no token or password anywhere.
 */
import type { Envelope } from '../../core/envelope';
import type { WarmFunction } from '../../localcloud/invoke';
import { startLocalCloud, type LocalCloud } from '../../localcloud/server';
import type { BindingsData } from '../../miniprogram/shared/bindings';
import type { MintedInviteData } from '../../miniprogram/shared/printer-invites';
import { tokenHashOf } from '../../core/records/invites';
import { ADMIN, ADMIN_CALLER, ADMIN_ENV, call, containerPool, ensureBuilt, SLOW_TEST_MS } from './support/harness';

jest.setTimeout(SLOW_TEST_MS);

const STAFF = 'oStaffInvited0000000000000001';
const RACERS = ['oRacer00000000000000000000001', 'oRacer00000000000000000000002', 'oRacer00000000000000000000003', 'oRacer00000000000000000000004'];
const PASSWORD = 'records-test-password-never-stored';
const COLLECTIONS = ['logistics_printers', 'logistics_invites', 'logistics_activity'];
const pool = containerPool();
let cloud: LocalCloud;
let admin: WarmFunction;
let staff: WarmFunction;
let racers: WarmFunction[];
let bindings: WarmFunction;
let accounts: WarmFunction;

beforeAll(async () => {
  await ensureBuilt();
  cloud = await startLocalCloud({ carrierAccounts: [{ deliveryId: 'YUNDA', bizId: 'records-yunda', password: PASSWORD }] });
  [admin, staff, bindings, accounts, ...racers] = await Promise.all([
    pool.start({ cloud, fn: 'updatePrinter' }),
    pool.start({ cloud, fn: 'updatePrinter', caller: { ...ADMIN_CALLER, openid: STAFF } }),
    pool.start({ cloud, fn: 'getBindings' }),
    pool.start({ cloud, fn: 'bindAccount' }),
    ...RACERS.map((openid) => pool.start({ cloud, fn: 'updatePrinter', caller: { ...ADMIN_CALLER, openid } })),
  ]);
});

afterAll(async () => {
  await pool.closeAll();
  await cloud?.close();
});

beforeEach(() => {
  cloud.faults.clear();
  cloud.clearRequests();
  // Each test starts with the three collections empty, as the owner made them.
  for (const name of COLLECTIONS) cloud.database.seed(name, []);
});

const documents = (name: string) => cloud.database.documents(name) ?? [];
const openapiCalls = () => cloud.requests().filter((request) => request.service === 'openapi');

async function mint(event: Record<string, unknown> = {}): Promise<MintedInviteData> {
  const envelope = await call(admin, { updateType: 'invite', ...event });
  expect(envelope).toMatchObject({ ok: true, code: 'OK' });
  return envelope.data as MintedInviteData;
}

async function read(parts: string[]): Promise<Envelope<BindingsData>> {
  return (await call(bindings, { parts })) as Envelope<BindingsData>;
}

test('mint → preview → accept under the accepter\'s own name → listed in getBindings, named, with the history', async () => {
  await call(admin, { updateType: 'rename', openid: ADMIN, name: '店长' });
  const minted = await mint({ name: '仓库小王', ttlHours: 2 });
  expect(minted).toMatchObject({ invite: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/), maxUses: 1, recorded: true });
  expect(openapiCalls()).toEqual([]);
  const stored = documents('logistics_invites');
  expect(stored).toEqual([expect.objectContaining({ _id: minted.inviteId, name: '仓库小王', createdBy: ADMIN, usesLeft: 1, uses: [], revokedAt: null, tokenHash: tokenHashOf(minted.invite) })]);
  expect(stored[0]).not.toHaveProperty('_openid');

  const preview = await call(staff, { updateType: 'preview', invite: minted.invite });
  expect(preview).toMatchObject({ ok: true, data: { inviterName: '店长', name: '仓库小王', expiresAt: minted.expiresAt, status: 'OPEN' } });
  expect(JSON.stringify(preview)).not.toContain(ADMIN);

  const accepted = await call(staff, { updateType: 'bind', invite: minted.invite, name: '王小明' });
  expect(accepted).toMatchObject({ ok: true, errMsg: 'openapi.logistics.updatePrinter:ok', data: { inviteId: minted.inviteId, recorded: true } });
  expect(openapiCalls()).toEqual([expect.objectContaining({ apiName: 'logistics.updatePrinter', callerOpenid: STAFF, params: { openid: STAFF, update_type: 'bind' } })]);

  const again = await call(racers[0]!, { updateType: 'bind', invite: minted.invite });
  expect(again).toMatchObject({ ok: false, code: 'INVITE_USED_UP' });

  const envelope = await read(['printers', 'invites', 'history']);
  expect(envelope.ok).toBe(true);
  expect(envelope.data!.printers).toMatchObject({ ok: true, roster: { ok: true } });
  const people = (envelope.data!.printers as { people: Array<{ openid: string }> }).people;
  expect(people.find((person) => person.openid === STAFF)).toEqual({ openid: STAFF, name: '王小明', addedBy: ADMIN, addedAt: expect.any(Number), via: 'invite', inviteId: minted.inviteId });
  expect(envelope.data!.invites).toMatchObject({ ok: true, total: 1, list: [{ inviteId: minted.inviteId, name: '仓库小王', status: 'USED_UP', uses: [{ openid: STAFF }] }] });
  const history = (envelope.data!.history as { list: Array<{ action: string; actor?: string }> }).list;
  expect(history.map((entry) => entry.action)).toEqual(['accept', 'invite', 'rename']);
  expect(history[0]).toMatchObject({ actor: STAFF, target: { inviteId: minted.inviteId }, code: 'OK', ok: true });
  // Reads and refusals wrote nothing.
  expect(documents('logistics_activity')).toHaveLength(3);
});

test('of several people racing for the last use exactly one is bound, the rest INVITE_USED_UP, one use recorded', async () => {
  const { invite } = await mint();
  const results = await Promise.all(racers.map((racer) => call(racer, { updateType: 'bind', invite })));
  expect(results.filter((result) => result.ok)).toHaveLength(1);
  expect(results.filter((result) => result.code === 'INVITE_USED_UP')).toHaveLength(racers.length - 1);
  expect(openapiCalls()).toHaveLength(1);
  expect(documents('logistics_invites')[0]).toMatchObject({ usesLeft: 0, uses: [expect.anything()] });
  expect(documents('logistics_activity').filter((entry) => entry.action === 'accept')).toHaveLength(1);
});

test('a second accept claims no second use; after an unbind the old card is refused and binds nothing', async () => {
  const { invite } = await mint({ maxUses: 3 });
  expect(await call(staff, { updateType: 'bind', invite })).toMatchObject({ ok: true });
  expect(await call(staff, { updateType: 'bind', invite })).toMatchObject({ ok: true, data: { alreadyAccepted: true } });
  expect(documents('logistics_invites')[0]).toMatchObject({ usesLeft: 2 });
  expect(await call(admin, { openid: STAFF, updateType: 'unbind' })).toMatchObject({ ok: true, data: { recorded: true } });
  expect(documents('logistics_printers').map((entry) => entry._id)).not.toContain(STAFF);
  cloud.clearRequests();
  expect(await call(staff, { updateType: 'bind', invite })).toMatchObject({ ok: false, code: 'INVITE_USED_UP' });
  expect(openapiCalls()).toEqual([]);
  expect(cloud.openapi.state().printers).not.toContain(STAFF);
});

test('revoke and expiry: each its own refusal; an unknown id is INVITE_NOT_FOUND; refusals write nothing', async () => {
  const { invite, inviteId } = await mint();
  expect(await call(admin, { updateType: 'revoke', inviteId })).toMatchObject({ ok: true, data: { inviteId, recorded: true } });
  const entries = documents('logistics_activity').length;
  expect(await call(staff, { updateType: 'bind', invite })).toMatchObject({ ok: false, code: 'INVITE_REVOKED' });
  expect(await call(staff, { updateType: 'preview', invite })).toMatchObject({ ok: true, data: { status: 'REVOKED' } });
  expect(await call(admin, { updateType: 'revoke', inviteId: 'ffffffffffffffff' })).toMatchObject({ ok: false, code: 'INVITE_NOT_FOUND' });
  expect(await call(staff, { updateType: 'revoke', inviteId })).toMatchObject({ ok: false, code: 'NOT_ADMIN' });
  cloud.database.seed('logistics_invites', [{ ...documents('logistics_invites')[0]!, revokedAt: null, expiresAt: Date.now() - 1 }]);
  expect(await call(staff, { updateType: 'bind', invite })).toMatchObject({ ok: false, code: 'INVITE_EXPIRED' });
  expect(await call(staff, { updateType: 'bind', invite: 'Z'.repeat(32) })).toMatchObject({ ok: false, code: 'INVITE_INVALID' });
  expect(documents('logistics_activity')).toHaveLength(entries);
  expect(openapiCalls()).toEqual([]);
});

test('a malformed token is INVITE_INVALID without a single request; a stranger\'s refusals write nothing', async () => {
  cloud.clearRequests();
  expect(await call(staff, { updateType: 'bind', invite: 'not a token' })).toMatchObject({ code: 'INVITE_INVALID' });
  expect(await call(staff, { updateType: 'invite' })).toMatchObject({ code: 'NOT_ADMIN' });
  expect(await call(staff, { updateType: 'rename', openid: STAFF, name: '我' })).toMatchObject({ code: 'NOT_ADMIN' });
  expect(cloud.requestCount()).toBe(0);
});

test('a bind that definitely failed gives the use back; one whose outcome is unknown keeps it and names the printer', async () => {
  const { invite } = await mint();
  cloud.faults.next({ kind: 'errcode', errcode: 40003 }, { api: 'logistics.updatePrinter' });
  const failed = await call(staff, { updateType: 'bind', invite });
  expect(failed).toMatchObject({ ok: false, code: 'INVALID_OPENID' });
  expect(documents('logistics_invites')[0]).toMatchObject({ usesLeft: 1, uses: [] });
  expect(documents('logistics_activity').filter((entry) => entry.action === 'accept')).toEqual([]);

  cloud.faults.next({ kind: 'http', status: 500, applied: true }, { api: 'logistics.updatePrinter', times: Infinity });
  const unknown = await call(staff, { updateType: 'bind', invite });
  expect(unknown).toMatchObject({ ok: false, code: 'OUTCOME_UNKNOWN' });
  expect(documents('logistics_invites')[0]).toMatchObject({ usesLeft: 0, uses: [{ openid: STAFF }] });
  expect(documents('logistics_printers')).toEqual([expect.objectContaining({ _id: STAFF, via: 'invite' })]);
});

test('a claim whose write was applied but whose answer was lost is settled by the retry: bound once, one use', async () => {
  const { invite } = await mint();
  cloud.faults.next({ kind: 'http', status: 500, applied: true }, { api: 'database.modifyDocument', collection: 'logistics_invites' });
  const accepted = await call(staff, { updateType: 'bind', invite });
  expect(accepted).toMatchObject({ ok: true });
  expect(openapiCalls()).toHaveLength(1);
  expect(documents('logistics_invites')[0]).toMatchObject({ usesLeft: 0, uses: [{ openid: STAFF }] });
});

test('documents a client wrote (_openid) are ignored in each collection', async () => {
  const token = 'ClientWrittenToken000000000000000';
  cloud.database.seed('logistics_invites', [{ _id: 'c0ffee', _openid: STAFF, inviteId: 'c0ffee', appid: ADMIN_CALLER.appid, createdBy: ADMIN, createdAt: Date.now(), expiresAt: Date.now() + 3_600_000, maxUses: 9, usesLeft: 9, uses: [], revokedAt: null, tokenHash: tokenHashOf(token) }]);
  cloud.database.seed('logistics_printers', [{ _id: ADMIN, _openid: STAFF, name: '冒名' }]);
  cloud.database.seed('logistics_activity', [{ _openid: STAFF, at: Date.now(), actor: STAFF, action: 'rename', target: { openid: ADMIN }, code: 'OK', ok: true }]);
  expect(await call(staff, { updateType: 'bind', invite: token })).toMatchObject({ ok: false, code: 'INVITE_INVALID' });
  await call(admin, { updateType: 'bind' });
  const envelope = await read(['printers', 'invites', 'history']);
  const people = (envelope.data!.printers as { people: Array<{ openid: string; name?: string }> }).people;
  expect(people.find((person) => person.openid === ADMIN)?.name).toBeUndefined();
  expect(envelope.data!.invites).toMatchObject({ ok: true, list: [] });
  expect((envelope.data!.history as { list: Array<{ actor?: string }> }).list.every((entry) => entry.actor !== STAFF)).toBe(true);
});

test('a missing collection is created on a write (collectionCreated in the audit line); a read creates nothing', async () => {
  for (const name of COLLECTIONS) cloud.database.seed(name, []);
  const fresh = await startLocalCloud();
  try {
    const [writer, reader] = await Promise.all([pool.start({ cloud: fresh, fn: 'updatePrinter' }), pool.start({ cloud: fresh, fn: 'getBindings' })]);
    expect(await call(reader, { parts: ['printers', 'invites', 'history'] })).toMatchObject({ ok: true, data: { invites: { ok: true, list: [] }, history: { ok: true, list: [] } } });
    expect(fresh.database.collections()).toEqual([]);
    expect(await call(writer, { updateType: 'invite' })).toMatchObject({ ok: true, data: { recorded: true } });
    expect(fresh.database.collections()).toEqual(['logistics_activity', 'logistics_invites']);
    const audit = writer.output().stdout.split('\n').filter((line) => line.includes('"audit":"logistics"')).map((line) => JSON.parse(line));
    expect(audit.at(-1)).toMatchObject({ action: 'invite', collectionCreated: ['logistics_invites', 'logistics_activity'], recorded: true });
  } finally {
    await fresh.close();
  }
});

describe('every database fault: the writes stay ok with recorded: false, the reads degrade as stated', () => {
  // A JSON 200 whose data lacks the write's count: the SDK resolves doc().set with stats.updated
  // undefined (test/integration/database.test.ts), which is no evidence that anything was saved.
  const WITHOUT_COUNT = { kind: 'answer', body: { requestId: 'x', data: {} } } as const;

  const FAULTS = [
    ['DATABASE_PERMISSION_DENIED', { kind: 'tcbJson', code: 'DATABASE_PERMISSION_DENIED' }],
    ['HTTP 500', { kind: 'http', status: 500 }],
    ['a garbage body', { kind: 'malformed' }],
    ['applied, answer lost', { kind: 'http', status: 500, applied: true }],
    ['a JSON 200 without the count or the documents', WITHOUT_COUNT],
    // Run by containers with a short time budget (QUICK_ENV): each request is given up when it ends.
    ['no answer at all (hang)', { kind: 'hang' }],
  ] as const;
  const QUICK_ENV = { ...ADMIN_ENV, LOGISTICS_TIME_BUDGET_MS: '600', LOGISTICS_REQUEST_TIMEOUT_MS: '600' };

  test('a bind\'s roster and history writes go out together: each arrived before either was answered', async () => {
    // Both answers held back a while: a function writing one after the other could not send the
    // history before the roster's answer came.
    cloud.openapi.addKnownUsers([STAFF]);
    for (const collection of ['logistics_printers', 'logistics_activity']) cloud.faults.next({ kind: 'slow', delayMs: 400 }, { collection });
    expect(await call(admin, { openid: STAFF, updateType: 'bind' })).toMatchObject({ ok: true, data: { recorded: true } });
    const firstOf = (collection: string) => cloud.requests().find((request) => request.service === 'database' && request.collection === collection)!;
    const [roster, history] = [firstOf('logistics_printers'), firstOf('logistics_activity')];
    expect(Math.max(roster.receivedAt, history.receivedAt)).toBeLessThan(Math.min(roster.answeredAt!, history.answeredAt!));
    expect(documents('logistics_activity')).toHaveLength(1);
    await call(admin, { openid: STAFF, updateType: 'unbind' });
  });

  test.each(FAULTS)('%s on the roster and the history', async (label, fault) => {
    const [writer, accountWriter, reader] =
      fault.kind === 'hang'
        ? await Promise.all([pool.start({ cloud, fn: 'updatePrinter', env: QUICK_ENV }), pool.start({ cloud, fn: 'bindAccount', env: QUICK_ENV }), pool.start({ cloud, fn: 'getBindings', env: QUICK_ENV })])
        : [admin, accounts, bindings];
    cloud.openapi.addKnownUsers([STAFF]);
    // An account of this row's own, not bound yet: its bind is WeChat's success, whose history write fails.
    const bizId = `records-yunda-${FAULTS.findIndex((row) => row[0] === label)}`;
    cloud.openapi.registerCarrierAccount({ deliveryId: 'YUNDA', bizId, password: PASSWORD });
    for (const collection of ['logistics_printers', 'logistics_activity']) cloud.faults.next(fault, { collection, times: Infinity });
    const bound = await call(writer, { openid: STAFF, updateType: 'bind' });
    expect(bound).toMatchObject({ ok: true, data: { recorded: false } });
    expect(cloud.openapi.state().printers).toContain(STAFF);
    const account = await call(accountWriter, { type: 'bind', deliveryId: 'YUNDA', bizId, password: PASSWORD });
    expect(account).toMatchObject({ ok: true, data: { recorded: false } });
    const envelope = (await call(reader, { parts: ['printers', 'history'] })) as Envelope<BindingsData>;
    expect(envelope).toMatchObject({ ok: false, data: { printers: { ok: true, roster: { ok: false } }, history: { ok: false } } });
    expect((envelope.data!.printers as { people: Array<{ openid: string; name?: string }> }).people.every((person) => person.name === undefined)).toBe(true);
    const wechatOnly = await call(reader, {});
    expect(wechatOnly.ok).toBe(true);
    expect(wechatOnly.data).toMatchObject({ printers: { ok: true, roster: { ok: false } } });
    cloud.faults.clear();
    await call(admin, { openid: STAFF, updateType: 'unbind' });
  });

  test('a history write answered without its count is not recorded: the bind stays ok with recorded: false', async () => {
    cloud.openapi.addKnownUsers([STAFF]);
    cloud.faults.next(WITHOUT_COUNT, { api: 'database.modifyDocument', collection: 'logistics_activity', times: Infinity });
    expect(await call(admin, { openid: STAFF, updateType: 'bind' })).toMatchObject({ ok: true, data: { recorded: false } });
    expect(documents('logistics_printers')).toEqual([expect.objectContaining({ _id: STAFF })]);
    cloud.faults.clear();
    await call(admin, { openid: STAFF, updateType: 'unbind' });
  });

  test('an invite write answered without its count: the mint is OUTCOME_UNKNOWN and hands out no token', async () => {
    cloud.faults.next(WITHOUT_COUNT, { api: 'database.modifyDocument', collection: 'logistics_invites', times: Infinity });
    const minted = await call(admin, { updateType: 'invite' });
    expect(minted).toMatchObject({ ok: false, code: 'OUTCOME_UNKNOWN' });
    expect(minted.data).toBeUndefined();
    expect(JSON.stringify(minted)).not.toMatch(/[A-Za-z0-9_-]{32}/);
  });

  test('the invites collection failing: the mint fails with the database\'s own code, the invites part fails on its own', async () => {
    cloud.faults.next({ kind: 'tcbJson', code: 'DATABASE_PERMISSION_DENIED' }, { collection: 'logistics_invites', times: Infinity });
    expect(await call(admin, { updateType: 'invite' })).toMatchObject({ ok: false, errCode: -502003, code: 'DATABASE_PERMISSION_DENIED' });
    const envelope = await read(['accounts', 'invites']);
    expect(envelope).toMatchObject({ ok: false, code: 'DATABASE_PERMISSION_DENIED', data: { accounts: { ok: true }, invites: { ok: false, errCode: -502003 } } });
  });
});

test('no token or password in any document, answer or log line', async () => {
  const minted = await mint({ maxUses: 2 });
  // The mint's own answer carries the token, by design (it goes onto the card); nothing else does.
  const answers: unknown[] = [await call(staff, { updateType: 'preview', invite: minted.invite }), await call(staff, { updateType: 'bind', invite: minted.invite, name: '王小明' })];
  await call(accounts, { type: 'bind', deliveryId: 'YUNDA', bizId: 'records-yunda', password: PASSWORD });
  answers.push(await read(['printers', 'invites', 'history']));
  const everything = [JSON.stringify(COLLECTIONS.map((name) => documents(name))), JSON.stringify(answers), pool.output(), JSON.stringify(cloud.requests())].join('\n');
  expect(everything).not.toContain(minted.invite);
  expect(everything).not.toContain(PASSWORD);
  expect(JSON.stringify(cloud.requests({ revealSecrets: true }).filter((request) => request.service === 'database'))).not.toContain(minted.invite);
});
