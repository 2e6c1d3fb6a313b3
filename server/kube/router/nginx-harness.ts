import 'server-only';
// Test support: runs a real nginx as a plain foreground process on loopback with everything (config, pid, temp
// files, keys, certificates) under one temp prefix, so it runs as root without touching /var or /etc, plus
// small HTTP(S) client helpers. Not used by the application.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import http from 'node:http';
import https from 'node:https';

export interface RunningNginx {
  process: ChildProcess;
  /** Everything nginx wrote to stderr so far (error_log stderr). */
  log(): string;
  /** `nginx -s reload` against this instance (reads its pid file). */
  reload(): void;
  stop(): Promise<void>;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startNginx(opts: { nginx: string; prefix: string; conf: string; healthUrl: string }): Promise<RunningNginx> {
  execFileSync(opts.nginx, ['-t', '-q', '-p', opts.prefix, '-c', opts.conf, '-e', 'stderr'], { stdio: 'pipe' });
  const child = spawn(opts.nginx, ['-p', opts.prefix, '-c', opts.conf, '-e', 'stderr'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const running = await untilHealthy(child, opts.healthUrl, 'nginx', 'SIGQUIT');
  return {
    ...running,
    reload: () => {
      execFileSync(opts.nginx, ['-p', opts.prefix, '-c', opts.conf, '-e', 'stderr', '-s', 'reload'], { stdio: 'pipe' });
    },
  };
}

export interface RunningReloader extends Omit<RunningNginx, 'reload'> {
  /** Resolves with the script's exit code once it has exited. */
  exitCode: Promise<number | null>;
}

/**
 * Runs the router's entrypoint script (ROUTER_RELOADER_SCRIPT) with `sh`, as the container does, on loopback
 * paths: it starts nginx as its child and reloads it when a watched path changes. stop() sends SIGTERM to the
 * script, which must pass it on to nginx as a graceful QUIT and exit with nginx.
 */
export async function startReloader(opts: {
  script: string; nginx: string; prefix: string; conf: string; watch: string[]; healthUrl: string; pollSeconds?: number;
  /** A directory searched first for `sh` and the tools the script calls (e.g. busybox applets, as in the image). */
  binDir?: string;
}): Promise<RunningReloader> {
  const path = process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin';
  // Only what the script reads (NodeJS.ProcessEnv is augmented to require NODE_ENV, which it does not).
  const env = {
    PATH: opts.binDir ? `${opts.binDir}:${path}` : path,
    ROUTER_CONF: opts.conf,
    ROUTER_WATCH: opts.watch.join(' '),
    ROUTER_POLL_SECONDS: String(opts.pollSeconds ?? 1),
    ROUTER_NGINX: opts.nginx,
    ROUTER_NGINX_PREFIX: opts.prefix,
  } as unknown as NodeJS.ProcessEnv;
  const child = spawn(opts.binDir ? `${opts.binDir}/sh` : 'sh', ['-c', opts.script, 'router-reloader'], { stdio: ['ignore', 'ignore', 'pipe'], env });
  const exitCode = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { ...(await untilHealthy(child, opts.healthUrl, 'the reloader script', 'SIGTERM')), exitCode };
}

/** Collects stderr, waits until healthUrl answers 200 (10 s at most), and offers a graceful stop (stopSignal: SIGQUIT for nginx, SIGTERM for the script). */
async function untilHealthy(child: ChildProcess, healthUrl: string, what: string, stopSignal: NodeJS.Signals): Promise<Omit<RunningNginx, 'reload'>> {
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));

  const deadline = Date.now() + 10_000;
  for (;;) {
    if (exited) throw new Error(`${what} exited at start:\n${stderr}`);
    try {
      const r = await request(healthUrl, { timeoutMs: 1000 });
      if (r.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${what} did not answer ${healthUrl} within 10 s:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    process: child,
    log: () => stderr,
    stop: async () => {
      if (exited) return;
      // Graceful shutdown of what we started: nginx's master ends its workers; the script passes SIGTERM on as QUIT.
      child.kill(stopSignal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(timer);
    },
  };
}

export interface ModelServer {
  name: string;
  port: number;
  hits: { url: string; authorization?: string; requestId?: string; body: string }[];
  close(): Promise<void>;
}

/** A stand-in model server answering {"deployment": name}; `delayMs` makes it slow. */
export async function modelServer(name: string, delayMs = 0): Promise<ModelServer> {
  const hits: ModelServer['hits'] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      hits.push({ url: req.url ?? '', authorization: req.headers.authorization, requestId: req.headers['x-request-id'] as string | undefined, body });
      const answer = () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ deployment: name }));
      };
      if (delayMs) {
        const t = setTimeout(() => { timers.delete(t); answer(); }, delayMs);
        timers.add(t);
      } else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    name,
    port: (server.address() as { port: number }).port,
    hits,
    close: () => new Promise((r) => { timers.forEach(clearTimeout); server.closeAllConnections(); server.close(() => r()); }),
  };
}

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** For HTTPS: the protocol negotiated and the server certificate's fingerprint. */
  tlsProtocol?: string | null;
  peerFingerprint256?: string;
}

export function request(
  url: string,
  opts: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    timeoutMs?: number;
    /** false: a fresh connection for this request only. */
    agent?: http.Agent | false;
    ca?: string;
    minVersion?: 'TLSv1.2' | 'TLSv1.3';
    maxVersion?: 'TLSv1.2' | 'TLSv1.3';
    servername?: string;
  } = {},
): Promise<HttpResult> {
  const u = new URL(url);
  const isHttps = u.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (isHttps ? https : http).request(
      u,
      {
        method: opts.method ?? 'GET',
        headers: opts.headers,
        agent: opts.agent,
        ...(isHttps ? { ca: opts.ca, minVersion: opts.minVersion, maxVersion: opts.maxVersion, servername: opts.servername } : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => {
          const sock = res.socket as import('node:tls').TLSSocket;
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            ...(isHttps ? { tlsProtocol: sock.getProtocol?.(), peerFingerprint256: sock.getPeerCertificate?.()?.fingerprint256 } : {}),
          });
        });
      },
    );
    req.setTimeout(opts.timeoutMs ?? 10_000, () => req.destroy(new Error(`timeout after ${opts.timeoutMs ?? 10_000} ms: ${url}`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}
