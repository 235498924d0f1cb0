/**
 * Splits a function's bundle in two files: index.js holds what a cold start runs (the openapi path),
 * index.extras.js what only the deferred requires reach (database, storage, auth, ai, models, …:
 * three quarters of the SDK's text). Node then reads, hashes and keeps in memory a quarter of the
 * text at every cold start; the extras file is read only if a deferred module is ever used.
 *
 * How the two parts stay one program:
 * - In index.js, each deferred require (scripts/build/sdk-patches.ts, already a first-use thunk by
 *   lazy-requires.ts) resolves to a small module that loads index.extras.js and takes that module
 *   from it. Nothing else refers to the extras.
 * - A module that both parts need exists once, in index.js: the extras reach it through a registry
 *   that index.js hands over when it loads them (`load(registry)`), so every SDK singleton, class
 *   and cache stays single. Patched SDK files are in index.js: the source patch plugin fails the
 *   build when one of a bundled package is not.
 * - Built in three esbuild runs: index.js without the registry (to learn its modules), the extras
 *   (to learn which of those they use), then index.js with the registry for exactly those, which
 *   must hold the same modules as the first run.
 */
import * as esbuild from 'esbuild';
import * as path from 'node:path';
import { pathBelowNodeModules, type SourcePatch } from './lazy-requires';

/** The second file of a function's folder, beside index.js. */
export const EXTRAS_FILE = 'index.extras.js';

const EXTRAS_NAMESPACE = 'wx-extras';
const REGISTRY_NAMESPACE = 'wx-shared-registry';
const REGISTRY_SPECIFIER = 'wx-shared-registry';
const EXTRAS_ENTRY_NAMESPACE = 'wx-extras-entry';
const SHARED_NAMESPACE = 'wx-shared';
const SLOT_NAMESPACE = 'wx-shared-slot';
const SLOT_SPECIFIER = 'wx-shared-slot';
/** pluginData of the plugin's own build.resolve calls, which it lets through. */
const RESOLVING = 'wx-split-resolving';

export class SplitError extends Error {
  override name = 'SplitError';
}

/** A require the build defers: `specifier`, as required by `file` (below node_modules). */
export interface DeferredEdge {
  file: string;
  specifier: string;
}

const edgeKey = (edge: DeferredEdge) => `${edge.file}|${edge.specifier}`;

/** The deferred requires of the patches: the bindings deferred, and those their replacements defer. */
export function deferredEdges(patches: readonly SourcePatch[]): DeferredEdge[] {
  return patches.flatMap((patch) => [
    ...Object.values(patch.deferredRequires).map((specifier) => ({ file: patch.file, specifier })),
    ...(patch.deferredByReplacements ?? []).map((specifier) => ({ file: patch.file, specifier })),
  ]);
}

/** A module's key in the registry: its path from the project root, with forward slashes. */
function moduleKey(root: string, absolutePath: string): string {
  return path.relative(root, absolutePath).split(path.sep).join('/');
}

/** The absolute paths of a build's modules read from disk (no virtual ones). */
function fileInputs(metafile: esbuild.Metafile, root: string): Set<string> {
  return new Set(
    Object.keys(metafile.inputs)
      .filter((input) => !/^[\w-]+:/.test(input))
      .map((input) => path.resolve(root, input)),
  );
}

interface MainPartState {
  /** Where each deferred require was seen: the requiring file's folder. */
  resolveDirs: Map<string, string>;
}

