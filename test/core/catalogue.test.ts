import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CATALOGUE, describeErrCode, entryForCode, ProjectCode, UNKNOWN_ERRCODE } from '../../core/catalogue';

/** The errcodes of both docs pages; read from ../shared/docs when it is there, so a docs change shows. */
function docsErrcodes(): number[] {
  const docsDir = path.resolve(__dirname, '../../../shared/docs');
  const pages = ['logistics.updatePrinter.md', 'logistics.bindAccount.md'].map((page) => path.join(docsDir, page));
  if (!pages.every((page) => existsSync(page))) return [0, -1, 9300517, 9300529, 9300530, 9300531, 9300532];
  const codes = new Set<number>();
  for (const page of pages) {
    for (const match of readFileSync(page, 'utf8').matchAll(/^(-?\d+)\s*(?:\||\s)\s*\S/gm)) codes.add(Number(match[1]));
  }
  return [...codes];
}

describe('the errcode catalogue', () => {
  test('holds every errcode of both docs pages', () => {
    const codes = docsErrcodes();
    expect(codes).toEqual(expect.arrayContaining([0, -1, 9300517, 9300529, 9300530, 9300531, 9300532]));
    for (const errCode of codes) expect(CATALOGUE.map((e) => e.errCode)).toContain(errCode);
  });

  test('holds the cloud-call codes the SDK throws', () => {
    for (const errCode of [-604100, -604101, -604102, -604103, -604104, -501001, -501007, -601001]) {
      expect(CATALOGUE.map((e) => e.errCode)).toContain(errCode);
    }
  });

  test('lists each errCode and each code name once', () => {
    const errCodes = CATALOGUE.map((e) => e.errCode);
    const names = CATALOGUE.map((e) => e.code);
    expect(new Set(errCodes).size).toBe(errCodes.length);
    expect(new Set(names).size).toBe(names.length);
  });

  test.each(CATALOGUE.map((e) => [e.errCode, e] as const))('entry %i is complete and in plain Chinese', (_errCode, e) => {
    expect(e.code).toMatch(/^[A-Z][A-Z0-9_]*$/);
    expect(e.message).toMatch(/[\u4e00-\u9fff]/);
    expect(typeof e.retryable).toBe('boolean');
    expect(describeErrCode(e.errCode)).toBe(e);
    expect(entryForCode(e.code)).toBe(e);
  });

  test('project codes sit in -900xxx and do not collide with WeChat codes', () => {
    for (const errCode of [...Object.values(ProjectCode), UNKNOWN_ERRCODE]) {
      expect(errCode).toBeLessThanOrEqual(-900000);
      expect(errCode).toBeGreaterThan(-901000);
    }
  });

  test('no-permission tells the admin to redeploy with config.json and wait for the cache', () => {
    const e = describeErrCode(-604101);
    expect(e.code).toBe('NO_API_PERMISSION');
    expect(e.message).toContain('config.json');
    expect(e.message).toContain('10 分钟');
  });

  test('transient codes are retryable, settled answers are not', () => {
    for (const errCode of [-1, -501001, -604102]) expect(describeErrCode(errCode).retryable).toBe(true);
    for (const errCode of [9300529, 9300530, 9300531, 9300532, -604101, ProjectCode.NOT_ADMIN]) {
      expect(describeErrCode(errCode).retryable).toBe(false);
    }
  });

  test('an unlisted code keeps its errCode and gets its family or the unknown entry', () => {
    expect(describeErrCode(-604199)).toMatchObject({ errCode: -604199, code: 'CLOUD_CALL_ERROR' });
    expect(describeErrCode(-601099)).toMatchObject({ errCode: -601099, code: 'WECHAT_BACKEND_ERROR' });
    expect(describeErrCode(-501008)).toMatchObject({ errCode: -501008, code: 'CLOUD_RESOURCE_ERROR' });
    expect(describeErrCode(47999)).toMatchObject({ errCode: 47999, code: 'UNKNOWN_ERROR', retryable: false });
  });

  test('the codes users of the read APIs meet: the global WeChat ones not retryable, READ_TIMEOUT retryable', () => {
    expect(
      [40003, 40097, 47001, 45009, 48001, ProjectCode.READ_TIMEOUT, ProjectCode.MALFORMED_ANSWER].map((errCode) => {
        const { code, retryable } = describeErrCode(errCode);
        return [errCode, code, retryable];
      }),
    ).toEqual([
      [40003, 'INVALID_OPENID', false],
      [40097, 'INVALID_ARGS', false],
      [47001, 'DATA_FORMAT_ERROR', false],
      [45009, 'DAILY_QUOTA_EXCEEDED', false],
      [48001, 'API_UNAUTHORIZED', false],
      [-900202, 'READ_TIMEOUT', true],
      [-900301, 'MALFORMED_ANSWER', false],
    ]);
  });

  test('entryForCode refuses a name that is not in the catalogue', () => {
    expect(() => entryForCode('NOPE')).toThrow('NOPE');
  });
});
