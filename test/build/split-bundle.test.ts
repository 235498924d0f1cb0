/**
 * The split of a bundle into index.js and its deferred files (index.extras.js, a part's own file), on a small package: what goes where, that
 * a module both parts use stays one instance, and that the build refuses a split it cannot keep
 * correct. (The real SDK split is toured in sdk-features.test.ts.)
 */
import type * as esbuild from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { sha256, type SourcePatch } from '../../scripts/build/lazy-requires';
import { buildSplit, EXTRAS_FILE, partFile, type SplitBundle } from '../../scripts/build/split-bundle';
import { runNode } from './support/processes';

const ENTRY_SOURCE = ['"use strict";', 'const heavy_1 = require("./heavy");', 'const shared = require("./shared");', 'exports.shared = shared;', 'exports.heavy = () => heavy_1.compute();', ''].join('\n');

/** The package: its entry defers ./heavy; ./shared is used at load and by ./heavy. */
const PACKAGE_FILES: Readonly<Record<string, string>> = {
  'index.js': ENTRY_SOURCE,
  'heavy.js': [
    '"use strict";',
    'const shared = require("./shared");',
    'const table = require("./table");',
    // An optional dependency that is not installed: one bundle keeps the require, and so must the split.
    'let optional;',
    'try { optional = require("not-installed-optional"); } catch (e) { optional = null; }',
    'exports.compute = () => { shared.count += 1; return { shared, rows: table.rows, optional }; };',
    '',
  ].join('\n'),
  'shared.js': 'module.exports = { count: 0 };\n',
  'table.js': 'exports.rows = ["ONLY_IN_EXTRAS_TABLE"];\n',
};

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'split-bundle-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes the package (with `overrides`) under <dir>/<label>/node_modules and an entry requiring it. */
function writeFixture(label: string, overrides: Readonly<Record<string, string>> = {}): string {
  const packageDir = path.join(dir, label, 'node_modules', 'fixture-sdk');
  mkdirSync(packageDir, { recursive: true });
  for (const [file, text] of Object.entries({ ...PACKAGE_FILES, ...overrides })) writeFileSync(path.join(packageDir, file), text);
  const entry = path.join(dir, label, 'entry.js');
  writeFileSync(entry, 'module.exports = require("fixture-sdk");\n');
  return entry;
}

const entryPatch = (overrides: Partial<SourcePatch> = {}): SourcePatch => ({
  stage: 'fixture',
  file: 'fixture-sdk/index.js',
  sha256: sha256(ENTRY_SOURCE),
  deferredRequires: { heavy_1: './heavy' },
  ...overrides,
});

function split(entry: string, patches: readonly SourcePatch[]): Promise<SplitBundle> {
  const options = { entryPoints: [entry], outfile: path.join(path.dirname(entry), 'index.js'), bundle: true, platform: 'node', format: 'cjs' } satisfies esbuild.BuildOptions;
  return buildSplit({ ...options, plugins: [] }, patches, path.dirname(entry));
}

/** Writes both files to <entry's folder>/out and runs `script` there, `index` being the path of index.js. */
async function runSplit(entry: string, bundle: SplitBundle, script: string): Promise<unknown> {
  const out = path.join(path.dirname(entry), 'out');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'index.js'), bundle.main);
  writeFileSync(path.join(out, EXTRAS_FILE), bundle.deferred[EXTRAS_FILE] as string);
  const prelude = `const index = ${JSON.stringify(path.join(out, 'index.js'))};
    const extrasRead = () => Object.keys(require.cache).some((file) => file.endsWith(${JSON.stringify(EXTRAS_FILE)}));\n`;
  const run = await runNode(['-e', prelude + script], { PATH: process.env.PATH ?? '' }, out);
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as unknown;
}

it('puts what only the deferred require reaches in the extras, and loads them on first use', async () => {
  const entry = writeFixture('placement');
  const bundle = await split(entry, [entryPatch()]);
  expect(bundle.main).not.toContain('ONLY_IN_EXTRAS_TABLE');
  expect(bundle.deferred[EXTRAS_FILE]).toContain('ONLY_IN_EXTRAS_TABLE');
  // shared.js is in index.js only; the extras reach it through the registry.
  expect(bundle.main).toContain('count: 0');
  expect(bundle.deferred[EXTRAS_FILE]).not.toContain('count: 0');

  const script = `const sdk = require(index);
    const atLoad = extrasRead();
    const first = sdk.heavy();
    const second = sdk.heavy();
    process.stdout.write(JSON.stringify({ atLoad, after: extrasRead(), sameShared: first.shared === sdk.shared && second.shared === sdk.shared,
      count: sdk.shared.count, rows: first.rows, optional: first.optional }));`;
  expect(await runSplit(entry, bundle, script)).toEqual({ atLoad: false, after: true, sameShared: true, count: 2, rows: ['ONLY_IN_EXTRAS_TABLE'], optional: null });
});

