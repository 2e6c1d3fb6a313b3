// Runs a snippet of Python with the official azure-ai-ml SDK against Harbormaster's /arm/ API (test/arm/mlclient.py
// builds the MLClient). The venv is test/aml-sdk/sdk-venv.ts's (cached); returns what the snippet emit()s, or
// {exception, message} when the SDK raised.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MLCLIENT = fileURLToPath(new URL('./mlclient.py', import.meta.url));

export interface SdkTarget {
  python: string;
  /** https://127.0.0.1:port/arm/ */
  arm: string;
  caFile: string;
  token: string;
  workspace: string;
}

export async function runSdk<T = any>(t: SdkTarget, script: string, timeoutMs = 120_000): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'hm-sdk-'));
  const file = join(dir, 'snippet.py');
  writeFileSync(file, script);
  try {
    const out = await runPython(t.python, [MLCLIENT, file], {
      env: { ...process.env, HM_ARM: t.arm, HM_TOKEN: t.token, HM_WORKSPACE: t.workspace, REQUESTS_CA_BUNDLE: t.caFile, AZURE_ML_CLI_PRIVATE_FEATURES_ENABLED: 'false', PYTHONUNBUFFERED: '1' },
      cwd: dir,
      timeoutMs,
    });
    const i = out.stdout.lastIndexOf('@@RESULT@@');
    if (i < 0) throw new Error(`the SDK snippet printed no result (exit ${out.code}):\n${out.stdout.slice(-3000)}\n${out.stderr.slice(-3000)}`);
    return JSON.parse(out.stdout.slice(i + '@@RESULT@@'.length).trim().split('\n')[0]) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs python without blocking the event loop (the /arm/ server under test answers in this process). */
export function runPython(python: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd: string; timeoutMs?: number }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(python, args, { env: opts.env, cwd: opts.cwd });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
