#!/usr/bin/env node
// A real OpenID Connect issuer for tests and the demo: node-oidc-provider over HTTPS on loopback, with a CA made
// by testbed/local-tls.mjs, its own login and consent pages (passwords checked), users carrying Entra-style
// `roles`, `groups`, `oid` and `tid` claims, refresh tokens and an ARM-audience access token through resource
// indicators (what msal-node's silent renewal of `https://management.azure.com/.default` needs). It stands in for
// Microsoft Entra ID: the console talks to it through the same msal-node code path (protocolMode "OIDC").
//
// Test switches (never part of a real issuer): `tamper(mode)` rewrites the ID token of the next token response —
// `wrong-audience`, `expired`, `bad-signature` (signed by another key under the same key id), `wrong-nonce`,
// `wrong-issuer` — and `setUser(login, patch)` changes a user's claims (role removal at the issuer). Out of
// process: POST /__test/tamper {"mode"} and POST /__test/users/<login> {patch}, loopback only.
//
// Access tokens for the AKS AAD server application: a client_credentials request (service principal) or a refresh (a
// signed-in user whose grant covers it: consent adds it) for scope `6dae42f8-…/.default` yields a JWT whose audience is
// that app id — what an Entra-enabled AKS API server (or a testbed API server's JWT authenticator) accepts.
// `accessTokenTtl` (seconds, default 3600) shortens every access token's life (tests of token renewal).
//
// Service principals (`servicePrincipals: [{clientId, clientSecret?, jwks? | certificate?}]`): confidential clients
// with only the `client_credentials` grant — by secret (client_secret_post/basic) or by a signed client assertion
// (private_key_jwt against `jwks`, or the public key of a PEM `certificate`, as a certificate credential sends) — that
// receive ARM-audience JWT access tokens carrying Entra-style `appid`, `oid` and `tid`. So that @azure/identity's
// ClientSecretCredential / ClientCertificateCredential (msal-node, AAD protocol) can use this issuer as their
// authority host, the tenant-style discovery paths `/<tenant>/v2.0/.well-known/openid-configuration` and
// `/<tenant>/.well-known/openid-configuration` answer the issuer's metadata.
//
//   node testbed/oidc/issuer.mjs [--port 4443] [--data <dir>] [--redirect-uri <uri>]... [--loopback-redirects]
//                                [--users <file.json>] [--service-principal <clientId>:<secret>]...
// prints `issuer: <url>` and `ca: <file>` and runs until killed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT, decodeJwt, decodeProtectedHeader, importJWK } from 'jose';
import { ensureLocalTls } from '../local-tls.mjs';

export const ARM_RESOURCE = 'https://management.azure.com';
export const ARM_SCOPE = `${ARM_RESOURCE}/.default`;
export const TENANT_ID = '72f988bf-0000-4000-8000-00000000c0de';
/**
 * The AKS AAD server application (the same well-known app id in every tenant): an Entra-enabled AKS API server accepts
 * access tokens whose audience is this id. The resource indicator is internal to this issuer (oidc-provider wants an
 * absolute URI); clients ask for the scope, as msal does, and get a JWT with `aud` = the app id.
 */
export const AKS_SERVER_APP_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
export const AKS_SCOPE = `${AKS_SERVER_APP_ID}/.default`;
const AKS_RESOURCE = `api://${AKS_SERVER_APP_ID}`;

