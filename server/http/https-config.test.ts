// The HTTPS listener's settings as server.mjs checks them at start, and how its requests are marked https.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IncomingMessage } from 'node:http';
import { spawnSync } from 'node:child_process';
import { Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureLocalTls } from '@/testbed/local-tls.mjs';
import { markHttpsRequest, parseHttpsPort, readHttpsConfig } from './https-config.mjs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-https-config-'));
const tls = ensureLocalTls(path.join(dir, 'a'));
const other = ensureLocalTls(path.join(dir, 'b'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const http = { httpPort: 3000, httpHost: '127.0.0.1' };
const read = (env: Record<string, string>) => readHttpsConfig(env, http);

describe('readHttpsConfig', () => {
  it('is off without HARBORMASTER_HTTPS_PORT', () => {
    expect(read({})).toBeNull();
    expect(read({ HARBORMASTER_HTTPS_PORT: ' ' })).toBeNull();
  });

  it('reads the certificate and key, and listens on the HTTP host unless HARBORMASTER_HTTPS_HOST says otherwise', () => {
    const c = read({ HARBORMASTER_HTTPS_PORT: '3443', HARBORMASTER_TLS_CERT_FILE: tls.certFile, HARBORMASTER_TLS_KEY_FILE: tls.keyFile });
    expect(c).toMatchObject({ port: 3443, host: '127.0.0.1', cert: tls.certPem, key: tls.keyPem });
    expect(c!.notAfter.getTime()).toBeGreaterThan(Date.now());
    expect(read({ HARBORMASTER_HTTPS_PORT: '3443', HARBORMASTER_HTTPS_HOST: '0.0.0.0', HARBORMASTER_TLS_CERT_FILE: tls.certFile, HARBORMASTER_TLS_KEY_FILE: tls.keyFile })!.host).toBe('0.0.0.0');
  });

  it.each([
    [{ HARBORMASTER_HTTPS_PORT: 'https' }, /^HARBORMASTER_HTTPS_PORT: must be a port number from 1 to 65535 \(got "https"\)/],
    [{ HARBORMASTER_HTTPS_PORT: '70000' }, /^HARBORMASTER_HTTPS_PORT: must be a port number/],
    [{ HARBORMASTER_HTTPS_PORT: '3000' }, /^HARBORMASTER_HTTPS_PORT: 3000 is the HTTP port/],
    [{ HARBORMASTER_TLS_CERT_FILE: '/x.pem' }, /^HARBORMASTER_HTTPS_PORT: required when HARBORMASTER_TLS_CERT_FILE is set/],
    [{ HARBORMASTER_HTTPS_PORT: '3443' }, /^HARBORMASTER_TLS_CERT_FILE: required when HARBORMASTER_HTTPS_PORT is set/],
    [{ HARBORMASTER_HTTPS_PORT: '3443', HARBORMASTER_TLS_CERT_FILE: tls.certFile }, /^HARBORMASTER_TLS_KEY_FILE: required/],
    [{ HARBORMASTER_HTTPS_PORT: '3443', HARBORMASTER_TLS_CERT_FILE: '/nonexistent/cert.pem', HARBORMASTER_TLS_KEY_FILE: tls.keyFile }, /^HARBORMASTER_TLS_CERT_FILE: cannot read \/nonexistent\/cert\.pem \(ENOENT\)/],
    [{ HARBORMASTER_HTTPS_PORT: '3443', HARBORMASTER_TLS_CERT_FILE: tls.keyFile, HARBORMASTER_TLS_KEY_FILE: tls.keyFile }, /^HARBORMASTER_TLS_CERT_FILE: .* holds no PEM certificate/],
    [{ HARBORMASTER_HTTPS_PORT: '3443', HARBORMASTER_TLS_CERT_FILE: tls.certFile, HARBORMASTER_TLS_KEY_FILE: tls.certFile }, /^HARBORMASTER_TLS_KEY_FILE: .* holds no unencrypted PEM private key/],
    [{ HARBORMASTER_HTTPS_PORT: '3443', HARBORMASTER_TLS_CERT_FILE: tls.certFile, HARBORMASTER_TLS_KEY_FILE: other.keyFile }, /^HARBORMASTER_TLS_KEY_FILE: the key in .* does not belong to the certificate/],
  ])('refuses %j naming the setting', (env, message) => {
    expect(() => read(env as Record<string, string>)).toThrow(message);
  });

  it('parseHttpsPort is the rule server/env.ts uses too', () => {
    expect(parseHttpsPort(undefined)).toBeNull();
    expect(parseHttpsPort('443')).toBe(443);
    expect(() => parseHttpsPort('0')).toThrow(/1 to 65535/);
  });
});

describe('markHttpsRequest', () => {
  const req = (headers: Array<[string, string]>) => {
    const r = new IncomingMessage(new Socket());
    for (const [k, v] of headers) {
      r.headers[k] = v;
      r.rawHeaders.push(k, v);
    }
    return r;
  };

  it('marks a direct client’s request https, whatever X-Forwarded-Proto it sent', () => {
    for (const sent of [[], [['X-Forwarded-Proto', 'http']]] as Array<Array<[string, string]>>) {
      const r = req([['host', 'h:3443'], ...sent.map(([k, v]) => [k.toLowerCase(), v] as [string, string])]);
      markHttpsRequest(r, false);
      expect(r.headers['x-forwarded-proto']).toBe('https');
      expect(r.rawHeaders.filter((h) => h.toLowerCase() === 'x-forwarded-proto')).toHaveLength(1);
    }
  });

  it('keeps what a trusted proxy says its client used; https when it says nothing', () => {
    const r = req([['x-forwarded-proto', 'http']]);
    markHttpsRequest(r, true);
    expect(r.headers['x-forwarded-proto']).toBe('http');
    const r2 = req([]);
    markHttpsRequest(r2, true);
    expect(r2.headers['x-forwarded-proto']).toBe('https');
  });
});

describe('server.mjs', () => {
  const start = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['server.mjs', '-p', '3999', '-H', '127.0.0.1'], {
      cwd: path.resolve(__dirname, '../..'),
      env: { ...process.env, HARBORMASTER_TRUSTED_PROXIES: '', HARBORMASTER_HTTPS_PORT: '', HARBORMASTER_TLS_CERT_FILE: '', HARBORMASTER_TLS_KEY_FILE: '', HARBORMASTER_HTTPS_HOST: '', ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('does not start with a bad HTTPS setting, and says which', () => {
    const r = start({ HARBORMASTER_HTTPS_PORT: '3443', HARBORMASTER_TLS_CERT_FILE: tls.certFile, HARBORMASTER_TLS_KEY_FILE: other.keyFile });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Harbormaster cannot start: Invalid configuration:\n  HARBORMASTER_TLS_KEY_FILE: the key in');
    const p = start({ HARBORMASTER_HTTPS_PORT: '3999', HARBORMASTER_TLS_CERT_FILE: tls.certFile, HARBORMASTER_TLS_KEY_FILE: tls.keyFile });
    expect(p.status).toBe(1);
    expect(p.stderr).toContain('HARBORMASTER_HTTPS_PORT: 3999 is the HTTP port (PORT / -p) as well');
  });
});
