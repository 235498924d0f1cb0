/**
 * Printer invites through runOperation: minting (admins with an OPENID only), accepting (any
 * caller with an OPENID binds themself), the documented order of refusals, and the audit lines,
 * which carry the invite id and never the token.
 */
import fc from 'fast-check';
import { routeUpdatePrinterEvent } from '../../core/operations/printer-invites';
import { runOperation } from '../../core/run-operation';
import { ADMIN_OPENID, scriptedDeps, type ScriptedCaller } from '../support/scripted-deps';

const SECRET = 'invite-secret-for-the-core-tests-0123456789';
const APPID = 'wxInviteCoreTests';
const ADMIN: ScriptedCaller = { openid: ADMIN_OPENID, appid: APPID, source: 'wx_client' };
const STAFF: ScriptedCaller = { openid: 'oStaffMember0001', appid: APPID, source: 'wx_client' };
const ENV = { LOGISTICS_INVITE_SECRET: SECRET };
const HOUR = 3_600_000;

async function run(event: unknown, options: Parameters<typeof scriptedDeps>[1] = {}) {
  const h = scriptedDeps([], { caller: ADMIN, ...options, env: { ...ENV, ...options.env } });
  const envelope = await runOperation(routeUpdatePrinterEvent(event), event, h.deps);
  return { envelope, ...h };
}

async function mint(ttlHours?: number, clockStartsAt = 0): Promise<{ invite: string; expiresAt: number; inviteId: string }> {
  const { envelope, audit } = await run(ttlHours === undefined ? { updateType: 'invite' } : { updateType: 'invite', ttlHours }, { clockStartsAt });
  expect(envelope).toMatchObject({ ok: true, code: 'OK' });
  const data = envelope.data as { invite: string; expiresAt: number };
  return { ...data, inviteId: audit()[0]!.target!.inviteId as string };
}

describe('minting', () => {
  test('an admin mints an invite: no openapi call, the token and its expiry in data, the id (not the token) in the audit line', async () => {
    const { envelope, calls, audit, logs } = await run({ updateType: 'invite', userInfo: { appId: APPID } }, { clockStartsAt: 1000 });
    expect(envelope).toMatchObject({ ok: true, code: 'OK', errMsg: 'updatePrinter:ok invite minted', data: { expiresAt: 1000 + 24 * HOUR } });
    expect((envelope.data as { invite: string }).invite).toMatch(/^[A-Za-z0-9_-]{63}$/);
    expect(calls).toHaveLength(0);
    expect(audit()).toEqual([expect.objectContaining({ fn: 'updatePrinter', action: 'invite', caller: ADMIN_OPENID, target: { inviteId: expect.stringMatching(/^[0-9a-f]{16}$/) }, code: 'OK' })]);
    expect(logs.join('\n')).not.toContain((envelope.data as { invite: string }).invite);
    expect(JSON.stringify(envelope)).not.toContain(SECRET);
  });

  test('ttlHours: 1 to 72 whole hours; anything else names ttlHours', async () => {
    expect((await mint(1)).expiresAt).toBe(HOUR);
    expect((await mint(72)).expiresAt).toBe(72 * HOUR);
    for (const ttlHours of [0, 73, 1.5, -1, '24', null, Number.NaN, Infinity]) {
      const { envelope, audit } = await run({ updateType: 'invite', ttlHours });
      expect(envelope).toMatchObject({ code: 'INVALID_PARAM', field: 'ttlHours' });
      expect(audit()[0]).toMatchObject({ action: null, target: null });
    }
  });

  test('a mint takes no other field: an invite binds whoever accepts it', async () => {
    for (const [field, value] of [['openid', 'oSomeone'], ['tagidList', '1'], ['bizid', 'x']] as const) {
      expect((await run({ updateType: 'invite', [field]: value })).envelope).toMatchObject({ code: 'INVALID_PARAM', field });
    }
  });

  test('ttlHours with any other updateType is INVALID_PARAM naming ttlHours, and nothing is bound', async () => {
    for (const updateType of ['bind', 'unbind']) {
      const { envelope, calls } = await run({ updateType, ttlHours: 24 });
      expect(envelope).toMatchObject({ code: 'INVALID_PARAM', field: 'ttlHours' });
      expect(calls).toHaveLength(0);
    }
  });

  test('refusals keep the order: authorise, then INVITES_NOT_CONFIGURED, then validate', async () => {
    const bad = { updateType: 'invite', ttlHours: 0 };
    expect((await run(bad, { caller: STAFF })).envelope.code).toBe('NOT_ADMIN');
    expect((await run(bad, { caller: { source: 'scf' }, env: { LOGISTICS_SERVER_SOURCES: 'scf' } })).envelope.code).toBe('NO_CALLER_IDENTITY');
    expect((await run(bad, { env: { LOGISTICS_ADMIN_OPENIDS: '' } })).envelope.code).toBe('ADMINS_NOT_CONFIGURED');
    expect((await run(bad, { env: { LOGISTICS_INVITE_SECRET: '' } })).envelope.code).toBe('INVITES_NOT_CONFIGURED');
    expect((await run(bad, { env: { LOGISTICS_INVITE_SECRET: 'x'.repeat(31) } })).envelope.code).toBe('INVITES_NOT_CONFIGURED');
    expect((await run({ updateType: 'invite' }, { env: { LOGISTICS_INVITE_SECRET: 'x'.repeat(32) } })).envelope.code).toBe('OK');
    expect((await run(bad)).envelope.code).toBe('INVALID_PARAM');
  });
});

