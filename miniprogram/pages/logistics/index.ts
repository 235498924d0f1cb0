/**
 * 物流助手管理: what is bound (courier accounts with their review status and quota, printers named
 * by the roster, open invites, 最近操作) and the changes an admin makes to it.
 *
 * Built with Component() (WeChat runs pages built this way; page hooks such as onShow live in
 * `methods`). This file is only glue: the rules are in ../../logic, the calls in ../../services.
 * Each feature (the lists, the forms, printer invites) is one section of the WXML with its own
 * handlers here. The daily view (accounts, printers, history) comes first, the forms after it.
 *
 * The view is loaded from getBindings (every part) on show, on pull-down refresh and after every change.
 *
 * Printer invites: 生成 mints an invite with what the admin chose; its 发给 TA button
 * (open-type="share") then shares a card whose path carries that invite, at once. An invite
 * minted and never shared is revoked by 不发了 or when the page closes. A page opened with an
 * `invite` query is the acceptance view instead (preview first, no getBindings, share menu hidden,
 * so the token goes no further).
 *
 * The password is kept in page data only while it is being typed: it is cleared as soon as a
 * call completes, when the carrier changes to one that needs none, and when the page is hidden.
 * It is never logged.
 */
import {
  bindingsViewFor,
  inviteTitle,
  LOADING_VIEW,
  localNamesToOffer,
  PRINTER_NAMES_STORAGE_KEY,
  readPrinterNames,
  shortOpenid,
  type AccountRow,
  type BindingsView,
  type InviteRow,
  type LocalNameOffer,
  type PrinterRow,
} from '../../logic/bindings-view';
import { carrierChoice, carrierIndexOf, carrierOptions, EMS_REMARK_FORMAT, showsPassword, showsRemark, type CarrierOption } from '../../logic/carriers';
import {
  buildAccountUnbindEvent,
  buildBindAccountEvent,
  buildRenameEvent,
  buildRevokeEvent,
  buildUpdatePrinterEvent,
  isAccountAction,
  isUnbind,
  type Action,
} from '../../logic/forms';
import {
  acceptingView,
  acceptInviteEvent,
  acceptViewFor,
  buildMintEvent,
  DECLINED_TEXT,
  DECLINED_VIEW,
  EMPTY_INVITE_FORM,
  INVALID_CARD_VIEW,
  INVITE_FORM_TEXT,
  inviteShareCard,
  isInviteToken,
  mintedInviteOf,
  mintedView,
  mintFailurePanel,
  PLAIN_SHARE_CARD,
  PREVIEWING_VIEW,
  previewInviteEvent,
  previewViewFor,
  SHARED_LINES,
  TTL_CHOICES,
  USES_CHOICES,
  type AcceptView,
  type MintedView,
  type ShareCard,
  type UsesChoice,
} from '../../logic/invites';
import { describeProblem, resultPanelFor, resultView, type ResultView } from '../../logic/outcome';
import type { FormProblem } from '../../logic/validation';
import { BINDINGS_PARTS, type CarrierItem } from '../../shared/bindings';
import { INVITE_QUERY_KEY } from '../../shared/printer-invites';
import { callLogisticsFunction, type Envelope } from '../../services/cloud-functions';

const FORM_ACTIONS: readonly Action[] = ['bindPrinter', 'bindSelf', 'bindAccount'];

const ACCOUNT_FIELDS = ['deliveryId', 'bizId', 'password', 'remarkContent'] as const;
type AccountField = (typeof ACCOUNT_FIELDS)[number];

