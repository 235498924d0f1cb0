/**
 * What the result panel says for an outcome: first what happened, in plain words (a short title,
 * the envelope's own message for a refusal: plain Chinese, written for a person), a tone, what to
 * do next, and the code and errCode for 详情. Branches on `code` (and an ok write's `recorded`)
 * only, never on errMsg or message.
 */
import type { Envelope } from '../../core/envelope';
import { OUTCOME_UNKNOWN_CODES } from '../shared/client-outcomes';
import { fieldLabel } from '../shared/field-rules';
import type { CalledFunctionName } from '../shared/function-events';
import { adminRefusalHint, callerOpenidOf, driftHint, driftTitle, isAdminRefusal } from './admin-setup';
import type { Action } from './forms';
import type { FormProblem } from './validation';

/** success: done. info: nothing went wrong, but it is not done as asked. warning: result unknown. error: not done. */
export type Tone = 'success' | 'info' | 'warning' | 'error';

const TONE_LABELS: Readonly<Record<Tone, string>> = {
  success: '成功',
  info: '提示',
  warning: '请注意',
  error: '没有成功',
};

export interface ResultView {
  readonly tone: Tone;
  /** Said next to the colour, so the tone does not rest on colour alone. */
  readonly toneLabel: string;
  readonly title: string;
  readonly message: string;
  /** What to do next; may be empty. */
  readonly hint: string;
  /** Show "再试一次". */
  readonly canRetry: boolean;
  /** For a person reporting a problem to an admin, shown behind 详情; never contains input values. */
  readonly technical: string;
  /** The caller's own OPENID, shown with 复制, for an admin refusal that carries it ('' otherwise). */
  readonly callerOpenid: string;
}

/** What the page does: a form or row action, or one of the invite's calls. */
export type OutcomeAction = Action | 'mintInvite' | 'previewInvite' | 'acceptInvite';

/** The function each action calls (drift names the one that disagreed with getBindings). */
const FUNCTION_OF: Readonly<Record<OutcomeAction, CalledFunctionName>> = {
  bindPrinter: 'updatePrinter',
  unbindPrinter: 'updatePrinter',
  bindSelf: 'updatePrinter',
  bindAccount: 'bindAccount',
  unbindAccount: 'bindAccount',
  renamePrinter: 'updatePrinter',
  revokeInvite: 'updatePrinter',
  mintInvite: 'updatePrinter',
  previewInvite: 'updatePrinter',
  acceptInvite: 'updatePrinter',
};

const DONE_TITLES: Readonly<Record<OutcomeAction, string>> = {
  bindPrinter: '已绑定打印员',
  unbindPrinter: '已解绑打印员',
  bindSelf: '已把你绑定为打印员',
  bindAccount: '快递账号已绑定',
  unbindAccount: '快递账号已解绑',
  renamePrinter: '已改名',
  revokeInvite: '邀请已撤销',
  mintInvite: '邀请已生成',
  previewInvite: '邀请可以接受',
  acceptInvite: '你已成为面单打印员',
};

/**
 * An `ok` write whose records (the roster, the history) were not saved (`recorded: false`): what
 * the admin must know. The operation itself is done; WeChat's lists stay the truth of who prints.
 */
const NOT_RECORDED: Readonly<Partial<Record<OutcomeAction, string>>> = {
  bindPrinter: '打印员已绑定，但云数据库没有记下这次操作：TA 的名字和添加记录没有保存，列表里会显示为未命名，稍后可以点「改名」补上。',
  bindSelf: '你已绑定为打印员，但云数据库没有记下这次操作：名字和添加记录没有保存，稍后可以点「改名」补上。',
  unbindPrinter: '打印员已解绑，但云数据库没有记下这次操作：「最近操作」里不会有这一条，名单上的名字也可能还留着。',
  bindAccount: '快递账号已绑定，但云数据库没有记下这次操作：「最近操作」里不会有这一条。',
  unbindAccount: '快递账号已解绑，但云数据库没有记下这次操作：「最近操作」里不会有这一条。',
  renamePrinter: '名字没有保存完整：云数据库没有记下这次改名，请稍后再改一次。',
  revokeInvite: '邀请已撤销，但云数据库没有记下这次操作：「最近操作」里不会有这一条。',
  mintInvite: '邀请已生成，但云数据库没有记下这次操作：「最近操作」里不会有这一条。',
  acceptInvite: '你已成为面单打印员，但你的名字没有保存：管理员会看到一位未命名的打印员，请告诉 TA 你是谁。',
};

/** Whether an ok answer says its records were not saved (`data.recorded === false`). */
export function notRecorded(envelope: Envelope): boolean {
  return envelope.ok && typeof envelope.data === 'object' && envelope.data !== null && (envelope.data as { recorded?: unknown }).recorded === false;
}

/** Informative states: the person's goal is met or on its way, so they are not shown as errors. */
const INFO_TITLES: Readonly<Record<string, string>> = {
  ALREADY_BOUND: '已经绑定过了',
  UNDER_REVIEW: '已提交，等待快递公司审核',
};

