/**
 * From what a person typed to the event a function receives: trim, leave out empty optional
 * fields (never send ""), apply the few rules only the page knows (which carrier needs what), then
 * the same checks as the functions (validation.ts).
 */
import { CARRIER_OPTIONS, carrierChoice, showsPassword, showsRemark, EMS_REMARK_FORMAT, type CarrierChoice, type CarrierOption } from './carriers';
import type { BindAccountEvent, BindOrUnbind, RenamePrinterEvent, RevokeInviteEvent, UpdatePrinterEvent } from '../shared/function-events';
import { checkBindAccountEvent, checkRenameEvent, checkRevokeEvent, checkUpdatePrinterEvent, type FormProblem } from './validation';

export type Built<Event> = { readonly ok: true; readonly event: Event } | { readonly ok: false; readonly problem: FormProblem };

/** What the page can do; each is one call to one function. */
export type Action = 'bindPrinter' | 'unbindPrinter' | 'bindSelf' | 'bindAccount' | 'unbindAccount' | 'renamePrinter' | 'revokeInvite';

/** The actions asked about in a dialog before anything is sent: they take something away. */
export function isUnbind(action: Action): boolean {
  return action === 'unbindPrinter' || action === 'unbindAccount' || action === 'revokeInvite';
}

export function isAccountAction(action: Action): boolean {
  return action === 'bindAccount' || action === 'unbindAccount';
}

export interface PrinterForm {
  readonly openid: string;
}

/**
 * 'bindSelf' leaves openid out, which the function reads as "the caller". The other two require
 * one: leaving it out there would silently bind or unbind the person tapping instead.
 */
export function buildUpdatePrinterEvent(action: 'bindPrinter' | 'unbindPrinter' | 'bindSelf', form: PrinterForm): Built<UpdatePrinterEvent> {
  const updateType: BindOrUnbind = action === 'unbindPrinter' ? 'unbind' : 'bind';
  let event: UpdatePrinterEvent;
  if (action === 'bindSelf') {
    event = { updateType };
  } else {
    const openid = form.openid.trim();
    if (openid === '') {
      return problem('openid', '请填写打印员 openid（openid）；要绑定你自己，请点「绑定我自己」');
    }
    event = { openid, updateType };
  }
  const found = checkUpdatePrinterEvent(event);
  return found ? { ok: false, problem: found } : { ok: true, event };
}

export interface AccountForm {
  /** Position in the picker's rows; -1 while nothing is chosen. */
  readonly carrierIndex: number;
  /** Typed by hand, used only for "other". */
  readonly deliveryId: string;
  readonly bizId: string;
  readonly password: string;
  readonly remarkContent: string;
}

/** The remark is one line for WeChat: line breaks a person typed become spaces. */
export function normaliseRemark(remark: string): string {
  return remark.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** `options`: the picker's rows the index points into (the built-in ones unless WeChat's list came). */
export function buildBindAccountEvent(type: BindOrUnbind, form: AccountForm, options: readonly CarrierOption[] = CARRIER_OPTIONS): Built<BindAccountEvent> {
  const choice: CarrierChoice = carrierChoice(form.carrierIndex, options);
  if (!choice.chosen) return problem('deliveryId', '请选择快递公司（deliveryId）');

  const deliveryId = choice.isOther ? form.deliveryId.trim() : choice.deliveryId;
  if (deliveryId === '') return problem('deliveryId', '请填写快递公司编码（deliveryId），例如 YUNDA');

  // A field the page hides is never sent, even if something was typed there before.
  // The password is sent exactly as typed: whether it is right is the carrier's to judge.
  const password = showsPassword(choice) ? form.password : '';
  const remarkContent = showsRemark(choice, form.deliveryId) ? normaliseRemark(form.remarkContent) : '';
  const bizId = form.bizId.trim();

  if (bizId === '') return problem('bizId', '客户编码（bizId）不能为空');
  if (type === 'bind' && choice.carrier?.needsPassword === true && password === '') {
    return problem('password', `${choice.carrier.name}绑定需要快递账号密码（password），请填写`);
  }
  if (type === 'bind' && choice.carrier?.needsRemark === true && remarkContent === '') {
    return problem('remarkContent', `${choice.carrier.name}绑定需要填写备注（remarkContent），格式：${EMS_REMARK_FORMAT}`);
  }

  const event: BindAccountEvent = {
    type,
    bizId,
    deliveryId,
    ...(password === '' ? {} : { password }),
    ...(remarkContent === '' ? {} : { remarkContent }),
  };
  const found = checkBindAccountEvent(event);
  return found ? { ok: false, problem: found } : { ok: true, event };
}

/** An unbind from an account row: the row's own ids, checked like any other event. */
export function buildAccountUnbindEvent(account: { readonly deliveryId: string; readonly bizId: string }): Built<BindAccountEvent> {
  const event: BindAccountEvent = { type: 'unbind', bizId: account.bizId, deliveryId: account.deliveryId };
  const found = checkBindAccountEvent(event);
  return found ? { ok: false, problem: found } : { ok: true, event };
}

/** 改名 on a printer row: the name trimmed, checked by the shared name rule. */
export function buildRenameEvent(openid: string, name: string): Built<RenamePrinterEvent> {
  const event: RenamePrinterEvent = { updateType: 'rename', openid, name: name.trim() };
  const found = checkRenameEvent(event);
  return found ? { ok: false, problem: found } : { ok: true, event };
}

/** 撤销 on an invite row (or 不发了 on one just minted). */
export function buildRevokeEvent(inviteId: string): Built<RevokeInviteEvent> {
  const event: RevokeInviteEvent = { updateType: 'revoke', inviteId };
  const found = checkRevokeEvent(event);
  return found ? { ok: false, problem: found } : { ok: true, event };
}

function problem(field: string, message: string): { ok: false; problem: FormProblem } {
  return { ok: false, problem: { field, message } };
}
