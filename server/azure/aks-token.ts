import 'server-only';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { eq } from 'drizzle-orm';
import { getDb, type DbOrTx } from '../db';
import { azureConnections } from '../db/schema';
import { AppError } from '../errors';
import { decryptSecret, encryptSecret } from '../secrets';
import { KubeError } from '../kube/errors';
import type { BearerSource } from '../kube/client';
import { credentialFor } from './credentials';
import { identityLabel } from './connections';
import { credentialError } from './errors';

// Entra-enabled AKS (issue 17): the kubeconfig ARM hands out for such a cluster runs kubelogin (an exec plugin, which
// Harbormaster never runs). Instead the cluster keeps that kubeconfig's cluster entry (server, CA) and every call
// carries a bearer token of the AKS AAD server application, obtained through the cluster's Azure connection
// (service principal secret or certificate, managed identity, or the signed-in user's Microsoft sign-in).
//
// Tokens live about an hour. One EntraTokenSource per cluster (and credentials version) caches the token until it
// nears its end (5 min before, or a third of its life for short-lived tokens), then renews it: in the background while
// the cached one is still good, on demand once it is not; one renewal at a time. The KubeClient asks for the token at
// every request and every watch start (a client-node authenticator, server/kube/client.ts), so informers whose watches
// are restarted after a renewal carry the new token; a watch already open is not cut by the API server at expiry.
// Tokens are never logged, put in an error, a DTO or an audit event.

/** The AKS AAD server application (the same app id in every tenant) and the scope of its tokens. */
export const AKS_SERVER_APP_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
export const AKS_SCOPE = `${AKS_SERVER_APP_ID}/.default`;
/** `clusters.auth_method` of a cluster whose calls carry an Entra token obtained through its Azure connection. */
export const ENTRA_TOKEN_AUTH = 'entraToken';

const FIVE_MINUTES = 5 * 60_000;

type Cached = { token: string; expiresAt: number; renewAt: number; usableUntil: number };

export class EntraTokenSource implements BearerSource {
  private cached?: Cached;
  private renewing?: Promise<string>;
  private timer?: NodeJS.Timeout;
  private lastUsed = 0;
  private stopped = false;
  /** Tokens obtained so far (tests, diagnostics): never the tokens themselves. */
  obtained = 0;

  constructor(
    private readonly fetchToken: () => Promise<AccessToken>,
    /** Errors: what the cluster's calls answer when no token can be had. */
    private readonly what: string,
  ) {}

  /** When the cached token expires (ms since the epoch), if there is one. */
  get expiresAt(): number | undefined {
    return this.cached?.expiresAt;
  }

  async token(): Promise<string> {
    const now = Date.now();
    this.lastUsed = now;
    const c = this.cached;
    if (c && now < c.renewAt) return c.token;
    if (c && now < c.usableUntil) {
      // Still good for a while: renew in the background, failures are retried at the next call.
      void this.renew().catch(() => undefined);
      return c.token;
    }
    return this.renew();
  }

  /** Renews now (one renewal at a time; callers share it). */
  renew(): Promise<string> {
    this.renewing ??= (async () => {
      try {
        const t = await this.fetchToken();
        const now = Date.now();
        const expiresAt = t.expiresOnTimestamp > now ? t.expiresOnTimestamp : now + FIVE_MINUTES;
        const life = expiresAt - now;
        this.keep({ token: t.token, expiresAt, renewAt: expiresAt - Math.min(FIVE_MINUTES, life / 3), usableUntil: expiresAt - Math.min(60_000, life / 10) });
        this.obtained++;
        return t.token;
      } catch (e) {
        throw tokenFailure(e, this.what);
      } finally {
        this.renewing = undefined;
      }
    })();
    return this.renewing;
  }

  /**
   * Keeps a token and, while the cluster is in use (a call since the last renewal), renews it in the background when
   * it nears its end: calls, informers and the check inside a transaction then find a valid token without waiting.
   */
  private keep(c: Cached) {
    this.cached = c;
    clearTimeout(this.timer);
    if (this.stopped) return;
    const renewedAt = Date.now();
    this.timer = setTimeout(() => {
      if (this.lastUsed >= renewedAt - 1000) void this.renew().catch(() => undefined);
    }, Math.max(0, c.renewAt - renewedAt));
    this.timer.unref?.();
  }

