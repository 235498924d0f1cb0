/**
 * The invoker itself, with tiny throwaway functions (no SDK, so each process starts fast): what
 * crosses the process boundary, what the function sees of its environment, and that a function
 * which throws, hangs, crashes or fails to load is reported rather than hanging the caller.
 */
import { functionEnvironment, invokeFunction, MAX_RESULT_BYTES, startWarmFunction } from '../../localcloud/invoke';
import { SLOW_TEST_MS, tempFunctionsDir, writeFunction } from './support/harness';

jest.setTimeout(SLOW_TEST_MS);

const functions = tempFunctionsDir();
afterAll(() => functions.remove());

const CLOUD_URL = 'http://127.0.0.1:9/fn/probe'; // never called by these functions

function fn(name: string, body: string): string {
  return writeFunction(functions.dir, name, `exports.main = async (event, context) => {\n${body}\n};\n`);
}

test('returns the result after a JSON trip, with stdout and stderr kept apart', async () => {
  const dir = fn('echo', `console.log('to stdout', event.n); console.error('to stderr'); return { n: event.n, at: new Date(0), gone: undefined };`);
  const invocation = await invokeFunction({ functionDir: dir, cloudUrl: CLOUD_URL, event: { n: 7 } });
  expect(invocation).toEqual({ status: 'returned', result: { n: 7, at: '1970-01-01T00:00:00.000Z' }, stdout: 'to stdout 7\n', stderr: 'to stderr\n' });
});

test('in a warm container, an answer is reported only once everything printed before it has been read', async () => {
  // Large writes fill the pipe, so the IPC answer would overtake them without the byte count.
  const dir = fn('chatty', `const line = 'x'.repeat(1023) + '\\n'; for (let i = 0; i < event.lines; i += 1) { console.log(line.trimEnd()); console.error('e' + i); } return event.lines;`);
  const warm = await startWarmFunction({ functionDir: dir, cloudUrl: CLOUD_URL });
  try {
    for (const lines of [1, 300, 2000]) {
      const before = warm.output();
      expect(await warm.invoke({ lines })).toEqual({ status: 'returned', result: lines });
      const after = warm.output();
      expect(after.stdout.length - before.stdout.length).toBe(lines * 1024);
      expect(after.stderr.split('\n').filter((line) => line.startsWith('e'))).toHaveLength(before.stderr.split('\n').filter((line) => line.startsWith('e')).length + lines);
    }
  } finally {
    await warm.close();
  }
});

test('undefined comes back as null; a result that is not JSON is the function\'s error', async () => {
  expect(await invokeFunction({ functionDir: fn('nothing', 'return undefined;'), cloudUrl: CLOUD_URL, event: {} })).toMatchObject({ status: 'returned', result: null });
  expect(await invokeFunction({ functionDir: fn('bigint', 'return { n: 1n };'), cloudUrl: CLOUD_URL, event: {} })).toMatchObject({
    status: 'threw',
    error: { name: 'SerializationError' },
  });
});

test('issue 18 item 6: a result over the platform\'s 1 MB is refused, as the platform would; one just under it returns', async () => {
  const warm = await startWarmFunction({ functionDir: fn('sized', `return 'x'.repeat(event.chars);`), cloudUrl: CLOUD_URL });
  try {
    // The JSON of a string of n plain characters is n + 2 bytes.
    expect(await warm.invoke({ chars: MAX_RESULT_BYTES - 2 })).toMatchObject({ status: 'returned' });
    const over = await warm.invoke({ chars: MAX_RESULT_BYTES - 1 });
    expect(over).toMatchObject({ status: 'crashed', exitCode: null, signal: null });
    expect(over.status === 'crashed' && over.reason).toMatch(/^result too large: 1000001 bytes/);
  } finally {
    await warm.close();
  }
});

test('a thrown error is reported with its errCode and errMsg', async () => {
  const dir = fn('thrower', `throw Object.assign(new Error('boom'), { errCode: -1, errMsg: 'x:fail' });`);
  expect(await invokeFunction({ functionDir: dir, cloudUrl: CLOUD_URL, event: {} })).toMatchObject({
    status: 'threw',
    error: { name: 'Error', message: 'boom', errCode: -1, errMsg: 'x:fail' },
  });
});

test('a function that never answers times out, and the process is still ended', async () => {
  const dir = fn('forever', `await new Promise(() => setInterval(() => {}, 1000));`);
  const invocation = await invokeFunction({ functionDir: dir, cloudUrl: CLOUD_URL, event: {}, timeoutMs: 200 });
  expect(invocation).toMatchObject({ status: 'timed-out', timeoutMs: 200 });
});