/** The users every issuer starts with (password `harbormaster` for all); tests add or patch their own. */
export const DEFAULT_USERS = {
  'olivia@contoso.test': { name: 'Olivia Chen', roles: ['OpsAdmin'], groups: [] },
  'dana@contoso.test': { name: 'Dana Kowalski', roles: ['DataScientist'], groups: ['grp-vision'] },
  'fred@contoso.test': { name: 'Fred Moreau', roles: ['DataScientist'], groups: ['grp-forecasting', 'grp-vision'] },
  'audrey@contoso.test': { name: 'Audrey Lin', roles: ['Auditor'], groups: [] },
  'nobody@contoso.test': { name: 'No Role', roles: [], groups: ['grp-vision'] },
};
export const DEFAULT_PASSWORD = 'harbormaster';
export const DEFAULT_CLIENT = { clientId: 'harbormaster-console', clientSecret: 'local-issuer-client-secret' };

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><meta name="viewport" content="width=device-width,initial-scale=1">
<style>body{font:15px system-ui,sans-serif;background:#f3f4f6;margin:0;display:grid;place-items:center;min-height:100vh}main{background:#fff;padding:32px;border-radius:8px;box-shadow:0 1px 3px #0002;width:340px}
h1{font-size:20px;margin:0 0 4px}p{color:#444}label{display:block;margin:12px 0 4px;font-weight:600}input{width:100%;box-sizing:border-box;padding:8px;border:1px solid #888;border-radius:4px}
button{margin-top:16px;padding:8px 16px;border:0;border-radius:4px;background:#0b5cad;color:#fff;font-weight:600;cursor:pointer}.err{color:#a40000}.small{font-size:12px;color:#555}</style></head>
<body><main>${body}<p class="small">Local OpenID Connect issuer (Harbormaster testbed) — stands in for Microsoft Entra ID.</p></main></body></html>`;
}

async function readForm(req) {
  let raw = '';
  for await (const chunk of req) {
    raw += chunk;
    if (raw.length > 64 * 1024) throw new Error('form too large');
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

async function readJson(req) {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return raw ? JSON.parse(raw) : {};
}

function loadOrCreateKeys(dir) {
  const file = path.join(dir, 'jwks.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
  const make = (kid) => ({ ...crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' });
  const keys = { signing: make('local-issuer-1'), rogue: make('local-issuer-1'), cookie: crypto.randomBytes(32).toString('base64url') };
  fs.writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}

/** A service principal's oidc-provider client: the client_credentials grant only, by secret or by client assertion. */
function servicePrincipalClient(sp) {
  if (!sp.clientId) throw new Error('a service principal needs a clientId');
  let jwks = sp.jwks;
  if (!jwks && sp.certificate) {
    const cert = new crypto.X509Certificate(sp.certificate);
    jwks = { keys: [{ ...cert.publicKey.export({ format: 'jwk' }), use: 'sig' }] };
  }
  if (!sp.clientSecret && !jwks) throw new Error(`service principal ${sp.clientId} needs a clientSecret, jwks or certificate`);
  return {
    client_id: sp.clientId,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    ...(sp.clientSecret ? { client_secret: sp.clientSecret, token_endpoint_auth_method: 'client_secret_post' } : { jwks, token_endpoint_auth_method: 'private_key_jwt' }),
  };
}

/**
 * oidc-provider, imported and constructed with its two start-up warnings muted: Node 20 is not its supported
 * runtime (it works: this file's tests run on it) and its in-memory storage is for development — both known and
 * intended for a test stand-in, and noise in the demo's output otherwise.
 */
async function quietly(fn) {
  const warn = console.warn;
  console.warn = (...a) => (String(a[0]).includes('oidc-provider WARNING') ? undefined : warn(...a));
  try {
    return await fn();
  } finally {
    console.warn = warn;
  }
}

/**
 * @param {{ port?: number, host?: string, dataDir: string, redirectUris?: string[], postLogoutRedirectUris?: string[],
 *   users?: Record<string, {name?: string, email?: string, password?: string, roles?: string[], groups?: string[], oid?: string}>,
 *   clientId?: string, clientSecret?: string, clientCertificate?: string, quiet?: boolean, loopbackRedirects?: boolean, accessTokenTtl?: number,
 *   servicePrincipals?: Array<{clientId: string, clientSecret?: string, jwks?: {keys: object[]}, certificate?: string, oid?: string}> }} opts
 */
export async function startIssuer(opts) {
  const { default: Provider } = await quietly(() => import('oidc-provider'));
  const host = opts.host ?? '127.0.0.1';
  const tls = ensureLocalTls(path.join(opts.dataDir, 'tls'), { caName: 'Harbormaster local issuer CA' });
  const keys = loadOrCreateKeys(opts.dataDir);
  const users = new Map(Object.entries(opts.users ?? DEFAULT_USERS).map(([login, u]) => [login.toLowerCase(), { ...u }]));
  const clientId = opts.clientId ?? DEFAULT_CLIENT.clientId;
  const clientSecret = opts.clientSecret ?? DEFAULT_CLIENT.clientSecret;
  const redirectUris = opts.redirectUris?.length ? [...opts.redirectUris] : ['http://127.0.0.1/api/auth/entra/callback'];
  const postLogoutRedirectUris = [...(opts.postLogoutRedirectUris ?? redirectUris.map((u) => new URL('/login?signedOut=1', u).toString()))];
  let pendingTamper = null;

  const oidFor = (login) => users.get(login)?.oid ?? crypto.createHash('sha256').update(`oid:${login}`).digest('hex').replace(/^(.{8})(.{4})(.{3})(.{3})(.{12}).*$/, '$1-$2-4$3-8$4-$5');

  const server = https.createServer({ key: tls.keyPem, cert: tls.certPem });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, resolve);
  });
  const url = `https://${host}:${server.address().port}`;

  const provider = await quietly(() => new Provider(url, {
    clients: [{
      client_id: clientId, redirect_uris: redirectUris, post_logout_redirect_uris: postLogoutRedirectUris,
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
      // The console authenticates with its secret, or (`clientCertificate`: a PEM certificate) with a client assertion
      // signed by the certificate's key, as msal-node's clientCertificate sends it.
      ...(opts.clientCertificate
        ? { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ ...new crypto.X509Certificate(opts.clientCertificate).publicKey.export({ format: 'jwk' }), use: 'sig' }] } }
        : { client_secret: clientSecret, token_endpoint_auth_method: 'client_secret_post' }),
    }, ...(opts.servicePrincipals ?? []).map(servicePrincipalClient)],
    jwks: { keys: [keys.signing] },
    cookies: { keys: [keys.cookie] },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'roles', 'groups', 'oid', 'tid'], email: ['email', 'email_verified'] },
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    ttl: { Session: 8 * 3600, Grant: 8 * 3600, RefreshToken: 8 * 3600, AccessToken: opts.accessTokenTtl ?? 3600, ClientCredentials: opts.accessTokenTtl ?? 3600, IdToken: 3600, AuthorizationCode: 120, Interaction: 1800 },
    async findAccount(_ctx, sub) {
      const u = users.get(sub);
      if (!u) return undefined;
      return {
        accountId: sub,
        claims: async () => ({
          sub, oid: oidFor(sub), tid: TENANT_ID, name: u.name ?? sub, preferred_username: sub, email: u.email ?? sub, email_verified: true,
          roles: u.roles ?? [], groups: u.groups ?? [],
        }),
      };
    },
    // Service principals' tokens say who they are the way Entra's app-only tokens do (appid, oid, tid).
    async extraTokenClaims(_ctx, token) {
      if (token.kind !== 'ClientCredentials') return undefined;
      const sp = (opts.servicePrincipals ?? []).find((p) => p.clientId === token.clientId);
      return { appid: token.clientId, oid: sp?.oid ?? oidFor(`sp:${token.clientId}`), tid: TENANT_ID, idtyp: 'app' };
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // The scope names the resource (as with Entra's `<resource>/.default`): the AKS server app's, else ARM's.
        // A user's sign-in is granted both (the AKS server app is pre-authorized, as Microsoft's first-party apps
        // are); a token request (code, refresh, client credentials) gets the one its scope names.
        defaultResource: (ctx, _client, granted) => {
          const asked = String(ctx.oidc.params?.scope ?? '').split(' ');
          if (Array.isArray(granted)) return asked.includes(AKS_SCOPE) && granted.includes(AKS_RESOURCE) ? AKS_RESOURCE : granted.includes(ARM_RESOURCE) ? ARM_RESOURCE : granted[0];
          if (ctx.oidc.route !== 'token') return [ARM_RESOURCE, AKS_RESOURCE];
          return asked.includes(AKS_SCOPE) ? AKS_RESOURCE : ARM_RESOURCE;
        },
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) =>
          indicator === AKS_RESOURCE
            ? { scope: AKS_SCOPE, audience: AKS_SERVER_APP_ID, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }
            : { scope: ARM_SCOPE, audience: ARM_RESOURCE, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } },
      },
    },
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('Sign-in error', `<h1>Sign-in error</h1><p class="err">${esc(out.error)}: ${esc(out.error_description ?? '')}</p>`);
    },
  }));
  provider.proxy = false;
  if (opts.loopbackRedirects) {
    // Consoles on any loopback port (the e2e runner's and the specs' own): the callback and the signed-out page
    // of http://127.0.0.1:<port> are accepted besides the registered URIs (oidc-provider's documented override).
    const loopback = (uri, suffix) => {
      try {
        const u = new URL(uri);
        return u.protocol === 'http:' && u.hostname === '127.0.0.1' && `${u.pathname}${u.search}` === suffix;
      } catch {
        return false;
      }
    };
    const { redirectUriAllowed, postLogoutRedirectUriAllowed } = provider.Client.prototype;
    provider.Client.prototype.redirectUriAllowed = function (uri) {
      return loopback(uri, '/api/auth/entra/callback') || redirectUriAllowed.call(this, uri);
    };
    provider.Client.prototype.postLogoutRedirectUriAllowed = function (uri) {
      return loopback(uri, '/login?signedOut=1') || postLogoutRedirectUriAllowed.call(this, uri);
    };
  }
  const callback = provider.callback();

  async function interaction(req, res, uid, action) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    const client = details.params.client_id;
    if (details.prompt.name === 'login') {
      if (req.method === 'POST' && action === 'login') {
        const form = await readForm(req);
        const login = String(form.login ?? '').trim().toLowerCase();
        const u = users.get(login);
        if (!u || String(form.password ?? '') !== (u.password ?? DEFAULT_PASSWORD)) {
          return send(res, 200, loginPage(uid, client, login, 'Wrong user name or password.'));
        }
        return provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
      }
      return send(res, 200, loginPage(uid, client, String(details.params.login_hint ?? ''), ''));
    }
    if (details.prompt.name === 'consent') {
      if (req.method === 'POST' && action === 'abort') {
        return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The user declined the consent.' }, { mergeWithLastSubmission: false });
      }
      if (req.method === 'POST' && action === 'confirm') {
        const { prompt: { details: missing }, params, session } = details;
        const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
        if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
        if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
        for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
        const grantId = await grant.save();
        return provider.interactionFinished(req, res, details.grantId ? {} : { consent: { grantId } }, { mergeWithLastSubmission: true });
      }
      const scopes = String(details.params.scope ?? '').split(' ').filter(Boolean);
      return send(res, 200, page('Permissions requested', `<h1>Permissions requested</h1><p><b>${esc(client)}</b> would like to:</p><ul>${scopes.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>
<p>Signed in as <b>${esc(details.session?.accountId ?? '')}</b>.</p>
<form method="post" action="/interaction/${esc(uid)}/confirm"><button type="submit">Accept</button></form>
<form method="post" action="/interaction/${esc(uid)}/abort"><button type="submit" style="background:#555">Cancel</button></form>`));
    }
    throw new Error(`unsupported prompt ${details.prompt.name}`);
  }

  function loginPage(uid, client, login, error) {
    return page('Sign in', `<h1>Sign in</h1><p>to continue to <b>${esc(client)}</b></p>${error ? `<p class="err" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}/login" autocomplete="off">
<label for="login">Email or user name</label><input id="login" name="login" value="${esc(login)}" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" required>
<button type="submit">Sign in</button></form>`);
  }

  function send(res, status, html) {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(html);
  }

  /** Rewrites the ID token of a token response (test switch). */
  async function tamperIdToken(idToken, mode) {
    const claims = decodeJwt(idToken);
    const header = decodeProtectedHeader(idToken);
    const now = Math.floor(Date.now() / 1000);
    if (mode === 'wrong-audience') claims.aud = 'some-other-application';
    if (mode === 'expired') Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
    if (mode === 'wrong-nonce') claims.nonce = 'nonce-of-another-sign-in';
    if (mode === 'wrong-issuer') claims.iss = 'https://login.example.invalid/';
    const key = await importJWK(mode === 'bad-signature' ? keys.rogue : keys.signing, 'RS256');
    return new SignJWT(claims).setProtectedHeader({ alg: header.alg, kid: header.kid, typ: header.typ }).sign(key);
  }

  server.on('request', async (req, res) => {
    try {
      const u = new URL(req.url, url);
      const loopback = ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(req.socket.remoteAddress ?? '');
      if (u.pathname.startsWith('/__test/') && loopback && req.method === 'POST') {
        const body = await readJson(req);
        if (u.pathname === '/__test/tamper') pendingTamper = body.mode ?? null;
        else if (u.pathname.startsWith('/__test/users/')) api.setUser(decodeURIComponent(u.pathname.slice('/__test/users/'.length)), body);
        else return send(res, 404, 'not found');
        res.writeHead(204).end();
        return;
      }
      // Tenant-style discovery (how msal-node in AAD mode, i.e. @azure/identity's credentials, finds the metadata).
      if (req.method === 'GET' && /^\/[\w.-]+(?:\/v2\.0)?\/\.well-known\/openid-configuration$/.test(u.pathname)) req.url = '/.well-known/openid-configuration';
      // A sign-in that asks for ARM is also granted the AKS server application's scope (Entra pre-authorizes
      // Microsoft's first-party apps): the refresh token then renews tokens for either.
      if (req.method === 'GET' && u.pathname === '/auth') {
        const scope = (u.searchParams.get('scope') ?? '').split(' ');
        if (scope.includes(ARM_SCOPE) && !scope.includes(AKS_SCOPE)) {
          u.searchParams.set('scope', [...scope, AKS_SCOPE].join(' '));
          req.url = `${u.pathname}?${u.searchParams}`;
        }
      }
      const m = /^\/interaction\/([\w-]+)(?:\/(login|confirm|abort))?$/.exec(u.pathname);
      if (m) return await interaction(req, res, m[1], m[2]);
      if (u.pathname === '/token' && req.method === 'POST' && pendingTamper) {
        const mode = pendingTamper;
        pendingTamper = null;
        const end = res.end.bind(res);
        res.end = (chunk, ...rest) => {
          let body;
          try {
            body = JSON.parse(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk ?? ''));
          } catch {
            return end(chunk, ...rest);
          }
          if (!body.id_token) return end(chunk, ...rest);
          tamperIdToken(body.id_token, mode).then((t) => {
            const out = JSON.stringify({ ...body, id_token: t });
            res.setHeader('content-length', Buffer.byteLength(out));
            end(out);
          }, (e) => end(JSON.stringify({ error: 'server_error', error_description: e.message })));
          return res;
        };
      }
      return callback(req, res);
    } catch (e) {
      if (!res.headersSent) send(res, 400, page('Error', `<h1>Error</h1><p class="err">${esc(e.message)}</p>`));
      else res.end();
    }
  });

  const api = {
    url,
    caFile: tls.caFile,
    caPem: tls.caPem,
    clientId,
    clientSecret,
    /** Changes a user's claims (e.g. `{roles: []}`) or adds a user; effective at their next sign-in. */
    setUser(login, patch) {
      const key = login.toLowerCase();
      users.set(key, { ...(users.get(key) ?? {}), ...patch });
    },
    /** The next token response carries a tampered ID token (see the header). */
    tamper(mode) {
      pendingTamper = mode;
    },
    async close() {
      server.closeAllConnections?.();
      await new Promise((r) => server.close(() => r()));
    },
  };
  if (!opts.quiet) console.log(`issuer: ${url}\nca: ${tls.caFile}`);
  return api;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const arg = (name) => {
    const out = [];
    for (let i = 0; i < args.length; i++) if (args[i] === name) out.push(args[i + 1]);
    return out;
  };
  const usersFile = arg('--users')[0];
  const issuer = await startIssuer({
    port: Number(arg('--port')[0] ?? 4443),
    dataDir: path.resolve(arg('--data')[0] ?? '.data/oidc'),
    redirectUris: arg('--redirect-uri'),
    loopbackRedirects: args.includes('--loopback-redirects'),
    postLogoutRedirectUris: arg('--post-logout-redirect-uri').length ? arg('--post-logout-redirect-uri') : undefined,
    users: usersFile ? JSON.parse(fs.readFileSync(usersFile, 'utf8')) : undefined,
    // `<clientId>:<secret>`: a service principal by client secret (the secret is everything after the first ':').
    servicePrincipals: arg('--service-principal').map((v) => {
      const i = v.indexOf(':');
      if (i <= 0 || i === v.length - 1) throw new Error('--service-principal wants <clientId>:<secret>');
      return { clientId: v.slice(0, i), clientSecret: v.slice(i + 1) };
    }),
  });
  const stop = () => issuer.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
