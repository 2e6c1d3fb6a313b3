// The router configuration rendered from endpoint and deployment records (a real database) run by a real nginx
// on loopback, in front of small node:http model servers ("blue", "green", a slow one), checking what a caller
// of a scoring URI notices.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import tls from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { ensureNginx } from '@/test/ensure-nginx';
import { renderRouterConfig, type RenderRouterInput } from './nginx-config';
import { freePort, modelServer, request, startNginx, type ModelServer, type RunningNginx } from './nginx-harness';
import { createPki, fullChain, type Issued, type Pki } from './test-pki';
import { createTestDb, type TestDb } from '@/server/db/test-db';
import { routerEndpoints } from '@/server/services/router-sync';
import { recordCluster, recordEndpoints } from '@/test/endpoint-records';

process.env.HARBORMASTER_SECRET_KEY ??= Buffer.alloc(32, 9).toString('base64');

const nginxAvailable = ensureNginx();
if (!nginxAvailable.ok) console.warn(`skipping nginx router tests: ${nginxAvailable.reason}`);

const KEY1 = 'primaryKey-0123456789abcdefABCDEF';
const KEY2 = 'secondaryKey-0123456789abcdefABCD';
const SLOW_KEY = 'slowKey-0123456789abcdefABCDEFgh';
const DARK_KEY = 'darkKey-0123456789abcdefABCDEFgh';
const STAGED_KEY = 'stagedKey-0123456789abcdefABCDEF';
const MIRROR_KEY = 'mirrorKey-0123456789abcdefABCDEF';
const MIRROR_BROKEN_KEY = 'mirrorBrokenKey-0123456789abcdef';

