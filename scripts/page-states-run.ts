/**
 * Runs the page states (test/page/page-states.test.ts) in a jest process of their own, as both
 * `check:wechat` (from WeChat's compiled package) and `screenshots` (collecting each state's DOM) do.
 */
import { spawnSync, type SpawnSyncReturns } from 'child_process';
import * as path from 'path';

const REPO = path.resolve(__dirname, '..');
export const PAGE_STATES_TEST = 'test/page/page-states.test.ts';

/** `PAGE_MINIPROGRAM_ROOT`: the package to load ('' = miniprogram/); `PAGE_SNAPSHOT_DIR`: where DOMs go ('' = none). */
export function runPageStates(env: { PAGE_MINIPROGRAM_ROOT: string; PAGE_SNAPSHOT_DIR: string }): SpawnSyncReturns<string> {
  const jest = require.resolve('jest/bin/jest');
  return spawnSync(process.execPath, [jest, '--ci', '--selectProjects', 'page', '--reporters=default', '--runTestsByPath', PAGE_STATES_TEST], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
}
