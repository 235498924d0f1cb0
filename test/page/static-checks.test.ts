/**
 * The static checks of the mini program run here too, so `npm test` fails on a WXML error or a
 * runtime import that leaves miniprogram/: scripts/check-wxml.ts (wcc, WeChat's WXML compiler)
 * and scripts/check-miniprogram.ts (pages, imports, project config). Each is also shown to catch
 * a broken fixture, so a check that silently passes everything would fail here.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkMiniprogram, runtimeImports } from '../../scripts/check-miniprogram';
import { checkWxml, formatProblem } from '../../scripts/check-wxml';

const fixtureDirs: string[] = [];

afterAll(() => {
  for (const dir of fixtureDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A throwaway project: <tmp>/miniprogram/<files>. */
function fixture(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-fixture-'));
  fixtureDirs.push(root);
  const dir = path.join(root, 'miniprogram');
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

const GOOD_PROJECT = {
  'app.json': JSON.stringify({ pages: ['pages/a/index'], sitemapLocation: 'sitemap.json' }),
  'app.ts': 'App({});\n',
  'sitemap.json': '{"rules":[]}',
  'pages/a/index.json': '{"usingComponents":{}}',
  'pages/a/index.wxml': '<view>{{a}}</view>\n',
  'pages/a/index.ts': "import type { X } from '../../../core/x';\nimport { y } from '../../lib/y';\nComponent({});\n",
  'lib/y.ts': 'export const y = 1;\n',
};

describe('the real mini program', () => {
  test('every WXML compiles with wcc', () => {
    const report = checkWxml();
    expect(report.files).toContain('pages/logistics/index.wxml');
    expect(report.problems.map(formatProblem)).toEqual([]);
  });

  test('pages, runtime imports and project config pass', () => {
    expect(checkMiniprogram()).toEqual([]);
  });
});

describe('the checks catch mistakes', () => {
  test('a WXML error is reported with file:line:col', () => {
    const root = fixture({
      'pages/a/index.wxml': '<view>\n  <text wx:if="{{b}}">x</view>\n',
      'pages/b/index.wxml': '<view>{{a ===}}</view>\n',
      'pages/c/index.wxml': '<view>fine</view>\n',
    });
    const problems = checkWxml(root).problems.map(formatProblem);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/pages\/a\/index\.wxml:2:\d+: expect end-tag `text`/);
    expect(problems[1]).toMatch(/pages\/b\/index\.wxml:1:\d+: /);
  });

  test('a sound fixture passes', () => {
    expect(checkMiniprogram(fixture(GOOD_PROJECT))).toEqual([]);
  });

  test('a runtime import outside the mini program, a bare package and a missing file are refused', () => {
    const root = fixture({
      ...GOOD_PROJECT,
      'pages/a/index.ts': [
        "import { refusalEnvelope } from '../../../core/envelope';",
        "import * as v from 'valibot';",
        "import { nope } from '../../lib/nope';",
        "export { y } from '../../../elsewhere';",
        'Component({});',
      ].join('\n'),
    });
    const messages = checkMiniprogram(root).map((p) => p.message);
    expect(messages).toEqual([
      expect.stringContaining('"../../../core/envelope" at run time, outside the mini program'),
      expect.stringContaining('"valibot" at run time'),
      expect.stringContaining('"../../lib/nope", which does not exist'),
      expect.stringContaining('"../../../elsewhere" at run time, outside the mini program'),
    ]);
  });

  test('missing page files, a Component page without usingComponents, and a stale .js are reported', () => {
    const root = fixture({
      ...GOOD_PROJECT,
      'app.json': JSON.stringify({ pages: ['pages/a/index', 'pages/missing/index'], sitemapLocation: 'sitemap.json' }),
      'pages/a/index.json': '{}',
      'lib/y.js': 'exports.y = 1;\n',
    });
    const messages = checkMiniprogram(root).map((p) => p.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        'page pages/missing/index has no .wxml',
        'page pages/missing/index has no .json',
        'page pages/missing/index has no script',
        'a page built with Component() needs "usingComponents": {}',
        'a compiled .js beside its .ts: delete it (DevTools compiles TS itself)',
      ]),
    );
  });

  test('a regex lookbehind is reported where it is', () => {
    const root = fixture({ ...GOOD_PROJECT, 'lib/y.ts': 'export const y = /(?<!a)b/;\nexport const z = /a(?=b)/;\n' });
    expect(checkMiniprogram(root)).toEqual([
      { file: expect.stringMatching(/lib\/y\.ts:1:18$/), message: expect.stringContaining('lookbehind') },
    ]);
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
    expect(runtimeImports('t.ts', source)).toEqual(['./b', './d', './e', './f']);
  });
});
