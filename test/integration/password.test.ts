/**
 * The carrier password reaches WeChat (the local cloud) and nowhere else: not the envelope, not
 * anything the function prints on stdout or stderr, not the local cloud's log lines or its
 * default request view — including when a fault's error text quotes it back.
 */
import type { Envelope } from '../../core/envelope';
import type { WarmFunction } from '../../localcloud/invoke';
import { formatRequest, startLocalCloud, type LocalCloud } from '../../localcloud/server';
import { ADMIN_ENV, call, containerPool, ensureBuilt, SLOW_TEST_MS, STRANGER } from './support/harness';

jest.setTimeout(SLOW_TEST_MS);

const RIGHT = 'Pw-Right-Alpha-7731';
const WRONG = 'Pw-Wrong-Bravo-2290';
const MISPLACED = 'Pw-Misplaced-Charlie-5512';
const REFUSED = 'Pw-Refused-Delta-8804';
const PASSWORDS = [RIGHT, WRONG, MISPLACED, REFUSED];

const pool = containerPool();
const cloudLines: string[] = [];
const envelopes: Envelope[] = [];
let cloud: LocalCloud;
let admin: WarmFunction;
let stranger: WarmFunction;

beforeAll(async () => {
  await ensureBuilt();
  cloud = await startLocalCloud({
    carrierAccounts: [{ deliveryId: 'YUNDA', bizId: 'pw-yunda', password: RIGHT }],
    log: (line) => cloudLines.push(line),
  });
  [admin, stranger] = await Promise.all([
    pool.start({ cloud, fn: 'bindAccount' }),
    pool.start({ cloud, fn: 'bindAccount', caller: { openid: STRANGER, source: 'wx_client' }, env: ADMIN_ENV }),
  ]);
});

afterAll(async () => {
  await pool.closeAll();
  await cloud?.close();
});

beforeEach(() => cloud.faults.clear());

async function run(container: WarmFunction, event: Record<string, unknown>): Promise<Envelope> {
  const envelope = await call(container, event);
  envelopes.push(envelope);
  return envelope;
}

const bind = (password: string) => ({ type: 'bind', deliveryId: 'YUNDA', bizId: 'pw-yunda', password });

test('bind, bind again, wrong password: the usual answers', async () => {
  expect((await run(admin, bind(RIGHT))).code).toBe('OK');
  expect((await run(admin, bind(RIGHT))).code).toBe('ALREADY_BOUND');
  expect((await run(admin, bind(WRONG))).code).toBe('WRONG_ACCOUNT_OR_PASSWORD');
});

test('an errmsg that quotes the password: the call carried one, so no outside text is placed (issue 18 item 3)', async () => {
  cloud.faults.next({ kind: 'errcode', errcode: 9300531, errmsg: (params) => `password ${String(params.password)} is wrong` });
  const envelope = await run(admin, bind(WRONG));
  expect(envelope.code).toBe('WRONG_ACCOUNT_OR_PASSWORD');
  expect(envelope.errMsg).toBe('openapi.logistics.bindAccount:fail errcode 9300531 WRONG_ACCOUNT_OR_PASSWORD (outside text withheld: the call carried a password)');
});

test('a TCB error message that quotes the password: no outside text either', async () => {
  cloud.faults.next({ kind: 'tcbJson', code: 'INVALID_PARAM', message: `rejected ${RIGHT}` });
  const envelope = await run(admin, bind(RIGHT));
  expect(envelope.code).toBe('CLOUD_INVALID_PARAM');
  expect(envelope.errMsg).toBe('openapi.logistics.bindAccount:fail errcode -501007 CLOUD_INVALID_PARAM (outside text withheld: the call carried a password)');
});

test('retries of a transient failure carry the password each time, and print it never', async () => {
  cloud.faults.next({ kind: 'errcode', errcode: -1 }, { times: Infinity });
  expect((await run(admin, bind(WRONG))).code).toBe('OUTCOME_UNKNOWN');
});

test('a password in a field that does not exist, or refused for its characters, is not echoed', async () => {
  const misplaced = await run(admin, { type: 'bind', deliveryId: 'YUNDA', bizId: 'pw-yunda', passwd: MISPLACED });
  expect(misplaced).toMatchObject({ code: 'INVALID_PARAM', field: 'passwd' });
  const controlChars = await run(admin, bind(`${MISPLACED}\n`));
  expect(controlChars).toMatchObject({ code: 'INVALID_PARAM', field: 'password' });
});

test('a refused caller with a password', async () => {
  expect((await run(stranger, bind(REFUSED))).code).toBe('NOT_ADMIN');
});

test('no password anywhere: envelopes, function stdout/stderr, cloud log lines and request view', () => {
  // The password did travel to WeChat (so the checks below could fail):
  const sent = JSON.stringify(cloud.requests({ revealSecrets: true }));
  expect(sent).toContain(RIGHT);
  expect(sent).toContain(WRONG);

  const printed = pool.output();
  expect(printed).toContain('"audit":"logistics"'); // the function did print
  const places = {
    envelopes: JSON.stringify(envelopes),
    functionOutput: printed,
    cloudLogLines: cloudLines.join('\n'),
    requestView: JSON.stringify(cloud.requests()),
    formattedRequests: cloud.requests().map(formatRequest).join('\n'),
    state: JSON.stringify(cloud.openapi.state()),
  };
  for (const [place, text] of Object.entries(places)) {
    for (const password of PASSWORDS) {
      if (text.includes(password)) throw new Error(`password found in ${place}`);
    }
  }
});
