// The router's entrypoint script (ROUTER_RELOADER_SCRIPT, the very text the pod runs) with a real nginx on
// loopback: configuration, traffic and key changes are reloaded in place under load, without a failed request;
// a configuration nginx refuses leaves the previous one serving; SIGTERM drains nginx and ends the script.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureNginx } from '@/test/ensure-nginx';
import { renderRouterConfig, type RouterEndpoint } from './nginx-config';
import { freePort, modelServer, request, startReloader, type HttpResult, type ModelServer, type RunningReloader } from './nginx-harness';
import { ROUTER_RELOADER_SCRIPT } from './reloader';

const nginxAvailable = ensureNginx();
if (!nginxAvailable.ok) console.warn(`skipping router reloader tests: ${nginxAvailable.reason}`);

const KEY = 'reloadKey-0123456789abcdefABCDEF';
const NEW_KEY = 'rotatedKey-0123456789abcdefABCDE';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The image (nginx:*-alpine) runs the script with busybox sh, md5sum, sleep, tr: use busybox's too when it is installed. */
function busyboxBin(dir: string): string | undefined {
  let busybox: string;
  try {
    busybox = execFileSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
  const bin = join(dir, 'busybox-bin');
  mkdirSync(bin);
  for (const applet of ['sh', 'md5sum', 'sleep', 'tr', 'cat']) symlinkSync(busybox, join(bin, applet));
  return bin;
}

/**
 * A directory laid out like a kubelet ConfigMap/Secret volume: the files are symlinks through `..data`, which
 * points at a timestamped directory; an update writes a new directory and renames a new `..data` over the old
 * one (atomic), then removes the old directory.
 */
class KubeletVolume {
  private generation = 0;
  private current?: string;
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }
  write(files: Record<string, string>): void {
    const gen = `..2026_12_04_00_00_${String(++this.generation).padStart(2, '0')}.${process.pid}`;
    mkdirSync(join(this.dir, gen));
    for (const [name, content] of Object.entries(files)) writeFileSync(join(this.dir, gen, name), content);
    symlinkSync(gen, join(this.dir, '..data_tmp'));
    renameSync(join(this.dir, '..data_tmp'), join(this.dir, '..data'));
    for (const name of Object.keys(files)) if (!existsSync(join(this.dir, name))) symlinkSync(join('..data', name), join(this.dir, name));
    if (this.current) rmSync(join(this.dir, this.current), { recursive: true, force: true });
    this.current = gen;
  }
}