/** index.js's plugin: deferred requires go to the extras; `shared` lists the registry's modules. */
function mainPartPlugin(edges: readonly DeferredEdge[], shared: ReadonlyMap<string, string>, state: MainPartState): esbuild.Plugin {
  const keys = new Set(edges.map(edgeKey));
  return {
    name: 'split-main-part',
    setup(build) {
      build.onStart(() => state.resolveDirs.clear());
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.namespace === EXTRAS_NAMESPACE) {
          if (args.path === `./${EXTRAS_FILE}`) return { path: args.path, external: true };
          if (args.path === REGISTRY_SPECIFIER) return { path: 'registry', namespace: REGISTRY_NAMESPACE };
          return undefined;
        }
        const importer = args.importer === '' ? undefined : pathBelowNodeModules(args.importer);
        if (importer === undefined) return undefined;
        const key = `${importer}|${args.path}`;
        if (!keys.has(key)) return undefined;
        state.resolveDirs.set(key, args.resolveDir);
        return { path: key, namespace: EXTRAS_NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: EXTRAS_NAMESPACE }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(`./${EXTRAS_FILE}`)}).load(require(${JSON.stringify(REGISTRY_SPECIFIER)}))[${JSON.stringify(args.path)}]();\n`,
        loader: 'js',
      }));
      build.onLoad({ filter: /.*/, namespace: REGISTRY_NAMESPACE }, () => ({
        contents: `module.exports = {\n${[...shared].map(([key, file]) => `  ${JSON.stringify(key)}: () => require(${JSON.stringify(file)}),\n`).join('')}};\n`,
        loader: 'js',
        resolveDir: path.sep,
      }));
      build.onEnd((result): esbuild.OnEndResult | undefined => {
        if (result.errors.length > 0 || result.metafile === undefined) return undefined;
        // Every deferred require of a file in the bundle must have been seen (its sha256 pin makes this a backstop).
        const files = new Set(Object.keys(result.metafile.inputs).map((input) => pathBelowNodeModules(input.split('/').join(path.sep))));
        const unseen = edges.filter((edge) => files.has(edge.file) && !state.resolveDirs.has(edgeKey(edge))).map(edgeKey);
        if (unseen.length === 0) return undefined;
        return { errors: [{ text: `deferred requires never seen in the bundle: ${unseen.join(', ')}` }] };
      });
    },
  };
}

/** The extras' plugin: its entry maps each deferred require to its module; shared modules come from the registry. */
function extrasPartPlugin(
  root: string,
  edges: readonly DeferredEdge[],
  resolveDirs: ReadonlyMap<string, string>,
  mainModules: ReadonlySet<string>,
  used: Map<string, string>,
): esbuild.Plugin {
  const edgesByKey = new Map(edges.map((edge) => [edgeKey(edge), edge]));
  return {
    name: 'split-extras-part',
    setup(build) {
      build.onStart(() => used.clear());
      /** Where esbuild would take `specifier` from `resolveDir`; a module index.js holds comes from the registry. */
      const resolveOrShare = async (specifier: string, resolveDir: string, importer: string, kind: esbuild.ImportKind): Promise<esbuild.OnResolveResult | undefined> => {
        const resolved = await build.resolve(specifier, { importer, resolveDir, kind, pluginData: RESOLVING });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        if (resolved.external || resolved.namespace !== 'file' || !mainModules.has(resolved.path)) {
          return { path: resolved.path, namespace: resolved.namespace, external: resolved.external, sideEffects: resolved.sideEffects, suffix: resolved.suffix };
        }
        const key = moduleKey(root, resolved.path);
        used.set(key, resolved.path);
        return { path: key, namespace: SHARED_NAMESPACE };
      };
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === RESOLVING) return undefined;
        if (args.kind === 'entry-point') return { path: 'entry', namespace: EXTRAS_ENTRY_NAMESPACE };
        if (args.path === SLOT_SPECIFIER && (args.namespace === EXTRAS_ENTRY_NAMESPACE || args.namespace === SHARED_NAMESPACE)) {
          return { path: 'slot', namespace: SLOT_NAMESPACE };
        }
        if (args.namespace === EXTRAS_ENTRY_NAMESPACE) {
          // A deferred require, resolved from the folder of the file that defers it, exactly as there.
          const edge = edgesByKey.get(args.path);
          if (edge === undefined) return { errors: [{ text: `no deferred require ${args.path}` }] };
          return resolveOrShare(edge.specifier, resolveDirs.get(args.path) as string, '', 'require-call');
        }
        if (args.namespace !== 'file') return undefined;
        return resolveOrShare(args.path, args.resolveDir, args.importer, args.kind);
      });
      build.onLoad({ filter: /.*/, namespace: EXTRAS_ENTRY_NAMESPACE }, () => ({
        contents:
          `const slot = require(${JSON.stringify(SLOT_SPECIFIER)});\n` +
          `const deferred = {\n${edges.map((edge) => `  ${JSON.stringify(edgeKey(edge))}: () => require(${JSON.stringify(edgeKey(edge))}),\n`).join('')}};\n` +
          '/** Called by index.js with its registry of shared modules; returns the deferred modules. */\n' +
          'exports.load = (registry) => {\n  if (slot.registry === undefined) slot.registry = registry;\n  return deferred;\n};\n',
        loader: 'js',
        resolveDir: root,
      }));
      build.onLoad({ filter: /.*/, namespace: SLOT_NAMESPACE }, () => ({ contents: 'module.exports = { registry: undefined };\n', loader: 'js' }));
      build.onLoad({ filter: /.*/, namespace: SHARED_NAMESPACE }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(SLOT_SPECIFIER)}).registry[${JSON.stringify(args.path)}]();\n`,
        loader: 'js',
      }));
    },
  };
}

