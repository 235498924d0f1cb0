/**
 * Printer invites, served by updatePrinter: an admin mints an invite (no openapi call) and puts it
 * on a share card; whoever opens the card accepts it and is bound as a printer under their own
 * OPENID, through the real logistics.updatePrinter call.
 *
 * Routing looks at the event before authorising, only to choose which checks apply: an own
 * `invite` key is an acceptance (any caller with an OPENID), `updateType: "invite"` a mint (admins
 * with an OPENID), anything else today's updatePrinter (admins or trusted servers).
 */
import { fieldLabel, hasOwn, isPlainObject, PLATFORM_FIELDS, shownFieldName } from '../../miniprogram/shared/field-rules';
import { INVITE_TTL_HOURS, type MintedInviteData } from '../../miniprogram/shared/printer-invites';
import { refusalEnvelope, successEnvelope, type Envelope } from '../envelope';
import { MIN_INVITE_SECRET_LENGTH, mintInvite, verifyInvite, type MintedInvite } from '../invite-token';
import { oneCallOperation, type Operation, type OperationRoute, type RunContext } from '../operation';
import { invalidParam, type UpdatePrinterParams, type Validated } from '../validation';
import { updatePrinterCall, updatePrinterOperation } from './update-printer';

const FN = 'updatePrinter';

/** The secret, or undefined when invites are off (unset, or too short to be a real secret). */
function inviteSecret(env: RunContext['env']): string | undefined {
  const secret = env.LOGISTICS_INVITE_SECRET;
  return secret !== undefined && secret.length >= MIN_INVITE_SECRET_LENGTH ? secret : undefined;
}

function checkInvitesConfigured(context: RunContext): Envelope<never> | undefined {
  if (inviteSecret(context.env) !== undefined) return undefined;
  return refusalEnvelope('INVITES_NOT_CONFIGURED', `${FN}:fail LOGISTICS_INVITE_SECRET is unset or shorter than ${MIN_INVITE_SECRET_LENGTH} characters`);
}

/** The event's own fields other than the ones WeChat adds, and other than `known`. */
function otherFields(event: Record<string, unknown>, known: readonly string[]): string[] {
  return Object.keys(event).filter((key) => !PLATFORM_FIELDS.includes(key) && !known.includes(key));
}

function checkTtlHours(value: unknown): { ok: true; ttlHours: number } | { ok: false; envelope: Envelope<never> } {
  if (value === undefined) return { ok: true, ttlHours: INVITE_TTL_HOURS.default };
  if (typeof value === 'number' && Number.isInteger(value) && value >= INVITE_TTL_HOURS.min && value <= INVITE_TTL_HOURS.max) return { ok: true, ttlHours: value };
  const range = `${INVITE_TTL_HOURS.min}–${INVITE_TTL_HOURS.max}`;
  return invalidParam(FN, 'ttlHours', `must be a whole number of hours from ${range}`, `${fieldLabel('ttlHours')}应为 ${range} 之间的整数（小时）`);
}

/** `{ updateType: "invite", ttlHours? }` → a new invite (minting is what the checked event asks for). */
function validateMintEvent(event: unknown, appid: string, context: RunContext): Validated<MintedInvite> {
  const record = event as Record<string, unknown>; // routed here only as an object
  const extra = otherFields(record, ['updateType', 'ttlHours'])[0];
  if (extra !== undefined) {
    const shown = shownFieldName(extra);
    return invalidParam(FN, shown, 'is not a field of an invite (an invite binds whoever accepts it)', `生成邀请时不支持参数 ${shown}`);
  }
  const ttl = checkTtlHours(record.ttlHours);
  if (!ttl.ok) return ttl;
  return { ok: true, params: mintInvite({ secret: inviteSecret(context.env)!, appid, now: context.now, ttlHours: ttl.ttlHours }) };
}

