/**
 * `npm start`: the main job, end to end, offline. Starts the local cloud from the demo seed
 * (localcloud/demo-seed/: the carriers' demo accounts, the known users, the packer 老张 already bound with its records),
 * runs the built functions through the real wx-server-sdk as an admin (and once as a stranger),
 * prints each step and its envelope, lets the EMS reviewer approve one account and reject another,
 * walks an invite for 仓库小王 through preview, accept under their own name, a second accept refused
 * as used up, a revoke and a rename, and ends with the overview getBindings gives as a person reads
 * it (printers by name, accounts, invites, the history), with nothing left running.
 *
 * Exit code 1 if any step answered other than expected, so this doubles as a smoke test; 2 if
 * it could not run.
 *
 *   npm start [-- --seed DIR] [-- --export DIR]
 *   --seed DIR    start from the state folder DIR instead of the demo seed (a whole state, as an
 *                 export writes it); DIR is only read, and refused (exit 2) if it already holds
 *                 what the walkthrough binds
 *   --export DIR  write the local cloud's state to DIR at the end (e.g. for npm run invoke -- … --state DIR)
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  DEMO_ADMIN_OPENID,
  DEMO_FUNCTION_ENV,
  DEMO_PRINTER_OPENID,
  DEMO_REJECTION_REASON,
  DEMO_STAFF_OPENID,
  DEMO_STRANGER_OPENID,
} from '../localcloud/demo';
import { startWarmFunction, type WarmFunction } from '../localcloud/invoke';
import { formatRequest, type LocalCloud } from '../localcloud/server';
import { bindingsViewFor } from '../miniprogram/logic/bindings-view';
import type { Envelope } from '../core/envelope';
import type { BindingsData } from '../miniprogram/shared/bindings';
import type { MintedInviteData } from '../miniprogram/shared/printer-invites';
import { clientCaller, DEMO_SEED_SHOWN, inviteShortener, runScript, secretScrubber, startDemoCloud, UsageError, type DemoStateFolders } from './demo-cloud';
import { builtFunctionDir, ensureBuilt } from './ensure-built';

/** What earlier steps handed on: the invites the admin minted, in order (shared on a card, in the real page). */
interface Handed {
  invites: MintedInviteData[];
}

interface Step {
  title: string;
  fn: 'updatePrinter' | 'bindAccount' | 'getBindings';
  as: keyof typeof CALLERS;
  /** The event, or how to make it from what earlier steps handed on. */
  event: Record<string, unknown> | ((handed: Handed) => Record<string, unknown>);
  expect: string;
  /** Done on the local cloud before the step (the carrier's reviewer); returns what to print. */
  before?: (cloud: LocalCloud) => string;
}

const EMS_REMARK = '电话:13800000000 联系人:张三 服务类型:标准快递 发货地址:上海市';

