/**
 * 200 invocations at once against the local cloud, from five warm containers (one process per
 * caller identity, as in the real cloud): every envelope is right and the cloud's final state is
 * exactly what the successful calls imply. Twenty accounts are bound by two admins at the same
 * moment: exactly one of each pair wins. Then 300 writes with answers that are not WeChat's in
 * the mix (issue 18): every ok is true to the final state.
 */
import type { Envelope } from '../../core/envelope';
import type { Fault } from '../../localcloud/faults';
import { startLocalCloud, type LocalCloud } from '../../localcloud/server';
import { ADMIN, ADMIN_CALLER, call, containerPool, ensureBuilt, SECOND_ADMIN, SLOW_TEST_MS, STRANGER, openapiRequests, openapiRequestCount } from './support/harness';

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
  expect(openapiRequestCount(cloud)).toBe(CONCURRENT_CALLS - strangerTries.length);
  expect(openapiRequests(cloud).some((r) => r.functionName === 'bindAccount' && String(r.params.biz_id).startsWith('stranger'))).toBe(false);

  // One audit line per call, each naming its own caller.
  const auditLines = pool.output().split('\n').filter((line) => line.startsWith('{"audit"'));
  expect(auditLines).toHaveLength(CONCURRENT_CALLS);
  expect(auditLines.filter((line) => line.includes(`"caller":"${SECOND_ADMIN}"`))).toHaveLength(secondOnly.length + contested.length);
  expect(auditLines.filter((line) => line.includes(`"caller":"${ADMIN}"`))).toHaveLength(adminOnly.length + contested.length + printers.length);
}, SLOW_TEST_MS);

describe('issue 18: 300 invocations at once with answers that are not WeChat\'s in the mix', () => {
  const CALLS = 300;
  const binds = accounts('mixed', 150);
  const unbinds = accounts('unbind', 50);
  const mixedPrinters = Array.from({ length: 100 }, (_, i) => `oPrinterMixed${String(i).padStart(4, '0')}`);
  /** Each armed once, in this rotation: empty HTTP 200 bodies and other non-answers, lost or applied, and WeChat's -1. */
  const ROTATION: Fault[] = [
    { kind: 'http', status: 200 },
    { kind: 'http', status: 200, applied: true },
    { kind: 'contentType', contentType: 'text/html', body: '<html></html>' },
    { kind: 'contentType', contentType: 'text/plain', body: 'ok', applied: true },
    { kind: 'contentType', contentType: 'Application/JSON', body: '{"errcode":0,"errmsg":"ok"}' },
    { kind: 'errcode', errcode: -1, applied: true },
  ];
  let mixed: LocalCloud;

  beforeAll(async () => {
    mixed = await startLocalCloud({ carrierAccounts: [...binds, ...unbinds], boundAccounts: unbinds, knownUsers: mixedPrinters });
  }, SLOW_TEST_MS);

  afterAll(async () => mixed?.close());

  test(`${CALLS} writes: every ok matches the final state, every write whose effect is absent answers non-ok`, async () => {
    const [adminBind, secondBind, adminPrinter] = await Promise.all([
      pool.start({ cloud: mixed, fn: 'bindAccount' }),
      pool.start({ cloud: mixed, fn: 'bindAccount', caller: { ...ADMIN_CALLER, openid: SECOND_ADMIN } }),
      pool.start({ cloud: mixed, fn: 'updatePrinter' }),
    ]);
    for (let i = 0; i < 120; i += 1) mixed.faults.next(ROTATION[i % ROTATION.length]!);

    const calls: Array<Promise<Envelope>> = [
      ...binds.map((a, i) => call(i % 2 === 0 ? adminBind : secondBind, { type: 'bind', ...a })),
      ...unbinds.map((a) => call(adminBind, { type: 'unbind', deliveryId: a.deliveryId, bizId: a.bizId })),
      ...mixedPrinters.map((openid) => call(adminPrinter, { openid, updateType: 'bind' })),
    ];
    expect(calls).toHaveLength(CALLS);
    const envelopes = await Promise.all(calls);
    expect(mixed.faults.armed()).toBe(0); // every fault was met

    const state = mixed.openapi.state();
    const bound = new Set(state.boundAccounts.map((a) => `${a.deliveryId}/${a.bizId}`));
    const effects = [
      ...binds.map((a) => bound.has(`${a.deliveryId}/${a.bizId}`)),
      ...unbinds.map((a) => !bound.has(`${a.deliveryId}/${a.bizId}`)),
      ...mixedPrinters.map((openid) => state.printers.includes(openid)),
    ];
    envelopes.forEach((envelope, i) => {
      // Only two answers are true to a write here: done, or unknown. A plain failure would claim nothing happened.
      expect(['OK', 'OUTCOME_UNKNOWN']).toContain(envelope.code);
      if (envelope.ok) expect({ call: i, effect: effects[i] }).toEqual({ call: i, effect: true });
      if (!effects[i]) expect({ call: i, ok: envelope.ok }).toEqual({ call: i, ok: false });
    });
  }, SLOW_TEST_MS);
});
