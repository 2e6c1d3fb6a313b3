// A local certificate authority and a loopback server certificate made with the real `openssl` command, for the
// local HTTPS parts (the OpenID Connect issuer of testbed/oidc, the ARM stand-in, the demo's HTTPS listener).
// Idempotent and cached in `dir`: the CA is made once; the server certificate is re-issued when it is missing,
// names other hosts, or expires within a day. Nothing here is used by the console in production.
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

function openssl(args, cwd) {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.error) throw new Error(`openssl is required for the local TLS certificates: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}

const DEFAULT_NAMES = ['DNS:localhost', 'IP:127.0.0.1'];

/**
 * @param {string} dir where ca.crt/ca.key/server.crt/server.key live (created 0700)
 * @param {{ names?: string[], caName?: string }} [opts] subjectAltName entries of the server certificate
 * @returns {{ caFile: string, caPem: string, certFile: string, certPem: string, keyFile: string, keyPem: string }}
 */
export function ensureLocalTls(dir, opts = {}) {
  const names = opts.names ?? DEFAULT_NAMES;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = (n) => path.join(dir, n);
  if (!fs.existsSync(file('ca.crt')) || !fs.existsSync(file('ca.key'))) {
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650',
      '-subj', `/CN=${opts.caName ?? 'Harbormaster local CA'}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
    fs.rmSync(file('server.crt'), { force: true });
  }
  let fresh = false;
  if (fs.existsSync(file('server.crt')) && fs.existsSync(file('server.key'))) {
    const cert = new X509Certificate(fs.readFileSync(file('server.crt')));
    const ca = new X509Certificate(fs.readFileSync(file('ca.crt')));
    const san = (cert.subjectAltName ?? '').split(', ').map((s) => s.replace(/^IP Address:/, 'IP:')).sort().join(',');
    fresh = cert.checkIssued(ca) && new Date(cert.validTo).getTime() > Date.now() + 86_400_000 && san === [...names].sort().join(',');
  }
  if (!fresh) {
    fs.writeFileSync(file('server.ext'), `subjectAltName=${names.join(',')}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`);
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'], dir);
    openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '825', '-extfile', 'server.ext', '-out', 'server.crt'], dir);
    fs.chmodSync(file('server.key'), 0o600);
  }
  return {
    caFile: file('ca.crt'),
    caPem: fs.readFileSync(file('ca.crt'), 'utf8'),
    certFile: file('server.crt'),
    certPem: fs.readFileSync(file('server.crt'), 'utf8'),
    keyFile: file('server.key'),
    keyPem: fs.readFileSync(file('server.key'), 'utf8'),
  };
}
