/**
 * Splits a bundle in two files: index.js holds what a cold start runs, index.extras.js what only
 * the deferred requires (lazy-requires.ts) reach — three quarters of the SDK's text, which Node
 * would otherwise read, hash, pre-parse and keep at every cold start.
 *
 * One program still: each deferred require in index.js takes its module from index.extras.js,
 * which index.js evaluates once, on first use (afresh for a fresh evaluation of index.js). A module
 * both files need exists once, in index.js; the extras reach it through a registry index.js hands
 * them, so every SDK singleton stays single. Three esbuild runs: index.js (to learn its modules),
 * the extras (to learn which of them they use), index.js with a registry of exactly those.
 */
import * as esbuild from 'esbuild';
import * as path from 'node:path';
import { pathBelowNodeModules, sourcePatchPlugin, type SourcePatch } from './lazy-requires';

export const EXTRAS_FILE = 'index.extras.js';
const EXTRAS = `./${EXTRAS_FILE}`;

/** index.js, index.extras.js (absent when nothing was deferred), and esbuild's and the patches' warnings. */
export type SplitBundle = { main: string; extras?: string; warnings: string[] };

/** A deferred require as made: `<requiring file from the root>|<specifier>` → where to resolve it from. */
type Sites = Map<string, { specifier: string; resolveDir: string }>;

const moduleKey = (root: string, file: string) => path.relative(root, file).split(path.sep).join('/');
const load = (contents: string, resolveDir?: string) => ({ contents, loader: 'js' as const, resolveDir });

/** The files a build read (no virtual modules); only its ES modules with `esm`. */
function inputs(result: esbuild.BuildResult, root: string, esm = false): Set<string> {
  const entries = Object.entries(result.metafile?.inputs ?? {}).filter(([input, info]) => !/^[\w-]+:/.test(input) && (!esm || info.format === 'esm'));
  return new Set(entries.map(([input]) => path.resolve(root, input)));
}

/** index.js: deferred requires of patched files become `registry.deferred(site)`; `shared` is what the registry hands the extras. */
function mainPart(root: string, deferred: ReadonlySet<string>, patched: ReadonlySet<string>, shared: ReadonlyMap<string, string>, sites: Sites): esbuild.Plugin {
  return {
    name: 'split-main',
    setup(build) {
      build.onStart(() => sites.clear());
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.namespace === 'wx-registry' && args.path === EXTRAS) return { path: EXTRAS, external: true };
        if (args.namespace === 'wx-deferred') return { path: 'registry', namespace: 'wx-registry' };
        const file = patched.has(args.importer) ? pathBelowNodeModules(args.importer) : undefined;
        if (file === undefined || !deferred.has(`${file}|${args.path}`)) return undefined;
        if (args.kind !== 'require-call') return { errors: [{ text: `deferred ${file} → ${args.path} is reached by ${args.kind}, not require()` }] };
        const site = `${moduleKey(root, args.importer)}|${args.path}`;
        sites.set(site, { specifier: args.path, resolveDir: args.resolveDir });
        return { path: site, namespace: 'wx-deferred' };
      });
      build.onLoad({ filter: /.*/, namespace: 'wx-deferred' }, (args) => load(`module.exports = require("wx-registry").deferred(${JSON.stringify(args.path)});`));
      const registry = [...shared].map(([key, file]) => `  ${JSON.stringify(key)}: () => require(${JSON.stringify(file)}),`);
      build.onLoad({ filter: /.*/, namespace: 'wx-registry' }, () =>
        load(
          `const shared = {\n${registry.join('\n')}\n};\nlet deferred;\nexports.deferred = (site) => {\n  if (deferred === undefined) {\n` +
            `    delete require.cache[require.resolve("${EXTRAS}")];\n    deferred = require("${EXTRAS}").load(shared);\n  }\n  return deferred[site]();\n};\n`,
          path.sep,
        ),
      );
    },
  };
}

