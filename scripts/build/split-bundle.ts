/**
 * Splits a bundle: index.js holds what a cold start runs, the deferred files what only the
 * deferred requires (lazy-requires.ts) reach — three quarters of the SDK's text, which Node would
 * otherwise read, hash, pre-parse and keep at every cold start. A deferred require a patch names in
 * its `parts` goes to a file of its own (index.database.js: the first database call reads the
 * database's modules and bson, not every deferred feature); the rest go to index.extras.js.
 *
 * One program still: each deferred require in index.js takes its module from its file, which
 * index.js evaluates once, on first use (afresh for a fresh evaluation of index.js). A module
 * index.js and a deferred file both need exists once, in index.js; the deferred files reach it
 * through a registry index.js hands them, so every SDK singleton stays single. Two deferred files
 * never share a module: if they would (an SDK upgrade), the parts fold into index.extras.js, with a
 * warning. esbuild runs: index.js (to learn its modules), each deferred file (to learn which of
 * them it uses), index.js with a registry of exactly those.
 */
import * as esbuild from 'esbuild';
import * as path from 'node:path';
import { pathBelowNodeModules, sourcePatchPlugin, type SourcePatch } from './lazy-requires';

export const EXTRAS_FILE = 'index.extras.js';
/** The deferred file of a part ('extras' is every deferred require no patch names a part for). */
export const partFile = (part: string) => `index.${part}.js`;
const DEFAULT_PART = 'extras';

/** index.js, each deferred file by name (none when nothing was deferred), and esbuild's and the patches' warnings. */
export type SplitBundle = { main: string; deferred: Record<string, string>; warnings: string[] };

/** A deferred require as made: `<requiring file from the root>|<specifier>` → where to resolve it from, and its file. */
type Sites = Map<string, { specifier: string; resolveDir: string; file: string }>;

const moduleKey = (root: string, file: string) => path.relative(root, file).split(path.sep).join('/');
const load = (contents: string, resolveDir?: string) => ({ contents, loader: 'js' as const, resolveDir });

/** The files a build read (no virtual modules); only its ES modules with `esm`. */
function inputs(result: esbuild.BuildResult, root: string, esm = false): Set<string> {
  const entries = Object.entries(result.metafile?.inputs ?? {}).filter(([input, info]) => !/^[\w-]+:/.test(input) && (!esm || info.format === 'esm'));
  return new Set(entries.map(([input]) => path.resolve(root, input)));
}

/** index.js: deferred requires of patched files become `registry.deferred(site)`; `shared` is what the registry hands the deferred files. */
function mainPart(root: string, deferred: ReadonlyMap<string, string>, patched: ReadonlySet<string>, shared: ReadonlyMap<string, string>, sites: Sites): esbuild.Plugin {
  return {
    name: 'split-main',
    setup(build) {
      build.onStart(() => sites.clear());
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.namespace === 'wx-registry' && args.path.startsWith('./index.')) return { path: args.path, external: true };
        if (args.namespace === 'wx-deferred') return { path: 'registry', namespace: 'wx-registry' };
        const file = patched.has(args.importer) ? pathBelowNodeModules(args.importer) : undefined;
        const part = file === undefined ? undefined : deferred.get(`${file}|${args.path}`);
        if (part === undefined) return undefined;
        if (args.kind !== 'require-call') return { errors: [{ text: `deferred ${file} → ${args.path} is reached by ${args.kind}, not require()` }] };
        const site = `${moduleKey(root, args.importer)}|${args.path}`;
        sites.set(site, { specifier: args.path, resolveDir: args.resolveDir, file: partFile(part) });
        return { path: site, namespace: 'wx-deferred' };
      });
      // Each stub names its file: the registry may load before every site is found.
      build.onLoad({ filter: /.*/, namespace: 'wx-deferred' }, (args) =>
        load(`module.exports = require("wx-registry").deferred(${JSON.stringify(args.path)}, ${JSON.stringify(sites.get(args.path)?.file)});`),
      );
      const registry = [...shared].map(([key, file]) => `  ${JSON.stringify(key)}: () => require(${JSON.stringify(file)}),`);
      // Literal requires of every part's file, so that the bundler leaves each as the file beside index.js.
      const loaders = [...new Set(deferred.values())].map(partFile).sort().map((file) => `  ${JSON.stringify(file)}: () => {\n    delete require.cache[require.resolve("./${file}")];\n    return require("./${file}").load(shared);\n  },`);
      build.onLoad({ filter: /.*/, namespace: 'wx-registry' }, () =>
        load(
          `const shared = {\n${registry.join('\n')}\n};\nconst loaders = {\n${loaders.join('\n')}\n};\nconst loaded = {};\n` +
            `exports.deferred = (site, file) => {\n  if (loaded[file] === undefined) loaded[file] = loaders[file]();\n  return loaded[file][site]();\n};\n`,
          path.sep,
        ),
      );
    },
  };
}

