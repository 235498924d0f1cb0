/**
 * The built folders: what they hold, that one copied alone runs, that the code cache is used when
 * valid and safely ignored otherwise, and that the transformations change no request byte.
 * Every function run is a fresh Node process, as in the cloud. No timing assertions (see `npm run bench`).
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build, FUNCTION_NAMES, FUNCTIONS_DIR, writeBundle, type BuiltFunction, type FunctionName } from '../../scripts/build';
import { CODE_CACHE_FILE, embeddedSource, type CodeCacheHeader } from '../../scripts/build/code-cache-loader';
import { functionTestEnvironment } from '../../scripts/build/make-code-cache';
import { EXTRAS_FILE } from '../../scripts/build/split-bundle';
import { startOpenapiResponder, type OpenapiResponder, type RecordedRequest } from '../../scripts/build/openapi-responder';
import { CALL_MAIN, DETERMINISTIC, lastJsonLine, runNode, type MainCall } from './support/processes';

const EVENTS: Record<FunctionName, unknown> = {
  updatePrinter: { openid: 'o-printer-1', updateType: 'bind' },
  bindAccount: { type: 'bind', bizId: 'biz-1', deliveryId: 'YUNDA', password: 'secret-pw' },
  getBindings: {},
};
/** Requests one call makes: getBindings reads its three parts. */
const REQUESTS_PER_CALL: Record<FunctionName, number> = { updatePrinter: 1, bindAccount: 1, getBindings: 3 };
const SUCCESS = { ok: true, errCode: 0, code: 'OK' };

let workDir: string;
let built: BuiltFunction[];
let responder: OpenapiResponder;

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'built-functions-'));
  responder = await startOpenapiResponder();
  built = await build({ outDir: path.join(workDir, 'built') });
}, 180_000);

afterAll(async () => {
  await responder.close();
  rmSync(workDir, { recursive: true, force: true });
});

/** Copies a built folder (and nothing else) to a new temp dir, as an upload would. */
function copyAlone(name: FunctionName, label: string): string {
  const dir = path.join(workDir, label, name);
  cpSync(path.join(workDir, 'built', name), dir, { recursive: true });
  return dir;
}

async function callMain(functionDir: string, name: FunctionName, options: { nodeArgs?: string[]; deterministic?: boolean } = {}): Promise<MainCall> {
  const args = [...(options.nodeArgs ?? []), ...(options.deterministic ? ['-r', DETERMINISTIC] : []), CALL_MAIN, path.join(functionDir, 'index.js'), JSON.stringify(EVENTS[name])];
  return lastJsonLine<MainCall>(await runNode(args, functionTestEnvironment(name, responder.url), functionDir));
}

function readHeader(cacheFile: string): { header: CodeCacheHeader; bytes: Buffer; newline: number } {
  const bytes = readFileSync(cacheFile);
  const newline = bytes.indexOf(10);
  return { header: JSON.parse(bytes.subarray(0, newline).toString('latin1')) as CodeCacheHeader, bytes, newline };
}

describe('the build', () => {
  it('produces every function folder: index.js, the code cache, the extras, package.json without dependencies, config.json', () => {
    expect(built.map((fn) => fn.name).sort()).toEqual([...FUNCTION_NAMES].sort());
    for (const name of FUNCTION_NAMES) {
      const dir = path.join(workDir, 'built', name);
      expect(readdirSync(dir).sort()).toEqual(['config.json', 'index.js', CODE_CACHE_FILE, EXTRAS_FILE, 'package.json'].sort());
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      expect(pkg.dependencies).toBeUndefined();
      expect(pkg.main).toBe('index.js');
      const { header } = readHeader(path.join(dir, CODE_CACHE_FILE));
      expect(header).toMatchObject({ node: process.version, v8: process.versions.v8, arch: process.arch });
    }
  });

  it.each(FUNCTION_NAMES)('%s: the folder copied alone (no node_modules) loads, exports main, uses its cache and answers', async (name) => {
    const dir = copyAlone(name, 'alone');
    expect(existsSync(path.join(dir, '..', 'node_modules'))).toBe(false);
    const call = await callMain(dir, name);
    expect(call.exports).toEqual(['main']);
    expect(call.outcome).toBe('accepted');
    expect(call.result).toMatchObject(SUCCESS);
    // The openapi call runs from index.js alone: the extras (database, storage, …) are never read.
    expect(call.loaded).toEqual(['index.js']);
  }, 30_000);
});

