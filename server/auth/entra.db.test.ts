// Sign-in with Microsoft through msal-node against a real OpenID Connect issuer (node-oidc-provider over HTTPS with
// a generated CA, testbed/oidc/issuer.mjs): its real login and consent pages, the console's real routes, each
// mapped role, role removal at the issuer, groups → workspaces, silent renewal of the ARM token, and every attack
// the issue lists — refused with a reason, audited as a denied sign-in, no session created.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, desc, eq } from 'drizzle-orm';
import { decodeJwt } from 'jose';
import * as me from '@/app/api/v1/me/route';
import * as logout from '@/app/api/auth/logout/route';
import * as passwordLogin from '@/app/api/auth/login/route';
import * as linkRoute from '@/app/api/auth/entra/link/route';
import { auditEvents, identities, memberships, sessions, sessionTokenCaches, users, workspaces } from '../db/schema';
import { call, createCast, PASSWORD, type Cast } from '@/test/fixtures';
import { callCallback, signInWithIssuer, withIssuer, type Issuer } from '@/test/oidc';
import { armTokenForSession, pendingLinks } from './entra-flow';
import { sha256Hex } from './crypto';
import { runAction } from '../actions/run';
import { resetEnvCache } from '../env';
import { clientIpHeaders } from '../http/client-ip';

let cast: Cast;
let issuer: Issuer;
let stop: () => Promise<void>;
beforeAll(async () => {
  cast = await createCast();
  ({ issuer, stop } = await withIssuer());
}, 60_000);
afterAll(async () => {
  await stop?.();
  await cast?.cleanup();
});

const db = () => cast.db.db;
const whoAmI = async (session: string) => (await call(me.GET, { headers: { cookie: `hm_session=${session}` } })).json;
const sessionCount = async () => Number((await db().select({ n: count() }).from(sessions))[0].n);
const lastAudit = async (action = 'auth.login') => (await db().select().from(auditEvents).where(eq(auditEvents.action, action)).orderBy(desc(auditEvents.id)).limit(1))[0];

