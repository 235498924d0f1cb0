/**
 * The function the WeChat docs show (require wx-server-sdk, init, call, return the error as the
 * answer), generated into a folder beside a `node_modules` symlink to the project's node_modules:
 * Node resolves and loads wx-server-sdk and its dependencies file by file, as in a function
 * uploaded with its node_modules (the same files: package.json pins wx-server-sdk 4.0.2).
 * And the size of what that function deploys: its file plus wx-server-sdk's dependency closure.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import Module = require('node:module');
import * as path from 'node:path';

/** The functions whose APIs the docs show a naive function for (getBindings: the docs' three reads together). */
export const NAIVE_APIS = ['updatePrinter', 'bindAccount', 'getBindings'] as const;
export type NaiveApi = (typeof NAIVE_APIS)[number];

/** The docs' function, verbatim but for the params it takes from the event (a fresh bizId per run). */
function naiveSource(api: NaiveApi): string {
  const calls: Record<NaiveApi, string> = {
    updatePrinter: "const result = await cloud.openapi.logistics.updatePrinter({ openid: event.openid, updateType: 'bind' })",
    bindAccount: "const result = await cloud.openapi.logistics.bindAccount({ type: 'bind', bizId: event.bizId, deliveryId: event.deliveryId })",
    // getBindings: the docs' shape for each of the three reads, made together.
    getBindings: `const [accounts, printers, carriers] = await Promise.all([
      cloud.openapi.logistics.getAllAccount({}),
      cloud.openapi.logistics.getPrinter({}),
      cloud.openapi.logistics.getAllDelivery({}),
    ])
    const result = { accounts, printers, carriers }`,
  };
  return `const cloud = require('wx-server-sdk')
cloud.init()
exports.main = async (event, context) => {
  try {
    ${calls[api]}
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

/** Files and bytes below `dir`, not following symlinks, skipping folders named `skip`. */
export function folderSize(dir: string, skip?: string): { files: number; bytes: number } {
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((file) => skip === undefined || !file.split(path.sep).includes(skip));
  const stats = files.map((file) => lstatSync(path.join(dir, file))).filter((stat) => stat.isFile());
  return { files: stats.length, bytes: stats.reduce((sum, stat) => sum + stat.size, 0) };
}

/**
 * What an `npm install wx-server-sdk` would deploy: wx-server-sdk and, recursively, its (and
 * present optional) dependencies, found as Node finds them, each folder counted without its own
 * node_modules.
 */
export function dependencyClosureSize(projectRoot: string, rootPackage: string): { packages: number; files: number; bytes: number } {
  const find = (name: string, fromDir: string) =>
    (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(fromDir).map((dir) => path.join(dir, name)).find((dir) => existsSync(path.join(dir, 'package.json')));
  const seen = new Set<string>();
  const queue = [find(rootPackage, projectRoot)];
  for (let dir = queue.pop(); dir !== undefined || queue.length > 0; dir = queue.pop()) {
    if (dir === undefined || seen.has(dir)) continue;
    seen.add(dir);
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies?: object; optionalDependencies?: object };
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) queue.push(find(name, dir));
  }
  const sizes = [...seen].map((dir) => folderSize(dir, 'node_modules'));
  return { packages: seen.size, files: sizes.reduce((sum, size) => sum + size.files, 0), bytes: sizes.reduce((sum, size) => sum + size.bytes, 0) };
}
