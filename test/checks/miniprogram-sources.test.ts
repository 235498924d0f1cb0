/**
 * What tsc, wcc and miniprogram-ci let through in the mini program's sources, and a phone does not:
 * - a regex literal with a lookbehind, (?<= or (?<!: a syntax error on iOS before 16.4, so the
 *   file does not load at all;
 * - a value import that leaves miniprogram/ (DevTools compiles and uploads that folder alone), a
 *   bare package name (there is no npm build) or a file that does not exist; `import type` may
 *   reach outside, it is erased;
 * - a compiled .js beside a .ts: DevTools compiles TypeScript itself, and the stale .js shadows it.
 * Each check is shown to catch a broken fixture, so one that passes everything fails here.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const MINIPROGRAM_ROOT = path.resolve(__dirname, '..', '..', 'miniprogram');

function parse(fileName: string, source: string): ts.SourceFile {
  return ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2020, true, ts.ScriptKind.TS);
}

/** Regex literals with a lookbehind, as "line:col". */
function lookbehindRegexes(file: ts.SourceFile): string[] {
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
function runtimeImports(file: ts.SourceFile): string[] {
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

const resolves = (target: string) => ['', '.ts', '.js', '/index.ts', '/index.js'].some((suffix) => fs.statSync(target + suffix, { throwIfNoEntry: false })?.isFile());

/** Every problem of the three kinds under `root`, as "<file relative to root>[:line:col]: what". */
function problemsIn(root: string): string[] {
  const problems: string[] = [];
  const sources = (fs.readdirSync(root, { recursive: true }) as string[]).filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.split(path.sep).includes('node_modules'));
  for (const relative of sources.sort()) {
    const fileName = path.join(root, relative);
    const file = parse(fileName, fs.readFileSync(fileName, 'utf8'));
    for (const where of lookbehindRegexes(file)) problems.push(`${relative}:${where}: regex lookbehind`);
    for (const specifier of runtimeImports(file)) {
      const target = path.resolve(path.dirname(fileName), specifier);
      if (!specifier.startsWith('.')) problems.push(`${relative}: imports "${specifier}", a package`);
      else if (target !== root && !target.startsWith(root + path.sep)) problems.push(`${relative}: imports "${specifier}" at run time, outside the mini program`);
      else if (!resolves(target)) problems.push(`${relative}: imports "${specifier}", which does not exist`);
    }
    if (fs.existsSync(fileName.replace(/\.ts$/, '.js'))) problems.push(`${relative.replace(/\.ts$/, '.js')}: a compiled .js beside its .ts`);
  }
  return problems;
}

const fixtureDirs: string[] = [];
afterAll(() => {
  for (const dir of fixtureDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A throwaway <tmp>/miniprogram/ with these files, beside an outside folder. */
function fixture(files: Record<string, string>): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mp-sources-')), 'miniprogram');
  fixtureDirs.push(path.dirname(dir));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

const SOUND = {
  'pages/a/index.ts': "import type { X } from '../../../core/x';\nimport { y } from '../../lib/y';\nComponent({});\n",
  'lib/y.ts': 'export const y = /a(?=b)/;\n',
};

test('the mini program has no lookbehind regex, no runtime import leaving it, no stale .js', () => {
  expect(problemsIn(MINIPROGRAM_ROOT)).toEqual([]);
});

test('a sound fixture passes (a type import from outside, a lookahead)', () => {
  expect(problemsIn(fixture(SOUND))).toEqual([]);
});

test('a runtime import outside the mini program, a bare package and a missing file are refused', () => {
  const root = fixture({
    ...SOUND,
    'pages/a/index.ts': [
      "import { refusalEnvelope } from '../../../core/envelope';",
      "import * as v from 'valibot';",
      "import { nope } from '../../lib/nope';",
      "export { y } from '../../../elsewhere';",
      'Component({});',
    ].join('\n'),
  });
  expect(problemsIn(root)).toEqual([
    expect.stringContaining('"../../../core/envelope" at run time, outside the mini program'),
    expect.stringContaining('"valibot", a package'),
    expect.stringContaining('"../../lib/nope", which does not exist'),
    expect.stringContaining('"../../../elsewhere" at run time, outside the mini program'),
  ]);
});

test('a regex lookbehind is reported where it is', () => {
  const root = fixture({ ...SOUND, 'lib/y.ts': 'export const y = /(?<!a)b/;\nexport const z = /a(?=b)/;\n' });
  expect(problemsIn(root)).toEqual([`lib${path.sep}y.ts:1:18: regex lookbehind`]);
});

test('a compiled .js beside its .ts is reported', () => {
  expect(problemsIn(fixture({ ...SOUND, 'lib/y.js': 'exports.y = 1;\n' }))).toEqual([`lib${path.sep}y.js: a compiled .js beside its .ts`]);
});

test('only runtime imports count: type-only imports and exports are erased', () => {
  const source = [
    "import type { A } from '../x';",
    "import { b } from './b';",
    "export type { C } from '../c';",
    "export * from './d';",
    "const e = require('./e');",
    "void import('./f');",
  ].join('\n');
  expect(runtimeImports(parse('t.ts', source))).toEqual(['./b', './d', './e', './f']);
});
