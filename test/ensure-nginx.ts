// Finds an nginx binary for the router tests, installing Debian's `nginx` package when it is missing and we are
// root on a Debian-like system (idempotent: apt-get does nothing when it is installed). Returns a skip reason
// instead when nginx cannot be had; under CI=true that is an error, so a green CI always ran the real nginx.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export type NginxAvailability = { ok: true; nginx: string; version: string } | { ok: false; reason: string };

const CANDIDATES = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx', '/usr/bin/nginx'];

function find(): string | undefined {
  const onPath = (() => {
    try {
      return execFileSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      return undefined;
    }
  })();
  return onPath ?? CANDIDATES.find((p) => existsSync(p));
}

function versionOf(nginx: string): string {
  // nginx -v prints to stderr.
  const r = spawnSync(nginx, ['-v'], { encoding: 'utf8' });
  return `${r.stderr ?? ''}${r.stdout ?? ''}`.trim();
}

function install(): string | undefined {
  if (process.getuid?.() !== 0) return 'nginx is not installed and installing it needs root (apt-get install -y nginx)';
  if (!existsSync('/usr/bin/apt-get')) return 'nginx is not installed and this system has no apt-get';
  // The package may start a system nginx on port 80 where no policy-rc.d forbids it; stop only one it started.
  const hadSystemPid = existsSync('/run/nginx.pid');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update'], { env, stdio: 'pipe', timeout: 300_000 });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'nginx'], { env, stdio: 'pipe', timeout: 300_000 });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    return `apt-get install nginx failed: ${err.stderr?.toString().trim().split('\n').slice(-3).join(' ') || err.message}`;
  }
  if (!hadSystemPid && existsSync('/run/nginx.pid')) {
    try {
      execFileSync('/usr/sbin/nginx', ['-s', 'quit'], { stdio: 'ignore' });
    } catch {
      /* it was not running after all */
    }
  }
  return undefined;
}

let cached: NginxAvailability | undefined;

/** Returns the nginx binary, installing it if needed. Throws under CI=true when nginx is unavailable. */
export function ensureNginx(): NginxAvailability {
  if (cached) return cached;
  let nginx = find();
  let reason: string | undefined;
  if (!nginx) {
    reason = install();
    nginx = reason ? undefined : find();
    if (!nginx && !reason) reason = 'nginx was installed but no nginx binary was found';
  }
  if (!nginx) {
    if (process.env.CI === 'true') throw new Error(`CI=true and the nginx router tests cannot run: ${reason}`);
    cached = { ok: false, reason: reason! };
    return cached;
  }
  cached = { ok: true, nginx, version: versionOf(nginx) };
  return cached;
}
