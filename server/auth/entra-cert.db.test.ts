// The console authenticating to the identity provider with a certificate (HARBORMASTER_ENTRA_CLIENT_CERT) instead
// of a client secret: msal-node signs a client assertion with the certificate's key, which the issuer checks
// against the certificate registered for the app — for the code redemption and for the silent ARM token renewal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import * as me from '@/app/api/v1/me/route';
import { call, createCast, type Cast } from '@/test/fixtures';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeClientCertificate, signInWithIssuer, withIssuer, type Issuer } from '@/test/oidc';
import { resetEnvCache } from '../env';
import { armTokenForSession } from './entra-flow';
import { sha256Hex } from './crypto';

let cast: Cast;
let issuer: Issuer;
let stop: () => Promise<void>;
beforeAll(async () => {
  cast = await createCast();
  ({ issuer, stop } = await withIssuer({ certificate: true }));
}, 60_000);
afterAll(async () => {
  await stop?.();
  await cast?.cleanup();
});

describe('client certificate instead of a secret', () => {
  it('signs in and renews the ARM token with a client assertion', async () => {
    expect(process.env.HARBORMASTER_ENTRA_CLIENT_SECRET).toBeUndefined();
    const r = await signInWithIssuer(issuer, 'olivia@contoso.test');
    expect(r.location).toBe('/');
    const who = (await call(me.GET, { headers: { cookie: `hm_session=${r.session}` } })).json;
    expect(who.globalRole).toBe('ops_admin');
    const renewed = await armTokenForSession(cast.db.db, sha256Hex(r.session!), { forceRefresh: true });
    expect(decodeJwt(renewed.token).aud).toBe('https://management.azure.com');
  });

  it('a console holding another certificate is refused by the issuer', async () => {
    const registered = process.env.HARBORMASTER_ENTRA_CLIENT_CERT!;
    process.env.HARBORMASTER_ENTRA_CLIENT_CERT = makeClientCertificate(fs.mkdtempSync(path.join(os.tmpdir(), 'hm-cert-')), 'impostor');
    resetEnvCache();
    try {
      const r = await signInWithIssuer(issuer, 'olivia@contoso.test');
      expect(r.location).toBe('/login?error=code');
      expect(r.session).toBeUndefined();
    } finally {
      process.env.HARBORMASTER_ENTRA_CLIENT_CERT = registered;
      resetEnvCache();
    }
  });
});