/**
 * `{ updateType: "bind", invite }` → the caller's own OPENID as the printer. The first wrong field
 * is named, in this order: openid, tagidList, ttlHours, any other field, updateType, invite.
 */
function validateAcceptEvent(event: unknown, caller: { openid?: string; appid?: string }, context: RunContext): Validated<UpdatePrinterParams> {
  const record = event as Record<string, unknown>; // routed here only as an object with an own invite key
  if (hasOwn(record, 'openid')) return invalidParam(FN, 'openid', 'must be left out: an invite binds only the caller', '接受邀请只能绑定你自己，不能填写 openid');
  if (hasOwn(record, 'tagidList')) return invalidParam(FN, 'tagidList', 'must be left out when accepting an invite', `接受邀请时不能填写${fieldLabel('tagidList')}`);
  if (hasOwn(record, 'ttlHours')) return invalidParam(FN, 'ttlHours', 'is for minting an invite only', `${fieldLabel('ttlHours')}只在生成邀请时填写`);
  const extra = otherFields(record, ['updateType', 'invite'])[0];
  if (extra !== undefined) {
    const shown = shownFieldName(extra);
    return invalidParam(FN, shown, 'is not a known field', `不支持的参数 ${shown}`);
  }
  if (record.updateType !== 'bind') return invalidParam(FN, 'updateType', 'must be "bind" when accepting an invite', `接受邀请时${fieldLabel('updateType')}只能是 bind`);
  if (typeof record.invite !== 'string') return invalidParam(FN, 'invite', 'must be a string', `${fieldLabel('invite')}必须是文字`);
  // access 'any-user' guarantees the OPENID and the APPID.
  const checked = verifyInvite(record.invite, { secret: inviteSecret(context.env)!, appid: caller.appid!, now: context.now });
  if (!checked.ok) {
    const why = checked.code === 'INVITE_EXPIRED' ? 'the invite has expired' : 'the invite is not a valid token';
    return { ok: false, envelope: refusalEnvelope(checked.code, `${FN}:fail ${why}`) };
  }
  return { ok: true, params: { openid: caller.openid!, updateType: 'bind' }, auditTarget: { inviteId: checked.claims.inviteId } };
}

export const mintInviteOperation: Operation<MintedInvite, UpdatePrinterParams> = {
  functionName: FN,
  access: 'admin-users',
  checkConfiguration: checkInvitesConfigured,
  // access 'admin-users' guarantees the APPID.
  validate: (event, caller, context) => validateMintEvent(event, caller.appid!, context),
  action: () => 'invite',
  target: (invite) => ({ inviteId: invite.inviteId }),
  answer: (invite) => {
    const data: MintedInviteData = { invite: invite.token, expiresAt: invite.expiresAt };
    return { envelope: successEnvelope(`${FN}:ok invite minted`, data), attempts: 0 };
  },
};

/** Accepting an invite: the real logistics.updatePrinter call, binding the caller themself. */
export const acceptInviteOperation = oneCallOperation<UpdatePrinterParams>(
  {
    functionName: FN,
    access: 'any-user',
    checkConfiguration: checkInvitesConfigured,
    validate: validateAcceptEvent,
    action: updatePrinterOperation.action,
    target: updatePrinterOperation.target,
  },
  updatePrinterCall,
);

/**
 * updatePrinter's three kinds of event; see the top of this file. Never throws: an event whose
 * reading throws (a hostile getter) goes to today's updatePrinter, whose run reports it.
 */
export const routeUpdatePrinterEvent: OperationRoute<UpdatePrinterParams> = (event) => {
  try {
    if (!isPlainObject(event)) return updatePrinterOperation;
    if (hasOwn(event, 'invite')) return acceptInviteOperation;
    if (hasOwn(event, 'updateType') && event.updateType === 'invite') return mintInviteOperation;
  } catch {
    // Falls through: runOperation turns the same failure into an envelope.
  }
  return updatePrinterOperation;
};