describe('accepting', () => {
  test('a staff member who is no admin binds their own OPENID, and both audit lines carry the same invite id', async () => {
    const minted = await mint();
    const { envelope, calls, audit, logs } = await run({ updateType: 'bind', invite: minted.invite, userInfo: {} }, { caller: STAFF });
    expect(envelope).toMatchObject({ ok: true, code: 'OK' });
    expect(calls).toEqual([{ openid: STAFF.openid, updateType: 'bind' }]);
    expect(audit()).toEqual([
      expect.objectContaining({ action: 'bind', caller: STAFF.openid, target: { openid: STAFF.openid, inviteId: minted.inviteId }, code: 'OK', attempts: 1 }),
    ]);
    expect(logs.join('\n')).not.toContain(minted.invite);
  });

  test('an admin may accept too; the invite works for whoever holds it until it expires', async () => {
    const { invite, expiresAt } = await mint(1);
    expect((await run({ updateType: 'bind', invite })).calls).toEqual([{ openid: ADMIN_OPENID, updateType: 'bind' }]);
    expect((await run({ updateType: 'bind', invite }, { caller: { ...STAFF, openid: 'oSecondStaff' }, clockStartsAt: expiresAt - 1 })).envelope.code).toBe('OK');
    const late = await run({ updateType: 'bind', invite }, { caller: STAFF, clockStartsAt: expiresAt });
    expect(late.envelope).toMatchObject({ ok: false, code: 'INVITE_EXPIRED', retryable: false });
    expect(late.calls).toHaveLength(0);
  });

  test('a token from another mini program, another secret or tampered is INVITE_INVALID, with no call', async () => {
    const { invite } = await mint();
    const tampered = `${invite.slice(0, 5)}${invite[5] === 'A' ? 'B' : 'A'}${invite.slice(6)}`;
    for (const [token, options] of [
      [invite, { caller: { ...STAFF, appid: 'wxAnotherApp' } }],
      [invite, { caller: STAFF, env: { LOGISTICS_INVITE_SECRET: `${SECRET}-rotated` } }],
      [tampered, { caller: STAFF }],
      ['', { caller: STAFF }],
      ['not a token!', { caller: STAFF }],
    ] as const) {
      const { envelope, calls } = await run({ updateType: 'bind', invite: token }, options);
      expect(envelope).toMatchObject({ ok: false, code: 'INVITE_INVALID' });
      expect(JSON.stringify(envelope)).not.toContain(invite);
      expect(calls).toHaveLength(0);
    }
  });

  test('refusals in the documented order, none of them calling WeChat', async () => {
    const { invite } = await mint();
    const cases: Array<[unknown, Parameters<typeof scriptedDeps>[1], string, string?]> = [
      // No OPENID comes first, even for a trusted server source and a broken event.
      [{ invite: 1, openid: 'x' }, { caller: { source: 'scf' }, env: { LOGISTICS_SERVER_SOURCES: 'scf' } }, 'NO_CALLER_IDENTITY'],
      [{ invite: 1, openid: 'x' }, { caller: { openid: 12345, source: 'wx_client' } }, 'INVALID_CALLER_IDENTITY'],
      [{ invite: 1, openid: 'x' }, { caller: STAFF, env: { LOGISTICS_ADMIN_OPENIDS: '' } }, 'ADMINS_NOT_CONFIGURED'],
      [{ invite: 1, openid: 'x' }, { caller: STAFF, env: { LOGISTICS_INVITE_SECRET: 'short' } }, 'INVITES_NOT_CONFIGURED'],
      [{ invite: 1, openid: 'x', tagidList: '1', ttlHours: 1, extra: 1, updateType: 'unbind' }, { caller: STAFF }, 'INVALID_PARAM', 'openid'],
      [{ invite: 1, tagidList: '1', ttlHours: 1, extra: 1, updateType: 'unbind' }, { caller: STAFF }, 'INVALID_PARAM', 'tagidList'],
      [{ invite: 1, ttlHours: 1, extra: 1, updateType: 'unbind' }, { caller: STAFF }, 'INVALID_PARAM', 'ttlHours'],
      [{ invite: 1, extra: 1, updateType: 'unbind' }, { caller: STAFF }, 'INVALID_PARAM', 'extra'],
      [{ invite: 1, updateType: 'unbind' }, { caller: STAFF }, 'INVALID_PARAM', 'updateType'],
      [{ invite }, { caller: STAFF }, 'INVALID_PARAM', 'updateType'],
      [{ invite: 1, updateType: 'bind' }, { caller: STAFF }, 'INVALID_PARAM', 'invite'],
      [{ invite: null, updateType: 'bind' }, { caller: STAFF }, 'INVALID_PARAM', 'invite'],
      [{ invite: 'x'.repeat(200), updateType: 'bind' }, { caller: STAFF }, 'INVITE_INVALID'],
    ];
    for (const [event, options, code, field] of cases) {
      const { envelope, calls, audit } = await run(event, options);
      expect({ event, code: envelope.code, field: envelope.field }).toEqual({ event, code, field });
      expect(calls).toHaveLength(0);
      expect(audit()[0]).toMatchObject({ action: null, target: null, attempts: 0 });
    }
  });

  test('without an APPID there is nothing to bind an invite to: mint and accept are NO_CALLER_IDENTITY, with no call', async () => {
    const { invite } = await mint();
    const noAppid = await run({ updateType: 'bind', invite }, { caller: { openid: STAFF.openid, source: 'wx_client' } });
    expect(noAppid.envelope).toMatchObject({ code: 'NO_CALLER_IDENTITY', errMsg: 'updatePrinter:fail no APPID: an invite is bound to its mini program' });
    expect(noAppid.calls).toHaveLength(0);
    const adminWithout = await run({ updateType: 'invite' }, { caller: { openid: ADMIN_OPENID, source: 'wx_client' } });
    expect(adminWithout.envelope).toMatchObject({ code: 'NO_CALLER_IDENTITY' });
    expect(adminWithout.envelope.data).toBeUndefined();
  });

  test('an event whose reading throws is still one envelope, never a throw', async () => {
    const hostile = new Proxy({}, { ownKeys: () => { throw new Error('no keys for you'); }, getOwnPropertyDescriptor: () => { throw new Error('nope'); } });
    const h = scriptedDeps([], { caller: ADMIN, env: ENV });
    const envelope = await runOperation(routeUpdatePrinterEvent(hostile), hostile, h.deps);
    expect(envelope).toMatchObject({ ok: false, code: 'INTERNAL_ERROR' });
    expect(h.calls).toHaveLength(0);
  });

  test('routing: only an own invite key accepts, only updateType "invite" mints', async () => {
    const inherited = Object.create({ invite: 'x' }) as Record<string, unknown>;
    inherited.updateType = 'bind';
    // An inherited invite is no invite: today's updatePrinter binds the admin themself.
    expect((await run(inherited)).calls).toEqual([{ openid: ADMIN_OPENID, updateType: 'bind' }]);
    expect((await run(['invite'])).envelope.code).toBe('INVALID_EVENT');
    expect((await run('invite')).envelope.code).toBe('INVALID_EVENT');
  });
});

