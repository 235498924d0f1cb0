/**
 * Cold start benchmark (docs/performance.md): the docs' naive function against our built
 * functions, in fresh processes, interleaved, against the local cloud. A benchmark, not a test.
 *
 *   npm run bench                   15 rounds (about three minutes on 2 cores)
 *   npm run bench -- --quick        5 rounds, fewer warm calls
 *   npm run bench -- --runs 30      more rounds
 *   npm run bench -- --functions updatePrinter --json out.json
 *   npm run bench -- --node /path/to/node16   every function runs on that Node, our cache made by it
 *   npm run bench -- --patches      the default build against itself without each stage of SDK patches
 *
 * Each round runs every (function, variant) once, in a shuffled order; a variant's ratio is the
 * median over rounds of its time divided by the naive function's time in the same round.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import * as path from 'node:path';
import { functionEnvironment, startWarmFunction } from '../localcloud/invoke';
import { startLocalCloud, type LocalCloud } from '../localcloud/server';
import { build, FUNCTIONS_DIR, PROJECT_ROOT, writeBundle, type BundleOptions } from './build';
import { BUNDLE_FILE, CACHE_FILE } from './build/code-cache';
import { SDK_PATCHES } from './build/sdk-patches';
import { EXTRAS_FILE } from './build/split-bundle';
import { databaseReadRows } from './bench/database-read';
import { dependencyClosureSize, folderSize, NAIVE_APIS, writeNaiveFunction, type NaiveApi } from './bench/naive';
import { median, quantile, ratios, seededRandom, shuffled } from './bench/stats';

const BENCH_DIR = path.join(__dirname, 'bench');
const COLD_CHILD = path.join(BENCH_DIR, 'cold-child.js');
const FLOOR_CHILD = path.join(BENCH_DIR, 'floor-child.js');
const WARM_CHILD = path.join(BENCH_DIR, 'warm-child.js');
const ADMIN_OPENID = 'o-bench-admin';
const PRINTER_OPENID = 'o-bench-printer';
const CHILD_TIMEOUT_MS = 30_000;

/** What runs, stage by stage, from the floor to ours; `naive` is what every ratio divides by. */
const VARIANTS = ['floor', 'naive', 'plain', 'lazy', 'built', 'refused', 'cached'] as const;
type Variant = (typeof VARIANTS)[number];
const VARIANT_LABELS: Record<Variant, string> = {
  floor: 'floor: Node + one signed HTTP POST, no SDK',
  naive: "naive: the docs' function, node_modules",
  plain: 'esbuild bundle (plain)',
  lazy: '+ deferred SDK requires, one file',
  built: '+ split into index.extras.js: `npm run build` (default)',
  refused: 'opt-in --code-cache, run by another Node (cache refused)',
  cached: 'opt-in --code-cache, run by the Node that made it',
};
type FunctionName = NaiveApi;
/** `--patches`: the default build without one stage of SDK patches each, to weigh what each stage is worth. */
const WITHOUT = 'without ';
const STAGES = [...new Set(SDK_PATCHES.map((patch) => patch.stage))];
const labelOf = (variant: string) => VARIANT_LABELS[variant as Variant] ?? `default build, ${variant.slice(WITHOUT.length)} loaded at start (not deferred)`;

interface Options {
  runs: number;
  /** Warm rounds per log mode (each round: one raw call, one of ours, one of the thinnest wrapper). */
  warmRounds: number;
  warmUp: number;
  functions: FunctionName[];
  variants: string[];
  json?: string;
  /** The Node binary every function runs on (and our code cache is made for). */
  node: string;
}

function parseOptions(argv: readonly string[]): Options {
  const quick = argv.includes('--quick');
  const valueOf = (flag: string) => {
    const at = argv.indexOf(flag);
    return at === -1 ? undefined : argv[at + 1];
  };
  const runs = Number(valueOf('--runs') ?? (quick ? 5 : 15));
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive integer');
  // The functions that have the docs' naive counterpart to compare with.
  const functions = (valueOf('--functions')?.split(',') ?? [...NAIVE_APIS]) as FunctionName[];
  for (const name of functions) if (!NAIVE_APIS.includes(name)) throw new Error(`no naive counterpart for ${name}`);
  const variants = argv.includes('--patches') ? ['naive', 'built', ...STAGES.map((stage) => `${WITHOUT}${stage}`)] : [...VARIANTS];
  return { runs, warmRounds: quick ? 150 : 1500, warmUp: quick ? 30 : 200, functions, variants, json: valueOf('--json'), node: valueOf('--node') ?? process.execPath };
}

