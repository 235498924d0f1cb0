/**
 * Cold start benchmark (docs/performance.md): the docs' naive function against our built
 * functions, in fresh processes, interleaved, against the local cloud. A benchmark, not a test.
 *
 *   npm run bench                   15 rounds (about three minutes on 2 cores)
 *   npm run bench -- --quick        5 rounds, fewer warm calls
 *   npm run bench -- --runs 30      more rounds
 *   npm run bench -- --functions updatePrinter --json out.json
 *   npm run bench -- --node /path/to/node16   every function runs on that Node, our cache made by it
 *
 * Each round runs every (function, variant) once, in a shuffled order; a variant's ratio is the
 * median over rounds of its time divided by the naive function's time in the same round.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import * as path from 'node:path';
import { functionEnvironment } from '../localcloud/invoke';
import { startLocalCloud, type LocalCloud } from '../localcloud/server';
import { build, FUNCTIONS_DIR, PROJECT_ROOT, writeBundle } from './build';
import { BUNDLE_FILE, CACHE_FILE } from './build/code-cache';
import { EXTRAS_FILE, partFile } from './build/split-bundle';
import { databaseReadRows } from './bench/database-read';
import { RECORDS_COLLECTIONS, recordsRows } from './bench/records';
import { dependencyClosureSize, folderSize, NAIVE_APIS, writeNaiveFunction, type NaiveApi } from './bench/naive';
import { median, quantile, seededRandom, shuffled } from './bench/stats';

const COLD_CHILD = path.join(__dirname, 'bench', 'cold-child.js');
const ADMIN_OPENID = 'o-bench-admin';
const PRINTER_OPENID = 'o-bench-printer';

/** What runs, stage by stage, from the floor to ours; `naive` is what every ratio divides by. */
const VARIANTS = {
  floor: 'floor: Node + one signed HTTP POST, no SDK',
  naive: "naive: the docs' function, node_modules",
  plain: 'esbuild bundle (plain)',
  lazy: '+ deferred SDK requires, one file',
  built: '+ split into index.extras.js: `npm run build` (default)',
  cached: 'opt-in --code-cache, run by the Node that made it',
} as const;
type Variant = keyof typeof VARIANTS;

interface Options {
  runs: number;
  /** Warm rounds per log mode (each round: one raw call, one of ours, one of the thinnest wrapper). */
  warmRounds: number;
  warmUp: number;
  functions: NaiveApi[];
  json?: string;
  /** The Node binary every function runs on (and our code cache is made for). */
  node: string;
}

function parseOptions(argv: readonly string[]): Options {
  const quick = argv.includes('--quick');
  const valueOf = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const runs = Number(valueOf('--runs') ?? (quick ? 5 : 15));
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive integer');
  const functions = (valueOf('--functions')?.split(',') ?? [...NAIVE_APIS]) as NaiveApi[];
  for (const name of functions) if (!NAIVE_APIS.includes(name)) throw new Error(`no naive counterpart for ${name}`);
  return { runs, warmRounds: quick ? 150 : 1500, warmUp: quick ? 30 : 200, functions, json: valueOf('--json'), node: valueOf('--node') ?? process.execPath };
}

interface ChildAnswer {
  result?: { ok?: boolean; errCode?: number; status?: number; accounts?: { errCode?: number } };
  codeCache?: string;
}

/**
 * Spawns `node <args>` and times spawn → the first line on fd 3 (the answer); the second line gives
 * the peak RSS. A child that has not ended after `killAfterMs` is taken for hung and killed.
 */
function timedChild(node: string, args: readonly string[], env: Record<string, string>, cwd: string, killAfterMs = 30_000): Promise<{ ms: number; answer: ChildAnswer; peakRssKiB: number }> {
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
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (ms === undefined || code !== 0) return reject(new Error(`node ${args.join(' ')} exited ${code} without an answer:\n${Buffer.concat(output).toString('utf8')}`));
      const [answerLine, rssLine] = reported.split('\n');
      resolve({ ms, answer: JSON.parse(answerLine as string) as ChildAnswer, peakRssKiB: rssLine ? (JSON.parse(rssLine) as { peakRssKiB: number }).peakRssKiB : Number.NaN });
    });
  });
}