export interface SplitBundle {
  /** index.js's text. */
  main: string;
  /** index.extras.js's text; absent when the entry has no deferred require (no SDK inside). */
  extras?: string;
}

/**
 * Bundles `options` (an esbuild build of one entry, without write) split in two. `plugins` are
 * the build's own (source patches and the like), run after the split's in both parts.
 */
export async function buildSplit(options: esbuild.BuildOptions & { plugins: esbuild.Plugin[] }, patches: readonly SourcePatch[], root: string): Promise<SplitBundle> {
  const edges = deferredEdges(patches);
  const state: MainPartState = { resolveDirs: new Map() };
  // Metafile paths are relative to absWorkingDir: make it the root the module keys are relative to.
  const common = { ...options, absWorkingDir: root, write: false, metafile: true } satisfies esbuild.BuildOptions;
  const runMain = (shared: ReadonlyMap<string, string>) => esbuild.build({ ...common, plugins: [mainPartPlugin(edges, shared, state), ...options.plugins] });

  const first = await runMain(new Map());
  if (state.resolveDirs.size === 0) return { main: outputText(first) };
  const mainModules = fileInputs(first.metafile as esbuild.Metafile, root);
  const seen = edges.filter((edge) => state.resolveDirs.has(edgeKey(edge)));

  const used = new Map<string, string>();
  const extras = await esbuild.build({
    ...common,
    entryPoints: ['wx-extras-entry'],
    // The patches apply to index.js's modules; the extras' other plugins run after the split's.
    plugins: [extrasPartPlugin(root, seen, new Map(state.resolveDirs), mainModules, used), ...options.plugins.filter((plugin) => plugin.name !== 'sdk-source-patches')],
  });

  const shared = new Map([...used].sort(([a], [b]) => (a < b ? -1 : 1)));
  const second = await runMain(shared);
  const secondModules = fileInputs(second.metafile as esbuild.Metafile, root);
  const added = [...secondModules].filter((file) => !mainModules.has(file));
  if (added.length > 0) throw new SplitError(`the registry pulled new modules into index.js: ${added.map((file) => moduleKey(root, file)).join(', ')}`);
  return { main: outputText(second), extras: outputText(extras) };
}

function outputText(result: esbuild.BuildResult): string {
  const [output] = result.outputFiles ?? [];
  if (output === undefined) throw new SplitError('esbuild wrote nothing');
  if (result.warnings.length > 0) throw new SplitError(`esbuild warnings: ${result.warnings.map((warning) => warning.text).join('; ')}`);
  return output.text;
}
