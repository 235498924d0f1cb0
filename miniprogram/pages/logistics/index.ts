/**
 * 物流助手管理: bind and unbind waybill printers and courier accounts.
 *
 * Built with Component() (WeChat runs pages built this way; page hooks such as onLoad live in
 * `methods`). This file is only glue: the rules are in ../../logic, the call in ../../services.
 *
 * The password is kept in page data only while it is being typed: it is cleared as soon as a
 * call completes, when the carrier changes to one that needs none, and when the page is hidden.
 * It is never logged.
 */
import { CARRIER_OPTIONS, carrierChoice, EMS_REMARK_FORMAT, showsPassword, showsRemark } from '../../logic/carriers';
import { buildBindAccountEvent, buildUpdatePrinterEvent, isAccountAction, isUnbind, type Action } from '../../logic/forms';
import { resultPanelFor, describeProblem, type ResultView } from '../../logic/outcome';
import { callLogisticsFunction, type Envelope } from '../../services/logistics';

const ACTIONS: readonly Action[] = ['bindPrinter', 'unbindPrinter', 'bindSelf', 'bindAccount', 'unbindAccount'];

const ACCOUNT_FIELDS = ['deliveryId', 'bizId', 'password', 'remarkContent'] as const;
type AccountField = (typeof ACCOUNT_FIELDS)[number];

function isAction(value: unknown): value is Action {
  return typeof value === 'string' && (ACTIONS as readonly string[]).includes(value);
}

function isAccountField(value: unknown): value is AccountField {
  return typeof value === 'string' && (ACCOUNT_FIELDS as readonly string[]).includes(value);
}

const BUSY_TEXT = '正在提交，请稍候…';

Component({
  data: {
    printer: { openid: '' },
    carrierOptions: CARRIER_OPTIONS.map((option) => ({ label: option.label })),
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
  },

  methods: {
    onLoad() {
      // Nothing to fetch: the page starts empty. Kept for the page lifecycle's sake.
    },

    onHide() {
      this.setData({ 'account.password': '' });
    },

    onPrinterInput(e: WechatMiniprogram.Input) {
      this.setData({ 'printer.openid': e.detail.value, ...this.clearedMark('openid') });
    },

    onAccountInput(e: WechatMiniprogram.Input<WechatMiniprogram.IAnyObject, { field?: string }>) {
      const field = e.currentTarget.dataset.field;
      if (!isAccountField(field)) return;
      const value = e.detail.value;
      this.setData({ [`account.${field}`]: value, ...this.clearedMark(field) });
      if (field === 'deliveryId') {
        this.setData({ showRemark: showsRemark(carrierChoice(this.data.carrierIndex), value) });
      }
    },

    onCarrierChange(e: WechatMiniprogram.PickerChange) {
      const index = Number(e.detail.value);
      const choice = carrierChoice(index);
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
      if (isAction(action)) void this.submit(action);
    },

    onRetry() {
      const action = this.data.lastAction;
      if (action !== '') void this.submit(action);
    },

    async submit(action: Action): Promise<void> {
      if (this.data.busy) return;
      // Taken at once, before any await, so a second tap in the same moment finds the page busy.
      this.setData({ busy: true, busyAction: action, lastAction: action });
      try {
        const built = this.buildRequest(action);
        if (!built.ok) {
          this.setData({ result: describeProblem(built.problem), invalidField: built.problem.field });
          return;
        }
        if (isUnbind(action) && !(await this.confirmUnbind(action))) return;
        this.setData({ result: null, invalidField: '' });
        const envelope: Envelope = await built.send();
        this.showOutcome(envelope, action, built.passwordSent);
      } finally {
        this.setData({ busy: false, busyAction: '' });
      }
    },

    buildRequest(action: Action):
      | { ok: true; passwordSent: boolean; send: () => Promise<Envelope> }
      | { ok: false; problem: { field: string; message: string } } {
      if (isAccountAction(action)) {
        const { account, carrierIndex } = this.data;
        const built = buildBindAccountEvent(action === 'unbindAccount' ? 'unbind' : 'bind', { carrierIndex, ...account });
        if (!built.ok) return built;
        const event = built.event;
        return { ok: true, passwordSent: event.password !== undefined, send: () => callLogisticsFunction('bindAccount', event) };
      }
      const printerAction = action as 'bindPrinter' | 'unbindPrinter' | 'bindSelf';
      const built = buildUpdatePrinterEvent(printerAction, this.data.printer);
      if (!built.ok) return built;
      const event = built.event;
      return { ok: true, passwordSent: false, send: () => callLogisticsFunction('updatePrinter', event) };
    },

    async confirmUnbind(action: Action): Promise<boolean> {
      const content =
        action === 'unbindPrinter'
          ? `确定要解绑打印员 ${this.data.printer.openid.trim()} 吗？解绑后 TA 将不能再打印面单。`
          : `确定要解绑 ${this.data.carrierLabel} 的客户编码 ${this.data.account.bizId.trim()} 吗？解绑后将不能再用这个账号下单。`;
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
      const result = resultPanelFor(envelope, { action, passwordSent });
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

    /** Editing the marked field takes the mark away. */
    clearedMark(field: string): { invalidField?: string } {
      return this.data.invalidField === field ? { invalidField: '' } : {};
    },
  },
});
