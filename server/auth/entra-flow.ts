import 'server-only';
import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db';
import { identities, identityLinks, oidcLogins, sessionTokenCaches, sessions, users } from '../db/schema';
import { writeAudit, writeAuditAlone } from '../audit/audit';
import { decryptSecret, encryptSecret } from '../secrets';
import { AppError } from '../errors';
import { effectiveRole } from '@/lib/rbac/permissions';
import type { SignInError } from '@/lib/auth/sign-in-errors';
import { safeNextPath } from '@/lib/next-path';
import { randomToken, sha256Hex, verifyPassword } from './crypto';
import { beginAttempt, settleAttempt } from './rate-limit';
import { createSession } from './sessions';
import { findUserByEmail, findUserById, principalFor, SYSTEM_USER_EMAIL, type UserRow } from './users';
import { applyGrants, mapClaims, type EntraClaims } from './entra-mapping';
import { ARM_SCOPE, IdTokenRejected, SIGN_IN_SCOPES, cryptoProvider, entraConfig, msalClient, readClaims, requestCache, verifyIdToken, type EntraConfig } from './entra';

// The records of a sign-in with Microsoft: the login in flight (state, nonce, PKCE verifier — server-side), the
// callback that checks them and opens a session, the account link that a local account must confirm, and the
// per-session msal-node token cache from which ARM tokens are renewed silently. Refusals are audited as denied
// `auth.login` events and create no session. No cluster call happens here.

export const PROVIDER = 'entra';
/** Cookie binding a login in flight to the browser that started it (Path limited to the callback). */
export const LOGIN_COOKIE = 'hm_oidc';
/** Cookie of an Entra sign-in waiting for the local account's password. */
export const LINK_COOKIE = 'hm_link';
const LOGIN_TTL_MS = 10 * 60_000;
const LINK_TTL_MS = 15 * 60_000;

interface Meta {
  ip: string | null;
  userAgent: string | null;
  requestId: string;
}

function requireConfig(): EntraConfig {
  const cfg = entraConfig();
  if (!cfg) throw new AppError('not_found', 'sign-in with Microsoft is not configured on this console (HARBORMASTER_ENTRA_AUTHORITY, _CLIENT_ID)');
  return cfg;
}

/** Step 1: the issuer's authorization URL for this browser, and the browser-binding secret to set as a cookie. */
export async function startLogin(db: DbOrTx, nextPath: string | null): Promise<{ url: string; browserSecret: string }> {
  const cfg = requireConfig();
  const state = randomToken(32);
  const nonce = randomToken(32);
  const browserSecret = randomToken(32);
  const { verifier, challenge } = await cryptoProvider.generatePkceCodes();
  const stateHash = sha256Hex(state);
  const url = await (await msalClient(cfg)).getAuthCodeUrl({
    scopes: SIGN_IN_SCOPES,
    redirectUri: cfg.redirectUri,
    codeChallenge: challenge,
    codeChallengeMethod: 'S256',
    state,
    nonce,
    responseMode: 'query',
    ...(cfg.prompt ? { prompt: cfg.prompt } : {}),
  });
  await db.delete(oidcLogins).where(lt(oidcLogins.expiresAt, new Date(Date.now() - 86_400_000)));
  await db.insert(oidcLogins).values({
    stateHash,
    browserHash: sha256Hex(browserSecret),
    nonce,
    codeVerifierEnc: encryptSecret(verifier, `oidc-login:${stateHash}`),
    nextPath: safeNextPath(nextPath ?? '/'),
    expiresAt: new Date(Date.now() + LOGIN_TTL_MS),
  });
  return { url, browserSecret };
}

export type CallbackOutcome =
  | { kind: 'session'; session: { id: string; expiresAt: Date }; next: string; user: UserRow }
  | { kind: 'link'; linkToken: string; email: string }
  | { kind: 'refused'; reason: SignInError };