describe('the code cache loader', () => {
  const name: FunctionName = 'updatePrinter';

  it('without a cache file, compiles normally: same main, same answer', async () => {
    const dir = copyAlone(name, 'absent');
    rmSync(path.join(dir, CODE_CACHE_FILE));
    const call = await callMain(dir, name);
    expect(call).toMatchObject({ outcome: 'absent', exports: ['main'], result: SUCCESS });
  }, 30_000);

  it('rejects a cache whose source hash differs (one byte of the source flipped, same length) and compiles normally', async () => {
    const dir = copyAlone(name, 'stale-source');
    const indexJs = path.join(dir, 'index.js');
    const text = readFileSync(indexJs, 'latin1');
    const source = embeddedSource(text);
    // A harmless edit of the same length inside the bundle: V8 alone would not notice (it checks the length).
    const marker = 'extension before invoke';
    const at = text.indexOf(marker, text.length - source.length);
    expect(at).toBeGreaterThan(-1);
    writeFileSync(indexJs, `${text.slice(0, at)}EXTENSION before invoke${text.slice(at + marker.length)}`, 'latin1');
    expect(embeddedSource(readFileSync(indexJs, 'latin1'))).toHaveLength(source.length);
    const call = await callMain(dir, name);
    expect(call).toMatchObject({ outcome: 'stale-source', exports: ['main'], result: SUCCESS });
  }, 30_000);

  it('rejects a corrupt cache (one byte of the V8 data flipped) and compiles normally', async () => {
    const dir = copyAlone(name, 'corrupt');
    const cacheFile = path.join(dir, CODE_CACHE_FILE);
    const { bytes, newline } = readHeader(cacheFile);
    const at = newline + 1 + Math.floor((bytes.length - newline - 1) / 2);
    bytes[at] = (bytes[at] as number) ^ 0xff;
    writeFileSync(cacheFile, bytes);
    expect(await callMain(dir, name)).toMatchObject({ outcome: 'corrupt', exports: ['main'], result: SUCCESS });
  }, 30_000);

  it('treats garbage as a corrupt cache', async () => {
    const dir = copyAlone(name, 'garbage');
    writeFileSync(path.join(dir, CODE_CACHE_FILE), 'not a cache');
    expect(await callMain(dir, name)).toMatchObject({ outcome: 'corrupt', exports: ['main'], result: SUCCESS });
  }, 30_000);

  it('does not offer V8 a cache made by another Node (as on a Node 16/18 runtime), and compiles normally', async () => {
    const dir = copyAlone(name, 'other-runtime');
    const cacheFile = path.join(dir, CODE_CACHE_FILE);
    const { header, bytes, newline } = readHeader(cacheFile);
    const otherHeader = Buffer.from(JSON.stringify({ ...header, node: 'v16.20.2', v8: '9.4.146.26-node.26' }), 'latin1');
    writeFileSync(cacheFile, Buffer.concat([otherHeader, bytes.subarray(newline)]));
    expect(await callMain(dir, name)).toMatchObject({ outcome: 'other-runtime', exports: ['main'], result: SUCCESS });
  }, 30_000);

  it('survives V8 refusing the cache (Node run with other V8 flags) and compiles normally', async () => {
    const dir = copyAlone(name, 'rejected');
    const call = await callMain(dir, name, { nodeArgs: ['--max-old-space-size=512'] });
    expect(call).toMatchObject({ outcome: 'rejected', exports: ['main'], result: SUCCESS });
  }, 30_000);

  it('compiles exactly the embedded bundle: its text, the hash in the header', () => {
    const dir = path.join(workDir, 'built', name);
    const source = embeddedSource(readFileSync(path.join(dir, 'index.js'), 'latin1'));
    const { header } = readHeader(path.join(dir, CODE_CACHE_FILE));
    expect(header.sourceLength).toBe(source.length);
    expect(source.startsWith('(function (exports, require, module, __filename, __dirname) {"use strict";')).toBe(true);
    expect(source).not.toContain('*/');
    expect(/^[\x00-\x7f]*$/.test(source)).toBe(true);
  });
});

describe('requests', () => {
  /** What the responder received during one run: everything but the port is compared. */
  async function requestsOf(run: () => Promise<unknown>): Promise<RecordedRequest[]> {
    const before = responder.requests().length;
    await run();
    return responder.requests().slice(before);
  }

  it.each(FUNCTION_NAMES)('%s: byte-identical from the plain esbuild bundle, the optimised build with its cache, and without it', async (name) => {
    const plainDir = path.join(workDir, 'plain', name);
    await writeBundle(path.join(FUNCTIONS_DIR, name, 'src', 'index.ts'), plainDir, { lazyRequires: false, embed: false });
    const withoutCache = copyAlone(name, `no-cache-${name}`);
    rmSync(path.join(withoutCache, CODE_CACHE_FILE));

    const outcomes: string[] = [];
    const sent: RecordedRequest[][] = [];
    for (const dir of [plainDir, path.join(workDir, 'built', name), withoutCache]) {
      sent.push(
        await requestsOf(async () => {
          const call = await callMain(dir, name, { deterministic: true });
          outcomes.push(call.outcome);
          expect(call.result).toMatchObject(SUCCESS);
        }),
      );
    }
    expect(outcomes).toEqual(['no-loader', 'accepted', 'absent']);
    expect(sent[0]).toHaveLength(REQUESTS_PER_CALL[name]);
    // Concurrent reads may arrive in any order: compare them as a set.
    const [plain, ...others] = sent.map((requests) =>
      requests.map((request) => ({ ...request, body: request.body.toString('base64') })).sort((a, b) => (a.body < b.body ? -1 : a.body > b.body ? 1 : 0)),
    );
    for (const other of others) expect(other).toEqual(plain);
  }, 60_000);
});
