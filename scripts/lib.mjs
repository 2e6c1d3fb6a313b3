// Shared helpers for the project's scripts (demo, test, e2e): dependency install, builds with a source
// hash cache, free ports, system packages, process groups. Plain Node ESM: runs before node_modules exists.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function log(scope, msg) {
  process.stdout.write(`[${scope}] ${msg}\n`);
}

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT, ...opts, env: { ...process.env, ...(opts.env ?? {}) } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/** npm ci when node_modules is missing or older than package-lock.json. */
export function ensureDeps() {
  const marker = path.join(ROOT, 'node_modules', '.package-lock.json');
  const lock = path.join(ROOT, 'package-lock.json');
  if (fs.existsSync(marker) && fs.statSync(marker).mtimeMs >= fs.statSync(lock).mtimeMs) return;
  log('deps', 'installing dependencies (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

/** Debian packages by binary: installs with apt-get when the binary is missing. */
export function ensureAptBinary(binary, pkg) {
  if (fs.existsSync(binary)) return;
  log('deps', `installing ${pkg} with apt-get (${binary} missing)…`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', pkg], { env });
  if (!fs.existsSync(binary)) throw new Error(`${pkg} installed but ${binary} is still missing`);
}

export const CHROMIUM = '/usr/bin/chromium';
export const ensureChromium = () => ensureAptBinary(CHROMIUM, 'chromium');

function listSources() {
  const out = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  return out
    .split('\n')
    .filter((f) => f && /^(app|components|lib|server|public)\/|^(next\.config\.js|package-lock\.json|postcss\.config\.mjs|tsconfig\.json|instrumentation\.ts|proxy\.ts)$/.test(f))
    .filter((f) => !/\.test\.ts$/.test(f))
    .sort();
}

/** Hash of everything a production build depends on. */
export function sourceHash() {
  const h = createHash('sha256');
  for (const f of listSources()) {
    const p = path.join(ROOT, f);
    if (!fs.existsSync(p)) continue;
    h.update(f).update('\0').update(fs.readFileSync(p)).update('\0');
  }
  return h.digest('hex');
}

/** `next build` into distDir unless a build of the same sources is already there. */
export function ensureBuild(distDir = '.next') {
  const stamp = path.join(ROOT, distDir, 'HARBORMASTER_BUILD_HASH');
  const hash = sourceHash();
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash && fs.existsSync(path.join(ROOT, distDir, 'BUILD_ID'))) {
    log('build', `production build in ${distDir} is up to date`);
    return;
  }
  log('build', `building the console (next build → ${distDir}; a cold build takes 1–3 minutes)…`);
  run('npx', ['next', 'build'], { env: { HARBORMASTER_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: '1' } });
  fs.writeFileSync(stamp, hash);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function waitFor(fn, { timeoutMs = 120_000, intervalMs = 300, what = 'condition' } = {}) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await fn()) return;
    } catch (e) {
      if (e?.fatal) throw e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Starts the console's production server (server.mjs: Next's handler behind a server that knows the client's
 * address) on 127.0.0.1:port with the given env; resolves once /api/health/ready answers 200.
 */
export async function startConsole({ port, env, distDir = '.next', logFile, onLine }) {
  const child = spawn(process.execPath, [path.join(ROOT, 'server.mjs'), '-p', String(port), '-H', '127.0.0.1'], {
    cwd: ROOT,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', HARBORMASTER_DIST_DIR: distDir, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : null;
  const feed = (buf) => {
    out?.write(buf);
    if (onLine) for (const l of buf.toString().split('\n')) if (l) onLine(l);
  };
  child.stdout.on('data', feed);
  child.stderr.on('data', feed);
  let exited = null;
  child.on('exit', (code) => (exited = code));
  await waitFor(
    async () => {
      if (exited !== null) throw Object.assign(new Error(`the console exited with code ${exited}${logFile ? `; see ${logFile}` : ''}`), { fatal: true });
      const r = await fetch(`http://127.0.0.1:${port}/api/health/ready`);
      if (r.status === 200) return true;
      const body = await r.json().catch(() => ({}));
      if (body?.checks?.bootstrap === 'failed') throw Object.assign(new Error(`the console failed to start: ${body.checks.error}`), { fatal: true });
      return false;
    },
    { timeoutMs: 600_000, what: 'the console to become ready' },
  ).catch((e) => {
    child.kill('SIGTERM');
    throw e;
  });
  return child;
}

export function stopChild(child, signal = 'SIGTERM', graceMs = 10_000) {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill(signal);
  });
}
