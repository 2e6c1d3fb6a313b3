import 'server-only';
import https from 'node:https';
import tls from 'node:tls';
import fs from 'node:fs';
import { X509Certificate, createHash } from 'node:crypto';
import {
  ConfidentialClientApplication,
  CryptoProvider,
  ProtocolMode,
  type AuthenticationResult,
  type Configuration,
  type ICachePlugin,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import { createLocalJWKSet, jwtVerify, errors as joseErrors, type JSONWebKeySet, type JWTPayload } from 'jose';
import { env } from '../env';
import { AppError } from '../errors';
import { logger } from '../logger';

// Sign-in with Microsoft Entra ID through @azure/msal-node: a ConfidentialClientApplication, the authorization-code
// flow with PKCE, `state` and `nonce` checked, the ID token verified against the issuer's keys. The same code path
// works with any OpenID Connect issuer (protocolMode "OIDC"; that is how it is tested, against node-oidc-provider in
// testbed/oidc/). This module talks to the issuer; server/auth/entra-flow.ts keeps the sign-in's records.

export const ARM_SCOPE = 'https://management.azure.com/.default';
/** Asked at sign-in (msal-node adds openid, profile and offline_access): the refresh token then renews ARM tokens. */
export const SIGN_IN_SCOPES = ['email', ARM_SCOPE];

export interface EntraConfig {
  authority: string;
  clientId: string;
  redirectUri: string;
  roleMap: Array<[string, string]>;
  groupMap: Array<[string, string]>;
  prompt?: 'login' | 'consent' | 'select_account' | 'none';
  /** Microsoft's cloud (AAD protocol and instance discovery) or any other OpenID Connect issuer. */
  microsoft: boolean;
}

const MICROSOFT_HOSTS = /(^|\.)(login\.microsoftonline\.(com|us)|login\.chinacloudapi\.cn|login\.partner\.microsoftonline\.cn)$/i;

/** The Entra configuration, or null when Entra sign-in is not configured. */
export function entraConfig(): EntraConfig | null {
  const e = env();
  if (!e.HARBORMASTER_ENTRA_AUTHORITY || !e.HARBORMASTER_ENTRA_CLIENT_ID) return null;
  const authority = e.HARBORMASTER_ENTRA_AUTHORITY.replace(/\/+$/, '');
  const base = e.HARBORMASTER_PUBLIC_URL ?? `http://127.0.0.1:${e.PORT}`;
  return {
    authority,
    clientId: e.HARBORMASTER_ENTRA_CLIENT_ID,
    redirectUri: e.HARBORMASTER_ENTRA_REDIRECT_URI ?? new URL('/api/auth/entra/callback', base).toString(),
    roleMap: e.HARBORMASTER_ENTRA_ROLE_MAP,
    groupMap: e.HARBORMASTER_ENTRA_GROUP_MAP,
    prompt: e.HARBORMASTER_ENTRA_PROMPT,
    microsoft: MICROSOFT_HOSTS.test(new URL(authority).hostname),
  };
}

export const localAccountsEnabled = () => env().HARBORMASTER_LOCAL_ACCOUNTS;

// --- HTTPS to the issuer: the system's CAs, NODE_EXTRA_CA_CERTS (Node adds it to the default store) and
// HARBORMASTER_ENTRA_CA_FILE. msal-node's own client is fetch, which takes no CA option.

let agentCache: { file: string | undefined; agent: https.Agent } | undefined;
function agent(): https.Agent {
  const file = env().HARBORMASTER_ENTRA_CA_FILE;
  if (agentCache && agentCache.file === file) return agentCache.agent;
  const extra = file ? fs.readFileSync(file, 'utf8') : undefined;
  const a = new https.Agent({ keepAlive: true, ca: extra ? [...tls.rootCertificates, extra] : undefined });
  agentCache = { file, agent: a };
  return a;
}

function request(url: string, method: 'GET' | 'POST', options: NetworkRequestOptions = {}, timeoutMs = 15_000): Promise<{ status: number; headers: Record<string, string>; text: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    if (u.protocol !== 'https:') return reject(new Error(`the identity provider must be reached over https (${u.origin})`));
    const req = https.request(u, { method, agent: agent(), headers: { ...(options.headers ?? {}), ...(options.body ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}) }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > 1024 * 1024) req.destroy(new Error('the identity provider answered more than 1 MiB'));
        else chunks.push(c);
      });
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`the identity provider did not answer within ${timeoutMs / 1000} s (${u.origin})`)));
    req.on('error', reject);
    if (options.body) req.write(options.body);
    req.end();
  });
}