class Refusal extends Error {
  constructor(
    readonly reason: SignInError,
    readonly detail: string,
    readonly email: string | null = null,
  ) {
    super(detail);
  }
}

async function auditDenied(db: Db, meta: Meta, r: Refusal) {
  await writeAuditAlone(db, {
    requestId: meta.requestId,
    actor: { id: null, email: r.email ?? 'unknown', role: null },
    action: 'auth.login',
    targetType: 'session',
    targetName: r.email ?? 'unknown',
    outcome: 'denied',
    message: `sign-in with Microsoft refused (${r.reason}): ${r.detail}`,
    ip: meta.ip,
  });
}

/** The login in flight named by `state`, claimed once; why not, otherwise. */
async function claimLogin(db: Db, state: string | null, browserSecret: string | undefined) {
  if (!state) throw new Refusal('state', 'the callback has no state parameter');
  const stateHash = sha256Hex(state);
  const [row] = await db
    .update(oidcLogins)
    .set({ usedAt: new Date() })
    .where(and(eq(oidcLogins.stateHash, stateHash), isNull(oidcLogins.usedAt), gt(oidcLogins.expiresAt, new Date()), eq(oidcLogins.browserHash, sha256Hex(browserSecret ?? ''))))
    .returning();
  if (row) return row;
  const [seen] = await db.select().from(oidcLogins).where(eq(oidcLogins.stateHash, stateHash)).limit(1);
  const why = !seen
    ? 'the state is unknown (not issued by this console)'
    : seen.usedAt
      ? 'the state was used already (a replayed callback)'
      : seen.expiresAt.getTime() <= Date.now()
        ? 'the sign-in took longer than 10 minutes'
        : 'the callback came to another browser than the one that started the sign-in';
  throw new Refusal('state', why);
}

