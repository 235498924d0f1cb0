/**
 * An esbuild plugin that defers top-level `require`s of pinned SDK files until the module is first
 * used, so a cold start evaluates only the code its call path needs.
 *
 * Why this is safe:
 * - The deferred binding becomes an object of getters, one per property the file reads from it
 *   (`axios_1.default`, `(0, auth_1.auth)(this)`, …): the module is required on the first read and
 *   every read returns the module's live export, as the eager binding did. A binding used any other
 *   way (passed around, compared, spread) cannot be deferred like this, and the build fails.
 * - Each rewritten file is pinned by sha256, and the exact set of bindings and specifiers deferred
 *   in it is checked; a changed file (an SDK upgrade) fails the build with a clear message instead
 *   of silently changing what is deferred.
 * - Exact text replacements (`replacements`) must each match exactly once.
 */
import type * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface TextReplacement {
  find: string;
  replace: string;
  /** Why the replacement keeps the file's behaviour; for the reader and the error message. */
  why: string;
}

export interface SourcePatch {
  /** Path below node_modules, with forward slashes, e.g. '@cloudbase/node-sdk/dist/cloudbase.js'. */
  file: string;
  /** sha256 (hex) of the file as published: any other content fails the build. */
  sha256: string;
  /** binding → the specifier its top-level `const <binding> = …require("<specifier>")…;` loads. */
  deferredRequires: Readonly<Record<string, string>>;
  replacements?: readonly TextReplacement[];
  /** Specifiers that `replacements` turn into first-use requires (the build keeps them out of index.js). */
  deferredByReplacements?: readonly string[];
}

/** Thrown when a pinned file is not what the patch was written for. */
export class SourcePatchError extends Error {
  override name = 'SourcePatchError';
}

/** Helpers appended to every patched file (names checked unused there). */
const LAZY_MODULE_HELPER = 'wxLazyModule$';
const HELPER_NAMES = [LAZY_MODULE_HELPER, 'wxLazyCall$', 'wxDefineLazyValue$'] as const;
const lazyHelpersSource = `
// Added by scripts/build/lazy-requires.ts.
/** An object whose listed properties read the module, required on the first read. */
function wxLazyModule$(load, names) {
  let loaded;
  const lazy = {};
  for (const name of names) {
    Object.defineProperty(lazy, name, { enumerable: true, get: () => (loaded === undefined ? (loaded = load()) : loaded)[name] });
  }
  return lazy;
}
/** The call, its arguments evaluated now, made later. */
function wxLazyCall$(call, ...args) {
  return () => call(...args);
}
/**
 * target[key] = compute(), computed on the first read (or replaced by the first write) and a plain
 * data property from then on. A throwing compute leaves undefined, as the eager try/catch did.
 */
function wxDefineLazyValue$(target, key, compute) {
  const settle = (value) => Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get() {
      let value;
      try {
        value = compute();
      } catch (e) {
        value = undefined;
      }
      settle(value);
      return value;
    },
    set(value) {
      settle(value);
    },
  });
}
`;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function countOccurrences(haystack: string, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) count += 1;
  return count;
}

/** Rewrites one deferred binding; throws if the file does not declare and use it as expected. */
function deferBinding(source: string, file: string, binding: string, specifier: string): string {
  if (!IDENTIFIER.test(binding)) throw new SourcePatchError(`${file}: "${binding}" is not an identifier`);
  const declaration = new RegExp(`^(const|let|var) ${escapeRegExp(binding)} = (.*\\brequire\\((["'])${escapeRegExp(specifier)}\\3\\).*);$`, 'gm');
  const declarations = [...source.matchAll(declaration)];
  if (declarations.length !== 1) {
    throw new SourcePatchError(`${file}: expected exactly one top-level \`const ${binding} = …require("${specifier}")…;\`, found ${declarations.length}`);
  }
  const [line, keyword, initialiser] = declarations[0] as RegExpMatchArray & [string, string, string];
  if (countOccurrences(initialiser, 'require(') !== 1) {
    throw new SourcePatchError(`${file}: the declaration of ${binding} has more than one require`);
  }
  const rest = source.replace(line, () => '');
  const uses = [...rest.matchAll(new RegExp(`(?<![\\w$.])${escapeRegExp(binding)}(?![\\w$])(\\.[A-Za-z_$][\\w$]*)?`, 'g'))];
  const bare = uses.filter((use) => use[1] === undefined);
  if (bare.length > 0) {
    throw new SourcePatchError(`${file}: ${binding} is used other than by reading a property (${bare.length}×); it cannot be deferred`);
  }
  const names = [...new Set(uses.map((use) => (use[1] as string).slice(1)))].sort();
  if (names.length === 0) throw new SourcePatchError(`${file}: ${binding} is never used; nothing to defer`);
  return source.replace(line, () => `${keyword} ${binding} = ${LAZY_MODULE_HELPER}(() => ${initialiser}, ${JSON.stringify(names)});`);
}

