/**
 * The page's main states, as data: what the cloud functions answer (canned envelopes returned by
 * a fake wx.cloud.callFunction, the page's only way out: miniprogram/services/cloud-functions.ts) and
 * what a person does after the page opens. Each state is rendered by test/page/page-states.test.ts
 * (from the TypeScript source in `npm test`, from WeChat's compiled package in
 * `npm run check:wechat`) and photographed and layout-checked in Chromium by `npm run screenshots`.
 *
 * To add a state: add an entry here, run `npm run screenshots`, commit the PNG and show it in
 * miniprogram/README.md. Canned envelopes are made from core/catalogue.ts through the same
 * builder the functions use, so their code, message and retryable are the real ones.
 */
import { envelopeForErrCode, type Envelope } from '../../../core/envelope';
import { accountStatusOf, type BindingsData, type BoundAccount, type CarrierItem, type PartFailure } from '../../../miniprogram/shared/bindings';
import { INVITE_QUERY_KEY, type MintedInviteData } from '../../../miniprogram/shared/printer-invites';

/** One answer of callFunction: a result, a failure as wx.cloud reports it, or no answer yet. */
export type CannedAnswer = { readonly result: unknown } | { readonly fail: { errCode?: number; errMsg: string } } | { readonly hold: true };

/** What a person does, in order, on built-in components found by selector. */
export type Step =
  | { readonly type: string; readonly value: string }
  | { readonly tap: string }
  /** Picks the row of a `<picker>` whose label contains `option`. */
  | { readonly pick: string; readonly option: string }
  /** Taps an `open-type="share"` button: WeChat calls onShareAppMessage and waits for its promise. */
  | { readonly share: string };

