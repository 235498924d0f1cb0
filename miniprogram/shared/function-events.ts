/**
 * The three cloud functions' events as the page sends them: their wire contract, in one place
 * (their answers' data: ./bindings.ts and ./printer-invites.ts),
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

// Printer invites and names, all on updatePrinter (issue 21).

/** Mint: admins with an OPENID. `name` is whom the admin means it for (1–20 characters after trimming). */
export interface MintInviteEvent {
  updateType: 'invite';
  name?: string;
  /** INVITE_TTL_HOURS in ./printer-invites.ts; default 24. */
  ttlHours?: number;
  /** INVITE_MAX_USES in ./printer-invites.ts; default 1. */
  maxUses?: number;
}

/** Preview: any caller with an OPENID; no use claimed, nothing written. */
export interface PreviewInviteEvent {
  updateType: 'preview';
  invite: string;
}

/** Accept: any caller with an OPENID, bound as a printer under their own OPENID; `name` is their own (default: the invite's). */
export interface AcceptInviteEvent {
  updateType: 'bind';
  invite: string;
  name?: string;
}

/** Revoke: admins with an OPENID. */
export interface RevokeInviteEvent {
  updateType: 'revoke';
  inviteId: string;
}

/** Rename a printer on the roster: admins with an OPENID; no openapi call. */
export interface RenamePrinterEvent {
  updateType: 'rename';
  openid: string;
  name: string;
}

/** `bindAccount`: bind or unbind a courier account. */
export interface BindAccountEvent {
  type: BindOrUnbind;
  bizId: string;
  deliveryId: string;
  password?: string;
  remarkContent?: string;
}

/** `getBindings`: `parts` absent means WeChat's three (WECHAT_PARTS in ./bindings.ts); otherwise a non-empty list without repeats. */
export interface GetBindingsEvent {
  parts?: BindingsPart[];
}

/** Each function the page calls, and the events it takes. */
export interface FunctionEvents {
  updatePrinter: UpdatePrinterEvent | MintInviteEvent | PreviewInviteEvent | AcceptInviteEvent | RevokeInviteEvent | RenamePrinterEvent;
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
