/**
 * The page's main states, as data: what the cloud functions answer (canned envelopes returned by
 * a fake wx.cloud.callFunction, the page's only way out: miniprogram/services/logistics.ts) and
 * what a person does after the page opens. Each state is rendered by test/page/page-states.test.ts
 * (from the TypeScript source in `npm test`, from WeChat's compiled package in
 * `npm run check:wechat`) and photographed and layout-checked in Chromium by `npm run screenshots`.
 *
 * To add a state: add an entry here, run `npm run screenshots`, commit the PNG and show it in
 * miniprogram/README.md. Canned envelopes are made from core/catalogue.ts through the same
 * builder the functions use, so their code, message and retryable are the real ones.
 */
import { envelopeForErrCode, type Envelope } from '../../../core/envelope';

/** One answer of callFunction: a result, a failure as wx.cloud reports it, or no answer yet. */
export type CannedAnswer = { readonly result: unknown } | { readonly fail: { errCode?: number; errMsg: string } } | { readonly hold: true };

/** What a person does, in order, on built-in components found by selector. */
export type Step =
  | { readonly type: string; readonly value: string }
  | { readonly tap: string }
  /** Picks the row of a `<picker>` whose label contains `option`. */
  | { readonly pick: string; readonly option: string };

export interface PageState {
  /** File name of its screenshot: docs/screenshots/<name>.png. Lower-case words and dashes. */
  readonly name: string;
  /** Caption, in the README's words. */
  readonly caption: string;
  /** The page, as app.json names it. Default: app.json's first page. */
  readonly page?: string;
  /**
   * Per cloud function, the answers to its calls in order (the last one repeats). A call to a
   * function not listed here fails the state: every call the page makes must be expected.
   */
  readonly answers: Readonly<Record<string, readonly CannedAnswer[]>>;
  readonly steps: readonly Step[];
  /** Whether confirmation dialogs (wx.showModal) are confirmed. Default: yes. */
  readonly confirm?: boolean;
  /** Texts the state must show (its smoke test). */
  readonly shows: readonly string[];
}

/** The envelope a function answers with for this errCode, from the real catalogue. */
export function answer(errCode: number, extra: Partial<Envelope> = {}): CannedAnswer {
  return { result: { ...envelopeForErrCode(errCode, `state:${errCode}`), ...extra } };
}

/**
 * What the calls the page makes as it opens answer, in every state (none today). A state that
 * needs them to answer otherwise lists its own.
 */
const OPENING_ANSWERS: PageState['answers'] = {};

const YUNDA_BIND: readonly Step[] = [
  { pick: '#carrier', option: '（YUNDA）' },
  { type: '#bizId', value: 'YD0020345' },
  { type: '#password', value: 'not-a-real-password' },
  { tap: '#bindAccount' },
];

export const PAGE_STATES: readonly PageState[] = [
  {
    name: 'start',
    caption: '打开页面：面单打印员与快递账号两块表单',
    answers: { ...OPENING_ANSWERS },
    steps: [],
    shows: ['物流助手管理', '面单打印员', '快递账号', '绑定打印员', '绑定快递账号'],
  },
  {
    name: 'busy',
    caption: '提交中：按钮转圈，其他按钮不可点',
    answers: { ...OPENING_ANSWERS, updatePrinter: [{ hold: true }] },
    steps: [{ tap: '#bindSelf' }],
    shows: ['正在提交，请稍候…'],
  },
  {
    name: 'printer-bound',
    caption: '成功：已把你绑定为打印员',
    answers: { ...OPENING_ANSWERS, updatePrinter: [answer(0)] },
    steps: [{ tap: '#bindSelf' }],
    shows: ['成功', '已把你绑定为打印员'],
  },
  {
    name: 'ems-under-review',
    caption: '提示：EMS 绑定已提交，等待审核（带备注栏）',
    answers: { ...OPENING_ANSWERS, bindAccount: [answer(9300532)] },
    steps: [
      { pick: '#carrier', option: '（EMS）' },
      { type: '#bizId', value: 'EMS1100220033' },
      { type: '#remarkContent', value: '电话:13800000000 联系人:王小明 服务类型:标准快递 发货地址:上海市浦东新区世纪大道100号' },
      { tap: '#bindAccount' },
    ],
    shows: ['提示', '已提交，等待快递公司审核', '备注（remarkContent）'],
  },
  {
    name: 'error-wrong-password',
    caption: '没有成功：快递公司不认这组客户编码和密码',
    answers: { ...OPENING_ANSWERS, bindAccount: [answer(9300531)] },
    steps: YUNDA_BIND,
    shows: ['没有成功', '客户编码或密码不正确'],
  },
  {
    name: 'error-retryable',
    caption: '暂时没有成功：云调用超时，带「再试一次」',
    answers: { ...OPENING_ANSWERS, bindAccount: [answer(-604102)] },
    steps: YUNDA_BIND,
    shows: ['没有成功', '再试一次'],
  },
  {
    name: 'invalid-field',
    caption: '填写有误：云函数指出的一栏标红',
    answers: { ...OPENING_ANSWERS, bindAccount: [answer(-900002, { field: 'bizId', message: '参数错误：bizId 首尾不能有空格' })] },
    steps: YUNDA_BIND,
    shows: ['填写有误', '请检查这一项'],
  },
];
