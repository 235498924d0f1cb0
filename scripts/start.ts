/**
 * `npm start`: the main job, end to end, offline. Starts the local cloud with the demo accounts,
 * runs the built functions through the real wx-server-sdk as an admin (and once as a stranger),
 * prints each step and its envelope, and exits with nothing left running.
 *
 * Exit code 1 if any step answered other than expected, so this doubles as a smoke test.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { builtFunctionDir, FUNCTION_NAMES, type FunctionName } from './ensure-built';
import { DEMO_ADMIN_OPENID, DEMO_CARRIER_ACCOUNTS, DEMO_FUNCTION_ENV, DEMO_STRANGER_OPENID } from '../localcloud/demo';
import { startWarmFunction, type WarmFunction } from '../localcloud/invoke';
import { formatRequest, redactParams, startLocalCloud } from '../localcloud/server';

interface Step {
  title: string;
  fn: FunctionName;
  as: 'admin' | 'stranger';
  event: Record<string, unknown>;
  expect: string;
}

const STEPS: readonly Step[] = [
  { title: '把管理员本人设为面单打印员', fn: 'updatePrinter', as: 'admin', event: { updateType: 'bind' }, expect: 'OK' },
  { title: '解除这位打印员', fn: 'updatePrinter', as: 'admin', event: { updateType: 'unbind' }, expect: 'OK' },
  {
    title: '绑定韵达快递账号',
    fn: 'bindAccount',
    as: 'admin',
    event: { type: 'bind', deliveryId: 'YUNDA', bizId: 'demo-yunda', password: 'demo-yunda-password' },
    expect: 'OK',
  },
  {
    title: '再次绑定同一个韵达账号',
    fn: 'bindAccount',
    as: 'admin',
    event: { type: 'bind', deliveryId: 'YUNDA', bizId: 'demo-yunda', password: 'demo-yunda-password' },
    expect: 'ALREADY_BOUND',
  },
  {
    title: '用错误的密码绑定中通账号',
    fn: 'bindAccount',
    as: 'admin',
    event: { type: 'bind', deliveryId: 'ZTO', bizId: 'demo-zto', password: 'not-the-password' },
    expect: 'WRONG_ACCOUNT_OR_PASSWORD',
  },
  {
    title: '绑定 EMS 账号（需要 EMS 审核）',
    fn: 'bindAccount',
    as: 'admin',
    event: { type: 'bind', deliveryId: 'EMS', bizId: 'demo-ems', remarkContent: '电话:13800000000 联系人:张三 服务类型:标准快递 发货地址:上海市' },
    expect: 'UNDER_REVIEW',
  },
  {
    title: '不是管理员的用户尝试解绑韵达账号',
    fn: 'bindAccount',
    as: 'stranger',
    event: { type: 'unbind', deliveryId: 'YUNDA', bizId: 'demo-yunda' },
    expect: 'NOT_ADMIN',
  },
];

const CALLERS = {
  admin: { openid: DEMO_ADMIN_OPENID, source: 'wx_client' },
  stranger: { openid: DEMO_STRANGER_OPENID, source: 'wx_client' },
} as const;

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `     ${line}`)
    .join('\n');
}

async function main(): Promise<number> {
  const missing = FUNCTION_NAMES.filter((name) => !existsSync(path.join(builtFunctionDir(name), 'index.js')));
  if (missing.length > 0) {
    console.error(`not built: ${missing.join(', ')} — run \`npm run build\` (npm start does it for you)`);
    return 1;
  }

  const cloud = await startLocalCloud({ carrierAccounts: DEMO_CARRIER_ACCOUNTS });
  const containers = new Map<string, WarmFunction>();
  let failures = 0;
  try {
    console.log(`本地云已启动 ${cloud.url}（不连接微信服务器）`);
    console.log(`演示快递账号：${DEMO_CARRIER_ACCOUNTS.map((a) => `${a.deliveryId}/${a.bizId}`).join('，')}`);
    console.log(`管理员 openid：${DEMO_ADMIN_OPENID}（LOGISTICS_ADMIN_OPENIDS）\n`);

    // One warm container per function and caller, started together: cold starts cost ~0.4 s each.
    const needed = [...new Set(STEPS.map((step) => `${step.fn}:${step.as}`))];
    await Promise.all(
      needed.map(async (key) => {
        const [fn, as] = key.split(':') as [FunctionName, Step['as']];
        containers.set(
          key,
          await startWarmFunction({ functionDir: builtFunctionDir(fn), cloudUrl: cloud.functionUrl(fn), caller: CALLERS[as], env: DEMO_FUNCTION_ENV }),
        );
      }),
    );

    for (const [index, step] of STEPS.entries()) {
      const seen = cloud.requestCount();
      const invocation = await containers.get(`${step.fn}:${step.as}`)!.invoke(step.event);
      console.log(`${index + 1}. ${step.title}`);
      console.log(`   ${step.fn} ${JSON.stringify(redactParams(step.event))}（调用者：${step.as === 'admin' ? '管理员' : '陌生人'} ${CALLERS[step.as].openid}）`);
      if (invocation.status !== 'returned') {
        failures += 1;
        console.log(`   ✘ 云函数没有返回：${JSON.stringify(invocation)}\n`);
        continue;
      }
      const envelope = invocation.result as { ok: boolean; code: string; errCode: number; message: string; errMsg: string };
      const asExpected = envelope.code === step.expect;
      if (!asExpected) failures += 1;
      console.log(`   ${envelope.ok ? '✔' : '•'} ${envelope.message}`);
      console.log(`     ${envelope.code} · errCode ${envelope.errCode} · ${envelope.errMsg}${asExpected ? '' : `  ✘ 预期 ${step.expect}`}`);
      const requests = cloud.requests().slice(seen);
      console.log(requests.length === 0 ? '     本地云：没有收到请求' : indent(requests.map((request) => `本地云 ${formatRequest(request)}`).join('\n')));
      console.log('');
    }

    const state = cloud.state();
    console.log('本地云最终状态');
    console.log(`   打印员：${state.printers.length === 0 ? '（无）' : state.printers.join('，')}`);
    console.log(`   已绑定账号：${state.boundAccounts.map((a) => `${a.deliveryId}/${a.bizId}`).join('，') || '（无）'}`);
    console.log(`   审核中账号：${state.pendingAccounts.map((a) => `${a.deliveryId}/${a.bizId}`).join('，') || '（无）'}`);
  } finally {
    await Promise.all([...containers.values()].map((container) => container.close()));
    await cloud.close();
  }
  console.log(failures === 0 ? '\n全部步骤符合预期。' : `\n${failures} 个步骤与预期不符。`);
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
