/**
 * The built folders: what they hold, that one copied alone runs, that the opt-in code cache is
 * used when valid and safely ignored otherwise, and that the transformations change no request
 * byte. Every function run is a fresh Node process, as in the cloud. No timing assertions (see
 * `npm run bench`).
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module = require('node:module');
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build, FUNCTION_NAMES, FUNCTIONS_DIR, warmUpEvent, writeBundle, type BuiltFunction } from '../../scripts/build';
import { BUNDLE_FILE, CACHE_FILE, cacheFileBytes, readCacheFile } from '../../scripts/build/code-cache';
import { EXTRAS_FILE, partFile } from '../../scripts/build/split-bundle';
import { startOpenapiResponder, type OpenapiResponder, type RecordedRequest } from './support/openapi-responder';
import { CALL_MAIN, DETERMINISTIC, functionTestEnvironment, lastJsonLine, runNode, type MainCall } from './support/processes';

const EVENTS: Record<string, unknown> = {
  updatePrinter: { openid: 'o-printer-1', updateType: 'bind' },
  bindAccount: { type: 'bind', bizId: 'biz-1', deliveryId: 'YUNDA', password: 'secret-pw' },
  getBindings: {},
};
const eventOf = (name: string) => EVENTS[name] ?? warmUpEvent(name);
const SUCCESS = { ok: true, errCode: 0, code: 'OK' };

let workDir: string;
let built: BuiltFunction[];
let responder: OpenapiResponder;

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'built-functions-'));
  responder = await startOpenapiResponder();
  built = await build({ outDir: path.join(workDir, 'built') });
  await build({ outDir: path.join(workDir, 'cached'), codeCache: { nodeBinary: process.execPath } });
}, 180_000);

afterAll(async () => {
  await responder.close();
  rmSync(workDir, { recursive: true, force: true });
});

/** Copies a built folder (and nothing else) to a new temp dir, as an upload would. */
function copyAlone(name: string, from: 'built' | 'cached', label: string): string {
  const dir = path.join(workDir, label, name);
  cpSync(path.join(workDir, from, name), dir, { recursive: true });
  return dir;
}

async function callMain(functionDir: string, name: string, options: { nodeArgs?: string[]; deterministic?: boolean } = {}): Promise<MainCall> {
  const args = [...(options.nodeArgs ?? []), ...(options.deterministic ? ['-r', DETERMINISTIC] : []), CALL_MAIN, path.join(functionDir, 'index.js'), JSON.stringify(eventOf(name))];
  return lastJsonLine<MainCall>(await runNode(args, functionTestEnvironment(name, responder.url), functionDir));
}

describe('the build', () => {
  it('builds every folder with a src/index.ts: index.js, the deferred files (database, extras), package.json without dependencies, config.json', () => {
    expect(built.map((fn) => fn.name).sort()).toEqual([...FUNCTION_NAMES].sort());
    expect(FUNCTION_NAMES).toEqual(expect.arrayContaining(['bindAccount', 'updatePrinter']));
    for (const { name, dir, warnings } of built) {
      expect(warnings).toEqual([]);
      expect(readdirSync(dir).sort()).toEqual(['config.json', 'index.js', partFile('database'), EXTRAS_FILE, 'package.json'].sort());
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      expect(pkg.dependencies).toBeUndefined();
      expect(pkg.main).toBe('index.js');
      expect(readFileSync(path.join(dir, 'config.json'), 'utf8')).toBe(readFileSync(path.join(FUNCTIONS_DIR, name, 'config.json'), 'utf8'));
    }
  });

  it('with the code cache: the same bundle in index.bundle.js (in Node\'s module wrapper), a loader as index.js, a cache made by this Node', () => {
    for (const name of FUNCTION_NAMES) {
      const dir = path.join(workDir, 'cached', name);
      expect(readdirSync(dir).sort()).toEqual(['config.json', 'index.js', BUNDLE_FILE, partFile('database'), EXTRAS_FILE, CACHE_FILE, 'package.json'].sort());
      const bundle = readFileSync(path.join(dir, BUNDLE_FILE), 'utf8');
      expect(bundle).toBe(`${Module.wrap(readFileSync(path.join(workDir, 'built', name, 'index.js'), 'utf8'))}\n`);
      const { header } = readCacheFile(readFileSync(path.join(dir, CACHE_FILE)));
      expect(header).toMatchObject({ node: process.version, v8: process.versions.v8, arch: process.arch, sourceSha256: createHash('sha256').update(bundle).digest('hex') });
      expect(readFileSync(path.join(dir, 'index.js'), 'utf8').split('\n').length).toBeLessThan(40);
    }
  });

  it.each(FUNCTION_NAMES)('%s: the folder copied alone (no node_modules) loads, exports main and answers without reading the extras', async (name) => {
    for (const from of ['built', 'cached'] as const) {
      const dir = copyAlone(name, from, `alone-${from}`);
      expect(existsSync(path.join(dir, '..', 'node_modules'))).toBe(false);
      const call = await callMain(dir, name);
      expect(call).toMatchObject({ outcome: from === 'built' ? 'no-loader' : 'accepted', exports: ['main'], result: SUCCESS });
      // The openapi call runs from index.js alone; its records (issue 21) load the database's part, and the other extras (storage, …) are never read.
      expect(call.loaded).toEqual(['index.js', partFile('database')]);
    }
  }, 30_000);
});

