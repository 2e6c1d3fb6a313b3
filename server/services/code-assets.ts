import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db';
import { codeAssets } from '../db/schema';
import { env } from '../env';
import { AppError } from '../errors';
import { secretKey } from '../secrets';
import type { MultipartBody } from '../http/multipart';
import { isGzip, isZip, normalizeRelativePath, packTarGz, readTarGz, readZip, sha256Hex, type ArchiveFile } from './code-assets-archive';

// Code that comes with a job, and local input files (Azure ML's `code: ./src`, `inputs.x.path: ./data.csv`).
//
// Upload (multipart/form-data, with the job or on its own):
//   files   one part per file; its file name is the path relative to the job file's folder, as a browser
//           sends a picked or dropped folder (`src/train.py`); a `paths` field (JSON list, same order) may
//           carry the paths instead when a client cannot put "/" in file names;
//   code    one zip or tar.gz archive: the contents of the code folder (a single top folder named like the
//           code folder is stripped, so zipping the folder itself works too).
// The code folder becomes a deterministic gzip tarball stored content-addressed under
// <HARBORMASTER_DATA_DIR>/code/<sha256> (uploaded input files are stored the same way, as they are). Pods
// fetch it over HTTPS from GET /api/v1/code/<sha256> with a short-lived token bound to their job (an HMAC
// under the console's secret key; the token sits in a Secret next to the Job).

export type { ArchiveFile } from './code-assets-archive';

export interface Upload {
  /** Loose files, paths relative to the job file's folder. */
  files: ArchiveFile[];
  /** An archive of the code folder's contents. */
  codeArchive?: { name: string; data: Uint8Array };
  /** Entries skipped (links), for a warning. */
  skipped: string[];
}

export const EMPTY_UPLOAD: Upload = { files: [], skipped: [] };

/** Collects the files of a multipart body (see the header comment for the fields). */
export function uploadFromMultipart(body: MultipartBody): Upload {
  const loose = body.files.filter((f) => f.field === 'files' || f.field === 'file');
  let paths: string[] | undefined;
  const rawPaths = body.fields.paths?.[0];
  if (rawPaths !== undefined) {
    try {
      const v = JSON.parse(rawPaths) as unknown;
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) paths = v as string[];
    } catch {
      /* refused below */
    }
    if (!paths || paths.length !== loose.length) {
      throw new AppError('bad_request', `paths: must be a JSON list of ${loose.length} relative paths, one per uploaded file`, {
        fieldErrors: [{ path: 'paths', message: `must list ${loose.length} relative paths` }],
      });
    }
  }
  const files: ArchiveFile[] = [];
  const seen = new Set<string>();
  loose.forEach((f, i) => {
    const norm = normalizeRelativePath(paths?.[i] ?? f.filename);
    if (!norm.ok) throw new AppError('bad_request', `files: ${norm.message}`, { fieldErrors: [{ path: 'files', message: norm.message }] });
    if (!norm.path || seen.has(norm.path)) return;
    seen.add(norm.path);
    files.push({ path: norm.path, data: Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength) });
  });
  const archives = body.files.filter((f) => f.field === 'code');
  if (archives.length > 1) throw new AppError('bad_request', 'code: send one archive', { fieldErrors: [{ path: 'code', message: 'send one archive' }] });
  const unknown = body.files.filter((f) => !['files', 'file', 'code'].includes(f.field));
  if (unknown.length) {
    const field = unknown[0].field;
    throw new AppError('bad_request', `${field}: unknown upload field; send files (one part per file) or code (a zip or tar.gz)`, {
      fieldErrors: [{ path: field, message: 'unknown upload field' }],
    });
  }
  return { files, codeArchive: archives[0] ? { name: archives[0].filename, data: archives[0].data } : undefined, skipped: [] };
}

/** Reads an uploaded code archive (zip or tar.gz, by content). */
export function readCodeArchive(a: { name: string; data: Uint8Array }): { files: ArchiveFile[]; skipped: string[] } {
  if (isZip(a.data)) return readZip(a.data, 'code');
  if (isGzip(a.data) || /\.tar$/i.test(a.name)) return readTarGz(a.data, 'code');
  throw new AppError('bad_request', `code: "${a.name}" is neither a zip nor a tar.gz archive`, { fieldErrors: [{ path: 'code', message: 'not a zip or tar.gz archive' }] });
}

function stripPrefix(files: ArchiveFile[], prefix: string): ArchiveFile[] {
  return files.filter((f) => f.path.startsWith(prefix)).map((f) => ({ ...f, path: f.path.slice(prefix.length) }));
}

const basename = (p: string) => p.split('/').filter(Boolean).pop() ?? '';

/**
 * The files of the code folder `codePath` (as written in the job: `src`, `./src`, `../src`, `.`) in an
 * upload, relative to that folder; empty when the upload does not hold it.
 */
