/**
 * The demo's seed is a committed state folder, localcloud/demo-seed/: the one place the demo's
 * carrier accounts, known users and collections are. It is what the local cloud's own export
 * writes (so a format change fails here instead of leaving a stale seed), it is a consistent
 * world, and `npm start`, `npm run invoke` and `npm run dev` start from it, or from a --state /
 * --seed folder instead of it.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { COLLECTIONS } from '../../core/records/database';
import { DEMO_SEED_DIR } from '../../localcloud/demo';
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

test('it is a deployed project before first use: the three records collections, no roster entry without a bound printer, each carrier account once', () => {
  expect(seedCollections()).toEqual(Object.values(COLLECTIONS).sort());
  const printers = new Set(seedPrinters());
  for (const entry of seedDocuments(COLLECTIONS.roster)) expect(printers.has(String(entry._id))).toBe(true);
  // The registry names each account once.
  const accounts = seedCarrierAccounts();
  expect(accounts.length).toBeGreaterThan(0);
  expect(new Set(refs(accounts)).size).toBe(accounts.length);
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
