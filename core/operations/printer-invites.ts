/**
 * Printer invites and the roster's names, served by updatePrinter (which owns everything about
 * printers). An admin mints an invite (a record in logistics_invites) and shares it on a card;
 * whoever opens the card may preview it and accept it, and is bound as a printer under their own
 * OPENID through the real logistics.updatePrinter call, after claiming one of its uses. Admins
 * revoke invites and rename printers; neither calls the openapi.
 *
 * Routing looks at the event before authorising, only to choose which checks apply: an own
 * `invite` key is a preview (`updateType: "preview"`) or an acceptance (any caller with an
 * OPENID); `updateType` "invite", "revoke" or "rename" is an admin's (with an OPENID); anything
 * else is today's updatePrinter (admins or trusted servers).
 */
import { hasOwn, isPlainObject } from '../../miniprogram/shared/field-rules';
import type { AcceptedInviteData, InvitePreviewData, MintedInviteData, RenamedPrinterData, RevokedInviteData } from '../../miniprogram/shared/printer-invites';
import { ProjectCode } from '../catalogue';
import type { CallOutcome } from '../call-engine';
import { refusalEnvelope, successEnvelope, type Envelope } from '../envelope';
import type { AnswerRun, CallWithRetries, Operation, OperationOutcome, OperationRoute } from '../operation';
import { COLLECTIONS } from '../records/database';
import { answered, followedBy, nameOnRoster, putOnRoster, recordHistory } from '../records/follow';
import {
  claimRequest,
  giveBackRequest,
  inviteDocument,
  inviteStatus,
  newInviteSecrets,
  readClaim,
  readInvite,
  revokeRequest,
  tokenHashOf,
  tokenQuery,
  type StoredInvite,
} from '../records/invites';
import { personOf, rosterEntry } from '../records/roster';
import type { RecordsResult } from '../records/session';
import {
  validateAcceptInviteEvent,
  validateMintInviteEvent,
  validatePreviewInviteEvent,
  validateRenamePrinterEvent,
  validateRevokeInviteEvent,
  type AcceptInviteParams,
  type MintInviteParams,
  type UpdatePrinterParams,
} from '../validation';
import { updatePrinterCall, updatePrinterOperation } from './update-printer';

const FN = 'updatePrinter';

/** The caller's OPENID and APPID: the access rules 'admin-users' and 'any-user' guarantee both. */
function person(run: AnswerRun): { openid: string; appid: string } {
  return { openid: run.caller.openid!, appid: run.caller.appid! };
}

function refused(code: 'INVITE_INVALID' | 'INVITE_EXPIRED' | 'INVITE_REVOKED' | 'INVITE_USED_UP' | 'INVITE_NOT_FOUND', why: string): OperationOutcome {
  return answered(refusalEnvelope(code, `${FN}:fail ${why}`));
}

const WHY = {
  INVITE_INVALID: 'no invite has this token',
  INVITE_EXPIRED: 'the invite has expired',
  INVITE_REVOKED: 'the invite was revoked',
  INVITE_USED_UP: 'the invite has no use left for this caller',
} as const;

/** The invite the card's token names, for this mini program (a read: no use claimed). */
async function inviteOfToken(run: AnswerRun, token: string): Promise<RecordsResult<StoredInvite | undefined>> {
  const read = await run.records.read(COLLECTIONS.invites, tokenQuery(tokenHashOf(token), person(run).appid), { limit: 1 });
  return read.ok ? { ok: true, value: read.value.map(readInvite).find((invite) => invite !== undefined) } : read;
}

// --- Mint ----------------------------------------------------------------------------------------

export const mintInviteOperation: Operation<MintInviteParams, UpdatePrinterParams> = {
  functionName: FN,
  access: 'admin-users',
  validate: (event) => validateMintInviteEvent(event as Record<string, unknown>),
  action: () => 'invite',
  target: () => ({}),
  answer: async (params, _callWithRetries, run) => {
    const { openid, appid } = person(run);
    const { token, inviteId } = newInviteSecrets();
    const invite = inviteDocument({ inviteId, token, appid, ...(params.name === undefined ? {} : { name: params.name }), createdBy: openid, now: run.now, ttlHours: params.ttlHours, maxUses: params.maxUses });
    // The invite is the operation: its write failing is the mint failing (no token handed out).
    const stored = await run.records.set(COLLECTIONS.invites, inviteId, invite);
    const envelope = stored.ok ? successEnvelope(`${FN}:ok invite minted`) : stored.envelope;
    const outcome: OperationOutcome = { envelope, attempts: 0, auditTarget: { inviteId } };
    const data: Omit<MintedInviteData, 'recorded'> = { invite: token, inviteId, expiresAt: invite.expiresAt, maxUses: invite.maxUses };
    return followedBy(outcome, [() => recordHistory(run, 'invite', { inviteId }, envelope)], data);
  },
};

// --- Preview -------------------------------------------------------------------------------------

