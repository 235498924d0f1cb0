/**
 * Static checks that the mini program is a project WeChat DevTools can open and run, beyond what
 * tsc and wcc see:
 *
 * - app.json lists its pages, and each page has its .wxml, .json and a script; the sitemap exists;
 * - a page built with Component() declares "usingComponents" (WeChat requires it for such pages);
 * - code only imports, at run time, files inside the mini program: DevTools compiles and uploads
 *   miniprogram/ alone, so a value import from ../core would break on a phone. `import type` may
 *   reach outside (it is erased); bare package names are refused (there is no npm build here);
 * - no compiled .js sits beside a .ts (DevTools compiles TS itself; a stale .js would shadow it);
 * - no regex literal uses lookbehind: a syntax error on iOS before 16.4, it stops the file loading;
 * - project.config.json, if present, points DevTools at this root with the TypeScript plugin;
 * - every WXML compiles with wcc (check-wxml.ts).
 *
 *   npm run check:miniprogram [-- <miniprogram root>]      (default: miniprogram/)
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { checkWxml, DEFAULT_MINIPROGRAM_ROOT, listFiles } from './check-wxml';

export interface Problem {
  readonly file: string;
  readonly message: string;
}

function readJson(file: string, problems: Problem[]): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    problems.push({ file, message: 'must be a JSON object' });
  } catch (error) {
    problems.push({ file, message: `unreadable JSON: ${error instanceof Error ? error.message : String(error)}` });
  }
  return undefined;
}

function scriptOf(base: string): string | undefined {
  return ['.ts', '.js'].map((ext) => base + ext).find((file) => fs.existsSync(file));
}

function checkPages(root: string, problems: Problem[]): void {
  const appJsonFile = path.join(root, 'app.json');
  if (!fs.existsSync(appJsonFile)) {
    problems.push({ file: appJsonFile, message: 'missing' });
    return;
  }
  const app = readJson(appJsonFile, problems);
  if (!app) return;
  if (!scriptOf(path.join(root, 'app'))) problems.push({ file: path.join(root, 'app.ts'), message: 'missing (app.ts or app.js)' });

  const sitemap = typeof app.sitemapLocation === 'string' ? app.sitemapLocation : undefined;
  if (sitemap === undefined) problems.push({ file: appJsonFile, message: 'sitemapLocation is missing' });
  else if (!fs.existsSync(path.join(root, sitemap))) problems.push({ file: appJsonFile, message: `sitemap ${sitemap} does not exist` });

  const pages = Array.isArray(app.pages) ? app.pages : [];
  if (pages.length === 0) problems.push({ file: appJsonFile, message: 'pages must list at least one page' });
  for (const page of pages) {
    if (typeof page !== 'string') {
      problems.push({ file: appJsonFile, message: 'pages must be strings' });
      continue;
    }
    const base = path.join(root, page);
    for (const ext of ['.wxml', '.json']) {
      if (!fs.existsSync(base + ext)) problems.push({ file: base + ext, message: `page ${page} has no ${ext}` });
    }
    const script = scriptOf(base);
    if (!script) {
      problems.push({ file: `${base}.ts`, message: `page ${page} has no script` });
      continue;
    }
    const json = fs.existsSync(`${base}.json`) ? readJson(`${base}.json`, problems) : undefined;
    const builtWithComponent = /(^|[^.\w])Component\s*\(/.test(fs.readFileSync(script, 'utf8'));
    if (json && builtWithComponent && (typeof json.usingComponents !== 'object' || json.usingComponents === null)) {
      problems.push({ file: `${base}.json`, message: 'a page built with Component() needs "usingComponents": {}' });
    }
  }
}

/** Regex literals with a lookbehind, (?<= or (?<!, as "line:col". */
export function lookbehindRegexes(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2020, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral && /\(\?<[=!]/.test(node.getText(file))) {
      const { line, character } = file.getLineAndCharacterOfPosition(node.getStart(file));
      found.push(`${line + 1}:${character + 1}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** Module specifiers a file loads at run time (type-only imports and exports are erased). */
export function runtimeImports(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2020, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.importClause?.isTypeOnly) found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.isTypeOnly) found.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expression = node.moduleReference.expression;
      if (!node.isTypeOnly && ts.isStringLiteral(expression)) found.push(expression.text);
    } else if (ts.isCallExpression(node)) {
      const [first] = node.arguments;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      const isDynamicImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      if ((isRequire || isDynamicImport) && first && ts.isStringLiteralLike(first)) found.push(first.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function resolvesTo(target: string): boolean {
  return ['', '.ts', '.js', '/index.ts', '/index.js'].some((suffix) => fs.existsSync(target + suffix) && fs.statSync(target + suffix).isFile());
}

function checkSources(root: string, problems: Problem[]): void {
  for (const relative of listFiles(root, '.ts')) {
    if (relative.endsWith('.d.ts')) continue;
    const file = path.join(root, relative);
    const source = fs.readFileSync(file, 'utf8');
    for (const where of lookbehindRegexes(file, source)) {
      problems.push({ file: `${file}:${where}`, message: 'regex lookbehind is a syntax error on iOS before 16.4: the file would not load' });
    }
    for (const specifier of runtimeImports(file, source)) {
      if (!specifier.startsWith('.')) {
        problems.push({ file, message: `imports "${specifier}" at run time: the mini program has no npm build, use a relative path` });
        continue;
      }
      const target = path.resolve(path.dirname(file), specifier);
      const inside = target === root || target.startsWith(root + path.sep);
      if (!inside) {
        problems.push({ file, message: `imports "${specifier}" at run time, outside the mini program (only \`import type\` may)` });
      } else if (!resolvesTo(target)) {
        problems.push({ file, message: `imports "${specifier}", which does not exist` });
      }
    }
    const compiled = file.replace(/\.ts$/, '.js');
    if (fs.existsSync(compiled)) problems.push({ file: compiled, message: 'a compiled .js beside its .ts: delete it (DevTools compiles TS itself)' });
  }
}