/** index.extras.js: maps each site to its module, resolved from where it is required; modules of index.js come from the registry. */
function extrasPart(root: string, sites: Sites, mainModules: ReadonlySet<string>, used: Map<string, string>): esbuild.Plugin {
  return {
    name: 'split-extras',
    setup(build) {
      const resolveOrShare = async (specifier: string, options: esbuild.ResolveOptions): Promise<esbuild.OnResolveResult> => {
        const resolved = await build.resolve(specifier, { ...options, pluginData: 'resolving' });
        if (resolved.errors.length > 0 || resolved.namespace !== 'file' || !mainModules.has(resolved.path)) return resolved;
        used.set(moduleKey(root, resolved.path), resolved.path);
        return { path: moduleKey(root, resolved.path), namespace: 'wx-shared' };
      };
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === 'resolving') return undefined;
        if (args.kind === 'entry-point') return { path: 'entry', namespace: 'wx-extras' };
        if (args.path === 'wx-slot') return { path: 'slot', namespace: 'wx-slot' };
        const site = args.namespace === 'wx-extras' ? sites.get(args.path) : undefined;
        if (site !== undefined) return resolveOrShare(site.specifier, { resolveDir: site.resolveDir, kind: 'require-call' });
        if (args.namespace !== 'file') return undefined;
        // Unresolvable (an optional require in a try) or ordinary: left to esbuild, as in one bundle.
        const resolved = await resolveOrShare(args.path, { importer: args.importer, resolveDir: args.resolveDir, kind: args.kind });
        return resolved.namespace === 'wx-shared' ? resolved : undefined;
      });
      const entries = [...sites.keys()].map((site) => `  ${JSON.stringify(site)}: () => require(${JSON.stringify(site)}),`);
      build.onLoad({ filter: /.*/, namespace: 'wx-extras' }, () =>
        load(`const slot = require("wx-slot");\nconst deferred = {\n${entries.join('\n')}\n};\nexports.load = (shared) => {\n  slot.registry = shared;\n  return deferred;\n};\n`, root),
      );
      build.onLoad({ filter: /.*/, namespace: 'wx-slot' }, () => load('module.exports = { registry: undefined };'));
      build.onLoad({ filter: /.*/, namespace: 'wx-shared' }, (args) => load(`module.exports = require("wx-slot").registry[${JSON.stringify(args.path)}]();`));
    },
  };
}

const text = (result: esbuild.BuildResult) => result.outputFiles?.[0]?.text ?? '';
const warningsOf = (...results: esbuild.BuildResult[]) => results.flatMap((result) => result.warnings.map((warning) => warning.text));

/** Bundles `options` (one entry, CommonJS, no write) with `patches` applied, split in two. */
export async function buildSplit(options: esbuild.BuildOptions & { plugins: esbuild.Plugin[] }, patches: readonly SourcePatch[], root: string): Promise<SplitBundle> {
  const deferred = new Set(patches.flatMap((patch) => [...Object.values(patch.deferredRequires), ...(patch.deferredByReplacements ?? [])].map((specifier) => `${patch.file}|${specifier}`)));
  const patched = new Set<string>();
  const sites: Sites = new Map();
  // Metafile paths are relative to absWorkingDir: make it the root the module keys are relative to.
  const common = { ...options, absWorkingDir: root, write: false, metafile: true, logLevel: 'silent' } satisfies esbuild.BuildOptions;
  const runMain = (shared: ReadonlyMap<string, string>) =>
    esbuild.build({ ...common, plugins: [mainPart(root, deferred, patched, shared, sites), sourcePatchPlugin(patches, patched), ...options.plugins] });

  const first = await runMain(new Map());
  if (sites.size === 0) return { main: text(first), warnings: warningsOf(first) };
  const mainModules = inputs(first, root);
  const used = new Map<string, string>();
  const extras = await esbuild.build({ ...common, entryPoints: ['wx-extras'], plugins: [extrasPart(root, new Map(sites), mainModules, used), ...options.plugins] });
  // Through the registry an ES module would be required, not imported: another initialisation order.
  const esm = inputs(first, root, true);
  const sharedEsm = [...used.keys()].filter((key) => esm.has(used.get(key) as string));
  if (sharedEsm.length > 0) throw new Error(`ES modules used by both files cannot be shared: ${sharedEsm.join(', ')}`);
  const second = await runMain(new Map([...used].sort(([a], [b]) => (a < b ? -1 : 1))));
  const added = [...inputs(second, root)].filter((file) => !mainModules.has(file));
  if (added.length > 0) throw new Error(`the registry pulled new modules into index.js: ${added.map((file) => moduleKey(root, file)).join(', ')}`);
  return { main: text(second), extras: text(extras), warnings: warningsOf(second, extras) };
}
