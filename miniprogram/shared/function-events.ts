/**
 * The three cloud functions' events as the page sends them: their wire contract, in one place,
 * with the one piece of data a refusal carries back. The functions check every field themselves
 * (core/, with ./field-rules.ts); these types only keep the page from sending an event a function
 * does not take. Types only: nothing here runs.
 */
import type { BindingsPart } from './bindings';

export type BindOrUnbind = 'bind' | 'unbind';

/** `updatePrinter`: bind or unbind a printer (`openid` absent means the caller). */
export interface UpdatePrinterEvent {
  openid?: string;
  updateType: BindOrUnbind;
  tagidList?: string;
}

/** `updatePrinter`'s mint event: the default lifetime (INVITE_TTL_HOURS.default in ./printer-invites.ts). */
export interface MintInviteEvent {
  updateType: 'invite';
  ttlHours?: number;
}

/** `updatePrinter`'s accept event: binds whoever sends it. */
export interface AcceptInviteEvent {
  updateType: 'bind';
  invite: string;
}

/** `bindAccount`: bind or unbind a courier account. */
export interface BindAccountEvent {
  type: BindOrUnbind;
  bizId: string;
  deliveryId: string;
  password?: string;
  remarkContent?: string;
}

/** `getBindings`: `parts` absent means all three; otherwise a non-empty list without repeats. */
export interface GetBindingsEvent {
  parts?: BindingsPart[];
}

/** Each function the page calls, and the events it takes. */
export interface FunctionEvents {
  updatePrinter: UpdatePrinterEvent | MintInviteEvent | AcceptInviteEvent;
  bindAccount: BindAccountEvent;
  getBindings: GetBindingsEvent;
}

/** The name of a cloud function the page calls (wx.cloud.callFunction's `name`). */
export type CalledFunctionName = keyof FunctionEvents;

/**
 * `data` of NOT_ADMIN and ADMINS_NOT_CONFIGURED for a caller whose OPENID passed the identity
 * checks: their own OPENID, theirs to see, and what the owner lists in LOGISTICS_ADMIN_OPENIDS.
 * Every other refusal carries no data.
 */
export interface RefusedCallerData {
  callerOpenid: string;
}