interface ChildAnswer {
  result?: unknown;
  threw?: string;
  codeCache?: string;
}

/** Spawns `node <args>` and times spawn → the first line on fd 3 (the answer); a second line may give the peak RSS. */
function timedChild(node: string, args: readonly string[], env: Record<string, string>, cwd: string): Promise<{ ms: number; answer: ChildAnswer; peakRssKiB: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(node, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    let ms: number | undefined;
    let reported = '';
    const output: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
      if (ms === undefined && chunk.includes(10)) ms = Number(process.hrtime.bigint() - started) / 1e6;
      reported += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (ms === undefined || code !== 0) {
        reject(new Error(`node ${args.join(' ')} exited ${code} without an answer:\n${Buffer.concat(output).toString('utf8')}`));
        return;
      }
      const [answerLine, rssLine] = reported.split('\n');
      const peak = rssLine ? (JSON.parse(rssLine) as { peakRssKiB: number }).peakRssKiB : Number.NaN;
      resolve({ ms, answer: JSON.parse(answerLine as string) as ChildAnswer, peakRssKiB: peak });
    });
  });
}

/** variant → function → folder, and the warm bench's bundle. */
interface Folders {
  dirs: Record<string, Record<FunctionName, string>>;
  warm: string;
}
const dirOf = (folders: Folders, variant: string, name: FunctionName) => folders.dirs[variant]?.[name] as string;

async function prepareFolders(workDir: string, functions: readonly FunctionName[], node: string): Promise<Folders> {
  const each = async (make: (name: FunctionName) => Promise<string> | string) =>
    Object.fromEntries(await Promise.all(functions.map(async (name) => [name, await make(name)] as const))) as Record<FunctionName, string>;
  const source = (name: string) => path.join(FUNCTIONS_DIR, name, 'src', 'index.ts');
  const bundled = async (variant: string, name: string, options: BundleOptions) => {
    await writeBundle(name === 'warm' ? path.join(BENCH_DIR, 'warm-entry.ts') : source(name), path.join(workDir, variant, name), options);
    return path.join(workDir, variant, name);
  };
  await build({ outDir: path.join(workDir, 'built') });
  await build({ outDir: path.join(workDir, 'cached'), codeCache: { nodeBinary: node } });
  const dirs: Folders['dirs'] = {
    naive: await each((name) => writeNaiveFunction(path.join(workDir, 'naive'), name, path.join(PROJECT_ROOT, 'node_modules'))),
    plain: await each((name) => bundled('plain', name, { lazyRequires: false })),
    lazy: await each((name) => bundled('lazy', name, { split: false })),
    built: await each((name) => path.join(workDir, 'built', name)),
    // What another Node makes of the cache: a header naming another runtime.
    refused: await each((name) => {
      const dir = path.join(workDir, 'refused', name);
      cpSync(path.join(workDir, 'cached', name), dir, { recursive: true });
      const cache = readFileSync(path.join(dir, CACHE_FILE));
      const newline = cache.indexOf(10);
      const header = { ...(JSON.parse(cache.toString('latin1', 0, newline)) as object), node: 'v0.0.0-other' };
      writeFileSync(path.join(dir, CACHE_FILE), Buffer.concat([Buffer.from(JSON.stringify(header)), cache.subarray(newline)]));
      return dir;
    }),
    cached: await each((name) => path.join(workDir, 'cached', name)),
    ...Object.fromEntries(
      await Promise.all(
        STAGES.map(async (stage, index) => {
          const patches = SDK_PATCHES.filter((patch) => patch.stage !== stage);
          return [`${WITHOUT}${stage}`, await each((name) => bundled(`without-${index}`, name, { patches }))] as const;
        }),
      ),
    ),
  };
  return { dirs, warm: await bundled('warm', 'warm', {}) };
}