const STEPS: readonly Step[] = [
  { title: '把管理员本人设为面单打印员', fn: 'updatePrinter', as: 'admin', event: { updateType: 'bind' }, expect: 'OK' },
  { title: '解除这位打印员', fn: 'updatePrinter', as: 'admin', event: { updateType: 'unbind' }, expect: 'OK' },
  { title: '绑定韵达快递账号', fn: 'bindAccount', as: 'admin', event: { type: 'bind', deliveryId: 'YUNDA', bizId: 'demo-yunda', password: 'demo-yunda-password' }, expect: 'OK' },
  { title: '再次绑定同一个韵达账号', fn: 'bindAccount', as: 'admin', event: { type: 'bind', deliveryId: 'YUNDA', bizId: 'demo-yunda', password: 'demo-yunda-password' }, expect: 'ALREADY_BOUND' },
  { title: '用错误的密码绑定中通账号', fn: 'bindAccount', as: 'admin', event: { type: 'bind', deliveryId: 'ZTO', bizId: 'demo-zto', password: 'not-the-password' }, expect: 'WRONG_ACCOUNT_OR_PASSWORD' },
  { title: '绑定 EMS 账号（需要 EMS 审核）', fn: 'bindAccount', as: 'admin', event: { type: 'bind', deliveryId: 'EMS', bizId: 'demo-ems', remarkContent: EMS_REMARK }, expect: 'UNDER_REVIEW' },
  { title: '再绑定一个 EMS 账号（地址写得不全）', fn: 'bindAccount', as: 'admin', event: { type: 'bind', deliveryId: 'EMS', bizId: 'demo-ems-2', remarkContent: '电话:13900000000 联系人:李四 服务类型:标准快递 发货地址:上海市' }, expect: 'UNDER_REVIEW' },
  { title: '把仓库的同事绑定为面单打印员', fn: 'updatePrinter', as: 'admin', event: { openid: DEMO_PRINTER_OPENID, updateType: 'bind' }, expect: 'OK' },
  { title: '管理员本人也做打印员', fn: 'updatePrinter', as: 'admin', event: { updateType: 'bind' }, expect: 'OK' },
  { title: '给仓库的同事改个名字（名字存在服务端，所有管理员都看得到）', fn: 'updatePrinter', as: 'admin', event: { updateType: 'rename', openid: DEMO_PRINTER_OPENID, name: '仓库打印机' }, expect: 'OK' },
  { title: '管理员给“仓库小王”生成一次性邀请（页面把它放进分享卡片）', fn: 'updatePrinter', as: 'admin', event: { updateType: 'invite', name: '仓库小王', ttlHours: 24, maxUses: 1 }, expect: 'OK' },
  { title: '小王打开卡片：先看是谁邀请的、邀请给谁', fn: 'updatePrinter', as: 'staff', event: (handed) => ({ updateType: 'preview', invite: handed.invites[0]?.invite }), expect: 'OK' },
  { title: '小王（不是管理员）用自己的名字接受邀请', fn: 'updatePrinter', as: 'staff', event: (handed) => ({ updateType: 'bind', invite: handed.invites[0]?.invite, name: '王小明' }), expect: 'OK' },
  { title: '卡片被转发到群里，另一个人也来接受', fn: 'updatePrinter', as: 'stranger', event: (handed) => ({ updateType: 'bind', invite: handed.invites[0]?.invite }), expect: 'INVITE_USED_UP' },
  { title: '有人改了卡片里邀请的一个字符再接受', fn: 'updatePrinter', as: 'stranger', event: (handed) => ({ updateType: 'bind', invite: tampered(handed.invites[0]?.invite ?? '') }), expect: 'INVITE_INVALID' },
  { title: '管理员又生成一张三人可用的邀请', fn: 'updatePrinter', as: 'admin', event: { updateType: 'invite', ttlHours: 72, maxUses: 3 }, expect: 'OK' },
  { title: '这张没发出去：管理员撤销它', fn: 'updatePrinter', as: 'admin', event: (handed) => ({ updateType: 'revoke', inviteId: handed.invites[1]?.inviteId }), expect: 'OK' },
  { title: '撤销后再用这张卡片', fn: 'updatePrinter', as: 'stranger', event: (handed) => ({ updateType: 'bind', invite: handed.invites[1]?.invite }), expect: 'INVITE_REVOKED' },
  { title: '不是管理员的用户尝试解绑韵达账号', fn: 'bindAccount', as: 'stranger', event: { type: 'unbind', deliveryId: 'YUNDA', bizId: 'demo-yunda' }, expect: 'NOT_ADMIN' },
  { title: '不是管理员的用户尝试查看绑定情况', fn: 'getBindings', as: 'stranger', event: {}, expect: 'NOT_ADMIN' },
  {
    title: '查看绑定情况、邀请和最近操作（EMS 审核已有结果）',
    fn: 'getBindings',
    as: 'admin',
    event: { parts: ['accounts', 'printers', 'carriers', 'invites', 'history'] },
    expect: 'OK',
    before: (cloud) => {
      cloud.openapi.approveReview({ deliveryId: 'EMS', bizId: 'demo-ems' });
      cloud.openapi.rejectReview({ deliveryId: 'EMS', bizId: 'demo-ems-2' }, DEMO_REJECTION_REASON);
      return `EMS 审核员：通过 EMS/demo-ems；驳回 EMS/demo-ems-2（${DEMO_REJECTION_REASON}）`;
    },
  },
];