describe.skipIf(!nginxAvailable.ok)('inference router on a real nginx', () => {
  const nginx = nginxAvailable.ok ? nginxAvailable.nginx : '';
  let dir: string;
  let pki: Pki;
  let leaf: Issued;
  let blue: ModelServer, green: ModelServer, slow: ModelServer, canary: ModelServer, primary: ModelServer, shadow: ModelServer;
  let plain: RunningNginx, secure: RunningNginx;
  let plainUrl: string, secureUrl: string, secureHealth: string, plainHealth: string;
  const started: RunningNginx[] = [];
  let testDb: TestDb;

  function writeInstance(name: string, input: RenderRouterInput): string {
    const prefix = join(dir, name);
    mkdirSync(join(prefix, 'run'), { recursive: true });
    mkdirSync(join(prefix, 'keys'), { recursive: true });
    const rendered = renderRouterConfig({ ...input, paths: { runDir: join(prefix, 'run'), secretDir: join(prefix, 'keys') }, accessLog: false, workerProcesses: 1 });
    for (const [file, content] of Object.entries(rendered.secretFiles)) writeFileSync(join(prefix, 'keys', file), content);
    writeFileSync(join(prefix, 'nginx.conf'), rendered.nginxConf);
    return prefix;
  }

  // The endpoints as the console records them (server/db: sealed keys, normalized deployment specs, Service
  // addresses), rendered through routerEndpoints() — the function the router sync and the extension installer use.
  async function endpoints(closedPort: number): Promise<RenderRouterInput['endpoints']> {
    const where = await recordCluster(testDb.db);
    await recordEndpoints(testDb.db, where, [
      {
        name: 'my-endpoint',
        keys: [KEY1, KEY2],
        deployments: [
          { name: 'blue', address: `127.0.0.1:${blue.port}`, weight: 90 },
          { name: 'green', address: `127.0.0.1:${green.port}`, weight: 10 },
          { name: 'down', address: `127.0.0.1:${closedPort}`, weight: 0 },
        ],
      },
      { name: 'slow-endpoint', keys: [SLOW_KEY, `${SLOW_KEY}-2`], deployments: [{ name: 'slow', address: `127.0.0.1:${slow.port}`, weight: 100, timeoutMs: 500 }] },
      { name: 'dark', keys: [DARK_KEY, `${DARK_KEY}-2`], deployments: [{ name: 'canary', address: `127.0.0.1:${canary.port}`, weight: 0, scoringPath: '/v2/predict' }] },
      // Half the traffic goes to a deployment whose Service has no address yet.
      { name: 'staged', keys: [STAGED_KEY, `${STAGED_KEY}-2`], deployments: [{ name: 'blue', address: `127.0.0.1:${blue.port}`, weight: 50 }, { name: 'pending', weight: 50 }] },
      {
        name: 'mirrored',
        keys: [MIRROR_KEY, `${MIRROR_KEY}-2`],
        deployments: [
          { name: 'primary', address: `127.0.0.1:${primary.port}`, weight: 100 },
          { name: 'shadow', address: `127.0.0.1:${shadow.port}`, weight: 0, mirrorPercent: 10, scoringPath: '/shadow/score' },
        ],
      },
      // Mirror to a deployment that is down: the client must not notice.
      {
        name: 'mirror-broken',
        keys: [MIRROR_BROKEN_KEY, `${MIRROR_BROKEN_KEY}-2`],
        deployments: [
          { name: 'primary', address: `127.0.0.1:${primary.port}`, weight: 50 },
          { name: 'blue', address: `127.0.0.1:${blue.port}`, weight: 50 },
          { name: 'gone', address: `127.0.0.1:${closedPort}`, weight: 0, mirrorPercent: 50 },
        ],
      },
    ]);
    return routerEndpoints(testDb.db, where.clusterId);
  }

  beforeAll(async () => {
    testDb = await createTestDb();
    dir = mkdtempSync(join(tmpdir(), 'hm-router-'));
    // Workers drop root privileges; let them reach the temp paths under this directory.
    chmodSync(dir, 0o755);
    pki = createPki(join(dir, 'pki'));
    [blue, green, slow, canary, primary, shadow] = await Promise.all([
      modelServer('blue'), modelServer('green'), modelServer('slow', 3000), modelServer('canary'), modelServer('primary'), modelServer('shadow'),
    ]);
    const closedPort = await freePort();

    const [httpPort, healthPort, httpsPort, secureHealthPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const eps = await endpoints(closedPort);
    const plainPrefix = writeInstance('plain', { endpoints: eps, listen: { http: `127.0.0.1:${httpPort}`, health: `127.0.0.1:${healthPort}` } });
    plainUrl = `http://127.0.0.1:${httpPort}`;
    plainHealth = `http://127.0.0.1:${healthPort}/healthz`;
    plain = await startNginx({ nginx, prefix: plainPrefix, conf: join(plainPrefix, 'nginx.conf'), healthUrl: plainHealth });
    started.push(plain);

    leaf = pki.issue('router', { cn: 'localhost', sans: ['DNS:localhost', 'IP:127.0.0.1'] });
    mkdirSync(join(dir, 'secure', 'tls'), { recursive: true });
    writeFileSync(join(dir, 'secure', 'tls', 'tls.crt'), fullChain(pki, leaf));
    copyFileSync(leaf.keyFile, join(dir, 'secure', 'tls', 'tls.key'));
    const securePrefix = writeInstance('secure', {
      endpoints: eps,
      tls: { certFile: join(dir, 'secure', 'tls', 'tls.crt'), keyFile: join(dir, 'secure', 'tls', 'tls.key') },
      listen: { https: `127.0.0.1:${httpsPort}`, health: `127.0.0.1:${secureHealthPort}` },
    });
    secureUrl = `https://127.0.0.1:${httpsPort}`;
    secureHealth = `http://127.0.0.1:${secureHealthPort}/healthz`;
    secure = await startNginx({ nginx, prefix: securePrefix, conf: join(securePrefix, 'nginx.conf'), healthUrl: secureHealth });
    started.push(secure);
  });

  afterAll(async () => {
    await testDb?.close();
    await Promise.all(started.map((n) => n.stop()));
    await Promise.all([blue, green, slow, canary, primary, shadow].filter(Boolean).map((s) => s.close()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const score = (endpoint: string, headers: Record<string, string> = {}, base = plainUrl, query = '') =>
    request(`${base}/api/v1/endpoint/${endpoint}/score${query}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"data":[[1,2,3]]}' });

  it('answers /healthz on the scoring and the health listeners', async () => {
    expect((await request(`${plainUrl}/healthz`)).status).toBe(200);
    expect((await request(plainHealth)).body).toBe('{"status":"ok"}');
  });

  it('refuses requests without a valid key of that endpoint with 401', async () => {
    const none = await score('my-endpoint');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="my-endpoint"');
    expect(JSON.parse(none.body).error.code).toBe('Unauthorized');
    expect((await score('my-endpoint', { authorization: 'Bearer not-the-key-0123456789' })).status).toBe(401);
    expect((await score('my-endpoint', { authorization: KEY1 })).status).toBe(401); // no "Bearer "
    expect((await score('my-endpoint', { authorization: `Bearer ${SLOW_KEY}` })).status).toBe(401); // another endpoint's key
    expect(blue.hits.length + green.hits.length).toBe(0);
  });

  it('accepts the primary and the secondary key, and does not forward the key to the model', async () => {
    const a = await score('my-endpoint', { authorization: `Bearer ${KEY1}` }, plainUrl, '?verbose=1');
    const b = await score('my-endpoint', { authorization: `Bearer ${KEY2}` });
    expect([a.status, b.status]).toEqual([200, 200]);
    const hits = [...blue.hits, ...green.hits];
    expect(hits.map((h) => h.url).sort()).toEqual(['/score', '/score?verbose=1']);
    expect(hits.every((h) => h.authorization === undefined)).toBe(true);
    expect(hits.every((h) => /^[0-9a-f]{32}$/.test(h.requestId ?? ''))).toBe(true);
    expect(a.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('splits traffic about 90/10 between blue and green', async () => {
    const before = { blue: blue.hits.length, green: green.hits.length };
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const counts: Record<string, number> = {};
    for (let batch = 0; batch < 20; batch++) {
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          request(`${plainUrl}/api/v1/endpoint/my-endpoint/score`, { method: 'POST', agent, headers: { authorization: `Bearer ${KEY1}` }, body: '{}' }),
        ),
      );
      for (const r of results) {
        expect(r.status).toBe(200);
        const dep = r.headers['azureml-model-deployment'] as string;
        counts[dep] = (counts[dep] ?? 0) + 1;
      }
    }
    agent.destroy();
    expect(Object.keys(counts).sort()).toEqual(['blue', 'green']);
    expect(counts.blue + counts.green).toBe(400);
    // Expected 40 green (σ ≈ 6): 20–70 leaves a false-failure chance far below one in a million.
    expect(counts.green).toBeGreaterThanOrEqual(20);
    expect(counts.green).toBeLessThanOrEqual(70);
    // The response header tells the truth about which server answered.
    expect(blue.hits.length - before.blue).toBe(counts.blue);
    expect(green.hits.length - before.green).toBe(counts.green);
  });

  it('routes by the azureml-model-deployment header, also to a deployment without traffic', async () => {
    const before = green.hits.length;
    const results = await Promise.all(Array.from({ length: 20 }, () => score('my-endpoint', { authorization: `Bearer ${KEY1}`, 'azureml-model-deployment': 'green' })));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(green.hits.length - before).toBe(20);

    const unknown = await score('my-endpoint', { authorization: `Bearer ${KEY1}`, 'azureml-model-deployment': 'purple' });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error.code).toBe('DeploymentNotFound');

    const dark = await score('dark', { authorization: `Bearer ${DARK_KEY}` });
    expect(dark.status).toBe(503);
    expect(JSON.parse(dark.body).error.code).toBe('NoTraffic');
    const direct = await score('dark', { authorization: `Bearer ${DARK_KEY}`, 'azureml-model-deployment': 'canary' });
    expect(direct.status).toBe(200);
    expect(canary.hits.at(-1)?.url).toBe('/v2/predict');
  });

  it('answers 504 when the model exceeds its request timeout, and 502 when it is down', async () => {
    const t0 = Date.now();
    const r = await score('slow-endpoint', { authorization: `Bearer ${SLOW_KEY}` });
    const elapsed = Date.now() - t0;
    expect(r.status).toBe(504);
    expect(JSON.parse(r.body).error.code).toBe('RequestTimeout');
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(2500); // the model would have taken 3000 ms

    const down = await score('my-endpoint', { authorization: `Bearer ${KEY1}`, 'azureml-model-deployment': 'down' });
    expect(down.status).toBe(502);
    expect(JSON.parse(down.body).error.code).toBe('BadGateway');
  });

  it('answers 503 DeploymentNotReady for a deployment without an address, which keeps its share of the traffic', async () => {
    const before = blue.hits.length;
    const results = await Promise.all(Array.from({ length: 200 }, () => score('staged', { authorization: `Bearer ${STAGED_KEY}` })));
    const notReady = results.filter((r) => r.status === 503);
    expect(results.filter((r) => r.status !== 503 && r.status !== 200)).toEqual([]);
    // Expected 100 of 200 (σ ≈ 7): 60–140 is over 5 σ either way.
    expect(notReady.length).toBeGreaterThanOrEqual(60);
    expect(notReady.length).toBeLessThanOrEqual(140);
    expect(blue.hits.length - before).toBe(200 - notReady.length);
    for (const r of notReady) {
      expect(JSON.parse(r.body)).toEqual({ error: { code: 'DeploymentNotReady', message: 'deployment pending of endpoint staged is not ready yet: it has no address to send requests to' } });
      expect(r.headers['azureml-model-deployment']).toBe('pending');
    }
    const named = await score('staged', { authorization: `Bearer ${STAGED_KEY}`, 'azureml-model-deployment': 'pending' });
    expect(named.status).toBe(503);
    expect(JSON.parse(named.body).error.code).toBe('DeploymentNotReady');
    // The key check still comes first.
    expect((await score('staged', { 'azureml-model-deployment': 'pending' })).status).toBe(401);
  });

  it('mirrors about 10 % of live requests to the shadow deployment without the key, and clients only see the primary', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const results: { status: number; deployment: unknown; body: string }[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const rs = await Promise.all(Array.from({ length: 20 }, (_, i) =>
        request(`${plainUrl}/api/v1/endpoint/mirrored/score`, { method: 'POST', agent, headers: { authorization: `Bearer ${MIRROR_KEY}` }, body: `{"n":${batch * 20 + i}}` })));
      results.push(...rs.map((r) => ({ status: r.status, deployment: r.headers['azureml-model-deployment'], body: r.body })));
    }
    // Header-routed requests are not mirrored (as in Azure ML).
    await Promise.all(Array.from({ length: 40 }, () =>
      request(`${plainUrl}/api/v1/endpoint/mirrored/score`, { method: 'POST', agent, headers: { authorization: `Bearer ${MIRROR_KEY}`, 'azureml-model-deployment': 'primary' }, body: '{"n":-1}' })));
    // Mirror subrequests may end just after the client's answer: wait until the count settles.
    let seen = -1;
    for (let i = 0; i < 40 && seen !== shadow.hits.length; i++) { seen = shadow.hits.length; await new Promise((r) => setTimeout(r, 50)); }
    agent.destroy();

    expect(results.filter((r) => r.status !== 200 || r.deployment !== 'primary' || r.body !== '{"deployment":"primary"}')).toEqual([]);
    expect(primary.hits.length).toBe(440);
    // Expected 40 of 400 (σ ≈ 6): 15–70 leaves a false-failure chance far below one in a million.
    expect(shadow.hits.length).toBeGreaterThanOrEqual(15);
    expect(shadow.hits.length).toBeLessThanOrEqual(70);
    // Copies of live requests: same request id, path rewritten to the shadow's, body mirrored, no key.
    const live = new Map(primary.hits.map((h) => [h.requestId, h]));
    for (const h of shadow.hits) {
      expect(h.url).toBe('/shadow/score');
      expect(h.authorization).toBeUndefined();
      expect(h.body).toBe(live.get(h.requestId)?.body);
      expect(h.body).not.toBe('{"n":-1}');
    }
    console.log(`mirror: ${shadow.hits.length} of 400 live requests mirrored (10 % configured), 0 of 40 header-routed`);
  });

  it('ignores the mirror deployment\'s failures: clients get the live answer', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, () => score('mirror-broken', { authorization: `Bearer ${MIRROR_BROKEN_KEY}` })));
    expect(results.filter((r) => r.status !== 200 || !['primary', 'blue'].includes(r.headers['azureml-model-deployment'] as string))).toEqual([]);
    expect(new Set(results.map((r) => JSON.parse(r.body).deployment))).toEqual(new Set(['primary', 'blue']));
  });

  it('answers 404 for unknown endpoints and never exposes internal routes', async () => {
    expect((await score('nope', { authorization: `Bearer ${KEY1}` })).status).toBe(404);
    for (const path of ['/_hm/my-endpoint/blue', '/_hm/mirrored/_mirror', '/_hm/staged/pending']) {
      const internal = await request(`${plainUrl}${path}`, { method: 'POST', body: '{}' });
      expect(internal.status).toBe(404);
      expect(JSON.parse(internal.body).error.code).toBe('NotFound');
    }
    // Nor through the header: it only names deployments.
    const viaHeader = await score('mirrored', { authorization: `Bearer ${MIRROR_KEY}`, 'azureml-model-deployment': '_mirror' });
    expect(JSON.parse(viaHeader.body).error.code).toBe('DeploymentNotFound');
  });

  describe('TLS', () => {
    let caPem: string;
    beforeAll(() => {
      caPem = pki.root.certPem;
    });

    it('serves scoring over TLS 1.2 and TLS 1.3 with the uploaded chain', async () => {
      // Our CA is not in Node's default trust store: without it the handshake fails, so the chain is really checked.
      const untrusted = await score('my-endpoint', { authorization: `Bearer ${KEY1}` }, secureUrl).catch((e: Error) => e);
      expect(untrusted).toBeInstanceOf(Error);
      for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
        const r = await request(`${secureUrl}/api/v1/endpoint/my-endpoint/score`, {
          method: 'POST', headers: { authorization: `Bearer ${KEY1}` }, body: '{}', ca: caPem, minVersion: version, maxVersion: version, agent: false,
        });
        expect(r.status).toBe(200);
        expect(r.tlsProtocol).toBe(version);
      }
    });

    async function handshake(port: number, version: 'TLSv1.1' | 'TLSv1' ): Promise<string> {
      return new Promise((resolve) => {
        const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, minVersion: version, maxVersion: version, ciphers: 'DEFAULT:@SECLEVEL=0' });
        s.once('secureConnect', () => { const p = s.getProtocol() ?? 'unknown'; s.end(); resolve(p); });
        s.once('error', (e) => resolve(`refused: ${e.message}`));
      });
    }

    it('refuses TLS 1.1 and 1.0 — and a permissive control nginx shows this client could negotiate 1.1', async () => {
      const port = Number(new URL(secureUrl).port);
      expect(await handshake(port, 'TLSv1.1')).toMatch(/^refused/);
      expect(await handshake(port, 'TLSv1')).toMatch(/^refused/);

      // Control: same certificate, hand-written config allowing TLS 1.1. If this could not negotiate 1.1,
      // the refusal above would prove nothing about the rendered configuration.
      const [controlPort, controlHealthPort] = await Promise.all([freePort(), freePort()]);
      const prefix = join(dir, 'control');
      mkdirSync(join(prefix, 'run'), { recursive: true });
      writeFileSync(join(prefix, 'nginx.conf'), [
        'daemon off;', `pid ${prefix}/run/nginx.pid;`, 'error_log stderr warn;', 'events {}',
        'http {',
        `client_body_temp_path ${prefix}/run/cb; proxy_temp_path ${prefix}/run/p; fastcgi_temp_path ${prefix}/run/f; uwsgi_temp_path ${prefix}/run/u; scgi_temp_path ${prefix}/run/s;`,
        'access_log off;',
        `server { listen 127.0.0.1:${controlPort} ssl; ssl_certificate ${dir}/secure/tls/tls.crt; ssl_certificate_key ${dir}/secure/tls/tls.key;`,
        '  ssl_protocols TLSv1.1 TLSv1.2; ssl_ciphers DEFAULT:@SECLEVEL=0; return 200; }',
        `server { listen 127.0.0.1:${controlHealthPort}; location = /healthz { return 200; } }`,
        '}',
      ].join('\n'));
      const control = await startNginx({ nginx, prefix, conf: join(prefix, 'nginx.conf'), healthUrl: `http://127.0.0.1:${controlHealthPort}/healthz` });
      started.push(control);
      expect(await handshake(controlPort, 'TLSv1.1')).toBe('TLSv1.1');
    });

    it('reloads a rotated certificate without dropping requests', async () => {
      const before = await request(`${secureUrl}/healthz`, { ca: caPem, agent: false });
      expect(before.peerFingerprint256).toBe(new X509Certificate(leaf.certPem).fingerprint256);
      const rotated = pki.issue('router-rotated', { cn: 'localhost', sans: ['DNS:localhost', 'IP:127.0.0.1'] });
      const rotatedFingerprint = new X509Certificate(rotated.certPem).fingerprint256;

      let stop = false;
      const statuses: (number | string)[] = [];
      const load = (async () => {
        while (!stop) {
          const r = await request(`${secureUrl}/api/v1/endpoint/my-endpoint/score`, {
            method: 'POST', headers: { authorization: `Bearer ${KEY1}` }, body: '{}', ca: caPem, agent: false,
          }).catch((e: Error) => ({ status: e.message }));
          statuses.push(r.status);
        }
      })();

      await new Promise((r) => setTimeout(r, 200));
      writeFileSync(join(dir, 'secure', 'tls', 'tls.crt'), fullChain(pki, rotated));
      copyFileSync(rotated.keyFile, join(dir, 'secure', 'tls', 'tls.key'));
      secure.reload();

      let served: string | undefined;
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        served = (await request(`${secureUrl}/healthz`, { ca: caPem, agent: false })).peerFingerprint256;
        if (served === rotatedFingerprint) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 300));
      stop = true;
      await load;

      expect(served).toBe(rotatedFingerprint);
      expect(statuses.length).toBeGreaterThan(5);
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
    });
  });

  it('logged no configuration warnings', () => {
    for (const n of [plain, secure]) {
      expect(n.log()).not.toMatch(/\[(warn|emerg|alert|crit)\]/);
    }
  });
});