interface Sample {
  ms: number;
  rssMiB: number;
  codeCache?: string;
}

function environmentFor(cloud: LocalCloud, name: FunctionName, functionDir: string): Record<string, string> {
  // Built from nothing but PATH, LANG, TZ: in particular NODE_EXTRA_CA_CERTS (~80 ms per start) and NODE_OPTIONS stay out.
  return functionEnvironment({
    functionDir,
    functionName: name,
    cloudUrl: cloud.functionUrl(name),
    caller: { openid: ADMIN_OPENID, source: 'wx_client' },
    env: { LOGISTICS_ADMIN_OPENIDS: ADMIN_OPENID },
  });
}

/** The event for one cold start; a bind of a fresh SF account each time, so every bind succeeds. */
function eventFor(cloud: LocalCloud, name: FunctionName, tag: string): unknown {
  if (name === 'updatePrinter') return { openid: PRINTER_OPENID, updateType: 'bind' };
  if (name === 'getBindings') return {};
  const bizId = `bench-${tag}`;
  cloud.registerCarrierAccount({ deliveryId: 'SF', bizId });
  return { type: 'bind', bizId, deliveryId: 'SF' };
}

function checkAnswer(variant: string, name: FunctionName, answer: ChildAnswer): void {
  const result = answer.result as { ok?: boolean; errCode?: number; status?: number; accounts?: { errCode?: number } } | undefined;
  // The naive getBindings answers its three SDK results; the first one tells.
  const naiveOk = name === 'getBindings' ? result?.accounts?.errCode === 0 : result?.errCode === 0;
  const succeeded = variant === 'floor' ? result?.status === 200 : variant === 'naive' ? naiveOk : result?.ok === true;
  if (!succeeded) throw new Error(`${variant} ${name} did not succeed: ${JSON.stringify(answer)}`);
  const expectedCache = variant === 'cached' ? 'accepted' : variant === 'refused' ? 'other-runtime' : undefined;
  if (answer.codeCache !== expectedCache) throw new Error(`${variant} ${name}: code cache ${answer.codeCache}, expected ${expectedCache}`);
}

async function coldStarts(cloud: LocalCloud, folders: Folders, options: Options): Promise<Map<string, Sample[]>> {
  const samples = new Map<string, Sample[]>();
  const cases = options.functions.flatMap((name) => options.variants.map((variant) => ({ name, variant })));
  const random = seededRandom(20240102);
  for (let round = 0; round < options.runs; round += 1) {
    for (const { name, variant } of shuffled(cases, random)) {
      const functionDir = dirOf(folders, variant === 'floor' ? 'built' : variant, name);
      const args =
        variant === 'floor'
          ? [FLOOR_CHILD]
          : [COLD_CHILD, path.join(functionDir, 'index.js'), JSON.stringify(eventFor(cloud, name, `${variant}-${round}`))];
      const { ms, answer, peakRssKiB } = await timedChild(options.node, args, environmentFor(cloud, name, functionDir), functionDir);
      checkAnswer(variant, name, answer);
      const key = `${name}/${variant}`;
      samples.set(key, [...(samples.get(key) ?? []), { ms, rssMiB: peakRssKiB / 1024, codeCache: answer.codeCache }]);
    }
    process.stderr.write(`\rcold starts: round ${round + 1}/${options.runs}`);
  }
  process.stderr.write('\n');
  return samples;
}

/** Per-call durations (ms) of one warm child, index i of each list from the same round. */
interface WarmDurations {
  raw: number[];
  ours: number[];
  thinnest: number[];
}

/** The audit line written as the functions do (`logged`), and console.log made a no-op (`quiet`). */
interface WarmResult {
  logged: WarmDurations;
  quiet: WarmDurations;
}

