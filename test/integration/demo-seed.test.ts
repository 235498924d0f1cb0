/**
 * The demo's seed is a committed state folder, localcloud/demo-seed/: the one place the demo's
 * carrier accounts, known users and collections are. It is what the local cloud's own export
 * writes (so a format change fails here instead of leaving a stale seed), it is a consistent
 * world, and `npm start`, `npm run invoke` and `npm run dev` start from it, or from a --state /
 * --seed folder instead of it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { COLLECTIONS } from '../../core/records/database';
import { DEMO_ADMIN_OPENID, DEMO_PACKER_OPENID, DEMO_SEED_DIR } from '../../localcloud/demo';
import { startLocalCloud } from '../../localcloud/server';
import { startDemoCloud } from '../../scripts/demo-cloud';
import { startDevCloud } from '../../scripts/dev/cloud-access';
import { seedCarrierAccounts, seedCollections, seedDocuments, seedKnownUsers, seedPrinters } from './support/demo-seed';

const ROOT = path.resolve(__dirname, '..', '..');

const made: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'demo-seed-'));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** Every file under dir, as its path inside dir → its text. */
function filesIn(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, full)] = readFileSync(full, 'utf8');
  }
  return files;
}

const refs = (accounts: ReadonlyArray<{ deliveryId: string; bizId: string }>) => accounts.map(({ deliveryId, bizId }) => `${deliveryId}/${bizId}`).sort();

test('the committed folder is what the local cloud exports after importing it: the same files, byte for byte', async () => {
  const cloud = await startLocalCloud({ stateDir: DEMO_SEED_DIR });
  const out = path.join(tempDir(), 'exported');
  try {
    cloud.exportState(out);
  } finally {
    await cloud.close();
  }
  const committed = filesIn(DEMO_SEED_DIR);
  expect(Object.keys(committed).length).toBeGreaterThan(0);
  expect(filesIn(out)).toEqual(committed);
});

test('it is a shop in use, consistent: the roster names exactly the bound printers, 老张 came in through an invite, used up and hash-only, and every history entry\'s target exists', () => {
  expect(seedCollections()).toEqual(Object.values(COLLECTIONS).sort());
  const printers = seedPrinters();
  const roster = seedDocuments(COLLECTIONS.roster);
  const invites = seedDocuments(COLLECTIONS.invites);
  const history = seedDocuments(COLLECTIONS.history);
  // Roster ↔ printers: an entry only for a bound printer, and here every bound printer named.
  expect(roster.map((entry) => String(entry._id)).sort()).toEqual([...printers].sort());
  // The packer, bound through the admin's invite under their own name.
  expect(roster.find((entry) => entry._id === DEMO_PACKER_OPENID)).toMatchObject({ name: '老张', via: 'invite', addedBy: DEMO_ADMIN_OPENID });
  expect(seedKnownUsers()).toContain(DEMO_PACKER_OPENID);
  for (const entry of roster.filter((each) => each.via === 'invite')) {
    const invite = invites.find((each) => each.inviteId === entry.inviteId);
    expect(invite).toMatchObject({ createdBy: entry.addedBy, uses: expect.arrayContaining([expect.objectContaining({ openid: entry._id })]) });
  }
  // Each invite used up, never revoked, its token kept only as its SHA-256.
  expect(invites.length).toBeGreaterThan(0);
  for (const invite of invites) {
    expect(invite).toMatchObject({ _id: invite.inviteId, usesLeft: 0, revokedAt: null, tokenHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((invite.uses as unknown[]).length).toBe(invite.maxUses);
    expect(Object.keys(invite).filter((key) => /token|invite$|secret/i.test(key))).toEqual(['tokenHash']);
  }
  // History: the functions' own entries; every target is in the world, every actor one who could act.
  const inviteIds = new Set(invites.map((invite) => invite.inviteId));
  const accounts = new Set(refs(seedCarrierAccounts()));
  for (const entry of history) {
    expect(entry).toEqual({ _id: expect.any(String), at: expect.any(Number), actor: expect.any(String), action: expect.any(String), target: expect.any(Object), code: 'OK', ok: true });
    const target = entry.target as { inviteId?: string; openid?: string; deliveryId?: string; bizId?: string };
    if (target.inviteId !== undefined) expect(inviteIds.has(target.inviteId)).toBe(true);
    if (target.openid !== undefined) expect(printers).toContain(target.openid);
    if (target.bizId !== undefined) expect(accounts.has(`${target.deliveryId}/${target.bizId}`)).toBe(true);
  }
  const packersInvite = invites.find((invite) => (invite.uses as Array<{ openid: string }>).some((use) => use.openid === DEMO_PACKER_OPENID))!;
  const about = (action: string) => history.filter((entry) => entry.action === action && (entry.target as { inviteId?: string }).inviteId === packersInvite.inviteId).map((entry) => entry.actor);
  expect({ invite: about('invite'), accept: about('accept') }).toEqual({ invite: [DEMO_ADMIN_OPENID], accept: [DEMO_PACKER_OPENID] });
  // The registry names each account once.
  expect(accounts.size).toBe(seedCarrierAccounts().length);
});

test('no invite token anywhere in the folder: no string in any file, key or value, hashes to a stored tokenHash', () => {
  const hashes = new Set(seedDocuments(COLLECTIONS.invites).map((invite) => String(invite.tokenHash)));
  expect(hashes.size).toBeGreaterThan(0);
  const strings: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') strings.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        walk(key);
        walk(item);
      }
    }
  };
  for (const text of Object.values(filesIn(DEMO_SEED_DIR))) walk(JSON.parse(text));
  expect(strings.length).toBeGreaterThan(0);
  // A token is 22–64 characters of [A-Za-z0-9_-]: every such stretch of every string is tried, so an embedded one is found too.
  const candidates = strings.flatMap((text) =>
    (text.match(/[A-Za-z0-9_-]{22,}/g) ?? []).flatMap((run) => {
      const stretches: string[] = [];
      for (let start = 0; start + 22 <= run.length; start += 1) for (let end = start + 22; end <= Math.min(run.length, start + 64); end += 1) stretches.push(run.slice(start, end));
      return stretches;
    }),
  );
  expect(candidates.filter((text) => hashes.has(createHash('sha256').update(text, 'utf8').digest('hex')))).toEqual([]);
});