/** A deferred file: maps each of its sites to its module, resolved from where it is required; modules of index.js come from the registry. */
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

/** Bundles `options` (one entry, CommonJS, no write) with `patches` applied, split into index.js and its deferred files. */
export async function buildSplit(options: esbuild.BuildOptions & { plugins: esbuild.Plugin[] }, patches: readonly SourcePatch[], root: string): Promise<SplitBundle> {
  const partOf = (patch: SourcePatch, specifier: string) => patch.parts?.[specifier] ?? DEFAULT_PART;
  const deferredParts = new Map(
    patches.flatMap((patch) => [...Object.values(patch.deferredRequires), ...(patch.deferredByReplacements ?? [])].map((specifier) => [`${patch.file}|${specifier}`, partOf(patch, specifier)] as const)),
  );
  const patched = new Set<string>();
  const sites: Sites = new Map();
  // Metafile paths are relative to absWorkingDir: make it the root the module keys are relative to.
  const common = { ...options, absWorkingDir: root, write: false, metafile: true, logLevel: 'silent' } satisfies esbuild.BuildOptions;
  const runMain = (deferred: ReadonlyMap<string, string>, shared: ReadonlyMap<string, string>) =>
    esbuild.build({ ...common, plugins: [mainPart(root, deferred, patched, shared, sites), sourcePatchPlugin(patches, patched), ...options.plugins] });

  let deferred: ReadonlyMap<string, string> = deferredParts;
  const first = await runMain(deferred, new Map());
  if (sites.size === 0) return { main: text(first), deferred: {}, warnings: warningsOf(first) };
  const mainModules = inputs(first, root);
  const esm = inputs(first, root, true);
  const partWarnings: string[] = [];

  /** Each deferred file built, and the modules of index.js it uses; undefined when two files would share a module. */
  const buildDeferred = async (allSites: Sites) => {
    const used = new Map<string, string>();
    const files = [...new Set([...allSites.values()].map((site) => site.file))].sort();
    const built = await Promise.all(
      files.map(async (file) => {
        const own = new Map([...allSites].filter(([, site]) => site.file === file));
        const result = await esbuild.build({ ...common, entryPoints: ['wx-extras'], plugins: [extrasPart(root, own, mainModules, used), ...options.plugins] });
        return { file, result, modules: inputs(result, root) };
      }),
    );
    const owner = new Map<string, string>();
    for (const { file, modules } of built) {
      for (const module of modules) {
        const other = owner.get(module);
        if (other !== undefined && other !== file) return { shared: moduleKey(root, module), used, built };
        owner.set(module, file);
      }
    }
    return { used, built };
  };

  let split = await buildDeferred(new Map(sites));
  if ('shared' in split) {
    // One module in two deferred files would be two instances: fold every part into the extras.
    partWarnings.push(`${split.shared} is needed by two deferred files; every deferred require goes to ${EXTRAS_FILE} (review the parts in scripts/build/sdk-patches.ts)`);
    deferred = new Map([...deferredParts.keys()].map((key) => [key, DEFAULT_PART]));
    await runMain(deferred, new Map());
    split = await buildDeferred(new Map(sites));
  }
  const { used, built } = split;
  // Through the registry an ES module would be required, not imported: another initialisation order.
  const sharedEsm = [...used.keys()].filter((key) => esm.has(used.get(key) as string));
  if (sharedEsm.length > 0) throw new Error(`ES modules used by both files cannot be shared: ${sharedEsm.join(', ')}`);
  const second = await runMain(deferred, new Map([...used].sort(([a], [b]) => (a < b ? -1 : 1))));
  const added = [...inputs(second, root)].filter((file) => !mainModules.has(file));
  if (added.length > 0) throw new Error(`the registry pulled new modules into index.js: ${added.map((file) => moduleKey(root, file)).join(', ')}`);
  return {
    main: text(second),
    deferred: Object.fromEntries(built.map(({ file, result }) => [file, text(result)])),
    warnings: [...partWarnings, ...warningsOf(second, ...built.map(({ result }) => result))],
  };
}