/** The folder of each (variant, function), built into workDir; `warm` is the warm bench's bundle. */
async function prepareFolders(workDir: string, functions: readonly NaiveApi[], node: string): Promise<{ dirOf: (variant: Variant, name: NaiveApi) => string; warm: string }> {
  const dirOf = (variant: Variant, name: string) => path.join(workDir, variant === 'floor' ? 'built' : variant, name);
  const source = (name: string) => path.join(FUNCTIONS_DIR, name, 'src', 'index.ts');
  await build({ outDir: path.join(workDir, 'built') });
  await build({ outDir: path.join(workDir, 'cached'), codeCache: { nodeBinary: node } });
  for (const name of functions) {
    writeNaiveFunction(path.join(workDir, 'naive'), name, path.join(PROJECT_ROOT, 'node_modules'));
    await writeBundle(source(name), dirOf('plain', name), { lazyRequires: false });
    await writeBundle(source(name), dirOf('lazy', name), { split: false });
  }
  const warm = path.join(workDir, 'warm');
  await writeBundle(path.join(__dirname, 'bench', 'warm-entry.ts'), warm);
  return { dirOf, warm };
}

function environmentFor(cloud: LocalCloud, name: NaiveApi, functionDir: string): Record<string, string> {
  // Built from nothing but PATH, LANG, TZ: in particular NODE_EXTRA_CA_CERTS (~80 ms per start) and NODE_OPTIONS stay out.
  const caller = { openid: ADMIN_OPENID, source: 'wx_client' };
  return functionEnvironment({ functionDir, functionName: name, cloudUrl: cloud.functionUrl(name), caller, env: { LOGISTICS_ADMIN_OPENIDS: ADMIN_OPENID } });
}

/** The event for one cold start; a bind of a fresh SF account each time, so every bind succeeds. */
function eventFor(cloud: LocalCloud, name: NaiveApi, tag: string): unknown {
  if (name === 'updatePrinter') return { openid: PRINTER_OPENID, updateType: 'bind' };
  if (name === 'getBindings') return {};
  cloud.openapi.registerCarrierAccount({ deliveryId: 'SF', bizId: `bench-${tag}` });
  return { type: 'bind', bizId: `bench-${tag}`, deliveryId: 'SF' };
}

function checkAnswer(variant: Variant, name: NaiveApi, { result, codeCache }: ChildAnswer): void {
  // The naive getBindings answers its three SDK results; the first one tells.
  const naiveOk = (name === 'getBindings' ? result?.accounts?.errCode : result?.errCode) === 0;
  const succeeded = variant === 'floor' ? result?.status === 200 : variant === 'naive' ? naiveOk : result?.ok === true;
  if (!succeeded) throw new Error(`${variant} ${name} did not succeed: ${JSON.stringify(result)}`);
  if (codeCache !== (variant === 'cached' ? 'accepted' : undefined)) throw new Error(`${variant} ${name}: code cache ${codeCache}`);
}

type Samples = Map<string, { ms: number; rssMiB: number }[]>;

async function coldStarts(cloud: LocalCloud, dirOf: (variant: Variant, name: NaiveApi) => string, options: Options): Promise<Samples> {
  const samples: Samples = new Map();
  const cases = options.functions.flatMap((name) => (Object.keys(VARIANTS) as Variant[]).map((variant) => ({ name, variant })));
  const random = seededRandom(20240102);
  for (let round = 0; round < options.runs; round += 1) {
    for (const { name, variant } of shuffled(cases, random)) {
      const dir = dirOf(variant, name);
      const args = variant === 'floor' ? [COLD_CHILD, '--floor'] : [COLD_CHILD, path.join(dir, 'index.js'), JSON.stringify(eventFor(cloud, name, `${variant}-${round}`))];
      const { ms, answer, peakRssKiB } = await timedChild(options.node, args, environmentFor(cloud, name, dir), dir);
      checkAnswer(variant, name, answer);
      samples.set(`${name}/${variant}`, [...(samples.get(`${name}/${variant}`) ?? []), { ms, rssMiB: peakRssKiB / 1024 }]);
    }
    // On a terminal one line rewritten in place; in a log, one line per round.
    process.stderr.write(`${process.stderr.isTTY ? '\r' : ''}cold starts: round ${round + 1}/${options.runs}${process.stderr.isTTY && round + 1 < options.runs ? '' : '\n'}`);
  }
  return samples;
}