/** Step 2: the issuer's redirect back. Never throws for a refusal: it is audited and returned. */
export async function completeLogin(db: Db, params: URLSearchParams, browserSecret: string | undefined, meta: Meta): Promise<CallbackOutcome> {
  let cfg: EntraConfig;
  try {
    cfg = requireConfig();
  } catch {
    return { kind: 'refused', reason: 'not_configured' };
  }
  try {
    const login = await claimLogin(db, params.get('state'), browserSecret);
    if (params.get('error')) throw new Refusal('issuer', `the identity provider answered ${params.get('error')}: ${params.get('error_description') ?? ''}`.trim());
    const code = params.get('code');
    if (!code) throw new Refusal('code', 'the callback has no code parameter');
    const cache = requestCache(null);
    let result;
    try {
      result = await (await msalClient(cfg, cache.plugin)).acquireTokenByCode(
        { code, codeVerifier: decryptSecret(login.codeVerifierEnc, `oidc-login:${login.stateHash}`), redirectUri: cfg.redirectUri, scopes: SIGN_IN_SCOPES, state: params.get('state')!, nonce: login.nonce },
        { code, state: params.get('state')! },
      );
    } catch (e) {
      const err = e as { errorCode?: string; errorMessage?: string; message?: string };
      if (err.errorCode === 'nonce_mismatch') throw new Refusal('id_token', 'the ID token’s nonce is not the one this sign-in sent');
      if (err instanceof AppError) throw new Refusal('unavailable', err.message);
      if (/ECONNREFUSED|ETIMEDOUT|ENOTFOUND|did not answer|endpoints_resolution_error/.test(`${err.errorCode} ${err.message}`)) throw new Refusal('unavailable', err.message ?? String(e));
      throw new Refusal('code', `the token endpoint refused the authorization code: ${err.errorCode ?? ''} ${(err.errorMessage ?? err.message ?? '').split('\n')[0]}`.trim());
    }
    if (!result?.idToken) throw new Refusal('id_token', 'the token response has no ID token');
    let payload;
    try {
      payload = await verifyIdToken(cfg, result.idToken, login.nonce);
    } catch (e) {
      if (e instanceof IdTokenRejected) throw new Refusal('id_token', e.message);
      throw new Refusal('unavailable', (e as Error).message);
    }
    const claims = readClaims(payload);
    if (!claims.email) throw new Refusal('no_email', `the ID token of ${claims.subject} carries no email, preferred_username or upn`);
    if (claims.email === SYSTEM_USER_EMAIL) throw new Refusal('unmapped', 'the system account’s address cannot sign in', claims.email);
    const mapped = mapClaims(claims, cfg.roleMap, cfg.groupMap);
    if (!mapped.allowed) {
      throw new Refusal('unmapped', `no mapped app role (roles in the token: ${claims.roles.length ? claims.roles.join(', ') : 'none'}; mapped roles: ${cfg.roleMap.map(([k]) => k).join(', ')})`, claims.email);
    }
    const cacheText = cache.serialized();
    const homeAccountId = result.account?.homeAccountId ?? null;

    return await db.transaction(async (tx) => {
      const [identity] = await tx.select().from(identities).where(and(eq(identities.provider, PROVIDER), eq(identities.subject, claims.subject))).limit(1);
      let user = identity ? await findUserById(tx, identity.userId) : undefined;
      if (!user) {
        const existing = await findUserByEmail(tx, claims.email!);
        if (existing) {
          // Never merged silently: the local account confirms with its password, or an ops admin links it.
          const linkToken = randomToken(32);
          const values = {
            userId: existing.id, provider: PROVIDER, subject: claims.subject, email: claims.email!, displayName: claims.name, claims: { roles: claims.roles, groups: claims.groups },
            tokenHash: sha256Hex(linkToken), tokenCacheEnc: cacheText ? encryptSecret(cacheText, `identity-link:${claims.subject}`) : null,
            createdAt: new Date(), expiresAt: new Date(Date.now() + LINK_TTL_MS), linkedAt: null, linkedBy: null,
          };
          await tx.insert(identityLinks).values(values).onConflictDoUpdate({ target: [identityLinks.provider, identityLinks.subject], set: values });
          await writeAudit(tx, {
            requestId: meta.requestId, actor: { id: null, email: claims.email!, role: null }, action: 'auth.login', targetType: 'session', targetName: claims.email!, outcome: 'denied', ip: meta.ip,
            message: `sign-in with Microsoft waits for an account link: ${claims.email} is an existing Harbormaster account; its password or an ops admin must confirm the link (${homeAccountId ? 'token cache kept' : 'no token cache'})`,
          });
          return { kind: 'link' as const, linkToken, email: claims.email! };
        }
        [user] = await tx.insert(users).values({ email: claims.email!, displayName: claims.name, passwordHash: null }).returning();
        await tx.insert(identities).values({ userId: user.id, provider: PROVIDER, subject: claims.subject });
        await writeAudit(tx, {
          requestId: meta.requestId, actor: { id: user.id, email: user.email, role: null }, action: 'users.create', targetType: 'user', targetName: user.email, outcome: 'success', ip: meta.ip,
          message: `account created at the first sign-in with Microsoft (subject ${claims.subject})`, after: { email: user.email, provider: PROVIDER },
        });
      }
      return signIn(tx, user, { roles: claims.roles, groups: claims.groups }, cfg, { cacheText, homeAccountId, next: login.nextPath, meta });
    });
  } catch (e) {
    if (e instanceof Refusal) {
      await auditDenied(db, meta, e);
      return { kind: 'refused', reason: e.reason };
    }
    throw e;
  }
}

