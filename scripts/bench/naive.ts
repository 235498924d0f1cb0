/**
 * The function the WeChat docs show (require wx-server-sdk, init, call, return the error as the
 * answer), generated into a folder beside a `node_modules` symlink to the project's node_modules:
 * Node resolves and loads wx-server-sdk and its dependencies file by file, as in a function
 * uploaded with its node_modules (the same files: package.json pins wx-server-sdk 4.0.2).
 * And the size of what that function deploys: its file plus wx-server-sdk's dependency closure.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** The functions whose APIs the docs show a naive function for (getBindings: the docs' three reads together). */
export const NAIVE_APIS = ['updatePrinter', 'bindAccount', 'getBindings'] as const;
export type NaiveApi = (typeof NAIVE_APIS)[number];

/** The docs' function, verbatim but for the params it takes from the event (a fresh bizId per run). */
function naiveSource(api: NaiveApi): string {
  // getBindings: the docs' shape for each of the three reads, made together.
  if (api === 'getBindings') {
    return `const cloud = require('wx-server-sdk')
cloud.init()
exports.main = async (event, context) => {
  try {
    const [accounts, printers, carriers] = await Promise.all([
      cloud.openapi.logistics.getAllAccount({}),
      cloud.openapi.logistics.getPrinter({}),
      cloud.openapi.logistics.getAllDelivery({}),
    ])
    return { accounts, printers, carriers }
  } catch (err) {
    return err
  }
}
`;
  }
  const params =
    api === 'updatePrinter'
      ? "{ openid: event.openid, updateType: 'bind' }"
      : "{ type: 'bind', bizId: event.bizId, deliveryId: event.deliveryId }";
  return `const cloud = require('wx-server-sdk')
cloud.init()
exports.main = async (event, context) => {
  try {
    const result = await cloud.openapi.logistics.${api}(${params})
    return result
  } catch (err) {
    return err
  }
}
`;
}

/** Writes <parentDir>/<api>/index.js with a node_modules symlink; returns the folder. */
export function writeNaiveFunction(parentDir: string, api: NaiveApi, projectNodeModules: string): string {
  const dir = path.join(parentDir, api);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'index.js'), naiveSource(api));
  symlinkSync(projectNodeModules, path.join(dir, 'node_modules'), 'dir');
  return dir;
}

export interface FolderSize {
  files: number;
  bytes: number;
  packages?: number;
}

/** Files and bytes below `dir`, not following symlinks, skipping `skip` folder names. */
export function folderSize(dir: string, skip: ReadonlySet<string> = new Set()): FolderSize {
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = folderSize(full, skip);
      files += inner.files;
      bytes += inner.bytes;
    } else if (entry.isFile()) {
      files += 1;
      bytes += statSync(full).size;
    }
  }
  return { files, bytes };
}

/** Where Node would find package `name` required from inside `fromDir` (a package folder). */
function resolvePackageDir(name: string, fromDir: string, root: string): string | undefined {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    try {
      if (statSync(path.join(candidate, 'package.json')).isFile()) return candidate;
    } catch {
      // keep climbing
    }
    if (dir === root || dir === path.dirname(dir)) return undefined;
  }
}

/**
 * The packages an `npm install wx-server-sdk` would deploy: wx-server-sdk and, recursively, its
 * dependencies (and optional ones present), each package folder counted without its own node_modules.
 */
export function dependencyClosureSize(projectRoot: string, rootPackage: string): FolderSize {
  const seen = new Set<string>();
  const queue: string[] = [];
  const start = resolvePackageDir(rootPackage, projectRoot, projectRoot);
  if (start === undefined) throw new Error(`${rootPackage} is not installed`);
  queue.push(start);
  while (queue.length > 0) {
    const dir = queue.pop() as string;
    if (seen.has(dir)) continue;
    seen.add(dir);
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
      const found = resolvePackageDir(name, dir, projectRoot);
      if (found !== undefined) queue.push(found);
    }
  }
  let files = 0;
  let bytes = 0;
  for (const dir of seen) {
    const size = folderSize(dir, new Set(['node_modules']));
    files += size.files;
    bytes += size.bytes;
  }
  return { files, bytes, packages: seen.size };
}
