/**
 * `npm run invoke` and `npm start` (scripts/invoke.ts, scripts/start.ts) as a person runs them:
 * what they print, their exit codes, and that the demo passwords never show.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DEMO_PACKER_OPENID, DEMO_REJECTION_REASON, DEMO_STAFF_OPENID } from '../../localcloud/demo';
import { seedCarrierAccounts, seedPassword } from './support/demo-seed';
import { ensureBuilt, SLOW_TEST_MS } from './support/harness';

jest.setTimeout(SLOW_TEST_MS);

const ROOT = path.resolve(__dirname, '..', '..');
const TS_NODE = path.join(ROOT, 'node_modules', '.bin', 'ts-node');
const PASSWORDS = seedCarrierAccounts().flatMap((account) => (account.password ? [account.password] : []));

function run(script: string, args: string[] = [], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TS_NODE, [path.join(ROOT, 'scripts', script), ...args], { cwd: ROOT, timeout: 50_000, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

function expectNoPassword(text: string): void {
  for (const password of PASSWORDS) expect(text).not.toContain(password);
}

beforeAll(() => ensureBuilt());

/** A state folder's parent, made for one test and removed after them all. */
const madeDirs: string[] = [];
function stateFolder(): string {
  const parent = mkdtempSync(path.join(tmpdir(), 'wx-logistics-state-'));
  madeDirs.push(parent);
  return path.join(parent, '.localcloud');
}
afterAll(() => {
  for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
});

test.concurrent('npm run invoke: binds with the demo admin, prints the envelope as JSON, exit 0', async () => {
  const password = seedPassword('YUNDA');
  const result = await run('invoke.ts', ['bindAccount', JSON.stringify({ type: 'bind', deliveryId: 'YUNDA', bizId: 'demo-yunda', password })]);
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, code: 'OK', errCode: 0 });
  expect(result.stderr).toContain('"password":"******"');
  expectNoPassword(result.stdout + result.stderr);
  // Each run starts from the demo seed again, and says so.
  expect(result.stderr).toContain('on a fresh local cloud from the demo seed (localcloud/demo-seed/');
});

test.concurrent('npm run invoke -- --help: the usage on stdout, every function named, the demo seed said, exit 0', async () => {
  const result = await run('invoke.ts', ['--help']);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^usage: npm run invoke -- <bindAccount\|getBindings\|updatePrinter> '<event json>'/);
  expect(result.stdout).toContain('a fresh local cloud from the demo seed (localcloud/demo-seed/');
  expect(result.stderr).toBe('');
});

test.concurrent('npm run invoke without an event: an error naming the missing event, no call, exit 2', async () => {
  const result = await run('invoke.ts', ['getBindings']);
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^missing the event/);
  expect(result.stderr).toContain('usage: npm run invoke');
});

test.concurrent('npm run invoke with an unknown option or function: the problem and the usage, exit 2', async () => {
  for (const args of [['getBindings', '{}', '--nope'], ['noSuchFunction', '{}']]) {
    const result = await run('invoke.ts', args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--nope|noSuchFunction/);
    expect(result.stderr).toContain('usage: npm run invoke');
  }
});

test.concurrent('npm run invoke as a stranger: NOT_ADMIN, no request, exit 1', async () => {
  const result = await run('invoke.ts', ['updatePrinter', '{"updateType":"bind"}', '--openid', 'oSomeoneElse']);
  expect(result.code).toBe(1);
  expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, code: 'NOT_ADMIN' });
  expect(result.stderr).toContain('── local cloud requests\n(none)');
});

