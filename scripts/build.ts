/**
 * Builds each cloud function into one deployable folder: cloudfunctions/<name>/index.js, exporting
 * `main`, with wx-server-sdk and everything else inside, plus index.extras.js (the SDK modules the
 * openapi call never uses, read on first use) and index.v8cache (a V8 code cache that index.js uses
 * when the Node running it is the one that made it, and ignores otherwise). The folder then uploads
 * as it is from WeChat DevTools ("upload all files", no cloud-side npm install).
 *
 * Cold start (docs/performance.md): the SDK's modules that the openapi call never uses are loaded
 * on first use instead of at load (build/lazy-requires.ts, build/sdk-patches.ts) from a second file
 * (build/split-bundle.ts), and index.js compiles the bundle with the code cache
 * (build/code-cache-loader.ts).
 *
 * Run: `npm run build` (`-- --no-code-cache` to skip the cache). The cache is made with this Node
 * unless WX_CODE_CACHE_NODE names another binary (and WX_CODE_CACHE_NODE_ARGS its options): make it
 * with the exact Node, and options, the cloud runs.
 * Also imported by the tests, the bench and the local cloud scripts.
 */
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CODE_CACHE_FILE, loaderWithEmbeddedBundle } from './build/code-cache-loader';
import { makeEmbeddable } from './build/embeddable-source';
import { sourcePatchPlugin } from './build/lazy-requires';
import { codeCacheOutcome, makeCodeCache, type CacheRuntime, type MadeCodeCache } from './build/make-code-cache';
import { startOpenapiResponder } from './build/openapi-responder';
import { SDK_PATCHES } from './build/sdk-patches';
import { buildSplit, EXTRAS_FILE, type SplitBundle } from './build/split-bundle';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
export const FUNCTIONS_DIR = path.join(PROJECT_ROOT, 'cloudfunctions');
export const FUNCTION_NAMES = ['updatePrinter', 'bindAccount', 'getBindings'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** The oldest Node runtime CloudBase offers; the bundle must run there. */
const TARGET = 'node16';

/** Files of a function's folder that deploy with index.js (copied when building elsewhere). */
const FOLDER_FILES = ['package.json', 'config.json'] as const;

/** The warm call made before serialising the code cache: an authorised call that succeeds. */
const WARM_UP_EVENTS: Readonly<Record<FunctionName, unknown>> = {
  updatePrinter: { updateType: 'bind' },
  bindAccount: { type: 'bind', bizId: 'code-cache-warm-up', deliveryId: 'SF' },
  // All three reads, each answered with a sample list (build/openapi-responder.ts), so the
  // normalisation of every part is compiled into the cache too.
  getBindings: {},
};

/**
 * @cloudbase/node-sdk reads its own package.json at run time to learn its version (sent with every
 * request); inside a bundle that file is gone and it would report "unknow". Inline it instead.
 */
const inlineCloudbaseVersion: esbuild.Plugin = {
  name: 'inline-cloudbase-version',
  setup(build) {
    build.onLoad({ filter: /[\\/]@cloudbase[\\/]node-sdk[\\/]dist[\\/]utils[\\/]version\.js$/ }, (args) => {
      const pkgPath = path.join(path.dirname(args.path), '..', '..', 'package.json');
      const { version } = JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string };
      return { contents: `"use strict";\nexports.version = ${JSON.stringify(version)};\n`, loader: 'js' };
    });
  },
};

export interface BuildOptions {
  /** Folder that receives <name>/ (default FUNCTIONS_DIR); package.json and config.json are copied there. */
  outDir?: string;
  /** Load the SDK modules the openapi call does not use on first use (default true). */
  lazyRequires?: boolean;
  /** index.js is the loader with the bundle embedded (default true); false writes the plain bundle. */
  embed?: boolean;
  /** Make index.v8cache (default true; needs embed). */
  codeCache?: boolean;
  /**
   * The Node the cache is made with and for: default WX_CODE_CACHE_NODE (a binary) and
   * WX_CODE_CACHE_NODE_ARGS (space-separated options, e.g. --max-old-space-size=256), else this Node.
   */
  cacheRuntime?: CacheRuntime;
}