/** What a row action acts on (the form actions read the form instead). */
interface RowTarget {
  openid?: string;
  deliveryId?: string;
  bizId?: string;
  inviteId?: string;
  name?: string;
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
 * The invite a page was opened with, and the one an admin minted and may share, per page
 * instance: kept off page data (which DevTools shows and which renders), never logged.
 */
const openedInvites = new WeakMap<object, string>();
const mintedInvites = new WeakMap<object, { token: string; name: string }>();

function storedPrinterNames(): Record<string, string> {
  try {
    return readPrinterNames(wx.getStorageSync(PRINTER_NAMES_STORAGE_KEY));
  } catch {
    return {};
  }
}

/** The names kept on this phone from now on: only those still to offer (none: the key goes). */
function keepPrinterNames(names: Readonly<Record<string, string>>): void {
  try {
    if (Object.keys(names).length === 0) wx.removeStorageSync(PRINTER_NAMES_STORAGE_KEY);
    else wx.setStorageSync(PRINTER_NAMES_STORAGE_KEY, names);
  } catch {
    // Only a lost convenience: the names may be offered once more.
  }
}

Component({
  data: {
    /** manage: the admin's view; invite: the acceptance view of a page opened from an invite card. */
    mode: 'manage' as 'manage' | 'invite',
    accept: PREVIEWING_VIEW as AcceptView,
    /** The accepter's own name (filled with the invite's). */
    accepterName: '',
    declinedText: DECLINED_TEXT,
    inviteFormText: INVITE_FORM_TEXT,
    inviteForm: { ...EMPTY_INVITE_FORM },
    ttlOptions: TTL_CHOICES.map((choice) => ({ label: choice.label })),
    ttlLabel: TTL_CHOICES[EMPTY_INVITE_FORM.ttlIndex]!.label,
    usesChoices: USES_CHOICES,
    /** From 生成 until the mint answered. */
    inviteMinting: false,
    /** Why the last 生成 gave nothing to share. */
    inviteNote: null as ResultView | null,
    /** The minted invite waiting for 发给 TA (its token is in mintedInvites, never here). */
    minted: null as MintedView | null,
    sharedLines: SHARED_LINES,
    view: LOADING_VIEW as BindingsView,
    loadingBindings: false,
    /** The names kept on this phone before the roster, offered for saving once. */
    localNames: [] as LocalNameOffer[],
    /** The bind-by-openid form, folded under 高级. */
    advancedOpen: false,
    printer: { openid: '' },
    /** The printer row being renamed (its openid, '' when none) and the name typed. */
    renaming: '',
    renameValue: '',
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
    /** Which panel shows its code and errCode (详情): '', result, inviteNote, accept. */
    detailsShown: '',
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
      this.setData({ mode: 'invite', accept: PREVIEWING_VIEW });
      // The card's path holds the token: no forwarding from here (the share handler answers a plain card anyway).
      wx.hideShareMenu({ fail: () => undefined });
      wx.setNavigationBarTitle({ title: '面单打印员邀请', fail: () => undefined });
      if (!isInviteToken(invite)) {
        this.setData({ accept: INVALID_CARD_VIEW });
        return;
      }
      openedInvites.set(this, invite);
      void this.previewInvite();
    },

    onShow() {
      if (this.data.mode === 'manage') void this.loadBindings();
    },

    /** Closing the page: an invite minted and never shared is revoked (nobody got it). */
    onUnload() {
      const minted = this.data.minted;
      if (minted !== null && !minted.shared) {
        const built = buildRevokeEvent(minted.inviteId);
        if (built.ok) void callLogisticsFunction('updatePrinter', built.event);
      }
      mintedInvites.delete(this);
    },

    /** 发给 TA (open-type="share") shares the invite minted by 生成, at once; every other share is a plain card. */
    onShareAppMessage(options: WechatMiniprogram.Page.IShareAppMessageOption): ShareCard {
      const minted = mintedInvites.get(this);
      if (this.data.mode !== 'manage' || options.from !== 'button' || minted === undefined || this.data.minted === null) return PLAIN_SHARE_CARD;
      this.setData({ 'minted.shared': true });
      return inviteShareCard(minted.token, minted.name);
    },

    onInviteNameInput(e: WechatMiniprogram.Input) {
      this.setData({ 'inviteForm.name': e.detail.value });
    },

    onInviteTtlChange(e: WechatMiniprogram.PickerChange) {
      const index = Number(e.detail.value);
      const choice = TTL_CHOICES[index];
      if (choice !== undefined) this.setData({ 'inviteForm.ttlIndex': index, ttlLabel: choice.label });
    },

    onInviteUses(e: WechatMiniprogram.TouchEvent<WechatMiniprogram.IAnyObject, WechatMiniprogram.IAnyObject, { uses?: string }>) {
      const uses = e.currentTarget.dataset.uses;
      if (uses === 'once' || uses === 'many') this.setData({ 'inviteForm.uses': uses as UsesChoice });
    },

    /** 生成: mints the invite the form describes; 发给 TA shares it afterwards. */
    async onMintInvite() {
      if (this.data.busy) return;
      const built = buildMintEvent(this.data.inviteForm);
      if (!built.ok) {
        this.setData({ inviteNote: describeProblem(built.problem), detailsShown: '' });
        return;
      }
      this.setData({ busy: true, inviteMinting: true, inviteNote: null, detailsShown: '' });
      let envelope: Envelope;
      try {
        envelope = await callLogisticsFunction('updatePrinter', built.event);
        const minted = mintedInviteOf(envelope);
        const name = built.event.name ?? '';
        if (minted === undefined) {
          this.setData({ inviteNote: mintFailurePanel(envelope, this.data.view.adminPerGetBindings) });
        } else {
          mintedInvites.set(this, { token: minted.invite, name });
          this.setData({ minted: mintedView(minted, name, Date.now()), inviteForm: { ...EMPTY_INVITE_FORM }, ttlLabel: TTL_CHOICES[EMPTY_INVITE_FORM.ttlIndex]!.label });
        }
      } finally {
        this.setData({ busy: false, inviteMinting: false });
      }
      // The open invites list shows the new one.
      await this.loadBindings();
    },

    /** 不发了: the invite just minted is revoked, nobody got it. */
    onDropInvite() {
      const minted = this.data.minted;
      if (minted === null || this.data.busy) return;
      mintedInvites.delete(this);
      this.setData({ minted: null });
      void this.submit('revokeInvite', { inviteId: minted.inviteId, name: minted.name }, { confirm: false });
    },

    /** 再邀请一位: back to the form after a share. */
    onInviteAnother() {
      mintedInvites.delete(this);
      this.setData({ minted: null });
    },

    /** Asks who invited and for whom, before anything binds; never rejects. */
    async previewInvite() {
      const invite = openedInvites.get(this);
      if (invite === undefined) return;
      this.setData({ accept: PREVIEWING_VIEW, detailsShown: '' });
      const envelope = await callLogisticsFunction('updatePrinter', previewInviteEvent(invite));
      const { view, name } = previewViewFor(envelope);
      this.setData({ accept: view, accepterName: name });
    },

    onPreviewAgain() {
      if (this.data.accept.stage === 'previewFailed') void this.previewInvite();
    },

    onAccepterNameInput(e: WechatMiniprogram.Input) {
      this.setData({ accepterName: e.detail.value });
    },

    /** 接受 (and 再试一次 after an answer that may be retried): binds the person tapping. */
    async onAcceptInvite() {
      const invite = openedInvites.get(this);
      const before = this.data.accept;
      if (invite === undefined || !before.canAccept) return;
      const built = acceptInviteEvent(invite, this.data.accepterName);
      if (!built.ok) {
        this.setData({ accept: { ...before, outcome: describeProblem(built.problem) } });
        return;
      }
      this.setData({ accept: acceptingView(before), detailsShown: '' });
      const envelope = await callLogisticsFunction('updatePrinter', built.event);
      this.setData({ accept: acceptViewFor(envelope, before) });
    },

    /** 不用了: nothing is sent; the invite is forgotten (the card still opens it again). */
    onDeclineInvite() {
      if (this.data.accept.stage === 'accepting') return;
      openedInvites.delete(this);
      this.setData({ accept: DECLINED_VIEW });
    },

    /** 详情: a panel's code and errCode, for a person reporting a problem. */
    onToggleDetails(e: WechatMiniprogram.TouchEvent<WechatMiniprogram.IAnyObject, WechatMiniprogram.IAnyObject, { panel?: string }>) {
      const panel = e.currentTarget.dataset.panel ?? '';
      this.setData({ detailsShown: this.data.detailsShown === panel ? '' : panel });
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
      const envelope = await callLogisticsFunction('getBindings', { parts: [...BINDINGS_PARTS] });
      if (seq !== loadSeq) return;
      const view = bindingsViewFor(envelope);
      this.setData({ view, loadingBindings: false, localNames: localNamesToOffer(view, storedPrinterNames()), ...this.pickerData(view.carriers) });
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

    onToggleAdvanced() {
      this.setData({ advancedOpen: !this.data.advancedOpen });
    },

    /** 改名 on a printer row: an input in the row, filled with the shared name. */
    onRenamePrinterRow(e: RowEvent) {
      const row: PrinterRow | undefined = this.data.view.printers.rows[rowIndex(e)];
      if (row !== undefined && !this.data.busy) this.setData({ renaming: row.openid, renameValue: row.name });
    },

    onRenameInput(e: WechatMiniprogram.Input) {
      this.setData({ renameValue: e.detail.value });
    },

    onSaveRename() {
      if (this.data.renaming !== '') void this.submit('renamePrinter', { openid: this.data.renaming, name: this.data.renameValue });
    },

    onCancelRename() {
      this.setData({ renaming: '', renameValue: '' });
    },

    /**
     * 保存 on the names kept on this phone before the roster: one rename each, in turn. Those saved
     * (or that cannot be saved: the rules refuse them) leave the phone; a failed one stays, to offer again.
     */
    async onSaveLocalNames() {
      const offers = this.data.localNames;
      if (this.data.busy || offers.length === 0) return;
      this.setData({ busy: true, busyAction: 'renamePrinter', result: null, detailsShown: '' });
      const kept: Record<string, string> = {};
      let saved = 0;
      let failure: Envelope | undefined;
      try {
        for (const offer of offers) {
          const built = buildRenameEvent(offer.openid, offer.name);
          if (!built.ok) continue;
          const envelope = await callLogisticsFunction('updatePrinter', built.event);
          if (envelope.ok) saved += 1;
          else {
            kept[offer.openid] = offer.name;
            failure = failure ?? envelope;
          }
        }
      } finally {
        keepPrinterNames(kept);
        this.setData({ busy: false, busyAction: '', localNames: [] });
      }
      const notSaved = Object.keys(kept).length;
      this.setData({
        result:
          failure === undefined
            ? resultView('success', `已保存 ${saved} 个名字`, '这些名字现在保存在云端，每位管理员在哪台手机上都能看到。', '', false, '')
            : resultView('error', `${notSaved} 个名字没有保存`, failure.message, `已保存 ${saved} 个。没保存的名字还留在这台手机上，下次打开页面会再问你。`, false, `${failure.code} · errCode ${failure.errCode}`),
      });
      await this.loadBindings();
    },

    /** 不用了 on the names kept on this phone: they leave the phone and are not offered again. */
    onSkipLocalNames() {
      keepPrinterNames({});
      this.setData({ localNames: [] });
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

    onRevokeInviteRow(e: RowEvent) {
      const row: InviteRow | undefined = this.data.view.invites.rows[rowIndex(e)];
      if (row !== undefined) void this.submit('revokeInvite', { inviteId: row.inviteId });
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

    async submit(action: Action, target: RowTarget | null, options: { confirm?: boolean } = {}): Promise<void> {
      if (this.data.busy) return;
      // Taken at once, before any await, so a second tap in the same moment finds the page busy.
      this.setData({ busy: true, busyAction: action, lastAction: action, lastTarget: target, detailsShown: '' });
      let answered = false;
      try {
        const built = this.buildRequest(action, target);
        if (!built.ok) {
          this.setData({ result: describeProblem(built.problem), invalidField: built.problem.field });
          return;
        }
        if (isUnbind(action) && options.confirm !== false && !(await this.confirmUnbind(action, target))) return;
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
      if (action === 'renamePrinter' || action === 'revokeInvite') {
        const built = action === 'renamePrinter' ? buildRenameEvent(target?.openid ?? '', target?.name ?? '') : buildRevokeEvent(target?.inviteId ?? '');
        if (!built.ok) return built;
        const event = built.event;
        return { ok: true, passwordSent: false, send: () => callLogisticsFunction('updatePrinter', event) };
      }
      const printerAction = action as 'bindPrinter' | 'unbindPrinter' | 'bindSelf';
      const built = buildUpdatePrinterEvent(printerAction, action === 'unbindPrinter' ? { openid: target?.openid ?? '' } : this.data.printer);
      if (!built.ok) return built;
      const event = built.event;
      return { ok: true, passwordSent: false, send: () => callLogisticsFunction('updatePrinter', event) };
    },

    async confirmUnbind(action: Action, target: RowTarget | null): Promise<boolean> {
      let content: string;
      if (action === 'revokeInvite') {
        const row = this.data.view.invites.rows.find((r) => r.inviteId === target?.inviteId);
        content = `确定要撤销${row?.title ?? inviteTitle(target?.name)}吗？撤销后，还没接受的人不能再用这张卡片；已经接受的打印员不受影响。`;
      } else if (action === 'unbindPrinter') {
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
          title: action === 'revokeInvite' ? '撤销邀请' : action === 'unbindPrinter' ? '解绑打印员' : '解绑快递账号',
          content,
          confirmText: action === 'revokeInvite' ? '撤销' : '解绑',
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
        // A rename that went through closes its row's input.
        ...(action === 'renamePrinter' && envelope.ok ? { renaming: '', renameValue: '' } : {}),
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