describe('sign-in with Microsoft (msal-node, authorization code + PKCE, against a real OpenID Connect issuer)', () => {
  it('an OpsAdmin app role signs in as ops admin; the account is created with the Entra identity and the audit says where the role came from', async () => {
    const r = await signInWithIssuer(issuer, 'olivia@contoso.test', { next: '/ops/clusters' });
    expect(r.status).toBe(303);
    expect(r.location).toBe('/ops/clusters');
    expect(r.session).toBeTruthy();
    const who = await whoAmI(r.session!);
    expect(who.email).toBe('olivia@contoso.test');
    expect(who.globalRole).toBe('ops_admin');
    const [u] = await db().select().from(users).where(eq(users.email, 'olivia@contoso.test'));
    expect(u.passwordHash).toBeNull();
    expect(u.globalRoleSource).toBe('entra:role:OpsAdmin');
    const ids = await db().select().from(identities).where(eq(identities.userId, u.id));
    expect(ids.map((i) => i.provider)).toEqual(['entra']);
    expect(ids[0].subject).toMatch(/^72f988bf-0000-4000-8000-00000000c0de\/[0-9a-f-]{36}$/); // tid/oid
    const grants = await lastAudit('users.entraGrants');
    expect(grants.message).toContain('global role ops_admin (Entra app role OpsAdmin)');
    const login = await lastAudit();
    expect(login.outcome).toBe('success');
    expect(login.message).toMatch(/signed in with Microsoft as ops_admin/);
    // The session row says how it was opened; the cookie is still only a random id.
    const [s] = await db().select().from(sessions).where(eq(sessions.idHash, sha256Hex(r.session!)));
    expect(s.provider).toBe('entra');
  });

  it('Auditor → auditor; DataScientist + group → member of the mapped workspace only', async () => {
    const a = await signInWithIssuer(issuer, 'audrey@contoso.test');
    expect((await whoAmI(a.session!)).globalRole).toBe('auditor');
    const d = await signInWithIssuer(issuer, 'dana@contoso.test', { next: '/w/vision' });
    expect(d.location).toBe('/w/vision');
    const who = await whoAmI(d.session!);
    expect(who.globalRole).toBeNull();
    expect(who.workspaces).toEqual(['vision']);
    const f = await signInWithIssuer(issuer, 'fred@contoso.test');
    expect((await whoAmI(f.session!)).workspaces).toEqual(['forecasting', 'vision']);
    const [m] = await db()
      .select({ source: memberships.source })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
      .where(and(eq(users.email, 'dana@contoso.test'), eq(workspaces.name, 'vision')));
    expect(m.source).toBe('entra:group:grp-vision');
  });

  it('the DataScientist role alone grants no workspace', async () => {
    issuer.setUser('solo@contoso.test', { name: 'Solo', roles: ['DataScientist'], groups: [] });
    const r = await signInWithIssuer(issuer, 'solo@contoso.test');
    const who = await whoAmI(r.session!);
    expect(who.globalRole).toBeNull();
    expect(who.workspaces).toEqual([]);
  });

  it('a role or group removed at the issuer is removed at the next sign-in; a membership granted in Harbormaster stays', async () => {
    issuer.setUser('rita@contoso.test', { name: 'Rita', roles: ['OpsAdmin', 'DataScientist'], groups: ['grp-vision'] });
    const first = await signInWithIssuer(issuer, 'rita@contoso.test');
    expect((await whoAmI(first.session!)).globalRole).toBe('ops_admin');
    await runAction('members.add', { workspace: 'forecasting', email: 'rita@contoso.test' }, cast.caller('admin'));

    issuer.setUser('rita@contoso.test', { roles: ['DataScientist'], groups: [] });
    const second = await signInWithIssuer(issuer, 'rita@contoso.test');
    const who = await whoAmI(second.session!);
    expect(who.globalRole).toBeNull();
    expect(who.workspaces).toEqual(['forecasting']); // manual: kept; vision (from the group): removed
    const grants = await lastAudit('users.entraGrants');
    expect(grants.message).toContain('global role ops_admin removed (Entra app role OpsAdmin no longer assigned)');
    expect(grants.message).toContain('removed from vision (Entra group grp-vision no longer assigned)');
  });

  it('silently renews the ARM-scoped access token from the session’s token cache (refresh token), and stores the cache only server-side', async () => {
    const r = await signInWithIssuer(issuer, 'olivia@contoso.test');
    const idHash = sha256Hex(r.session!);
    const [cache] = await db().select().from(sessionTokenCaches).where(eq(sessionTokenCaches.sessionIdHash, idHash));
    expect(cache.cacheEnc).toMatch(/^v1:/); // encrypted at rest
    expect(cache.cacheEnc).not.toContain('refresh');
    const first = await armTokenForSession(db(), idHash);
    const claims = decodeJwt(first.token);
    expect(claims.aud).toBe('https://management.azure.com');
    expect(claims.scope).toContain('https://management.azure.com/.default');
    const cached = await armTokenForSession(db(), idHash);
    expect(cached.token).toBe(first.token);
    const renewed = await armTokenForSession(db(), idHash, { forceRefresh: true });
    expect(renewed.token).not.toBe(first.token);
    expect(decodeJwt(renewed.token).aud).toBe('https://management.azure.com');
    // The same sign-in gets a token for the AKS AAD server application (Entra-enabled AKS through a `user` connection).
    const aks = await armTokenForSession(db(), idHash, { scope: '6dae42f8-4368-4678-94ff-3960e28e3630/.default' });
    expect(decodeJwt(aks.token)).toMatchObject({ aud: '6dae42f8-4368-4678-94ff-3960e28e3630', scope: '6dae42f8-4368-4678-94ff-3960e28e3630/.default', sub: 'olivia@contoso.test' });
    // Signed out: the cache is gone and no token comes out of it any more.
    await call(logout.POST as never, { path: '/api/auth/logout', headers: { cookie: `hm_session=${r.session}`, accept: 'application/json' }, method: 'POST' });
    expect(await db().select().from(sessionTokenCaches).where(eq(sessionTokenCaches.sessionIdHash, idHash))).toHaveLength(0);
    await expect(armTokenForSession(db(), idHash)).rejects.toThrow(/not signed in with Microsoft/);
  });

  it('a password session has no ARM token to renew', async () => {
    const r = await call(passwordLogin.POST as never, { path: '/api/auth/login', body: { email: 'admin@example.com', password: PASSWORD } });
    const id = /hm_session=([^;]+)/.exec(r.headers.get('set-cookie')!)![1];
    await expect(armTokenForSession(db(), sha256Hex(id))).rejects.toThrow(/not signed in with Microsoft/);
  });

  it('logout of a Microsoft session offers the issuer’s end-session URL', async () => {
    const r = await signInWithIssuer(issuer, 'dana@contoso.test');
    const out = await call(logout.POST as never, { path: '/api/auth/logout', headers: { cookie: `hm_session=${r.session}`, accept: 'application/json' }, method: 'POST' });
    expect(out.json.ok).toBe(true);
    const end = new URL(out.json.endSessionUrl);
    expect(end.origin).toBe(issuer.url);
    expect(end.searchParams.get('client_id')).toBe(issuer.clientId);
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe('http://127.0.0.1/login?signedOut=1');
    expect((await call(me.GET, { headers: { cookie: `hm_session=${r.session}` } })).status).toBe(401);
  });
});

