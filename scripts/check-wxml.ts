/**
 * Compiles every WXML file of the mini program with wcc, WeChat's own WXML compiler (the binary
 * inside the miniprogram-compiler package: offline, the same compiler DevTools uses), and prints
 * each error as file:line:col.
 *
 *   npm run check:wxml [-- <miniprogram root>]      (default: miniprogram/)
 *
 * wcc stops at its first error, so each file is compiled on its own (one run reports every broken
 * file), then all of them together with the .wxs modules, as DevTools does.
 */
import * as fs from 'fs';
import * as path from 'path';

// No type declarations ship with the package: this is the one function used.
const { wxmlToJs } = require('miniprogram-compiler') as {
  wxmlToJs(rootPath: string, options: { wxmlList: string[]; wxsList: string[] }): string;
};

export const DEFAULT_MINIPROGRAM_ROOT = path.resolve(__dirname, '..', 'miniprogram');

export interface WxmlProblem {
  /** Relative to the current directory, so editors can open it. */
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly message: string;
}

export interface WxmlReport {
  /** Checked files, relative to the root, with forward slashes. */
  readonly files: readonly string[];
  readonly problems: readonly WxmlProblem[];
}

const SKIPPED_DIRS = new Set(['node_modules', 'miniprogram_npm', '.git']);

/** Files with the extension under root, relative, sorted, with forward slashes (wcc wants those). */
export function listFiles(root: string, extension: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(path.join(dir, entry.name));
      } else if (entry.isFile() && entry.name.endsWith(extension)) {
        found.push(path.relative(root, path.join(dir, entry.name)).split(path.sep).join('/'));
      }
    }
  };
  walk(root);
  return found.sort();
}

/** wcc's error text looks like "编译 .wxml 文件错误：pages/a/index.wxml:2:24: expect end-tag `text`." */
function parseWccError(root: string, text: string, fallbackFile: string): WxmlProblem {
  const match = /([^\s：:]+\.(?:wxml|wxs)):(\d+):(\d+):\s*([\s\S]*)$/.exec(text.trim());
  const display = (relative: string) => path.relative(process.cwd(), path.join(root, relative)) || relative;
  if (!match) return { file: display(fallbackFile), line: undefined, column: undefined, message: text.trim() };
  return {
    file: display(match[1] ?? fallbackFile),
    line: Number(match[2]),
    column: Number(match[3]),
    message: (match[4] ?? '').trim(),
  };
}

function compile(root: string, wxmlList: string[], wxsList: string[]): string | undefined {
  try {
    wxmlToJs(root, { wxmlList, wxsList });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export function checkWxml(root: string = DEFAULT_MINIPROGRAM_ROOT): WxmlReport {
  const files = listFiles(root, '.wxml');
  const wxs = listFiles(root, '.wxs');
  if (files.length === 0) {
    return { files, problems: [{ file: root, line: undefined, column: undefined, message: 'no .wxml files found' }] };
  }
  const problems: WxmlProblem[] = [];
  for (const file of files) {
    const error = compile(root, [file], []);
    if (error !== undefined) problems.push(parseWccError(root, error, file));
  }
  if (problems.length === 0) {
    const error = compile(root, files, wxs);
    if (error !== undefined) problems.push(parseWccError(root, error, files[0] ?? ''));
  }
  return { files, problems };
}

export function formatProblem(problem: WxmlProblem): string {
  const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}:${problem.column ?? 0}`;
  return `${where}: ${problem.message}`;
}

function main(): void {
  const root = path.resolve(process.argv[2] ?? DEFAULT_MINIPROGRAM_ROOT);
  const report = checkWxml(root);
  for (const problem of report.problems) console.error(formatProblem(problem));
  if (report.problems.length > 0) {
    console.error(`check:wxml: ${report.problems.length} problem(s) in ${report.files.length} file(s)`);
    process.exitCode = 1;
  } else {
    console.log(`check:wxml: ${report.files.length} file(s) compile with wcc`);
  }
}

// Run as a script, not when a test imports it. (Not `require.main === module`: test/page's
// tsconfig also loads WeChat's typings, whose `require` has no `main`.)
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === __filename) main();
