// Runs in the browser: type-checked on its own with the DOM's types (scripts/browser/tsconfig.json),
// and loaded by screenshots.ts at run time, so the Node code's type check never sees the DOM.
import type { LayoutReport, LayoutRules } from './layout-rules';
/**
 * What runs inside the page: putting the page's compiled WXSS in, and the layout check.
 *
 * The layout rules every page state must keep on a 375 px wide phone, checked in the browser on
 * the laid-out page (so real fonts, real line breaks):
 *
 * - nothing is wider than the viewport (no sideways scrolling, no element and no line of text
 *   past either edge; what an ancestor clips, like an input's long value, does not count);
 * - no text overlaps other text (the line boxes of different text nodes do not intersect);
 * - every button is visible with a tap target at least 44 px high, a secondary `size="mini"`
 *   one at least 28 px, counting only the part a finger reaches (not under anything else).
 *
 * Each function here is sent to the page as its source text (puppeteer's evaluate), so it uses
 * nothing from outside its own body. Each problem starts with its rule's name, so the self-test
 * can count them.
 */

/**
 * Runs wcsc's output (a function body returning, per WXSS file, a function that puts that file
 * in the document with rpx scaled to this screen) and inserts the given sheets, each with the
 * class prefix j-component gave its component standing in for wcsc's suffix marks.
 */
export async function insertWxss(code: string, sheets: ReadonlyArray<{ file: string; prefix: string }>): Promise<void> {
  const styleOf = new Function(code)() as (file: string) => ((suffix: string) => void) | undefined;
  for (const { file, prefix } of sheets) {
    const insert = styleOf(file);
    if (!insert) throw new Error(`wcsc compiled no ${file}`);
    insert(prefix);
  }
  await document.fonts.ready;
}

/** The laid-out page's full height. */
export function contentHeight(): number {
  return Math.ceil(document.documentElement.scrollHeight);
}

export async function fontsReady(): Promise<void> {
  await document.fonts.ready;
}

