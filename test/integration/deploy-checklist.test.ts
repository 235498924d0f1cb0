/**
 * docs/deploy-checklist.md's local commands, run as written: every line of its ```sh blocks.
 * `npm install` runs in the project itself (on an installed tree it changes nothing tracked).
 * `npm run build` runs in a copy of the project's tracked files (node_modules linked), so that
 * rewriting the built functions cannot race the other tests that run them; what it prints must
 * name the folders the checklist says to upload, and each must hold its entry files.
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '..', '..');
const CHECKLIST = readFileSync(path.join(ROOT, 'docs', 'deploy-checklist.md'), 'utf8');
const FUNCTIONS = ['bindAccount', 'getBindings', 'updatePrinter'];

/** Every command line of the checklist's ```sh blocks, in order. */
function commandsOf(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');
  return blocks.flatMap((block) => block.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#')));
}

function run(command: string, cwd: string): Promise<{ code: number; output: string }> {
  const [program, ...args] = command.split(' ');
  return new Promise((resolve) => {
    execFile(program!, args, { cwd, timeout: 170_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, output: `${stdout}\n${stderr}` });
    });
  });
}

/** The project's tracked files in a temp dir, node_modules linked: a clone that was installed and never built. */
function unbuiltCopy(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'deploy-checklist-'));
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of tracked) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    cpSync(path.join(ROOT, file), path.join(dir, file));
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

test('the checklist\'s local commands are the install and the build, first for the deploy and again for an upgrade', () => {
  expect(commandsOf(CHECKLIST)).toEqual(['npm install', 'npm run build', 'npm install', 'npm run build']);
});

test('they run as written: the build, from a clone that was never built, prints the folders to upload and fills each', async () => {
  const copy = unbuiltCopy();
  try {
    for (const fn of FUNCTIONS) expect(existsSync(path.join(copy.dir, 'cloudfunctions', fn, 'index.js'))).toBe(false);
    const lockBefore = readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8');
    for (const command of new Set(commandsOf(CHECKLIST))) {
      const where = command === 'npm install' ? ROOT : copy.dir;
      const { code, output } = await run(command, where);
      expect({ command, code }).toEqual({ command, code: 0 });
      if (command === 'npm run build') {
        expect(output).toContain('上传并部署：所有文件');
        expect(output).toContain('docs/deploy-checklist.md');
        for (const fn of FUNCTIONS) {
          expect(output).toContain(`  cloudfunctions/${fn}/\n`);
          for (const file of ['index.js', 'index.extras.js']) expect(existsSync(path.join(copy.dir, 'cloudfunctions', fn, file))).toBe(true);
        }
      }
    }
    expect(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')).toBe(lockBefore);
  } finally {
    copy.remove();
  }
});

test('every folder the checklist names to upload is a function the build makes', () => {
  for (const fn of FUNCTIONS) {
    expect(CHECKLIST).toContain(`cloudfunctions/${fn}/`);
    expect(existsSync(path.join(ROOT, 'cloudfunctions', fn, 'src', 'index.ts'))).toBe(true);
  }
});
