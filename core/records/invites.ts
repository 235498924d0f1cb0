/**
 * Printer invites as records (logistics_invites): the capability token, the document, an
 * invite's status, the claim of one use, and the give-back. Pure: the database requests are built
 * here as data and made by core/records/session.ts.
 *
 * The token on the card is 24 random bytes (192 bits) in base64url, and only its SHA-256
 * (`tokenHash`) is stored: reading the collection does not let anyone accept. The invite's
 * public id (`inviteId`, also the document's `_id`) is what lists, revokes and audit lines use.
 */
import { createHash, randomBytes } from 'node:crypto';
import { CLOSED_INVITES_SHOWN_MS, type InviteItem } from '../../miniprogram/shared/bindings';
import type { InviteStatus } from '../../miniprogram/shared/printer-invites';
import { isPlainObject } from '../../miniprogram/shared/field-rules';
import { FUNCTION_WRITTEN, type Query, type Update } from './database';

const HOUR_MS = 3_600_000;
const TOKEN_BYTES = 24;

/** A new token and invite id. */
export function newInviteSecrets(random: (size: number) => Buffer = randomBytes): { token: string; inviteId: string } {
  return { token: random(TOKEN_BYTES).toString('base64url'), inviteId: random(8).toString('hex') };
}

export function tokenHashOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** An invite as stored (the fields the functions read back). */
export interface StoredInvite {
  inviteId: string;
  appid: string;
  name?: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  maxUses: number;
  usesLeft: number;
  uses: Array<{ openid: string; at: number }>;
  revokedAt: number | null;
  tokenHash: string;
}

export function inviteDocument(options: { inviteId: string; token: string; appid: string; name?: string; createdBy: string; now: number; ttlHours: number; maxUses: number }): StoredInvite {
  return {
    inviteId: options.inviteId,
    appid: options.appid,
    ...(options.name === undefined ? {} : { name: options.name }),
    createdBy: options.createdBy,
    createdAt: options.now,
    // ttlHours is at most 72 (validation), so expiresAt is never more than 72 h after createdAt.
    expiresAt: options.now + options.ttlHours * HOUR_MS,
    maxUses: options.maxUses,
    usesLeft: options.maxUses,
    uses: [],
    revokedAt: null,
    tokenHash: tokenHashOf(options.token),
  };
}

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const text = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** A stored document read back as an invite, or undefined when it is not one the functions wrote. */
export function readInvite(document: unknown): StoredInvite | undefined {
  if (!isPlainObject(document)) return undefined;
  const d = document;
  if (!text(d.inviteId) || !text(d.appid) || !text(d.createdBy) || !text(d.tokenHash)) return undefined;
  if (!finite(d.createdAt) || !finite(d.expiresAt) || !finite(d.maxUses) || !finite(d.usesLeft) || !Array.isArray(d.uses)) return undefined;
  if (d.revokedAt !== null && d.revokedAt !== undefined && !finite(d.revokedAt)) return undefined;
  const uses = d.uses.filter((use): use is { openid: string; at: number } => isPlainObject(use) && text(use.openid) && finite(use.at)).map(({ openid, at }) => ({ openid, at }));
  return {
    inviteId: d.inviteId,
    appid: d.appid,
    ...(text(d.name) ? { name: d.name } : {}),
    createdBy: d.createdBy,
    createdAt: d.createdAt,
    expiresAt: d.expiresAt,
    maxUses: d.maxUses,
    usesLeft: d.usesLeft,
    uses,
    revokedAt: finite(d.revokedAt) ? d.revokedAt : null,
    tokenHash: d.tokenHash,
  };
}

/** What the invite is at `now`: revoked before expired before used up. */
export function inviteStatus(invite: StoredInvite, now: number): InviteStatus {
  if (invite.revokedAt !== null) return 'REVOKED';
  if (invite.expiresAt <= now) return 'EXPIRED';
  if (invite.usesLeft <= 0) return 'USED_UP';
  return 'OPEN';
}

