// A cached Python virtualenv with the official Azure ML SDK, for the differential tests (`sdk` project).
// Built once into ~/.cache/harbormaster/aml-sdk-venv-<version> (a `.ready` marker makes the cache
// trustworthy: a half-built venv from an interrupted run is rebuilt, never used). Installing needs the Python
// package index; when it cannot be reached the caller skips — unless CI=true, where that is a failure.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const AML_SDK_VERSION = '1.35.2';
export const LOAD_JOBS_SCRIPT = fileURLToPath(new URL('./load_jobs.py', import.meta.url));
export const LOAD_MODELS_SCRIPT = fileURLToPath(new URL('./load_models.py', import.meta.url));

export type SdkVenv = { ok: true; python: string; dir: string } | { ok: false; unreachable: boolean; reason: string };

const NETWORK_ERRORS = [
  /Failed to establish a new connection/i,
  /Temporary failure in name resolution/i,
  /Name or service not known/i,
  /Network is unreachable/i,
  /Connection refused/i,
  /timed out/i,
  /No matching distribution found/i,
  /Could not find a version that satisfies/i,
  /ProxyError|SSLError|ConnectionError/i,
];

function run(cmd: string, args: string[], timeoutMs: number) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' } });
  return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, error: r.error };
}

export function ensureSdkVenv(): SdkVenv {
  const dir = join(homedir(), '.cache', 'harbormaster', `aml-sdk-venv-${AML_SDK_VERSION}`);
  const python = join(dir, 'bin', 'python');
  if (existsSync(join(dir, '.ready')) && existsSync(python)) return { ok: true, python, dir };

  const python3 = process.env.PYTHON ?? 'python3';
  const tmp = `${dir}.building-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(dir, '..'), { recursive: true });
  const venv = run(python3, ['-m', 'venv', tmp], 120_000);
  if (venv.code !== 0) return { ok: false, unreachable: false, reason: `python3 -m venv failed: ${venv.error?.message ?? venv.out}` };
  const pip = run(join(tmp, 'bin', 'pip'), ['install', '--quiet', `azure-ai-ml==${AML_SDK_VERSION}`], 900_000);
  if (pip.code !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    const unreachable = NETWORK_ERRORS.some((re) => re.test(pip.out)) || pip.error !== undefined;
    return { ok: false, unreachable, reason: `pip install azure-ai-ml==${AML_SDK_VERSION} failed: ${(pip.error?.message ?? pip.out).slice(-2000)}` };
  }
  writeFileSync(join(tmp, '.ready'), `azure-ai-ml==${AML_SDK_VERSION}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return { ok: true, python, dir };
}

/**
 * For a test that drives the SDK: the venv's python, or why the test skips (the package index cannot be reached and
 * CI is not set); any other failure, or an unreachable index under CI=true, throws.
 */
export function sdkPythonOrSkip(): { python: string; skipReason?: undefined } | { python?: undefined; skipReason: string } {
  const venv = ensureSdkVenv();
  if (venv.ok) return { python: venv.python };
  if (!venv.unreachable || process.env.CI === 'true') throw new Error(venv.reason);
  return { skipReason: `the Python package index cannot be reached: ${venv.reason}` };
}

export interface SdkVerdict {
  file: string;
  accepted: boolean;
  error: string | null;
  paths: string[];
}

function runLoader(script: string, python: string, files: string[], workDir: string): { version: string; results: SdkVerdict[] } {
  const list = join(workDir, 'files.txt');
  writeFileSync(list, files.join('\n') + '\n');
  const r = spawnSync(python, [script, list], { encoding: 'utf8', timeout: 600_000, maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`${basename(script)} failed (${r.status}): ${r.stderr}`);
  const parsed = JSON.parse(r.stdout) as { sdk_version: string; results: SdkVerdict[] };
  return { version: parsed.sdk_version, results: parsed.results };
}

/** Runs load_jobs.py once over all files (job YAML: load_job and the checks before submission). */
export function sdkVerdicts(python: string, files: string[], workDir: string): { version: string; results: SdkVerdict[] } {
  return runLoader(LOAD_JOBS_SCRIPT, python, files, workDir);
}

/** Runs load_models.py once over all files (model YAML: load_model and create_or_update's local checks). */
export function sdkModelVerdicts(python: string, files: string[], workDir: string): { version: string; results: SdkVerdict[] } {
  return runLoader(LOAD_MODELS_SCRIPT, python, files, workDir);
}
