/**
 * The layout rules of the browser check (scripts/browser/in-page.ts applies them in the page) and
 * a page made to break each of them once, for the check's self-test.
 */
export interface LayoutRules {
  readonly minTapHeight: number;
  readonly minMiniTapHeight: number;
}

export const LAYOUT_RULES: LayoutRules = { minTapHeight: 44, minMiniTapHeight: 28 };

export interface LayoutReport {
  readonly problems: string[];
  readonly buttons: number;
  readonly texts: number;
}

/**
 * A page that breaks each rule once, to show the check catches what it is for: one element too
 * wide, a line of text too wide in a block that fits, two texts on top of each other, a short
 * primary button, a short mini button, a button half under the next one, a covered button. The self-test expects exactly these: the input's long value, clipped by the input as
 * on a phone, must not count as too wide.
 */
export const BROKEN_LAYOUT_HTML = `
<wx-view style="width: 420px">一行太宽的字</wx-view>
<wx-view style="white-space: nowrap">这一栏没有超出，可是它里面不换行的这一行字会一直伸到屏幕外面去</wx-view>
<wx-view style="position: relative; height: 40px">
  <wx-text>上面的字</wx-text><wx-text style="position: absolute; left: 0; top: 0">压住的字</wx-text>
</wx-view>
<wx-button type="primary" style="padding: 4px 24px">矮的主按钮</wx-button>
<wx-button size="mini" style="padding: 0 12px; line-height: 1">矮的小按钮</wx-button>
<wx-input style="width: 200px"><span class="wx-input-value">一行放不下、被输入框裁掉的很长很长很长很长的文字，看不见的部分不算太宽</span></wx-input>
<wx-button>下半截被压住的按钮</wx-button>
<wx-button type="primary" style="margin-top: -24px">压住上面的按钮</wx-button>
<wx-view style="position: relative">
  <wx-button type="warn">被盖住的按钮</wx-button>
  <wx-view style="position: absolute; inset: 0; background: #fff"></wx-view>
</wx-view>
`;

export const BROKEN_LAYOUT_EXPECTED: readonly string[] = [
  'too wide', // the page scrolls sideways…
  'too wide', // …because of this one element
  'too wide', // and of this text, in a block that itself fits

  'text overlaps',
  'tap target too small',
  'tap target too small',
  'tap target too small', // the button half under the next one
  'button not visible',
];
