/**
 * The parts of `npm run check:wechat` and `npm run screenshots` that need neither their side
 * installs nor a browser: the WeUI → built-in component mapping, the skip/fail rule when no
 * browser is there, the pinned side installs, and that the committed screenshots cover every
 * page state and are shown in the README. (The checks themselves run in .ci/run, each with its
 * own self-test on broken input.)
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { builtinsFromWeui, mapSelector } from '../../scripts/browser/builtins-css';
import { PAGE_STATES } from '../page/support/page-states';

const REPO = path.resolve(__dirname, '../..');
const SCREENSHOTS = path.join(REPO, 'docs', 'screenshots');

describe('WeUI rules become the built-in components’ rules', () => {
  test.each([
    ['.weui-btn', 'wx-button'],
    ['.weui-btn_primary', 'wx-button[type="primary"]'],
    ['.weui-btn[disabled]', 'wx-button[disabled]'],
    ['.weui-btn_mini', 'wx-button[size="mini"]'],
    ['.weui-btn_loading .weui-loading', 'wx-button[loading]::before'],
    ['.weui-btn_loading.weui-btn_primary .weui-loading', 'wx-button[loading][type="primary"]::before'],
    ['.weui-input', 'wx-input'],
  ])('%s → %s', (weui, builtin) => {
    expect(mapSelector(weui)).toBe(builtin);
  });

  test.each(['.weui-btn + .weui-btn', '.weui-btn:active', 'button.weui-btn_mini', '.weui-cell .weui-input', '.weui-btn_xmini', '.weui-btn.weui-input'])(
    'not theirs alone: %s',
    (weui) => {
      expect(mapSelector(weui)).toBeUndefined();
    },
  );

  test('a stylesheet keeps the light theme variables and the mapped rules only', () => {
    const css = [
      '/*! WeUI */',
      '[data-weui-theme="light"],page{--weui-BRAND:#07c160;line-height:1.6}',
      '[data-weui-theme="dark"]{--weui-BRAND:#57be6a}',
      '.weui-btn{padding:12px 24px}',
      '.weui-btn_primary,.weui-btn_xmini{background-color:var(--weui-BRAND)}',
      '.weui-btn + .weui-btn{margin-top:16px}',
      '@media (prefers-color-scheme:dark){.weui-btn{color:#fff}}',
      ".weui-loading{background:url(\"data:image/svg+xml,%3Cg%3E%3CanimateTransform type='rotate'/%3E%3C/g%3E\")}",
    ].join('');
    expect(builtinsFromWeui(css).split('\n')).toEqual([
      'body{--weui-BRAND:#07c160}',
      'wx-button{padding:12px 24px}',
      'wx-button[type="primary"]{background-color:var(--weui-BRAND)}',
      'wx-button[loading]::before{background:url("data:image/svg+xml,%3Cg%3E%3C/g%3E")}',
    ]);
  });
});

describe('npm run screenshots without a browser', () => {
  const run = (ci: string | undefined) => {
    const env: NodeJS.ProcessEnv = { ...process.env, CHROME_PATH: path.join(REPO, 'no-such-browser') };
    delete env.CI;
    if (ci !== undefined) env.CI = ci;
    return spawnSync(process.execPath, [require.resolve('ts-node/dist/bin'), path.join(REPO, 'scripts/screenshots.ts')], { cwd: REPO, env, encoding: 'utf8' });
  };

  test('outside CI: says SKIPPED and why, exits 0', () => {
    const result = run(undefined);
    expect(result.stdout).toMatch(/^SKIPPED: .*no-such-browser, which does not exist/m);
    expect(result.status).toBe(0);
  });

  test('under CI=true: fails, saying why', () => {
    const result = run('true');
    expect(result.stderr).toMatch(/cannot run under CI: .*no-such-browser/);
    expect(result.stdout).not.toMatch(/SKIPPED/);
    expect(result.status).toBe(1);
  });
});

describe('the side installs stay pinned and out of the main npm install', () => {
  const main = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;

  test.each([
    ['scripts/wechat-ci', ['miniprogram-ci']],
    ['scripts/browser', ['puppeteer-core', 'weui-wxss']],
  ])('%s: exact versions, locked, none of them in the main package.json', (dir, packages) => {
    const own = JSON.parse(fs.readFileSync(path.join(REPO, dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const lock = JSON.parse(fs.readFileSync(path.join(REPO, dir, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string; dependencies?: Record<string, string> }>;
    };
    expect(Object.keys(own.dependencies).sort()).toEqual(packages);
    for (const [name, version] of Object.entries(own.dependencies)) {
      expect(version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(lock.packages[`node_modules/${name}`]?.version).toBe(version);
      expect(main.dependencies?.[name]).toBeUndefined();
      expect(main.devDependencies?.[name]).toBeUndefined();
    }
  });
});

describe('the committed screenshots', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(SCREENSHOTS, 'states.json'), 'utf8')) as {
    states: Array<{ name: string; caption: string; file: string }>;
  };
  const readme = fs.readFileSync(path.join(REPO, 'miniprogram', 'README.md'), 'utf8');

  test('are one per page state, in order, with its caption', () => {
    expect(manifest.states.map(({ name, caption }) => ({ name, caption }))).toEqual(PAGE_STATES.map(({ name, caption }) => ({ name, caption })));
  });

  test.each(PAGE_STATES.map((state) => [state.name]))('%s: a 375 px phone at device scale 2, shown in miniprogram/README.md', (name) => {
    const png = fs.readFileSync(path.join(SCREENSHOTS, `${name}.png`));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(750);
    expect(readme).toContain(`(../docs/screenshots/${name}.png)`);
  });

  test('no screenshot of a state that no longer exists', () => {
    const names = new Set(PAGE_STATES.map((state) => `${state.name}.png`));
    expect(fs.readdirSync(SCREENSHOTS).filter((file) => file.endsWith('.png') && !names.has(file))).toEqual([]);
  });
});