function checkProjectConfig(root: string, problems: Problem[]): void {
  const file = path.join(path.dirname(root), 'project.config.json');
  if (!fs.existsSync(file)) return;
  const config = readJson(file, problems);
  if (!config) return;
  const miniprogramRoot = typeof config.miniprogramRoot === 'string' ? config.miniprogramRoot.replace(/\/$/, '') : '';
  if (miniprogramRoot !== path.basename(root)) {
    problems.push({ file, message: `miniprogramRoot should be "${path.basename(root)}/"` });
  }
  const setting = (config.setting ?? {}) as { useCompilerPlugins?: unknown };
  if (!Array.isArray(setting.useCompilerPlugins) || !setting.useCompilerPlugins.includes('typescript')) {
    problems.push({ file, message: 'setting.useCompilerPlugins should include "typescript", or DevTools will not compile the .ts files' });
  }
}

export function checkMiniprogram(root: string = DEFAULT_MINIPROGRAM_ROOT): Problem[] {
  const problems: Problem[] = [];
  checkPages(root, problems);
  checkSources(root, problems);
  checkProjectConfig(root, problems);
  for (const wxml of checkWxml(root).problems) {
    const where = wxml.line === undefined ? wxml.file : `${wxml.file}:${wxml.line}:${wxml.column ?? 0}`;
    problems.push({ file: path.resolve(where), message: wxml.message });
  }
  return problems;
}

function main(): void {
  const root = path.resolve(process.argv[2] ?? DEFAULT_MINIPROGRAM_ROOT);
  const problems = checkMiniprogram(root);
  for (const problem of problems) console.error(`${path.relative(process.cwd(), problem.file) || problem.file}: ${problem.message}`);
  if (problems.length > 0) {
    console.error(`check:miniprogram: ${problems.length} problem(s)`);
    process.exitCode = 1;
  } else {
    console.log('check:miniprogram: pages, imports, project config and WXML are fine');
  }
}

// Run as a script, not when a test imports it. (Not `require.main === module`: test/page's
// tsconfig also loads WeChat's typings, whose `require` has no `main`.)
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === __filename) main();
