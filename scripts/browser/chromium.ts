/**
 * Whether a browser check can run here (npm run screenshots, the dev console's browser test):
 * Chromium (CHROME_PATH, or chromium / chromium-browser / google-chrome on PATH) and CJK fonts.
 * Without them a check prints SKIPPED outside CI and fails under CI=true.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Why the browser check cannot run here, or undefined when it can. */
export function whatIsMissing(): { browser?: string; missing?: string } {
  const given = process.env.CHROME_PATH;
  if (given && !fs.existsSync(given)) return { missing: `CHROME_PATH is ${given}, which does not exist` };
  const browser = given || ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'].map(onPath).find(Boolean);
  if (!browser) return { missing: 'no Chromium (set CHROME_PATH, or install it: apt-get install chromium fonts-noto-cjk)' };
  const fonts = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  if (fonts.status !== 0 || !fonts.stdout.trim()) return { browser, missing: 'no Chinese fonts, the page would show empty boxes (install them: apt-get install fonts-noto-cjk)' };
  return { browser };
}

/** CI=true (any value but empty, 0 or false), as CI sets it. */
export function underCi(): boolean {
  const ci = (process.env.CI ?? '').trim().toLowerCase();
  return ci !== '' && ci !== '0' && ci !== 'false';
}

