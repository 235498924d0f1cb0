/**
 * Builds each cloud function into one deployable file: cloudfunctions/<name>/index.js, exporting
 * `main`, with wx-server-sdk and everything else inside. The folder then uploads as it is from
 * WeChat DevTools ("upload all files", no cloud-side npm install).
 *
 * Run: `npm run build`. Also imported by the tests and the local cloud scripts.
 */
import * as esbuild from 'esbuild';
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
export const FUNCTIONS_DIR = path.join(PROJECT_ROOT, 'cloudfunctions');
export const FUNCTION_NAMES = ['updatePrinter', 'bindAccount'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** The oldest Node runtime CloudBase offers; the bundle must run there. */
const TARGET = 'node16';

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

export interface BuiltFunction {
  name: FunctionName;
  outfile: string;
  bytes: number;
}

export async function buildFunction(name: FunctionName): Promise<BuiltFunction> {
  const outfile = path.join(FUNCTIONS_DIR, name, 'index.js');
  const result = await esbuild.build({
    entryPoints: [path.join(FUNCTIONS_DIR, name, 'src', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: TARGET,
    // Readable stack traces in the cloud console's logs matter more than a few hundred KiB.
    minify: false,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'silent',
    plugins: [inlineCloudbaseVersion],
  });
  if (result.warnings.length > 0) {
    const text = await esbuild.formatMessages(result.warnings, { kind: 'warning' });
    throw new Error(`build of ${name} has warnings:\n${text.join('\n')}`);
  }
  return { name, outfile, bytes: statSync(outfile).size };
}

export async function build(): Promise<BuiltFunction[]> {
  return Promise.all(FUNCTION_NAMES.map((name) => buildFunction(name)));
}

if (require.main === module) {
  build().then(
    (built) => {
      for (const fn of built) {
        console.log(`built ${path.relative(PROJECT_ROOT, fn.outfile)} (${(fn.bytes / 1024).toFixed(0)} KiB)`);
      }
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