test.concurrent('npm start: walks the main job, every step as expected, exits by itself', async () => {
  const result = await run('start.ts', [], { TZ: 'Asia/Shanghai' });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  for (const code of ['OK', 'ALREADY_BOUND', 'WRONG_ACCOUNT_OR_PASSWORD', 'UNDER_REVIEW', 'NOT_ADMIN', 'INVITE_INVALID', 'INVITE_USED_UP', 'INVITE_REVOKED']) expect(result.stdout).toContain(code);
  // The invite: minted without a cloud request, accepted by the staff member under their own OPENID.
  expect(result.stdout).toContain(`logistics.updatePrinter {"openid":"${DEMO_STAFF_OPENID}","update_type":"bind"} → errcode 0`);
  expect(result.stdout).toContain('全部步骤符合预期');
  // Its first lines say where the state came from and which carrier accounts it has: the demo seed's, exactly.
  expect(result.stdout).toMatch(/^本地云已启动 http:\/\/127\.0\.0\.1:\d+\S*（不连接微信服务器；每次运行都从演示种子数据 localcloud\/demo-seed\/ 重新开始）\n/);
  const listed = /^快递公司的账号：(.*)$/m.exec(result.stdout)?.[1]?.split('，');
  expect(listed?.sort()).toEqual(seedCarrierAccounts().map((account) => `${account.deliveryId}/${account.bizId}`).sort());
  // The invite's expiry in the reader's local time, not a UTC ISO string.
  expect(result.stdout).toMatch(/有效期至 \d{4}\/\d{1,2}\/\d{1,2} \d{2}:\d{2}（Asia\/Shanghai 时间）/);
  expect(result.stdout).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
  // It ends with the overview as a person reads it: printers by name, accounts with their statuses, invites, the history.
  const overview = result.stdout.slice(result.stdout.indexOf('当前绑定情况'));
  // The seed's packer 老张 (bound through an invite before the walkthrough) beside the three it binds.
  expect(overview).toContain('面单打印员（4）');
  expect(overview).toContain(`• 老张 · ${DEMO_PACKER_OPENID}，接受邀请加入，添加人 管理员`);
  expect(overview).toMatch(/ 老张 accept 邀请 [0-9a-f]+ → OK/);
  expect(overview).toContain(`• 王小明 · ${DEMO_STAFF_OPENID}，接受邀请加入，添加人 管理员`);
  expect(overview).toContain('• 仓库打印机 · ');
  expect(overview).toMatch(/• 仓库小王 · 已用完 · 已接受 1\/1：王小明/);
  expect(overview).toMatch(/已撤销 · 已接受 0\/3/);
  for (const action of ['accept', 'revoke', 'rename', 'invite', 'printer.bind', 'account.bind']) expect(overview).toContain(` ${action} `);
  expect(overview).toContain('（我）');
  expect(overview).toContain('中国邮政速递物流 demo-ems：已绑定');
  expect(overview).toContain(`中国邮政速递物流 demo-ems-2：绑定失败，原因：${DEMO_REJECTION_REASON}`);
  expectNoPassword(result.stdout);
});

test.concurrent('npm run invoke --state DIR: two invokes form one session; the folder is the state as the local cloud exports it', async () => {
  const dir = stateFolder();
  const password = seedPassword('ZTO');
  const bind = await run('invoke.ts', ['bindAccount', JSON.stringify({ type: 'bind', deliveryId: 'ZTO', bizId: 'demo-zto', password }), '--state', dir]);
  expect(bind.code).toBe(0);
  expect(bind.stderr).toContain(`written to ${dir}`);
  expect(existsSync(path.join(dir, 'openapi'))).toBe(true);
  const read = await run('invoke.ts', ['getBindings', '{}', '--state', dir]);
  expect(read.code).toBe(0);
  expect(read.stderr).toContain(`state from ${dir}`);
  const accounts = (JSON.parse(read.stdout) as { data: { accounts: { list: Array<{ bizId: string; status: string }> } } }).data.accounts.list;
  expect(accounts).toContainEqual(expect.objectContaining({ bizId: 'demo-zto', status: 'BOUND' }));
  // Without --state the next run starts afresh again.
  const fresh = await run('invoke.ts', ['getBindings', '{}']);
  expect((JSON.parse(fresh.stdout) as { data: { accounts: { list: Array<{ bizId: string }> } } }).data.accounts.list.map((account) => account.bizId)).not.toContain('demo-zto');
  expectNoPassword(bind.stdout + bind.stderr + read.stdout + read.stderr);
});

test.concurrent('npm start --seed with a folder that does not exist: the problem and the usage, exit 2', async () => {
  const result = await run('start.ts', ['--seed', path.join(tmpdir(), 'no-such-state-folder-0')]);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('no such state folder');
  expect(result.stderr).toContain('usage: npm start');
});

test.concurrent('npm start --seed from a folder npm start --export wrote: what is already bound named, what to do instead, no step run, exit 2', async () => {
  const dir = stateFolder();
  const exported = await run('start.ts', ['--export', dir]);
  expect(exported.code).toBe(0);
  const seeded = await run('start.ts', ['--seed', dir]);
  expect(seeded.code).toBe(2);
  // The walkthrough expects a cloud where none of what it binds is bound yet: it says which are, and does not start.
  expect(seeded.stderr).toContain(`--seed ${dir}:`);
  for (const bound of ['YUNDA/demo-yunda', 'EMS/demo-ems', DEMO_STAFF_OPENID]) expect(seeded.stderr).toContain(bound);
  expect(seeded.stderr).toContain('npm start');
  expect(seeded.stderr).toContain(`npm run invoke -- <function> '<event json>' --state ${dir}`);
  expect(seeded.stdout).not.toContain('1. ');
  expect(seeded.stdout).not.toContain('个步骤与预期不符');
  expectNoPassword(seeded.stdout + seeded.stderr);
});