  /** Starts with the token another source holds (the one registration or refresh obtained for the same cluster); that one stops. */
  adopt(other: EntraTokenSource) {
    if (other.cached && !this.cached) {
      this.lastUsed = Date.now();
      this.keep(other.cached);
    }
    other.stop();
  }

  /** No more background renewals (credentials replaced, cluster removed). */
  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}

/**
 * A failed token request → the cluster call's error: the credential's sentence (credentialError's, through
 * credentialFor) with a reason the cluster pages understand — the identity provider unreachable reads as the cluster
 * being unreachable, anything else as refused credentials.
 */
function tokenFailure(e: unknown, what: string): KubeError {
  const app = credentialError(e, `the Azure connection of ${what}`, 'the identity provider');
  return new KubeError(app.code === 'upstream_unavailable' ? 'server_error' : 'unauthorized', `no Entra token for ${what}: ${app.message}`);
}

/** A token source over an open credential (registration and refresh: the connection opened for ARM). */
export function credentialTokenSource(credential: TokenCredential, what: string): EntraTokenSource {
  return new EntraTokenSource(async () => {
    const t = await credential.getToken(AKS_SCOPE);
    if (!t) throw new AppError('upstream_unavailable', `the identity provider returned no token for ${AKS_SCOPE}`);
    return t;
  }, what);
}

/** What a stored cluster needs to get its tokens. */
export interface EntraClusterRef {
  id: string;
  name: string;
  credentialsVersion: number;
  azureConnectionId: string | null;
  azureSessionEnc: string | null;
}

export const azureSessionPurpose = (clusterId: string) => `cluster:${clusterId}:azure-session`;

/** The encrypted session reference stored for a cluster of a `user` connection. */
export function sealAzureSession(clusterId: string, sessionIdHash: string | undefined): string | null {
  return sessionIdHash ? encryptSecret(sessionIdHash, azureSessionPurpose(clusterId)) : null;
}

const g = globalThis as unknown as { __hmEntraTokens?: Map<string, { version: number; source: EntraTokenSource }> };
const sources = (g.__hmEntraTokens ??= new Map());

/**
 * The cluster's token source (one per cluster and credentials version: refreshed credentials start a new one).
 * `seed`: the source that registration or refresh used for its checks, whose token the cluster starts with.
 */
export function clusterTokenSource(row: EntraClusterRef, seed?: BearerSource): EntraTokenSource {
  const hit = sources.get(row.id);
  if (hit && hit.version === row.credentialsVersion) {
    if (seed instanceof EntraTokenSource) hit.source.adopt(seed);
    return hit.source;
  }
  hit?.source.stop();
  const what = `cluster ${row.name}`;
  const source = new EntraTokenSource(async () => {
    if (!row.azureConnectionId) throw new AppError('bad_request', `cluster ${row.name} has no Azure connection to get its Entra token through: refresh its credentials from Azure`);
    const db = await getDb();
    const [conn] = await db.select().from(azureConnections).where(eq(azureConnections.id, row.azureConnectionId)).limit(1);
    if (!conn) throw new AppError('not_found', `the Azure connection of cluster ${row.name} no longer exists`);
    const sessionIdHash = row.azureSessionEnc ? decryptSecret(row.azureSessionEnc, azureSessionPurpose(row.id)) : undefined;
    const t = await credentialFor(conn, { db, sessionIdHash }).getToken(AKS_SCOPE);
    if (!t) throw new AppError('upstream_unavailable', `no token for ${identityLabel(conn)}`);
    return t;
  }, what);
  if (seed instanceof EntraTokenSource) source.adopt(seed);
  sources.set(row.id, { version: row.credentialsVersion, source });
  return source;
}

/** Forgets a cluster's token (credentials replaced, cluster removed). */
export function dropClusterToken(clusterId: string) {
  sources.get(clusterId)?.source.stop();
  sources.delete(clusterId);
}

/** The name of the Azure connection an Entra-token cluster gets its tokens through (the cluster page says so). */
export async function tokenConnectionName(db: DbOrTx, row: { authMethod: string | null; azureConnectionId: string | null }): Promise<string | null> {
  if (row.authMethod !== ENTRA_TOKEN_AUTH || !row.azureConnectionId) return null;
  const [c] = await db.select({ name: azureConnections.name }).from(azureConnections).where(eq(azureConnections.id, row.azureConnectionId)).limit(1);
  return c?.name ?? null;
}
