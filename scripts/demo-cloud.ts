/**
 * What `npm start`, `npm run invoke` and `npm run dev` share: the state folder a run starts from
 * (the demo's seed, localcloud/demo-seed/, unless `--seed` / `--state` names one that exists), the
 * demo's callers, the one way they keep secrets out of what they print (the local cloud's
 * redaction), and the one way they exit.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { DEMO_APPID, DEMO_SEED_DIR } from '../localcloud/demo';
import type { WXContextCaller } from '../localcloud/invoke';
import { redactSecretValues, secretValuesIn } from '../localcloud/redaction';
import { INVITE_QUERY_KEY } from '../miniprogram/shared/printer-invites';
import { startLocalCloud, type LocalCloud } from '../localcloud/server';

/** The demo seed as the project names it, for what the scripts print. */
export const DEMO_SEED_SHOWN = `${path.relative(path.resolve(__dirname, '..'), DEMO_SEED_DIR)}/`;

/** What a run that names no state folder starts from. */
export const FRESH_CLOUD_NOTE = `a fresh local cloud from the demo seed (${DEMO_SEED_SHOWN}; nothing is kept from an earlier run)`;

/** Where a run's state comes from and goes to (localcloud/README.md, "Seed data in, state out"). */
export interface DemoStateFolders {
  /** A state folder to start from instead of the demo seed; the seed when it does not exist (yet). */
  from?: string;
  /** Where the state is written when the cloud closes. */
  exportTo?: string;
}

/**
 * The state folder a run starts from: `from` when it exists, else the demo seed. An existing folder
 * is a whole state (an export writes the carrier registry, the users and every collection), so it
 * is not laid over the seed: what it lacks, the run lacks.
 */
export function startingState(from?: string): string {
  return from !== undefined && existsSync(from) ? from : DEMO_SEED_DIR;
}

/** What a run starts from, for the scripts' first line. */
export function cloudNote({ from, exportTo }: DemoStateFolders = {}): string {
  if (startingState(from) === DEMO_SEED_DIR) return exportTo === undefined ? FRESH_CLOUD_NOTE : `a fresh local cloud from the demo seed (${DEMO_SEED_SHOWN}), its state written to ${exportTo} at the end`;
  return `the local cloud's state from ${from}${exportTo === undefined ? '' : `, written back to ${exportTo} at the end`}`;
}

/** The local cloud, started from the demo seed or from `from` instead (startingState). */
export function startDemoCloud({ from, exportTo }: DemoStateFolders = {}): Promise<LocalCloud> {
  return startLocalCloud({ stateDir: startingState(from), ...(exportTo === undefined ? {} : { exportOnClose: exportTo }) });
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

/** An invite token as the scripts show it: its first 6 characters and its length. */
export function shortInvite(token: string): string {
  return `${token.slice(0, 6)}…（${token.length} 个字符）`;
}

/** Every string under an `invite` key (INVITE_QUERY_KEY: the events' and the mint's answer's token), at any depth. */
function invitesIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) invitesIn(item, found);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === INVITE_QUERY_KEY && typeof inner === 'string' && inner !== '') found.push(inner);
      else invitesIn(inner, found);
    }
  }
  return found;
}

/**
 * Shortens, in any text, every invite token found in `values` (shortInvite): a token is a card's to
 * carry, not a log's, so what the scripts print and the dev console shows holds none whole.
 */
export function inviteShortener(...values: unknown[]): (text: string) => string {
  const tokens = values.flatMap((value) => invitesIn(value));
  return (text) => tokens.reduce((out, token) => out.split(token).join(shortInvite(token)), text);
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
