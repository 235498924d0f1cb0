/**
 * docs/deploy-checklist.md's local commands, run as written: every line of its ```sh blocks.
 * `npm run build` runs in a copy of the project's tracked files (node_modules linked), so that
 * rewriting the built functions cannot race the other tests that run them; what it prints must
 * name the folders the checklist says to upload, and each must hold every file the build writes.
 * `npm install` is run elsewhere (ELSEWHERE says where), as in test/checks/readme-commands.test.ts.
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BUILT_FILES } from '../../scripts/ensure-built';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '..', '..');
const CHECKLIST = readFileSync(path.join(ROOT, 'docs', 'deploy-checklist.md'), 'utf8');
const FUNCTIONS = ['bindAccount', 'getBindings', 'updatePrinter'];

/**
 * Not run here, and why. Not in the project itself: other jest workers load node_modules while
 * this runs. Not in the copy either: its node_modules is a link to the live one, so npm would
 * write through it all the same, and a real install into the copy would fetch the whole tree on
 * every `npm test`.
 */
const ELSEWHERE: Record<string, string> = {
  'npm install': 'made this checkout; .ci/run starts from a clean clone with npm ci (the same lock file)',
};

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
    const here = [...new Set(commandsOf(CHECKLIST))].filter((command) => ELSEWHERE[command] === undefined);
    expect(here).toEqual(['npm run build']);
    const { code, output } = await run('npm run build', copy.dir);
    expect(code).toBe(0);
    expect(output).toContain('上传并部署：所有文件');
    expect(output).toContain('docs/deploy-checklist.md');
    for (const fn of FUNCTIONS) {
      expect(output).toContain(`  cloudfunctions/${fn}/\n`);
      for (const file of BUILT_FILES) expect({ fn, file, built: existsSync(path.join(copy.dir, 'cloudfunctions', fn, file)) }).toEqual({ fn, file, built: true });
    }
  } finally {
    copy.remove();
  }
});

test('each line of the checklist that lists the built files lists every file the build writes', () => {
  const listing = CHECKLIST.split('\n').filter((line) => line.includes('`index.js`') && line.includes('`index.extras.js`'));
  expect(listing.length).toBeGreaterThanOrEqual(3);
  for (const line of listing) for (const file of BUILT_FILES) expect({ line, file, named: line.includes(`\`${file}\``) }).toEqual({ line, file, named: true });
});

test('every folder the checklist names to upload is a function the build makes', () => {
  for (const fn of FUNCTIONS) {
    expect(CHECKLIST).toContain(`cloudfunctions/${fn}/`);
    expect(existsSync(path.join(ROOT, 'cloudfunctions', fn, 'src', 'index.ts'))).toBe(true);
  }
});