test('npm start and npm run invoke start from it: exactly the seed\'s carrier accounts, known users and collections', async () => {
  const cloud = await startDemoCloud();
  try {
    expect(refs(cloud.openapi.carrierAccounts())).toEqual(refs(seedCarrierAccounts()));
    expect(cloud.openapi.state().knownUsers).toEqual([...seedKnownUsers()].sort());
    expect(cloud.openapi.state().printers).toEqual([...seedPrinters()].sort());
    expect(cloud.database.collections()).toEqual(seedCollections());
    // The registry's view holds no password.
    expect(JSON.stringify(cloud.openapi.carrierAccounts())).not.toContain('password');
  } finally {
    await cloud.close();
  }
});

test('npm run dev starts from it, and its reset goes back to it', async () => {
  const cloud = await startDevCloud({ foldersDir: tempDir() });
  try {
    const seeded = () => ({ knownUsers: cloud.state().knownUsers, collections: cloud.collections().map((c) => c.name), accounts: cloud.state().accounts });
    const expected = { knownUsers: [...seedKnownUsers()].sort(), collections: seedCollections(), accounts: [] };
    expect(seeded()).toEqual(expected);
    cloud.addKnownUser('oSomeoneNew000000000000000009');
    cloud.putDocument('notes', '{ "_id": "n1" }');
    await cloud.reset();
    expect(seeded()).toEqual(expected);
  } finally {
    await cloud.close();
  }
});

test('a --state / --seed folder that exists is the whole state: started from instead of the seed, not over it', async () => {
  const from = path.join(tempDir(), 'team-seed');
  mkdirSync(path.join(from, 'openapi'), { recursive: true });
  writeFileSync(path.join(from, 'openapi', 'carrier-accounts.json'), JSON.stringify([{ deliveryId: 'SF', bizId: 'team-sf' }]));
  const cloud = await startDemoCloud({ from });
  try {
    expect(refs(cloud.openapi.carrierAccounts())).toEqual(['SF/team-sf']);
    expect(cloud.openapi.state().knownUsers).toEqual([]);
    expect(cloud.database.collections()).toEqual([]);
  } finally {
    await cloud.close();
  }
  // A folder that does not exist yet (the first invoke of a --state session) starts from the seed.
  const first = await startDemoCloud({ from: path.join(tempDir(), 'not-yet') });
  try {
    expect(refs(first.openapi.carrierAccounts())).toEqual(refs(seedCarrierAccounts()));
  } finally {
    await first.close();
  }
});

test('localcloud/README.md\'s demo accounts table shows every account of the seed, with its password', () => {
  const readme = readFileSync(path.join(ROOT, 'localcloud', 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('| deliveryId | bizId | password |'));
  const rows = table.slice(0, table.indexOf('\n\n')).split('\n');
  for (const account of seedCarrierAccounts()) {
    const row = rows.find((line) => line.startsWith(`| ${account.deliveryId} |`) && line.includes(account.bizId));
    expect({ account: refs([account])[0], row: row !== undefined && (account.password === undefined || row.includes(`\`${account.password}\``)) }).toEqual({ account: refs([account])[0], row: true });
  }
});
