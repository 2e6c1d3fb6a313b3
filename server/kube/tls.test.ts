import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { tlsFromSecret, validateTls, type TlsValidation } from './tls';
import { createPki, fullChain, opensslDate, type Issued, type Pki } from './router/test-pki';

let dir: string;
let pki: Pki;
let leaf: Issued;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hm-tls-'));
  pki = createPki(dir);
  leaf = pki.issue('leaf', { cn: 'ml.example.com', sans: ['DNS:ml.example.com', 'DNS:*.apps.example.com'] });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const codes = (r: TlsValidation) => r.errors.map((e) => e.code);
const message = (r: TlsValidation, code: string) => [...r.errors, ...r.warnings].find((p) => p.code === code)?.message;

describe('validateTls with real openssl certificates', () => {
  it('accepts a full chain leaf → intermediate → root whose SAN covers sslCname', () => {
    const r = validateTls({ certPem: fullChain(pki, leaf), keyPem: leaf.keyPem, cname: 'ml.example.com' });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.info?.subject).toBe('CN=ml.example.com');
    expect(r.info?.sans).toEqual(['DNS:ml.example.com', 'DNS:*.apps.example.com']);
    expect(r.info?.chain.map((c) => c.subject)).toEqual(['CN=ml.example.com', 'CN=Harbormaster Test Intermediate CA', 'CN=Harbormaster Test Root CA']);
    expect(r.info?.notAfter).toBe(new Date(new X509Certificate(leaf.certPem).validTo).toISOString());
  });

  it('a wildcard SAN covers exactly one label', () => {
    const check = (cname: string) => validateTls({ certPem: fullChain(pki, leaf), keyPem: leaf.keyPem, cname });
    expect(check('scoring.apps.example.com').ok).toBe(true);
    expect(codes(check('a.b.apps.example.com'))).toEqual(['cname_mismatch']);
    expect(codes(check('apps.example.com'))).toEqual(['cname_mismatch']);
  });

  it('a SAN that does not cover sslCname is refused, listing the names the certificate has', () => {
    const r = validateTls({ certPem: fullChain(pki, leaf), keyPem: leaf.keyPem, cname: 'scoring.contoso.com' });
    expect(r.ok).toBe(false);
    expect(message(r, 'cname_mismatch')).toBe(
      'the certificate does not cover sslCname scoring.contoso.com: its DNS names are ml.example.com, *.apps.example.com (a wildcard covers one label only)',
    );
  });

  it('uses the CN only when there is no SAN', () => {
    const cnOnly = pki.issue('cn-only', { cn: 'legacy.example.com' });
    expect(validateTls({ certPem: fullChain(pki, cnOnly), keyPem: cnOnly.keyPem, cname: 'legacy.example.com' }).ok).toBe(true);
    const r = validateTls({ certPem: fullChain(pki, cnOnly), keyPem: cnOnly.keyPem, cname: 'other.example.com' });
    expect(message(r, 'cname_mismatch')).toMatch(/it has no DNS names and its CN is legacy\.example\.com/);
    // With a SAN present the CN no longer counts.
    const both = pki.issue('cn-and-san', { cn: 'cn.example.com', sans: ['DNS:san.example.com'] });
    expect(codes(validateTls({ certPem: fullChain(pki, both), keyPem: both.keyPem, cname: 'cn.example.com' }))).toEqual(['cname_mismatch']);
  });

  it('an expired certificate is an error', () => {
    const expired = pki.issue('expired', {
      cn: 'ml.example.com', sans: ['DNS:ml.example.com'], startDate: '20200101000000Z', endDate: '20210101000000Z',
    });
    const r = validateTls({ certPem: fullChain(pki, expired), keyPem: expired.keyPem, cname: 'ml.example.com' });
    expect(codes(r)).toEqual(['tls_expired']);
    expect(message(r, 'tls_expired')).toBe('the server certificate expired on 2021-01-01T00:00:00.000Z');
  });

  it('a certificate valid only in the future is an error', () => {
    const start = new Date(Date.now() + 5 * 86_400_000);
    const future = pki.issue('future', {
      cn: 'ml.example.com', sans: ['DNS:ml.example.com'], startDate: opensslDate(start), endDate: opensslDate(new Date(start.getTime() + 86_400_000 * 90)),
    });
    const r = validateTls({ certPem: fullChain(pki, future), keyPem: future.keyPem });
    expect(codes(r)).toEqual(['tls_not_yet_valid']);
  });

  it('warns (tls_expiring) within 30 days of notAfter, still ok', () => {
    const notAfter = new Date(new X509Certificate(leaf.certPem).validTo);
    const now = new Date(notAfter.getTime() - 10.5 * 86_400_000);
    const r = validateTls({ certPem: fullChain(pki, leaf), keyPem: leaf.keyPem, cname: 'ml.example.com', now });
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.code)).toEqual(['tls_expiring']);
    expect(message(r, 'tls_expiring')).toMatch(/^the server certificate expires in 10 days \(/);
    const later = validateTls({ certPem: fullChain(pki, leaf), keyPem: leaf.keyPem, now: new Date(notAfter.getTime() - 31 * 86_400_000) });
    expect(later.warnings).toEqual([]);
  });

  it('a key that belongs to another certificate is refused', () => {
    const other = pki.issue('other', { cn: 'other.example.com', sans: ['DNS:other.example.com'] });
    const r = validateTls({ certPem: fullChain(pki, leaf), keyPem: other.keyPem });
    expect(codes(r)).toEqual(['key_mismatch']);
    expect(message(r, 'key_mismatch')).toBe('the private key does not match certificate #1 (CN=ml.example.com), the server certificate: upload the key the certificate was issued for');
  });

  it('a reversed chain (root first) is refused with the order to use', () => {
    const reversed = pki.root.certPem + pki.intermediate.certPem + leaf.certPem;
    const r = validateTls({ certPem: reversed, keyPem: leaf.keyPem });
    expect(codes(r)).toEqual(['key_mismatch', 'chain_order']);
    expect(message(r, 'chain_order')).toBe('the chain is in reverse order (root first): order it leaf → intermediate → root, server certificate first');
    expect(message(r, 'key_mismatch')).toMatch(/belongs to certificate #3 \(CN=ml\.example\.com\), not to the first certificate: put the server certificate first/);
  });

  it('an unrelated certificate in the chain is refused', () => {
    const otherCa = createPki(join(dir, 'other-ca'));
    const r = validateTls({ certPem: leaf.certPem + otherCa.intermediate.certPem, keyPem: leaf.keyPem });
    expect(codes(r)).toEqual(['chain_order']);
    expect(message(r, 'chain_order')).toMatch(/^certificate #1 \(CN=ml\.example\.com\) is not issued by the next one, certificate #2 \(CN=Harbormaster Test Intermediate CA\)/);
  });

  it('a chain without the intermediate is accepted with a chain_incomplete warning', () => {
    const r = validateTls({ certPem: leaf.certPem, keyPem: leaf.keyPem, cname: 'ml.example.com' });
    expect(r.ok).toBe(true);
    expect(message(r, 'chain_incomplete')).toMatch(/issued by CN=Harbormaster Test Intermediate CA, which is not included/);
  });

  it('a self-signed certificate is accepted with a warning', () => {
    const self = pki.selfSigned('self', { cn: 'ml.example.com', sans: ['DNS:ml.example.com'] });
    const r = validateTls({ certPem: self.certPem, keyPem: self.keyPem, cname: 'ml.example.com' });
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.code)).toEqual(['self_signed']);
  });

  it('a passphrase-protected key is refused with the command that removes the passphrase', () => {
    const encFile = join(dir, 'leaf-encrypted.key');
    execFileSync('openssl', ['pkey', '-in', leaf.keyFile, '-aes256', '-passout', 'pass:secret', '-out', encFile]);
    const r = validateTls({ certPem: fullChain(pki, leaf), keyPem: readFileSync(encFile, 'utf8') });
    expect(codes(r)).toEqual(['key_encrypted']);
    expect(message(r, 'key_encrypted')).toMatch(/protected by a passphrase.*openssl pkey -in key\.pem -out key-unencrypted\.pem/);
  });

  it('an RSA key under 2048 bits is refused', () => {
    const weak = pki.issue('weak', { cn: 'ml.example.com', sans: ['DNS:ml.example.com'], keyType: 'rsa1024' });
    const r = validateTls({ certPem: fullChain(pki, weak), keyPem: weak.keyPem });
    expect(codes(r)).toEqual(['key_too_small']);
    expect(message(r, 'key_too_small')).toBe('the RSA key has 1024 bits; TLS libraries refuse keys under 2048 bits');
  });

  it('reports PEM problems precisely', () => {
    const broken = leaf.certPem.replace(/\n[A-Za-z0-9+/=]{20}/, '\n!!!!notbase64!!!!!!!');
    expect(codes(validateTls({ certPem: broken + pki.intermediate.certPem, keyPem: leaf.keyPem }))).toEqual(['cert_parse']);
    expect(message(validateTls({ certPem: broken, keyPem: leaf.keyPem }), 'cert_parse')).toMatch(/^certificate #1 in the chain cannot be parsed/);
    expect(message(validateTls({ certPem: 'hello', keyPem: leaf.keyPem }), 'cert_missing')).toMatch(/no PEM certificate found/);
    const swapped = validateTls({ certPem: leaf.keyPem, keyPem: leaf.certPem });
    expect(codes(swapped)).toEqual(['cert_missing', 'key_missing']);
    expect(message(swapped, 'cert_missing')).toMatch(/are the two files swapped\?/);
    const badKey = leaf.keyPem.replace(/\n[A-Za-z0-9+/=]{10}/, '\nAAAAAAAAAA');
    expect(codes(validateTls({ certPem: leaf.certPem, keyPem: badKey }))).toEqual(['key_parse']);
  });
});

describe('tlsFromSecret', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');

  it('reads Azure ML layout (cert.pem/key.pem) and kubernetes.io/tls layout', () => {
    const azure = tlsFromSecret({ data: { 'cert.pem': b64('C'), 'key.pem': b64('K') } });
    expect(azure).toEqual({ ok: true, tls: { certPem: 'C', keyPem: 'K', keys: { cert: 'cert.pem', key: 'key.pem' } } });
    const k8s = tlsFromSecret({ type: 'kubernetes.io/tls', data: { 'tls.crt': b64('C'), 'tls.key': b64('K') } });
    expect(k8s).toMatchObject({ ok: true, tls: { certPem: 'C', keys: { cert: 'tls.crt', key: 'tls.key' } } });
  });

  it('says which keys it found when neither layout is there', () => {
    expect(tlsFromSecret({ data: { 'cert.pem': b64('C'), 'tls.key': b64('K') } })).toEqual({
      ok: false,
      message: 'the Secret must hold cert.pem and key.pem (Azure ML\'s sslSecret layout) or tls.crt and tls.key (type kubernetes.io/tls); it holds cert.pem, tls.key',
    });
  });
});
