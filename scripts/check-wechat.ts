/**
 * npm run check:wechat — the mini program through WeChat's own compiler, offline.
 *
 * 1. Compiles a copy of the project with miniprogram-ci (the compiler DevTools runs: its JSON
 *    schema checks, usingComponents paths, babel for the TypeScript, WXML and WXSS minifiers) and
 *    fails on any error it reports.
 * 2. Loads the COMPILED package (babel's output, not our TypeScript) in miniprogram-simulate and
 *    renders every page state (test/page/page-states.test.ts with PAGE_MINIPROGRAM_ROOT), so a
 *    module the package lacks, or a babel/tsc difference, fails.
 * 3. Shows that it catches what it is for: broken copies (a bad app.json value, a usingComponents
 *    path that does not exist, a value import from outside miniprogram/) must each fail.
 *
 * miniprogram-ci (about 275 MB) lives in scripts/wechat-ci/ with its own pinned lock file and is
 * installed there on first use, not by the main `npm install`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CompileResult } from './wechat-ci/compile';
import { runPageStates } from './page-states-run';
import { checkReport } from './check-report';
import { ensureSideInstall } from './side-install';

const REPO = path.resolve(__dirname, '..');
const SIDE_DIR = path.join(__dirname, 'wechat-ci');
const COMPILE_SCRIPT = path.join(SIDE_DIR, 'compile.ts');

interface ProjectConfig {
  miniprogramRoot?: string;
}

function miniprogramRootOf(projectDir: string): string {
  const config = JSON.parse(fs.readFileSync(path.join(projectDir, 'project.config.json'), 'utf8')) as ProjectConfig;
  return path.join(projectDir, (config.miniprogramRoot ?? 'miniprogram/').replace(/\/$/, ''));
}

/** A copy of what DevTools opens: project.config.json, the mini program, and core/ beside it (outside the package). */
function copyProject(scratch: string, name: string): string {
  const dir = path.join(scratch, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(REPO, 'project.config.json'), path.join(dir, 'project.config.json'));
  const skip = (source: string) => !source.split(path.sep).includes('node_modules');
  const root = path.relative(REPO, miniprogramRootOf(REPO));
  fs.cpSync(path.join(REPO, root), path.join(dir, root), { recursive: true, filter: skip });
  fs.cpSync(path.join(REPO, 'core'), path.join(dir, 'core'), { recursive: true, filter: skip });
  return dir;
}

function compile(scratch: string, projectDir: string, outDir: string): CompileResult {
  const resultFile = path.join(scratch, `${path.basename(projectDir)}.result.json`);
  const workDir = fs.mkdtempSync(path.join(scratch, 'cwd-'));
  const run = spawnSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), COMPILE_SCRIPT, projectDir, outDir, resultFile], {
    cwd: workDir,
    encoding: 'utf8',
    env: { ...process.env, TS_NODE_PROJECT: path.join(REPO, 'tsconfig.json') },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (!fs.existsSync(resultFile)) {
    return { ok: false, files: [], warnings: [], error: { message: `the compiler did not finish (exit ${run.status}): ${(run.stderr || run.stdout).trim()}` } };
  }
  return JSON.parse(fs.readFileSync(resultFile, 'utf8')) as CompileResult;
}

interface SmokeResult {
  readonly ok: boolean;
  readonly summary: string;
  readonly output: string;
}

function smokeTest(packageDir: string): SmokeResult {
  const run = runPageStates({ PAGE_MINIPROGRAM_ROOT: packageDir, PAGE_SNAPSHOT_DIR: '' });
  const output = `${run.stdout}${run.stderr}`;
  const summary = /^Tests:\s+(.*)$/m.exec(output)?.[1]?.trim() ?? `jest exited ${run.status}`;
  return { ok: run.status === 0, summary, output };
}