/** The token with one character changed, as a forged or mistyped card would carry it. */
function tampered(token: string): string {
  const at = Math.floor(token.length / 2);
  return `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
}

/** An event as printed: secrets scrubbed, the invite token shortened (no secret, but a card's to carry, not a log's). */
function printable(event: Record<string, unknown>): string {
  return inviteShortener(event)(secretScrubber(event)(JSON.stringify(event)));
}

/** A moment as the reader's clock shows it, with the time zone named. */
function localTime(ms: number): string {
  const shown = new Date(ms).toLocaleString('zh-CN', { hour12: false, year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  return `${shown}（${Intl.DateTimeFormat().resolvedOptions().timeZone} 时间）`;
}

/** getBindings' answer as a person reads it: the page's own view of it, as text. */
function overview(envelope: Envelope): string[] {
  const view = bindingsViewFor(envelope);
  if (view.access !== 'shown') return [`   ${view.refusal?.message ?? envelope.message}`];
  const lines = [];
  const { printers, accounts } = view;
  lines.push(`   面单打印员（${printers.rows.length}）${printers.state === 'failed' ? `：${printers.message}` : ''}`);
  const data = envelope.data as BindingsData;
  const people = data.printers?.ok ? data.printers.people : [];
  const nameOf = (openid: string | undefined) => (openid === undefined ? '服务端' : (people.find((person) => person.openid === openid)?.name ?? (openid === DEMO_ADMIN_OPENID ? '管理员' : openid)));
  for (const row of printers.rows) {
    const person = people.find((item) => item.openid === row.openid);
    const added = person?.addedBy === undefined ? '' : `，${person.via === 'invite' ? '接受邀请' : person.via === 'self' ? '本人' : '按 openid'}加入，添加人 ${nameOf(person.addedBy)}`;
    lines.push(`     • ${person?.name ?? '未命名'}${row.isMe ? '（我）' : ''} · ${row.openid}${added}`);
  }
  if (printers.state === 'shown' && printers.rows.length === 0) lines.push(`     ${printers.emptyText}`);
  lines.push(`   快递账号（${accounts.rows.length}）${accounts.state === 'failed' ? `：${accounts.message}` : ''}`);
  for (const row of accounts.rows) {
    lines.push(`     • ${row.carrierName} ${row.bizId}：${row.badge}${row.reason ? `，原因：${row.reason}` : ''}`);
  }
  if (accounts.state === 'shown' && accounts.rows.length === 0) lines.push(`     ${accounts.emptyText}`);
  const STATUS: Record<string, string> = { OPEN: '可用', USED_UP: '已用完', EXPIRED: '已过期', REVOKED: '已撤销' };
  if (data.invites?.ok) {
    lines.push(`   邀请（${data.invites.total}）`);
    for (const item of data.invites.list) lines.push(`     • ${item.name ?? '（未写给谁）'} · ${STATUS[item.status]} · 已接受 ${item.uses.length}/${item.maxUses}${item.uses.length > 0 ? `：${item.uses.map((use) => nameOf(use.openid)).join('、')}` : ''}`);
  }
  if (data.history?.ok) {
    lines.push(`   最近操作（${data.history.list.length}）`);
    for (const entry of data.history.list) {
      const target = 'openid' in entry.target ? nameOf(entry.target.openid) : 'inviteId' in entry.target ? `邀请 ${entry.target.inviteId}` : `${entry.target.deliveryId} ${entry.target.bizId}`;
      lines.push(`     • ${localTime(entry.at)} ${nameOf(entry.actor)} ${entry.action} ${target} → ${entry.code}`);
    }
  }
  return lines;
}

const CALLERS = { admin: clientCaller(DEMO_ADMIN_OPENID), staff: clientCaller(DEMO_STAFF_OPENID), stranger: clientCaller(DEMO_STRANGER_OPENID) };
const CALLER_NAMES: Record<keyof typeof CALLERS, string> = { admin: '管理员', staff: '新同事', stranger: '陌生人' };

const USAGE = 'usage: npm start [-- --seed DIR] [-- --export DIR]';

function stateFolders(argv: string[]): DemoStateFolders {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { seed: { type: 'string' }, export: { type: 'string' } } }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.seed === '' || values.export === '') throw new UsageError('--seed and --export need a folder');
  if (values.seed !== undefined && !existsSync(values.seed)) throw new UsageError(`--seed ${values.seed}: no such state folder`);
  return { ...(values.seed === undefined ? {} : { from: values.seed }), ...(values.export === undefined ? {} : { exportTo: values.export }) };
}

/** What the walkthrough binds ("deliveryId/bizId", openids): its expectations assume none is bound or under review yet. */
function walkthroughBinds(): { accounts: Set<string>; printers: Set<string> } {
  const accounts = new Set<string>();
  const printers = new Set<string>();
  for (const step of STEPS) {
    const event = typeof step.event === 'function' ? step.event({ invites: [] }) : step.event;
    if (step.fn === 'bindAccount' && event.type === 'bind' && (step.expect === 'OK' || step.expect === 'UNDER_REVIEW')) accounts.add(`${String(event.deliveryId)}/${String(event.bizId)}`);
    const openid = typeof event.openid === 'string' ? event.openid : CALLERS[step.as].openid;
    if (step.fn === 'updatePrinter' && event.updateType === 'bind' && step.expect === 'OK' && openid !== undefined) printers.add(openid);
  }
  return { accounts, printers };
}

/**
 * Refuses a --seed folder that already holds what the walkthrough binds (one `--export` wrote, say):
 * its steps would answer ALREADY_BOUND where they expect OK. Read from a cloud of its own, before
 * anything runs, so a refused start writes nothing (no --export). The demo seed binds nothing
 * (the walkthrough's own test would fail if it did), so a run without --seed skips this.
 */
async function refuseBoundSeed(from: string): Promise<void> {
  const cloud = await startDemoCloud({ from });
  const state = cloud.openapi.state();
  await cloud.close();
  const binds = walkthroughBinds();
  const named = (refs: ReadonlyArray<{ deliveryId: string; bizId: string }>) => refs.map((ref) => `${ref.deliveryId}/${ref.bizId}`).filter((key) => binds.accounts.has(key));
  const found = Object.entries({
    'accounts bound': named(state.boundAccounts),
    'accounts under review': named(state.pendingAccounts),
    printers: state.printers.filter((openid) => binds.printers.has(openid)),
  }).filter(([, items]) => items.length > 0);
  if (found.length === 0) return;
  throw new Error(
    `--seed ${from}: the walkthrough binds what this state already has (${found.map(([kind, items]) => `${kind}: ${items.join(', ')}`).join('; ')}), ` +
      `and its steps expect them unbound. For the walkthrough, run npm start without --seed; to go on from this state, ` +
      `npm run invoke -- <function> '<event json>' --state ${from} (which writes its changes back to ${from}).`,
  );
}

async function main(): Promise<number> {
  const folders = stateFolders(process.argv.slice(2));
  if (folders.from !== undefined) await refuseBoundSeed(folders.from);
  await ensureBuilt();
  const cloud = await startDemoCloud(folders);
  const containers = new Map<string, WarmFunction>();
  let failures = 0;
  try {
    console.log(`本地云已启动 ${cloud.url}（不连接微信服务器；${folders.from === undefined ? `每次运行都从演示种子数据 ${DEMO_SEED_SHOWN} 重新开始` : `从状态文件夹 ${folders.from} 开始`}${folders.exportTo === undefined ? '' : `，结束时把状态写入 ${folders.exportTo}`}）`);
    console.log(`快递公司的账号：${cloud.openapi.carrierAccounts().map((a) => `${a.deliveryId}/${a.bizId}`).join('，')}`);
    console.log(`管理员 openid：${DEMO_ADMIN_OPENID}（LOGISTICS_ADMIN_OPENIDS）\n`);

    // One warm container per function and caller, started together: cold starts cost ~0.4 s each.
    const needed = [...new Set(STEPS.map((step) => `${step.fn}:${step.as}`))];
    await Promise.all(
      needed.map(async (key) => {
        const [fn, as] = key.split(':') as [Step['fn'], Step['as']];
        containers.set(
          key,
          await startWarmFunction({ functionDir: builtFunctionDir(fn), cloudUrl: cloud.functionUrl(fn), caller: CALLERS[as], env: DEMO_FUNCTION_ENV }),
        );
      }),
    );

    let lastOverview: string[] = [];
    const handed: Handed = { invites: [] };
    for (const [index, step] of STEPS.entries()) {
      const control = step.before?.(cloud);
      const seen = cloud.requestCount();
      const event = typeof step.event === 'function' ? step.event(handed) : step.event;
      const invocation = await containers.get(`${step.fn}:${step.as}`)!.invoke(event);
      console.log(`${index + 1}. ${step.title}`);
      if (control !== undefined) console.log(`   （本地云）${control}`);
      console.log(`   ${step.fn} ${printable(event)}（调用者：${CALLER_NAMES[step.as]} ${CALLERS[step.as].openid}）`);
      if (invocation.status !== 'returned') {
        failures += 1;
        console.log(`   ✘ 云函数没有返回：${JSON.stringify(invocation)}\n`);
        continue;
      }
      const envelope = invocation.result as Envelope;
      if (step.fn === 'getBindings' && envelope.ok) lastOverview = overview(envelope);
      const minted = step.fn === 'updatePrinter' && envelope.ok ? (envelope.data as Partial<MintedInviteData> | undefined) : undefined;
      if (minted?.invite !== undefined) handed.invites.push(minted as MintedInviteData);
      const asExpected = envelope.code === step.expect;
      if (!asExpected) failures += 1;
      console.log(`   ${envelope.ok ? '✔' : '•'} ${envelope.message}`);
      console.log(`     ${envelope.code} · errCode ${envelope.errCode} · ${envelope.errMsg}${asExpected ? '' : `  ✘ 预期 ${step.expect}`}`);
      if (minted?.invite !== undefined) console.log(`     邀请 ${minted.inviteId} 有效期至 ${localTime(minted.expiresAt!)}，可接受 ${minted.maxUses} 人；服务端只存它的 SHA-256`);
      if (envelope.ok && typeof (envelope.data as { recorded?: unknown } | undefined)?.recorded === 'boolean' && !(envelope.data as { recorded: boolean }).recorded) console.log('     注意：操作已完成，但记录（名字、操作历史）没有保存');
      const requests = cloud.requests().slice(seen);
      console.log(requests.length === 0 ? '     本地云：没有收到请求' : requests.map((request) => `     本地云 ${formatRequest(request)}`).join('\n'));
      console.log('');
    }

    console.log('当前绑定情况（管理员在页面上看到的，来自 getBindings）');
    console.log(lastOverview.length > 0 ? lastOverview.join('\n') : '   （没有读到）');
  } finally {
    await Promise.all([...containers.values()].map((container) => container.close()));
    await cloud.close();
  }
  console.log(failures === 0 ? '\n全部步骤符合预期。' : `\n${failures} 个步骤与预期不符。`);
  return failures === 0 ? 0 : 1;
}

runScript(main, USAGE);
