/**
 * Every command of the README's quick start and command table, run as written (through bash, so
 * its quoting is the README's) in a fresh copy of the checkout: the files git tracks or would
 * track, no build output, node_modules linked in place of `npm install`. A command the README
 * adds must be given a way to check it here, or this fails.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The quick start's commands (comments stripped) and the command table's first column. */
function readmeCommands(): string[] {
  const quickStart = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(README)?.[1] ?? '';
  const table = README.slice(README.indexOf('Other commands:'), README.indexOf('## Layout'));
  return [
    ...quickStart.split('\n').map((line) => line.replace(/#.*$/, '').trim()),
    ...[...table.matchAll(/^\| `(npm [^|]*?)` \|/gm)].map((match) => (match[1] as string).trim()),
  ].filter((command) => command !== '');
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Not run here, and why: each is run where it can be. */
const ELSEWHERE: Record<string, string> = {
  'npm install': 'made this checkout; .ci/run starts from a clean clone with npm ci',
  'npm test': 'is the run this test is part of',
  'npm run check:wechat': '.ci/run runs it (it installs miniprogram-ci, about 275 MB, into scripts/wechat-ci/)',
  'npm run screenshots': '.ci/run runs it as `npm run screenshots -- --verify` (it needs Chromium and CJK fonts)',
};

/** Run here, in this order (the code cache build before invoke, which then runs its loader), each with what must show. */
const RUN_HERE: Array<{ command: string; as?: string; check: (run: Run, copy: string) => void }> = [
  { command: 'npm run build', check: (run) => expect(run.stdout).toMatch(/^built cloudfunctions\/updatePrinter\/: index\.database\.js \(\d+ KiB\), index\.extras\.js \(\d+ KiB\), index\.js \(\d+ KiB\)$/m) },
  { command: 'npm run build -- --code-cache', check: (run) => expect(run.stdout).toMatch(/built cloudfunctions\/updatePrinter\/: .*index\.v8cache/) },
  {
    command: `npm run invoke -- bindAccount '{"type":"bind","bizId":"demo-yunda","deliveryId":"YUNDA","password":"demo-yunda-password"}'`,
    check: (run) => {
      // npm echoes the command line it runs; what the script prints follows it.
      const printed = run.stdout.slice(run.stdout.indexOf('\n{') + 1);
      expect(JSON.parse(printed)).toMatchObject({ ok: true, code: 'OK' });
      expect(printed + run.stderr).not.toContain('demo-yunda-password');
    },
  },
  { command: 'npm start', check: (run) => expect(run.stdout).toContain('全部步骤符合预期') },
  { command: 'npm run docs', check: (_run, copy) => expect(readFileSync(path.join(copy, 'README.md'), 'utf8')).toBe(README) },
  {
    // The full bench takes minutes: one quick round shows it runs and prints every table the README quotes.
    command: 'npm run bench',
    as: 'npm run bench -- --quick --runs 1',
    check: (run) => {
      expect(run.stderr).toContain('cold starts: round 1/1\n');
      // Every row of the README's cold-start table, but those it says come from the bench as it was at f83f20f.
      const rows = [...README.matchAll(/^\| (updatePrinter|bindAccount|getBindings) \| ([^|]+) \|/gm)].map((match) => `${match[1]} | ${(match[2] as string).replace(/\*\*/g, '').trim()}`);
      expect(rows.length).toBeGreaterThanOrEqual(18);
      for (const row of rows.filter((quoted) => !quoted.endsWith('(cache refused)'))) {
        expect(run.stdout).toMatch(new RegExp(`^\\| ${row.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\| \\d+ \\(\\d+–\\d+\\) \\| \\d\\.\\d\\d \\| \\d+\\.\\d \\|$`, 'm'));
      }
      // A same-round difference can be negative on a loaded machine: the figure is printed, not judged.
      expect(run.stdout).toMatch(/\| ours \| -?\d+\.\d{3} \(-?\d+\.\d %\) \| -?\d+\.\d{3} \(-?\d+\.\d %\) \|/);
      expect(run.stdout).toMatch(/\| naive: index\.js \+ node_modules .* \| \d+ \| \d+ \| \d+\.\d\d \|/);
      expect(run.stdout).toMatch(/\| ours, default: updatePrinter\/ .* \| 0 \| 5 \| \d\.\d\d \|/);
    },
  },
];

let copy: string;

beforeAll(() => {
  copy = path.join(mkdtempSync(path.join(tmpdir(), 'readme-commands-')), 'checkout');
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0');
  for (const file of files.filter((name) => name !== '' && existsSync(path.join(ROOT, name)))) {
    mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
    copyFileSync(path.join(ROOT, file), path.join(copy, file));
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
});

afterAll(() => rmSync(path.dirname(copy), { recursive: true, force: true }));

function runInCopy(command: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], { cwd: copy, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    child.stdout.on('data', (chunk: Buffer) => output.stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(output.stdout).toString('utf8'), stderr: Buffer.concat(output.stderr).toString('utf8') }));
  });
}

test('each command the README shows is run here or said where it runs', () => {
  const commands = readmeCommands();
  expect(commands).toEqual(expect.arrayContaining(['npm install', 'npm start', 'npm test']));
  expect([...commands].sort()).toEqual([...Object.keys(ELSEWHERE), ...RUN_HERE.map((step) => step.command)].sort());
});

test.each(RUN_HERE.map((step) => [step.as ?? step.command, step] as const))(
  '%s runs as written on a fresh copy',
  async (_title, { command, as, check }) => {
    const run = await runInCopy(as ?? command);
    if (run.code !== 0) throw new Error(`${as ?? command} exited ${run.code}:\n${run.stdout}\n${run.stderr}`);
    check(run, copy);
  },
  300_000,
);