export function codeFilesFor(upload: Upload, codePath: string): ArchiveFile[] {
  const cp = codePath.replace(/\\/g, '/').split('/').filter((s) => s && s !== '.').join('/');
  const base = basename(cp.replace(/^(\.\.\/)+/, ''));
  if (upload.codeArchive) {
    const { files, skipped } = readCodeArchive(upload.codeArchive);
    upload.skipped.push(...skipped);
    const tops = new Set(files.map((f) => f.path.split('/')[0]));
    const single = tops.size === 1 && files.every((f) => f.path.includes('/'));
    return single && base && [...tops][0] === base ? stripPrefix(files, `${base}/`) : files;
  }
  if (cp === '') return upload.files;
  if (!cp.startsWith('../')) {
    const exact = stripPrefix(upload.files, `${cp}/`);
    if (exact.length) return exact;
  }
  // A folder picked or dropped on its own arrives as "<folder name>/…" whatever its path in the job file.
  return base ? stripPrefix(upload.files, `${base}/`) : [];
}

/** An uploaded file at `relPath` (a local input of the job), if any. */
export function inputFileFor(upload: Upload, relPath: string): ArchiveFile | undefined {
  const norm = normalizeRelativePath(relPath.startsWith('file:') ? relPath.slice(5) : relPath);
  if (!norm.ok) return undefined;
  return upload.files.find((f) => f.path === norm.path) ?? upload.files.find((f) => f.path === basename(norm.path) || f.path.endsWith(`/${norm.path}`));
}

/** Whether files under `relPath` (a folder) were uploaded. */
export function hasFolder(upload: Upload, relPath: string): boolean {
  const norm = normalizeRelativePath(relPath);
  return norm.ok && norm.path !== '' && upload.files.some((f) => f.path.startsWith(`${norm.path}/`));
}

// --- storage --------------------------------------------------------------------------------------

export function codeStoreDir(): string {
  return path.join(env().dataDir, 'code');
}

export function codeBlobPath(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new AppError('bad_request', 'not a sha256');
  return path.join(codeStoreDir(), sha256);
}

export interface StoredBlob {
  sha256: string;
  size: number;
  files: number;
}

/** A code snapshot (tarball) of `files`, not yet stored: its bytes and digest. */
export function snapshotOf(files: readonly ArchiveFile[]): { data: Buffer; blob: StoredBlob } {
  const data = packTarGz(files);
  return { data, blob: { sha256: sha256Hex(data), size: data.length, files: files.length } };
}

/** Writes a blob under its sha256 (once) and records it. */
export async function storeBlob(db: DbOrTx, data: Uint8Array, files = 1): Promise<StoredBlob> {
  const sha256 = sha256Hex(data);
  const file = codeBlobPath(sha256);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // Write aside and rename: a reader never sees half a blob, and two writers of one blob agree.
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(tmp, data, { mode: 0o600 });
    fs.renameSync(tmp, file);
  }
  await db.insert(codeAssets).values({ sha256, size: data.byteLength, files, path: path.join('code', sha256) }).onConflictDoNothing();
  return { sha256, size: data.byteLength, files };
}

export async function getCodeAsset(db: DbOrTx, sha256: string) {
  const [row] = await db.select().from(codeAssets).where(eq(codeAssets.sha256, sha256)).limit(1);
  return row;
}

// --- fetch tokens ---------------------------------------------------------------------------------

/**
 * How long a pod may fetch its job's files. The token is only used when a pod starts (init container); a job
 * that waits longer in the queue gets a fresh token from the job runner.
 */
export const CODE_TOKEN_TTL_SECONDS = 24 * 3600;
const TOKEN_PREFIX = 'hmc1';

function tokenKey(): Buffer {
  // A key of its own, derived from the secret key, so these tokens cannot be confused with other MACs.
  return createHmac('sha256', secretKey()).update('harbormaster code-fetch token v1').digest();
}

function sign(jobId: string, exp: number): string {
  return createHmac('sha256', tokenKey()).update(`${jobId}.${exp}`).digest('base64url');
}

/** A token that lets the pods of job `jobId` fetch that job's files until `now + ttl`. */
export function issueFetchToken(jobId: string, now = Date.now(), ttlSeconds = CODE_TOKEN_TTL_SECONDS): string {
  const exp = Math.floor(now / 1000) + ttlSeconds;
  return `${TOKEN_PREFIX}.${jobId}.${exp}.${sign(jobId, exp)}`;
}

export type FetchTokenCheck = { ok: true; jobId: string; expiresAt: Date } | { ok: false; reason: string };

export function verifyFetchToken(token: string, now = Date.now()): FetchTokenCheck {
  const m = /^hmc1\.([0-9a-f-]{36})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return { ok: false, reason: 'not a code fetch token' };
  const [, jobId, expText, sig] = m;
  const exp = Number(expText);
  const want = Buffer.from(sign(jobId, exp));
  const got = Buffer.from(sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return { ok: false, reason: 'the token is not valid' };
  if (exp * 1000 < now) return { ok: false, reason: 'the token has expired' };
  return { ok: true, jobId, expiresAt: new Date(exp * 1000) };
}
