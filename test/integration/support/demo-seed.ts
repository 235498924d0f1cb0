/**
 * The demo seed (localcloud/demo-seed/) as its files hold it, for tests that need what only the
 * folder has: the carrier registry's demo passwords, which no view of a running cloud shows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEMO_SEED_DIR } from '../../../localcloud/demo';
import { LOGISTICS_FILES } from '../../../localcloud/services/openapi';
import type { CarrierAccount } from '../../../localcloud/services/openapi/wechat-logistics';

function seedFile<T>(folder: string, file: string): T {
  return JSON.parse(readFileSync(path.join(DEMO_SEED_DIR, folder, file), 'utf8')) as T;
}

/** The carrier registry: the accounts a demo bind is checked against, passwords included. */
export const seedCarrierAccounts = (): CarrierAccount[] => seedFile('openapi', LOGISTICS_FILES.carrierAccounts);
export const seedKnownUsers = (): string[] => seedFile('openapi', LOGISTICS_FILES.knownUsers);
export const seedPrinters = (): string[] => seedFile('openapi', LOGISTICS_FILES.printers);
/** The seed's collections, by their files' names. */
export const seedCollections = (): string[] =>
  readdirSync(path.join(DEMO_SEED_DIR, 'database'))
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
/** One collection's documents as the file holds them (relaxed Extended JSON, read as plain JSON). */
export const seedDocuments = (collection: string): Array<Record<string, unknown>> => seedFile('database', `${collection}.json`);
/** The carrier's password for one of the seed's accounts (the first of that carrier with one). */
export function seedPassword(deliveryId: string): string {
  const account = seedCarrierAccounts().find((each) => each.deliveryId === deliveryId && each.password !== undefined);
  if (account?.password === undefined) throw new Error(`the demo seed has no ${deliveryId} account with a password`);
  return account.password;
}
