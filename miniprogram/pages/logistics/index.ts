/**
 * 物流助手管理: what is bound (printers, courier accounts with their review status) and the changes
 * an admin makes to it.
 *
 * Built with Component() (WeChat runs pages built this way; page hooks such as onShow live in
 * `methods`). This file is only glue: the rules are in ../../logic, the calls in ../../services.
 * Each feature (the lists, the forms, printer invites) is one section of the WXML with its own
 * handlers here.
 *
 * The view is loaded from getBindings on show, on pull-down refresh and after every change.
 *
 * Printer invites: an admin's 邀请打印员 button (open-type="share") gets a card whose path carries
 * a freshly minted invite; every other share is a plain card. A page opened with an `invite` query
 * is the acceptance view instead (no getBindings, share menu hidden, so the token goes no further).
 *
 * The password is kept in page data only while it is being typed: it is cleared as soon as a
 * call completes, when the carrier changes to one that needs none, and when the page is hidden.
 * It is never logged.
 */
import {
  bindingsViewFor,
  LOADING_VIEW,
  PRINTER_NAMES_STORAGE_KEY,
  readPrinterNames,
  shortOpenid,
  type AccountRow,
  type BindingsView,
  type PrinterRow,
} from '../../logic/bindings-view';
import { carrierChoice, carrierIndexOf, carrierOptions, EMS_REMARK_FORMAT, showsPassword, showsRemark, type CarrierOption } from '../../logic/carriers';
import { buildAccountUnbindEvent, buildBindAccountEvent, buildUpdatePrinterEvent, isAccountAction, isUnbind, type Action } from '../../logic/forms';
import {
  ACCEPTED_NEXT_STEPS,
  ACCEPTING_VIEW,
  acceptInviteEvent,
  acceptViewFor,
  DECLINED_TEXT,
  DECLINED_VIEW,
  INVITE_LIFETIME_TEXT,
  INVITE_MINT_BUDGET_MS,
  INVITE_OFFER,
  inviteShareCard,
  MINT_INVITE_EVENT,
  mintedInviteNote,
  mintedInviteOf,
  mintFailurePanel,
  OFFER_VIEW,
  PLAIN_SHARE_CARD,
  type AcceptView,
  type ShareCard,
} from '../../logic/invites';
import { describeProblem, resultPanelFor, type ResultView } from '../../logic/outcome';
import type { FormProblem } from '../../logic/validation';
import { INVITE_QUERY_KEY } from '../../shared/printer-invites';
import type { CarrierItem } from '../../shared/bindings';
import { callLogisticsFunction, type Envelope } from '../../services/cloud-functions';

const FORM_ACTIONS: readonly Action[] = ['bindPrinter', 'bindSelf', 'bindAccount'];

const ACCOUNT_FIELDS = ['deliveryId', 'bizId', 'password', 'remarkContent'] as const;
type AccountField = (typeof ACCOUNT_FIELDS)[number];

/** What a row action acts on (the form actions read the form instead). */
interface RowTarget {
  openid?: string;
  deliveryId?: string;
  bizId?: string;
}

function isFormAction(value: unknown): value is Action {
  return typeof value === 'string' && (FORM_ACTIONS as readonly string[]).includes(value);
}

function isAccountField(value: unknown): value is AccountField {
  return typeof value === 'string' && (ACCOUNT_FIELDS as readonly string[]).includes(value);
}

type RowEvent = WechatMiniprogram.TouchEvent<WechatMiniprogram.IAnyObject, WechatMiniprogram.IAnyObject, { index?: number | string }>;

function rowIndex(e: RowEvent): number {
  return Number(e.currentTarget.dataset.index);
}

const BUSY_TEXT = '正在提交，请稍候…';

/** Which load is the newest: an older answer arriving late is dropped. */
let loadSeq = 0;

function pickerRows(carriers: readonly CarrierItem[] | undefined): readonly CarrierOption[] {
  return carrierOptions(carriers);
}

/**
 * The invite a page was opened with, per page instance: kept off page data (which DevTools shows
 * and which renders), never logged, forgotten on 不用了.
 */