describe('refused sign-ins: a clear reason, a denied audit event, no session', () => {
  async function expectRefused(run: () => Promise<{ status: number; location: string | null; session?: string }>, reason: string, auditText: RegExp) {
    const before = await sessionCount();
    const r = await run();
    expect(r.status).toBe(303);
    expect(r.location).toBe(`/login?error=${reason}`);
    expect(r.session).toBeUndefined();
    expect(await sessionCount()).toBe(before);
    const a = await lastAudit();
    expect(a.outcome).toBe('denied');
    expect(a.message).toMatch(auditText);
    return a;
  }

  it('a callback with a state this console never issued', async () => {
    await expectRefused(
      () => signInWithIssuer(issuer, 'dana@contoso.test', { beforeCallback: (u) => (u.searchParams.set('state', 'forged-state'), u) }),
      'state',
      /state is unknown/,
    );
  });

  it('a callback delivered to another browser (no login cookie, or another one)', async () => {
    await expectRefused(() => signInWithIssuer(issuer, 'dana@contoso.test', { loginCookie: () => '' }), 'state', /another browser/);
    await expectRefused(() => signInWithIssuer(issuer, 'dana@contoso.test', { loginCookie: () => 'someone-elses-cookie' }), 'state', /another browser/);
  });

  it('a replayed callback (same code and state) and a replayed code under a fresh state', async () => {
    const ok = await signInWithIssuer(issuer, 'dana@contoso.test');
    expect(ok.session).toBeTruthy();
    await expectRefused(() => callCallback(ok.callbackUrl, ok.loginCookie), 'state', /used already \(a replayed callback\)/);
    // The attacker starts a sign-in of their own and slips the old code into its callback: the issuer refuses it.
    await expectRefused(
      () => signInWithIssuer(issuer, 'fred@contoso.test', { beforeCallback: (u) => (u.searchParams.set('code', new URL(ok.callbackUrl).searchParams.get('code')!), u) }),
      'code',
      /token endpoint refused the authorization code: invalid_grant/,
    );
  });

  it('an ID token for another audience', async () => {
    issuer.tamper('wrong-audience');
    await expectRefused(() => signInWithIssuer(issuer, 'dana@contoso.test'), 'id_token', /"aud" claim is wrong \(issued for "some-other-application"/);
  });

  it('an expired ID token', async () => {
    issuer.tamper('expired');
    await expectRefused(() => signInWithIssuer(issuer, 'dana@contoso.test'), 'id_token', /ID token has expired/);
  });

  it('an ID token signed by another key', async () => {
    issuer.tamper('bad-signature');
    await expectRefused(() => signInWithIssuer(issuer, 'dana@contoso.test'), 'id_token', /signature does not match/);
  });

  it('an ID token from another issuer', async () => {
    issuer.tamper('wrong-issuer');
    await expectRefused(() => signInWithIssuer(issuer, 'dana@contoso.test'), 'id_token', /"iss" claim is wrong/);
  });

  it('a nonce that is not this sign-in’s', async () => {
    issuer.tamper('wrong-nonce');
    await expectRefused(() => signInWithIssuer(issuer, 'dana@contoso.test'), 'id_token', /nonce/);
  });

  it('the issuer reports an error (the user declined)', async () => {
    await expectRefused(
      () => signInWithIssuer(issuer, 'dana@contoso.test', { beforeCallback: (u) => new URL(`${u.origin}${u.pathname}?error=access_denied&error_description=declined&state=${u.searchParams.get('state')}`) }),
      'issuer',
      /access_denied: declined/,
    );
  });

  it('a user with no mapped app role', async () => {
    const a = await expectRefused(() => signInWithIssuer(issuer, 'nobody@contoso.test'), 'unmapped', /no mapped app role \(roles in the token: none/);
    expect(a.targetName).toBe('nobody@contoso.test');
    expect(await db().select().from(users).where(eq(users.email, 'nobody@contoso.test'))).toHaveLength(0);
  });

  it('a disabled account', async () => {
    issuer.setUser('gone@contoso.test', { roles: ['DataScientist'], groups: [] });
    await signInWithIssuer(issuer, 'gone@contoso.test');
    await runAction('users.disable', { email: 'gone@contoso.test' }, cast.caller('admin'));
    await expectRefused(() => signInWithIssuer(issuer, 'gone@contoso.test'), 'disabled', /is disabled/);
  });
});

describe('an email that already has a local account is never merged silently', () => {
  it('waits for the local password; a wrong one is refused; the right one links, signs in and maps roles', async () => {
    issuer.setUser('dana@example.com', { name: 'Dana (Entra)', roles: ['DataScientist'], groups: ['grp-forecasting'] });
    const before = await sessionCount();
    const r = await signInWithIssuer(issuer, 'dana@example.com');
    expect(r.location).toBe('/login/link');
    expect(r.session).toBeUndefined();
    expect(r.link).toBeTruthy();
    expect(await sessionCount()).toBe(before);
    expect((await lastAudit()).message).toMatch(/waits for an account link/);

    const wrong = await call(linkRoute.POST as never, { path: '/api/auth/entra/link', body: { password: 'not-the-password' }, headers: { cookie: `hm_link=${r.link}`, ...clientIpHeaders('10.3.0.1') } });
    expect(wrong.status).toBe(401);
    expect(wrong.json.errors?.[0]?.field ?? wrong.json.fieldErrors?.[0]?.path ?? 'password').toBe('password');
    expect(await sessionCount()).toBe(before);

    const ok = await call(linkRoute.POST as never, { path: '/api/auth/entra/link', body: { password: PASSWORD }, headers: { cookie: `hm_link=${r.link}`, ...clientIpHeaders('10.3.0.1') } });
    expect(ok.status).toBe(200);
    const session = /hm_session=([^;]+)/.exec(ok.headers.getSetCookie().join('\n'))![1];
    const who = await whoAmI(session);
    expect(who.email).toBe('dana@example.com');
    expect(who.workspaces).toEqual(['forecasting', 'vision']); // vision: set in Harbormaster (fixture), forecasting: Entra group
    expect((await lastAudit('auth.linkIdentity')).message).toMatch(/confirmed with its password/);
    // The link is used; the next Microsoft sign-in goes straight in.
    expect((await call(linkRoute.POST as never, { path: '/api/auth/entra/link', body: { password: PASSWORD }, headers: { cookie: `hm_link=${r.link}` } })).status).toBe(409);
    const again = await signInWithIssuer(issuer, 'dana@example.com');
    expect(again.session).toBeTruthy();
  });

  it('or an ops admin links it from the pending list (users.linkIdentity), after which the person signs in', async () => {
    issuer.setUser('farid@example.com', { roles: ['DataScientist'], groups: [] });
    const r = await signInWithIssuer(issuer, 'farid@example.com');
    expect(r.location).toBe('/login/link');
    const pending = (await pendingLinks(db())).find((p) => p.account === 'farid@example.com')!;
    expect(pending.roles).toEqual(['DataScientist']);
    await expect(runAction('users.linkIdentity', { id: pending.id }, cast.caller('auditor'))).rejects.toThrow(/permission|not allowed|forbidden/i);
    const linked = await runAction('users.linkIdentity', { id: pending.id }, cast.caller('admin'));
    expect(linked).toMatchObject({ email: 'farid@example.com', provider: 'entra' });
    const again = await signInWithIssuer(issuer, 'farid@example.com');
    expect(again.session).toBeTruthy();
    expect((await pendingLinks(db())).some((p) => p.account === 'farid@example.com')).toBe(false);
  });
});

describe('local accounts switched off (HARBORMASTER_LOCAL_ACCOUNTS=false)', () => {
  it('refuses the password sign-in with a clear 403 and keeps Microsoft sign-in working', async () => {
    process.env.HARBORMASTER_LOCAL_ACCOUNTS = 'false';
    resetEnvCache();
    try {
      const r = await call(passwordLogin.POST as never, { path: '/api/auth/login', body: { email: 'admin@example.com', password: PASSWORD } });
      expect(r.status).toBe(403);
      expect(r.json.detail).toMatch(/local accounts are switched off/i);
      await expect(runAction('users.create', { email: 'new@example.com' }, cast.caller('admin'))).rejects.toThrow(/local accounts are switched off/i);
      const ms = await signInWithIssuer(issuer, 'olivia@contoso.test');
      expect((await whoAmI(ms.session!)).globalRole).toBe('ops_admin');
    } finally {
      delete process.env.HARBORMASTER_LOCAL_ACCOUNTS;
      resetEnvCache();
    }
  });
});

describe('who can do what names the Entra source of each grant', () => {
  it('global role and memberships applied from Entra say which app role or group', async () => {
    const { accessEntries } = await import('../services/access');
    await signInWithIssuer(issuer, 'fred@contoso.test');
    const entries = await accessEntries(db(), { workspace: 'vision' });
    const fred = entries.find((e) => e.principal.email === 'fred@contoso.test' && e.principal.kind === 'user')!;
    expect(fred.source).toBe('member of vision from Entra group grp-vision');
    await signInWithIssuer(issuer, 'olivia@contoso.test');
    const olivia = (await accessEntries(db(), { workspace: 'vision' })).find((e) => e.principal.email === 'olivia@contoso.test')!;
    expect(olivia.source).toBe('global role ops_admin from Entra app role OpsAdmin');
    // Set in Harbormaster: unchanged wording.
    expect(entries.find((e) => e.principal.email === 'dana@example.com' && e.principal.kind === 'user')!.source).toBe('member of vision');
  });
});
