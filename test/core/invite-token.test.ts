import * as fc from 'fast-check';
import { INVITE_TOKEN_PATTERN, mintInvite, verifyInvite } from '../../core/invite-token';

const SECRET = 'an-owner-chosen-secret-of-32-chars!!';
const APPID = 'wxAppUnderTest01';
const NOW = Date.UTC(2026, 11, 1, 9, 0, 0);
const HOUR = 3_600_000;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function mint(overrides: Partial<Parameters<typeof mintInvite>[0]> = {}) {
  return mintInvite({ secret: SECRET, appid: APPID, now: NOW, ttlHours: 24, random: () => Buffer.from('0123456789abcdef', 'hex'), ...overrides });
}

function verify(token: string, overrides: Partial<Parameters<typeof verifyInvite>[1]> = {}) {
  return verifyInvite(token, { secret: SECRET, appid: APPID, now: NOW, ...overrides });
}

test('a minted invite verifies, carries its id and expiry, and is made of the token alphabet only', () => {
  const invite = mint();
  expect(invite.token).toMatch(INVITE_TOKEN_PATTERN);
  expect(invite.token).toHaveLength(63);
  expect(invite.inviteId).toBe('0123456789abcdef');
  expect(invite.expiresAt).toBe(NOW + 24 * HOUR);
  expect(verify(invite.token)).toEqual({ ok: true, claims: { inviteId: '0123456789abcdef', expiresAt: NOW + 24 * HOUR } });
});

test('expiry edges: valid until the last millisecond, refused from the expiry on', () => {
  const { token, expiresAt } = mint({ ttlHours: 1 });
  expect(verify(token, { now: expiresAt - 1 }).ok).toBe(true);
  expect(verify(token, { now: expiresAt })).toEqual({ ok: false, code: 'INVITE_EXPIRED' });
  expect(verify(token, { now: expiresAt + 72 * HOUR })).toEqual({ ok: false, code: 'INVITE_EXPIRED' });
  expect(mint({ ttlHours: 72 }).expiresAt).toBe(NOW + 72 * HOUR);
});

test('changing any one character anywhere makes the token invalid', () => {
  const { token } = mint();
  for (let position = 0; position < token.length; position += 1) {
    for (const replacement of ALPHABET) {
      if (replacement === token[position]) continue;
      const tampered = token.slice(0, position) + replacement + token.slice(position + 1);
      expect(verify(tampered)).toEqual({ ok: false, code: 'INVITE_INVALID' });
    }
  }
});

test("base64url's spare bits: a MAC text that decodes to the same bytes is still refused", () => {
  const { token } = mint();
  const mac = token.slice(20);
  const last = ALPHABET.indexOf(mac[mac.length - 1]!);
  // 43 characters carry 258 bits for a 256-bit MAC: the last character's two low bits are spare.
  const sameBytes = ALPHABET[(last & ~0b11) | ((last + 1) & 0b11)]!;
  const tampered = token.slice(0, -1) + sameBytes;
  expect(Buffer.from(tampered.slice(20), 'base64url')).toEqual(Buffer.from(mac, 'base64url'));
  expect(tampered).not.toBe(token);
  expect(verify(tampered)).toEqual({ ok: false, code: 'INVITE_INVALID' });
});

test('stray characters that the base64url decoder would skip are refused before decoding', () => {
  const { token } = mint();
  for (const stray of ['=', '.', ' ', '\n', '+', '/', '%', '\u00e9']) {
    expect(verify(token.slice(0, 10) + stray + token.slice(10))).toEqual({ ok: false, code: 'INVITE_INVALID' });
    expect(verify(token + stray)).toEqual({ ok: false, code: 'INVITE_INVALID' });
  }
});

test('another secret, another APPID or another length never verifies', () => {
  const { token } = mint();
  expect(verify(token, { secret: `${SECRET}x` })).toEqual({ ok: false, code: 'INVITE_INVALID' });
  expect(verify(token, { appid: 'wxAnotherMiniProgram' })).toEqual({ ok: false, code: 'INVITE_INVALID' });
  expect(verify(token, { appid: '' })).toEqual({ ok: false, code: 'INVITE_INVALID' });
  for (const length of [0, 1, 20, 43, 62, 64, 160, 161]) {
    const text = (token + token + token).slice(0, length);
    expect(verify(text)).toEqual({ ok: false, code: 'INVITE_INVALID' });
  }
  expect(verify(token + 'A')).toEqual({ ok: false, code: 'INVITE_INVALID' });
});

test('two invites minted with real randomness have different ids and tokens', () => {
  const a = mintInvite({ secret: SECRET, appid: APPID, now: NOW, ttlHours: 24 });
  const b = mintInvite({ secret: SECRET, appid: APPID, now: NOW, ttlHours: 24 });
  expect(a.inviteId).not.toBe(b.inviteId);
  expect(a.token).not.toBe(b.token);
  expect(a.inviteId).toMatch(/^[0-9a-f]{16}$/);
});

test('the token does not carry the secret, in any common encoding', () => {
  const { token } = mint();
  for (const form of [SECRET, Buffer.from(SECRET).toString('base64url'), Buffer.from(SECRET).toString('hex')]) {
    expect(token).not.toContain(form.slice(0, 8));
  }
});

test('arbitrary strings never verify and never throw', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.stringMatching(/^[A-Za-z0-9_-]{0,170}$/), fc.constant(mint().token.slice(0, 62))), (text) => {
      expect(verify(text)).toEqual({ ok: false, code: 'INVITE_INVALID' });
    }),
    { numRuns: 3000 },
  );
});