const openedInvites = new WeakMap<object, string>();

function storedPrinterNames(): Record<string, string> {
  try {
    return readPrinterNames(wx.getStorageSync(PRINTER_NAMES_STORAGE_KEY));
  } catch {
    return {};
  }
}

Component({
  data: {
    /** manage: the admin's view; invite: the acceptance view of a page opened from an invite card. */
    mode: 'manage' as 'manage' | 'invite',
    accept: OFFER_VIEW as AcceptView,
    inviteOffer: INVITE_OFFER,
    declinedText: DECLINED_TEXT,
    acceptedNextSteps: ACCEPTED_NEXT_STEPS,
    inviteLifetimeText: INVITE_LIFETIME_TEXT,
    /** From the share until the mint answered (or its budget ran out). */
    inviteMinting: false,
    /** What the last mint came to, beside the button. */
    inviteNote: null as ResultView | null,
    view: LOADING_VIEW as BindingsView,
    loadingBindings: false,
    printer: { openid: '' },
    /** The carriers the picker lists (WeChat's, once getBindings answered them). */
    carrierList: undefined as CarrierItem[] | undefined,
    carrierOptions: pickerRows(undefined).map((option) => ({ label: option.label })),
    carrierIndex: -1,
    carrierLabel: carrierChoice(-1).label,
    isOtherCarrier: false,
    showPassword: false,
    showRemark: false,
    remarkFormat: EMS_REMARK_FORMAT,
    account: { deliveryId: '', bizId: '', password: '', remarkContent: '' },
    /** True from the tap until the answer is shown (confirmation included): further taps do nothing. */
    busy: false,
    busyAction: '' as Action | '',
    busyText: BUSY_TEXT,
    result: null as ResultView | null,
    /** The event field the last problem was about, to mark it on the form. */
    invalidField: '',
    lastAction: '' as Action | '',
    lastTarget: null as RowTarget | null,
  },

  methods: {
    onLoad(query?: Record<string, string | undefined>) {
      // The management view loads on show (which follows load), so it is fresh whenever the page is opened.
      const invite = query?.[INVITE_QUERY_KEY];
      if (typeof invite !== 'string') return;
      openedInvites.set(this, invite);
      this.setData({ mode: 'invite', accept: OFFER_VIEW });
      // The card's path holds the token: no forwarding from here (the share handler answers a plain card anyway).
      wx.hideShareMenu({ fail: () => undefined });
      wx.setNavigationBarTitle({ title: '面单打印员邀请', fail: () => undefined });
    },

    onShow() {
      if (this.data.mode === 'manage') void this.loadBindings();
    },

    /**
     * The 邀请打印员 button's share carries an invite minted now; the menu's never does. WeChat
     * shares the fields returned here if `promise` has not resolved within 3 s; it always
     * resolves sooner (INVITE_MINT_BUDGET_MS), so the page knows which card went out.
     */
    onShareAppMessage(options: WechatMiniprogram.Page.IShareAppMessageOption): ShareCard | (ShareCard & { promise: Promise<ShareCard> }) {
      if (this.data.mode !== 'manage' || options.from !== 'button') return PLAIN_SHARE_CARD;
      return { ...PLAIN_SHARE_CARD, promise: this.mintInviteCard() };
    },

    /** Mints an invite and answers the card for it, or the plain card when that fails; never rejects. */
    async mintInviteCard(): Promise<ShareCard> {
      this.setData({ inviteMinting: true, inviteNote: null });
      const envelope = await callLogisticsFunction('updatePrinter', MINT_INVITE_EVENT, { timeoutMs: INVITE_MINT_BUDGET_MS });
      const minted = mintedInviteOf(envelope);
      this.setData({ inviteMinting: false, inviteNote: minted ? mintedInviteNote(minted, Date.now()) : mintFailurePanel(envelope) });
      return minted ? inviteShareCard(minted.invite) : PLAIN_SHARE_CARD;
    },

    /** 接受 (and 再试一次 after an answer that may be retried): binds the person tapping. */
    async onAcceptInvite() {
      const invite = openedInvites.get(this);
      if (invite === undefined || !this.data.accept.canAccept) return;
      this.setData({ accept: ACCEPTING_VIEW });
      const envelope = await callLogisticsFunction('updatePrinter', acceptInviteEvent(invite));
      this.setData({ accept: acceptViewFor(envelope) });
    },

    /** 不用了: nothing is sent; the invite is forgotten (the card still opens it again). */
    onDeclineInvite() {
      if (this.data.accept.stage === 'accepting') return;
      openedInvites.delete(this);
      this.setData({ accept: DECLINED_VIEW });
    },

    async onPullDownRefresh() {
      // The acceptance view has nothing to reload (and must not read the admin's lists).
      if (this.data.mode === 'manage') await this.loadBindings();
      wx.stopPullDownRefresh({ fail: () => undefined });
    },

    onHide() {
      this.setData({ 'account.password': '' });
    },

    /** Loads getBindings and shows it; never rejects. */
    async loadBindings(): Promise<void> {
      const seq = ++loadSeq;
      this.setData({ loadingBindings: true });
      const envelope = await callLogisticsFunction('getBindings', {});
      if (seq !== loadSeq) return;
      const view = bindingsViewFor(envelope, storedPrinterNames());
      this.setData({ view, loadingBindings: false, ...this.pickerData(view.carriers) });
    },

    onReload() {
      void this.loadBindings();
    },

    /** The picker's rows for a carrier list, keeping the carrier already chosen. */
    pickerData(carriers: readonly CarrierItem[] | undefined) {
      const before = carrierChoice(this.data.carrierIndex, pickerRows(this.data.carrierList));
      const rows = pickerRows(carriers);
      const carrierIndex = !before.chosen ? -1 : before.isOther ? rows.length - 1 : carrierIndexOf(before.deliveryId, rows);
      const choice = carrierChoice(carrierIndex, rows);
      const stillListed = before.isOther || !choice.isOther;
      // A carrier that left the list becomes "other" with its id typed in.
      const typedId = stillListed ? this.data.account.deliveryId : before.deliveryId;
      const passwordShown = showsPassword(choice);
      return {
        carrierList: carriers === undefined ? undefined : [...carriers],
        carrierOptions: rows.map((option) => ({ label: option.label })),
        carrierIndex,
        carrierLabel: choice.label,
        isOtherCarrier: choice.isOther,
        showPassword: passwordShown,
        showRemark: showsRemark(choice, typedId),
        'account.deliveryId': typedId,
        // A hidden password is never kept.
        ...(passwordShown ? {} : { 'account.password': '' }),
      };
    },

    onPrinterInput(e: WechatMiniprogram.Input) {
      this.setData({ 'printer.openid': e.detail.value, ...this.clearedMark('openid') });
    },

    /** A name for a printer row, kept only on this phone. */
    onPrinterNameInput(e: WechatMiniprogram.Input<WechatMiniprogram.IAnyObject, { index?: number | string }>) {
      const row = this.data.view.printers.rows[Number(e.currentTarget.dataset.index)];
      if (row === undefined) return;
      const names = storedPrinterNames();
      const name = e.detail.value.trim();
      if (name === '') delete names[row.openid];
      else names[row.openid] = name;
      try {
        wx.setStorageSync(PRINTER_NAMES_STORAGE_KEY, names);
      } catch {
        // Only a lost convenience: the name shows until the page reloads.
      }
      const rows = this.data.view.printers.rows.map((printer) => (printer.openid === row.openid ? { ...printer, name } : printer));
      this.setData({ 'view.printers.rows': rows });
    },

    onAccountInput(e: WechatMiniprogram.Input<WechatMiniprogram.IAnyObject, { field?: string }>) {
      const field = e.currentTarget.dataset.field;
      if (!isAccountField(field)) return;
      const value = e.detail.value;
      this.setData({ [`account.${field}`]: value, ...this.clearedMark(field) });
      if (field === 'deliveryId') {
        this.setData({ showRemark: showsRemark(this.currentChoice(), value) });
      }
    },

    currentChoice() {
      return carrierChoice(this.data.carrierIndex, pickerRows(this.data.carrierList));
    },

    onCarrierChange(e: WechatMiniprogram.PickerChange) {
      const index = Number(e.detail.value);
      const choice = carrierChoice(index, pickerRows(this.data.carrierList));
      const passwordShown = showsPassword(choice);
      this.setData({
        carrierIndex: choice.chosen ? index : -1,
        carrierLabel: choice.label,
        isOtherCarrier: choice.isOther,
        showPassword: passwordShown,
        showRemark: showsRemark(choice, this.data.account.deliveryId),
        // A hidden password is never kept.
        ...(passwordShown ? {} : { 'account.password': '' }),
        ...this.clearedMark('deliveryId'),
      });
    },

    onAction(e: WechatMiniprogram.TouchEvent<WechatMiniprogram.IAnyObject, WechatMiniprogram.IAnyObject, { action?: string }>) {
      const action = e.currentTarget.dataset.action;
      if (isFormAction(action)) void this.submit(action, null);
    },

    onUnbindPrinterRow(e: RowEvent) {
      const row: PrinterRow | undefined = this.data.view.printers.rows[rowIndex(e)];
      if (row !== undefined) void this.submit('unbindPrinter', { openid: row.openid });
    },

    onUnbindAccountRow(e: RowEvent) {
      const row: AccountRow | undefined = this.data.view.accounts.rows[rowIndex(e)];
      if (row !== undefined) void this.submit('unbindAccount', { deliveryId: row.deliveryId, bizId: row.bizId });
    },

    /** 重新提交: the bind form gets the failed account's carrier and bizId, so the remark can be corrected. */
    onResubmitAccount(e: RowEvent) {
      const row: AccountRow | undefined = this.data.view.accounts.rows[rowIndex(e)];
      if (row === undefined || this.data.busy) return;
      const rows = pickerRows(this.data.carrierList);
      const index = carrierIndexOf(row.deliveryId, rows);
      const choice = carrierChoice(index, rows);
      const typedId = choice.isOther ? row.deliveryId : '';
      this.setData({
        carrierIndex: index,
        carrierLabel: choice.label,
        isOtherCarrier: choice.isOther,
        showPassword: showsPassword(choice),
        showRemark: showsRemark(choice, typedId),
        // The remark sent before, to correct (the review's reason says what was wrong with it).
        account: { deliveryId: typedId, bizId: row.bizId, password: '', remarkContent: row.remarkContent || this.data.account.remarkContent },
        invalidField: '',
        result: {
          tone: 'info',
          toneLabel: '提示',
          title: '请修改后重新提交',
          message: `已把 ${row.carrierName} 的客户编码 ${row.bizId} 填入下面的表单。未通过原因：${row.reason}`,
          hint: '改好备注（或其他信息）后，点「绑定快递账号」重新提交审核。',
          canRetry: false,
          technical: '',
          callerOpenid: '',
        },
      });
      wx.pageScrollTo({ selector: '#accountForm', duration: 200, fail: () => undefined });
    },

    onRetry() {
      const action = this.data.lastAction;
      if (action !== '') void this.submit(action, this.data.lastTarget);
    },

    async submit(action: Action, target: RowTarget | null): Promise<void> {
      if (this.data.busy) return;
      // Taken at once, before any await, so a second tap in the same moment finds the page busy.
      this.setData({ busy: true, busyAction: action, lastAction: action, lastTarget: target });
      let answered = false;
      try {
        const built = this.buildRequest(action, target);
        if (!built.ok) {
          this.setData({ result: describeProblem(built.problem), invalidField: built.problem.field });
          return;
        }
        if (isUnbind(action) && !(await this.confirmUnbind(action, target))) return;
        this.setData({ result: null, invalidField: '' });
        const envelope: Envelope = await built.send();
        this.showOutcome(envelope, action, built.passwordSent);
        answered = true;
      } finally {
        this.setData({ busy: false, busyAction: '' });
      }
      // Whatever the answer, the view shows the real state again.
      if (answered) await this.loadBindings();
    },

    buildRequest(action: Action, target: RowTarget | null):
      | { ok: true; passwordSent: boolean; send: () => Promise<Envelope> }
      | { ok: false; problem: FormProblem } {
      if (isAccountAction(action)) {
        const built =
          action === 'unbindAccount'
            ? buildAccountUnbindEvent({ deliveryId: target?.deliveryId ?? '', bizId: target?.bizId ?? '' })
            : buildBindAccountEvent('bind', { carrierIndex: this.data.carrierIndex, ...this.data.account }, pickerRows(this.data.carrierList));
        if (!built.ok) return built;
        const event = built.event;
        return { ok: true, passwordSent: event.password !== undefined, send: () => callLogisticsFunction('bindAccount', event) };
      }
      const printerAction = action as 'bindPrinter' | 'unbindPrinter' | 'bindSelf';
      const built = buildUpdatePrinterEvent(printerAction, action === 'unbindPrinter' ? { openid: target?.openid ?? '' } : this.data.printer);
      if (!built.ok) return built;
      const event = built.event;
      return { ok: true, passwordSent: false, send: () => callLogisticsFunction('updatePrinter', event) };
    },

    async confirmUnbind(action: Action, target: RowTarget | null): Promise<boolean> {
      let content: string;
      if (action === 'unbindPrinter') {
        const openid = target?.openid ?? '';
        const name = this.data.view.printers.rows.find((row) => row.openid === openid)?.name ?? '';
        const who = name === '' ? openid : `${name}（${shortOpenid(openid)}）`;
        content = `确定要解绑打印员 ${who} 吗？解绑后 TA 将不能再打印面单。`;
      } else {
        const row = this.data.view.accounts.rows.find((r) => r.deliveryId === target?.deliveryId && r.bizId === target?.bizId);
        content = `确定要解绑 ${row?.carrierName ?? target?.deliveryId ?? ''} 的客户编码 ${target?.bizId ?? ''} 吗？解绑后将不能再用这个账号下单。`;
      }
      // Callback style, not the promise form: it works on every base library, and a dialog
      // that fails to show counts as "not confirmed".
      return new Promise<boolean>((resolve) => {
        wx.showModal({
          title: action === 'unbindPrinter' ? '解绑打印员' : '解绑快递账号',
          content,
          confirmText: '解绑',
          confirmColor: '#e64340',
          cancelText: '取消',
          success: (answer) => resolve(answer.confirm === true),
          fail: () => resolve(false),
        });
      });
    },

    showOutcome(envelope: Envelope, action: Action, passwordSent: boolean) {
      const result = resultPanelFor(envelope, { action, passwordSent, adminPerGetBindings: this.data.view.adminPerGetBindings });
      this.setData({
        result,
        invalidField: envelope.code === 'INVALID_PARAM' ? (envelope.field ?? '') : '',
        // The call is over: the password leaves page data whatever the outcome.
        'account.password': '',
      });
      // The panel is at the top of the page: bring it into view. Both are cosmetic, so failures are ignored.
      if (result.tone === 'success') wx.showToast({ title: result.title, icon: 'success', fail: () => undefined });
      wx.pageScrollTo({ scrollTop: 0, duration: 200, fail: () => undefined });
    },

    /** 复制 beside a refused caller's own OPENID (WeChat confirms the copy with its own toast). */
    onCopyOpenid(e: WechatMiniprogram.TouchEvent<WechatMiniprogram.IAnyObject, WechatMiniprogram.IAnyObject, { openid?: string }>) {
      const openid = e.currentTarget.dataset.openid;
      if (typeof openid === 'string' && openid !== '') wx.setClipboardData({ data: openid, fail: () => undefined });
    },

    /** Editing the marked field takes the mark away. */
    clearedMark(field: string): { invalidField?: string } {
      return this.data.invalidField === field ? { invalidField: '' } : {};
    },
  },
});
