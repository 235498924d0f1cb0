import { authorise, callerFromWXContext, readAccessPolicy, type Caller } from '../../core/authorisation';

const policy = readAccessPolicy({ LOGISTICS_ADMIN_OPENIDS: ' oAdminA , oAdminB,,', LOGISTICS_SERVER_SOURCES: 'wx_trigger, scf, wx_client' });

function decide(caller: Caller, p = policy) {
  const decision = authorise('bindAccount', caller, p);
  return decision.allowed ? `allowed as ${decision.as}` : decision.envelope.code;
}

describe('authorisation', () => {
  test('reads comma lists, trimming blanks', () => {
    expect([...policy.adminOpenids]).toEqual(['oAdminA', 'oAdminB']);
  });

  test('a listed admin is allowed, whatever the source', () => {
    expect(decide({ openid: 'oAdminA', source: 'wx_client' })).toBe('allowed as admin');
    expect(decide({ openid: 'oAdminB', source: 'wx_client,scf' })).toBe('allowed as admin');
  });

  test('an openid not listed is refused', () => {
    expect(decide({ openid: 'oStranger', source: 'wx_client' })).toBe('NOT_ADMIN');
    expect(decide({ openid: 'oAdmin', source: 'wx_client' })).toBe('NOT_ADMIN');
  });

  test('with no admins configured every openid is refused with a hint for the owner', () => {
    const empty = readAccessPolicy({});
    expect(decide({ openid: 'oAdminA' }, empty)).toBe('ADMINS_NOT_CONFIGURED');
  });

  test('no OPENID: refused unless every hop of SOURCE is a trusted server source', () => {
    expect(decide({})).toBe('NO_CALLER_IDENTITY');
    expect(decide({ source: 'wx_trigger' })).toBe('allowed as server');
    expect(decide({ source: 'wx_trigger,scf' })).toBe('allowed as server');
    expect(decide({ source: 'wx_http,scf' })).toBe('NO_CALLER_IDENTITY');
    expect(decide({ source: 'tcb_web_anonymous' })).toBe('NO_CALLER_IDENTITY');
  });

  test('client sources can never be trusted for a caller without OPENID', () => {
    expect(decide({ source: 'wx_client' })).toBe('NO_CALLER_IDENTITY');
    expect(decide({ source: 'wx_client,scf' })).toBe('NO_CALLER_IDENTITY');
  });

  test('by default no server source is trusted', () => {
    expect(decide({ source: 'wx_trigger' }, readAccessPolicy({ LOGISTICS_ADMIN_OPENIDS: 'oAdminA' }))).toBe('NO_CALLER_IDENTITY');
  });

  test('a blank OPENID counts as none', () => {
    expect(decide({ openid: '  ' })).toBe('NO_CALLER_IDENTITY');
    expect(callerFromWXContext({ OPENID: '', APPID: 'wxapp', SOURCE: 'wx_client' })).toEqual({ appid: 'wxapp', source: 'wx_client' });
  });

  test('the policy follows the variables: re-read when their text changes, reused while it does not', () => {
    jest.isolateModules(() => {
      // A fresh module: the very first read may have neither variable set.
      const fresh = jest.requireActual<typeof import('../../core/authorisation')>('../../core/authorisation');
      const none = fresh.readAccessPolicy({});
      expect(none.adminOpenids.size).toBe(0);
      const env: Record<string, string | undefined> = { LOGISTICS_ADMIN_OPENIDS: 'oAdminA' };
      const first = fresh.readAccessPolicy(env);
      expect(fresh.readAccessPolicy({ ...env })).toBe(first);
      env.LOGISTICS_ADMIN_OPENIDS = 'oAdminB';
      expect([...fresh.readAccessPolicy(env).adminOpenids]).toEqual(['oAdminB']);
      env.LOGISTICS_SERVER_SOURCES = 'wx_trigger';
      expect([...fresh.readAccessPolicy(env).serverSources]).toEqual(['wx_trigger']);
      delete env.LOGISTICS_ADMIN_OPENIDS;
      expect(fresh.readAccessPolicy(env).adminOpenids.size).toBe(0);
    });
  });
});