/** Applies the role and group mapping, opens the session and keeps its token cache (inside the caller's transaction). */
async function signIn(
  tx: DbOrTx,
  user: UserRow,
  claims: EntraClaims,
  cfg: EntraConfig,
  opts: { cacheText: string | null; homeAccountId: string | null; next: string; meta: Meta; how?: string },
): Promise<CallbackOutcome> {
  if (user.status !== 'active') throw new Refusal('disabled', `${user.email} is disabled`, user.email);
  const applied = await applyGrants(tx, user, mapClaims(claims, cfg.roleMap, cfg.groupMap));
  const principal = await principalFor(tx, applied.user);
  const actor = { id: user.id, email: user.email, role: effectiveRole(principal) };
  if (applied.changes.length || applied.missingWorkspaces.length) {
    await writeAudit(tx, {
      requestId: opts.meta.requestId, actor, action: 'users.entraGrants', targetType: 'user', targetName: user.email, outcome: 'success', ip: opts.meta.ip,
      message: [...applied.changes, ...applied.missingWorkspaces.map((w) => `workspace ${w} named by the group/role map does not exist (nothing granted)`)].join('; '),
      before: applied.before, after: applied.after,
    });
  }
  const session = await createSession(tx, user.id, { ip: opts.meta.ip, userAgent: opts.meta.userAgent, provider: PROVIDER });
  if (opts.cacheText && opts.homeAccountId) {
    const idHash = sha256Hex(session.id);
    await tx.insert(sessionTokenCaches).values({ sessionIdHash: idHash, homeAccountId: opts.homeAccountId, cacheEnc: encryptSecret(opts.cacheText, `token-cache:${idHash}`) });
  }
  await writeAudit(tx, {
    requestId: opts.meta.requestId, actor, action: 'auth.login', targetType: 'session', targetName: user.email, outcome: 'success', ip: opts.meta.ip,
    message: `signed in with Microsoft${opts.how ? ` (${opts.how})` : ''} as ${effectiveRole(principal) ?? 'no role'}${principal.memberOf.length ? `, member of ${principal.memberOf.join(', ')}` : ''}`,
  });
  // Sessions that ended leave no token caches behind.
  await tx.execute(sql`DELETE FROM session_token_caches c USING sessions s WHERE c.session_id_hash = s.id_hash AND (s.revoked_at IS NOT NULL OR s.expires_at < now()) AND s.user_id = ${user.id}`);
  return { kind: 'session', session, next: opts.next, user: applied.user };
}

async function pendingLink(db: DbOrTx, linkToken: string | undefined) {
  if (!linkToken) return null;
  const [link] = await db
    .select()
    .from(identityLinks)
    .where(and(eq(identityLinks.tokenHash, sha256Hex(linkToken)), isNull(identityLinks.linkedAt), gt(identityLinks.expiresAt, new Date())))
    .limit(1);
  return link ?? null;
}

/** The link page: whose account the waiting sign-in would join (null: none waiting in this browser). */
export async function describePendingLink(db: DbOrTx, linkToken: string | undefined) {
  const link = await pendingLink(db, linkToken);
  if (!link) return null;
  const user = await findUserById(db, link.userId);
  return { email: link.email, displayName: link.displayName, hasPassword: !!user?.passwordHash };
}

/**
 * The local account confirms the link with its password (throttled like the password sign-in): the identity is
 * added to it, the mapping applied, and a session opened with the token cache of the waiting sign-in.
 */
