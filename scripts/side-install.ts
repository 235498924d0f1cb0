/**
 * Installs a side folder's own package.json (scripts/wechat-ci/, scripts/browser/) on first use,
 * with `npm ci` from its lock file, so the main `npm install` stays light. A stamp in the folder's
 * node_modules remembers which lock file was installed; a changed lock installs again.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

const STAMP = '.installed-from-lock';

export function ensureSideInstall(dir: string): void {
  const lock = fs.readFileSync(path.join(dir, 'package-lock.json'));
  const wanted = createHash('sha256').update(lock).digest('hex');
  const stamp = path.join(dir, 'node_modules', STAMP);
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === wanted) return;
  console.log(`installing ${path.relative(process.cwd(), dir) || dir} (first use: npm ci)`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`npm ci in ${dir} failed (${run.error?.message ?? `exit ${run.status}`})`);
  fs.writeFileSync(stamp, wanted);
}