const parse = (text: string) => {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
};

export const networkClient: INetworkModule = {
  async sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    const r = await request(url, 'GET', options, timeout);
    return { status: r.status, headers: r.headers, body: parse(r.text) as T };
  },
  async sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    const r = await request(url, 'POST', options);
    return { status: r.status, headers: r.headers, body: parse(r.text) as T };
  },
};

// --- The issuer's metadata and keys (cached for an hour; keys fetched again when a token names an unknown one).

interface Metadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  end_session_endpoint?: string;
  [k: string]: unknown;
}

const metaCache = new Map<string, { at: number; meta: Metadata; raw: string }>();
const jwksCache = new Map<string, { at: number; jwks: JSONWebKeySet }>();
const HOUR = 3_600_000;

async function getJson(url: string): Promise<unknown> {
  let r;
  try {
    r = await request(url, 'GET');
  } catch (e) {
    throw new AppError('upstream_unavailable', `the identity provider could not be reached: ${(e as Error).message}`);
  }
  if (r.status !== 200) throw new AppError('upstream_unavailable', `the identity provider answered ${r.status} for ${url}`);
  return parse(r.text);
}

export async function issuerMetadata(cfg: EntraConfig): Promise<{ meta: Metadata; raw: string }> {
  const hit = metaCache.get(cfg.authority);
  if (hit && Date.now() - hit.at < HOUR) return hit;
  const url = cfg.microsoft ? `${cfg.authority}/v2.0/.well-known/openid-configuration` : `${cfg.authority}/.well-known/openid-configuration`;
  const meta = (await getJson(url)) as Metadata;
  if (typeof meta.issuer !== 'string' || typeof meta.jwks_uri !== 'string' || typeof meta.token_endpoint !== 'string') {
    throw new AppError('upstream_unavailable', `${url} is not OpenID Connect discovery metadata (issuer, jwks_uri and token_endpoint are required)`);
  }
  const entry = { at: Date.now(), meta, raw: JSON.stringify(meta) };
  metaCache.set(cfg.authority, entry);
  return entry;
}

async function issuerKeys(uri: string, refresh = false): Promise<JSONWebKeySet> {
  const hit = jwksCache.get(uri);
  if (hit && !refresh && Date.now() - hit.at < HOUR) return hit.jwks;
  const jwks = (await getJson(uri)) as JSONWebKeySet;
  if (!Array.isArray(jwks.keys)) throw new AppError('upstream_unavailable', `${uri} is not a JSON Web Key Set`);
  jwksCache.set(uri, { at: Date.now(), jwks });
  return jwks;
}

/** Test support: forget cached metadata and keys (the issuer restarted with other keys). */
export function resetIssuerCaches() {
  metaCache.clear();
  jwksCache.clear();
  agentCache = undefined;
}

// --- msal-node.

function credential(): Pick<Configuration['auth'], 'clientSecret' | 'clientCertificate'> {
  const e = env();
  if (e.HARBORMASTER_ENTRA_CLIENT_SECRET) return { clientSecret: e.HARBORMASTER_ENTRA_CLIENT_SECRET };
  // A PEM file with the private key and the certificate (chain) registered on the app.
  const pem = fs.readFileSync(e.HARBORMASTER_ENTRA_CLIENT_CERT!, 'utf8');
  const key = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(pem)?.[0];
  const certs = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const first = certs[0];
  if (!key || !first) throw new AppError('internal', 'HARBORMASTER_ENTRA_CLIENT_CERT must be a PEM file with the private key and the certificate');
  const thumbprintSha256 = createHash('sha256').update(new X509Certificate(first).raw).digest('hex').toUpperCase();
  return { clientCertificate: { thumbprintSha256, privateKey: key, x5c: certs.join('\n') } };
}

/** A token cache held in memory for one request: loaded from and saved to the database by the caller. */
export function requestCache(initial: string | null): { plugin: ICachePlugin; serialized: () => string | null } {
  let latest = initial;
  return {
    plugin: {
      async beforeCacheAccess(ctx) {
        if (latest) ctx.tokenCache.deserialize(latest);
      },
      async afterCacheAccess(ctx) {
        if (ctx.cacheHasChanged) latest = ctx.tokenCache.serialize();
      },
    },
    serialized: () => latest,
  };
}

