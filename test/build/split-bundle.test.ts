/**
 * The split of a bundle into index.js and index.extras.js, on a small package: what goes where, that
 * a module both parts use stays one instance, and that the build refuses a split it cannot keep
 * correct. (The real SDK split is toured in sdk-features.test.ts.)
 */
import type * as esbuild from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { sha256, sourcePatchPlugin, type SourcePatch } from '../../scripts/build/lazy-requires';
import { buildSplit, EXTRAS_FILE } from '../../scripts/build/split-bundle';
import { runNode } from './support/processes';

const PACKAGE_FILES: Record<string, string> = {
  // The package's entry defers ./heavy; ./shared is used at load and by ./heavy.
  'index.js': ['"use strict";', 'const heavy_1 = require("./heavy");', 'const shared = require("./shared");', 'exports.shared = shared;', 'exports.heavy = () => heavy_1.compute();', ''].join('\n'),
  'heavy.js': ['"use strict";', 'const shared = require("./shared");', 'const table = require("./table");', 'exports.compute = () => { shared.count += 1; return { shared, rows: table.rows }; };', ''].join('\n'),
  'shared.js': 'module.exports = { count: 0 };\n',
  'table.js': 'exports.rows = ["ONLY_IN_EXTRAS_TABLE"];\n',
};

let dir: string;
let entry: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'split-bundle-'));
  const packageDir = path.join(dir, 'node_modules', 'fixture-sdk');
  mkdirSync(packageDir, { recursive: true });
  for (const [file, text] of Object.entries(PACKAGE_FILES)) writeFileSync(path.join(packageDir, file), text);
  entry = path.join(dir, 'entry.js');
  writeFileSync(entry, 'module.exports = require("fixture-sdk");\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entryPatch = (overrides: Partial<SourcePatch> = {}): SourcePatch => ({
  file: 'fixture-sdk/index.js',
  sha256: sha256(PACKAGE_FILES['index.js'] as string),
  deferredRequires: { heavy_1: './heavy' },
  ...overrides,
});

function split(patches: readonly SourcePatch[]) {
  const options = { entryPoints: [entry], outfile: path.join(dir, 'index.js'), bundle: true, platform: 'node', format: 'cjs', logLevel: 'silent' } satisfies esbuild.BuildOptions;
  return buildSplit({ ...options, plugins: [sourcePatchPlugin(patches)] }, patches, dir);
}

it('puts what only the deferred require reaches in the extras, and loads them on first use', async () => {
  const { main, extras } = await split([entryPatch()]);
  expect(extras).toBeDefined();
  expect(main).not.toContain('ONLY_IN_EXTRAS_TABLE');
  expect(extras).toContain('ONLY_IN_EXTRAS_TABLE');
  // shared.js is in index.js only; the extras reach it through the registry.
  expect(main).toContain('count: 0');
  expect(extras).not.toContain('count: 0');

  const out = path.join(dir, 'out');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'index.js'), main);
  writeFileSync(path.join(out, EXTRAS_FILE), extras as string);
  const script = `const sdk = require(${JSON.stringify(path.join(out, 'index.js'))});
    const extrasRead = () => Object.keys(require.cache).some((file) => file.endsWith(${JSON.stringify(EXTRAS_FILE)}));
    const atLoad = extrasRead();
    const first = sdk.heavy();
    const second = sdk.heavy();
    process.stdout.write(JSON.stringify({ atLoad, after: extrasRead(), sameShared: first.shared === sdk.shared && second.shared === sdk.shared,
      count: sdk.shared.count, rows: first.rows }) + '\\n');`;
  const run = await runNode(['-e', script], { PATH: process.env.PATH ?? '' }, dir);
  expect(run.stderr).toBe('');
  expect(JSON.parse(run.stdout)).toEqual({ atLoad: false, after: true, sameShared: true, count: 2, rows: ['ONLY_IN_EXTRAS_TABLE'] });
});

it('writes no extras when nothing is deferred', async () => {
  const { extras } = await split([entryPatch({ deferredRequires: {} })]);
  expect(extras).toBeUndefined();
});

it('fails when a patched file would load only from the extras, unpatched', async () => {
  const heavyPatch: SourcePatch = { file: 'fixture-sdk/heavy.js', sha256: sha256(PACKAGE_FILES['heavy.js'] as string), deferredRequires: {} };
  await expect(split([entryPatch(), heavyPatch])).rejects.toThrow(/patched SDK files never reached the bundle: fixture-sdk\/heavy\.js/);
});

it('fails when a deferred require of a bundled file is never seen', async () => {
  await expect(split([entryPatch({ deferredByReplacements: ['./gone'] })])).rejects.toThrow(/deferred requires never seen in the bundle: fixture-sdk\/index\.js\|\.\/gone/);
});