it('gives index.js evaluated afresh its own extras, bound to its own shared modules, as one bundle would', async () => {
  const entry = writeFixture('fresh');
  const script = `const a = require(index);
    a.heavy();
    delete require.cache[index];
    const b = require(index);
    const fromB = b.heavy();
    process.stdout.write(JSON.stringify({ distinct: a.shared !== b.shared, boundToB: fromB.shared === b.shared, counts: [a.shared.count, b.shared.count] }));`;
  expect(await runSplit(entry, await split(entry, [entryPatch()]), script)).toEqual({ distinct: true, boundToB: true, counts: [1, 1] });
});

it('keeps two installed copies of a patched file apart: each defers to its own modules', async () => {
  const entry = writeFixture('two-copies');
  const nested = path.join(dir, 'two-copies', 'node_modules', 'wrapper', 'node_modules', 'fixture-sdk');
  mkdirSync(nested, { recursive: true });
  for (const [file, text] of Object.entries(PACKAGE_FILES)) writeFileSync(path.join(nested, file), text);
  writeFileSync(path.join(dir, 'two-copies', 'node_modules', 'wrapper', 'index.js'), 'module.exports = require("fixture-sdk");\n');
  writeFileSync(entry, 'module.exports = { top: require("fixture-sdk"), nested: require("wrapper") };\n');
  const script = `const { top, nested } = require(index);
    const fromTop = top.heavy();
    const fromNested = nested.heavy();
    process.stdout.write(JSON.stringify({ copies: top.shared !== nested.shared, topOwn: fromTop.shared === top.shared, nestedOwn: fromNested.shared === nested.shared }));`;
  expect(await runSplit(entry, await split(entry, [entryPatch()]), script)).toEqual({ copies: true, topOwn: true, nestedOwn: true });
});

it('writes no extras when nothing is deferred', async () => {
  const { deferred } = await split(writeFixture('nothing-deferred'), [entryPatch({ deferredRequires: {} })]);
  expect(deferred).toEqual({});
});

it('warns when a patched file would load only from the extras, unpatched', async () => {
  const heavyPatch: SourcePatch = { stage: 'fixture', file: 'fixture-sdk/heavy.js', sha256: sha256(PACKAGE_FILES['heavy.js'] as string), deferredRequires: {} };
  const { warnings } = await split(writeFixture('patched-in-extras'), [entryPatch(), heavyPatch]);
  expect(warnings).toEqual([expect.stringMatching(/^fixture-sdk\/heavy\.js never reached the bundle/)]);
});

it('bundles a patched file that changed (an SDK upgrade) whole into index.js, with a warning, and it still works', async () => {
  const entry = writeFixture('changed');
  const bundle = await split(entry, [entryPatch({ sha256: '0'.repeat(64) })]);
  expect(bundle.warnings).toEqual([expect.stringMatching(/^fixture-sdk\/index\.js changed \(sha256 [0-9a-f]{64}, patch written for 0{64}\): bundled unpatched/)]);
  expect(bundle.deferred).toEqual({});
  expect(bundle.main).toContain('ONLY_IN_EXTRAS_TABLE');
  const out = path.join(path.dirname(entry), 'out');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'index.js'), bundle.main);
  const run = await runNode(['-e', `const sdk = require('./index.js'); process.stdout.write(JSON.stringify(sdk.heavy().rows))`], { PATH: process.env.PATH ?? '' }, out);
  expect(run).toMatchObject({ code: 0, stdout: '["ONLY_IN_EXTRAS_TABLE"]' });
});

it('fails when both files would share an ES module (it would be required, not imported)', async () => {
  const entry = writeFixture('shared-esm', { 'shared.js': 'export let count = 0;\n' });
  await expect(split(entry, [entryPatch()])).rejects.toThrow(/ES modules used by both files cannot be shared: node_modules\/fixture-sdk\/shared\.js/);
});

