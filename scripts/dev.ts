/**
 * `npm run dev`: the page live in the browser against the local cloud, with a console beside it.
 * Builds the functions when stale, starts the local cloud from the demo's seed (localcloud/demo-seed/;
 * with --state, from that state folder instead when it exists), serves the console on 127.0.0.1 and prints its URL (with the token: the
 * only way in). Runs until Ctrl-C, which writes the state back to the --state folder.
 *
 *   npm run dev [-- --state DIR] [-- --port N] [-- --open]
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startDevCloud } from './dev/cloud-access';
import { startDevServer } from './dev/server';
import { DEMO_SEED_SHOWN, runScript, UsageError } from './demo-cloud';
import { ensureBuilt } from './ensure-built';

const USAGE = `usage: npm run dev [-- --state DIR] [-- --port N] [-- --open]
  --state DIR  start from the state folder DIR when it exists (instead of the demo seed), write the state to it on Ctrl-C
  --port N     serve on this port of 127.0.0.1 (default: a free one)
  --open       open the console in the browser`;

function options(argv: readonly string[]): { port: number; open: boolean; stateDir?: string } {
  let port = 0;
  let open = false;
  let stateDir: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--open') open = true;
    else if (arg === '--state') {
      stateDir = argv[(i += 1)];
      if (!stateDir) throw new UsageError('--state needs a folder');
    }
    else if (arg === '--port') {
      port = Number(argv[(i += 1)]);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port needs a port number');
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new UsageError(`unknown argument ${arg}`);
  }
  return { port, open, ...(stateDir !== undefined ? { stateDir } : {}) };
}

async function main(): Promise<number> {
  const { port, open, stateDir } = options(process.argv.slice(2));
  await ensureBuilt();
  const cloud = await startDevCloud(stateDir !== undefined ? { stateDir } : {});
  const server = await startDevServer({ cloud, port, log: (line) => console.error(line) });
  const from = stateDir === undefined ? `每次启动都从演示种子数据 ${DEMO_SEED_SHOWN} 开始` : existsSync(stateDir) ? `从 ${stateDir} 的状态开始，结束时写回` : `从演示种子数据 ${DEMO_SEED_SHOWN} 开始，结束时把状态写到 ${stateDir}`;
  console.log(`物流助手 · npm run dev：页面和本地云的控制台（不连接微信服务器；${from}）`);
  console.log(`打开：${server.consoleUrl}`);
  console.log('（这个地址里的 token 是进入控制台的唯一凭据，别发给别人；按 Ctrl-C 结束）');
  if (open) {
    const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
    spawn(opener, [server.consoleUrl], { stdio: 'ignore', detached: true }).on('error', () => console.error(`could not start ${opener}: open the URL yourself`)).unref();
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  await cloud.close();
  console.log(stateDir === undefined ? '已停止。' : `已停止，状态已写到 ${stateDir}。`);
  return 0;
}

runScript(main, USAGE);