export async function confirmLinkWithPassword(db: Db, linkToken: string | undefined, password: string, meta: Meta): Promise<CallbackOutcome> {
  const cfg = requireConfig();
  const link = await pendingLink(db, linkToken);
  if (!link) return { kind: 'refused', reason: 'link_expired' };
  const user = await findUserById(db, link.userId);
  if (!user) return { kind: 'refused', reason: 'link_expired' };
  const throttle = await beginAttempt(db, user.email, meta.ip);
  if (throttle.limited) throw new AppError('too_many_requests', `Too many wrong passwords for this account from your address. Try again in ${throttle.retryAfterSeconds} seconds.`, { retryAfterSeconds: throttle.retryAfterSeconds });
  const ok = (await verifyPassword(user.passwordHash, password)) && user.status === 'active';
  await settleAttempt(db, throttle.attemptId, ok);
  if (!ok) {
    await writeAuditAlone(db, { requestId: meta.requestId, actor: { id: null, email: link.email, role: null }, action: 'auth.linkIdentity', targetType: 'user', targetName: user.email, outcome: 'denied', message: 'wrong password of the local account', ip: meta.ip });
    throw new AppError('unauthorized', 'Wrong password for this Harbormaster account.', { fieldErrors: [{ path: 'password', message: 'wrong password' }] });
  }
  try {
    return await db.transaction(async (tx) => {
      const [claimed] = await tx.update(identityLinks).set({ linkedAt: new Date(), linkedBy: 'password' }).where(and(eq(identityLinks.id, link.id), isNull(identityLinks.linkedAt))).returning();
      if (!claimed) return { kind: 'refused' as const, reason: 'link_expired' as const };
      await tx.insert(identities).values({ userId: user.id, provider: PROVIDER, subject: link.subject });
      await writeAudit(tx, {
        requestId: meta.requestId, actor: { id: user.id, email: user.email, role: user.globalRole }, action: 'auth.linkIdentity', targetType: 'user', targetName: user.email, outcome: 'success', ip: meta.ip,
        message: `Microsoft sign-in (subject ${link.subject}) linked to the local account, confirmed with its password`,
      });
      const cacheText = link.tokenCacheEnc ? decryptSecret(link.tokenCacheEnc, `identity-link:${link.subject}`) : null;
      const homeAccountId = cacheText ? homeAccountOf(cacheText) : null;
      return signIn(tx, user, link.claims, cfg, { cacheText, homeAccountId, next: '/', meta, how: 'account linked' });
    });
  } catch (e) {
    if (e instanceof Refusal) {
      await auditDenied(db, meta, e);
      return { kind: 'refused', reason: e.reason };
    }
    throw e;
  }
}

function homeAccountOf(cacheText: string): string | null {
  try {
    const accounts = Object.values(JSON.parse(cacheText).Account ?? {}) as Array<{ home_account_id?: string }>;
    return accounts[0]?.home_account_id ?? null;
  } catch {
    return null;
  }
}

// --- Pending links for ops admins (the Users page; actions users.linkIdentity / users.rejectIdentityLink).

export async function pendingLinks(db: DbOrTx) {
  const rows = await db
    .select({ l: identityLinks, email: users.email })
    .from(identityLinks)
    .innerJoin(users, eq(identityLinks.userId, users.id))
    .where(and(isNull(identityLinks.linkedAt), gt(identityLinks.createdAt, new Date(Date.now() - 30 * 86_400_000))))
    .orderBy(identityLinks.createdAt);
  return rows.map(({ l, email }) => ({
    id: l.id, account: email, provider: l.provider, subject: l.subject, displayName: l.displayName, roles: l.claims.roles, groups: l.claims.groups, requestedAt: l.createdAt.toISOString(),
  }));
}
export type PendingLinkDto = Awaited<ReturnType<typeof pendingLinks>>[number];

export async function linkIdentityByAdmin(tx: DbOrTx, id: string, adminEmail: string) {
  const [link] = await tx.update(identityLinks).set({ linkedAt: new Date(), linkedBy: adminEmail, tokenCacheEnc: null }).where(and(eq(identityLinks.id, id), isNull(identityLinks.linkedAt))).returning();
  if (!link) throw new AppError('not_found', `no sign-in waiting for a link with id ${id}`, { fieldErrors: [{ path: 'id', message: 'no such pending link' }] });
  const user = await findUserById(tx, link.userId);
  if (!user) throw new AppError('not_found', 'the account of this link no longer exists', { fieldErrors: [{ path: 'id', message: 'account deleted' }] });
  await tx.insert(identities).values({ userId: user.id, provider: link.provider, subject: link.subject }).onConflictDoNothing();
  return { email: user.email, provider: link.provider, subject: link.subject };
}