/** The first lines of a failing jest run that say why. */
function firstFailure(output: string): string {
  const lines = output.split('\n').map((line) => line.trim());
  const why = lines.find((line) => /Cannot find module|Error:|expect\(/.test(line));
  return why ?? lines.find((line) => line.startsWith('●')) ?? 'jest failed';
}

function describeError(result: CompileResult): string {
  const error = result.error;
  if (!error) return 'no error';
  return `${error.code !== undefined ? `${error.code} ` : ''}${error.message.split('\n')[0]}`;
}

function firstPage(miniprogramRoot: string): string {
  const app = JSON.parse(fs.readFileSync(path.join(miniprogramRoot, 'app.json'), 'utf8')) as { pages: string[] };
  const page = app.pages[0];
  if (page === undefined) throw new Error('app.json lists no pages');
  return page;
}

function editJson(file: string, edit: (json: Record<string, unknown>) => void): void {
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(json);
  fs.writeFileSync(file, JSON.stringify(json, null, 2));
}

interface BrokenCopy {
  readonly name: string;
  /** What the copy gets wrong, as the report says it. */
  readonly what: string;
  readonly breakIt: (miniprogramRoot: string, projectDir: string) => void;
}

/** Mistakes tsc, wcc and jsdom let through, that DevTools refuses (or that break on a phone). */
const BROKEN_COPIES: readonly BrokenCopy[] = [
  {
    name: 'bad-app-json',
    what: 'app.json with window.navigationBarTextStyle "blue"',
    breakIt: (root) =>
      editJson(path.join(root, 'app.json'), (app) => {
        app.window = { ...(app.window as object), navigationBarTextStyle: 'blue' };
      }),
  },
  {
    name: 'missing-component',
    what: 'a usingComponents path that does not exist',
    breakIt: (root) =>
      editJson(path.join(root, `${firstPage(root)}.json`), (page) => {
        page.usingComponents = { ...(page.usingComponents as object), 'missing-part': './no-such-component/index' };
      }),
  },
  {
    name: 'import-from-outside',
    what: 'a value import from outside miniprogram/ (core/)',
    breakIt: (root, projectDir) => {
      const script = path.join(root, `${firstPage(root)}.ts`);
      const coreFile = fs.readdirSync(path.join(projectDir, 'core')).find((name) => name.endsWith('.ts'));
      if (!coreFile) throw new Error('core/ has no .ts file to import');
      const specifier = path.relative(path.dirname(script), path.join(projectDir, 'core', coreFile.replace(/\.ts$/, ''))).split(path.sep).join('/');
      fs.writeFileSync(script, `import * as outside from '${specifier}';\nvoid outside;\n${fs.readFileSync(script, 'utf8')}`);
    },
  },
];

/** miniprogram-ci's dependency analysis lists what the package leaves out; that is by design here. */
const IGNORED_BY_ANALYZER = 'Ignored by code analyzer';
const IGNORED_BY_ANALYZER_WHY =
  "  (expected: files nothing app.js or a page requires, such as tsconfig.json; project.config.json's ignoreUploadUnusedFiles keeps them out of the package, as DevTools' upload does)";

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function main(): void {
  const started = Date.now();
  ensureSideInstall(SIDE_DIR);
  const ciVersion = (require(path.join(SIDE_DIR, 'node_modules', 'miniprogram-ci', 'package.json')) as { version: string }).version;
  console.log(`check:wechat: miniprogram-ci ${ciVersion}${Date.now() - started > 1000 ? ` (installed in ${seconds(started)})` : ''}`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'check-wechat-'));
  const { report, finish } = checkReport('check:wechat', started);

  try {
    // 1 and 2: the real mini program.
    let since = Date.now();
    const projectDir = copyProject(scratch, 'project');
    const packageDir = path.join(scratch, 'package');
    const compiled = compile(scratch, projectDir, packageDir);
    report(
      compiled.ok,
      compiled.ok ? `compiles: ${compiled.files.length} files in the package (${seconds(since)})` : `does not compile: ${describeError(compiled)}`,
      [...compiled.warnings.flatMap((warning) => [`warning: ${warning}`, ...(warning.startsWith(IGNORED_BY_ANALYZER) ? [IGNORED_BY_ANALYZER_WHY] : [])]), ...(compiled.ok ? [] : (compiled.error?.message.split('\n').slice(1, 6) ?? []))],
    );
    if (compiled.ok) {
      since = Date.now();
      const smoke = smokeTest(packageDir);
      report(smoke.ok, `the compiled package renders every page state in miniprogram-simulate: ${smoke.summary} (${seconds(since)})`, smoke.ok ? [] : [firstFailure(smoke.output)]);
      if (!smoke.ok) console.log(smoke.output);
    } else {
      report(false, 'the compiled package was not smoke-tested: it did not compile');
    }

    // 3: each broken copy must fail, at compile time or when its package runs.
    for (const broken of BROKEN_COPIES) {
      since = Date.now();
      const dir = copyProject(scratch, broken.name);
      broken.breakIt(miniprogramRootOf(dir), dir);
      const out = path.join(scratch, `${broken.name}-package`);
      const result = compile(scratch, dir, out);
      if (!result.ok) {
        report(true, `refuses ${broken.what}: ${describeError(result)} (${seconds(since)})`);
        continue;
      }
      const smoke = smokeTest(out);
      report(
        !smoke.ok,
        smoke.ok
          ? `MISSED ${broken.what}: it compiled and its package ran`
          : `refuses ${broken.what}: compiled, then its package failed: ${firstFailure(smoke.output)} (${seconds(since)})`,
      );
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }

  finish();
}

main();
