/**
 * The bench's database row (issue 20, section 4): a function whose first call reads one document,
 * as the docs write it, run naive (node_modules, file by file) and built by the project's bundler
 * (index.js, whose first database call reads index.database.js and nothing else deferred). Cold
 * starts in fresh processes, interleaved, against a local cloud holding that document.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { functionEnvironment } from '../../localcloud/invoke';
import { startLocalCloud } from '../../localcloud/server';
import { PROJECT_ROOT, writeBundle } from '../build';
import { median, quantile } from './stats';

const COLD_CHILD = path.join(__dirname, 'cold-child.js');
const FUNCTION_NAME = 'benchDatabaseRead';

/** The docs' shape: require, init, read one document, return the error as the answer. */
const SOURCE = `const cloud = require('wx-server-sdk')
cloud.init()
exports.main = async (event, context) => {
  try {
    return await cloud.database().collection('bench').doc('d1').get()
  } catch (err) {
    return err
  }
}
`;

/** One cold start: spawn → the answer line on fd 3 (cold-child.js), and the peak RSS after it. */
function coldStart(node: string, functionDir: string, env: Record<string, string>): Promise<{ ms: number; rssMiB: number; answer: { result?: { data?: { _id?: string } } } }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(node, [COLD_CHILD, path.join(functionDir, 'index.js'), '{}'], { cwd: functionDir, env, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let ms: number | undefined;
    let reported = '';
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
      if (ms === undefined && chunk.includes(10)) ms = Number(process.hrtime.bigint() - started) / 1e6;
      reported += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (ms === undefined || code !== 0) return reject(new Error(`the database read exited ${code}: ${stderr}`));
      const [answer, rss] = reported.split('\n');
      resolve({ ms, answer: JSON.parse(answer as string), rssMiB: (JSON.parse(rss as string) as { peakRssKiB: number }).peakRssKiB / 1024 });
    });
  });
}

/** Rows `function | variant | ms median (p25–p75) | × naive | peak RSS MiB` for the database read. */
export async function databaseReadRows(options: { node: string; runs: number; workDir: string }): Promise<string[][]> {
  const nodeModules = path.join(PROJECT_ROOT, 'node_modules');
  const naive = path.join(options.workDir, 'database-read', 'naive');
  const source = path.join(options.workDir, 'database-read', 'source');
  const built = path.join(options.workDir, 'database-read', 'built');
  for (const dir of [naive, source]) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'index.js'), SOURCE);
    symlinkSync(nodeModules, path.join(dir, 'node_modules'), 'dir');
  }
  const warnings = await writeBundle(path.join(source, 'index.js'), built);
  if (warnings.length > 0) throw new Error(`the database read's build warned: ${warnings.join('\n')}`);

  const cloud = await startLocalCloud({ collections: { bench: [{ _id: 'd1', text: 'one document' }] } });
  const samples: Record<'naive' | 'built', Array<{ ms: number; rssMiB: number }>> = { naive: [], built: [] };
  try {
    for (let round = 0; round < options.runs; round += 1) {
      const order = round % 2 === 0 ? (['naive', 'built'] as const) : (['built', 'naive'] as const);
      for (const variant of order) {
        const functionDir = variant === 'naive' ? naive : built;
        const env = functionEnvironment({ functionDir, functionName: FUNCTION_NAME, cloudUrl: cloud.functionUrl(FUNCTION_NAME) });
        const { ms, rssMiB, answer } = await coldStart(options.node, functionDir, env);
        if (answer.result?.data?._id !== 'd1') throw new Error(`${variant} database read did not read the document: ${JSON.stringify(answer)}`);
        samples[variant].push({ ms, rssMiB });
      }
    }
  } finally {
    await cloud.close();
  }
  const naiveMs = samples.naive.map((sample) => sample.ms);
  return (['naive', 'built'] as const).map((variant) => {
    const ms = samples[variant].map((sample) => sample.ms);
    const label = variant === 'naive' ? "naive: the docs' function, node_modules" : '`npm run build` (default): index.js + index.database.js';
    return ['first call reads one document (doc().get())', label, `${median(ms).toFixed(0)} (${quantile(ms, 0.25).toFixed(0)}–${quantile(ms, 0.75).toFixed(0)})`, median(ms.map((value, index) => value / (naiveMs[index] as number))).toFixed(2), median(samples[variant].map((sample) => sample.rssMiB)).toFixed(1)];
  });
}
