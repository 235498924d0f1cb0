/** Each function's config.json declares exactly the openapi its source calls, and its folder deploys alone. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { FUNCTION_NAMES, FUNCTIONS_DIR } from '../../scripts/build';

function read(name: string, file: string): string {
  return readFileSync(path.join(FUNCTIONS_DIR, name, file), 'utf8');
}

/** What each function calls: the write functions their namesake API, getBindings the three reads. */
const EXPECTED_APIS: Record<(typeof FUNCTION_NAMES)[number], string[]> = {
  updatePrinter: ['logistics.updatePrinter'],
  bindAccount: ['logistics.bindAccount'],
  getBindings: ['logistics.getAllAccount', 'logistics.getPrinter', 'logistics.getAllDelivery'],
};

describe.each(FUNCTION_NAMES)('cloudfunctions/%s', (name) => {
  test('config.json declares exactly the openapi the source calls', () => {
    const called = [...read(name, 'src/index.ts').matchAll(/cloud\.openapi\.(\w+)\.(\w+)\(/g)].map((m) => `${m[1]}.${m[2]}`);
    expect(called).toEqual(EXPECTED_APIS[name]);
    expect(JSON.parse(read(name, 'config.json'))).toEqual({ permissions: { openapi: called } });
  });

  test('package.json needs no cloud-side install', () => {
    const pkg = JSON.parse(read(name, 'package.json')) as Record<string, unknown>;
    expect(pkg.main).toBe('index.js');
    expect(pkg.dependencies ?? {}).toEqual({});
  });
});