describe.skipIf(!nginxAvailable.ok)('router reloader script with a real nginx', () => {
  const nginx = nginxAvailable.ok ? nginxAvailable.nginx : '';
  let dir: string;
  let blue: ModelServer, green: ModelServer, slow: ModelServer;
  let binDir: string | undefined;
  const running: RunningReloader[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hm-reloader-'));
    chmodSync(dir, 0o755); // nginx workers drop root privileges and must reach the temp paths
    binDir = busyboxBin(dir);
    console.log(`reloader script runs with ${binDir ? 'busybox sh and applets, as in the image' : 'the system sh (busybox is not installed)'}`);
    [blue, green, slow] = await Promise.all([modelServer('blue'), modelServer('green'), modelServer('slow', 800)]);
  });

  afterAll(async () => {
    await Promise.all(running.map((r) => r.stop()));
    await Promise.all([blue, green, slow].filter(Boolean).map((s) => s.close()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** One router instance: rendered files under `name`, ports, and a render function for its endpoints. */
  async function instance(name: string) {
    const prefix = join(dir, name);
    mkdirSync(join(prefix, 'run'), { recursive: true });
    const [port, healthPort] = await Promise.all([freePort(), freePort()]);
    const render = (endpoints: RouterEndpoint[]) => renderRouterConfig({
      endpoints,
      listen: { http: `127.0.0.1:${port}`, health: `127.0.0.1:${healthPort}` },
      paths: { runDir: join(prefix, 'run'), secretDir: join(prefix, 'keys') },
      accessLog: false,
      workerProcesses: 1,
    });
    return { prefix, url: `http://127.0.0.1:${port}`, healthUrl: `http://127.0.0.1:${healthPort}/healthz`, render };
  }

  const split = (blueWeight: number, key = KEY): RouterEndpoint[] => [{
    name: 'ep',
    keys: [key],
    timeoutMs: 5000,
    deployments: [
      { name: 'blue', upstream: `127.0.0.1:${blue.port}`, weight: blueWeight },
      { name: 'green', upstream: `127.0.0.1:${green.port}`, weight: 100 - blueWeight },
      { name: 'slow', upstream: `127.0.0.1:${slow.port}`, weight: 0 },
    ],
  }];

  const score = (url: string, key = KEY, headers: Record<string, string> = {}): Promise<HttpResult> =>
    request(`${url}/api/v1/endpoint/ep/score`, { method: 'POST', headers: { authorization: `Bearer ${key}`, ...headers }, body: '{"data":[1]}', agent: false, timeoutMs: 5000 });

  /** Polls `probe` every 50 ms until it holds; returns the time it took. */
  async function within(ms: number, what: string, probe: () => Promise<boolean>): Promise<number> {
    const t0 = Date.now();
    while (!(await probe())) {
      if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms: ${what}`);
      await sleep(50);
    }
    return Date.now() - t0;
  }

  it('switches traffic 100/0 → 0/100 under steady load without a failed request', async () => {
    const inst = await instance('load');
    mkdirSync(join(inst.prefix, 'keys'));
    const conf = join(inst.prefix, 'nginx.conf');
    const write = (file: string, content: string) => { writeFileSync(`${file}.new`, content); renameSync(`${file}.new`, file); };
    const first = inst.render(split(100));
    write(join(inst.prefix, 'keys', 'endpoint-keys.map'), first.secretFiles['endpoint-keys.map']);
    write(conf, first.nginxConf);
    const router = await startReloader({ script: ROUTER_RELOADER_SCRIPT, binDir, nginx, prefix: inst.prefix, conf, watch: [conf, join(inst.prefix, 'keys')], healthUrl: inst.healthUrl });
    running.push(router);

    // 8 clients, a fresh connection per request, until ≥ 1500 requests were sent and 1.5 s after the switch were
    // seen. (With keep-alive, a request written onto an idle connection just as the old worker closes it fails:
    // nginx's graceful shutdown closes idle keep-alive connections, a race no reload can avoid.)
    const answers: { start: number; status: number | string; deployment?: string }[] = [];
    let switchedAt = 0;
    let firstGreen = 0;
    const done = () => answers.length >= 1500 && firstGreen > 0 && Date.now() > firstGreen + 1500;
    const client = async () => {
      while (!done()) {
        const start = Date.now();
        try {
          const r = await score(inst.url);
          const deployment = r.headers['azureml-model-deployment'] as string | undefined;
          answers.push({ start, status: r.status, deployment });
          if (deployment === 'green' && !firstGreen) firstGreen = Date.now();
        } catch (e) {
          answers.push({ start, status: (e as Error).message });
        }
        if (Date.now() - (switchedAt || start) > 15_000) throw new Error('the switch to green never showed');
      }
    };
    const t0 = Date.now();
    const load = Promise.all(Array.from({ length: 8 }, client));
    await sleep(1000);
    switchedAt = Date.now();
    write(conf, inst.render(split(0)).nginxConf);
    await load;
    const elapsed = Date.now() - t0;

    const failed = answers.filter((a) => a.status !== 200 || (a.deployment !== 'blue' && a.deployment !== 'green'));
    const before = answers.filter((a) => a.start < switchedAt);
    // nginx's master lets new workers start for 100 ms before it tells the old ones to quit; until then both
    // accept connections. Give them 500 ms.
    const settled = answers.filter((a) => a.start > firstGreen + 500);
    const lastBlue = Math.max(...answers.filter((a) => a.deployment === 'blue').map((a) => a.start));
    console.log(`reload under load: ${answers.length} requests in ${elapsed} ms by 8 clients, ${failed.length} failed; ` +
      `green first served ${firstGreen - switchedAt} ms after the config was written (poll 1 s + nginx -t + reload); ` +
      `${answers.filter((a) => a.deployment === 'blue').length} blue, ${answers.filter((a) => a.deployment === 'green').length} green; ` +
      `last blue request started ${lastBlue - firstGreen} ms after the first green answer`);
    expect(failed).toEqual([]);
    expect(answers.length).toBeGreaterThanOrEqual(1500);
    expect(before.length).toBeGreaterThan(50);
    expect(before.every((a) => a.deployment === 'blue')).toBe(true);
    expect(firstGreen - switchedAt).toBeLessThan(5000);
    expect(settled.length).toBeGreaterThan(50);
    expect(settled.filter((a) => a.deployment !== 'green')).toEqual([]);
    const after = await Promise.all(Array.from({ length: 20 }, () => score(inst.url)));
    expect(after.map((r) => r.headers['azureml-model-deployment'])).toEqual(Array(20).fill('green'));
    expect(router.log()).toContain('router-reloader: configuration changed: nginx reloaded');
  });

  it('follows kubelet-style ..data swaps of config and keys, refuses a broken config, and drains on SIGTERM', async () => {
    const inst = await instance('kubelet');
    const config = new KubeletVolume(join(inst.prefix, 'config'));
    const keys = new KubeletVolume(join(inst.prefix, 'keys'));
    const conf = join(inst.prefix, 'config', 'nginx.conf');
    const blueOnly = inst.render(split(100));
    config.write({ 'nginx.conf': blueOnly.nginxConf });
    keys.write(blueOnly.secretFiles);
    const router = await startReloader({
      script: ROUTER_RELOADER_SCRIPT, binDir, nginx, prefix: inst.prefix, conf, watch: [join(inst.prefix, 'config'), join(inst.prefix, 'keys')], healthUrl: inst.healthUrl,
    });
    running.push(router);
    const served = async (key = KEY) => (await score(inst.url, key)).headers['azureml-model-deployment'];
    expect(await served()).toBe('blue');

    // Traffic change: the ConfigMap volume swaps.
    const greenOnly = inst.render(split(0));
    config.write({ 'nginx.conf': greenOnly.nginxConf });
    const trafficMs = await within(5000, 'green served after the config swap', async () => (await served()) === 'green');

    // Key rotation: only the Secret volume swaps (nginx.conf is unchanged).
    const rotated = inst.render(split(0, NEW_KEY));
    expect(rotated.nginxConf).toBe(greenOnly.nginxConf);
    keys.write(rotated.secretFiles);
    const keyMs = await within(5000, 'the rotated key accepted', async () => (await score(inst.url, NEW_KEY)).status === 200);
    // nginx's master lets new workers start for 100 ms before it tells the old ones to quit; until then both accept.
    await within(2000, 'the old key refused', async () =>
      (await Promise.all(Array.from({ length: 10 }, () => score(inst.url, KEY)))).every((r) => r.status === 401));

    // A configuration nginx refuses: logged with nginx's reason; the previous one keeps serving.
    config.write({ 'nginx.conf': greenOnly.nginxConf.replace('server_tokens off;', 'server_tokens off;\n    no_such_directive on;') });
    await within(5000, 'the refusal logged', async () => router.log().includes('nginx -t refused it'));
    expect(router.log()).toMatch(/still serving the previous configuration: .*unknown directive "no_such_directive"/);
    await sleep(1200); // a poll later, nothing else happened
    const still = await Promise.all(Array.from({ length: 10 }, () => score(inst.url, NEW_KEY)));
    expect(still.map((r) => `${r.status} ${r.headers['azureml-model-deployment']}`)).toEqual(Array(10).fill('200 green'));
    // … and the next good configuration is picked up again.
    config.write({ 'nginx.conf': inst.render(split(100, NEW_KEY)).nginxConf });
    const recoverMs = await within(5000, 'blue served after the fix', async () => (await served(NEW_KEY)) === 'blue');
    console.log(`reloader: traffic swap served after ${trafficMs} ms, key swap after ${keyMs} ms, after a refused config the fix after ${recoverMs} ms (poll 1 s)`);

    // SIGTERM: the script passes a graceful QUIT to nginx, which finishes the request in flight, and exits with it.
    const master = Number(readFileSync(join(inst.prefix, 'run', 'nginx.pid'), 'utf8'));
    const inFlight = score(inst.url, NEW_KEY, { 'azureml-model-deployment': 'slow' });
    await sleep(200);
    await router.stop();
    expect(await router.exitCode).toBe(0);
    const r = await inFlight;
    expect([r.status, r.headers['azureml-model-deployment']]).toEqual([200, 'slow']);
    expect(() => process.kill(master, 0)).toThrow();
    expect(router.log()).toContain('router-reloader: nginx exited with status 0');
  });
});
