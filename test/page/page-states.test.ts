/**
 * Every state of page-states.ts renders and shows what it should. In `npm test` the page is the
 * TypeScript source; `npm run check:wechat` runs this same file on the package WeChat's own
 * compiler made (PAGE_MINIPROGRAM_ROOT), so a module missing from that package, or a difference
 * between DevTools' babel output and tsc, fails here. `npm run screenshots` runs it with
 * PAGE_SNAPSHOT_DIR to collect each state's DOM for the browser.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PAGE_STATES } from './support/page-states';
import { pageOf, renderState, SOURCE_ROOT } from './support/state-driver';

const root = path.resolve(process.env.PAGE_MINIPROGRAM_ROOT || SOURCE_ROOT);
const compiled = root !== SOURCE_ROOT;
const snapshotDir = process.env.PAGE_SNAPSHOT_DIR;

describe(`the page's states, rendered from ${compiled ? `the compiled package ${root}` : 'the TypeScript source'}`, () => {
  test('state names are unique and safe as file names', () => {
    const names = PAGE_STATES.map((state) => state.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  if (compiled) {
    test('the package is what a compiler made: JavaScript beside every page, no TypeScript', () => {
      expect((fs.readdirSync(root, { recursive: true }) as string[]).filter((file) => file.endsWith('.ts'))).toEqual([]);
      for (const state of PAGE_STATES) expect(fs.existsSync(path.join(root, `${pageOf(root, state)}.js`))).toBe(true);
    });
  }

  test('the app script loads and starts wx.cloud', () => {
    let app: { onLaunch?(): void } | undefined;
    (globalThis as unknown as { App: (options: object) => void }).App = (options) => {
      app = options;
    };
    const inits: unknown[] = [];
    const wx = (globalThis as unknown as { wx: Record<string, unknown> }).wx;
    wx.cloud = { init: (options: unknown) => inits.push(options) };
    jest.isolateModules(() => {
      require(path.join(root, 'app'));
    });
    expect(app?.onLaunch).toEqual(expect.any(Function));
    app?.onLaunch?.();
    expect(inits).toEqual([expect.objectContaining({ env: expect.any(String) })]);
  });

  test.each(PAGE_STATES.map((state) => [state.name, state] as const))('%s', async (_name, state) => {
    const rendered = await renderState(state, root);
    expect(rendered.unexpectedCalls).toEqual([]);
    // Every function the state answers for was called: the steps reached the cloud.
    expect([...new Set(rendered.calls.map((call) => call.name))].sort()).toEqual(Object.keys(state.answers).sort());
    const text = rendered.text();
    for (const shown of state.shows) expect(text).toContain(shown);
    if (snapshotDir) fs.writeFileSync(path.join(snapshotDir, `${state.name}.html`), rendered.snapshotHtml());
  });
});