/** Per-call durations (ms) of one warm child, index i of each list from the same round. */
type WarmDurations = Record<'raw' | 'ours' | 'thinnest', number[]>;

/** Twice: the audit line written as the functions do (`logged`), and console.log made a no-op (`quiet`). */
async function warmCalls(cloud: LocalCloud, warmDir: string, options: Options): Promise<Record<'logged' | 'quiet', WarmDurations>> {
  const event = JSON.stringify({ openid: PRINTER_OPENID, updateType: 'bind' });
  const run = async (logMode: string) => {
    const args = [path.join(warmDir, 'index.js'), event, String(options.warmUp), String(options.warmRounds), logMode];
    // The full warm run is (200 + 1500) rounds × three calls, twice; with the records' database round
    // trips that is about a minute on 2 cores, past the cold starts' 30 s.
    return (await timedChild(options.node, args, environmentFor(cloud, 'updatePrinter', warmDir), warmDir, 300_000)).answer as unknown as WarmDurations;
  };
  return { logged: await run('logged'), quiet: await run('quiet') };
}

/** A table of the report: printed as markdown, written to --json as it is. */
interface Table {
  title: string;
  header: string[];
  rows: string[][];
}

function markdown({ title, header, rows }: Table): string {
  // Columns of figures are right-aligned.
  const align = header.map((_, column) => (rows.every((row) => /^-?[\d*]/.test(row[column] ?? '')) ? '--:' : '---'));
  return [...(title === '' ? [] : [title, '']), ...[header, align, ...rows].map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

const spread = (values: number[], digits = 0) => `${median(values).toFixed(digits)} (${quantile(values, 0.25).toFixed(digits)}–${quantile(values, 0.75).toFixed(digits)})`;
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);

function report(samples: Samples, warm: Record<'logged' | 'quiet', WarmDurations>, dirOf: (variant: Variant, name: NaiveApi) => string, options: Options): Table[] {
  const cold: Table = {
    title: "Cold start: spawn → first answer (parent clock); peak RSS: the child's VmHWM at the answer.",
    header: ['function', 'variant', 'cold start ms, median (p25–p75)', '× naive (median of pairs)', 'peak RSS MiB, median'],
    rows: options.functions.flatMap((name) => {
      const naive = (samples.get(`${name}/naive`) ?? []).map((sample) => sample.ms);
      return (Object.entries(VARIANTS) as [Variant, string][]).map(([variant, label]) => {
        const runs = samples.get(`${name}/${variant}`) ?? [];
        const ms = runs.map((sample) => sample.ms);
        return [name, label, spread(ms), median(ms.map((value, index) => value / (naive[index] as number))).toFixed(2), median(runs.map((sample) => sample.rssMiB)).toFixed(1)];
      });
    }),
  };

  // A layer's overhead: the median over rounds of (layer's call − raw call) in the same round.
  const overhead = (durations: WarmDurations, layer: 'ours' | 'thinnest') => {
    const ms = median(durations[layer].map((value, index) => value - (durations.raw[index] as number)));
    return `${ms.toFixed(3)} (${((ms / median(durations.raw)) * 100).toFixed(1)} %)`;
  };
  const bothModes = (figure: (durations: WarmDurations) => string) => [figure(warm.logged), figure(warm.quiet)];
  const warmCalls: Table = {
    title: [
      `Warm calls, one process, ${warm.logged.raw.length} rounds after warm-up, the order rotating each round (updatePrinter, same SDK instance).`,
      'Run twice: with the log line written to stdout as the functions do, and with console.log made a no-op.',
    ].join('\n'),
    header: ['call', 'median ms per call, log written', 'median ms per call, log not written'],
    rows: [
      ['raw SDK: cloud.openapi.logistics.updatePrinter(params)', ...bothModes((durations) => median(durations.raw).toFixed(3))],
      ['ours: main(event) (authorise, validate, call, envelope, audit line)', ...bothModes((durations) => median(durations.ours).toFixed(3))],
      ['reference: the thinnest wrapper with the same duties (scripts/bench/warm-entry.ts)', ...bothModes((durations) => median(durations.thinnest).toFixed(3))],
    ],
  };
  const warmOverhead: Table = {
    title: '',
    header: ['overhead over the raw call, ms (% of a raw call; median of same-round differences)', 'log written', 'log not written'],
    rows: [
      ['ours', ...bothModes((durations) => overhead(durations, 'ours'))],
      ['the thinnest wrapper with the same duties', ...bothModes((durations) => overhead(durations, 'thinnest'))],
    ],
  };

  const closure = dependencyClosureSize(PROJECT_ROOT, 'wx-server-sdk');
  const naiveFile = statSync(path.join(dirOf('naive', options.functions[0] as NaiveApi), 'index.js')).size;
  const ours = (variant: 'built' | 'cached', name: NaiveApi) => {
    const files = variant === 'built' ? ['index.js', partFile('database'), EXTRAS_FILE] : ['index.js', BUNDLE_FILE, partFile('database'), EXTRAS_FILE, CACHE_FILE];
    const sizes = files.map((file) => `${file} ${mib(statSync(path.join(dirOf(variant, name), file)).size)} MiB`).join(', ');
    const { files: count, bytes } = folderSize(dirOf(variant, name));
    return [`ours, ${variant === 'built' ? 'default' : '--code-cache'}: ${name}/ (${sizes}, package.json, config.json)`, '0', String(count), mib(bytes)];
  };
  const deploy: Table = {
    title: 'Deploy folder:',
    header: ['folder', 'packages', 'files', 'size MiB'],
    rows: [
      ["naive: index.js + node_modules (wx-server-sdk's dependency closure)", String(closure.packages), String(closure.files + 1), mib(closure.bytes + naiveFile)],
      ...options.functions.flatMap((name) => [ours('built', name), ours('cached', name)]),
    ],
  };
  return [cold, warmCalls, warmOverhead, deploy];
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const workDir = mkdtempSync(path.join(tmpdir(), 'wx-logistics-bench-'));
  // The printer the updatePrinter runs bind is a user of the mini program (else 40003).
  // The records' collections exist, as the owner creates them (issue 21).
  const cloud = await startLocalCloud({ knownUsers: [PRINTER_OPENID], collections: RECORDS_COLLECTIONS });
  try {
    process.stderr.write('building the variants…\n');
    const { dirOf, warm: warmDir } = await prepareFolders(workDir, options.functions, options.node);
    const samples = await coldStarts(cloud, dirOf, options);
    process.stderr.write('warm calls…\n');
    const warm = await warmCalls(cloud, warmDir, options);
    const tables = report(samples, warm, dirOf, options);
    process.stderr.write('a database read…\n');
    tables.push({ title: 'Cold start of a function whose first call reads one document:', header: tables[0]!.header, rows: await databaseReadRows({ node: options.node, runs: options.runs, workDir }) });
    process.stderr.write('the records (issue 21)…\n');
    const cold = async (fn: string, event: unknown) => {
      const dir = dirOf('built', fn as NaiveApi);
      const { ms, answer } = await timedChild(options.node, [COLD_CHILD, path.join(dir, 'index.js'), JSON.stringify(event)], environmentFor(cloud, fn as NaiveApi, dir), dir);
      checkAnswer('built', fn as NaiveApi, answer);
      return ms;
    };
    tables.push({
      title: 'The records (issue 21): the built functions with their database requests (warm: one container, through the invoker, IPC included):',
      header: ['call', 'cold start ms, median (p25–p75)', 'warm ms per call, median (p25–p75)'],
      rows: await recordsRows({ cloud, functions: options.functions, runs: options.runs, warmCalls: options.warmUp, printer: PRINTER_OPENID, admin: ADMIN_OPENID, builtDir: (fn) => dirOf('built', fn as NaiveApi), cold }),
    });
    const version = execFileSync(options.node, ['--version'], { encoding: 'utf8' }).trim();
    console.log(`Node ${version}, ${cpus().length} CPUs, ${options.runs} interleaved rounds; children get no NODE_EXTRA_CA_CERTS / NODE_OPTIONS.\n`);
    console.log(tables.map(markdown).join('\n\n'));
    if (options.json !== undefined) writeFileSync(options.json, `${JSON.stringify({ node: version, runs: options.runs, tables, samples: Object.fromEntries(samples), warm }, null, 1)}\n`);
  } finally {
    await cloud.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
