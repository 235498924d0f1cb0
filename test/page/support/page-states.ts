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
import {
  accountStatusOf,
  type BindingsData,
  type BoundAccount,
  type CarrierItem,
  type HistoryEntry,
  type InviteItem,
  type PartFailure,
  type PrinterPerson,
} from '../../../miniprogram/shared/bindings';
import { INVITE_QUERY_KEY, type InvitePreviewData, type MintedInviteData } from '../../../miniprogram/shared/printer-invites';

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
   * The phone's clock while the state is brought about: Date.now and the time zone (minutes ahead
   * of UTC), so states that show a time (the opening answers' history does) render the same on
   * every machine.
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
  /** What the phone's storage (wx.getStorageSync) holds when the page opens. Default: nothing. */
  readonly storage?: Readonly<Record<string, unknown>>;
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

/** A part's failure envelope, from the real catalogue. */
function failure(errCode: number): PartFailure {
  const { ok: _ok, data: _data, field: _field, ...rest } = envelopeForErrCode(errCode, `state:${errCode}`);
  return { ok: false, ...rest };
}

/**
 * getBindings' success envelope for these parts; a part given as an errCode is that part's
 * failure (`roster`: the roster read's, under printers that still list).
 */
function bindingsAnswer(parts: {
  printers: PrinterPerson[] | number;
  roster?: number;
  accounts: BoundAccount[] | number;
  carriers?: CarrierItem[];
  invites?: InviteItem[] | number;
  history?: HistoryEntry[] | number;
  totals?: { accounts?: number; printers?: number };
}): CannedAnswer {
  const cut = (total: number | undefined) => (total === undefined ? {} : { truncated: true as const, total });
  const printers = parts.printers;
  const invites = parts.invites ?? [];
  const history = parts.history ?? [];
  const data: BindingsData = {
    accounts: typeof parts.accounts === 'number' ? failure(parts.accounts) : { ok: true, list: parts.accounts, ...cut(parts.totals?.accounts) },
    printers:
      typeof printers === 'number'
        ? failure(printers)
        : {
            ok: true,
            openids: printers.map((p) => p.openid),
            tagidList: [],
            people: parts.roster === undefined ? printers : printers.map(({ openid }) => ({ openid })),
            roster: parts.roster === undefined ? { ok: true } : failure(parts.roster),
            ...cut(parts.totals?.printers),
          },
    carriers: { ok: true, list: parts.carriers ?? [] },
    invites: typeof invites === 'number' ? failure(invites) : { ok: true, list: invites, total: invites.length, truncated: false },
    history: typeof history === 'number' ? failure(history) : { ok: true, list: history },
    callerOpenid: CALLER,
  };
  // As getBindings answers: the first failing WeChat part's code on top, the parts in data either way.
  const failed = [data.accounts, data.printers].find((part): part is PartFailure => part !== undefined && !part.ok);
  const top = failed === undefined ? envelopeForErrCode(0, 'getBindings:ok') : envelopeForErrCode(failed.errCode, failed.errMsg);
  return { result: { ...top, data } };
}

const STAFF = 'oStaff3mR8vQ1nT5kJ2hG6fD4sA9';
const PACKER = 'oStaff9pL2kW7xC4vB1nM8qZ5tR3';
/** When the admin shares in the invite states: the phone's clock then. */
const SHARED_AT = Date.UTC(2026, 11, 1, 2, 30);
const HOUR_MS = 3_600_000;
/** A phone in China (UTC+8), at SHARED_AT: every state that shows a time uses this clock. */
const CLOCK = { now: SHARED_AT, utcOffsetMinutes: 8 * 60 };

/** The roster: the admin (bound themself) and 仓库小王, who accepted the admin's invite. */
const PRINTERS: PrinterPerson[] = [
  { openid: CALLER, name: '店长老王', addedBy: CALLER, addedAt: SHARED_AT - 30 * 24 * HOUR_MS, via: 'self' },
  { openid: STAFF, name: '仓库小王', addedBy: CALLER, addedAt: SHARED_AT - 2 * HOUR_MS, via: 'invite', inviteId: 'inv7f3a9c01' },
];

/** Someone who opened the page but is not an admin. */
const NOT_LISTED = 'oVisitor5tG7hJ9kL1zX3cV5bN7m';

const ACCOUNTS: BoundAccount[] = [
  boundAccount({ deliveryId: 'SF', bizId: 'SF7550012345', statusCode: 0, alias: '总店', createTime: (SHARED_AT - 90 * 24 * HOUR_MS) / 1000 }),
  boundAccount({ deliveryId: 'EMS', bizId: 'EMS1100220033', statusCode: 1 }),
  boundAccount({
    deliveryId: 'ZTO',
    bizId: 'ZTO02100456',
    statusCode: 2,
    remarkWrongMsg: '网点编码与客户编码不匹配，请联系网点确认',
  }),
];

/** An open invite for 打包阿姨, and the one 仓库小王 accepted. */
const INVITES: InviteItem[] = [
  { inviteId: 'inv2b8d4e77', name: '打包阿姨', createdBy: CALLER, createdAt: SHARED_AT - HOUR_MS, expiresAt: SHARED_AT + 23 * HOUR_MS, maxUses: 1, uses: [], status: 'OPEN' },
  { inviteId: 'inv7f3a9c01', name: '仓库小王', createdBy: CALLER, createdAt: SHARED_AT - 3 * HOUR_MS, expiresAt: SHARED_AT + 21 * HOUR_MS, maxUses: 1, uses: [{ openid: STAFF, at: SHARED_AT - 2 * HOUR_MS }], status: 'USED_UP' },
];

const HISTORY: HistoryEntry[] = [
  { at: SHARED_AT - HOUR_MS, actor: CALLER, action: 'invite', target: { inviteId: 'inv2b8d4e77' }, code: 'OK', ok: true },
  { at: SHARED_AT - 2 * HOUR_MS, actor: STAFF, action: 'accept', target: { inviteId: 'inv7f3a9c01' }, code: 'OK', ok: true },
  { at: SHARED_AT - 3 * HOUR_MS, actor: CALLER, action: 'invite', target: { inviteId: 'inv7f3a9c01' }, code: 'OK', ok: true },
  { at: SHARED_AT - 26 * HOUR_MS, actor: CALLER, action: 'account.bind', target: { deliveryId: 'ZTO', bizId: 'ZTO02100456' }, code: 'WRONG_ACCOUNT_OR_PASSWORD', ok: false },
];

/**
 * What the calls the page makes as it opens answer, in every state: getBindings with two printers
 * (the admin, and 仓库小王 who accepted an invite), an account bound, one under EMS review, one
 * whose bind failed, an open invite, and the history. A state that needs them otherwise lists its own.
 */
const OPENING_ANSWERS: PageState['answers'] = {
  getBindings: [bindingsAnswer({ printers: PRINTERS, accounts: ACCOUNTS, invites: INVITES, history: HISTORY })],
};

/** Opened from an invite card (the token's shape: 43 characters, 256 bits; the page never looks inside it). */
const INVITE_QUERY = { [INVITE_QUERY_KEY]: 'Qm9vdHN0cmFwX3Rva2VuX3dpdGgtZGFzaGVzX2FuZA1' };

/** The mint's answer: an invite that expires 24 hours after SHARED_AT (the card's path carries it). */
function mintAnswer(): CannedAnswer {
  const data: MintedInviteData = { invite: INVITE_QUERY.invite!, inviteId: 'inv0123456789abcdef', expiresAt: SHARED_AT + 24 * HOUR_MS, maxUses: 1, recorded: true };
  return { result: envelopeForErrCode(0, 'updatePrinter:ok invite minted', data) };
}

/** The preview's answer for the card: from 店长老王, for 仓库小王, open (or as `status` says). */
function previewAnswer(status: InvitePreviewData['status'] = 'OPEN'): CannedAnswer {
  const data: InvitePreviewData = { inviterName: '店长老王', name: '仓库小王', expiresAt: SHARED_AT + 20 * HOUR_MS, status };
  return { result: envelopeForErrCode(0, 'updatePrinter:ok preview', data) };
}

const MINT_STEPS: readonly Step[] = [{ type: '#inviteName', value: '仓库小王' }, { tap: '#mintInvite' }];

const YUNDA_BIND: readonly Step[] = [
  { pick: '#carrier', option: '（YUNDA）' },
  { type: '#bizId', value: 'YD0020345' },
  { type: '#password', value: 'not-a-real-password' },
  { tap: '#bindAccount' },
];

export const PAGE_STATES: readonly PageState[] = [
  {
    name: 'start',
    caption: '打开页面：先是每天要看的快递账号、打印员（带名字）、邀请和最近操作，然后是邀请打印员和绑定快递账号的表单',
    clock: CLOCK,
    answers: { ...OPENING_ANSWERS },
    steps: [],
    shows: ['物流助手管理', '快递账号', '面单打印员', '店长老王', '仓库小王', '接受 我 的邀请加入', '给 打包阿姨 的邀请', '撤销', '最近操作', '邀请打印员', '生成', '绑定快递账号', '审核中', '绑定失败'],
  },
  {
    name: 'admin-view',
    caption: '管理员看到的列表：剩余单量、绑定时间、已解绑（不再有解绑）、状态未知（n），未命名的打印员可以改名，列表太长时写明只显示了多少',
    clock: CLOCK,
    answers: {
      getBindings: [
        bindingsAnswer({
          printers: [...PRINTERS, { openid: PACKER }],
          accounts: [
            boundAccount({ deliveryId: 'YUNDA', bizId: 'YD0020345', statusCode: 0, quotaNum: 1280, quotaUpdateTime: (SHARED_AT - 2 * HOUR_MS) / 1000, createTime: (SHARED_AT - 40 * 24 * HOUR_MS) / 1000 }),
            ...ACCOUNTS,
            boundAccount({ deliveryId: 'YTO', bizId: 'YTO88001234', statusCode: 3 }),
            boundAccount({ deliveryId: 'JTSD', bizId: 'JT0755667788', statusCode: 9 }),
          ],
          totals: { accounts: 520 },
          invites: INVITES,
          history: HISTORY,
        }),
      ],
    },
    steps: [{ tap: '#renamePrinter-2' }, { type: '#renameInput', value: '打包阿姨' }],
    shows: ['我', '剩余单量 1280（12月1日 08:30 更新）', '绑定于', '已解绑', '状态未知（9）', '未命名打印员', '保存', '只显示前 6 个，共 520 个'],
  },
  {
    name: 'printer-renamed',
    caption: '改名之后：名字保存在云端，每位管理员都能看到',
    clock: CLOCK,
    answers: {
      getBindings: [
        bindingsAnswer({ printers: [...PRINTERS, { openid: PACKER }], accounts: ACCOUNTS, invites: INVITES, history: HISTORY }),
        bindingsAnswer({
          printers: [...PRINTERS, { openid: PACKER, name: '打包阿姨' }],
          accounts: ACCOUNTS,
          invites: INVITES,
          history: [{ at: SHARED_AT, actor: CALLER, action: 'rename', target: { openid: PACKER }, code: 'OK', ok: true }, ...HISTORY],
        }),
      ],
      updatePrinter: [{ result: envelopeForErrCode(0, 'updatePrinter:ok renamed', { openid: PACKER, name: '打包阿姨', recorded: true }) }],
    },
    steps: [{ tap: '#renamePrinter-2' }, { type: '#renameInput', value: '打包阿姨' }, { tap: '#saveRename' }],
    shows: ['成功', '已改名', '打包阿姨', '我 给打印员 打包阿姨 改了名字'],
  },
  {
    name: 'local-names-offer',
    caption: '以前只存在这台手机上的名字：问一次要不要保存到云端',
    clock: CLOCK,
    storage: { 'logistics.printerNames': { [PACKER]: '打包阿姨', [STAFF]: '仓库小王' } },
    answers: { getBindings: [bindingsAnswer({ printers: [...PRINTERS, { openid: PACKER }], accounts: ACCOUNTS, invites: INVITES, history: HISTORY })] },
    steps: [],
    shows: ['这台手机上以前起过的名字', 'oStaff…5tR3 → 打包阿姨', '保存这些名字', '只问这一次'],
  },
  {
    name: 'not-recorded',
    caption: '绑定成功了，但云数据库没有记下：页面写明名字和记录没有保存',
    clock: CLOCK,
    answers: { ...OPENING_ANSWERS, updatePrinter: [answer(0, { data: { recorded: false } })] },
    steps: [{ tap: '#bindSelf' }],
    shows: ['已把你绑定为打印员', '名字和添加记录没有保存'],
  },
  {
    name: 'bindings-part-failed',
    caption: '一部分读不到：打印员列表写明原因，快递账号照常显示，可「重新加载」',
    clock: CLOCK,
    answers: { getBindings: [bindingsAnswer({ printers: 48001, accounts: ACCOUNTS, invites: INVITES, history: HISTORY })] },
    steps: [],
    shows: ['打印员列表暂时无法显示', '开通物流助手', '重新加载', '审核中'],
  },
  {
    name: 'records-part-failed',
    caption: '云数据库读不到：打印员照常列出（没有名字），邀请和最近操作各自写明原因',
    clock: CLOCK,
    answers: { getBindings: [bindingsAnswer({ printers: PRINTERS, roster: -900202, accounts: ACCOUNTS, invites: -900202, history: -900202 })] },
    steps: [],
    shows: ['名字暂时读不到', '邀请列表暂时无法显示', '最近操作暂时无法显示', '未命名打印员', '重新加载'],
  },
  {
    name: 'not-admin',
    caption: '不是管理员：显示自己的 openid（可复制），请把它发给管理员；不显示列表和表单',
    clock: CLOCK,
    answers: { getBindings: [answer(-900102, { data: { callerOpenid: NOT_LISTED } })] },
    steps: [],
    shows: ['只有管理员可以使用这个页面', '你不是管理员', NOT_LISTED, '复制', '发给这个小程序的管理员', '全部三个云函数'],
  },
  {
    name: 'no-admins',
    caption: '还没有设置管理员：显示自己的 openid（可复制），以及把自己设为第一位管理员的步骤',
    clock: CLOCK,
    answers: { getBindings: [answer(-900101, { data: { callerOpenid: CALLER } })] },
    steps: [],
    shows: ['还没有设置管理员', CALLER, '复制', '第一位管理员', 'LOGISTICS_ADMIN_OPENIDS', 'updatePrinter、bindAccount、getBindings', '环境变量'],
  },
  {
    name: 'admin-drift',
    caption: '管理员设置不一致：getBindings 认你是管理员，updatePrinter 却拒绝了，页面指出是哪个云函数',
    clock: CLOCK,
    answers: { ...OPENING_ANSWERS, updatePrinter: [answer(-900102, { data: { callerOpenid: CALLER } })] },
    steps: [{ tap: '#bindSelf' }],
    shows: ['updatePrinter 和 getBindings 的管理员设置不一致', 'LOGISTICS_ADMIN_OPENIDS 必须相同', CALLER, '复制'],
  },
  {
    name: 'invite-minted',
    caption: '管理员填了「给谁」，点「生成」：邀请已生成，写明有效期，再点「发给 TA」分享（或「不发了」）',
    // 02:30 UTC + 24 h is 10:30 the next day in UTC+8.
    clock: CLOCK,
    answers: { ...OPENING_ANSWERS, updatePrinter: [mintAnswer()] },
    steps: MINT_STEPS,
    shows: ['给 仓库小王 的邀请已生成', '12月2日 10:30 前有效（24 小时）', '只能一个人接受', '发给 TA', '不发了'],
  },
  {
    name: 'invite-shared',
    caption: '点了「发给 TA」：卡片带上刚生成的邀请',
    clock: CLOCK,
    answers: { ...OPENING_ANSWERS, updatePrinter: [mintAnswer()] },
    steps: [...MINT_STEPS, { share: '#shareInvite' }],
    shows: ['已分享', '已打开分享', '再发一次', '再邀请一位'],
  },
  {
    name: 'invite-mint-failed',
    caption: '邀请没有生成：没有可分享的邀请，并说明原因（代码在「详情」里）',
    clock: CLOCK,
    answers: { ...OPENING_ANSWERS, updatePrinter: [{ fail: { errMsg: 'cloud.callFunction:fail request:fail' } }] },
    steps: [{ tap: '#mintInvite' }, { tap: '#inviteNoteDetails' }],
    shows: ['邀请没有生成', '可能是网络不通', '稍后再点一次「生成」', 'NETWORK_ERROR'],
  },
  {
    name: 'invite-accept',
    caption: '打印员打开邀请卡片：谁邀请的、给谁的、有效期，填自己的名字，「接受」/「不用了」',
    clock: CLOCK,
    query: INVITE_QUERY,
    answers: { updatePrinter: [previewAnswer()] },
    steps: [],
    shows: ['店长老王 邀请你成为面单打印员', '这张邀请是给「仓库小王」的', '12月2日 06:30 前有效', '你的名字', '接受', '不用了'],
  },
  {
    name: 'invite-accepted',
    caption: '接受成功：已成为面单打印员，以及下一步',
    clock: CLOCK,
    query: INVITE_QUERY,
    answers: { updatePrinter: [previewAnswer(), answer(0, { data: { inviteId: 'inv0123456789abcdef', recorded: true } })] },
    steps: [{ tap: '#acceptInvite' }],
    shows: ['成功', '你已成为面单打印员', '下一步', '微信打单'],
  },
  {
    name: 'invite-already-accepted',
    caption: '同一个人再打开同一张卡片：你已经是面单打印员了',
    clock: CLOCK,
    query: INVITE_QUERY,
    answers: { updatePrinter: [previewAnswer(), answer(0, { data: { inviteId: 'inv0123456789abcdef', alreadyAccepted: true, recorded: true } })] },
    steps: [{ tap: '#acceptInvite' }],
    shows: ['你已经是面单打印员了', '之前已经接受过'],
  },
  {
    name: 'invite-used-up',
    caption: '邀请已经用完了：不能再接受，请管理员再发一张',
    clock: CLOCK,
    query: INVITE_QUERY,
    answers: { updatePrinter: [previewAnswer('USED_UP')] },
    steps: [],
    shows: ['这个邀请已经用完了', '能接受的人数已经满了', '再发一张新的邀请'],
  },
  {
    name: 'invite-revoked',
    caption: '邀请已被撤销：不能再接受',
    clock: CLOCK,
    query: INVITE_QUERY,
    answers: { updatePrinter: [previewAnswer('REVOKED')] },
    steps: [],
    shows: ['这个邀请已被撤销', '管理员已经撤销了这张邀请'],
  },
  {
    name: 'invite-expired',
    caption: '接受时邀请已过期：需要请管理员再发一张',
    clock: CLOCK,
    query: INVITE_QUERY,
    answers: { updatePrinter: [previewAnswer(), answer(-900108)] },
    steps: [{ tap: '#acceptInvite' }],
    shows: ['这个邀请已过期', '有效期已经过了', '再发一张新的邀请'],
  },
  {
    name: 'invite-declined',
    caption: '点了「不用了」：什么都没有改变',
    clock: CLOCK,
    query: INVITE_QUERY,
    answers: { updatePrinter: [previewAnswer()] },
    steps: [{ tap: '#declineInvite' }],
    shows: ['你没有接受邀请', '什么都没有改变'],
  },
  {
    name: 'busy',
    caption: '提交中：按钮转圈，其他按钮不可点',
    clock: CLOCK,
    answers: { ...OPENING_ANSWERS, updatePrinter: [{ hold: true }] },
    steps: [{ tap: '#bindSelf' }],
    shows: ['正在提交，请稍候…'],
  },
  {
    name: 'printer-bound',
    caption: '成功：已把你绑定为打印员',
    clock: CLOCK,
    answers: { ...OPENING_ANSWERS, updatePrinter: [answer(0)] },
    steps: [{ tap: '#bindSelf' }],
    shows: ['成功', '已把你绑定为打印员'],
  },
  {
    name: 'ems-under-review',
    caption: '提示：EMS 绑定已提交，等待审核（带备注栏）',
    clock: CLOCK,
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
    clock: CLOCK,
    answers: { ...OPENING_ANSWERS, bindAccount: [answer(9300531)] },
    steps: YUNDA_BIND,
    shows: ['没有成功', '客户编码或密码不正确'],
  },
  {
    name: 'error-retryable',
    caption: '暂时没有成功：云调用超时，带「再试一次」',
    clock: CLOCK,
    answers: { ...OPENING_ANSWERS, bindAccount: [answer(-604102)] },
    steps: YUNDA_BIND,
    shows: ['没有成功', '再试一次'],
  },
  {
    name: 'invalid-field',
    caption: '填写有误：云函数指出的一栏标红',
    clock: CLOCK,
    answers: { ...OPENING_ANSWERS, bindAccount: [answer(-900002, { field: 'bizId', message: '参数错误：bizId 首尾不能有空格' })] },
    steps: YUNDA_BIND,
    shows: ['填写有误', '请检查这一项'],
  },
];