export const previewInviteOperation: Operation<{ token: string }, UpdatePrinterParams> = {
  functionName: FN,
  access: 'any-user',
  validate: (event) => validatePreviewInviteEvent(event as Record<string, unknown>),
  action: () => 'preview',
  target: () => ({}),
  answer: async ({ token }, _callWithRetries, run) => {
    const found = await inviteOfToken(run, token);
    if (!found.ok) return answered(found.envelope);
    const invite = found.value;
    if (invite === undefined) return refused('INVITE_INVALID', WHY.INVITE_INVALID);
    // The inviter's name only: a roster that cannot be read leaves it out (管理员 on the page).
    const inviter = await run.records.readOne(COLLECTIONS.roster, invite.createdBy);
    const inviterName = inviter.ok ? personOf(invite.createdBy, inviter.value).name : undefined;
    const data: InvitePreviewData = {
      ...(inviterName === undefined ? {} : { inviterName }),
      ...(invite.name === undefined ? {} : { name: invite.name }),
      expiresAt: invite.expiresAt,
      status: inviteStatus(invite, run.now),
    };
    return { envelope: successEnvelope(`${FN}:ok invite previewed`, data), attempts: 0, auditTarget: { inviteId: invite.inviteId } };
  },
};

// --- Accept --------------------------------------------------------------------------------------

/**
 * Claims one use for the caller, or says why not. The claim is one conditional update; when it
 * changes nothing the invite is read again to say which refusal applies. A claim without an
 * answer is retried only with the same filter (by the engine); one whose outcome stayed unknown is
 * settled by reading the invite back.
 */
async function claimUse(run: AnswerRun, invite: StoredInvite): Promise<{ claimed: true } | { claimed: false; outcome: OperationOutcome }> {
  const { openid, appid } = person(run);
  const reasonOf = async (read: StoredInvite | undefined, mayRetry: boolean): Promise<{ claimed: true } | { claimed: false; outcome: OperationOutcome } | 'retry'> => {
    if (read === undefined) return { claimed: false, outcome: refused('INVITE_INVALID', WHY.INVITE_INVALID) };
    const reading = readClaim(read, openid, run.now);
    switch (reading) {
      case 'claimedNow':
        return { claimed: true };
      case 'claimable':
        return mayRetry ? 'retry' : { claimed: false, outcome: refused('INVITE_USED_UP', 'the invite kept changing while it was claimed') };
      case 'usedBefore':
        return { claimed: false, outcome: await acceptedBefore(run, read) };
      default:
        return { claimed: false, outcome: refused(reading, WHY[reading]) };
    }
  };
  const before = await reasonOf(invite, true);
  if (before !== 'retry') return before;
  for (let tries = 1; ; tries += 1) {
    const claim = claimRequest({ tokenHash: invite.tokenHash, appid, openid, now: run.now });
    const claimed = await run.records.update(COLLECTIONS.invites, claim.where, claim.update);
    if (claimed.ok && claimed.value > 0) return { claimed: true };
    const again = await run.records.readOne(COLLECTIONS.invites, invite.inviteId);
    if (!again.ok) return { claimed: false, outcome: answered(claimed.ok ? again.envelope : claimed.envelope) };
    const read = again.value === undefined ? undefined : readInvite(again.value);
    if (!claimed.ok && !(read !== undefined && readClaim(read, openid, run.now) === 'claimedNow')) return { claimed: false, outcome: answered(claimed.envelope) };
    const reason = await reasonOf(read, tries < 2);
    if (reason !== 'retry') return reason;
  }
}

/** A second accept by an OPENID already in `uses`: ok while they are on the roster, else used up. */
async function acceptedBefore(run: AnswerRun, invite: StoredInvite): Promise<OperationOutcome> {
  const entry = await run.records.readOne(COLLECTIONS.roster, person(run).openid);
  if (!entry.ok) return answered(entry.envelope);
  if (entry.value === undefined) return refused('INVITE_USED_UP', 'this caller accepted the invite before and has been unbound since');
  const data: AcceptedInviteData = { inviteId: invite.inviteId, alreadyAccepted: true, recorded: true };
  return { envelope: successEnvelope(`${FN}:ok already accepted`, data), attempts: 0, recorded: true };
}

/** Gives the use back after a bind that definitely failed; false when that failed too (the use is lost). */
async function giveBack(run: AnswerRun, invite: StoredInvite): Promise<boolean> {
  const back = giveBackRequest({ inviteId: invite.inviteId, openid: person(run).openid });
  return (await run.records.update(COLLECTIONS.invites, back.where, back.update)).ok;
}