export interface PageState {
  /** File name of its screenshot: docs/screenshots/<name>.png. Lower-case words and dashes. */
  readonly name: string;
  /** Caption, in the README's words. */
  readonly caption: string;
  /** The page, as app.json names it. Default: app.json's first page. */
  readonly page?: string;
  /**
   * The phone's clock while the state is brought about, for states that show a time: Date.now and
   * the time zone (minutes ahead of UTC), so they render the same on every machine.
   */
  readonly clock?: { readonly now: number; readonly utcOffsetMinutes: number };
  /** The query the page is opened with (a share card's path carries one). Default: none. */
  readonly query?: Readonly<Record<string, string>>;
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

/** The admin looking at the page, as getBindings knows them. */
const CALLER = 'oAdmin7dQk2Lw9xYz3ABCDEF0001';

function boundAccount(fields: Omit<BoundAccount, 'serviceType' | 'status'> & { statusCode: number }): BoundAccount {
  return { serviceType: [], status: accountStatusOf(fields.statusCode), ...fields };
}

/** getBindings' success envelope for these parts; a part given as an errCode is that part's failure. */
function bindingsAnswer(parts: { printers: string[] | number; accounts: BoundAccount[] | number; carriers?: CarrierItem[] }): CannedAnswer {
  const failure = (errCode: number): PartFailure => {
    const { ok: _ok, data: _data, field: _field, ...rest } = envelopeForErrCode(errCode, `state:${errCode}`);
    return { ok: false, ...rest };
  };
  const data: BindingsData = {
    accounts: typeof parts.accounts === 'number' ? failure(parts.accounts) : { ok: true, list: parts.accounts },
    printers: typeof parts.printers === 'number' ? failure(parts.printers) : { ok: true, openids: parts.printers, tagidList: [], people: parts.printers.map((openid) => ({ openid })), roster: { ok: true } },
    carriers: { ok: true, list: parts.carriers ?? [] },
    callerOpenid: CALLER,
  };
  // As getBindings answers: the first failing part's code on top, the parts in data either way.
  const failed = [data.accounts, data.printers].find((part): part is PartFailure => part !== undefined && !part.ok);
  const top = failed === undefined ? envelopeForErrCode(0, 'getBindings:ok') : envelopeForErrCode(failed.errCode, failed.errMsg);
  return { result: { ...top, data } };
}

const PRINTERS = [CALLER, 'oStaff3mR8vQ1nT5kJ2hG6fD4sA9'];

/** Someone who opened the page but is not an admin. */
const NOT_LISTED = 'oVisitor5tG7hJ9kL1zX3cV5bN7m';

const ACCOUNTS: BoundAccount[] = [
  boundAccount({ deliveryId: 'SF', bizId: 'SF7550012345', statusCode: 0, alias: '总店' }),
  boundAccount({ deliveryId: 'EMS', bizId: 'EMS1100220033', statusCode: 1 }),
  boundAccount({
    deliveryId: 'ZTO',
    bizId: 'ZTO02100456',
    statusCode: 2,
    remarkWrongMsg: '网点编码与客户编码不匹配，请联系网点确认',
  }),
];

/**
 * What the calls the page makes as it opens answer, in every state: getBindings with two printers
 * (one the admin), an account bound, one under EMS review, one whose bind failed. A state that
 * needs them to answer otherwise lists its own.
 */
const OPENING_ANSWERS: PageState['answers'] = {
  getBindings: [bindingsAnswer({ printers: PRINTERS, accounts: ACCOUNTS })],
};

/** Opened from an invite card (the token's shape; the page never looks inside it). */
const INVITE_QUERY = { [INVITE_QUERY_KEY]: 'AQAAAAAAAAEAAAGT0bA2pQ_QmFzZTY0VXJsU2FmZVRva2VuX3dpdGgtZGFzaGVzX2Fu' };

/** When the admin shares in the invite states: the phone's clock then. */
const SHARED_AT = Date.UTC(2026, 11, 1, 2, 30);

/** The mint's answer: an invite that expires 24 hours after SHARED_AT (the card's path carries it). */
function mintAnswer(): CannedAnswer {
  const data: MintedInviteData = { invite: INVITE_QUERY.invite!, inviteId: '0123456789abcdef', expiresAt: SHARED_AT + 24 * 3_600_000, maxUses: 1, recorded: true };
  return { result: envelopeForErrCode(0, 'updatePrinter:ok invite minted', data) };
}

const YUNDA_BIND: readonly Step[] = [
  { pick: '#carrier', option: '（YUNDA）' },
  { type: '#bizId', value: 'YD0020345' },
  { type: '#password', value: 'not-a-real-password' },
  { tap: '#bindAccount' },
];

export const PAGE_STATES: readonly PageState[] = [
  {
    name: 'start',
    caption: '打开页面：打印员和快递账号的列表（审核中、绑定失败）、邀请打印员和两块表单',
    answers: { ...OPENING_ANSWERS },
    steps: [],
    shows: ['物流助手管理', '面单打印员', '快递账号', '绑定打印员', '绑定快递账号', '邀请打印员', '我', '审核中', '绑定失败'],
  },
  {
    name: 'admin-view',
    caption: '管理员看到的列表：打印员（标着「我」）、快递账号的各种状态',
    answers: {
      getBindings: [
        bindingsAnswer({
          printers: [...PRINTERS, 'oStaff9pL2kW7xC4vB1nM8qZ5tR3'],
          accounts: [
            ...ACCOUNTS,
            boundAccount({ deliveryId: 'YTO', bizId: 'YTO88001234', statusCode: 3 }),
            boundAccount({ deliveryId: 'JTSD', bizId: 'JT0755667788', statusCode: 9 }),
          ],
        }),
      ],
    },
    steps: [{ type: '#printerName-1', value: '仓库小王' }],
    shows: ['我', '仓库小王', '已绑定', '审核中', '绑定失败', '未通过原因：网点编码与客户编码不匹配', '重新提交', '已解绑', '未知状态 9'],
  },
  {
    name: 'bindings-part-failed',
    caption: '一部分读不到：打印员列表写明原因，快递账号照常显示，可「重新加载」',
    answers: { getBindings: [bindingsAnswer({ printers: 48001, accounts: ACCOUNTS })] },
    steps: [],
    shows: ['打印员列表暂时无法显示', '开通物流助手', '重新加载', '审核中'],
  },
  {
    name: 'not-admin',
    caption: '不是管理员：显示自己的 openid（可复制），请把它发给管理员；不显示列表和表单',
    answers: { getBindings: [answer(-900102, { data: { callerOpenid: NOT_LISTED } })] },
    steps: [],
    shows: ['只有管理员可以使用这个页面', '你不是管理员', NOT_LISTED, '复制', '发给这个小程序的管理员', '全部三个云函数'],
  },
  {
    name: 'no-admins',
    caption: '还没有设置管理员：显示自己的 openid（可复制），以及把自己设为第一位管理员的步骤',
    answers: { getBindings: [answer(-900101, { data: { callerOpenid: CALLER } })] },
    steps: [],
    shows: ['还没有设置管理员', CALLER, '复制', '第一位管理员', 'LOGISTICS_ADMIN_OPENIDS', 'updatePrinter、bindAccount、getBindings', '环境变量'],
  },
  {
    name: 'admin-drift',
    caption: '管理员设置不一致：getBindings 认你是管理员，updatePrinter 却拒绝了，页面指出是哪个云函数',
    answers: { ...OPENING_ANSWERS, updatePrinter: [answer(-900102, { data: { callerOpenid: CALLER } })] },
    steps: [{ tap: '#bindSelf' }],
    shows: ['updatePrinter 和 getBindings 的管理员设置不一致', 'LOGISTICS_ADMIN_OPENIDS 必须相同', CALLER, '复制'],
  },
  {
    name: 'invite-shared',
    caption: '管理员点「邀请打印员」：卡片带上邀请，页面写明有效期',
    // A phone in China (UTC+8): 02:30 UTC + 24 h is 10:30 the next day there.
    clock: { now: SHARED_AT, utcOffsetMinutes: 8 * 60 },
    answers: { ...OPENING_ANSWERS, updatePrinter: [mintAnswer()] },
    steps: [{ share: '#invitePrinter' }],
    shows: ['邀请卡片已生成', '12月2日 10:30 前有效（24 小时）'],
  },
  {
    name: 'invite-mint-failed',
    caption: '邀请没有生成：分享的是普通卡片，并说明原因',
    answers: { ...OPENING_ANSWERS, updatePrinter: [answer(-900106)] },
    steps: [{ share: '#invitePrinter' }],
    shows: ['邀请没有生成', '不带邀请', 'LOGISTICS_INVITE_SECRET'],
  },
  {
    name: 'invite-accept',
    caption: '打印员打开邀请卡片：说明接受后能做什么，「接受」/「不用了」',
    query: INVITE_QUERY,
    answers: {},
    steps: [],
    shows: ['你收到了面单打印员邀请', '微信打单 PC 软件', '接受', '不用了'],
  },
  {
    name: 'invite-accepted',
    caption: '接受成功：已成为面单打印员，以及下一步',
    query: INVITE_QUERY,
    answers: { updatePrinter: [answer(0)] },
    steps: [{ tap: '#acceptInvite' }],
    shows: ['成功', '你已成为面单打印员', '下一步', '微信打单'],
  },
  {
    name: 'invite-expired',
    caption: '邀请已过期：需要请管理员再发一张',
    query: INVITE_QUERY,
    answers: { updatePrinter: [answer(-900108)] },
    steps: [{ tap: '#acceptInvite' }],
    shows: ['这个邀请已过期', '再发一张新的邀请'],
  },
  {
    name: 'invite-declined',
    caption: '点了「不用了」：什么都没有改变',
    query: INVITE_QUERY,
    answers: {},
    steps: [{ tap: '#declineInvite' }],
    shows: ['你没有接受邀请', '什么都没有改变'],
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