const ERROR_TITLES: Readonly<Record<string, string>> = {
  WRONG_ACCOUNT_OR_PASSWORD: '客户编码或密码不正确',
  BIZ_ID_NOT_FOUND: '没有找到这个客户编码',
  INVALID_OPENID: '这个 openid 不是本小程序的用户',
  NOT_ADMIN: '没有权限',
  ADMINS_NOT_CONFIGURED: '尚未设置管理员',
  NO_CALLER_IDENTITY: '无法确认你的身份',
  INVALID_CALLER_IDENTITY: '无法确认你的身份',
  INVALID_CONFIGURATION: '云函数配置有误',
  INVALID_PARAM: '填写有误',
  INVALID_EVENT: '填写有误',
  INVITE_INVALID: '这个邀请无效',
  INVITE_EXPIRED: '这个邀请已过期',
  INVITE_REVOKED: '这个邀请已被撤销',
  INVITE_USED_UP: '这个邀请已经用完了',
  INVITE_NOT_FOUND: '没有找到这个邀请',
};

/** A code's short title (the history says what came of each entry), or undefined for a code with none. */
export function codeTitle(code: string): string | undefined {
  if (code === 'OK') return '';
  if (OUTCOME_UNKNOWN_CODES.includes(code)) return '结果未知';
  return INFO_TITLES[code] ?? ERROR_TITLES[code];
}

const REFUSAL_HINT = '如需开通权限，请联系这个小程序的管理员。';
const REFUSED_CALLER_CODES: readonly string[] = ['NO_CALLER_IDENTITY', 'INVALID_CALLER_IDENTITY'];
/** A staff member accepting an invite is not the one who sets admins. */
const ACCEPT_ADMIN_REFUSAL_HINT = '这不是你的问题：请把这条提示转告发给你卡片的管理员。';
const CONFIGURATION_HINT = '这不是你填错了：请把这条提示转告管理员，改好云函数的环境变量后再试。';
const CONFIGURATION_CODES: readonly string[] = ['INVALID_CONFIGURATION'];
export const NEW_INVITE_HINT = '请联系发给你卡片的管理员，请 TA 在管理页面「邀请打印员」里再发一张新的邀请。';
const NEW_INVITE_CODES: readonly string[] = ['INVITE_INVALID', 'INVITE_EXPIRED', 'INVITE_REVOKED', 'INVITE_USED_UP'];

export function resultView(tone: Tone, title: string, message: string, hint: string, canRetry: boolean, technical: string, callerOpenid = ''): ResultView {
  return { tone, toneLabel: TONE_LABELS[tone], title, message, hint, canRetry, technical, callerOpenid };
}

export interface OutcomeContext {
  readonly action: OutcomeAction;
  /** A password was sent: it has been cleared, so a retry needs it typed again. */
  readonly passwordSent: boolean;
  /** getBindings answered this caller as an admin: an admin refusal now is drift between the functions. */
  readonly adminPerGetBindings?: boolean;
}

export function resultPanelFor(envelope: Envelope, context: OutcomeContext): ResultView {
  const technical = `${envelope.code} · errCode ${envelope.errCode}`;
  if (envelope.ok) {
    const unsaved = notRecorded(envelope) ? NOT_RECORDED[context.action] : undefined;
    // What happened is the title; the catalogue's generic 操作成功 would only repeat it.
    if (unsaved !== undefined) return resultView('info', DONE_TITLES[context.action], unsaved, '', false, technical);
    return resultView('success', DONE_TITLES[context.action], '', '', false, technical);
  }
  const infoTitle = INFO_TITLES[envelope.code];
  if (infoTitle !== undefined) return resultView('info', infoTitle, envelope.message, '', false, technical);

  const retryHint = context.passwordSent ? '可以稍后点「再试一次」（为了安全，密码已清空，请重新输入）。' : '可以稍后点「再试一次」。';
  if (OUTCOME_UNKNOWN_CODES.includes(envelope.code)) {
    return resultView('warning', '结果未知', envelope.message, retryHint, true, technical);
  }

  if (isAdminRefusal(envelope.code)) return adminRefusalPanel(envelope, context, technical);

  let title = ERROR_TITLES[envelope.code] ?? (envelope.retryable ? '暂时没有成功' : '没有成功');
  if (envelope.code === 'INVALID_PARAM' && envelope.field) title = `填写有误：${fieldLabel(envelope.field)}`;
  let hint = '';
  if (envelope.retryable) hint = retryHint;
  else if (REFUSED_CALLER_CODES.includes(envelope.code)) hint = REFUSAL_HINT;
  else if (CONFIGURATION_CODES.includes(envelope.code)) hint = CONFIGURATION_HINT;
  else if (NEW_INVITE_CODES.includes(envelope.code)) hint = NEW_INVITE_HINT;
  return resultView('error', title, envelope.message, hint, envelope.retryable, technical);
}

/** NOT_ADMIN or ADMINS_NOT_CONFIGURED: the caller's OPENID to copy, and what to do with it. */
function adminRefusalPanel(envelope: Envelope, context: OutcomeContext, technical: string): ResultView {
  const fn = FUNCTION_OF[context.action];
  if (context.action === 'acceptInvite') {
    return resultView('error', ERROR_TITLES[envelope.code]!, envelope.message, ACCEPT_ADMIN_REFUSAL_HINT, false, technical);
  }
  const openid = callerOpenidOf(envelope);
  if (context.adminPerGetBindings === true) {
    return resultView('error', driftTitle(fn, envelope.code), envelope.message, driftHint(fn, envelope.code), false, technical, openid);
  }
  return resultView('error', ERROR_TITLES[envelope.code]!, envelope.message, adminRefusalHint(envelope.code), false, technical, openid);
}

/** A check on the phone stopped the request: nothing was sent. */
export function describeProblem(problem: FormProblem): ResultView {
  return resultView('error', '请检查填写内容', problem.message, '还没有提交，改好后再点一次。', false, '');
}
