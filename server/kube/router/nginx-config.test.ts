// Input checks and rendering decisions of the router config; behaviour on a real nginx is in
// nginx-config.nginx.test.ts.
import { describe, expect, it } from 'vitest';
import { KEYS_FILE, RouterConfigError, renderRouterConfig, type RenderRouterInput, type RouterEndpoint } from './nginx-config';

const KEY = 'primaryKey-0123456789abcdef';
const ep = (over: Partial<RouterEndpoint> = {}): RouterEndpoint => ({
  name: 'ep',
  keys: [KEY],
  timeoutMs: 5000,
  deployments: [{ name: 'blue', upstream: '10.0.0.1:80', weight: 100 }],
  ...over,
});

function problems(input: RenderRouterInput): string[] {
  try {
    renderRouterConfig(input);
  } catch (e) {
    if (e instanceof RouterConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a RouterConfigError');
}

describe('renderRouterConfig input checks', () => {
  it('weights must sum to 100 or all be 0', () => {
    const p = problems({ listen: { http: 8080 }, endpoints: [ep({ deployments: [
      { name: 'blue', upstream: '10.0.0.1:80', weight: 60 }, { name: 'green', upstream: '10.0.0.2:80', weight: 30 },
    ] })] });
    expect(p).toEqual(['endpoint "ep": traffic weights sum to 90; they must sum to 100 (or all be 0)']);
  });

  it('refuses keys that are short, contain config syntax, are missing or shared between endpoints', () => {
    expect(problems({ listen: { http: 8080 }, endpoints: [ep({ keys: ['short'] })] })).toEqual([
      'endpoint "ep": keys must be 16–128 characters of letters, digits and . _ ~ + / = -',
    ]);
    expect(problems({ listen: { http: 8080 }, endpoints: [ep({ keys: ['abcdefghijklmnop"; default ep;'] })] })[0]).toMatch(/keys must be/);
    expect(problems({ listen: { http: 8080 }, endpoints: [ep({ keys: [] })] })).toEqual(['endpoint "ep" has no key: every request would be refused']);
    expect(problems({ listen: { http: 8080 }, endpoints: [ep(), ep({ name: 'other' })] })).toEqual(['endpoint "other" shares a key with endpoint "ep"']);
  });

  it('refuses names and paths that would inject nginx syntax', () => {
    const p = problems({ listen: { http: 8080 }, endpoints: [ep({ name: 'ep;evil', deployments: [{ name: 'blue', upstream: '10.0.0.1:80', weight: 100, path: '/score;x' }] })] });
    expect(p).toEqual([
      'endpoint "ep;evil": name must start with a letter and contain only letters, digits and "-" (at most 32)',
      'endpoint "ep;evil", deployment "blue": path "/score;x" must start with "/" and contain only URL-safe characters',
    ]);
    expect(problems({ listen: { http: 8080 }, endpoints: [ep({ deployments: [{ name: 'blue', upstream: '10.0.0.1', weight: 100 }] })] }))
      .toEqual(['endpoint "ep", deployment "blue": upstream "10.0.0.1" must be host:port']);
  });

  it('keeps keys off plain HTTP when TLS is configured and needs a certificate for https', () => {
    expect(problems({ listen: { http: 8080, https: 8443 }, tls: { certFile: '/t/c', keyFile: '/t/k' }, endpoints: [] }))
      .toEqual(['listen.http together with tls would serve endpoint keys unencrypted: use https only']);
    expect(problems({ listen: { https: 8443 }, endpoints: [] })).toEqual(['listen.https requires tls (certificate and key files)']);
    expect(problems({ listen: { http: 8080, health: 8080 }, endpoints: [] })).toEqual(['listen ports must differ']);
  });

  it('warns that DNS-named upstreams are resolved only at start', () => {
    const r = renderRouterConfig({ listen: { http: 8080 }, endpoints: [ep({ deployments: [{ name: 'blue', upstream: 'blue.ns.svc:80', weight: 100 }] })] });
    expect(r.warnings).toEqual([
      'endpoint "ep", deployment "blue": upstream host "blue.ns.svc" is a DNS name; nginx resolves it once at start and will not start if it does not resolve — prefer the Service\'s ClusterIP',
    ]);
  });
});

describe('renderRouterConfig output', () => {
  it('keys only go to the Secret-mounted include file', () => {
    const r = renderRouterConfig({ listen: { http: 8080 }, endpoints: [ep({ keys: [KEY, 'secondaryKey-0123456789abcdef'] })], paths: { secretDir: '/keys' } });
    expect(r.nginxConf).not.toContain(KEY);
    expect(r.nginxConf).toContain(`include /keys/${KEYS_FILE};`);
    expect(r.secretFiles).toEqual({ [KEYS_FILE]: `"Bearer ${KEY}" ep;\n"Bearer secondaryKey-0123456789abcdef" ep;\n` });
  });

  it('splits by percentage with the last weighted deployment taking the rest, skipping 0% ones', () => {
    const r = renderRouterConfig({ listen: { http: 8080 }, endpoints: [ep({ name: 'my-ep', deployments: [
      { name: 'blue', upstream: '10.0.0.1:80', weight: 70 },
      { name: 'idle', upstream: '10.0.0.3:80', weight: 0 },
      { name: 'green', upstream: '10.0.0.2:80', weight: 20 },
      { name: 'red', upstream: '10.0.0.4:80', weight: 10 },
    ] })] });
    expect(r.nginxConf).toContain('split_clients "${request_id}" $hm_split_my_ep {\n        70% blue;\n        20% green;\n        * red;\n    }');
    // Every deployment, 0% included, is reachable by header.
    expect(r.nginxConf).toMatch(/map \$http_azureml_model_deployment \$hm_target_my_ep \{\n {8}"" \$hm_split_my_ep;\n {8}blue blue;\n {8}idle idle;/);
  });

  it('uses per-deployment timeouts, capping the connect timeout at 5 s', () => {
    const r = renderRouterConfig({ listen: { http: 8080 }, endpoints: [ep({ timeoutMs: 60000, deployments: [
      { name: 'blue', upstream: '10.0.0.1:80', weight: 50, timeoutMs: 3000 },
      { name: 'green', upstream: '10.0.0.2:80', weight: 50 },
    ] })] });
    const block = (name: string) => r.nginxConf.slice(r.nginxConf.indexOf(`location = /_hm/ep/${name} {`)).split('}')[0];
    expect(block('blue')).toContain('proxy_read_timeout 3000ms;');
    expect(block('blue')).toContain('proxy_connect_timeout 3000ms;');
    expect(block('green')).toContain('proxy_read_timeout 60000ms;');
    expect(block('green')).toContain('proxy_connect_timeout 5000ms;');
  });

  it('bounds worker processes by default (auto spawns one per host core)', () => {
    expect(renderRouterConfig({ listen: { http: 8080 }, endpoints: [] }).nginxConf).toContain('worker_processes 2;');
  });
});