/** The patched source; throws SourcePatchError when the file is not exactly what the patch expects. */
export function applySourcePatch(source: string, patch: SourcePatch): string {
  const actual = sha256(source);
  if (actual !== patch.sha256) {
    throw new SourcePatchError(
      `${patch.file} changed (sha256 ${actual}, patch written for ${patch.sha256}). ` +
        'The SDK was upgraded or modified: review the deferred requires in scripts/build/sdk-patches.ts against the new source, then update the hash.',
    );
  }
  for (const helper of HELPER_NAMES) {
    if (source.includes(helper)) throw new SourcePatchError(`${patch.file} already mentions ${helper}`);
  }
  let patched = source;
  for (const { find, replace, why } of patch.replacements ?? []) {
    const count = countOccurrences(patched, find);
    if (count !== 1) throw new SourcePatchError(`${patch.file}: replacement "${why}" expects its text exactly once, found ${count}×`);
    patched = patched.replace(find, () => replace);
  }
  for (const [binding, specifier] of Object.entries(patch.deferredRequires)) {
    patched = deferBinding(patched, patch.file, binding, specifier);
  }
  return `${patched}\n${lazyHelpersSource}`;
}

/** The part of an absolute path below its last node_modules folder, with forward slashes. */
export function pathBelowNodeModules(absolutePath: string): string | undefined {
  const parts = absolutePath.split(path.sep);
  const at = parts.lastIndexOf('node_modules');
  return at === -1 ? undefined : parts.slice(at + 1).join('/');
}

/** The package a patched file belongs to: '@scope/name' or 'name'. */
function packageOf(file: string): string {
  const parts = file.split('/');
  return (file.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/**
 * Applies the patches at bundle time. Fails the build if a patched file changed, or if a package
 * that has patches is in the bundle but a patched file of it is not (the package was restructured:
 * the patch would silently stop applying).
 */
export function sourcePatchPlugin(patches: readonly SourcePatch[]): esbuild.Plugin {
  const byFile = new Map(patches.map((patch) => [patch.file, patch]));
  const basenames = [...new Set(patches.map((patch) => escapeRegExp(path.posix.basename(patch.file))))];
  return {
    name: 'sdk-source-patches',
    setup(build) {
      // Lists every input, to tell which patched packages are in the bundle.
      build.initialOptions.metafile = true;
      const applied = new Set<string>();
      build.onStart(() => applied.clear());
      build.onLoad({ filter: new RegExp(`[\\\\/](${basenames.join('|')})$`) }, (args) => {
        const file = pathBelowNodeModules(args.path);
        const patch = file === undefined ? undefined : byFile.get(file);
        if (patch === undefined) return undefined;
        const contents = applySourcePatch(readFileSync(args.path, 'utf8'), patch);
        applied.add(patch.file);
        return { contents, loader: 'js', resolveDir: path.dirname(args.path) };
      });
      build.onEnd((result): esbuild.OnEndResult | undefined => {
        if (result.errors.length > 0 || result.metafile === undefined) return undefined;
        const bundledPackages = new Set(
          Object.keys(result.metafile.inputs).flatMap((input) => {
            const below = pathBelowNodeModules(input.split('/').join(path.sep));
            return below === undefined ? [] : [packageOf(below)];
          }),
        );
        const missing = patches.filter((patch) => bundledPackages.has(packageOf(patch.file)) && !applied.has(patch.file)).map((patch) => patch.file);
        if (missing.length === 0) return undefined;
        return { errors: [{ text: `patched SDK files never reached the bundle: ${missing.join(', ')} (was the SDK restructured?)` }] };
      });
    },
  };
}
