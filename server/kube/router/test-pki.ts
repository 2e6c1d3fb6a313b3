import 'server-only';
// Test support: a throw-away PKI made with the real `openssl` command (root CA → intermediate → leaf), so TLS
// checks and the nginx router are exercised with genuine certificates, including expired and future-dated ones
// (`openssl ca -startdate/-enddate`). Not used by the application.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Issued {
  certPem: string;
  keyPem: string;
  certFile: string;
  keyFile: string;
}

export interface IssueOptions {
  cn: string;
  /** subjectAltName entries, e.g. ["DNS:ml.example.com", "IP:127.0.0.1"]; none → no SAN extension. */
  sans?: string[];
  /** openssl ca date format YYYYMMDDHHMMSSZ. */
  startDate?: string;
  endDate?: string;
  /** Key algorithm: P-256 (fast) by default. */
  keyType?: 'ec' | 'rsa1024' | 'rsa2048';
  /** Issue with this CA instead of the intermediate. */
  issuer?: Issued;
  ca?: boolean;
}

export interface Pki {
  dir: string;
  root: Issued;
  intermediate: Issued;
  issue(name: string, opts: IssueOptions): Issued;
  /** A self-signed certificate (no CA). */
  selfSigned(name: string, opts: { cn: string; sans?: string[] }): Issued;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** openssl ca date string for a Date. */
export function opensslDate(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

function keyArgs(type: IssueOptions['keyType']): string[] {
  if (type === 'rsa1024') return ['-newkey', 'rsa:1024'];
  if (type === 'rsa2048') return ['-newkey', 'rsa:2048'];
  return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
}

function read(dir: string, name: string): Issued {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  return { certPem: readFileSync(certFile, 'utf8'), keyPem: readFileSync(keyFile, 'utf8'), certFile, keyFile };
}

export function createPki(dir: string): Pki {
  mkdirSync(join(dir, 'newcerts'), { recursive: true });
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  const config = join(dir, 'ca.cnf');
  writeFileSync(
    config,
    [
      '[ ca ]', 'default_ca = ca_default',
      '[ ca_default ]', `database = ${join(dir, 'index.txt')}`, `new_certs_dir = ${join(dir, 'newcerts')}`,
      `serial = ${join(dir, 'serial')}`, 'default_md = sha256', 'default_days = 365', 'policy = policy_any',
      'unique_subject = no', 'email_in_dn = no', 'copy_extensions = none',
      '[ policy_any ]', 'commonName = supplied',
      '[ req ]', 'distinguished_name = dn', '[ dn ]', '',
    ].join('\n'),
  );

  const subj = (cn: string) => `/CN=${cn}`;
  openssl(['req', '-x509', ...keyArgs('ec'), '-nodes', '-keyout', 'root.key', '-out', 'root.crt', '-days', '3650', '-subj', subj('Harbormaster Test Root CA'),
    '-config', config, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  const root = read(dir, 'root');

  const issue = (name: string, opts: IssueOptions): Issued => {
    const issuer = opts.issuer ?? intermediate;
    openssl(['req', '-new', ...keyArgs(opts.keyType), '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj(opts.cn), '-config', config], dir);
    const ext = [
      opts.ca ? 'basicConstraints=critical,CA:TRUE' : 'basicConstraints=critical,CA:FALSE',
      opts.ca ? 'keyUsage=critical,keyCertSign,cRLSign' : 'keyUsage=critical,digitalSignature,keyEncipherment',
      ...(opts.ca ? [] : ['extendedKeyUsage=serverAuth']),
      ...(opts.sans?.length ? [`subjectAltName=${opts.sans.join(',')}`] : []),
    ];
    writeFileSync(join(dir, `${name}.ext`), `[ v3 ]\n${ext.join('\n')}\n`);
    const dates = [
      ...(opts.startDate ? ['-startdate', opts.startDate] : []),
      ...(opts.endDate ? ['-enddate', opts.endDate] : []),
      // CAs outlive the certificates they issue, as in real PKIs.
      ...(opts.ca && !opts.endDate ? ['-days', '1825'] : []),
    ];
    openssl(['ca', '-batch', '-notext', '-config', config, '-cert', issuer.certFile, '-keyfile', issuer.keyFile, '-in', `${name}.csr`, '-out', `${name}.crt`,
      '-extfile', `${name}.ext`, '-extensions', 'v3', ...dates], dir);
    return read(dir, name);
  };

  const intermediate: Issued = issue('intermediate', { cn: 'Harbormaster Test Intermediate CA', issuer: root, ca: true });

  const selfSigned = (name: string, opts: { cn: string; sans?: string[] }): Issued => {
    openssl(['req', '-x509', ...keyArgs('ec'), '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '365', '-subj', subj(opts.cn), '-config', config,
      ...(opts.sans?.length ? ['-addext', `subjectAltName=${opts.sans.join(',')}`] : [])], dir);
    return read(dir, name);
  };

  return { dir, root, intermediate, issue, selfSigned };
}

/** leaf + intermediate + root, as an operator uploads a full chain. */
export function fullChain(pki: Pki, leaf: Issued): string {
  return leaf.certPem + pki.intermediate.certPem + pki.root.certPem;
}