async function acceptInvite(params: AcceptInviteParams, callWithRetries: CallWithRetries<UpdatePrinterParams>, run: AnswerRun): Promise<OperationOutcome> {
  const { openid } = person(run);
  const found = await inviteOfToken(run, params.token);
  if (!found.ok) return { ...answered(found.envelope), auditTarget: { openid } };
  const invite = found.value;
  if (invite === undefined) return { ...refused('INVITE_INVALID', WHY.INVITE_INVALID), auditTarget: { openid } };
  const auditTarget = { openid, inviteId: invite.inviteId };
  const claim = await claimUse(run, invite);
  if (!claim.claimed) return { ...claim.outcome, auditTarget };
  const bind: CallOutcome = await callWithRetries(updatePrinterCall, { openid, updateType: 'bind' });
  const unknown = bind.envelope.errCode === ProjectCode.OUTCOME_UNKNOWN;
  if (!bind.envelope.ok && !unknown) {
    // Nothing was bound: the use goes back, and an accept that bound nobody writes no history.
    return { ...bind, auditTarget, useGivenBack: await giveBack(run, invite) };
  }
  const name = params.name ?? invite.name;
  const entry = rosterEntry({ target: openid, caller: invite.createdBy, now: run.now, inviteId: invite.inviteId, ...(name === undefined ? {} : { name }) });
  const writes = [() => putOnRoster(run, openid, entry), () => recordHistory(run, 'accept', { inviteId: invite.inviteId }, bind.envelope)];
  return followedBy({ ...bind, auditTarget }, writes, { inviteId: invite.inviteId });
}

export const acceptInviteOperation: Operation<AcceptInviteParams, UpdatePrinterParams> = {
  functionName: FN,
  access: 'any-user',
  validate: (event) => validateAcceptInviteEvent(event as Record<string, unknown>),
  action: () => 'bind',
  // The caller's own OPENID; the invite's id joins it once the invite is read.
  target: () => ({}),
  answer: acceptInvite,
};

// --- Revoke --------------------------------------------------------------------------------------

export const revokeInviteOperation: Operation<{ inviteId: string }, UpdatePrinterParams> = {
  functionName: FN,
  access: 'admin-users',
  validate: (event) => validateRevokeInviteEvent(event),
  action: () => 'revoke',
  target: (params) => ({ inviteId: params.inviteId }),
  answer: async ({ inviteId }, _callWithRetries, run) => {
    const { appid } = person(run);
    const revoke = revokeRequest(inviteId, appid, run.now);
    const changed = await run.records.update(COLLECTIONS.invites, revoke.where, revoke.update);
    let envelope: Envelope;
    const data: Omit<RevokedInviteData, 'recorded'> = { inviteId };
    if (!changed.ok) envelope = changed.envelope;
    else if (changed.value > 0) envelope = successEnvelope(`${FN}:ok invite revoked`);
    else {
      const there = await run.records.readOne(COLLECTIONS.invites, inviteId);
      if (!there.ok) return answered(there.envelope);
      const invite = there.value === undefined ? undefined : readInvite(there.value);
      // Our own refusal: nothing is written.
      if (invite === undefined || invite.appid !== appid) return refused('INVITE_NOT_FOUND', 'no invite of this mini program has this id');
      if (invite.revokedAt === null) return answered(refusalEnvelope('INTERNAL_ERROR', `${FN}:fail the revoke changed nothing on an invite that is not revoked`));
      envelope = successEnvelope(`${FN}:ok invite revoked before`);
      data.alreadyRevoked = true;
    }
    return followedBy({ envelope, attempts: 0 }, [() => recordHistory(run, 'revoke', { inviteId }, envelope)], data);
  },
};

// --- Rename --------------------------------------------------------------------------------------

export const renamePrinterOperation: Operation<{ openid: string; name: string }, UpdatePrinterParams> = {
  functionName: FN,
  access: 'admin-users',
  validate: (event) => validateRenamePrinterEvent(event),
  action: () => 'rename',
  target: (params) => ({ openid: params.openid }),
  answer: async ({ openid, name }, _callWithRetries, run) => {
    const failed = await nameOnRoster(run, openid, name);
    const envelope = failed ?? successEnvelope(`${FN}:ok printer renamed`);
    const data: Omit<RenamedPrinterData, 'recorded'> = { openid, name };
    return followedBy({ envelope, attempts: 0 }, [() => recordHistory(run, 'rename', { openid }, envelope)], data);
  },
};

/**
 * updatePrinter's kinds of event; see the top of this file. Never throws: an event whose reading
 * throws (a hostile getter) goes to today's updatePrinter, whose run reports it.
 */
export const routeUpdatePrinterEvent: OperationRoute<UpdatePrinterParams> = (event) => {
  try {
    if (!isPlainObject(event)) return updatePrinterOperation;
    const updateType = hasOwn(event, 'updateType') ? event.updateType : undefined;
    if (hasOwn(event, 'invite')) return updateType === 'preview' ? previewInviteOperation : acceptInviteOperation;
    if (updateType === 'invite') return mintInviteOperation;
    if (updateType === 'preview') return previewInviteOperation;
    if (updateType === 'revoke') return revokeInviteOperation;
    if (updateType === 'rename') return renamePrinterOperation;
  } catch {
    // Falls through: runOperation turns the same failure into an envelope.
  }
  return updatePrinterOperation;
};
