/**
 * npm run screenshots — the page in a real browser: every state of test/page/support/page-states.ts
 * photographed in headless Chromium at a 375 px wide phone viewport (device scale 2) into
 * docs/screenshots/<state>.png, and checked against the layout rules of scripts/browser/in-page.ts.
 *
 * 1. The states are rendered in miniprogram-simulate (the page's real code and WXML, compiled by
 *    wcc) by test/page/page-states.test.ts, which hands over each state's DOM.
 * 2. In Chromium each DOM gets the page's WXSS as the official wcsc compiles it (rpx scaled to the
 *    screen, `page` → body, `button` → wx-button), and WeChat's metrics for the built-in
 *    components from WeUI (scripts/browser/builtins-css.ts).
 * 3. The layout check runs on every state, and once on a page built to break each rule (it must
 *    find exactly those problems).
 *
 * Needs Chromium (CHROME_PATH, or chromium / chromium-browser / google-chrome on PATH) and CJK fonts
 * (fonts-noto-cjk). Without them it prints a line starting SKIPPED: and exits 0, except under
 * CI=true, where it fails. puppeteer-core and weui-wxss live in scripts/browser/ with their own
 * lock file, installed there on first use.
 *
 * It also writes docs/screenshots/states.json: per state, its caption and a digest of what was
 * photographed (the state's DOM and all the CSS). `--verify` (what .ci/run does) photographs into
 * a scratch folder instead and fails when the committed screenshots are not of the page as it
 * renders now: regenerate them in the same change as any page change.
 *
 *   npm run screenshots [-- --out <dir>]      (default: docs/screenshots)
 *   npm run screenshots -- --verify
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BROKEN_LAYOUT_EXPECTED, BROKEN_LAYOUT_HTML, LAYOUT_RULES, type LayoutReport, type LayoutRules } from './browser/layout-rules';
import { BUILTIN_GLUE, builtinsFromWeui } from './browser/builtins-css';
import { PAGE_STATES_TEST, runPageStates } from './page-states-run';
import { checkReport } from './check-report';
import { ensureSideInstall } from './side-install';
import { underCi, whatIsMissing } from './browser/chromium';
import { sheetsFor, type Sheet } from './browser/page-sheets';
import { PAGE_STATES } from '../test/page/support/page-states';

const REPO = path.resolve(__dirname, '..');
const SIDE_DIR = path.join(__dirname, 'browser');
const MINIPROGRAM_ROOT = path.join(REPO, 'miniprogram');
const DOCS_DIR = path.join(REPO, 'docs', 'screenshots');
const MANIFEST = 'states.json';
const VIEWPORT = { width: 375, height: 667, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

// The few puppeteer-core calls used, typed by hand so type-checking needs no side install.
interface BrowserPage {
  setViewport(viewport: typeof VIEWPORT): Promise<void>;
  setContent(html: string, options?: { waitUntil?: string }): Promise<void>;
  evaluate<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Promise<Awaited<R>>;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
}
interface Browser {
  newPage(): Promise<BrowserPage>;
  close(): Promise<void>;
  version(): Promise<string>;
}
interface Puppeteer {
  launch(options: { executablePath: string; headless: boolean; args: string[] }): Promise<Browser>;
}

/** What runs in the page (scripts/browser/in-page.ts: DOM code, type-checked on its own, so loaded here at run time). */
interface InPage {
  insertWxss(code: string, sheets: ReadonlyArray<{ file: string; prefix: string }>): Promise<void>;
  contentHeight(): number;
  fontsReady(): Promise<void>;
  layoutProblems(rules: LayoutRules): LayoutReport;
}
const { insertWxss, contentHeight, fontsReady, layoutProblems } = require(path.join(__dirname, 'browser', 'in-page')) as InPage;

/** Renders every state in miniprogram-simulate and collects its DOM as <state>.html. */
function snapshotStates(dir: string): void {
  const run = runPageStates({ PAGE_MINIPROGRAM_ROOT: '', PAGE_SNAPSHOT_DIR: dir });
  if (run.status !== 0) {
    console.error(`${run.stdout}${run.stderr}`);
    throw new Error(`rendering the page states failed (${PAGE_STATES_TEST})`);
  }
}

/** wcsc's output for the mini program: a function that returns, per WXSS file, a function that puts it in the document. */
function compiledWxss(): string {
  const { wxssToJs } = require('miniprogram-compiler') as { wxssToJs(root: string): string };
  return wxssToJs(MINIPROGRAM_ROOT);
}

