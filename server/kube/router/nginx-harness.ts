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
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));

  const deadline = Date.now() + 10_000;
  for (;;) {
    if (exited) throw new Error(`nginx exited at start:\n${stderr}`);
    try {
      const r = await request(opts.healthUrl, { timeoutMs: 1000 });
      if (r.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not answer ${opts.healthUrl} within 10 s:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    process: child,
    log: () => stderr,
    reload: () => {
      execFileSync(opts.nginx, ['-p', opts.prefix, '-c', opts.conf, '-e', 'stderr', '-s', 'reload'], { stdio: 'pipe' });
    },
    stop: async () => {
      if (exited) return;
      child.kill('SIGQUIT'); // graceful shutdown of the master we started, which ends its workers
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(timer);
    },
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
