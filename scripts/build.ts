/**
 * Builds every cloud function — each folder of cloudfunctions/ with a src/index.ts — into a folder
 * that deploys as it is (no cloud-side npm install): index.js, esbuild's bundle exporting `main`
 * with wx-server-sdk inside, whose SDK modules the openapi call never uses are required on first
 * use (build/lazy-requires.ts, build/sdk-patches.ts) from index.database.js (the database's) and
 * index.extras.js (the rest) (build/split-bundle.ts).
 * Figures and reasons: docs/performance.md.
 *
 *   npm run build                     the default build
 *   npm run build -- --code-cache     + a V8 code cache (build/code-cache.ts), or WX_CODE_CACHE=1;
 *                                     made for WX_CODE_CACHE_NODE (default this Node), started with
 *                                     WX_CODE_CACHE_NODE_ARGS: build with the cloud's exact Node.
 *
 * An SDK file that no longer matches its pin is bundled unpatched, with a warning: the build
 * still succeeds; test/build/lazy-requires.test.ts fails until the pins are reviewed.
 */
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { addCodeCache, BUNDLE_FILE, CACHE_FILE, type CacheRuntime } from './build/code-cache';
import { sourcePatchPlugin } from './build/lazy-requires';
import { SDK_PATCHES } from './build/sdk-patches';
import { buildSplit } from './build/split-bundle';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
export const FUNCTIONS_DIR = path.join(PROJECT_ROOT, 'cloudfunctions');
/** Every folder of cloudfunctions/ that has a src/index.ts. */
export const FUNCTION_NAMES: readonly string[] = readdirSync(FUNCTIONS_DIR)
  .filter((name) => existsSync(path.join(FUNCTIONS_DIR, name, 'src', 'index.ts')))
  .sort();

/** @cloudbase/node-sdk reads its own package.json for the version it sends with every request; a bundle has none. */
const inlineCloudbaseVersion: esbuild.Plugin = {
  name: 'inline-cloudbase-version',
  setup(build) {
    build.onLoad({ filter: /[\\/]@cloudbase[\\/]node-sdk[\\/]dist[\\/]utils[\\/]version\.js$/ }, (args) => {
      const { version } = JSON.parse(readFileSync(path.join(args.path, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };
      return { contents: `"use strict";\nexports.version = ${JSON.stringify(version)};\n`, loader: 'js' };
    });
  },
};

export interface BundleOptions {
  /** Defer the SDK requires the openapi call never runs (default true). */
  lazyRequires?: boolean;
  /** …and put what only they reach in index.database.js and index.extras.js (default true). */
  split?: boolean;
}

/** Bundles `entryPoint` into <functionDir>/index.js (and its deferred files); returns esbuild's and the patches' warnings. */
export async function writeBundle(entryPoint: string, functionDir: string, options: BundleOptions = {}): Promise<string[]> {
  const { lazyRequires = true, split = true } = options;
  const common = {
    entryPoints: [entryPoint],
    outfile: path.join(functionDir, 'index.js'),
    bundle: true,
    write: false,
    absWorkingDir: PROJECT_ROOT,
    platform: 'node',
    format: 'cjs',
    // The oldest Node the cloud offers.
    target: 'node16',
    // Readable stack traces in the cloud console's logs matter more than a few hundred KiB.
    minify: false,
    legalComments: 'none',
    charset: 'ascii',
    logLevel: 'silent',
  } satisfies esbuild.BuildOptions;
  let output: { main: string; deferred: Record<string, string>; warnings: string[] };
  if (lazyRequires && split) {
    output = await buildSplit({ ...common, plugins: [inlineCloudbaseVersion] }, SDK_PATCHES, PROJECT_ROOT);
  } else {
    const result = await esbuild.build({ ...common, plugins: [inlineCloudbaseVersion, ...(lazyRequires ? [sourcePatchPlugin(SDK_PATCHES)] : [])] });
    output = { main: result.outputFiles[0]?.text ?? '', deferred: {}, warnings: result.warnings.map((warning) => warning.text) };
  }
  mkdirSync(functionDir, { recursive: true });
  // Every deferred file of an earlier build goes: a part that is no more must not be left behind.
  for (const file of readdirSync(functionDir)) if (/^index\.[\w-]+\.js$/.test(file) || file === CACHE_FILE) rmSync(path.join(functionDir, file), { force: true });
  for (const [file, text] of Object.entries(output.deferred)) writeFileSync(path.join(functionDir, file), text);
  writeFileSync(path.join(functionDir, 'index.js'), output.main);
  return output.warnings;
}

export interface BuildOptions extends BundleOptions {
  /** Folder that receives <name>/ (default FUNCTIONS_DIR); package.json and config.json are copied there. */
  outDir?: string;
  /** Add the V8 code cache, made for this runtime (default: none). */
  codeCache?: CacheRuntime;
}

export type BuiltFunction = { name: string; dir: string; warnings: string[] };

/** The event of the warm call behind a code cache: the function's src/warm-up.json, else {}. */
export function warmUpEvent(name: string): unknown {
  const file = path.join(FUNCTIONS_DIR, name, 'src', 'warm-up.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
}

export async function buildFunction(name: string, options: BuildOptions = {}): Promise<BuiltFunction> {
  const dir = path.join(options.outDir ?? FUNCTIONS_DIR, name);
  mkdirSync(dir, { recursive: true });
  if (options.outDir !== undefined) for (const file of ['package.json', 'config.json']) copyFileSync(path.join(FUNCTIONS_DIR, name, file), path.join(dir, file));
  const warnings = await writeBundle(path.join(FUNCTIONS_DIR, name, 'src', 'index.ts'), dir, options);
  if (options.codeCache !== undefined) warnings.push(...(await addCodeCache(dir, name, warmUpEvent(name), options.codeCache)));
  return { name, dir, warnings };
}

export async function build(options: BuildOptions = {}): Promise<BuiltFunction[]> {
  return Promise.all(FUNCTION_NAMES.map((name) => buildFunction(name, options)));
}

if (require.main === module) {
  const cache = process.argv.includes('--code-cache') || process.env.WX_CODE_CACHE === '1';
  const runtime = { nodeBinary: process.env.WX_CODE_CACHE_NODE || process.execPath, nodeArgs: (process.env.WX_CODE_CACHE_NODE_ARGS ?? '').split(' ').filter(Boolean) };
  build({ codeCache: cache ? runtime : undefined }).then(
    (built) => {
      for (const { dir, warnings } of built) {
        const files = readdirSync(dir).filter((file) => file.startsWith('index.'));
        console.log(`built ${path.relative(PROJECT_ROOT, dir)}/: ${files.map((file) => `${file} (${(statSync(path.join(dir, file)).size / 1024).toFixed(0)} KiB)`).join(', ')}`);
        for (const warning of new Set(warnings)) console.warn(`\n*** WARNING (${path.basename(dir)}): ${warning}\n`);
      }
      // DevTools uploads whatever the folder holds, built or not: say what to upload, and how.
      console.log(`\nto deploy, in WeChat DevTools right-click each folder → 上传并部署：所有文件 (not 云端安装依赖):`);
      for (const { dir } of built) console.log(`  ${path.relative(PROJECT_ROOT, dir)}/`);
      console.log('then the variables and the check: docs/deploy-checklist.md');
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