describe('parts: a deferred require with a file of its own', () => {
  const TWO_PARTS_ENTRY = [
    '"use strict";',
    'const heavy_1 = require("./heavy");',
    'const db_1 = require("./db");',
    'const shared = require("./shared");',
    'exports.shared = shared;',
    'exports.heavy = () => heavy_1.compute();',
    'exports.db = () => db_1.query();',
    '',
  ].join('\n');
  const DB = ['"use strict";', 'const shared = require("./shared");', 'const codec = require("./codec");', 'exports.query = () => { shared.count += 1; return { shared, codec: codec.name }; };', ''].join('\n');
  const CODEC = 'exports.name = "ONLY_IN_DB_CODEC";\n';
  const partsPatch = (overrides: Partial<SourcePatch> = {}): SourcePatch =>
    entryPatch({ sha256: sha256(TWO_PARTS_ENTRY), deferredRequires: { heavy_1: './heavy', db_1: './db' }, parts: { './db': 'db' }, ...overrides });

  /** Writes index.js and every deferred file to <entry's folder>/out and runs `script` (with `read()`: which deferred files are loaded). */
  async function runParts(entry: string, bundle: SplitBundle, script: string): Promise<unknown> {
    const out = path.join(path.dirname(entry), 'out');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'index.js'), bundle.main);
    for (const [file, text] of Object.entries(bundle.deferred)) writeFileSync(path.join(out, file), text);
    const prelude = `const index = ${JSON.stringify(path.join(out, 'index.js'))};
      const read = () => Object.keys(require.cache).map((file) => require('path').basename(file)).filter((file) => file !== 'index.js').sort();\n`;
    const run = await runNode(['-e', prelude + script], { PATH: process.env.PATH ?? '' }, out);
    expect(run.stderr).toBe('');
    return JSON.parse(run.stdout) as unknown;
  }

  it('puts the part in index.<part>.js: its first use reads that file only, one instance of what index.js shares', async () => {
    const entry = writeFixture('parts', { 'index.js': TWO_PARTS_ENTRY, 'db.js': DB, 'codec.js': CODEC });
    const bundle = await split(entry, [partsPatch()]);
    expect(Object.keys(bundle.deferred).sort()).toEqual([EXTRAS_FILE, partFile('db')].sort());
    expect(bundle.deferred[partFile('db')]).toContain('ONLY_IN_DB_CODEC');
    expect(bundle.deferred[EXTRAS_FILE]).not.toContain('ONLY_IN_DB_CODEC');
    expect(bundle.deferred[EXTRAS_FILE]).toContain('ONLY_IN_EXTRAS_TABLE');
    expect(bundle.deferred[partFile('db')]).not.toContain('ONLY_IN_EXTRAS_TABLE');
    expect(bundle.warnings).toEqual([]);
    const script = `const sdk = require(index);
      const atLoad = read();
      const first = sdk.db();
      const afterDb = read();
      sdk.heavy();
      process.stdout.write(JSON.stringify({ atLoad, afterDb, afterBoth: read(), sameShared: first.shared === sdk.shared, count: sdk.shared.count, codec: first.codec }));`;
    expect(await runParts(entry, bundle, script)).toEqual({
      atLoad: [],
      afterDb: [partFile('db')],
      afterBoth: [partFile('db'), EXTRAS_FILE].sort(),
      sameShared: true,
      count: 2,
      codec: 'ONLY_IN_DB_CODEC',
    });
  });

  it('folds the parts into the extras, with a warning, when two deferred files would share a module', async () => {
    // heavy.js needs the codec too: in two files it would be two instances.
    const heavyWithCodec = ['"use strict";', 'const shared = require("./shared");', 'const table = require("./table");', 'const codec = require("./codec");', 'exports.compute = () => ({ shared, rows: table.rows, codec });', ''].join('\n');
    const entry = writeFixture('parts-shared', { 'index.js': TWO_PARTS_ENTRY, 'db.js': DB, 'codec.js': CODEC, 'heavy.js': heavyWithCodec });
    const bundle = await split(entry, [partsPatch()]);
    expect(Object.keys(bundle.deferred)).toEqual([EXTRAS_FILE]);
    expect(bundle.warnings).toEqual([expect.stringMatching(/codec\.js is needed by two deferred files; every deferred require goes to index\.extras\.js/)]);
    const script = `const sdk = require(index);
      process.stdout.write(JSON.stringify({ codec: sdk.db().codec, same: sdk.heavy().codec.name === sdk.db().codec, read: read() }));`;
    expect(await runParts(entry, bundle, script)).toEqual({ codec: 'ONLY_IN_DB_CODEC', same: true, read: [EXTRAS_FILE] });
  });
});
