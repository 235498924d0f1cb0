/**
 * Runs one built cloud function once against a fresh local cloud (seeded with the demo accounts)
 * and prints the envelope it returned.
 *
 *   npm run invoke -- <updatePrinter|bindAccount> '<event json>' [options]
 *
 *   --openid ID       the caller's OPENID (default: the demo admin, who is in LOGISTICS_ADMIN_OPENIDS)
 *   --no-openid       a caller without OPENID (a trigger, the console's test button…)
 *   --appid ID        the caller's APPID
 *   --unionid ID      the caller's UNIONID
 *   --source SOURCE   the SOURCE chain (default wx_client when there is an OPENID)
 *   --env KEY=VALUE   a function variable (repeatable); overrides the demo's LOGISTICS_ADMIN_OPENIDS
 *   --timeout MS      the function's time limit (default 3000)
 *
 * stdout: the envelope as JSON. stderr: what the function printed and what the cloud saw (the
 * password redacted). Exit code: 0 ok, 1 an envelope that is not ok, 2 no envelope (crash, timeout).
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { builtFunctionDir, ensureBuilt, FUNCTION_NAMES, type FunctionName } from './ensure-built';
import { DEMO_ADMIN_OPENID, DEMO_APPID, DEMO_CARRIER_ACCOUNTS, DEMO_FUNCTION_ENV, DEMO_KNOWN_USERS } from '../localcloud/demo';
import { invokeFunction, type WXContextCaller } from '../localcloud/invoke';
import { formatRequest, redactSecretValues, startLocalCloud } from '../localcloud/server';

function usage(problem: string): never {
  console.error(`${problem}\nusage: npm run invoke -- <${FUNCTION_NAMES.join('|')}> '<event json>' [--openid ID | --no-openid] [--appid ID] [--unionid ID] [--source SOURCE] [--env KEY=VALUE]… [--timeout MS]`);
  process.exit(2);
}

function parseEnv(pairs: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const separator = pair.indexOf('=');
      if (separator <= 0) usage(`--env ${pair}: expected KEY=VALUE`);
      return [pair.slice(0, separator), pair.slice(separator + 1)];
    }),
  );
}

/** Every string value of the event that sits under a password-like key (defence in depth). */
function secretsIn(event: unknown): string[] {
  if (typeof event !== 'object' || event === null) return [];
  return Object.entries(event).flatMap(([key, value]) =>
    /password/i.test(key) && typeof value === 'string' && value.length > 0 ? [value] : secretsIn(value),
  );
}

function printSection(title: string, text: string): void {
  if (text.trim() === '') return;
  console.error(`── ${title}`);
  console.error(text.trimEnd());
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      openid: { type: 'string' },
      'no-openid': { type: 'boolean' },
      appid: { type: 'string' },
      unionid: { type: 'string' },
      source: { type: 'string' },
      env: { type: 'string', multiple: true },
      timeout: { type: 'string' },
    },
  });
  const [name, eventJson = '{}', ...extra] = positionals;
  if (!FUNCTION_NAMES.includes(name as FunctionName)) usage(`unknown function ${name ?? '(none)'}`);
  if (extra.length > 0) usage(`unexpected ${extra.join(' ')}`);
  let event: unknown;
  try {
    event = JSON.parse(eventJson);
  } catch {
    usage('the event is not JSON');
  }
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutMs !== undefined && !(timeoutMs > 0)) usage('--timeout must be a positive number of ms');

  const openid = values['no-openid'] ? undefined : (values.openid ?? DEMO_ADMIN_OPENID);
  const source = values.source ?? (openid === undefined ? undefined : 'wx_client');
  const caller: WXContextCaller = {
    ...(openid === undefined ? {} : { openid }),
    // A client caller carries its mini program's APPID, as WeChat's context does.
    ...(values.appid !== undefined ? { appid: values.appid } : openid === undefined ? {} : { appid: DEMO_APPID }),
    ...(values.unionid === undefined ? {} : { unionid: values.unionid }),
    ...(source === undefined ? {} : { source }),
  };
  const env = { ...DEMO_FUNCTION_ENV, ...parseEnv(values.env ?? []) };
  const secrets = secretsIn(event);

  await ensureBuilt();
  const functionName = name as FunctionName;
  const cloud = await startLocalCloud({ carrierAccounts: DEMO_CARRIER_ACCOUNTS, knownUsers: DEMO_KNOWN_USERS });
  try {
    const invocation = await invokeFunction({
      functionDir: builtFunctionDir(functionName),
      cloudUrl: cloud.functionUrl(functionName),
      caller,
      env,
      event,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
    console.error(`${functionName} (${path.relative(process.cwd(), builtFunctionDir(functionName))}/index.js) as ${JSON.stringify(caller)}`);
    printSection('function stdout', redactSecretValues(invocation.stdout, secrets));
    printSection('function stderr', redactSecretValues(invocation.stderr, secrets));
    printSection('local cloud requests', cloud.requests().map(formatRequest).join('\n') || '(none)');
    if (invocation.status !== 'returned') {
      console.error(`── the function did not return: ${redactSecretValues(JSON.stringify({ ...invocation, stdout: undefined, stderr: undefined }), secrets)}`);
      return 2;
    }
    console.log(redactSecretValues(JSON.stringify(invocation.result, null, 2), secrets));
    const ok = (invocation.result as { ok?: unknown } | null)?.ok === true;
    return ok ? 0 : 1;
  } finally {
    await cloud.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
