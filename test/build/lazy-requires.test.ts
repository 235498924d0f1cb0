import * as esbuild from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../scripts/build';
import { applySourcePatch, sha256, SourcePatchError, sourcePatchPlugin, type SourcePatch } from '../../scripts/build/lazy-requires';
import { SDK_PATCHES } from '../../scripts/build/sdk-patches';

const NODE_MODULES = path.join(PROJECT_ROOT, 'node_modules');

/** Runs CommonJS code with a require that counts what it loads. */
function runWithRequire(code: string, modules: Record<string, unknown>): { exports: Record<string, unknown>; loaded: string[] } {
  const loaded: string[] = [];
  const fakeRequire = (specifier: string) => {
    loaded.push(specifier);
    return modules[specifier];
  };
  const module = { exports: {} as Record<string, unknown> };
  new Function('module', 'exports', 'require', code)(module, module.exports, fakeRequire);
  return { exports: module.exports, loaded };
}

const SAMPLE = [
  '"use strict";',
  'const heavy_1 = require("./heavy");',
  'const light_1 = require("./light");',
  'exports.light = () => (0, light_1.value)();',
  'exports.heavy = () => heavy_1.compute(2) + heavy_1.offset;',
].join('\n');
const samplePatch = (overrides: Partial<SourcePatch> = {}): SourcePatch => ({
  stage: 'sample',
  file: 'sample/index.js',
  sha256: sha256(SAMPLE),
  deferredRequires: { heavy_1: './heavy' },
  ...overrides,
});
const sampleModules = {
  './heavy': { compute: (n: number) => n * 10, offset: 1 },
  './light': { value: () => 'light' },
};

describe('applySourcePatch', () => {
  it('loads a deferred module on the first read of one of its properties, not before', () => {
    const { exports, loaded } = runWithRequire(applySourcePatch(SAMPLE, samplePatch()), sampleModules);
    expect(loaded).toEqual(['./light']);
    expect((exports.light as () => string)()).toBe('light');
    expect(loaded).toEqual(['./light']);
    expect((exports.heavy as () => number)()).toBe(21);
    expect((exports.heavy as () => number)()).toBe(21);
    expect(loaded).toEqual(['./light', './heavy']);
  });

  it('fails loudly when the file is not the one the patch was written for', () => {
    const changed = `${SAMPLE}\n// upgraded`;
    expect(() => applySourcePatch(changed, samplePatch())).toThrow(SourcePatchError);
    expect(() => applySourcePatch(changed, samplePatch())).toThrow(/sample\/index\.js changed \(sha256 [0-9a-f]{64}, patch written for [0-9a-f]{64}\)/);
  });

  it('fails when the deferred require is not there, or loads something else', () => {
    expect(() => applySourcePatch(SAMPLE, samplePatch({ deferredRequires: { heavy_1: './other' } }))).toThrow(/expected exactly one top-level `const heavy_1 = …require\("\.\/other"\)…;`, found 0/);
    expect(() => applySourcePatch(SAMPLE, samplePatch({ deferredRequires: { missing_1: './heavy' } }))).toThrow(/found 0/);
  });

  it('refuses to defer a binding used other than by reading its properties', () => {
    const bare = `${SAMPLE}\nexports.module = heavy_1;`;
    expect(() => applySourcePatch(bare, samplePatch({ sha256: sha256(bare) }))).toThrow(/heavy_1 is unused or used other than by reading a property/);
  });

  it('requires each replacement to match exactly once', () => {
    const patch = samplePatch({ replacements: [{ find: 'not in the file', replace: 'x', why: 'test' }] });
    expect(() => applySourcePatch(SAMPLE, patch)).toThrow(/replacement "test" expects its text exactly once, found 0×/);
  });
});

describe('SDK_PATCHES', () => {
  // The build only warns on a mismatch (and ships that file unpatched); this test is what fails, so the pins get reviewed on purpose.
  it('match the installed SDK files (package.json pins wx-server-sdk, @cloudbase/node-sdk and form-data exactly)', () => {
    for (const patch of SDK_PATCHES) {
      const source = readFileSync(path.join(NODE_MODULES, ...patch.file.split('/')), 'utf8');
      expect({ file: patch.file, sha256: sha256(source) }).toEqual({ file: patch.file, sha256: patch.sha256 });
      expect(() => applySourcePatch(source, patch)).not.toThrow();
    }
  });

  it('are of packages that package.json pins to the exact version installed', () => {
    const { dependencies } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const packages = new Set(SDK_PATCHES.map(({ file }) => file.split('/').slice(0, file.startsWith('@') ? 2 : 1).join('/')));
    for (const name of packages) {
      const { version } = JSON.parse(readFileSync(path.join(NODE_MODULES, name, 'package.json'), 'utf8')) as { version: string };
      expect({ name, pinned: dependencies[name] }).toEqual({ name, pinned: version });
    }
  });
});

describe('sourcePatchPlugin', () => {
  let dir: string;
  let entry: string;
  const target = SDK_PATCHES.find((patch) => patch.file.endsWith('metadata.js')) as SourcePatch;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lazy-requires-'));
    entry = path.join(dir, 'entry.js');
    writeFileSync(entry, `module.exports = require(${JSON.stringify(path.join(NODE_MODULES, ...target.file.split('/')))});\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const bundle = (patches: readonly SourcePatch[]) =>
    esbuild.build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', write: false, logLevel: 'silent', plugins: [sourcePatchPlugin(patches)] });

  it('applies a matching patch', async () => {
    const result = await bundle([target]);
    expect(result.outputFiles[0]?.text).toMatch(/axios_1 = wxLazyModule\$\(\(\) => __importDefault\(require_axios\d*\(\)\), \["default"\]\)/);
  });

  it('bundles a patched file that changed (its sha256 differs) unpatched, with a warning: the build degrades, it does not stop', async () => {
    const result = await bundle([{ ...target, sha256: '0'.repeat(64) }]);
    expect(result.warnings.map((warning) => warning.text)).toEqual([
      expect.stringMatching(/^@cloudbase\/node-sdk\/dist\/utils\/metadata\.js changed \(sha256 [0-9a-f]{64}, patch written for 0{64}\): bundled unpatched .*sdk-patches\.ts/),
    ]);
    expect(result.outputFiles[0]?.text).not.toContain('wxLazyModule$');
  });

  it('warns when a patched file never reached the bundle', async () => {
    const result = await bundle([target, { ...target, file: '@cloudbase/node-sdk/dist/moved/metadata.js' }]);
    expect(result.warnings.map((warning) => warning.text)).toEqual([expect.stringMatching(/^@cloudbase\/node-sdk\/dist\/moved\/metadata\.js never reached the bundle/)]);
  });
});
