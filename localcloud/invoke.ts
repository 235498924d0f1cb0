/**
 * The invoker: runs a built cloud function (its deployable index.js) the way the cloud does — in
 * its own node process, with the cloud's environment variables for the caller, the function's own
 * variables, and wx-server-sdk pointed at a local cloud — and reports what it returned and printed.
 *
 * getWXContext() reads the caller from process.env on every call, so one process serves one caller,
 * as a real container does. A warm function keeps its process and takes many events (concurrently).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

const FUNCTION_HOST = path.join(__dirname, 'function-host.js');

/** Who calls, as the cloud tells the function (cloud.getWXContext()). Absent fields are not set. */
export interface WXContextCaller {
  openid?: string;
  appid?: string;
  unionid?: string;
  /** The SOURCE chain, e.g. 'wx_client' or 'wx_trigger,scf'. */
  source?: string;
}

export interface FunctionOptions {
  /** The function's folder, holding the built index.js. */
  functionDir: string;
  /** Default: the folder's name. */
  functionName?: string;
  /** Where the function's SDK sends cloud calls: cloud.functionUrl(name), or any URL (a closed port…). */
  cloudUrl: string;
  caller?: WXContextCaller;
  /** The function's own environment variables, as set in the cloud console. */
  env?: Readonly<Record<string, string>>;
  /** The cloud env id (SCF_NAMESPACE, TCB_ENV). */
  envId?: string;
  /** Longest a cold start (loading index.js) may take. Default 20 s. */
  startTimeoutMs?: number;
}

export interface InvokeOptions {
  /** The function's time limit. Default 3000 ms, the cloud's default. */
  timeoutMs?: number;
}

/** A thrown value, as far as it can cross the process boundary. */
export interface ThrownDescription {
  name: string;
  message: string;
  errCode?: number;
  errMsg?: string;
}

export type Invocation =
  | { status: 'returned'; result: unknown }
  | { status: 'threw'; error: ThrownDescription }
  /** The time limit passed without an answer. */
  | { status: 'timed-out'; timeoutMs: number }
  /** The event never reached the function: it cannot be serialised as JSON (the process is unharmed). */
  | { status: 'refused'; reason: string }
  /** The process died (or never came up) before answering. */
  | { status: 'crashed'; reason: string; exitCode: number | null; signal: string | null };

export interface FunctionOutput {
  stdout: string;
  stderr: string;
}

export type ColdInvocation = Invocation & FunctionOutput;

export interface WarmFunction {
  readonly functionName: string;
  readonly pid: number | undefined;
  /** Runs main(event, context) in the warm process; never rejects. */
  invoke(event: unknown, options?: InvokeOptions): Promise<Invocation>;
  /** Everything the process printed so far. */
  output(): FunctionOutput;
  /** Ends the process (pending invocations are reported as crashed) and waits for it to exit. */
  close(): Promise<FunctionOutput>;
}

export const CLOUD_FUNCTION_TIMEOUT_MS = 3000;
const DEFAULT_START_TIMEOUT_MS = 20_000;
/** After asking the process to leave, how long before it is killed. */
const EXIT_GRACE_MS = 2000;
export const DEFAULT_ENV_ID = 'local-cloud-env';

/**
 * The platform refuses a function's result over 1 MB; this stands in for it (1 MB read as 10^6
 * bytes of JSON, the stricter of the two readings, so a result passing here passes there).
 */
export const MAX_RESULT_BYTES = 1_000_000;

function returnedWithinLimit(result: unknown): Invocation {
  const bytes = Buffer.byteLength(JSON.stringify(result) ?? 'null');
  if (bytes <= MAX_RESULT_BYTES) return { status: 'returned', result };
  return { status: 'crashed', reason: `result too large: ${bytes} bytes of JSON, over the platform's 1 MB`, exitCode: null, signal: null };
}

/** Values the SDK needs to be non-empty; never checked by the local cloud. */
const FAKE_SECRET_ID = 'local-cloud-secret-id';
const FAKE_SECRET_KEY = 'local-cloud-secret-key';

/**
 * The process environment of a function: a few of the host's basics, the function's own
 * variables, then what the platform sets (which the function's variables cannot override, as in
 * the cloud, where these names are reserved).
 */
