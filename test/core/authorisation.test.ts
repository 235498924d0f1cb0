import { authorise, callerFromWXContext, readAccessPolicy, type CallerIdentity } from '../../core/authorisation';

const policy = readAccessPolicy({ LOGISTICS_ADMIN_OPENIDS: ' oAdminA , oAdminB,,', LOGISTICS_SERVER_SOURCES: 'wx_trigger, scf, wx_client' });

function decide(caller: CallerIdentity, p = policy) {
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

  test('an empty OPENID counts as none', () => {
    expect(callerFromWXContext('bindAccount', { OPENID: '', APPID: 'wxapp', SOURCE: 'wx_client' })).toEqual({ ok: true, caller: { appid: 'wxapp', source: 'wx_client' } });
    expect(callerFromWXContext('bindAccount', { OPENID: undefined, SOURCE: '' })).toEqual({ ok: true, caller: {} });
  });

  test('a well-formed OPENID is kept exactly as given', () => {
    expect(callerFromWXContext('bindAccount', { OPENID: 'oAdmin_A-1', SOURCE: 'wx_client' })).toEqual({ ok: true, caller: { openid: 'oAdmin_A-1', source: 'wx_client' } });
    expect(callerFromWXContext('bindAccount', { OPENID: 'o'.repeat(128) }).ok).toBe(true);
  });

  test.each([
    ['a number (the SDK parseInts all-digit values)', 12345],
    ['whitespace only', '   '],
    ['surrounded by spaces', ' oAdminA '],
    ['outside [A-Za-z0-9_-]', 'oAdmin.A'],
    ['a C1 control', 'oAdmin\u0085'],
    ['129 characters', 'o'.repeat(129)],
    ['an object', { toString: () => 'oAdminA' }],
    ['true', true],
  ])('an OPENID that is %s is INVALID_CALLER_IDENTITY, without quoting it', (_what, OPENID) => {
    const reading = callerFromWXContext('bindAccount', { OPENID, SOURCE: 'scf' });
    if (reading.ok) throw new Error('expected a refusal');
    expect(reading.envelope).toMatchObject({ ok: false, code: 'INVALID_CALLER_IDENTITY', errCode: -900104 });
    if (typeof OPENID === 'string' && OPENID.trim()) expect(reading.envelope.errMsg).not.toContain(OPENID.trim());
  });

  test('an empty admin list refuses a trusted server caller too (the owner\'s off switch)', () => {
    const off = readAccessPolicy({ LOGISTICS_ADMIN_OPENIDS: ' , ', LOGISTICS_SERVER_SOURCES: 'scf' });
    expect(decide({ source: 'scf' }, off)).toBe('ADMINS_NOT_CONFIGURED');
    expect(decide({ openid: 'oAdminA', source: 'wx_client' }, off)).toBe('ADMINS_NOT_CONFIGURED');
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

test('a SOURCE that is no plain chain of source names is not one we know: never trusted, never placed', () => {
  for (const SOURCE of ['x'.repeat(257), 'wx_trigger; rm', 'scf\n', 'wx\u202etrigger', 42]) {
    const read = callerFromWXContext('bindAccount', { SOURCE });
    expect(read).toEqual({ ok: true, caller: {} });
  }
  expect(callerFromWXContext('bindAccount', { SOURCE: 'wx_trigger,scf' })).toEqual({ ok: true, caller: { source: 'wx_trigger,scf' } });
});

describe('the refused caller\'s own OPENID (issue 22)', () => {
  const envelopeOf = (caller: CallerIdentity, p = policy, rule?: Parameters<typeof authorise>[3]) => {
    const decision = authorise('getBindings', caller, p, rule);
    if (decision.allowed) throw new Error('expected a refusal');
    return decision.envelope;
  };
  const off = readAccessPolicy({ LOGISTICS_ADMIN_OPENIDS: '', LOGISTICS_SERVER_SOURCES: 'wx_trigger' });

  test('NOT_ADMIN carries data: { callerOpenid } and nothing else', () => {
    const envelope = envelopeOf({ openid: 'oStranger', appid: 'wxapp', source: 'wx_client' });
    expect(envelope).toMatchObject({ code: 'NOT_ADMIN', data: { callerOpenid: 'oStranger' } });
    expect(Object.keys(envelope.data as object)).toEqual(['callerOpenid']);
  });

  test('ADMINS_NOT_CONFIGURED carries it for a caller with an OPENID, under every rule', () => {
    for (const rule of ['admins-or-servers', 'admin-users', 'any-user'] as const) {
      const envelope = envelopeOf({ openid: 'oOwner', appid: 'wxapp', source: 'wx_client' }, off, rule);
      expect(envelope).toMatchObject({ code: 'ADMINS_NOT_CONFIGURED', data: { callerOpenid: 'oOwner' } });
      expect(Object.keys(envelope.data as object)).toEqual(['callerOpenid']);
    }
  });

  test('a caller without an OPENID gets no data: a server caller, the console\'s test button', () => {
    expect(envelopeOf({ source: 'wx_trigger' }, off)).not.toHaveProperty('data');
    expect(envelopeOf({ source: 'wx_trigger' }, off).code).toBe('ADMINS_NOT_CONFIGURED');
    expect(envelopeOf({})).not.toHaveProperty('data');
    expect(envelopeOf({}).code).toBe('NO_CALLER_IDENTITY');
    expect(envelopeOf({ openid: 'oAdminA' }, policy, 'admin-users')).toMatchObject({ code: 'NO_CALLER_IDENTITY' });
    expect(envelopeOf({ openid: 'oAdminA' }, policy, 'admin-users')).not.toHaveProperty('data');
  });

  test('INVALID_CALLER_IDENTITY never carries data', () => {
    const reading = callerFromWXContext('getBindings', { OPENID: 12345, SOURCE: 'wx_client' });
    if (reading.ok) throw new Error('expected a refusal');
    expect(reading.envelope).not.toHaveProperty('data');
  });
});