export interface BuiltFunction {
  name: FunctionName;
  outfile: string;
  bytes: number;
  codeCache?: MadeCodeCache;
}

/**
 * esbuild's bundle of one entry file (CommonJS, for Node 16+, everything inside), as text: with
 * lazyRequires, split in index.js and what only the deferred requires reach (build/split-bundle.ts).
 */
async function bundle(entryPoint: string, lazyRequires: boolean): Promise<SplitBundle> {
  const options = {
    entryPoints: [entryPoint],
    outfile: path.join(path.dirname(entryPoint), 'index.js'),
    write: false,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: TARGET,
    // Readable stack traces in the cloud console's logs matter more than a few hundred KiB.
    minify: false,
    sourcemap: false,
    legalComments: 'none',
    charset: 'ascii',
    logLevel: 'silent',
  } satisfies esbuild.BuildOptions;
  if (lazyRequires) return buildSplit({ ...options, plugins: [inlineCloudbaseVersion, sourcePatchPlugin(SDK_PATCHES)] }, SDK_PATCHES, PROJECT_ROOT);
  const result = await esbuild.build({ ...options, plugins: [inlineCloudbaseVersion] });
  if (result.warnings.length > 0) {
    const text = await esbuild.formatMessages(result.warnings, { kind: 'warning' });
    throw new Error(`build of ${entryPoint} has warnings:\n${text.join('\n')}`);
  }
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error(`build of ${entryPoint} wrote nothing`);
  return { main: output.text };
}

const EMBEDDABLE_CACHE_DIR = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'wx-logistics-build');
/** Remembered texts kept (0.6 MB each): the newest, enough for both functions and a few edits. */
const EMBEDDABLE_CACHE_KEEP = 8;