function documentFor(body: string, builtinsCss: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${BUILTIN_GLUE}\n${builtinsCss}</style></head><body>${body}</body></html>`;
}

async function applyWxss(page: BrowserPage, wcsc: string, sheets: readonly Sheet[]): Promise<void> {
  await page.evaluate(insertWxss, wcsc, sheets);
}

/** Grows the viewport to the whole page, so every part of it can be photographed and hit-tested. */
async function fitToContent(page: BrowserPage): Promise<void> {
  const height = await page.evaluate(contentHeight);
  await page.setViewport({ ...VIEWPORT, height: Math.max(VIEWPORT.height, height) });
}

export interface ManifestEntry {
  readonly name: string;
  readonly caption: string;
  readonly file: string;
  /** sha256 of the state's DOM and every stylesheet it was shown with. */
  readonly source: string;
}

interface Manifest {
  readonly about: string;
  readonly viewport: typeof VIEWPORT;
  readonly states: readonly ManifestEntry[];
}

function readManifest(dir: string): Manifest | undefined {
  const file = path.join(dir, MANIFEST);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest) : undefined;
}

/** What differs between the committed screenshots and the page as it renders now. */
function staleness(committed: Manifest | undefined, now: Manifest): string[] {
  if (!committed) return [`${path.relative(REPO, DOCS_DIR)}/${MANIFEST} is missing`];
  const problems: string[] = [];
  const before = new Map(committed.states.map((entry) => [entry.name, entry]));
  for (const entry of now.states) {
    const old = before.get(entry.name);
    if (!old) problems.push(`${entry.name}: no committed screenshot`);
    else if (old.source !== entry.source) problems.push(`${entry.name}: the page renders differently now`);
    else if (old.caption !== entry.caption) problems.push(`${entry.name}: its caption changed`);
    else if (!fs.existsSync(path.join(DOCS_DIR, entry.file))) problems.push(`${entry.name}: ${entry.file} is missing`);
    before.delete(entry.name);
  }
  for (const name of before.keys()) problems.push(`${name}: a committed screenshot of a state that no longer exists`);
  if (JSON.stringify(committed.viewport) !== JSON.stringify(now.viewport)) problems.push('the viewport changed');
  return problems;
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const started = Date.now();
  const { browser: executablePath, missing } = whatIsMissing();
  if (missing || !executablePath) {
    if (underCi()) {
      console.error(`screenshots: cannot run under CI: ${missing}`);
      process.exitCode = 1;
    } else {
      console.log(`SKIPPED: the browser check (npm run screenshots) cannot run here: ${missing}`);
    }
    return;
  }
  const verify = process.argv.includes('--verify');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'screenshots-'));
  const outDir = verify ? path.join(scratch, 'png') : path.resolve(argument('--out') ?? DOCS_DIR);
  ensureSideInstall(SIDE_DIR);
  const puppeteer = require(path.join(SIDE_DIR, 'node_modules', 'puppeteer-core')) as Puppeteer;
  const weui = fs.readFileSync(path.join(SIDE_DIR, 'node_modules', 'weui-wxss', 'dist', 'style', 'weui.wxss'), 'utf8');
  const builtinsCss = builtinsFromWeui(weui);

  const { report, finish } = checkReport('screenshots', started);

  let browser: Browser | undefined;
  try {
    snapshotStates(scratch);
    const wcsc = compiledWxss();
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      // Root in CI has no user namespace for Chromium's sandbox; the page is our own static HTML.
      args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none', '--hide-scrollbars'],
    });
    console.log(`screenshots: ${await browser.version()} at ${VIEWPORT.width} px, device scale ${VIEWPORT.deviceScaleFactor}, into ${path.relative(process.cwd(), outDir) || outDir}`);
    const page = await browser.newPage();
    fs.mkdirSync(outDir, { recursive: true });
    const styles = `${BUILTIN_GLUE}\n${builtinsCss}\n${wcsc}`;
    const entries: ManifestEntry[] = [];

    for (const state of PAGE_STATES) {
      const body = fs.readFileSync(path.join(scratch, `${state.name}.html`), 'utf8');
      const pageName = state.page ?? (JSON.parse(fs.readFileSync(path.join(MINIPROGRAM_ROOT, 'app.json'), 'utf8')) as { pages: string[] }).pages[0];
      await page.setViewport(VIEWPORT);
      await page.setContent(documentFor(body, builtinsCss), { waitUntil: 'load' });
      await applyWxss(page, wcsc, sheetsFor(MINIPROGRAM_ROOT, pageName ?? ''));
      await fitToContent(page);
      const file = path.join(outDir, `${state.name}.png`);
      await page.screenshot({ path: file });
      entries.push({ name: state.name, caption: state.caption, file: `${state.name}.png`, source: createHash('sha256').update(`${body}\n${styles}`).digest('hex') });
      const layout: LayoutReport = await page.evaluate(layoutProblems, LAYOUT_RULES);
      report(layout.problems.length === 0, `${state.name}: ${layout.problems.length === 0 ? 'layout holds' : `${layout.problems.length} layout problem(s)`} (${layout.buttons} buttons, ${layout.texts} texts) → ${file.startsWith(REPO) ? path.relative(REPO, file) : file}`, layout.problems);
    }

    // The check itself: a page that breaks each rule once must give exactly those problems.
    await page.setViewport(VIEWPORT);
    await page.setContent(documentFor(BROKEN_LAYOUT_HTML, builtinsCss), { waitUntil: 'load' });
    await page.evaluate(fontsReady);
    const broken: LayoutReport = await page.evaluate(layoutProblems, LAYOUT_RULES);
    const found = broken.problems.map((problem) => problem.split(':')[0] ?? '').sort();
    const expected = [...BROKEN_LAYOUT_EXPECTED].sort();
    const same = JSON.stringify(found) === JSON.stringify(expected);
    report(same, `the layout check finds each broken rule of a page made to break them: ${same ? 'it does' : `expected ${expected.join(', ')}`}`, same ? [] : broken.problems);

    const manifest: Manifest = {
      about: 'Written by npm run screenshots: per page state, its screenshot and a digest of its DOM and styles (npm run screenshots -- --verify compares them).',
      viewport: VIEWPORT,
      states: entries,
    };
    fs.writeFileSync(path.join(outDir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    if (verify) {
      const stale = staleness(readManifest(DOCS_DIR), manifest);
      report(
        stale.length === 0,
        stale.length === 0
          ? `the committed ${path.relative(REPO, DOCS_DIR)} show every state as the page renders now`
          : `the committed ${path.relative(REPO, DOCS_DIR)} are out of date: run npm run screenshots and commit them`,
        stale,
      );
    }
  } finally {
    await browser?.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  finish();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
