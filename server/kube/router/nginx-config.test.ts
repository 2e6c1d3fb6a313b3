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

describe('deployments that are not ready and mirror traffic', () => {
  const block = (conf: string, start: string) => conf.slice(conf.indexOf(start)).split('\n        }\n')[0];

  it('answers 503 DeploymentNotReady for a deployment without an address, keeping its share of the split', () => {
    const r = renderRouterConfig({ listen: { http: 8080 }, endpoints: [ep({ name: 'my-ep', deployments: [
      { name: 'blue', upstream: '10.0.0.1:80', weight: 80 },
      { name: 'green', weight: 20 },
    ] })] });
    expect(r.nginxConf).toContain('split_clients "${request_id}" $hm_split_my_ep {\n        80% blue;\n        * green;\n    }');
    expect(r.nginxConf).not.toContain('upstream hm_my_ep__green');
    const green = block(r.nginxConf, 'location = /_hm/my-ep/green {');
    expect(green).toContain('return 503 \'{"error":{"code":"DeploymentNotReady","message":"deployment green of endpoint my-ep is not ready yet: it has no address to send requests to"}}\';');
    expect(green).toContain('add_header azureml-model-deployment green always;');
    expect(green).not.toContain('proxy_pass');
    expect(r.warnings).toEqual([]);
  });

  it('checks mirror shares: 0–50, one deployment per endpoint, never one with live traffic', () => {
    const deps = (...more: RouterEndpoint['deployments']) => [{ name: 'blue', upstream: '10.0.0.1:80', weight: 100 }, ...more];
    expect(problems({ listen: { http: 8080 }, endpoints: [ep({ deployments: deps({ name: 'green', upstream: '10.0.0.2:80', weight: 0, mirrorPercent: 51 }) })] }))
      .toEqual(['endpoint "ep", deployment "green": mirrorPercent must be an integer from 0 to 50']);
    expect(problems({ listen: { http: 8080 }, endpoints: [ep({ deployments: deps(
      { name: 'green', upstream: '10.0.0.2:80', weight: 0, mirrorPercent: 10 },
      { name: 'red', upstream: '10.0.0.3:80', weight: 0, mirrorPercent: 5 },
    ) })] })).toEqual(['endpoint "ep": mirror traffic goes to at most one deployment (green, red)']);
    expect(problems({ listen: { http: 8080 }, endpoints: [ep({ deployments: [
      { name: 'blue', upstream: '10.0.0.1:80', weight: 90 }, { name: 'green', upstream: '10.0.0.2:80', weight: 10, mirrorPercent: 10 },
    ] })] })).toEqual(['endpoint "ep", deployment "green": a deployment receives either live traffic or mirror traffic, not both (weight 10, mirrorPercent 10)']);
  });

  it('mirrors a drawn share of the live deployments\' requests, not of header-routed ones, through an internal location', () => {
    const r = renderRouterConfig({ listen: { http: 8080 }, endpoints: [ep({ name: 'my-ep', deployments: [
      { name: 'blue', upstream: '10.0.0.1:80', weight: 100 },
      { name: 'idle', upstream: '10.0.0.3:80', weight: 0 },
      { name: 'shadow', upstream: '10.0.0.2:80', weight: 0, mirrorPercent: 10, timeoutMs: 2000, path: '/v2/score' },
    ] })] });
    // Drawn on its own hash key, so the mirrored share does not coincide with a slice of the traffic split.
    expect(r.nginxConf).toContain('split_clients "${request_id}mirror" $hm_mirror_draw_my_ep {\n        10% 1;\n        * "";\n    }');
    expect(r.nginxConf).toContain('map "$http_azureml_model_deployment:$hm_mirror_draw_my_ep" $hm_mirror_my_ep {\n        ":1" 1;\n        default "";\n    }');
    expect(block(r.nginxConf, 'location = /_hm/my-ep/blue {')).toContain('mirror_request_body on;\n            mirror /_hm/my-ep/_mirror;');
    expect(block(r.nginxConf, 'location = /_hm/my-ep/idle {')).not.toContain('mirror');
    expect(block(r.nginxConf, 'location = /_hm/my-ep/shadow {')).not.toContain('mirror');
    const mirror = block(r.nginxConf, 'location = /_hm/my-ep/_mirror {');
    expect(mirror).toContain('internal;');
    expect(mirror).toContain('if ($hm_mirror_my_ep = "") {\n                return 204;\n            }');
    expect(mirror).toContain('proxy_read_timeout 2000ms;');
    expect(mirror).toContain('proxy_pass http://hm_my_ep__shadow/v2/score;');
    // A subrequest shares the request's variables: setting one would overwrite the live deployment in the access log.
    expect(mirror).not.toMatch(/\bset \$/);
    // It inherits the http-level header rules, which clear Authorization.
    expect(mirror).not.toContain('proxy_set_header');
    expect(r.nginxConf).toContain('\n    proxy_set_header Authorization "";');
  });

  it('drops mirror traffic, with a warning, while the mirror deployment is not ready', () => {
    const r = renderRouterConfig({ listen: { http: 8080 }, endpoints: [ep({ deployments: [
      { name: 'blue', upstream: '10.0.0.1:80', weight: 100 }, { name: 'shadow', weight: 0, mirrorPercent: 20 },
    ] })] });
    expect(r.nginxConf).not.toContain('mirror');
    expect(r.warnings).toEqual(['endpoint "ep", deployment "shadow" is not ready: its mirror traffic is dropped until it is']);
  });
});