test('fuzzed: arbitrary tokens and events never throw, never bind anyone but the caller, and a refusal never calls WeChat', async () => {
  const { invite } = await mint();
  const tokens = fc.oneof(fc.constant(invite), fc.string({ maxLength: 80 }), fc.stringMatching(/^[A-Za-z0-9_-]{60,66}$/), fc.anything());
  const events = fc.record(
    { invite: tokens, updateType: fc.oneof(fc.constant('bind'), fc.constant('invite'), fc.anything()), openid: fc.string(), ttlHours: fc.anything(), extra: fc.anything() },
    { requiredKeys: [] },
  );
  const callers = fc.constantFrom<ScriptedCaller>(ADMIN, STAFF, {}, { source: 'scf' }, { openid: 99, source: 'wx_client' });
  await fc.assert(
    fc.asyncProperty(events, callers, async (event, caller) => {
      const { envelope, calls } = await run(event, { caller, env: { LOGISTICS_SERVER_SOURCES: 'scf' } });
      expect(typeof envelope.code).toBe('string');
      expect(envelope.ok).toBe(envelope.errCode === 0);
      if (!envelope.ok) expect(calls).toHaveLength(0);
      if (Object.prototype.hasOwnProperty.call(event, 'invite')) {
        for (const params of calls) expect(params).toEqual({ openid: caller.openid, updateType: 'bind' });
        if (calls.length > 0) expect(event.invite).toBe(invite);
      }
    }),
    { numRuns: 2000 },
  );
});
