/**
 * Printer invites and the printers' roster as both sides see them: what updatePrinter's events for
 * them answer (the events: ./function-events.ts), and the limits the page offers. Shared by updatePrinter
 * (core/operations/printer-invites.ts, core/records/) and the page; plain TypeScript, no imports.
 *
 * Every `ok` write among these (and the printer binds) carries `recorded`: whether the roster and
 * history writes that follow the operation were saved (README, "When the database fails").
 */

/** ttlHours, the invite's lifetime in whole hours. */
export const INVITE_TTL_HOURS = { min: 1, max: 72, default: 24 } as const;

/** maxUses, how many people may accept one invite. */
export const INVITE_MAX_USES = { min: 1, max: 20, default: 1 } as const;

/**
 * An invite token as the card carries it: an unguessable capability (at least 128 random bits) in
 * the path-safe alphabet. Anything else is INVITE_INVALID before the database is asked.
 */
export const INVITE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{22,64}$/;

/** The page's query parameter that carries the invite on the share card's path. */
export const INVITE_QUERY_KEY = 'invite';

/** What an invite is now. */
export type InviteStatus = 'OPEN' | 'USED_UP' | 'EXPIRED' | 'REVOKED';

/** How a printer came onto the roster: by accepting an invite, bound by openid, or binding themself. */
export type PrinterVia = 'invite' | 'openid' | 'self';

// The events are in ./function-events.ts, with the other functions' events.

// --- Answers' data -----------------------------------------------------------------------------

/** `recorded`: whether the records that follow the operation (roster, history) were all saved. */
export interface Recorded {
  recorded: boolean;
}

/** A mint's `data`. */
export interface MintedInviteData extends Recorded {
  /** The token to put on the share card; never stored, never shown again. */
  invite: string;
  /** The invite's public id (what revoke takes and getBindings' invites list). */
  inviteId: string;
  /** ms since the epoch. */
  expiresAt: number;
  maxUses: number;
}

/** A preview's `data`: names only, never an OPENID. */
export interface InvitePreviewData {
  /** The inviting admin's roster name, when the roster has one. */
  inviterName?: string;
  /** Whom the admin meant the invite for. */
  name?: string;
  expiresAt: number;
  status: InviteStatus;
}

/**
 * An accept's `data` when `ok`. `alreadyAccepted`: this OPENID accepted this invite before and is
 * still on the roster, so nothing was claimed or bound. `appliedByEarlierAttempt` as every write.
 */
export interface AcceptedInviteData extends Recorded {
  inviteId: string;
  alreadyAccepted?: true;
  appliedByEarlierAttempt?: true;
  attempts?: number;
}

/** A printer bind or unbind by openid: `data` when `ok`. */
export interface PrinterUpdatedData extends Recorded {
  appliedByEarlierAttempt?: true;
  attempts?: number;
}

/** A revoke's `data`. `alreadyRevoked`: it was revoked before (nothing changed). */
export interface RevokedInviteData extends Recorded {
  inviteId: string;
  alreadyRevoked?: true;
}

/** A rename's `data`. */
export interface RenamedPrinterData extends Recorded {
  openid: string;
  name: string;
}