export function functionEnvironment(options: FunctionOptions): Record<string, string> {
  const functionName = options.functionName ?? path.basename(options.functionDir);
  const envId = options.envId ?? DEFAULT_ENV_ID;
  const caller = options.caller ?? {};
  const defined = (entries: Record<string, string | undefined>) =>
    Object.fromEntries(Object.entries(entries).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return {
    ...defined({ PATH: process.env.PATH, LANG: process.env.LANG, TZ: process.env.TZ }),
    ...options.env,
    // Marks the SCF runtime: no metadata-server lookups, env id from SCF_NAMESPACE.
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_REGION: 'ap-shanghai',
    // The SDK signs every request and crashes without these; the local cloud ignores the signature.
    TENCENTCLOUD_SECRETID: FAKE_SECRET_ID,
    TENCENTCLOUD_SECRETKEY: FAKE_SECRET_KEY,
    SCF_NAMESPACE: envId,
    SCF_FUNCTIONNAME: functionName,
    TCB_ENV: envId,
    TCB_CONTEXT_KEYS: 'TCB_ENV,TCB_SOURCE',
    // Where every cloud call of the SDK goes; the path names the caller, so the local cloud knows its users.
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: callerUrl(options.cloudUrl, caller.openid) }),
    // getWXContext() reads these keys; an unset one is simply absent from the context.
    WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID,WX_UNIONID',
    ...defined({ WX_OPENID: caller.openid, WX_APPID: caller.appid, WX_UNIONID: caller.unionid, TCB_SOURCE: caller.source }),
  };
}

/**
 * The URL a function is given for one caller: the function's URL with `/caller/<OPENID>` added,
 * so the local cloud learns who has used the mini program (the real gateway knows it from the
 * call's context). The local cloud reads it from the path; the SDK appends its query after it.
 */
export function callerUrl(functionUrl: string, openid: string | undefined): string {
  return openid === undefined || openid === '' ? functionUrl : `${functionUrl}/caller/${encodeURIComponent(openid)}`;
}

