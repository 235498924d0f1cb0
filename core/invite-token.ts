/**
 * Printer invite tokens: what an admin's share card carries so that whoever opens it can bind
 * themself as a waybill printer, without anyone typing an OPENID.
 *
 * A token is `<payload><mac>`, both base64url without padding:
 * - payload: 15 bytes (a multiple of 3, so its 20 characters have no spare bits): version (1 byte),
 *   invite id (8 random bytes), expiry in ms since the epoch (6 bytes, big-endian);
 * - mac: HMAC-SHA256 (43 characters) under LOGISTICS_INVITE_SECRET over the purpose tag, the mini
 *   program's APPID and the payload text exactly as received, so a token minted for another mini
 *   program or another purpose never verifies.
 *
 * It carries no openid: a card can be forwarded, and must not reveal who minted it. Verification
 * checks the alphabet and the length before anything else (Node's base64url decoder skips stray
 * characters and ignores a last character's spare bits), then compares the MAC text in constant
 * time, and decodes the payload only after that.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const INVITE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,160}$/;
/** LOGISTICS_INVITE_SECRET must be at least this long: 32 characters of an owner's random text. */
export const MIN_INVITE_SECRET_LENGTH = 32;

const VERSION = 1;
/** Binds the MAC to this use; another feature signing with the same secret cannot make an invite. */
const PURPOSE = 'wx-logistics-cloud/printer-invite';
const PAYLOAD_BYTES = 15;
const PAYLOAD_CHARS = 20;
const MAC_CHARS = 43;
const HOUR_MS = 3_600_000;

export interface InviteClaims {
  /** 16 hex digits; what the audit lines carry (never the token). */
  inviteId: string;
  /** ms since the epoch; the invite is refused from this instant on. */
  expiresAt: number;
}

export interface MintedInvite extends InviteClaims {
  token: string;
}

export type InviteCheck = { ok: true; claims: InviteClaims } | { ok: false; code: 'INVITE_INVALID' | 'INVITE_EXPIRED' };

function macText(secret: string, appid: string, payloadText: string): string {
  // JSON keeps the three fields apart whatever they hold.
  return createHmac('sha256', secret).update(JSON.stringify([PURPOSE, appid, payloadText])).digest('base64url');
}

/** A new invite for the mini program `appid`, valid for `ttlHours` from `now`. */
export function mintInvite(options: { secret: string; appid: string; now: number; ttlHours: number; random?: (size: number) => Buffer }): MintedInvite {
  const payload = Buffer.alloc(PAYLOAD_BYTES);
  payload.writeUInt8(VERSION, 0);
  (options.random ?? randomBytes)(8).copy(payload, 1, 0, 8);
  const expiresAt = options.now + options.ttlHours * HOUR_MS;
  payload.writeUIntBE(expiresAt, 9, 6);
  const payloadText = payload.toString('base64url');
  return { token: payloadText + macText(options.secret, options.appid, payloadText), inviteId: payload.subarray(1, 9).toString('hex'), expiresAt };
}

/** Whether `token` is an unexpired invite minted with `secret` for `appid`. Never throws. */
export function verifyInvite(token: string, options: { secret: string; appid: string; now: number }): InviteCheck {
  if (!INVITE_TOKEN_PATTERN.test(token) || token.length !== PAYLOAD_CHARS + MAC_CHARS) return { ok: false, code: 'INVITE_INVALID' };
  const payloadText = token.slice(0, PAYLOAD_CHARS);
  const expected = Buffer.from(macText(options.secret, options.appid, payloadText));
  const received = Buffer.from(token.slice(PAYLOAD_CHARS));
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) return { ok: false, code: 'INVITE_INVALID' };
  const payload = Buffer.from(payloadText, 'base64url');
  if (payload.length !== PAYLOAD_BYTES || payload.readUInt8(0) !== VERSION) return { ok: false, code: 'INVITE_INVALID' };
  const claims: InviteClaims = { inviteId: payload.subarray(1, 9).toString('hex'), expiresAt: payload.readUIntBE(9, 6) };
  if (options.now >= claims.expiresAt) return { ok: false, code: 'INVITE_EXPIRED' };
  return { ok: true, claims };
}
