/**
 * Compiles one mini program project with miniprogram-ci (WeChat's CI module, the compiler DevTools
 * runs) offline, writes the compiled package into <outDir>, and the outcome as JSON into
 * <resultFile>. Run by scripts/check-wechat.ts in its own process, with a scratch directory as
 * the current directory: miniprogram-ci leaves handles open (so this ends with process.exit) and
 * a cache folder in the current directory.
 *
 *   node -r ts-node/register/transpile-only scripts/wechat-ci/compile.ts <projectDir> <outDir> <resultFile>
 *
 * Offline it needs two things a real upload gets from WeChat's servers: the project attributes
 * (given by `attr` below; otherwise it asks the servers) and a private key, any non-empty one
 * (never used when only compiling). It tries one request and falls back by itself.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface CompileResult {
  readonly ok: boolean;
  readonly files: readonly string[];
  /** Progress messages miniprogram-ci marked as warnings. */
  readonly warnings: readonly string[];
  /** On failure: miniprogram-ci's error code (e.g. 10009 for a bad JSON value), its message, the file it names. */
  readonly error?: { code?: number | string; message: string; path?: string };
}

// Typed by hand so that type-checking the repository does not need this folder's install.
interface TaskStatus {
  id?: string;
  message?: string;
  status?: string;
}
interface MiniprogramCi {
  Project: new (options: Record<string, unknown>) => { attr: () => Promise<unknown> };
  getCompiledResult(options: Record<string, unknown>, savePath?: string): Promise<Record<string, string | Uint8Array>>;
}

/** What WeChat's servers answer for an ordinary, unreleased mini program (limits in MiB). */
const OFFLINE_PROJECT_ATTRIBUTES = {
  platform: false,
  appType: 0,
  isSandbox: false,
  released: false,
  setting: {
    MaxCodeSize: 2,
    MaxSubpackageSubCodeSize: 2,
    MaxSubpackageFullCodeSize: 20,
    NavigateMiniprogramLimit: 10,
    MaxSubPackageLimit: 100,
    MinTabbarCount: 2,
    MaxTabbarCount: 5,
    MaxCustomTabbarCount: 5,
    MaxTabbarIconSize: 40,
  },
};

/** What miniprogram-ci said last, for when it stops without an answer. */
const lastTasks: string[] = [];

async function compile(projectDir: string, outDir: string): Promise<CompileResult> {
  const ci = require(path.join(__dirname, 'node_modules', 'miniprogram-ci')) as MiniprogramCi;
  const config = JSON.parse(fs.readFileSync(path.join(projectDir, 'project.config.json'), 'utf8')) as { appid?: string };
  const project = new ci.Project({
    appid: config.appid ?? 'touristappid',
    type: 'miniProgram',
    projectPath: projectDir,
    privateKey: 'offline: never used to compile',
    ignores: ['node_modules/**/*'],
  });
  project.attr = async () => OFFLINE_PROJECT_ATTRIBUTES;
  const warnings: string[] = [];
  const failures: string[] = [];
  lastTasks.length = 0;
  try {
    const files = await ci.getCompiledResult({
      project,
      version: '0.0.0',
      setting: { useProjectConfig: true, minifyWXML: true, minifyWXSS: true },
      onProgressUpdate: (task: TaskStatus | string) => {
        if (typeof task === 'string') return;
        if (task.message) lastTasks.push(`${task.status ?? '?'}: ${task.message}`);
        if (task.status === 'warn' && task.message) warnings.push(task.message);
        if (task.status === 'fail') failures.push(task.message ?? `task ${task.id ?? '?'} failed`);
      },
    });
    for (const [name, content] of Object.entries(files)) {
      const target = path.join(outDir, name);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content);
    }
    const names = Object.keys(files).sort();
    if (failures.length > 0) return { ok: false, files: names, warnings, error: { message: failures.join('\n') } };
    return { ok: true, files: names, warnings };
  } catch (thrown) {
    const error = thrown as { code?: number | string; message?: string; path?: string } | undefined;
    return {
      ok: false,
      files: [],
      warnings,
      error: { code: error?.code, message: error?.message ?? String(thrown), path: error?.path },
    };
  }
}

async function main(): Promise<void> {
  const [projectDir, outDir, resultFile] = process.argv.slice(2);
  if (!projectDir || !outDir || !resultFile) throw new Error('usage: compile.ts <projectDir> <outDir> <resultFile>');
  // On some errors (a JavaScript syntax error, for one) miniprogram-ci's promise never settles
  // and Node runs out of work: that is a failure too, with what it was doing last.
  process.on('beforeExit', () => {
    if (fs.existsSync(resultFile)) return;
    const stalled: CompileResult = {
      ok: false,
      files: [],
      warnings: [],
      error: { message: `miniprogram-ci stopped without an answer; it was at: ${lastTasks.slice(-3).join(' | ') || 'the start'}` },
    };
    fs.writeFileSync(resultFile, JSON.stringify(stalled));
    process.exit(0);
  });
  const result = await compile(path.resolve(projectDir), path.resolve(outDir));
  fs.writeFileSync(resultFile, JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
