/**
 * An esbuild plugin that defers top-level `require`s of pinned SDK files (sdk-patches.ts) to the
 * first use of the module, so a cold start evaluates only what its call path needs.
 *
 * Safe because: a deferred binding becomes an object of getters, one per property the file reads
 * (`auth_1.auth`), each requiring the module on first read and returning its live export; a
 * binding used any other way cannot be deferred so. Each file is pinned by sha256 and every
 * replacement must match exactly once. A file that is not what its patch was written for (an SDK
 * upgrade) is bundled unpatched, with a warning: the build degrades, it does not stop.
 */
import type * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface SourcePatch {
  /** Patches that only pay together (each would load what the other defers) share one; docs/performance.md gives what each stage weighs. */
  stage: string;
  /** Path below node_modules, with forward slashes, e.g. '@cloudbase/node-sdk/dist/cloudbase.js'. */
  file: string;
  /** sha256 (hex) of the file as published. */
  sha256: string;
  /** binding → the specifier its top-level `const <binding> = …require("<specifier>")…;` loads. */
  deferredRequires: Readonly<Record<string, string>>;
  /** Exact texts, each found once; `why` says why the file behaves the same. */
  replacements?: ReadonlyArray<{ find: string; replace: string; why: string }>;
  /** Specifiers that `replacements` turn into first-use requires. */
  deferredByReplacements?: readonly string[];
  /**
   * Deferred specifiers whose modules get a file of their own, index.<part>.js (split-bundle.ts),
   * so their first use reads only them; the others share index.extras.js.
   */
  parts?: Readonly<Record<string, string>>;
}

export class SourcePatchError extends Error {}

const HELPERS = ['wxLazyModule$', 'wxLazyCall$', 'wxDefineLazyValue$'];
const helpersSource = `
// Added by scripts/build/lazy-requires.ts.
function wxLazyModule$(load, names) {
  let loaded;
  const lazy = {};
  for (const name of names) Object.defineProperty(lazy, name, { enumerable: true, get: () => (loaded === undefined ? (loaded = load()) : loaded)[name] });
  return lazy;
}
function wxLazyCall$(call, ...args) { return () => call(...args); }
// target[key] = compute() on first read (undefined if it throws, as the eager try/catch gave), or the first write.
function wxDefineLazyValue$(target, key, compute) {
  const settle = (value) => Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(target, key, { enumerable: true, configurable: true, set: settle, get() {
    let value;
    try { value = compute(); } catch (e) { value = undefined; }
    settle(value);
    return value;
  } });
}
`;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

function deferBinding(source: string, file: string, binding: string, specifier: string): string {
  const declaration = new RegExp(`^(const|let|var) ${escapeRegExp(binding)} = (.*\\brequire\\((["'])${escapeRegExp(specifier)}\\3\\).*);$`, 'gm');
  const found = [...source.matchAll(declaration)];
  if (found.length !== 1) throw new SourcePatchError(`${file}: expected exactly one top-level \`const ${binding} = …require("${specifier}")…;\`, found ${found.length}`);
  const [line, keyword, initialiser] = found[0] as RegExpMatchArray & [string, string, string];
  if (count(initialiser, 'require(') !== 1) throw new SourcePatchError(`${file}: the declaration of ${binding} has more than one require`);
  const uses = [...source.replace(line, '').matchAll(new RegExp(`(?<![\\w$.])${escapeRegExp(binding)}(?![\\w$])(\\.[A-Za-z_$][\\w$]*)?`, 'g'))];
  if (uses.length === 0 || uses.some((use) => use[1] === undefined)) throw new SourcePatchError(`${file}: ${binding} is unused or used other than by reading a property; it cannot be deferred`);
  const names = [...new Set(uses.map((use) => (use[1] as string).slice(1)))].sort();
  return source.replace(line, () => `${keyword} ${binding} = wxLazyModule$(() => ${initialiser}, ${JSON.stringify(names)});`);
}

/** The patched source; throws SourcePatchError when the file is not exactly what the patch expects. */
export function applySourcePatch(source: string, patch: SourcePatch): string {
  const actual = sha256(source);
  if (actual !== patch.sha256) throw new SourcePatchError(`${patch.file} changed (sha256 ${actual}, patch written for ${patch.sha256})`);
  if (HELPERS.some((helper) => source.includes(helper))) throw new SourcePatchError(`${patch.file} already mentions a helper name`);
  let patched = source;
  for (const { find, replace, why } of patch.replacements ?? []) {
    const found = count(patched, find);
    if (found !== 1) throw new SourcePatchError(`${patch.file}: replacement "${why}" expects its text exactly once, found ${found}×`);
    patched = patched.replace(find, () => replace);
  }
  for (const [binding, specifier] of Object.entries(patch.deferredRequires)) patched = deferBinding(patched, patch.file, binding, specifier);
  return `${patched}\n${helpersSource}`;
}

/** The part of a path below its last node_modules folder, with forward slashes. */
export function pathBelowNodeModules(absolutePath: string): string | undefined {
  const parts = absolutePath.split(/[\\/]/);
  const at = parts.lastIndexOf('node_modules');
  return at === -1 ? undefined : parts.slice(at + 1).join('/');
}

const packageOf = (file: string) => file.split('/').slice(0, file.startsWith('@') ? 2 : 1).join('/');
const UPGRADE_ADVICE = 'bundled unpatched (it loads at start, correctly but slower). Review scripts/build/sdk-patches.ts against the new source and update the pin.';

/**
 * Applies the patches at bundle time; `applied` receives the absolute paths patched. A file that does not
 * match its patch, or a patched package in the bundle whose patched file is not, is a warning.
 */
export function sourcePatchPlugin(patches: readonly SourcePatch[], applied = new Set<string>()): esbuild.Plugin {
  const byFile = new Map(patches.map((patch) => [patch.file, patch]));
  const basenames = [...new Set(patches.map((patch) => escapeRegExp(path.posix.basename(patch.file))))];
  return {
    name: 'sdk-source-patches',
    setup(build) {
      build.initialOptions.metafile = true;
      build.onStart(() => applied.clear());
      build.onLoad({ filter: new RegExp(`[\\\\/](${basenames.join('|')})$`) }, (args) => {
        const patch = byFile.get(pathBelowNodeModules(args.path) ?? '');
        if (patch === undefined) return undefined;
        try {
          const contents = applySourcePatch(readFileSync(args.path, 'utf8'), patch);
          applied.add(args.path);
          return { contents, loader: 'js', resolveDir: path.dirname(args.path) };
        } catch (error) {
          if (!(error instanceof SourcePatchError)) throw error;
          return { warnings: [{ text: `${error.message}: ${UPGRADE_ADVICE}` }] };
        }
      });
      build.onEnd((result) => {
        const bundled = new Set(Object.keys(result.metafile?.inputs ?? {}).map((input) => packageOf(pathBelowNodeModules(input) ?? '')));
        const patched = new Set([...applied].map((file) => pathBelowNodeModules(file)));
        const warned = (patch: SourcePatch) => result.warnings.some((warning) => warning.text.startsWith(patch.file));
        const missing = patches.filter((patch) => bundled.has(packageOf(patch.file)) && !patched.has(patch.file) && !warned(patch));
        return { warnings: missing.map((patch) => ({ text: `${patch.file} never reached the bundle (was the SDK restructured?): ${UPGRADE_ADVICE}` })) };
      });
    },
  };
}
