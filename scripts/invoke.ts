/**
 * `npm run invoke`: runs one built cloud function once, as the demo admin by default, against a
 * fresh local cloud from the demo seed (localcloud/demo-seed/; with --state DIR, from the state an
 * earlier invoke left there instead), and prints the envelope it returned (usage below). stdout: the envelope as JSON. stderr: what the function printed and what the cloud saw,
 * secrets scrubbed. Exit code: 0 ok, 1 an envelope that is not ok, 2 no envelope (crash, timeout)
 * or a wrong call.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_ADMIN_OPENID, DEMO_FUNCTION_ENV } from '../localcloud/demo';
import { invokeFunction, type WXContextCaller } from '../localcloud/invoke';
import { formatRequest } from '../localcloud/server';
import { clientCaller, cloudNote, FRESH_CLOUD_NOTE, runScript, secretScrubber, startDemoCloud, UsageError } from './demo-cloud';
import { builtFunctionDir, ensureBuilt, FUNCTION_NAMES } from './ensure-built';

const USAGE = `usage: npm run invoke -- <${FUNCTION_NAMES.join('|')}> '<event json>' [options]

Runs the built function once (building first if a source is newer) against ${FRESH_CLOUD_NOTE},
unless --state names a folder.
  e.g. npm run invoke -- getBindings '{}'

  --openid ID       the caller's OPENID (default: the demo admin, in LOGISTICS_ADMIN_OPENIDS)
  --no-openid       a caller without OPENID (a trigger, the console's test button…)
  --appid ID        the caller's APPID (default: the demo's, for a caller with an OPENID)
  --unionid ID      the caller's UNIONID
  --source SOURCE   the SOURCE chain (default wx_client when there is an OPENID)
  --env KEY=VALUE   a function variable (repeatable); overrides the demo's
  --timeout MS      the function's time limit (default 3000)
  --state DIR       start from the state folder DIR instead of the demo seed when it exists, and
                    write the state back to it when the call ends: several invokes with the same
                    DIR form one session
                    (DIR holds the demo passwords; .localcloud/ is git-ignored)
  --help            this text`;

const OPTIONS = {
  openid: { type: 'string' },
  'no-openid': { type: 'boolean' },
  appid: { type: 'string' },
  unionid: { type: 'string' },
  source: { type: 'string' },
  env: { type: 'string', multiple: true },
  timeout: { type: 'string' },
  state: { type: 'string' },
  help: { type: 'boolean' },
} as const;

/** What one invocation is: the function, its event, its caller, its variables; a UsageError for a wrong call. */
function parseCall(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return undefined;
  const [name, eventJson, ...extra] = positionals;
  if (name === undefined || !FUNCTION_NAMES.includes(name)) throw new UsageError(name === undefined ? 'missing the function name' : `unknown function ${name}`);
  if (eventJson === undefined) throw new UsageError(`missing the event: give it as JSON after the function name, e.g. npm run invoke -- ${name} '{}'`);
  if (extra.length > 0) throw new UsageError(`unexpected ${extra.join(' ')}`);
  let event: unknown;
  try {
    event = JSON.parse(eventJson);
  } catch {
    throw new UsageError(`the event is not JSON: ${eventJson}`);
  }
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new UsageError('--timeout must be a positive number of ms');
  const env = { ...DEMO_FUNCTION_ENV };
  for (const pair of values.env ?? []) {
    if (pair.indexOf('=') <= 0) throw new UsageError(`--env ${pair}: expected KEY=VALUE`);
    env[pair.slice(0, pair.indexOf('='))] = pair.slice(pair.indexOf('=') + 1);
  }
  const openid = values['no-openid'] ? undefined : (values.openid ?? DEMO_ADMIN_OPENID);
  const caller: WXContextCaller = {
    ...(openid === undefined ? {} : clientCaller(openid)),
    ...(values.appid === undefined ? {} : { appid: values.appid }),
    ...(values.unionid === undefined ? {} : { unionid: values.unionid }),
    ...(values.source === undefined ? {} : { source: values.source }),
  };
  if (values.state === '') throw new UsageError('--state needs a folder');
  return { name, event, caller, env, timeoutMs, state: values.state };
}

async function main(): Promise<number> {
  const call = parseCall(process.argv.slice(2));
  if (call === undefined) {
    console.log(USAGE);
    return 0;
  }
  const { name, event, caller, env, timeoutMs, state } = call;
  const folders = state === undefined ? {} : { from: state, exportTo: state };
  const scrub = secretScrubber(event, env);
  const print = (title: string, text: string) => text.trim() !== '' && console.error(`── ${title}\n${scrub(text.trimEnd())}`);
  await ensureBuilt();
  const note = cloudNote(folders);
  const cloud = await startDemoCloud(folders);
  try {
    const functionDir = builtFunctionDir(name);
    const invocation = await invokeFunction({ functionDir, cloudUrl: cloud.functionUrl(name), caller, env, event, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
    console.error(`${name} (${path.relative(process.cwd(), functionDir)}/index.js) as ${JSON.stringify(caller)}, on ${note}`);
    print('function stdout', invocation.stdout);
    print('function stderr', invocation.stderr);
    print('local cloud requests', cloud.requests().map(formatRequest).join('\n') || '(none)');
    if (invocation.status !== 'returned') {
      print('the function did not return', JSON.stringify({ ...invocation, stdout: undefined, stderr: undefined }));
      return 2;
    }
    console.log(scrub(JSON.stringify(invocation.result, null, 2)));
    return (invocation.result as { ok?: unknown } | null)?.ok === true ? 0 : 1;
  } finally {
    await cloud.close();
  }
}

runScript(main, USAGE);