/** Starts a function's process and waits for its cold start (loading index.js) to finish. */
export async function startWarmFunction(options: FunctionOptions): Promise<WarmFunction> {
  const functionName = options.functionName ?? path.basename(options.functionDir);
  const child: ChildProcess = spawn(process.execPath, [FUNCTION_HOST, path.join(options.functionDir, 'index.js')], {
    cwd: options.functionDir,
    env: functionEnvironment(options),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'json',
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const output = (): FunctionOutput => ({ stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });

  // An answer comes over IPC, what the function printed over two pipes: an answer is reported only
  // once all it printed before answering has been read, so output() then holds it (see function-host.js).
  type Printed = { stdout: number; stderr: number };
  const received: Printed = { stdout: 0, stderr: 0 };
  let awaitingOutput: Array<{ printed: Printed; report(): void }> = [];
  let outputComplete = false;
  const reportAnswersPrinted = (streamsEnded = false) => {
    const ready = awaitingOutput.filter(({ printed }) => streamsEnded || (received.stdout >= printed.stdout && received.stderr >= printed.stderr));
    awaitingOutput = awaitingOutput.filter((answer) => !ready.includes(answer));
    for (const answer of ready) answer.report();
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout.push(chunk);
    received.stdout += chunk.length;
    reportAnswersPrinted();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(chunk);
    received.stderr += chunk.length;
    reportAnswersPrinted();
  });

  type Pending = { settle(invocation: Invocation): void };
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let ended: { reason: string; exitCode: number | null; signal: string | null } | undefined;
  let ready = false;

  // Done when the process has exited and all of stdout/stderr has been read. (Not the 'close'
  // event: Node 20 never emits it after the parent disconnects the IPC channel.)
  const streamEnded = (stream: NodeJS.ReadableStream | null) =>
    new Promise<void>((resolve) => (stream === null ? resolve() : stream.once('close', () => resolve())));
  const closed = new Promise<void>((resolve) => {
    const finish = (reason: string, exitCode: number | null, signal: string | null) => {
      ended ??= { reason, exitCode, signal };
      // Nothing more will be read: report what answered before the end.
      outputComplete = true;
      reportAnswersPrinted(true);
      for (const invocation of pending.values()) invocation.settle({ status: 'crashed', ...ended });
      pending.clear();
      resolve();
    };
    const exited = new Promise<[number | null, string | null]>((resolveExit) => child.once('exit', (code, signal) => resolveExit([code, signal])));
    void Promise.all([exited, streamEnded(child.stdout), streamEnded(child.stderr)]).then(([[exitCode, signal]]) =>
      finish(ready ? 'process exited' : 'process exited during cold start', exitCode, signal),
    );
    child.on('error', (error) => {
      // Spawning failed: no exit will come.
      if (child.pid === undefined) finish(`process error: ${error.message}`, null, null);
    });
  });

  child.on('message', (message: { type?: string; id?: number; result?: unknown; error?: ThrownDescription; printed?: Printed }) => {
    if (message.type === 'ready') {
      ready = true;
      return;
    }
    const invocation = message.id === undefined ? undefined : pending.get(message.id);
    if (invocation === undefined) return; // timed out already
    pending.delete(message.id!);
    const answer: Invocation =
      message.type === 'returned'
        ? returnedWithinLimit(message.result)
        : { status: 'threw', error: message.error ?? { name: 'Error', message: '' } };
    awaitingOutput.push({ printed: message.printed ?? { stdout: 0, stderr: 0 }, report: () => invocation.settle(answer) });
    reportAnswersPrinted(outputComplete);
  });

  async function end(reason: string): Promise<void> {
    ended ??= { reason, exitCode: null, signal: null };
    if (child.exitCode === null && child.signalCode === null) {
      const kill = setTimeout(() => child.kill('SIGKILL'), EXIT_GRACE_MS);
      if (child.connected) child.send({ type: 'exit' }, (error) => error && child.kill('SIGTERM'));
      else child.kill('SIGTERM');
      await closed;
      clearTimeout(kill);
    }
    await closed;
  }

  // Cold start: ready, or the process died, or it took too long.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      void end(`cold start took longer than ${options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS} ms`).then(resolve);
    }, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
    const onReady = (message: { type?: string }) => {
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      child.off('message', onReady);
      resolve();
    };
    child.on('message', onReady);
    void closed.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });

  return {
    functionName,
    pid: child.pid,
    invoke(event, invokeOptions = {}) {
      if (ended) return Promise.resolve({ status: 'crashed', ...ended });
      const timeoutMs = invokeOptions.timeoutMs ?? CLOUD_FUNCTION_TIMEOUT_MS;
      const id = nextId++;
      return new Promise<Invocation>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve({ status: 'timed-out', timeoutMs });
        }, timeoutMs);
        pending.set(id, {
          settle: (invocation) => {
            clearTimeout(timer);
            resolve(invocation);
          },
        });
        const context = {
          request_id: `local-${functionName}-${id}`,
          function_name: functionName,
          function_version: '$LATEST',
          namespace: options.envId ?? DEFAULT_ENV_ID,
          memory_limit_in_mb: 256,
          time_limit_in_ms: timeoutMs,
        };
        try {
          child.send({ type: 'invoke', id, event, context });
        } catch (error) {
          pending.delete(id);
          clearTimeout(timer);
          // Serialising happens before anything is written, so the channel and the process are unharmed.
          resolve({ status: 'refused', reason: `the event could not be serialised as JSON: ${(error as Error).message}` });
        }
      });
    },
    output,
    async close() {
      await end('container closed');
      return output();
    },
  };
}

/** One cold invocation: a fresh process for this event, ended afterwards. Never rejects. */
export async function invokeFunction(options: FunctionOptions & InvokeOptions & { event: unknown }): Promise<ColdInvocation> {
  const warm = await startWarmFunction(options);
  const invocation = await warm.invoke(options.event, { timeoutMs: options.timeoutMs });
  const output = await warm.close();
  return { ...invocation, ...output };
}

/** The envelope (or whatever main returned); throws, with the function's output, when it did not return. */
export function returned<T = unknown>(invocation: Invocation & Partial<FunctionOutput>): T {
  if (invocation.status === 'returned') return invocation.result as T;
  const printed = invocation.stderr === undefined ? '' : `\nstdout:\n${invocation.stdout}\nstderr:\n${invocation.stderr}`;
  throw new Error(`function did not return: ${JSON.stringify(invocation)}${printed}`);
}
