// Fuzz (issue 18): router configs rendered from generated endpoints (arbitrary valid names, keys, weights,
// timeouts, paths, plain HTTP or TLS) pass `nginx -t` on the real nginx. The generator is shared with the unit
// fuzz and the bench (test/fuzz/properties.ts); seeded, so a failure reproduces.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ensureNginx } from '@/test/ensure-nginx';
import { renderRouterConfig, type RenderRouterInput } from '@/server/kube/router/nginx-config';
import { freePort } from '@/server/kube/router/nginx-harness';
import { FUZZ_SEED, renderableEndpointsArb } from './properties';
import { FUZZ_CERT_PEM, FUZZ_KEY_PEM } from './pem-seeds';

const nginxAvailable = ensureNginx();
if (!nginxAvailable.ok) console.warn(`skipping the router fuzz on nginx: ${nginxAvailable.reason}`);

const RUNS = Number(process.env.FUZZ_NGINX_RUNS ?? 60);

describe.skipIf(!nginxAvailable.ok)('fuzz: rendered router configs pass nginx -t', () => {
  const nginx = nginxAvailable.ok ? nginxAvailable.nginx : '';
  let dir: string;
  let ports: number[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hm-router-fuzz-'));
    mkdirSync(join(dir, 'tls'));
    writeFileSync(join(dir, 'tls', 'tls.crt'), FUZZ_CERT_PEM);
    writeFileSync(join(dir, 'tls', 'tls.key'), FUZZ_KEY_PEM, { mode: 0o600 });
    ports = [await freePort(), await freePort()];
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`${RUNS} generated endpoint sets render into configs nginx accepts`, () => {
    let n = 0;
    fc.assert(
      fc.property(renderableEndpointsArb, fc.boolean(), fc.option(fc.constantFrom('1m', '100m', '0', '2g'), { nil: undefined }), (endpoints, useTls, clientMaxBodySize) => {
        const prefix = join(dir, `c${n++}`);
        mkdirSync(join(prefix, 'run'), { recursive: true });
        mkdirSync(join(prefix, 'keys'), { recursive: true });
        const input: RenderRouterInput = {
          endpoints,
          listen: useTls ? { https: `127.0.0.1:${ports[0]}`, health: `127.0.0.1:${ports[1]}` } : { http: `127.0.0.1:${ports[0]}`, health: `127.0.0.1:${ports[1]}` },
          ...(useTls ? { tls: { certFile: join(dir, 'tls', 'tls.crt'), keyFile: join(dir, 'tls', 'tls.key') } } : {}),
          paths: { runDir: join(prefix, 'run'), secretDir: join(prefix, 'keys') },
          clientMaxBodySize,
          accessLog: false,
          workerProcesses: 1,
        };
        const rendered = renderRouterConfig(input);
        for (const [file, content] of Object.entries(rendered.secretFiles)) writeFileSync(join(prefix, 'keys', file), content);
        writeFileSync(join(prefix, 'nginx.conf'), rendered.nginxConf);
        const r = spawnSync(nginx, ['-t', '-q', '-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', 'stderr'], { encoding: 'utf8', timeout: 20_000 });
        if (r.status !== 0) throw new Error(`nginx -t refused ${prefix}/nginx.conf (status ${r.status}):\n${r.stderr}`);
      }),
      { numRuns: RUNS, seed: FUZZ_SEED, endOnFailure: true },
    );
    expect(n).toBe(RUNS);
  });
});