test('a crash is reported; in a warm container every pending and later event learns of it', async () => {
  const dir = fn('crasher', `if (event.crash) { console.error('going down'); process.exit(3); } await new Promise((r) => setTimeout(r, 5000)); return 'late';`);
  const warm = await startWarmFunction({ functionDir: dir, cloudUrl: CLOUD_URL });
  const pending = warm.invoke({}, { timeoutMs: 10_000 });
  const crashing = warm.invoke({ crash: true }, { timeoutMs: 10_000 });
  expect(await crashing).toMatchObject({ status: 'crashed', exitCode: 3 });
  expect(await pending).toMatchObject({ status: 'crashed', exitCode: 3 });
  expect(await warm.invoke({})).toMatchObject({ status: 'crashed' });
  expect((await warm.close()).stderr).toBe('going down\n');
});

test('a function that fails to load is a crash during cold start, its error on stderr', async () => {
  const dir = writeFunction(functions.dir, 'broken', `throw new Error('cannot load');`);
  const invocation = await invokeFunction({ functionDir: dir, cloudUrl: CLOUD_URL, event: {} });
  expect(invocation).toMatchObject({ status: 'crashed', reason: 'process exited during cold start', exitCode: 1 });
  expect(invocation.stderr).toContain('cannot load');
});

test('a warm container runs concurrent events without mixing them up, each with its own request id', async () => {
  const dir = fn('echo-later', `await new Promise((r) => setTimeout(r, Math.random() * 50)); return { n: event.n, requestId: context.request_id, name: context.function_name };`);
  const warm = await startWarmFunction({ functionDir: dir, cloudUrl: CLOUD_URL });
  try {
    const results = await Promise.all(Array.from({ length: 30 }, (_, n) => warm.invoke({ n })));
    expect(results.map((r) => r.status === 'returned' && (r.result as { n: number }).n)).toEqual(Array.from({ length: 30 }, (_, n) => n));
    const ids = results.map((r) => r.status === 'returned' && (r.result as { requestId: string }).requestId);
    expect(new Set(ids).size).toBe(30);
    expect(results[0]).toMatchObject({ result: { name: 'echo-later' } });
  } finally {
    await warm.close();
  }
});

describe('the environment a function sees', () => {
  test('the caller, the cloud URL, the platform variables and its own variables; nothing of the test runner', async () => {
    const dir = fn('env', 'return process.env;');
    const invocation = await invokeFunction({
      functionDir: dir,
      cloudUrl: 'http://127.0.0.1:1234/fn/env',
      caller: { openid: 'oCaller', source: 'wx_client' },
      env: { LOGISTICS_ADMIN_OPENIDS: 'oCaller', TCB_CONTEXT_CNFG: 'an attempt to redirect' },
      envId: 'my-env',
      event: {},
    });
    const env = (invocation as { result: Record<string, string> }).result;
    expect(env).toMatchObject({
      WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID,WX_UNIONID',
      WX_OPENID: 'oCaller',
      TCB_SOURCE: 'wx_client',
      // The caller is named in the path, so the local cloud knows who has used the mini program.
      TCB_CONTEXT_CNFG: JSON.stringify({ URL: 'http://127.0.0.1:1234/fn/env/caller/oCaller' }),
      TENCENTCLOUD_RUNENV: 'SCF',
      SCF_NAMESPACE: 'my-env',
      LOGISTICS_ADMIN_OPENIDS: 'oCaller',
    });
    expect(env.TENCENTCLOUD_SECRETID).toBeTruthy();
    expect(env.TENCENTCLOUD_SECRETKEY).toBeTruthy();
    expect(env).not.toHaveProperty('WX_APPID');
    expect(env).not.toHaveProperty('WX_UNIONID');
    expect(env).not.toHaveProperty('JEST_WORKER_ID');
    expect(env).not.toHaveProperty('NODE_OPTIONS');
  });

  test('a caller without any identity sets no WX_ values and no SOURCE', () => {
    const env = functionEnvironment({ functionDir: '/x/updatePrinter', cloudUrl: CLOUD_URL });
    expect(Object.keys(env).filter((key) => key.startsWith('WX_') && key !== 'WX_CONTEXT_KEYS')).toEqual([]);
    expect(env).not.toHaveProperty('TCB_SOURCE');
    expect(env.SCF_FUNCTIONNAME).toBe('updatePrinter');
  });
});
