import { readFileSync } from 'node:fs';
import { README, withCurrentCodesTable } from '../../scripts/codes-table';

test('the README codes table matches core/catalogue.ts (run `npm run docs` to refresh it)', () => {
  const readme = readFileSync(README, 'utf8');
  expect(withCurrentCodesTable(readme)).toBe(readme);
});
