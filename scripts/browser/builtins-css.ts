/**
 * CSS for WeChat's built-in components, which miniprogram-simulate renders as unstyled shells
 * (<wx-button>, <wx-input>, …). The metrics are WeChat's own design, taken from WeUI's stylesheet
 * (the weui-wxss package: the design WeChat's style "v2" components follow) by mapping its
 * classes onto the built-in tags and attributes, e.g. `.weui-btn_primary` → `wx-button[type="primary"]`.
 * Only single-element rules of the mapped classes are taken (no layout between siblings, no
 * :active states, no themes but light); the few rules WeUI has no class for are written here and
 * marked APPROXIMATION. The page's own WXSS is compiled by the official wcsc (screenshots.ts).
 */

interface Target {
  /** The element selector a WeUI class stands for. */
  readonly base: string;
  /** What narrows it: attribute selectors, :not(), a pseudo-element. */
  readonly narrow: string;
}

/** WeUI class → built-in component. */
const WEUI_CLASSES: Readonly<Record<string, Target>> = {
  'weui-btn': { base: 'wx-button', narrow: '' },
  'weui-btn_primary': { base: 'wx-button', narrow: '[type="primary"]' },
  'weui-btn_warn': { base: 'wx-button', narrow: '[type="warn"]' },
  // :where() keeps WeUI's specificity order: a disabled default button takes the disabled colours.
  'weui-btn_default': { base: 'wx-button', narrow: ':where(:not([type="primary"]):not([type="warn"]))' },
  'weui-btn_mini': { base: 'wx-button', narrow: '[size="mini"]' },
  'weui-btn_disabled': { base: 'wx-button', narrow: '[disabled]' },
  'weui-btn_loading': { base: 'wx-button', narrow: '[loading]' },
  'weui-input': { base: 'wx-input', narrow: '' },
  'weui-input__placeholder': { base: '.wx-input-placeholder', narrow: '' },
  'weui-textarea': { base: 'wx-textarea', narrow: '' },
};

/** The loading icon WeUI puts inside a loading button is the button's ::before here. */
const LOADING_ICON = 'weui-loading';

/** One compound selector (no combinators) of mapped classes and [disabled], mapped; else undefined. */
function mapCompound(compound: string): Target | undefined {
  const tokens = compound.match(/\.[\w-]+|\[disabled\]|[^.[]+/g) ?? [];
  let base: string | undefined;
  let narrow = '';
  for (const token of tokens) {
    if (token === '[disabled]') {
      narrow += '[disabled]';
      continue;
    }
    const target = token.startsWith('.') ? WEUI_CLASSES[token.slice(1)] : undefined;
    if (!target || (base !== undefined && base !== target.base)) return undefined;
    base = target.base;
    narrow += target.narrow;
  }
  return base === undefined ? undefined : { base, narrow };
}

/** A WeUI selector mapped onto built-in components, or undefined when it is not theirs alone. */
export function mapSelector(selector: string): string | undefined {
  const parts = selector.trim().split(/\s+/);
  if (parts.length === 1) {
    if (parts[0] === `.${LOADING_ICON}`) return 'wx-button[loading]::before';
    const target = mapCompound(parts[0] ?? '');
    return target && `${target.base}${target.narrow}`;
  }
  // `.weui-btn_loading .weui-loading`: the icon inside a loading button.
  if (parts.length === 2 && parts[1] === `.${LOADING_ICON}`) {
    const target = mapCompound(parts[0] ?? '');
    return target?.base === 'wx-button' ? `${target.base}${target.narrow}::before` : undefined;
  }
  return undefined;
}

interface Rule {
  readonly selectors: string;
  readonly body: string;
}

/** Top-level style rules; at-rules (media queries, keyframes, supports) are left out. */
function topLevelRules(css: string): Rule[] {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const rules: Rule[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{', i);
    if (open < 0) break;
    const selectors = text.slice(i, open).trim();
    let depth = 1;
    let j = open + 1;
    for (; j < text.length && depth > 0; j += 1) {
      if (text[j] === '{') depth += 1;
      else if (text[j] === '}') depth -= 1;
    }
    if (!selectors.startsWith('@')) rules.push({ selectors, body: text.slice(open + 1, j - 1) });
    i = j;
  }
  return rules;
}

/** WeUI's light-theme variables (declared on `page`), and its rules for the built-in components. */
export function builtinsFromWeui(weuiWxss: string): string {
  const out: string[] = [];
  for (const rule of topLevelRules(weuiWxss)) {
    const selectors = rule.selectors.split(',').map((s) => s.trim());
    if (selectors.includes('page')) {
      const variables = rule.body.split(';').filter((declaration) => declaration.trim().startsWith('--weui-'));
      if (variables.length > 0) out.push(`body{${variables.join(';')}}`);
      continue;
    }
    const mapped = selectors.map(mapSelector).filter((s): s is string => s !== undefined);
    // The loading icon is an SVG that spins by itself: held still, so a screenshot is the same every time.
    const body = rule.body.replace(/%3CanimateTransform[\s\S]*?\/%3E/g, '');
    if (mapped.length > 0) out.push(`${[...new Set(mapped)].join(',')}{${body}}`);
  }
  return out.join('\n');
}

/**
 * What WeUI has no class for. APPROXIMATION, each: how WeChat lays out its containers and fields
 * (block views, inline text, an image's default 320 × 240 px), an input's one clipped line, an
 * auto-height textarea, the page font (iOS shows PingFang SC; here Noto Sans CJK SC from
 * fonts-noto-cjk, of similar metrics). Custom components' hosts stay inline, as in WeChat.
 */
export const BUILTIN_GLUE = `
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font-family: -apple-system, "PingFang SC", "Noto Sans CJK SC", "Helvetica Neue", sans-serif; line-height: normal; }
main { display: block; }
wx-view, wx-picker, wx-input, wx-textarea, wx-scroll-view, wx-navigator, wx-form, wx-swiper, wx-cover-view, wx-rich-text { display: block; }
wx-image { display: inline-block; width: 320px; height: 240px; overflow: hidden; }
wx-text { display: inline; }
wx-input { overflow: hidden; white-space: nowrap; text-overflow: clip; }
wx-textarea { white-space: pre-wrap; word-break: break-all; }
wx-textarea[auto-height] { height: auto; min-height: 1.41176471em; }
wx-button { overflow: hidden; }
wx-button[loading]::before { content: ""; }
`;
