import { describe, expect, it } from 'vitest';
import { checkNoProxy, proxyUrlProblem, suggestedNoProxy, validateProxySettings } from './no-proxy';
import { cidrContains, parseCidr } from './cidr';

const FULL = '127.0.0.1,localhost,.svc,.svc.cluster.local,kubernetes.default.svc';

describe('checkNoProxy', () => {
  it('accepts the Azure ML list', () => {
    expect(checkNoProxy(FULL)).toMatchObject({ ok: true, missing: [] });
  });

  it('names exactly what is missing and why; 127.0.0.1 explains the 137 sidecar failure', () => {
    const r = checkNoProxy('localhost, .svc.cluster.local');
    expect(r.ok).toBe(false);
    expect(r.missing.map((m) => m.entry)).toEqual(['127.0.0.1', '.svc', 'kubernetes.default.svc']);
    expect(r.message).toMatch(/^NO_PROXY is missing 127\.0\.0\.1, \.svc, kubernetes\.default\.svc\. Add: 127\.0\.0\.1 \(.*exit code 137 in training-identity-sidecar\)/);
  });

  it('treats "svc", ".svc" and "*.svc" alike (curl, Go and Python match suffixes) and a loopback CIDR as covering 127.0.0.1', () => {
    expect(checkNoProxy('127.0.0.0/8,localhost,svc,*.svc.cluster.local,KUBERNETES.default.svc').ok).toBe(true);
  });

  it('requires CIDR entries covering the service and pod ranges when known', () => {
    const network = { serviceCidrs: ['10.96.0.0/12'], podCidrs: ['10.244.0.0/16', 'fd00:10:244::/56'] };
    const r = checkNoProxy(`${FULL},10.96.0.0/12,10.0.0.0/8`, network);
    expect(r.missing.map((m) => m.entry)).toEqual(['fd00:10:244::/56']);
    expect(r.message).toMatch(/pod CIDR/);
    expect(checkNoProxy(`${FULL},10.0.0.0/8,fd00::/8`, network).ok).toBe(true);
    // A narrower block does not cover a wider range.
    expect(checkNoProxy(`${FULL},10.96.0.0/16`, { serviceCidrs: ['10.96.0.0/12'] }).ok).toBe(false);
  });

  it('"*" disables the proxy entirely: ok, with a warning', () => {
    const r = checkNoProxy('*', { serviceCidrs: ['10.0.0.0/16'] });
    expect(r.ok).toBe(true);
    expect(r.warnings[0]).toMatch(/no request goes through the proxy/);
  });

  it('suggests a list that passes its own check', () => {
    const network = { serviceCidrs: ['10.0.0.0/16'], podCidrs: ['10.244.0.0/16'] };
    expect(checkNoProxy(suggestedNoProxy(network), network).ok).toBe(true);
  });
});

describe('proxy URLs', () => {
  it.each([
    ['http://proxy.corp:3128', undefined],
    ['https://10.0.0.5:443', undefined],
    ['proxy.corp:3128', '"proxy.corp:3128" has no scheme: write http://proxy.corp:3128'],
    ['socks5://proxy.corp:1080', '"socks5://" proxies are not supported: use an http:// or https:// proxy'],
    ['http://proxy.corp:3128/path', '"http://proxy.corp:3128/path" must not have a path, query or fragment: a proxy is addressed by scheme, host and port only'],
    ['http://proxy.corp:99999', '"http://proxy.corp:99999" is not a valid URL'],
  ])('%s', (url, error) => {
    expect(proxyUrlProblem(url).error).toBe(error);
  });

  it('refuses credentials in a proxy URL (with or without a scheme) without repeating them', () => {
    for (const url of ['http://user:pw@proxy.corp:3128', 'https://user@proxy.corp', 'user:pw@proxy.corp:3128', 'http://user:p%40ss@proxy.corp:3128/path']) {
      const p = proxyUrlProblem(url);
      expect(p.error, url).toMatch(/^must not contain a user name or password/);
      expect(p.error).not.toContain('pw');
      expect(p.error).not.toContain('p%40ss');
    }
    expect(proxyUrlProblem('http://proxy.corp:3128').error).toBeUndefined();
    expect(validateProxySettings({ httpsProxy: 'http://u:secret@10.0.0.5:3128', noProxy: FULL }).errors).toEqual([
      { path: 'httpsProxy', message: expect.stringMatching(/^must not contain a user name or password/) },
    ]);
  });

  it('validateProxySettings requires NO_PROXY once a proxy is set and checks the CA ConfigMap name', () => {
    const r = validateProxySettings({ httpProxy: 'http://p:3128', caBundleConfigMap: 'Proxy_CA' });
    expect(r.errors.map((e) => e.path)).toEqual(['noProxy', 'caBundleConfigMap']);
    expect(validateProxySettings({ noProxy: FULL }).warnings).toEqual(['noProxy has no effect without httpProxy or httpsProxy']);
  });
});

describe('CIDR parsing', () => {
  it('parses IPv4/IPv6 blocks and refuses host bits', () => {
    expect(parseCidr('10.0.0.0/16')).toMatchObject({ ok: true, cidr: { text: '10.0.0.0/16' } });
    expect(parseCidr('fd00:0:0::/64')).toMatchObject({ ok: true, cidr: { text: 'fd00::/64' } });
    expect(parseCidr('::ffff:10.0.0.0/120')).toMatchObject({ ok: true, cidr: { text: '::ffff:a00:0/120' } });
    expect(parseCidr('10.0.0.1/16')).toEqual({ ok: false, reason: '"10.0.0.1/16" has host bits set; the block is 10.0.0.0/16' });
    expect(parseCidr('10.0.0.0/33')).toMatchObject({ ok: false, reason: expect.stringMatching(/invalid prefix length/) });
    expect(parseCidr('300.0.0.0/8').ok).toBe(false);
  });

  it('containment', () => {
    const c = (s: string) => { const r = parseCidr(s); if (!r.ok) throw new Error(r.reason); return r.cidr; };
    expect(cidrContains(c('10.0.0.0/8'), c('10.244.1.0/24'))).toBe(true);
    expect(cidrContains(c('10.244.1.0/24'), c('10.0.0.0/8'))).toBe(false);
    expect(cidrContains(c('10.0.0.0/8'), c('fd00::/8'))).toBe(false);
    expect(cidrContains(c('0.0.0.0/0'), c('192.168.1.1'))).toBe(true);
  });
});
