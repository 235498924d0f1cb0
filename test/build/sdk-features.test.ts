/**
 * The lazy loading keeps every wx-server-sdk feature: wx-server-sdk bundled as our functions are
 * (deferred requires, split into index.js and index.extras.js) does what the SDK from node_modules does —
 * openapi, callFunction, database reads and writes, storage, logger, cloudPay, ai — with the same
 * results, the same output and byte-identical requests.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT, writeBundle } from '../../scripts/build';
import { EXTRAS_FILE, partFile } from '../../scripts/build/split-bundle';
import { GENERIC_TCB_ANSWER, startOpenapiResponder, type OpenapiResponder, type RecordedRequest } from './support/openapi-responder';
import { DETERMINISTIC, functionTestEnvironment, runNode, SDK_TOUR, SUPPORT_DIR, type NodeRun } from './support/processes';

interface TourStep {
  name: string;
  ok: boolean;
  value?: unknown;
  error?: string;
}

let workDir: string;
let bundledSdk: string;
let responder: OpenapiResponder;

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'sdk-features-'));
  responder = await startOpenapiResponder({ jsonAnswer: GENERIC_TCB_ANSWER });
  expect(await writeBundle(path.join(SUPPORT_DIR, 'sdk-entry.js'), path.join(workDir, 'sdk'))).toEqual([]);
  bundledSdk = path.join(workDir, 'sdk', 'index.js');
}, 120_000);

afterAll(async () => {
  await responder.close();
  rmSync(workDir, { recursive: true, force: true });
});

async function tour(sdkPath: string): Promise<{ run: NodeRun; steps: TourStep[]; requests: RecordedRequest[] }> {
  const before = responder.requests().length;
  const run = await runNode(['-r', DETERMINISTIC, SDK_TOUR, sdkPath], functionTestEnvironment('tour', responder.url), workDir);
  if (run.code !== 0) throw new Error(`tour of ${sdkPath} failed:\n${run.stderr}`);
  const steps = JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as TourStep[];
  return { run, steps, requests: responder.requests().slice(before) };
}

it('every SDK feature behaves, prints and sends exactly as the SDK from node_modules', async () => {
  const reference = await tour(path.join(PROJECT_ROOT, 'node_modules', 'wx-server-sdk'));
  const bundled = await tour(bundledSdk);

  // The tour itself reached the features (not a tour of failures).
  const succeeded = reference.steps.filter((step) => step.ok).map((step) => step.name);
  expect(succeeded).toEqual(
    expect.arrayContaining(['openapi', 'callFunction', 'database.get', 'database.add', 'database.command', 'getTempFileURL', 'deleteFile', 'logger', 'cloudPay', 'ai']),
  );
  expect(reference.requests.length).toBeGreaterThanOrEqual(7);

  expect(bundled.steps).toEqual(reference.steps);
  expect(bundled.run.stdout).toBe(reference.run.stdout);
  const comparable = (requests: RecordedRequest[]) => requests.map((request) => ({ ...request, body: request.body.toString('base64') }));
  expect(comparable(bundled.requests)).toEqual(comparable(reference.requests));
}, 60_000);

it('reaches database() from index.database.js alone, then callFunction, the storage calls and logger() from the extras file, without throwing at load', async () => {
  const script = `const cloud = require(${JSON.stringify(bundledSdk)});
    const read = () => ${JSON.stringify([partFile('database'), EXTRAS_FILE])}.filter((file) => Object.keys(require.cache).some((loaded) => loaded.endsWith(file)));
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
    const readAtInit = read();
    const db = cloud.database();
    const collection = [typeof db.collection, typeof db.collection('x').where({ a: db.command.gt(1) }).get, typeof db.serverDate];
    const readAfterDatabase = read();
    const reached = [typeof cloud.callFunction, typeof cloud.uploadFile, typeof cloud.getTempFileURL,
      typeof cloud.deleteFile, typeof cloud.downloadFile, typeof cloud.logger().info, typeof cloud.openapi.logistics.updatePrinter];
    process.stdout.write(JSON.stringify({ collection, reached, readAtInit, readAfterDatabase, readAfter: read() }) + '\\n');`;
  const run = await runNode(['-e', script], functionTestEnvironment('reach', responder.url), workDir);
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout.trim().split('\n').pop() ?? '')).toEqual({
    collection: Array(3).fill('function'),
    reached: Array(7).fill('function'),
    readAtInit: [],
    readAfterDatabase: [partFile('database')],
    readAfter: [partFile('database'), EXTRAS_FILE],
  });
}, 30_000);

it('@cloudbase/node-sdk: an app made by init() has the same surface, models built on first read', async () => {
  const entry = path.join(workDir, 'node-sdk-entry.js');
  const nodeSdk = path.join(PROJECT_ROOT, 'node_modules', '@cloudbase', 'node-sdk');
  writeFileSync(entry, `module.exports = require(${JSON.stringify(nodeSdk)});\n`);
  await writeBundle(entry, path.join(workDir, 'node-sdk'));
  const bundledNodeSdk = path.join(workDir, 'node-sdk', 'index.js');
  const surface = async (sdkPath: string) => {
    const script = `const tcb = require(${JSON.stringify(sdkPath)});
      const app = tcb.init({ env: 'env-1', secretId: 'id', secretKey: 'key' });
      const modelsBefore = Object.getOwnPropertyDescriptor(app, 'models');
      const client = app.models;
      const surface = { keys: Object.keys(app).sort(), models: typeof client, list: typeof client.orders.list,
        mysql: typeof app.mysql, rdb: typeof app.rdb, dataProperty: 'value' in Object.getOwnPropertyDescriptor(app, 'models'),
        sameClient: app.models === client, lazyBefore: modelsBefore !== undefined && !('value' in modelsBefore) };
      app.models = 'replaced';
      surface.replaced = app.models;
      process.stdout.write(JSON.stringify(surface) + '\\n');`;
    const run = await runNode(['-e', script], functionTestEnvironment('surface', responder.url), workDir);
    if (run.code !== 0) throw new Error(run.stderr);
    return JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;
  };
  const reference = await surface(nodeSdk);
  const bundled = await surface(bundledNodeSdk);
  expect(reference).toMatchObject({ models: 'object', list: 'function', dataProperty: true, sameClient: true, replaced: 'replaced', lazyBefore: false });
  // The only difference: before its first read, `models` is a getter.
  expect({ ...bundled, lazyBefore: false }).toEqual(reference);
  expect(bundled.lazyBefore).toBe(true);
}, 60_000);
