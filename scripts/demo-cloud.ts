/**
 * What `npm start` and `npm run invoke` share: the demo cloud (seeded from localcloud/demo.ts, and
 * from a state folder when `--seed` / `--state` names one, else afresh), the demo's callers, the
 * one way they keep secrets out of what they print (the local cloud's redaction), and the one way
 * they exit.
 */
import { existsSync } from 'node:fs';
import { DEMO_APPID, DEMO_CARRIER_ACCOUNTS, DEMO_KNOWN_USERS } from '../localcloud/demo';
import type { WXContextCaller } from '../localcloud/invoke';
import { redactSecretValues, secretValuesIn } from '../localcloud/redaction';
import { startLocalCloud, type LocalCloud } from '../localcloud/server';

/** What a run that names no state folder starts from. */
export const FRESH_CLOUD_NOTE = 'a fresh local cloud with the demo accounts (nothing is kept from an earlier run)';

/** Where a run's state comes from and goes to (localcloud/README.md, "Seed data in, state out"). */
export interface DemoStateFolders {
  /** A state folder to start from, over the demo's accounts and users; skipped when it does not exist. */
  from?: string;
  /** Where the state is written when the cloud closes. */
  exportTo?: string;
}

/** What a run starts from, for the scripts' first line. */
export function cloudNote({ from, exportTo }: DemoStateFolders = {}): string {
  if (from === undefined || !existsSync(from)) return exportTo === undefined ? FRESH_CLOUD_NOTE : `a fresh local cloud with the demo accounts, its state written to ${exportTo} at the end`;
  return `the local cloud's state from ${from} (over the demo accounts)${exportTo === undefined ? '' : `, written back to ${exportTo} at the end`}`;
}

/** The local cloud, seeded with the demo's carrier accounts and users, and then a state folder's. */
export function startDemoCloud({ from, exportTo }: DemoStateFolders = {}): Promise<LocalCloud> {
  return startLocalCloud({
    carrierAccounts: DEMO_CARRIER_ACCOUNTS,
    knownUsers: DEMO_KNOWN_USERS,
    ...(from !== undefined && existsSync(from) ? { stateDir: from } : {}),
    ...(exportTo === undefined ? {} : { exportOnClose: exportTo }),
  });
}

/** A mini program user as WeChat's context gives them: the OPENID, the demo's APPID, SOURCE wx_client. */
export function clientCaller(openid: string): WXContextCaller {
  return { openid, appid: DEMO_APPID, source: 'wx_client' };
}

/**
 * Replaces, in any text, every value that sits under a password- or secret-like key anywhere in
 * `values` (events, variables) by ******, as the local cloud redacts its own views: what these
 * scripts print passes through it.
 */
export function secretScrubber(...values: unknown[]): (text: string) => string {
  const secrets = values.flatMap(secretValuesIn);
  return (text) => redactSecretValues(text, secrets);
}

/** A mistake in how the script was called: its message and the usage, exit code 2. */
export class UsageError extends Error {}

/** Runs a script's main: its answer is the exit code; a thrown error is printed (no stack) and exits 2. */
export function runScript(main: () => Promise<number>, usage: string): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof UsageError ? `${error.message}\n${usage}` : error instanceof Error ? error.message : String(error));
      process.exitCode = 2;
    },
  );
}
