// Test support for the Microsoft sign-in: the local OpenID Connect issuer (testbed/oidc/issuer.mjs) configured as
// the console's Entra ID, and a cookie-keeping client that clicks through its real login and consent pages the way
// a browser does, so route handlers see the issuer's genuine redirects.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { NextRequest } from 'next/server';
import { resetEnvCache } from '@/server/env';
import { resetIssuerCaches } from '@/server/auth/entra';
import * as loginRoute from '@/app/api/auth/entra/login/route';
import * as callbackRoute from '@/app/api/auth/entra/callback/route';
import { clientIpHeaders } from '@/server/http/client-ip';
import { DEFAULT_PASSWORD, startIssuer } from '@/testbed/oidc/issuer.mjs';

export const CONSOLE = 'http://127.0.0.1';
export const REDIRECT_URI = `${CONSOLE}/api/auth/entra/callback`;
export { DEFAULT_PASSWORD };

export type Issuer = Awaited<ReturnType<typeof startIssuer>>;

/** A self-signed RSA certificate and its key in one PEM file (`<name>.pem` in `dir`), as HARBORMASTER_ENTRA_CLIENT_CERT takes it. */
export function makeClientCertificate(dir: string, name: string): string {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=${name}`], { cwd: dir, stdio: 'ignore' });
  const file = path.join(dir, `${name}.pem`);
  fs.writeFileSync(file, fs.readFileSync(path.join(dir, `${name}.key`), 'utf8') + fs.readFileSync(path.join(dir, `${name}.crt`), 'utf8'));
  return file;
}

const ENTRA_VARS = ['HARBORMASTER_ENTRA_AUTHORITY', 'HARBORMASTER_ENTRA_CLIENT_ID', 'HARBORMASTER_ENTRA_CLIENT_SECRET', 'HARBORMASTER_ENTRA_CLIENT_CERT', 'HARBORMASTER_ENTRA_CA_FILE', 'HARBORMASTER_ENTRA_REDIRECT_URI', 'HARBORMASTER_ENTRA_PROMPT', 'HARBORMASTER_ENTRA_GROUP_MAP', 'HARBORMASTER_ENTRA_ROLE_MAP', 'HARBORMASTER_LOCAL_ACCOUNTS'];

/**
 * Starts an issuer and points the console's configuration at it; `stop()` undoes both. `certificate`: the console
 * authenticates with a certificate (HARBORMASTER_ENTRA_CLIENT_CERT, a PEM with key and certificate made by openssl)
 * instead of the client secret. `servicePrincipals`: extra client_credentials clients (the Azure connections).
 */
export async function withIssuer(
  opts: {
    groupMap?: string;
    roleMap?: string;
    users?: Record<string, unknown>;
    certificate?: boolean;
    servicePrincipals?: Array<{ clientId: string; clientSecret?: string; certificate?: string; jwks?: { keys: object[] }; oid?: string }>;
    /** Seconds every access token lives (default 3600): tests of token renewal. */
    accessTokenTtl?: number;
  } = {},
) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-oidc-'));
  const certFile = opts.certificate ? makeClientCertificate(dataDir, 'client') : undefined;
  const issuer = await startIssuer({
    dataDir,
    redirectUris: [REDIRECT_URI],
    quiet: true,
    users: opts.users as never,
    servicePrincipals: opts.servicePrincipals,
    accessTokenTtl: opts.accessTokenTtl,
    ...(certFile ? { clientCertificate: fs.readFileSync(certFile, 'utf8') } : {}),
  });
  const saved = Object.fromEntries(ENTRA_VARS.map((k) => [k, process.env[k]]));
  delete process.env.HARBORMASTER_ENTRA_CLIENT_SECRET;
  delete process.env.HARBORMASTER_ENTRA_CLIENT_CERT;
  Object.assign(process.env, {
    HARBORMASTER_ENTRA_AUTHORITY: issuer.url,
    HARBORMASTER_ENTRA_CLIENT_ID: issuer.clientId,
    ...(certFile ? { HARBORMASTER_ENTRA_CLIENT_CERT: certFile } : { HARBORMASTER_ENTRA_CLIENT_SECRET: issuer.clientSecret }),
    HARBORMASTER_ENTRA_CA_FILE: issuer.caFile,
    HARBORMASTER_ENTRA_REDIRECT_URI: REDIRECT_URI,
    // oidc-provider drops offline_access (so: no refresh token) unless the request asks for consent.
    HARBORMASTER_ENTRA_PROMPT: 'consent',
    HARBORMASTER_ENTRA_GROUP_MAP: opts.groupMap ?? 'grp-vision=vision,grp-forecasting=forecasting',
    ...(opts.roleMap ? { HARBORMASTER_ENTRA_ROLE_MAP: opts.roleMap } : {}),
  });
  resetEnvCache();
  resetIssuerCaches();
  return {
    issuer,
    async stop() {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      resetEnvCache();
      resetIssuerCaches();
      await issuer.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A tiny browser for the issuer's pages: keeps cookies by name, follows nothing by itself. */
export class IssuerBrowser {
  cookies = new Map<string, string>();
  constructor(private ca: string) {}

  request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<{ status: number; location: string | null; body: string }> {
    const body = init.form ? new URLSearchParams(init.form).toString() : undefined;
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method: init.method ?? (body ? 'POST' : 'GET'),
          ca: this.ca,
          headers: {
            cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
            ...(body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) } : {}),
          },
        },
        (res) => {
          for (const c of res.headers['set-cookie'] ?? []) {
            const [pair] = c.split(';');
            const i = pair.indexOf('=');
            const name = pair.slice(0, i);
            const value = pair.slice(i + 1);
            if (/expires=Thu, 01 Jan 1970/i.test(c) || value === '') this.cookies.delete(name);
            else this.cookies.set(name, value);
          }
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location ? new URL(res.headers.location, url).toString() : null, body: text }));
        },
      );
      req.on('error', reject);
      if (body) req.write(body);
      req.end();
    });
  }

  /** Follows issuer redirects until one leaves the issuer (returns that URL) or a page is shown (returns it). */
  async follow(url: string): Promise<{ page?: { url: string; body: string }; leftTo?: string }> {
    let at = url;
    for (let i = 0; i < 10; i++) {
      if (!at.startsWith('https://')) return { leftTo: at };
      const r = await this.request(at);
      if (r.status >= 300 && r.status < 400 && r.location) at = r.location;
      else return { page: { url: at, body: r.body } };
    }
    throw new Error('too many redirects');
  }
}

const consoleCookie = (res: Response, name: string) => {
  for (const c of res.headers.getSetCookie()) {
    const m = new RegExp(`^${name}=([^;]*)`).exec(c);
    if (m && m[1]) return m[1];
  }
  return undefined;
};

export interface SignInResult {
  /** The console's answer to the callback (303). */
  status: number;
  location: string | null;
  session?: string;
  link?: string;
  /** The callback URL the issuer sent the browser to (for replays). */
  callbackUrl: string;
  loginCookie: string;
}

/** "Sign in with Microsoft" through the console's routes and the issuer's real pages; `beforeCallback` may tamper. */
export async function signInWithIssuer(
  issuer: Issuer,
  login: string,
  opts: { password?: string; next?: string; ip?: string; beforeCallback?: (url: URL) => URL | void; loginCookie?: (c: string) => string } = {},
): Promise<SignInResult> {
  const start = await loginRoute.GET(new NextRequest(`${CONSOLE}/api/auth/entra/login${opts.next ? `?next=${encodeURIComponent(opts.next)}` : ''}`));
  if (start.status !== 302) throw new Error(`login route answered ${start.status} ${start.headers.get('location')}`);
  const loginCookie = consoleCookie(start, 'hm_oidc')!;
  const browser = new IssuerBrowser(issuer.caPem);
  const first = await browser.follow(start.headers.get('location')!);
  if (!first.page || !/name="login"/.test(first.page.body)) throw new Error(`expected the issuer's login page, got ${JSON.stringify(first).slice(0, 300)}`);
  const uid = /\/interaction\/([\w-]+)\/login/.exec(first.page.body)![1];
  const posted = await browser.request(`${issuer.url}/interaction/${uid}/login`, { form: { login, password: opts.password ?? DEFAULT_PASSWORD } });
  if (posted.status === 200) throw new Error(`the issuer refused the login: ${/role="alert">([^<]+)/.exec(posted.body)?.[1]}`);
  let next = await browser.follow(posted.location!);
  if (next.page && /\/confirm"/.test(next.page.body)) {
    const consentUid = /\/interaction\/([\w-]+)\/confirm/.exec(next.page.body)![1];
    const confirmed = await browser.request(`${issuer.url}/interaction/${consentUid}/confirm`, { method: 'POST', form: {} });
    next = await browser.follow(confirmed.location!);
  }
  if (!next.leftTo) throw new Error(`the issuer did not redirect back: ${JSON.stringify(next).slice(0, 400)}`);
  let callback = new URL(next.leftTo);
  const callbackUrl = callback.toString();
  callback = opts.beforeCallback?.(callback) ?? callback;
  const cookie = opts.loginCookie ? opts.loginCookie(loginCookie) : loginCookie;
  const res = await callCallback(callback.toString(), cookie, opts.ip);
  return { ...res, callbackUrl, loginCookie };
}

/** The issuer's redirect back, as the browser delivers it (with or without the login cookie). */
export async function callCallback(url: string, loginCookie: string | undefined, ip = '10.0.0.7') {
  const res = await callbackRoute.GET(new NextRequest(url, { headers: { ...(loginCookie ? { cookie: `hm_oidc=${loginCookie}` } : {}), ...clientIpHeaders(ip) } }));
  return { status: res.status, location: res.headers.get('location'), session: consoleCookie(res, 'hm_session'), link: consoleCookie(res, 'hm_link') };
}
