/**
 * What the browser gets for `npm run dev`, made in Node from the project's files on every request
 * (so an edit is picked up on reload), never read from a path the browser names:
 *
 * - the mini program for miniprogram-simulate's browser mode (window.__FILE_MAP__): each page's
 *   JSON, its WXML compiled by the official wcc (the generator function simulate takes in a
 *   browser, as in its karma setup), its code bundled by esbuild, and app.ts;
 * - the WXSS as the official wcsc compiles it, and the built-in components' CSS from WeUI, as the
 *   screenshots show them (scripts/browser/);
 * - the dev console's and the phone's own scripts (scripts/dev/browser/), bundled by esbuild.
 */
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';
import { BUILTIN_GLUE, builtinsFromWeui } from '../browser/builtins-css';
import { sheetsFor, type Sheet } from '../browser/page-sheets';
import { ensureSideInstall } from '../side-install';

const REPO = path.resolve(__dirname, '..', '..');
export const MINIPROGRAM_ROOT = path.join(REPO, 'miniprogram');
const SIDE_DIR = path.join(REPO, 'scripts', 'browser');
const BROWSER_DIR = path.join(__dirname, 'browser');

/** The phone's first page, its title and whether it may be pulled down, from app.json and its JSON. */
export interface PageInfo {
  readonly page: string;
  readonly title: string;
  readonly pullDownRefresh: boolean;
  readonly sheets: readonly Sheet[];
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

function pages(): string[] {
  const listed = readJson(path.join(MINIPROGRAM_ROOT, 'app.json')).pages;
  if (!Array.isArray(listed) || listed.length === 0) throw new Error('miniprogram/app.json lists no pages');
  return listed.map(String);
}

export function pageInfo(): PageInfo {
  const page = pages()[0]!;
  const json = readJson(path.join(MINIPROGRAM_ROOT, `${page}.json`));
  return {
    page,
    title: typeof json.navigationBarTitleText === 'string' ? json.navigationBarTitleText : '',
    pullDownRefresh: json.enablePullDownRefresh === true,
    sheets: sheetsFor(MINIPROGRAM_ROOT, page),
  };
}

async function bundle(entry: string, format: 'cjs' | 'iife'): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format,
    platform: 'browser',
    target: 'es2020',
    charset: 'utf8',
    logLevel: 'silent',
    absWorkingDir: REPO,
  });
  return result.outputFiles[0]!.text;
}

/**
 * A script filling window.__FILE_MAP__ for every page (JSON text, wcc's generator, bundled code)
 * and defining window.__DEV_APP__ (app.ts, run by the phone with an App() of its own).
 */
export async function miniprogramScript(): Promise<string> {
  const { wxmlToJs } = require('miniprogram-compiler') as { wxmlToJs(root: string): string };
  const wcc = wxmlToJs(MINIPROGRAM_ROOT);
  const entries: string[] = [];
  for (const page of pages()) {
    const code = await bundle(path.join(MINIPROGRAM_ROOT, `${page}.ts`), 'cjs');
    entries.push(`map[${JSON.stringify(`${page}.json`)}] = ${JSON.stringify(fs.readFileSync(path.join(MINIPROGRAM_ROOT, `${page}.json`), 'utf8'))};`);
    entries.push(`map[${JSON.stringify(`${page}.wxml`)}] = gwx(${JSON.stringify(`${page}.wxml`)});`);
    entries.push(`map[${JSON.stringify(`${page}.js`)}] = ${JSON.stringify(code)};`);
  }
  const app = await bundle(path.join(MINIPROGRAM_ROOT, 'app.ts'), 'cjs');
  return [
    // What simulate sets before it runs wcc's output (src/index.js).
    'window.__webview_engine_version__ = 0.02;',
    '(function () {',
    `  var gwx = (function () {\n${wcc}\n})();`,
    '  var map = window.__FILE_MAP__ = window.__FILE_MAP__ || {};',
    ...entries.map((line) => `  ${line}`),
    `  window.__DEV_APP__ = ${JSON.stringify(app)};`,
    '})();',
  ].join('\n');
}

/** wcsc's output, for scripts/browser/in-page.ts insertWxss. */
export function wxssScript(): string {
  const { wxssToJs } = require('miniprogram-compiler') as { wxssToJs(root: string): string };
  return `window.__DEV_WCSC__ = ${JSON.stringify(wxssToJs(MINIPROGRAM_ROOT))};`;
}

/** The built-in components' CSS (WeUI's metrics, as in the screenshots). */
export function builtinsCss(): string {
  ensureSideInstall(SIDE_DIR);
  const weui = fs.readFileSync(path.join(SIDE_DIR, 'node_modules', 'weui-wxss', 'dist', 'style', 'weui.wxss'), 'utf8');
  return `${BUILTIN_GLUE}\n${builtinsFromWeui(weui)}`;
}

/** miniprogram-simulate's browser build (window.simulate). */
export function simulateScript(): string {
  return fs.readFileSync(require.resolve('miniprogram-simulate/build.js'), 'utf8');
}

/** The dev console's or the phone's own script. */
export function browserScript(name: 'console' | 'phone'): Promise<string> {
  return bundle(path.join(BROWSER_DIR, `${name}.ts`), 'iife');
}

/** The console's and the phone's stylesheets. */
export function browserCss(name: 'console' | 'phone'): string {
  return fs.readFileSync(path.join(BROWSER_DIR, `${name}.css`), 'utf8');
}
