/**
 * 200 invocations at once against the local cloud, from five warm containers (one process per
 * caller identity, as in the real cloud): every envelope is right and the cloud's final state is
 * exactly what the successful calls imply. Twenty accounts are bound by two admins at the same
 * moment: exactly one of each pair wins.
 */
import type { Envelope } from '../../core/envelope';
import { startLocalCloud, type LocalCloud } from '../../localcloud/server';
import { ADMIN, ADMIN_CALLER, call, containerPool, ensureBuilt, SECOND_ADMIN, SLOW_TEST_MS, STRANGER } from './support/harness';

export const CONCURRENT_CALLS = 200;

const accounts = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({ deliveryId: i % 2 === 0 ? 'YUNDA' : 'SF', bizId: `${prefix}-${i}`, ...(i % 2 === 0 ? { password: `pw-${prefix}-${i}` } : {}) }));

const adminOnly = accounts('admin', 80);
const secondOnly = accounts('second', 40);
const contested = accounts('contested', 20);
const printers = Array.from({ length: 30 }, (_, i) => `oPrinterConcurrent${String(i).padStart(4, '0')}`);
const strangerTries = accounts('stranger', 10);

let cloud: LocalCloud;
const pool = containerPool();

beforeAll(async () => {
  await ensureBuilt();
  // The printers are users of the mini program (WeChat answers 40003 for others).
  cloud = await startLocalCloud({ carrierAccounts: [...adminOnly, ...secondOnly, ...contested, ...strangerTries], knownUsers: printers });
}, SLOW_TEST_MS);

afterAll(async () => {
  await pool.closeAll();
  await cloud?.close();
});

test(`${CONCURRENT_CALLS} invocations at once: every envelope right, final state exact`, async () => {
  const [adminBind, secondBind, strangerBind, adminPrinter] = await Promise.all([
    pool.start({ cloud, fn: 'bindAccount' }),
    pool.start({ cloud, fn: 'bindAccount', caller: { ...ADMIN_CALLER, openid: SECOND_ADMIN } }),
    pool.start({ cloud, fn: 'bindAccount', caller: { ...ADMIN_CALLER, openid: STRANGER } }),
    pool.start({ cloud, fn: 'updatePrinter' }),
  ]);
  const bind = (account: object) => ({ type: 'bind', ...account });

  const calls: Array<Promise<Envelope>> = [
    ...adminOnly.map((a) => call(adminBind, bind(a))),
    ...secondOnly.map((a) => call(secondBind, bind(a))),
    ...contested.flatMap((a) => [call(adminBind, bind(a)), call(secondBind, bind(a))]),
    ...printers.map((openid) => call(adminPrinter, { openid, updateType: 'bind' })),
    ...strangerTries.map((a) => call(strangerBind, bind(a))),
  ];
  expect(calls).toHaveLength(CONCURRENT_CALLS);
  const envelopes = await Promise.all(calls);

  let at = 0;
  const take = (n: number) => envelopes.slice(at, (at += n));
  for (const e of take(adminOnly.length + secondOnly.length)) expect(e).toMatchObject({ ok: true, code: 'OK' });
  const pairs = take(contested.length * 2);
  for (let i = 0; i < contested.length; i += 1) {
    const codes = [pairs[2 * i]!.code, pairs[2 * i + 1]!.code].sort();
    expect(codes).toEqual(['ALREADY_BOUND', 'OK']);
  }
  for (const e of take(printers.length)) expect(e).toMatchObject({ ok: true, code: 'OK' });
  for (const e of take(strangerTries.length)) expect(e).toMatchObject({ ok: false, code: 'NOT_ADMIN' });

  const state = cloud.openapi.state();
  const key = (a: { deliveryId: string; bizId: string }) => `${a.deliveryId}/${a.bizId}`;
  expect(state.boundAccounts.map(key).sort()).toEqual([...adminOnly, ...secondOnly, ...contested].map(key).sort());
  expect([...state.printers].sort()).toEqual([...printers].sort());
  // Refused callers reach no cloud; everyone else made exactly one request each.
  expect(cloud.requestCount()).toBe(CONCURRENT_CALLS - strangerTries.length);
  expect(cloud.requests().some((r) => r.functionName === 'bindAccount' && String(r.params.biz_id).startsWith('stranger'))).toBe(false);

  // One audit line per call, each naming its own caller.
  const auditLines = pool.output().split('\n').filter((line) => line.startsWith('{"audit"'));
  expect(auditLines).toHaveLength(CONCURRENT_CALLS);
  expect(auditLines.filter((line) => line.includes(`"caller":"${SECOND_ADMIN}"`))).toHaveLength(secondOnly.length + contested.length);
  expect(auditLines.filter((line) => line.includes(`"caller":"${ADMIN}"`))).toHaveLength(adminOnly.length + contested.length + printers.length);
}, SLOW_TEST_MS);