async function warmCalls(cloud: LocalCloud, folders: Folders, options: Options): Promise<WarmResult> {
  const env = environmentFor(cloud, 'updatePrinter', folders.warm);
  const run = async (logMode: keyof WarmResult) => {
    const args = [
      WARM_CHILD,
      path.join(folders.warm, 'index.js'),
      JSON.stringify({ openid: PRINTER_OPENID, updateType: 'bind' }),
      JSON.stringify({ openid: PRINTER_OPENID, updateType: 'bind' }),
      String(options.warmUp),
      String(options.warmRounds),
      logMode,
    ];
    const { answer } = await timedChild(options.node, args, env, folders.warm);
    return answer as unknown as WarmDurations;
  };
  return { logged: await run('logged'), quiet: await run('quiet') };
}

/** Warm getBindings calls timed from the parent, with every answer of the local cloud held back. */
interface DelayedLatency {
  delayMs: number;
  calls: number;
  /** Per delay: the call durations, ms. */
  byDelay: Record<string, number[]>;
}

const READ_DELAY_MS = 50;

/**
 * getBindings' latency when every answer takes READ_DELAY_MS: its three reads run concurrently, so
 * a call costs about one delay, not three. Measured with no delay too, for what the rest costs.
 */
async function delayedReads(cloud: LocalCloud, folders: Folders, options: Options): Promise<DelayedLatency | undefined> {
  if (!options.functions.includes('getBindings')) return undefined;
  const calls = options.warmRounds >= 1500 ? 60 : 20;
  const container = await startWarmFunction({
    functionDir: dirOf(folders, 'built', 'getBindings'),
    functionName: 'getBindings',
    cloudUrl: cloud.functionUrl('getBindings'),
    caller: { openid: ADMIN_OPENID, source: 'wx_client' },
    // The invoker runs this Node (not --node's): the row measures concurrency, not a runtime.
    env: { LOGISTICS_ADMIN_OPENIDS: ADMIN_OPENID },
  });
  const byDelay: Record<string, number[]> = {};
  try {
    for (const delayMs of [0, READ_DELAY_MS]) {
      const durations: number[] = [];
      for (let i = 0; i < calls + 5; i += 1) {
        cloud.faults.clear();
        if (delayMs > 0) cloud.faults.next({ kind: 'slow', delayMs }, { functionName: 'getBindings', times: 3 });
        const started = process.hrtime.bigint();
        const invocation = await container.invoke({}, { timeoutMs: 10_000 });
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        const envelope = invocation.status === 'returned' ? (invocation.result as { ok?: boolean }) : undefined;
        if (envelope?.ok !== true) throw new Error(`getBindings with ${delayMs} ms delays did not succeed: ${JSON.stringify(invocation)}`);
        if (i >= 5) durations.push(ms); // the first calls warm the process up
      }
      byDelay[String(delayMs)] = durations;
    }
  } finally {
    cloud.faults.clear();
    await container.close();
  }
  return { delayMs: READ_DELAY_MS, calls, byDelay };
}

const fixed = (value: number, digits = 0) => value.toFixed(digits);
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);

