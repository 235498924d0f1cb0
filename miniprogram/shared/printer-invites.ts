/**
 * Printer invites as both sides see them: the mint's answer and the invite's lifetime. Shared by
 * updatePrinter (core/printer-invites.ts) and the page; plain TypeScript, no imports.
 */

/** ttlHours, the invite's lifetime in whole hours. */
export const INVITE_TTL_HOURS = { min: 1, max: 72, default: 24 } as const;

/** The page's query parameter that carries the invite on the share card's path. */
export const INVITE_QUERY_KEY = 'invite';

/** `data` of a successful mint (`updatePrinter { updateType: 'invite', ttlHours? }`). */
export interface MintedInviteData {
  /** The token to put on the share card; anyone holding it can bind themself until it expires. */
  invite: string;
  /** ms since the epoch. */
  expiresAt: number;
}
