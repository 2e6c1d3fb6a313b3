// Test CA and HTTPS server certificate (127.0.0.1, localhost) for the ARM stand-in, made once with openssl and
// cached in <dataDir>/tls/. EC P-256, valid 10 years; nothing here is secret beyond the test run.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

function openssl(args, cwd) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** → { dir, caFile, caPem, certPem, keyPem } (creates the files if missing). */
export function ensureTls(dataDir) {
  const dir = path.join(dataDir, 'tls');
  fs.mkdirSync(dir, { recursive: true });
  const files = { ca: path.join(dir, 'ca.pem'), caKey: path.join(dir, 'ca-key.pem'), cert: path.join(dir, 'server.pem'), key: path.join(dir, 'server-key.pem') };
  if (!Object.values(files).every((f) => fs.existsSync(f))) {
    // Unique temp names so two stand-ins starting on the same data dir do not trip over each other.
    const tag = `${process.pid}-${Date.now()}`;
    const t = (n) => `${n}.${tag}`;
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', t('ca-key.pem')], dir);
    openssl(['req', '-x509', '-new', '-key', t('ca-key.pem'), '-sha256', '-days', '3650', '-subj', '/CN=Harbormaster ARM stand-in test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', t('ca.pem')], dir);
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', t('server-key.pem')], dir);
    openssl(['req', '-new', '-key', t('server-key.pem'), '-subj', '/CN=localhost', '-out', t('server.csr')], dir);
    fs.writeFileSync(path.join(dir, t('ext.cnf')),
      'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n');
    openssl(['x509', '-req', '-in', t('server.csr'), '-CA', t('ca.pem'), '-CAkey', t('ca-key.pem'), '-CAcreateserial', '-days', '3650', '-sha256',
      '-extfile', t('ext.cnf'), '-out', t('server.pem')], dir);
    for (const n of ['server.csr', 'ext.cnf', 'ca.srl']) fs.rmSync(path.join(dir, t(n)), { force: true });
    fs.rmSync(path.join(dir, `ca.pem.${tag}.srl`), { force: true });
    for (const f of fs.readdirSync(dir)) if (f.endsWith('.srl')) fs.rmSync(path.join(dir, f), { force: true });
    // Rename the key/cert pairs together (server cert last, so its presence means the set is complete).
    for (const n of ['ca-key.pem', 'ca.pem', 'server-key.pem', 'server.pem']) fs.renameSync(path.join(dir, t(n)), path.join(dir, n));
  }
  return {
    dir,
    caFile: files.ca,
    caPem: fs.readFileSync(files.ca, 'utf8'),
    certPem: fs.readFileSync(files.cert, 'utf8'),
    keyPem: fs.readFileSync(files.key, 'utf8'),
  };
}
