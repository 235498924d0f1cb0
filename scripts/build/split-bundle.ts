/**
 * Splits a function's bundle in two files: index.js holds what a cold start runs (the openapi path),
 * index.extras.js what only the deferred requires reach (database, storage, auth, ai, models, …:
 * three quarters of the SDK's text). Node then reads, hashes and keeps in memory a quarter of the
 * text at every cold start; the extras file is read only if a deferred module is ever used.
 *
 * How the two parts stay one program:
 * - In index.js, each deferred require (scripts/build/sdk-patches.ts, already a first-use thunk by
 *   lazy-requires.ts; one per installed copy of the patched file) resolves to a small module that
 *   takes that module from index.extras.js. Nothing else refers to the extras.
 * - A module that both parts need exists once, in index.js: the extras reach it through a registry
 *   that index.js hands over when it loads them (`load(shared)`), so every SDK singleton, class
 *   and cache stays single. Each evaluation of index.js evaluates the extras afresh, once, as one
 *   bundle would. Shared modules must be CommonJS (an ES module would be required instead of
 *   imported: other initialisation order). Patched SDK files are in index.js: the source patch
 *   plugin fails the build when one of a bundled package is not.
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

/** A module's key: its path from the project root, with forward slashes. */
function moduleKey(root: string, absolutePath: string): string {
  return path.relative(root, absolutePath).split(path.sep).join('/');
}

/** The absolute paths of a build's modules read from disk (no virtual ones). */
function fileInputs(metafile: esbuild.Metafile, root: string, format?: 'esm'): Set<string> {
  return new Set(
    Object.entries(metafile.inputs)
      .filter(([input, info]) => !/^[\w-]+:/.test(input) && (format === undefined || info.format === format))
      .map(([input]) => path.resolve(root, input)),
  );
}

/** One place a deferred require is made: `site` is the requiring file's path from the root, `|`, the specifier. */
interface DeferredSite {
  edge: DeferredEdge;
  /** The requiring file's folder, to resolve the specifier from. */
  resolveDir: string;
}

/**
 * index.js's plugin: deferred requires go to the extras; `shared` lists the registry's modules.
 * `sites` receives every deferred require seen (one per installed copy of a patched file).
 */