export function layoutProblems(rules: LayoutRules): LayoutReport {
  const problems: string[] = [];
  const width = document.documentElement.clientWidth;
  const slack = 0.5;
  const px = (n: number) => `${Math.round(n * 10) / 10}px`;
  const name = (element: Element) => {
    const id = element.id ? `#${element.id}` : '';
    const cls = typeof element.className === 'string' && element.className ? `.${element.className.split(/\s+/)[0]}` : '';
    const text = (element.textContent ?? '').trim().replace(/\s+/g, ' ');
    return `<${element.tagName.toLowerCase()}${id}${cls}>${text ? ` "${text.length > 24 ? `${text.slice(0, 24)}…` : text}"` : ''}`;
  };
  // What of a box can be seen: ancestors that clip their overflow (an input's one line) cut it.
  const visible = (element: Element, box: DOMRect) => {
    let left = box.left;
    let right = box.right;
    let top = box.top;
    let bottom = box.bottom;
    for (let outer = element.parentElement; outer; outer = outer.parentElement) {
      const style = getComputedStyle(outer);
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
      const clip = outer.getBoundingClientRect();
      if (style.overflowX !== 'visible') {
        left = Math.max(left, clip.left);
        right = Math.min(right, clip.right);
      }
      if (style.overflowY !== 'visible') {
        top = Math.max(top, clip.top);
        bottom = Math.min(bottom, clip.bottom);
      }
    }
    return { left, right, top, bottom };
  };
  const shown = (element: Element) => {
    const style = getComputedStyle(element);
    return style.display !== 'none' && style.visibility !== 'hidden' && Number(style.opacity) > 0;
  };

  // Wider than the viewport: report the outermost element only.
  if (document.documentElement.scrollWidth > width + slack) {
    problems.push(`too wide: the page is ${px(document.documentElement.scrollWidth)} wide in a ${px(width)} viewport`);
  }
  const reported: Element[] = [];
  for (const element of Array.from(document.body.querySelectorAll('*'))) {
    const whole = element.getBoundingClientRect();
    if (whole.width === 0 && whole.height === 0) continue;
    const box = visible(element, whole);
    if (box.right <= box.left || (box.left >= -slack && box.right <= width + slack)) continue;
    if (reported.some((outer) => outer.contains(element))) continue;
    reported.push(element);
    problems.push(`too wide: ${name(element)} spans ${px(box.left)}…${px(box.right)} in a ${px(width)} viewport`);
  }

  // Text past the edge (a block can stay in, its text stick out), and text on text: the line
  // boxes of different text nodes.
  const words = (t: Text) => `"${t.data.trim().replace(/\s+/g, ' ').slice(0, 16)}"`;
  const lines: Array<{ node: number; box: { left: number; right: number; top: number; bottom: number } }> = [];
  const nodes: Text[] = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node as Text;
    const parent = text.parentElement;
    if (!text.data.trim() || !parent || !shown(parent)) continue;
    nodes.push(text);
    const range = document.createRange();
    range.selectNodeContents(text);
    let outside: { left: number; right: number } | undefined;
    for (const line of Array.from(range.getClientRects())) {
      const box = visible(parent, line);
      if (box.right - box.left <= 0 || box.bottom - box.top <= 0) continue;
      lines.push({ node: nodes.length - 1, box });
      if (box.left < -slack || box.right > width + slack) outside = box;
    }
    if (outside && !reported.some((outer) => outer.contains(parent))) {
      problems.push(`too wide: the text ${words(text)} of ${name(parent)} spans ${px(outside.left)}…${px(outside.right)} in a ${px(width)} viewport`);
    }
  }
  const overlapping = new Set<string>();
  for (let i = 0; i < lines.length; i += 1) {
    for (let j = i + 1; j < lines.length; j += 1) {
      const a = lines[i];
      const b = lines[j];
      if (!a || !b || a.node === b.node) continue;
      const across = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
      const down = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
      if (across <= 1 || down <= 1) continue;
      const pair = `${a.node}:${b.node}`;
      if (overlapping.has(pair)) continue;
      overlapping.add(pair);
      const [first, second] = [nodes[a.node], nodes[b.node]];
      if (first && second) problems.push(`text overlaps: ${words(first)} and ${words(second)} share ${px(across)} × ${px(down)}`);
    }
  }

  // Buttons: shown, and the part of them a finger reaches (not covered by anything else, along
  // the vertical middle line) tall enough.
  const buttons = Array.from(document.querySelectorAll('wx-button'));
  for (const button of buttons) {
    const box = button.getBoundingClientRect();
    const mini = button.getAttribute('size') === 'mini';
    const min = mini ? rules.minMiniTapHeight : rules.minTapHeight;
    if (!shown(button) || box.width === 0 || box.height === 0) {
      problems.push(`button not visible: ${name(button)}`);
      continue;
    }
    const x = box.left + box.width / 2;
    let reachable = 0;
    let coveredBy: Element | undefined;
    for (let y = Math.ceil(box.top) + 0.5; y < box.bottom; y += 1) {
      const hit = document.elementFromPoint(x, y);
      if (hit && (hit === button || button.contains(hit))) reachable += 1;
      else if (hit && !coveredBy) coveredBy = hit;
    }
    if (reachable === 0) {
      problems.push(`button not visible: ${name(button)} is covered by ${coveredBy ? name(coveredBy) : 'nothing (outside the viewport)'}`);
    } else if (reachable < min - 0.01) {
      const why = reachable < Math.floor(box.height) && coveredBy ? ` (of ${px(box.height)}; the rest is under ${name(coveredBy)})` : '';
      problems.push(`tap target too small: ${name(button)} is ${px(reachable)} high${why}, ${mini ? 'a mini button needs' : 'needs'} ${min}px`);
    }
  }
  const texts = nodes.length;
  return { problems, buttons: buttons.length, texts };
}