/** When a closed invite closed (undefined while it is open). */
export function closedAt(invite: StoredInvite, now: number): number | undefined {
  switch (inviteStatus(invite, now)) {
    case 'OPEN':
      return undefined;
    case 'REVOKED':
      return invite.revokedAt!;
    case 'EXPIRED':
      return invite.expiresAt;
    case 'USED_UP':
      return Math.max(invite.createdAt, ...invite.uses.map((use) => use.at));
  }
}

/** The invites part's query: every invite that may be open or closed within the last 7 days. */
export function listedInvitesQuery(appid: string | undefined, now: number): Query {
  // An invite closes at its expiry at the latest, so one that expired before this cannot qualify.
  return { ...FUNCTION_WRITTEN, ...(appid === undefined ? {} : { appid }), expiresAt: { $gt: now - CLOSED_INVITES_SHOWN_MS } };
}

/** Whether the invites part lists it: open, or closed in the last 7 days. */
export function listed(invite: StoredInvite, now: number): boolean {
  const closed = closedAt(invite, now);
  return closed === undefined || closed > now - CLOSED_INVITES_SHOWN_MS;
}

/** An invite as getBindings lists it: never its token hash or its appid. */
export function inviteItem(invite: StoredInvite, now: number): InviteItem {
  return {
    inviteId: invite.inviteId,
    ...(invite.name === undefined ? {} : { name: invite.name }),
    createdBy: invite.createdBy,
    createdAt: invite.createdAt,
    expiresAt: invite.expiresAt,
    maxUses: invite.maxUses,
    uses: invite.uses,
    status: inviteStatus(invite, now),
  };
}

/** Which invite the card means: its token's hash, for this mini program. */
export function tokenQuery(tokenHash: string, appid: string): Query {
  return { ...FUNCTION_WRITTEN, tokenHash, appid };
}

/**
 * The claim of one use: one conditional update, so of two people racing for the last use exactly
 * one changes the document. `at` is the run's start: with the openid it tells a use this run
 * claimed (an attempt whose answer was lost) from an earlier accept.
 */
export function claimRequest(options: { tokenHash: string; appid: string; openid: string; now: number }): { where: Query; update: Update } {
  return {
    where: {
      ...tokenQuery(options.tokenHash, options.appid),
      revokedAt: null,
      expiresAt: { $gt: options.now },
      usesLeft: { $gt: 0 },
      'uses.openid': { $ne: options.openid },
    },
    update: { $inc: { usesLeft: -1 }, $push: { uses: [{ openid: options.openid, at: options.now }] } },
  };
}

/** The mirror of the claim: gives the use back (matches only while this openid holds one). */
export function giveBackRequest(options: { inviteId: string; openid: string }): { where: Query; update: Update } {
  return {
    where: { ...FUNCTION_WRITTEN, _id: options.inviteId, 'uses.openid': options.openid },
    update: { $inc: { usesLeft: 1 }, $pull: { uses: { openid: options.openid } } },
  };
}

/**
 * What an invite read back says to a caller whose claim did not change it, in the refusals' order
 * (invalid is the caller's: no invite at all): revoked, expired, then this OPENID's earlier use
 * (already theirs, or used up), then used up. `claimedNow`: the use is this run's own (an attempt
 * whose answer was lost took effect). `claimable`: nothing stands in the way (it changed between
 * the claim and the read): the claim may be tried again.
 */
export type ClaimReading = 'claimedNow' | 'INVITE_REVOKED' | 'INVITE_EXPIRED' | 'usedBefore' | 'INVITE_USED_UP' | 'claimable';

export function readClaim(invite: StoredInvite, openid: string, now: number): ClaimReading {
  const use = invite.uses.find((item) => item.openid === openid);
  if (use !== undefined && use.at === now) return 'claimedNow';
  if (invite.revokedAt !== null) return 'INVITE_REVOKED';
  if (invite.expiresAt <= now) return 'INVITE_EXPIRED';
  if (use !== undefined) return 'usedBefore';
  if (invite.usesLeft <= 0) return 'INVITE_USED_UP';
  return 'claimable';
}

/** Revoke: only an invite of this mini program not revoked yet changes. */
export function revokeRequest(inviteId: string, appid: string, now: number): { where: Query; update: Update } {
  return { where: { ...FUNCTION_WRITTEN, _id: inviteId, appid, revokedAt: null }, update: { $set: { revokedAt: now } } };
}
