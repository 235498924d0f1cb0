/**
 * Issue 22: a refused caller whose OPENID passed the identity checks sees it in the refusal
 * (NOT_ADMIN, ADMINS_NOT_CONFIGURED: `data: { callerOpenid }`, nothing else), so the owner can
 * make themself the first admin from the page. A caller without one (a server caller, trusted or
 * not) and a malformed OPENID get no data. Through the built functions and the real
 * wx-server-sdk against the local cloud; none of these calls reaches the cloud.
 */
import type { WXContextCaller } from '../../localcloud/invoke';
import type { LocalCloud } from '../../localcloud/server';
import { startLocalCloud } from '../../localcloud/server';
import { ADMIN, ADMIN_CALLER, call, containerPool, ensureBuilt, SLOW_TEST_MS, STRANGER } from './support/harness';

jest.setTimeout(SLOW_TEST_MS);

const EVENTS = {
  updatePrinter: { updateType: 'bind' },
  bindAccount: { type: 'bind', bizId: 'refusal-data', deliveryId: 'SF' },
  getBindings: {},
} as const;
type Fn = keyof typeof EVENTS;
const FUNCTIONS = Object.keys(EVENTS) as Fn[];

/** Admins set, one server source trusted: the variables of a deployed, configured function. */
const CONFIGURED = { LOGISTICS_ADMIN_OPENIDS: ADMIN, LOGISTICS_SERVER_SOURCES: 'wx_trigger' };
/** Deployed, no admin set yet: the owner's first run. */
const NO_ADMINS = { LOGISTICS_ADMIN_OPENIDS: '', LOGISTICS_SERVER_SOURCES: 'wx_trigger' };

const pool = containerPool();
let cloud: LocalCloud;

beforeAll(async () => {
  await ensureBuilt();
  cloud = await startLocalCloud();
});

afterAll(async () => {
  await pool.closeAll();
  await cloud?.close();
});

beforeEach(() => cloud.clearRequests());

async function refusal(fn: Fn, caller: WXContextCaller, env: Record<string, string>) {
  const container = await pool.start({ cloud, fn, caller, env });
  const envelope = await call(container, EVENTS[fn]);
  expect(cloud.requestCount()).toBe(0);
  return envelope;
}

test.each(FUNCTIONS)('%s: NOT_ADMIN carries the caller\'s own OPENID, and nothing else', async (fn) => {
  const envelope = await refusal(fn, { openid: STRANGER, appid: ADMIN_CALLER.appid, source: 'wx_client' }, CONFIGURED);
  expect(envelope).toMatchObject({ ok: false, code: 'NOT_ADMIN', data: { callerOpenid: STRANGER } });
  expect(Object.keys(envelope.data as object)).toEqual(['callerOpenid']);
});

test.each(FUNCTIONS)('%s: with no admins set, ADMINS_NOT_CONFIGURED carries the owner\'s own OPENID', async (fn) => {
  const envelope = await refusal(fn, ADMIN_CALLER, NO_ADMINS);
  expect(envelope).toMatchObject({ ok: false, code: 'ADMINS_NOT_CONFIGURED', data: { callerOpenid: ADMIN } });
  expect(Object.keys(envelope.data as object)).toEqual(['callerOpenid']);
});

test.each([
  ['a trusted server caller with no admins set: ADMINS_NOT_CONFIGURED', { source: 'wx_trigger' }, NO_ADMINS, 'ADMINS_NOT_CONFIGURED'],
  ['an untrusted caller without OPENID: NO_CALLER_IDENTITY', { source: 'wx_http' }, CONFIGURED, 'NO_CALLER_IDENTITY'],
  ['a caller without OPENID or SOURCE: NO_CALLER_IDENTITY', {}, CONFIGURED, 'NO_CALLER_IDENTITY'],
  ['an all-digit OPENID (the SDK makes it a number): INVALID_CALLER_IDENTITY', { openid: '0012', source: 'wx_client' }, CONFIGURED, 'INVALID_CALLER_IDENTITY'],
])('getBindings: %s, with no data', async (_label, caller, env, code) => {
  const envelope = await refusal('getBindings', caller as WXContextCaller, env);
  expect(envelope).toMatchObject({ ok: false, code });
  expect(envelope).not.toHaveProperty('data');
});