function mainPartPlugin(root: string, edges: readonly DeferredEdge[], shared: ReadonlyMap<string, string>, sites: Map<string, DeferredSite>): esbuild.Plugin {
  const edgesByKey = new Map(edges.map((edge) => [edgeKey(edge), edge]));
  return {
    name: 'split-main-part',
    setup(build) {
      build.onStart(() => sites.clear());
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.namespace === REGISTRY_NAMESPACE && args.path === `./${EXTRAS_FILE}`) return { path: args.path, external: true };
        if (args.namespace === EXTRAS_NAMESPACE && args.path === REGISTRY_SPECIFIER) return { path: 'registry', namespace: REGISTRY_NAMESPACE };
        const file = args.namespace === 'file' && args.importer !== '' ? pathBelowNodeModules(args.importer) : undefined;
        const edge = file === undefined ? undefined : edgesByKey.get(`${file}|${args.path}`);
        if (edge === undefined) return undefined;
        // lazy-requires.ts defers require() calls only; an import here means the patch no longer fits.
        if (args.kind !== 'require-call') return { errors: [{ text: `deferred ${edgeKey(edge)} is reached by ${args.kind}, not a require() call` }] };
        const site = `${moduleKey(root, args.importer)}|${args.path}`;
        sites.set(site, { edge, resolveDir: args.resolveDir });
        return { path: site, namespace: EXTRAS_NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: EXTRAS_NAMESPACE }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(REGISTRY_SPECIFIER)}).deferred(${JSON.stringify(args.path)});\n`,
        loader: 'js',
      }));
      build.onLoad({ filter: /.*/, namespace: REGISTRY_NAMESPACE }, () => ({
        contents:
          `const shared = {\n${[...shared].map(([key, file]) => `  ${JSON.stringify(key)}: () => require(${JSON.stringify(file)}),\n`).join('')}};\n` +
          'let deferred;\n' +
          '/**\n' +
          ` * The module a deferred require names, from ${EXTRAS_FILE}, which this index.js evaluates once, on\n` +
          ' * first use, with its own shared modules (afresh if another evaluation of index.js loaded it first).\n' +
          ' */\n' +
          'exports.deferred = (site) => {\n' +
          '  if (deferred === undefined) {\n' +
          `    delete require.cache[require.resolve(${JSON.stringify(`./${EXTRAS_FILE}`)})];\n` +
          `    deferred = require(${JSON.stringify(`./${EXTRAS_FILE}`)}).load(shared);\n` +
          '  }\n' +
          '  return deferred[site]();\n' +
          '};\n',
        loader: 'js',
        resolveDir: path.sep,
      }));
      build.onEnd((result): esbuild.OnEndResult | undefined => {
        if (result.errors.length > 0 || result.metafile === undefined) return undefined;
        // Every deferred require of a file in the bundle must have been seen (its sha256 pin makes this a backstop).
        const files = new Set(Object.keys(result.metafile.inputs).map((input) => pathBelowNodeModules(input.split('/').join(path.sep))));
        const seen = new Set([...sites.values()].map((site) => edgeKey(site.edge)));
        const unseen = edges.filter((edge) => files.has(edge.file) && !seen.has(edgeKey(edge))).map(edgeKey);
        if (unseen.length === 0) return undefined;
        return { errors: [{ text: `deferred requires never seen in the bundle: ${unseen.join(', ')}` }] };
      });
    },
  };
}

/** The extras' plugin: its entry maps each deferred site to its module; shared modules come from the registry. */
function extrasPartPlugin(root: string, sites: ReadonlyMap<string, DeferredSite>, mainModules: ReadonlySet<string>, used: Map<string, string>): esbuild.Plugin {
  return {
    name: 'split-extras-part',
    setup(build) {
      build.onStart(() => used.clear());
      /** What esbuild resolves `specifier` to; a module index.js holds is taken from its registry instead. */
      const resolveOrShare = async (specifier: string, resolveDir: string, importer: string, kind: esbuild.ImportKind) => {
        const resolved = await build.resolve(specifier, { importer, resolveDir, kind, pluginData: RESOLVING });
        if (resolved.errors.length > 0 || resolved.external || resolved.namespace !== 'file' || !mainModules.has(resolved.path)) return resolved;
        const key = moduleKey(root, resolved.path);
        used.set(key, resolved.path);
        return { path: key, namespace: SHARED_NAMESPACE, errors: [] };
      };
      build.onResolve({ filter: /.*/ }, async (args): Promise<esbuild.OnResolveResult | undefined> => {
        if (args.pluginData === RESOLVING) return undefined;
        if (args.kind === 'entry-point') return { path: 'entry', namespace: EXTRAS_ENTRY_NAMESPACE };
        if (args.path === SLOT_SPECIFIER && (args.namespace === EXTRAS_ENTRY_NAMESPACE || args.namespace === SHARED_NAMESPACE)) {
          return { path: 'slot', namespace: SLOT_NAMESPACE };
        }
        if (args.namespace === EXTRAS_ENTRY_NAMESPACE) {
          // A deferred require, resolved from the folder of the file that defers it, exactly as there.
          const site = sites.get(args.path);
          if (site === undefined) return { errors: [{ text: `no deferred require ${args.path}` }] };
          const resolved = await resolveOrShare(site.edge.specifier, site.resolveDir, '', 'require-call');
          if (resolved.errors.length > 0) return { errors: resolved.errors };
          return { path: resolved.path, namespace: resolved.namespace, external: 'external' in resolved ? resolved.external : false };
        }
        if (args.namespace !== 'file') return undefined;
        const resolved = await resolveOrShare(args.path, args.resolveDir, args.importer, args.kind);
        // Unresolvable (an optional require in a try/catch) or ordinary: esbuild treats it as in one bundle.
        return resolved.namespace === SHARED_NAMESPACE ? { path: resolved.path, namespace: SHARED_NAMESPACE } : undefined;
      });
      build.onLoad({ filter: /.*/, namespace: EXTRAS_ENTRY_NAMESPACE }, () => ({
        contents:
          `const slot = require(${JSON.stringify(SLOT_SPECIFIER)});\n` +
          `const deferred = {\n${[...sites.keys()].map((site) => `  ${JSON.stringify(site)}: () => require(${JSON.stringify(site)}),\n`).join('')}};\n` +
          '/** Called once by index.js with its shared modules; returns the deferred modules. */\n' +
          'exports.load = (shared) => {\n  slot.registry = shared;\n  return deferred;\n};\n',
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
  const sites = new Map<string, DeferredSite>();
  // Metafile paths are relative to absWorkingDir: make it the root the module keys are relative to.
  const common = { ...options, absWorkingDir: root, write: false, metafile: true } satisfies esbuild.BuildOptions;
  const runMain = (shared: ReadonlyMap<string, string>) => esbuild.build({ ...common, plugins: [mainPartPlugin(root, edges, shared, sites), ...options.plugins] });

  const first = await runMain(new Map());
  if (sites.size === 0) return { main: outputText(first) };
  const firstMetafile = first.metafile as esbuild.Metafile;
  const mainModules = fileInputs(firstMetafile, root);

  const used = new Map<string, string>();
  const extras = await esbuild.build({
    ...common,
    entryPoints: ['wx-extras-entry'],
    // The patches apply to index.js's modules; the extras' other plugins run after the split's.
    plugins: [extrasPartPlugin(root, new Map(sites), mainModules, used), ...options.plugins.filter((plugin) => plugin.name !== 'sdk-source-patches')],
  });
  // Through the registry an ES module would be required, not imported: other initialisation order and interop.
  const esmModules = fileInputs(firstMetafile, root, 'esm');
  const sharedEsm = [...used.values()].filter((file) => esmModules.has(file));
  if (sharedEsm.length > 0) throw new SplitError(`ES modules used by both files cannot be shared: ${sharedEsm.map((file) => moduleKey(root, file)).join(', ')}`);

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