export async function rejectIdentityLink(tx: DbOrTx, id: string) {
  const [link] = await tx.delete(identityLinks).where(and(eq(identityLinks.id, id), isNull(identityLinks.linkedAt))).returning();
  if (!link) throw new AppError('not_found', `no sign-in waiting for a link with id ${id}`, { fieldErrors: [{ path: 'id', message: 'no such pending link' }] });
  return { email: link.email, provider: link.provider, subject: link.subject };
}

/** The sign-in sources of each user (local password, Microsoft): the Users page. */
export async function identityProviders(db: DbOrTx): Promise<Map<string, string[]>> {
  const rows = await db.select({ userId: identities.userId, provider: identities.provider }).from(identities);
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.userId, [...new Set([...(out.get(r.userId) ?? []), r.provider])].sort());
  return out;
}

// --- ARM tokens for the Azure integration: silent renewal from the session's token cache.

/**
 * An access token for Azure Resource Manager (or, with `scope`, another resource: the AKS AAD server application's
 * `6dae42f8-…/.default` for Entra-enabled clusters) on behalf of the signed-in user, renewed silently with the refresh
 * token of their Microsoft sign-in (`forceRefresh` skips the cached access token). The renewed cache is saved.
 */
export async function armTokenForSession(db: DbOrTx, sessionIdHash: string, opts: { forceRefresh?: boolean; scope?: string } = {}): Promise<{ token: string; expiresOn: Date | null }> {
  const cfg = requireConfig();
  const [row] = await db
    .select({ c: sessionTokenCaches })
    .from(sessionTokenCaches)
    .innerJoin(sessions, eq(sessions.idHash, sessionTokenCaches.sessionIdHash))
    .where(and(eq(sessionTokenCaches.sessionIdHash, sessionIdHash), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date())))
    .limit(1);
  if (!row) throw new AppError('forbidden', 'this session was not signed in with Microsoft: Azure calls need a Microsoft sign-in (or a service principal on the Azure connection)');
  const cache = requestCache(decryptSecret(row.c.cacheEnc, `token-cache:${sessionIdHash}`));
  const client = await msalClient(cfg, cache.plugin);
  const account = await client.getTokenCache().getAccountByHomeId(row.c.homeAccountId);
  if (!account) throw new AppError('unauthorized', 'the Microsoft sign-in of this session has no account in its token cache: sign in with Microsoft again');
  let result;
  try {
    result = await client.acquireTokenSilent({ account, scopes: [opts.scope ?? ARM_SCOPE], forceRefresh: !!opts.forceRefresh });
  } catch (e) {
    const err = e as { errorCode?: string; message?: string; name?: string };
    if (err.name === 'InteractionRequiredAuthError' || /invalid_grant|interaction_required|login_required|consent_required|no_tokens_found|refresh_token_expired/.test(`${err.errorCode} ${err.message}`)) {
      throw new AppError('unauthorized', `the Microsoft sign-in must be renewed (${err.errorCode ?? 'interaction required'}): sign in with Microsoft again`);
    }
    throw new AppError('upstream_unavailable', `the identity provider did not renew the Azure token: ${err.errorCode ?? ''} ${err.message ?? ''}`.trim());
  }
  const latest = cache.serialized();
  if (latest) await db.update(sessionTokenCaches).set({ cacheEnc: encryptSecret(latest, `token-cache:${sessionIdHash}`), updatedAt: new Date() }).where(eq(sessionTokenCaches.sessionIdHash, sessionIdHash));
  return { token: result.accessToken, expiresOn: result.expiresOn ?? null };
}

/** Sign-out: the session's token cache goes with it. */
export async function forgetTokenCache(db: DbOrTx, sessionIdHash: string) {
  await db.delete(sessionTokenCaches).where(eq(sessionTokenCaches.sessionIdHash, sessionIdHash));
}

/** All of a user's token caches (logout everywhere, disable, password reset). */
export async function forgetUserTokenCaches(db: DbOrTx, userId: string) {
  await db.delete(sessionTokenCaches).where(sql`${sessionTokenCaches.sessionIdHash} IN (SELECT id_hash FROM sessions WHERE user_id = ${userId})`);
}


