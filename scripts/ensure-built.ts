/**
 * The built functions (cloudfunctions/<name>/, from scripts/build.ts), rebuilt only when a source
 * is newer. Jest workers and scripts may ask at the same moment, so a build holds a lock
 * directory: no one reads an index.js that another process is half-way through writing.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build, FUNCTION_NAMES, FUNCTIONS_DIR, PROJECT_ROOT } from './build';
import { EXTRAS_FILE, partFile } from './build/split-bundle';
import { SDK_PATCHES } from './build/sdk-patches';

export { FUNCTION_NAMES, FUNCTIONS_DIR };

/** The folder to hand the invoker for a built function. */
export function builtFunctionDir(name: string): string {
  return path.join(FUNCTIONS_DIR, name);
}

const LOCK_DIR = path.join(tmpdir(), `wx-logistics-build-${createHash('sha1').update(PROJECT_ROOT).digest('hex').slice(0, 12)}.lock`);
/** A lock older than this was left by a build that died. */
const STALE_LOCK_MS = 120_000;

function newestMtime(target: string): number {
  let stat;
  try {
    stat = statSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(target).reduce((newest, entry) => Math.max(newest, newestMtime(path.join(target, entry))), stat.mtimeMs);
}

/** Everything a build reads: the shared code the functions bundle, the build itself, the lock file, each function's source. */
const BUILD_INPUTS = ['core', path.join('miniprogram', 'shared'), path.join('scripts', 'build.ts'), path.join('scripts', 'build'), 'package-lock.json'];

/** What a default build writes into each function's folder: index.js and its deferred files. */
export const BUILT_FILES = ['index.js', EXTRAS_FILE, ...new Set(SDK_PATCHES.flatMap((patch) => Object.values(patch.parts ?? {}).map(partFile)))];

/** True when some built file (index.js, or a deferred file beside it) is missing or older than what it is built from. */
export function buildIsStale(): boolean {
  const sources = Math.max(
    ...BUILD_INPUTS.map((input) => newestMtime(path.join(PROJECT_ROOT, input))),
    ...FUNCTION_NAMES.map((name) => newestMtime(path.join(FUNCTIONS_DIR, name, 'src'))),
  );
  return FUNCTION_NAMES.some((name) => {
    const built = Math.min(...BUILT_FILES.map((file) => newestMtime(path.join(FUNCTIONS_DIR, name, file))));
    return built === 0 || built < sources;
  });
}

function tryLock(): boolean {
  try {
    mkdirSync(LOCK_DIR);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (Date.now() - newestMtime(LOCK_DIR) > STALE_LOCK_MS) rmSync(LOCK_DIR, { recursive: true, force: true });
    return false;
  }
}

/** Builds every function if (and only if) the build is stale. Checks under the lock too, since a
 * half-written index.js already has a fresh mtime. */
export async function ensureBuilt(): Promise<void> {
  while (!tryLock()) await new Promise((resolve) => setTimeout(resolve, 100));
  try {
    if (buildIsStale()) await build();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}
