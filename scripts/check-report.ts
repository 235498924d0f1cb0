/**
 * The report of a check script (`check:wechat`, `screenshots`): one `ok`/`FAIL` line per case, and
 * a closing `<name>: N passed, N failed (… s)` line that .ci/run adds to its own tests: line.
 */
export function checkReport(name: string, startedAt: number) {
  let passed = 0;
  let failed = 0;
  return {
    report(ok: boolean, line: string, details: readonly string[] = []): void {
      if (ok) passed += 1;
      else failed += 1;
      console.log(`  ${ok ? 'ok  ' : 'FAIL'}  ${line}`);
      for (const detail of details) console.log(`        ${detail}`);
    },
    /** Prints the closing line and sets a failing exit code when a case failed. */
    finish(): void {
      console.log(`${name}: ${passed} passed, ${failed} failed (${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);
      if (failed > 0) process.exitCode = 1;
    },
  };
}