export async function msalClient(cfg: EntraConfig, cachePlugin?: ICachePlugin): Promise<ConfidentialClientApplication> {
  const { raw } = await issuerMetadata(cfg);
  const host = new URL(cfg.authority).host;
  return new ConfidentialClientApplication({
    auth: {
      clientId: cfg.clientId,
      ...credential(),
      authority: cfg.authority,
      // Another OpenID Connect issuer: no instance discovery at login.microsoftonline.com (offline it fails).
      ...(cfg.microsoft ? {} : { knownAuthorities: [host], authorityMetadata: raw }),
    },
    system: {
      protocolMode: cfg.microsoft ? ProtocolMode.AAD : ProtocolMode.OIDC,
      networkClient,
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: 1 /* Warning */,
        loggerCallback: (_level, message) => logger.warn({ msal: message.slice(0, 500) }, 'msal-node'),
      },
    },
    ...(cachePlugin ? { cache: { cachePlugin } } : {}),
  });
}

export const cryptoProvider = new CryptoProvider();

/** The issuer's end-session URL (sign out of Microsoft too), or null when it has none. */
export async function endSessionUrl(cfg: EntraConfig, postLogoutRedirectUri: string): Promise<string | null> {
  const { meta } = await issuerMetadata(cfg);
  if (!meta.end_session_endpoint) return null;
  const u = new URL(meta.end_session_endpoint);
  u.searchParams.set('client_id', cfg.clientId);
  u.searchParams.set('post_logout_redirect_uri', postLogoutRedirectUri);
  return u.toString();
}

// --- ID token verification (msal-node checks `state` and `nonce` but not the signature, issuer or audience).

export class IdTokenRejected extends Error {}

export async function verifyIdToken(cfg: EntraConfig, idToken: string, nonce: string): Promise<JWTPayload & Record<string, unknown>> {
  const { meta } = await issuerMetadata(cfg);
  let unverified: JWTPayload;
  try {
    unverified = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    throw new IdTokenRejected('the ID token is not a JWT');
  }
  // Microsoft's multi-tenant metadata names the issuer with a {tenantid} placeholder.
  const issuer = meta.issuer.replace('{tenantid}', String(unverified.tid ?? ''));
  const verify = async (refresh: boolean) =>
    jwtVerify(idToken, createLocalJWKSet(await issuerKeys(meta.jwks_uri, refresh)), {
      issuer,
      audience: cfg.clientId,
      clockTolerance: 60,
      algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'],
      requiredClaims: ['exp', 'iat', 'sub'],
    });
  let payload: JWTPayload;
  try {
    payload = (await verify(false).catch((e) => (e instanceof joseErrors.JWKSNoMatchingKey ? verify(true) : Promise.reject(e)))).payload;
  } catch (e) {
    if (e instanceof AppError) throw e;
    const reason =
      e instanceof joseErrors.JWTExpired
        ? 'the ID token has expired'
        : e instanceof joseErrors.JWSSignatureVerificationFailed
          ? 'the ID token signature does not match the issuer’s keys'
          : e instanceof joseErrors.JWTClaimValidationFailed
            ? `the ID token’s "${e.claim}" claim is wrong (${e.claim === 'aud' ? `issued for ${JSON.stringify(unverified.aud)}, not ${cfg.clientId}` : e.claim === 'iss' ? `issued by ${JSON.stringify(unverified.iss)}, not ${issuer}` : e.reason})`
            : `the ID token is not valid (${(e as Error).message})`;
    throw new IdTokenRejected(reason);
  }
  if (payload.nonce !== nonce) throw new IdTokenRejected('the ID token’s nonce is not the one this sign-in sent');
  return payload as JWTPayload & Record<string, unknown>;
}

/** The claims Harbormaster reads from a verified ID token. */
export function readClaims(p: Record<string, unknown>) {
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const email = [p.email, p.preferred_username, p.upn].find((v): v is string => typeof v === 'string' && /^[^@\s]+@[^@\s]+$/.test(v));
  // Entra: `oid` is the user's id across the tenant's apps (`sub` differs per app); tenant + oid is unique.
  const subject = typeof p.oid === 'string' ? `${typeof p.tid === 'string' ? `${p.tid}/` : ''}${p.oid}` : String(p.sub);
  return {
    subject,
    email: email?.toLowerCase() ?? null,
    name: typeof p.name === 'string' ? p.name.slice(0, 200) : '',
    roles: strings(p.roles),
    groups: strings(p.groups),
  };
}

export type { AuthenticationResult };
