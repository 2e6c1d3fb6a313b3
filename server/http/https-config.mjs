// @ts-check
// The console's optional HTTPS listener (server.mjs): HARBORMASTER_HTTPS_PORT, HARBORMASTER_HTTPS_HOST,
// HARBORMASTER_TLS_CERT_FILE, HARBORMASTER_TLS_KEY_FILE. Plain Node ESM (no build step): server.mjs reads and checks
// them at start, and server/env.ts uses the same port rule. Every problem is an Error whose message starts with the
// setting's name, which server.mjs prints as "Harbormaster cannot start: Invalid configuration: …".
import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs';

/**
 * HARBORMASTER_HTTPS_PORT: unset or empty → null (no HTTPS listener); otherwise a port from 1 to 65535.
 * @param {string | undefined | null} text
 * @returns {number | null}
 */
export function parseHttpsPort(text) {
  const t = (text ?? '').trim();
  if (!t) return null;
  if (!/^\d{1,5}$/.test(t) || Number(t) < 1 || Number(t) > 65535) {
    throw new Error(`must be a port number from 1 to 65535 (got "${t.slice(0, 40)}"); leave it unset for no HTTPS listener`);
  }
  return Number(t);
}

/**
 * @typedef {{ port: number; host: string | undefined; certFile: string; keyFile: string; cert: string; key: string; notAfter: Date }} HttpsConfig
 */

/**
 * @param {string} setting
 * @param {string} file
 */
function readPem(setting, file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${setting}: cannot read ${file} (${/** @type {NodeJS.ErrnoException} */ (e).code ?? /** @type {Error} */ (e).message})`);
  }
}

/**
 * The HTTPS listener's settings, checked: null when HARBORMASTER_HTTPS_PORT is unset. The certificate file is PEM
 * (the server certificate first, then any intermediates), the key file a PEM private key (unencrypted) that belongs
 * to that certificate.
 * @param {Record<string, string | undefined>} env
 * @param {{ httpPort: number; httpHost?: string }} http the HTTP listener (the HTTPS host defaults to its host)
 * @returns {HttpsConfig | null}
 */
export function readHttpsConfig(env, http) {
  const get = (/** @type {string} */ k) => (env[k] ?? '').trim() || undefined;
  let port;
  try {
    port = parseHttpsPort(env.HARBORMASTER_HTTPS_PORT);
  } catch (e) {
    throw new Error(`HARBORMASTER_HTTPS_PORT: ${/** @type {Error} */ (e).message}`);
  }
  const certFile = get('HARBORMASTER_TLS_CERT_FILE');
  const keyFile = get('HARBORMASTER_TLS_KEY_FILE');
  if (port === null) {
    for (const k of ['HARBORMASTER_HTTPS_HOST', 'HARBORMASTER_TLS_CERT_FILE', 'HARBORMASTER_TLS_KEY_FILE']) {
      if (get(k)) throw new Error(`HARBORMASTER_HTTPS_PORT: required when ${k} is set (the port of the HTTPS listener, e.g. 3443)`);
    }
    return null;
  }
  if (port === http.httpPort) throw new Error(`HARBORMASTER_HTTPS_PORT: ${port} is the HTTP port (PORT / -p) as well; choose another port`);
  if (!certFile) throw new Error('HARBORMASTER_TLS_CERT_FILE: required when HARBORMASTER_HTTPS_PORT is set (a PEM file: the server certificate, then any intermediates)');
  if (!keyFile) throw new Error('HARBORMASTER_TLS_KEY_FILE: required when HARBORMASTER_HTTPS_PORT is set (a PEM file with the certificate’s private key, unencrypted)');
  const cert = readPem('HARBORMASTER_TLS_CERT_FILE', certFile);
  const key = readPem('HARBORMASTER_TLS_KEY_FILE', keyFile);
  let x509;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new Error(`HARBORMASTER_TLS_CERT_FILE: ${certFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new Error(`HARBORMASTER_TLS_KEY_FILE: ${keyFile} holds no unencrypted PEM private key (-----BEGIN PRIVATE KEY-----, EC or RSA)`);
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw new Error(`HARBORMASTER_TLS_KEY_FILE: the key in ${keyFile} does not belong to the certificate in ${certFile} (HARBORMASTER_TLS_CERT_FILE)`);
  }
  const host = get('HARBORMASTER_HTTPS_HOST') ?? http.httpHost;
  return { port, host, certFile, keyFile, cert, key, notAfter: new Date(x509.validTo) };
}

/**
 * server.mjs, for every request on the HTTPS listener, after setClientIpHeader: route handlers must see the request
 * as https (Next derives x-forwarded-proto from it, server/http/origin.ts reads it). A client-sent X-Forwarded-Proto
 * is dropped unless the peer is a trusted proxy (who may say what its own client used); then, when none is left,
 * it is set to https.
 * @param {import('node:http').IncomingMessage} req
 * @param {boolean} peerIsTrustedProxy
 */
export function markHttpsRequest(req, peerIsTrustedProxy) {
  const raw = req.rawHeaders;
  if (!peerIsTrustedProxy || !req.headers['x-forwarded-proto']) {
    delete req.headers['x-forwarded-proto'];
    for (let i = raw.length - 2; i >= 0; i -= 2) if (raw[i].toLowerCase() === 'x-forwarded-proto') raw.splice(i, 2);
    req.headers['x-forwarded-proto'] = 'https';
    raw.push('x-forwarded-proto', 'https');
  }
}
