import 'server-only';
import { ClientCertificateCredential, ClientSecretCredential, ManagedIdentityCredential, type AccessToken, type GetTokenOptions, type TokenCredential } from '@azure/identity';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { decryptSecret } from '../secrets';
import { armTokenForSession } from '../auth/entra-flow';
import { authorityHostOf, connectionCa, connectionSecretPurpose, identityLabel, isMicrosoftAuthority, type AzureConnectionRow } from './connections';
import { credentialError } from './errors';
import { armRetryOptions } from './clients';

// One TokenCredential per Azure connection kind (what each was proven to do, by server/azure/azure.db.test.ts,
// against the local OpenID Connect issuer testbed/oidc/issuer.mjs and the ARM stand-in verifying its JWTs):
//
//   user               the signed-in user's own ARM token: armTokenForSession() renews it silently through msal-node
//                      from the session's token cache (refresh token of their Microsoft sign-in). Proven end to end:
//                      real sign-in through the issuer's pages, then ARM calls whose JWT the stand-in verifies
//                      against the issuer's JWKS. The connection's tenant/authority are not used: the console's
//                      sign-in authority is. A caller without a Microsoft session (API token, password sign-in) is
//                      refused with a sentence saying so.
//   client_secret      @azure/identity ClientSecretCredential (msal-node, AAD protocol, client_credentials grant with
//                      client_secret_post) at `authorityHost/<tenant>`; instance discovery is off when the authority is
//                      not Microsoft's; the connection's private CA is trusted. Proven: a real token from the issuer's
//                      token endpoint, verified by the stand-in; a wrong secret → "refused the credentials".
//   client_certificate ClientCertificateCredential with the stored PEM (key + certificate): msal-node signs a client
//                      assertion (private_key_jwt) that the issuer verifies against the certificate's public key.
//                      Proven like client_secret.
//   managed_identity   ManagedIdentityCredential (system-assigned, or user-assigned by client id). With IDENTITY_ENDPOINT
//                      and IDENTITY_HEADER set (App Service / Azure ML compute), msal-node's AppService source sends
//                      GET <IDENTITY_ENDPOINT>?api-version=2019-08-01&resource=https://management.azure.com[&client_id=…]
//                      with header X-IDENTITY-HEADER. Proven against a local endpoint speaking that protocol that hands
//                      out a token minted by the issuer's own signing key, which the stand-in verifies; without those
//                      variables (and no IMDS) → "not available here". Real IMDS (169.254.169.254) is not exercised.

export interface CredentialContext {
  /** For `user` connections: the database holding the session's token cache (not a transaction: it is written). */
  db: DbOrTx;
  /** The caller's session (SHA-256 of its cookie); required for `user` connections. */
  sessionIdHash?: string;
}

/** A credential that turns every failure into an AppError naming the identity (and never the secret). */
function described(inner: TokenCredential, identity: string, authority: string): TokenCredential {
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      try {
        const t = await inner.getToken(scopes, options);
        if (!t) throw new AppError('upstream_unavailable', `no token for ${identity} from ${authority}`);
        return t;
      } catch (e) {
        throw credentialError(e, identity, authority);
      }
    },
  };
}

/** The signed-in user's token (their Microsoft sign-in) for the scope asked (ARM's, or the AKS server app's), renewed silently. */
function userCredential(ctx: CredentialContext): TokenCredential {
  return {
    async getToken(scopes: string | string[]): Promise<AccessToken> {
      if (!ctx.sessionIdHash) {
        throw new AppError('forbidden', 'this Azure connection acts as the signed-in user: call it from a browser session signed in with Microsoft (API tokens and password sign-ins carry no Microsoft token), or use a service-principal connection');
      }
      const t = await armTokenForSession(ctx.db, ctx.sessionIdHash, { scope: [scopes].flat()[0] });
      return { token: t.token, expiresOnTimestamp: t.expiresOn?.getTime() ?? Date.now() + 5 * 60_000 };
    },
  };
}

/** A TokenCredential for the connection (see the header for what each kind does and what was proven). */
export function credentialFor(connection: AzureConnectionRow, ctx: CredentialContext): TokenCredential {
  const identity = identityLabel(connection);
  if (connection.kind === 'user') return userCredential(ctx);
  const ca = connectionCa(connection);
  const common = { retryOptions: armRetryOptions(), ...(ca ? { tlsOptions: { ca } } : {}) };
  if (connection.kind === 'managed_identity') {
    const mi = connection.clientId ? new ManagedIdentityCredential({ clientId: connection.clientId, ...common }) : new ManagedIdentityCredential(common);
    return described(mi, identity, 'the managed identity endpoint');
  }
  const authorityHost = authorityHostOf(connection);
  const options = {
    ...common,
    authorityHost,
    disableInstanceDiscovery: !isMicrosoftAuthority(authorityHost),
    // Tokens for this connection's tenant only.
    additionallyAllowedTenants: [] as string[],
  };
  if (!connection.clientId || !connection.secretEnc) throw new AppError('internal', `Azure connection ${connection.name} has no client id or secret stored`);
  const secret = decryptSecret(connection.secretEnc, connectionSecretPurpose(connection.id));
  const inner =
    connection.kind === 'client_secret'
      ? new ClientSecretCredential(connection.tenantId, connection.clientId, secret, options)
      : new ClientCertificateCredential(connection.tenantId, connection.clientId, { certificate: secret }, options);
  return described(inner, identity, authorityHost);
}