describe('the code cache loader', () => {
  const name: string = 'updatePrinter';

  it('without a cache file, compiles normally: same main, same answer', async () => {
    const dir = copyAlone(name, 'cached', 'absent');
    rmSync(path.join(dir, CACHE_FILE));
    expect(await callMain(dir, name)).toMatchObject({ outcome: 'absent', exports: ['main'], result: SUCCESS });
  }, 30_000);

  it('refuses a cache whose source hash differs (one byte of the source changed, same length) and compiles normally', async () => {
    const dir = copyAlone(name, 'cached', 'stale-source');
    const bundleFile = path.join(dir, BUNDLE_FILE);
    const text = readFileSync(bundleFile, 'utf8');
    // A harmless edit of the same length: V8 alone would not notice (it checks the length).
    const marker = 'extension before invoke';
    expect(text).toContain(marker);
    writeFileSync(bundleFile, text.replace(marker, 'EXTENSION before invoke'));
    expect(await callMain(dir, name)).toMatchObject({ outcome: 'stale-source', exports: ['main'], result: SUCCESS });
  }, 30_000);

  it('refuses a corrupt cache (one byte of the V8 data flipped) and compiles normally', async () => {
    const dir = copyAlone(name, 'cached', 'corrupt');
    const cacheFile = path.join(dir, CACHE_FILE);
    const bytes = readFileSync(cacheFile);
    const { data } = readCacheFile(bytes);
    const at = Math.floor(data.length / 2);
    data[at] = (data[at] as number) ^ 0xff; // data is a view of bytes
    writeFileSync(cacheFile, bytes);
    expect(await callMain(dir, name)).toMatchObject({ outcome: 'corrupt', exports: ['main'], result: SUCCESS });
  }, 30_000);

  it('treats garbage as a corrupt cache', async () => {
    const dir = copyAlone(name, 'cached', 'garbage');
    writeFileSync(path.join(dir, CACHE_FILE), 'not a cache');
    expect(await callMain(dir, name)).toMatchObject({ outcome: 'corrupt', exports: ['main'], result: SUCCESS });
  }, 30_000);

  it('does not offer V8 a cache made by another Node (as on a Node 16/18 runtime), and compiles normally', async () => {
    const dir = copyAlone(name, 'cached', 'other-runtime');
    const cacheFile = path.join(dir, CACHE_FILE);
    const { header, data } = readCacheFile(readFileSync(cacheFile));
    writeFileSync(cacheFile, cacheFileBytes({ ...header, node: 'v16.20.2', v8: '9.4.146.26-node.26' }, data));
    expect(await callMain(dir, name)).toMatchObject({ outcome: 'other-runtime', exports: ['main'], result: SUCCESS });
  }, 30_000);

  it('survives V8 refusing the cache (Node run with other V8 flags) and compiles normally', async () => {
    const dir = copyAlone(name, 'cached', 'rejected');
    const call = await callMain(dir, name, { nodeArgs: ['--max-old-space-size=512'] });
    expect(call).toMatchObject({ outcome: 'rejected', exports: ['main'], result: SUCCESS });
  }, 30_000);
});

describe('requests', () => {
  /** What the responder received during one run: everything but the port is compared. */
  async function requestsOf(run: () => Promise<unknown>): Promise<RecordedRequest[]> {
    const before = responder.requests().length;
    await run();
    return responder.requests().slice(before);
  }

  it.each(FUNCTION_NAMES)('%s: byte-identical from the plain esbuild bundle, the default build, and the code cache build with and without its cache', async (name) => {
    const plainDir = path.join(workDir, 'plain', name);
    await writeBundle(path.join(FUNCTIONS_DIR, name, 'src', 'index.ts'), plainDir, { lazyRequires: false });
    const withoutCache = copyAlone(name, 'cached', `no-cache-${name}`);
    rmSync(path.join(withoutCache, CACHE_FILE));

    const outcomes: string[] = [];
    const sent: RecordedRequest[][] = [];
    for (const dir of [plainDir, path.join(workDir, 'built', name), path.join(workDir, 'cached', name), withoutCache]) {
      sent.push(
        await requestsOf(async () => {
          const call = await callMain(dir, name, { deterministic: true });
          outcomes.push(call.outcome);
          expect(call.result).toMatchObject(SUCCESS);
        }),
      );
    }
    expect(outcomes).toEqual(['no-loader', 'no-loader', 'accepted', 'absent']);
    expect(sent[0]?.length).toBeGreaterThanOrEqual(1);
    // Concurrent requests (getBindings' reads, a bind's roster and history writes) go out in any
    // order, so they are compared as a set; and as the SDK numbers its requests as it sends them
    // (seqId in the URL, which the Authorization signature covers), those two are left out: every
    // other byte, body and headers, is compared.
    const unnumbered = (request: RecordedRequest) => ({
      ...request,
      url: request.url.replace(/([?&])seqId=[^&]*/, '$1seqId=N'),
      rawHeaders: request.rawHeaders.map((value) => value.replace(/Signature=[0-9a-f]+/, 'Signature=S')),
      body: request.body.toString('base64'),
    });
    const [plain, ...others] = sent.map((requests) => requests.map(unnumbered).sort((a, b) => (a.body < b.body ? -1 : a.body > b.body ? 1 : 0)));
    expect(plain!.every((request) => /seqId=N/.test(request.url))).toBe(true);
    for (const other of others) expect(other).toEqual(plain);
  }, 60_000);
});
