/**
 * Printer invites through the built updatePrinter, the real wx-server-sdk and the local cloud: an
 * admin mints, a staff member who is no admin accepts and is bound under their own OPENID through
 * logistics.updatePrinter, and every refusal reaches no cloud at all.
 */
import type { Envelope } from '../../core/envelope';
import type { WarmFunction } from '../../localcloud/invoke';
import { startLocalCloud, type LocalCloud } from '../../localcloud/server';
import type { MintedInviteData } from '../../miniprogram/shared/printer-invites';
import { ADMIN, ADMIN_CALLER, ADMIN_ENV, call, containerPool, ensureBuilt, SLOW_TEST_MS } from './support/harness';

jest.setTimeout(SLOW_TEST_MS);

const SECRET = 'integration-invite-secret-0123456789abcdef';
const ENV = { ...ADMIN_ENV, LOGISTICS_INVITE_SECRET: SECRET };
const STAFF = 'oStaffInvited0000000000000001';
const pool = containerPool();
let cloud: LocalCloud;
let admin: WarmFunction;
let staff: WarmFunction;

beforeAll(async () => {
  await ensureBuilt();
  cloud = await startLocalCloud();
  [admin, staff] = await Promise.all([
    pool.start({ cloud, fn: 'updatePrinter', env: ENV }),
    pool.start({ cloud, fn: 'updatePrinter', env: ENV, caller: { ...ADMIN_CALLER, openid: STAFF } }),
  ]);
});

afterAll(async () => {
  await pool.closeAll();
  await cloud?.close();
});

beforeEach(() => cloud.clearRequests());

async function mint(ttlHours?: number): Promise<MintedInviteData> {
  const envelope = await call(admin, ttlHours === undefined ? { updateType: 'invite' } : { updateType: 'invite', ttlHours });
  expect(envelope).toMatchObject({ ok: true, code: 'OK' });
  return envelope.data as MintedInviteData;
}

/** The audit lines a container printed, parsed. */
function auditLines(container: WarmFunction): Array<Record<string, unknown>> {
  return container
    .output()
    .stdout.split('\n')
    .filter((line) => line.includes('"audit":"logistics"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

test('mint, then a staff member who is no admin accepts: bound under their own OPENID, one real updatePrinter call', async () => {
  const started = Date.now();
  const minted = await mint(2);
  expect(minted.expiresAt).toBeGreaterThanOrEqual(started + 2 * 3_600_000);
  expect(cloud.requestCount()).toBe(0);

  const accepted = await call(staff, { updateType: 'bind', invite: minted.invite });
  expect(accepted).toMatchObject({ ok: true, code: 'OK', errMsg: 'openapi.logistics.updatePrinter:ok' });
  expect(cloud.requests()).toEqual([expect.objectContaining({ functionName: 'updatePrinter', apiName: 'logistics.updatePrinter', params: { openid: STAFF, update_type: 'bind' } })]);
  expect(cloud.openapi.state().printers).toEqual([STAFF]);

  const mintLine = auditLines(admin).find((line) => line.action === 'invite')!;
  const acceptLine = auditLines(staff).find((line) => line.action === 'bind')!;
  expect(mintLine).toMatchObject({ caller: ADMIN, code: 'OK', attempts: 0, target: { inviteId: expect.stringMatching(/^[0-9a-f]{16}$/) } });
  expect(acceptLine).toMatchObject({ caller: STAFF, code: 'OK', attempts: 1, target: { openid: STAFF, inviteId: (mintLine.target as { inviteId: string }).inviteId } });
  expect(pool.output()).not.toContain(minted.invite);
  expect(pool.output()).not.toContain(SECRET);
});

test('every refusal answers without a single request reaching the cloud', async () => {
  const { invite } = await mint();
  const tampered = invite.slice(0, -2) + (invite.endsWith('AA') ? 'BB' : 'AA');
  const refusals: Array<[WarmFunction, unknown, string, string?]> = [
    [staff, { updateType: 'invite' }, 'NOT_ADMIN'],
    [staff, { updateType: 'bind', invite: tampered }, 'INVITE_INVALID'],
    [staff, { updateType: 'bind', invite, openid: ADMIN }, 'INVALID_PARAM', 'openid'],
    [staff, { updateType: 'unbind', invite }, 'INVALID_PARAM', 'updateType'],
    [staff, { updateType: 'bind', invite: 42 }, 'INVALID_PARAM', 'invite'],
    [admin, { updateType: 'invite', ttlHours: 73 }, 'INVALID_PARAM', 'ttlHours'],
    [admin, { updateType: 'bind', ttlHours: 1 }, 'INVALID_PARAM', 'ttlHours'],
  ];
  for (const [container, event, code, field] of refusals) {
    const envelope: Envelope = await call(container, event);
    expect({ event, code: envelope.code, field: envelope.field }).toEqual({ event, code, field });
  }
  expect(cloud.requestCount()).toBe(0);
});

test('no OPENID, an empty admin list, no secret, another mini program: refused, nothing reaches the cloud', async () => {
  const { invite } = await mint();
  const event = { updateType: 'bind', invite };
  const cases: Array<[Parameters<typeof pool.start>[0], string]> = [
    [{ cloud, fn: 'updatePrinter', env: { ...ENV, LOGISTICS_SERVER_SOURCES: 'scf' }, caller: { source: 'scf' } }, 'NO_CALLER_IDENTITY'],
    [{ cloud, fn: 'updatePrinter', env: { ...ENV, LOGISTICS_ADMIN_OPENIDS: '' }, caller: { ...ADMIN_CALLER, openid: STAFF } }, 'ADMINS_NOT_CONFIGURED'],
    [{ cloud, fn: 'updatePrinter', env: ADMIN_ENV, caller: { ...ADMIN_CALLER, openid: STAFF } }, 'INVITES_NOT_CONFIGURED'],
    [{ cloud, fn: 'updatePrinter', env: ENV, caller: { ...ADMIN_CALLER, openid: STAFF, appid: 'wxAnotherMiniProgram' } }, 'INVITE_INVALID'],
  ];
  const containers = await Promise.all(cases.map(([options]) => pool.start(options)));
  for (const [index, [, code]] of cases.entries()) {
    expect((await call(containers[index]!, event)).code).toBe(code);
  }
  expect(cloud.requestCount()).toBe(0);
});