function pruneEmbeddableCache(): void {
  const entries = readdirSync(EMBEDDABLE_CACHE_DIR)
    .filter((name) => name.endsWith('.js'))
    .map((name) => ({ file: path.join(EMBEDDABLE_CACHE_DIR, name), mtime: statSync(path.join(EMBEDDABLE_CACHE_DIR, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { file } of entries.slice(EMBEDDABLE_CACHE_KEEP)) rmSync(file, { force: true });
}

/**
 * makeEmbeddable, remembered by content: it parses and prints 0.6 MB (about a second), and most builds
 * bundle the same text. The key covers the bundle, the tool's own source and esbuild's version.
 */
function embeddableRemembered(code: string): string {
  const tool = readFileSync(path.join(__dirname, 'build', 'embeddable-source.ts'), 'utf8');
  const key = createHash('sha256').update(code).update('\0').update(tool).update('\0').update(esbuild.version).digest('hex');
  const file = path.join(EMBEDDABLE_CACHE_DIR, `${key}.js`);
  try {
    return readFileSync(file, 'latin1');
  } catch {
    const embeddable = makeEmbeddable(code);
    try {
      mkdirSync(EMBEDDABLE_CACHE_DIR, { recursive: true });
      // Write then rename, so a concurrent build never reads half a file.
      const partial = `${file}.${process.pid}.partial`;
      writeFileSync(partial, embeddable, 'latin1');
      renameSync(partial, file);
      pruneEmbeddableCache();
    } catch {
      // Only a lost speed-up.
    }
    return embeddable;
  }
}

/** Bundles `entryPoint` into <functionDir>/index.js (removing any code cache there); returns its path. */
export async function writeBundle(entryPoint: string, functionDir: string, options: { lazyRequires?: boolean; embed?: boolean } = {}): Promise<string> {
  const { lazyRequires = true, embed = true } = options;
  const { main, extras } = await bundle(entryPoint, lazyRequires);
  const outfile = path.join(functionDir, 'index.js');
  mkdirSync(functionDir, { recursive: true });
  // A stale cache beside a new index.js would be refused (source hash), but never leave one around.
  rmSync(path.join(functionDir, CODE_CACHE_FILE), { force: true });
  rmSync(path.join(functionDir, EXTRAS_FILE), { force: true });
  if (extras !== undefined) writeFileSync(path.join(functionDir, EXTRAS_FILE), extras);
  writeFileSync(outfile, embed ? loaderWithEmbeddedBundle(embeddableRemembered(main)) : main);
  return outfile;
}

export async function buildFunction(name: FunctionName, options: BuildOptions = {}): Promise<BuiltFunction> {
  const { lazyRequires = true, embed = true } = options;
  const codeCache = embed && (options.codeCache ?? true);
  const functionDir = path.join(options.outDir ?? FUNCTIONS_DIR, name);
  const outfile = path.join(functionDir, 'index.js');
  mkdirSync(functionDir, { recursive: true });
  if (options.outDir !== undefined) {
    for (const file of FOLDER_FILES) copyFileSync(path.join(FUNCTIONS_DIR, name, file), path.join(functionDir, file));
  }

  await writeBundle(path.join(FUNCTIONS_DIR, name, 'src', 'index.ts'), functionDir, { lazyRequires, embed });
  const built: BuiltFunction = { name, outfile, bytes: statSync(outfile).size };
  if (!codeCache) return built;

  const runtime: CacheRuntime = options.cacheRuntime ?? {
    nodeBinary: process.env.WX_CODE_CACHE_NODE || process.execPath,
    nodeArgs: (process.env.WX_CODE_CACHE_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== ''),
  };
  const responder = await startOpenapiResponder();
  try {
    built.codeCache = await makeCodeCache({ functionDir, functionName: name, event: WARM_UP_EVENTS[name], cloudUrl: responder.url, runtime });
  } finally {
    await responder.close();
  }
  // The cache must be taken by the Node it was made for; otherwise something is wrong with the build.
  const outcome = await codeCacheOutcome(functionDir, runtime);
  if (outcome !== 'accepted') {
    rmSync(built.codeCache.file, { force: true });
    throw new Error(`the code cache made for ${name} was not accepted by ${[runtime.nodeBinary, ...(runtime.nodeArgs ?? [])].join(' ')} (${outcome})`);
  }
  return built;
}

export async function build(options: BuildOptions = {}): Promise<BuiltFunction[]> {
  return Promise.all(FUNCTION_NAMES.map((name) => buildFunction(name, options)));
}

/** True when the warm call behind a code cache returned a success envelope. */
function warmUpSucceeded(envelope: unknown): boolean {
  return typeof envelope === 'object' && envelope !== null && (envelope as { ok?: unknown }).ok === true;
}

if (require.main === module) {
  const codeCache = !process.argv.includes('--no-code-cache');
  build({ codeCache }).then(
    (built) => {
      for (const fn of built) {
        const cache = fn.codeCache === undefined ? '' : ` + ${CODE_CACHE_FILE} (${(fn.codeCache.bytes / 1024).toFixed(0)} KiB)`;
        const extrasFile = path.join(path.dirname(fn.outfile), EXTRAS_FILE);
        const extras = existsSync(extrasFile) ? ` + ${EXTRAS_FILE} (${(statSync(extrasFile).size / 1024).toFixed(0)} KiB)` : '';
        console.log(`built ${path.relative(PROJECT_ROOT, fn.outfile)} (${(fn.bytes / 1024).toFixed(0)} KiB)${extras}${cache}`);
        if (fn.codeCache !== undefined && !warmUpSucceeded(fn.codeCache.warmUpEnvelope)) {
          console.warn(`warning: the warm call behind ${fn.name}'s code cache did not succeed, so the cache covers less: ${JSON.stringify(fn.codeCache.warmUpEnvelope)}`);
        }
      }
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