function report(
  samples: Map<string, Sample[]>,
  warm: WarmResult,
  folders: Folders,
  options: Options,
  delayed: DelayedLatency | undefined,
): { text: string; summary: Record<string, unknown> } {
  const lines: string[] = [];
  const version = execFileSync(options.node, ['--version'], { encoding: 'utf8' }).trim();
  const summary: Record<string, unknown> = { node: version, runs: options.runs, cpus: cpus().length };
  lines.push(`Node ${version}, ${cpus().length} CPUs, ${options.runs} interleaved rounds; children get no NODE_EXTRA_CA_CERTS / NODE_OPTIONS.`);
  lines.push('');
  lines.push('Cold start: spawn → first answer (parent clock); peak RSS: the child\'s VmHWM at the answer.');
  lines.push('');
  lines.push('| function | variant | cold start ms, median (p25–p75) | × naive (median of pairs) | peak RSS MiB, median |');
  lines.push('| --- | --- | --: | --: | --: |');
  for (const name of options.functions) {
    const naive = (samples.get(`${name}/naive`) ?? []).map((sample) => sample.ms);
    for (const variant of options.variants) {
      const runs = samples.get(`${name}/${variant}`) ?? [];
      const ms = runs.map((sample) => sample.ms);
      const ratio = median(ratios(ms, naive));
      const rss = median(runs.map((sample) => sample.rssMiB));
      summary[`${name}/${variant}`] = { msMedian: median(ms), ratio, rssMiB: rss };
      lines.push(
        `| ${name} | ${labelOf(variant)} | ${fixed(median(ms))} (${fixed(quantile(ms, 0.25))}–${fixed(quantile(ms, 0.75))}) | ${ratio.toFixed(2)} | ${rss.toFixed(1)} |`,
      );
    }
  }

  // A layer's overhead: the median over rounds of (layer's call − raw call) in the same round.
  const overheadOf = (durations: WarmDurations, layer: 'ours' | 'thinnest') =>
    median(durations[layer].map((ms, index) => ms - (durations.raw[index] as number)));
  const warmStats = (durations: WarmDurations) => ({
    rawMedianMs: median(durations.raw),
    oursMedianMs: median(durations.ours),
    thinnestMedianMs: median(durations.thinnest),
    oursOverheadMs: overheadOf(durations, 'ours'),
    thinnestOverheadMs: overheadOf(durations, 'thinnest'),
    rounds: durations.raw.length,
  });
  const logged = warmStats(warm.logged);
  const quiet = warmStats(warm.quiet);
  summary.warm = { logged, quiet };
  const share = (ms: number, raw: number) => `${ms.toFixed(3)} (${((ms / raw) * 100).toFixed(1)} %)`;
  lines.push('');
  lines.push(`Warm calls, one process, ${logged.rounds} rounds after warm-up, the order rotating each round (updatePrinter, same SDK instance).`);
  lines.push('Run twice: with the log line written to stdout as the functions do, and with console.log made a no-op.');
  lines.push('');
  lines.push('| call | median ms per call, log written | median ms per call, log not written |');
  lines.push('| --- | --: | --: |');
  lines.push(`| raw SDK: cloud.openapi.logistics.updatePrinter(params) | ${logged.rawMedianMs.toFixed(3)} | ${quiet.rawMedianMs.toFixed(3)} |`);
  lines.push(`| ours: main(event) (authorise, validate, call, envelope, audit line) | ${logged.oursMedianMs.toFixed(3)} | ${quiet.oursMedianMs.toFixed(3)} |`);
  lines.push(`| reference: the thinnest wrapper with the same duties (scripts/bench/warm-entry.ts) | ${logged.thinnestMedianMs.toFixed(3)} | ${quiet.thinnestMedianMs.toFixed(3)} |`);
  lines.push('');
  lines.push('| overhead over the raw call, ms (% of a raw call; median of same-round differences) | log written | log not written |');
  lines.push('| --- | --: | --: |');
  lines.push(`| ours | ${share(logged.oursOverheadMs, logged.rawMedianMs)} | ${share(quiet.oursOverheadMs, quiet.rawMedianMs)} |`);
  lines.push(`| the thinnest wrapper with the same duties | ${share(logged.thinnestOverheadMs, logged.rawMedianMs)} | ${share(quiet.thinnestOverheadMs, quiet.rawMedianMs)} |`);

  if (delayed !== undefined) {
    const none = delayed.byDelay['0'] ?? [];
    const slow = delayed.byDelay[String(delayed.delayMs)] ?? [];
    summary.getBindingsDelayed = { delayMs: delayed.delayMs, calls: delayed.calls, noDelayMedianMs: median(none), delayedMedianMs: median(slow) };
    lines.push('');
    lines.push(`getBindings, warm, ${delayed.calls} calls each, timed from the invoker (event sent → envelope back); its three reads run concurrently.`);
    lines.push('');
    lines.push('| local cloud | median ms (p25–p75) | added by the delay, ms | in delays |');
    lines.push('| --- | --: | --: | --: |');
    lines.push(`| answers at once | ${fixed(median(none), 1)} (${fixed(quantile(none, 0.25), 1)}–${fixed(quantile(none, 0.75), 1)}) | – | – |`);
    const added = median(slow) - median(none);
    lines.push(
      `| every answer delayed ${delayed.delayMs} ms | ${fixed(median(slow), 1)} (${fixed(quantile(slow, 0.25), 1)}–${fixed(quantile(slow, 0.75), 1)}) | ${fixed(added, 1)} | ${(added / delayed.delayMs).toFixed(2)} (one after another: 3) |`,
    );
  }

  lines.push('');
  lines.push('Deploy folder:');
  lines.push('');
  lines.push('| folder | packages | files | size MiB |');
  lines.push('| --- | --: | --: | --: |');
  const closure = dependencyClosureSize(PROJECT_ROOT, 'wx-server-sdk');
  const naiveFile = statSync(path.join(dirOf(folders, 'naive', options.functions[0] as FunctionName), 'index.js')).size;
  lines.push(`| naive: index.js + node_modules (wx-server-sdk's dependency closure) | ${closure.packages} | ${closure.files + 1} | ${mib(closure.bytes + naiveFile)} |`);
  summary.deploy = { naive: { packages: closure.packages, files: closure.files + 1, bytes: closure.bytes + naiveFile } };
  for (const name of options.functions) {
    for (const variant of ['built', 'cached'] as const) {
      const size = folderSize(dirOf(folders, variant, name));
      const files = variant === 'built' ? ['index.js', EXTRAS_FILE] : ['index.js', BUNDLE_FILE, EXTRAS_FILE, CACHE_FILE];
      const sizes = files.map((file) => `${file} ${mib(statSync(path.join(dirOf(folders, variant, name), file)).size)} MiB`).join(', ');
      lines.push(`| ours, ${variant === 'built' ? 'default' : '--code-cache'}: ${name}/ (${sizes}, package.json, config.json) | 0 | ${size.files} | ${mib(size.bytes)} |`);
      (summary.deploy as Record<string, unknown>)[`${name}/${variant}`] = size;
    }
  }

  lines.push('');
  for (const name of options.variants.includes('cached') ? options.functions : []) {
    const ratio = (variant: Variant) => (summary[`${name}/${variant}`] as { ratio: number }).ratio;
    const goal = (value: number, limit: number) => `${value.toFixed(2)}× naive (goal ≤ ${limit.toFixed(2)}: ${value <= limit ? 'met' : 'NOT met'})`;
    lines.push(`Goals, ${name}: default build ${goal(ratio('built'), 0.36)}; opt-in code cache on its own Node ${goal(ratio('cached'), 0.3)}`);
  }
  const overheadShare = logged.oursOverheadMs / logged.rawMedianMs;
  lines.push(`Goal, warm overhead: ${(overheadShare * 100).toFixed(1)} % of a raw call (goal ≤ 2 %: ${overheadShare <= 0.02 ? 'met' : 'NOT met'})`);
  return { text: lines.join('\n'), summary };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const workDir = mkdtempSync(path.join(tmpdir(), 'wx-logistics-bench-'));
  // The printer the updatePrinter runs bind is a user of the mini program (else 40003).
  const cloud = await startLocalCloud({ knownUsers: [PRINTER_OPENID] });
  try {
    process.stderr.write('building the variants…\n');
    const folders = await prepareFolders(workDir, options.functions, options.node);
    const samples = await coldStarts(cloud, folders, options);
    process.stderr.write('warm calls…\n');
    const warm = await warmCalls(cloud, folders, options);
    process.stderr.write('getBindings with delayed answers…\n');
    const delayed = await delayedReads(cloud, folders, options);
    const { text, summary } = report(samples, warm, folders, options, delayed);
    console.log(text);
    process.stderr.write('a database read…\n');
    console.log(['', 'Cold start of a function whose first call reads one document:', '', '| function | variant | cold start ms, median (p25–p75) | × naive (median of pairs) | peak RSS MiB, median |', '| --- | --- | --: | --: | --: |', ...(await databaseReadRows({ node: options.node, runs: options.runs, workDir }))].join('\n'));
    if (options.json !== undefined) writeFileSync(options.json, `${JSON.stringify({ summary, samples: Object.fromEntries(samples), warm, delayed }, null, 1)}\n`);
  } finally {
    await cloud.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
