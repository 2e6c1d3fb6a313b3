import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db';
import { codeAssetWorkspaces, codeAssets } from '../db/schema';
import { env } from '../env';
import { AppError } from '../errors';
import { secretKey } from '../secrets';
import type { MultipartBody } from '../http/multipart';
import { ARCHIVE_LIMITS, bytesText, isGzip, isZip, normalizeRelativePath, packTarGz, readTarGz, readZip, sha256Hex, withArchiveSlot, type ArchiveCaps, type ArchiveFile } from './code-assets-archive';

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
// Caps (code-assets-archive.ts): an upload unpacks to at most HARBORMASTER_MAX_CODE_BYTES (100 MiB by default)
// in at most 20,000 entries, else 413 naming `code` or `files`; at most 4 uploads are unpacked or packed at
// once per console process (the 5th waits up to 10 s, then 429 with Retry-After).

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

/** Reads an uploaded code archive (zip or tar.gz, by content), holding one of the archive slots. */
export async function readCodeArchive(a: { name: string; data: Uint8Array }, caps?: Partial<ArchiveCaps>): Promise<{ files: ArchiveFile[]; skipped: string[] }> {
  if (isZip(a.data)) return withArchiveSlot('code', () => readZip(a.data, 'code', caps));
  if (isGzip(a.data) || /\.tar$/i.test(a.name)) return withArchiveSlot('code', () => readTarGz(a.data, 'code', caps));
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
export async function codeFilesFor(upload: Upload, codePath: string, opts: { caps?: Partial<ArchiveCaps>; capLooseFiles?: boolean } = {}): Promise<ArchiveFile[]> {
  const files = await selectCodeFiles(upload, codePath, opts.caps);
  if (!upload.codeArchive && opts.capLooseFiles !== false) capLooseFiles(files, opts.caps);
  return files;
}

/** Refuses loose code files over the caps (413 naming `files` and the numbers). */
export function capLooseFiles(files: readonly ArchiveFile[], limits?: Partial<ArchiveCaps>): void {
  const maxFiles = limits?.maxFiles ?? ARCHIVE_LIMITS.maxFiles;
  const maxBytes = limits?.maxBytes ?? ARCHIVE_LIMITS.maxBytes;
  const tooLarge = (message: string) => new AppError('payload_too_large', `files: ${message}`, { fieldErrors: [{ path: 'files', message }] });
  if (files.length > maxFiles) throw tooLarge(`${files.length} files sent, more than ${maxFiles} (the limit)`);
  const total = files.reduce((n, f) => n + f.data.byteLength, 0);
  if (total > maxBytes) throw tooLarge(`the files hold ${bytesText(total)}, more than ${bytesText(maxBytes)} (the limit)`);
}

async function selectCodeFiles(upload: Upload, codePath: string, caps?: Partial<ArchiveCaps>): Promise<ArchiveFile[]> {
  const cp = codePath.replace(/\\/g, '/').split('/').filter((s) => s && s !== '.').join('/');
  const base = basename(cp.replace(/^(\.\.\/)+/, ''));
  if (upload.codeArchive) {
    const { files, skipped } = await readCodeArchive(upload.codeArchive, caps);
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

/** A code snapshot (tarball) of `files`, not yet stored: its bytes and digest (async gzip, in an archive slot). */
export async function snapshotOf(files: readonly ArchiveFile[]): Promise<{ data: Buffer; blob: StoredBlob }> {
  const data = await withArchiveSlot('code', () => packTarGz(files));
  return { data, blob: { sha256: sha256Hex(data), size: data.length, files: files.length } };
}

/** A blob about to be stored for a workspace: its bytes, and how many files a snapshot holds. */
export interface BlobToStore {
  data: Uint8Array;
  files?: number;
}

/**
 * Refuses (413 naming `field`, nothing written) blobs that would take workspace `workspaceId` over its code
 * storage quota (HARBORMASTER_CODE_QUOTA_BYTES). Each blob counts once per workspace: blobs the workspace
 * already holds add nothing. Inside a transaction, uploads to one workspace are checked one after the other.
 */
export async function checkCodeQuota(db: DbOrTx, workspace: { id: string; name: string }, blobs: readonly { sha256: string; size: number }[], field: string): Promise<void> {
  if (blobs.length === 0) return;
  await db.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`code-quota:${workspace.id}`}))`);
  const distinct = new Map(blobs.map((b) => [b.sha256, b.size]));
  const held = await db
    .select({ sha256: codeAssetWorkspaces.sha256 })
    .from(codeAssetWorkspaces)
    .innerJoin(codeAssets, eq(codeAssets.sha256, codeAssetWorkspaces.sha256))
    .where(and(eq(codeAssetWorkspaces.workspaceId, workspace.id), inArray(codeAssetWorkspaces.sha256, [...distinct.keys()])));
  for (const h of held) distinct.delete(h.sha256);
  const added = [...distinct.values()].reduce((n, v) => n + v, 0);
  if (added === 0) return;
  const used = await codeStorageUsed(db, workspace.id);
  const quota = env().HARBORMASTER_CODE_QUOTA_BYTES;
  if (used + added > quota) {
    const message = `this upload adds ${added} bytes to the code storage of workspace ${workspace.name}, which holds ${used} of its ${quota} bytes (HARBORMASTER_CODE_QUOTA_BYTES): ${used + added} would be over the quota; uploads no job or model uses any more are removed 7 days after their last use`;
    throw new AppError('payload_too_large', `${field}: ${message}`, { fieldErrors: [{ path: field, message: `over the workspace's code storage quota (${used + added} of ${quota} bytes)` }] });
  }
}

/** Bytes of code storage workspace `workspaceId` holds, each blob once. */
export async function codeStorageUsed(db: DbOrTx, workspaceId: string): Promise<number> {
  const [row] = await db
    .select({ used: sql<string | null>`sum(${codeAssets.size})` })
    .from(codeAssetWorkspaces)
    .innerJoin(codeAssets, eq(codeAssets.sha256, codeAssetWorkspaces.sha256))
    .where(eq(codeAssetWorkspaces.workspaceId, workspaceId));
  return Number(row?.used ?? 0);
}

/**
 * Stores blobs for a workspace: checks its quota (413 naming `field`, nothing written), writes each blob under
 * its sha256 (once), records it and binds it to the workspace (which may then reference it).
 */
export async function storeBlobs(db: DbOrTx, workspace: { id: string; name: string }, blobs: readonly BlobToStore[], field: string): Promise<StoredBlob[]> {
  const stored = blobs.map((b) => ({ data: b.data, sha256: sha256Hex(b.data), size: b.data.byteLength, files: b.files ?? 1 }));
  await checkCodeQuota(db, workspace, stored, field);
  for (const b of stored) {
    // The row first: it waits for a garbage collection holding it, so the file is written after one removed it.
    await db
      .insert(codeAssets)
      .values({ sha256: b.sha256, size: b.size, files: b.files, path: path.join('code', b.sha256) })
      .onConflictDoUpdate({ target: codeAssets.sha256, set: { size: sql`excluded.size` } });
    writeBlobFile(b.sha256, b.data);
    await bindBlob(db, workspace.id, b.sha256);
  }
  return stored.map(({ sha256, size, files }) => ({ sha256, size, files }));
}

function writeBlobFile(sha256: string, data: Uint8Array) {
  const file = codeBlobPath(sha256);
  if (fs.existsSync(file)) return;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Write aside and rename: a reader never sees half a blob, and two writers of one blob agree.
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, data, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Records that workspace `workspaceId` stored or referenced blob `sha256` now (it must exist). */
export async function bindBlob(db: DbOrTx, workspaceId: string, sha256: string): Promise<void> {
  await db
    .insert(codeAssetWorkspaces)
    .values({ sha256, workspaceId })
    .onConflictDoUpdate({ target: [codeAssetWorkspaces.workspaceId, codeAssetWorkspaces.sha256], set: { lastUsedAt: sql`now()` } });
}

/** Writes a blob under its sha256 (once) and records it, bound to no workspace (tests; use storeBlobs). */
export async function storeBlob(db: DbOrTx, data: Uint8Array, files = 1): Promise<StoredBlob> {
  const sha256 = sha256Hex(data);
  await db.insert(codeAssets).values({ sha256, size: data.byteLength, files, path: path.join('code', sha256) }).onConflictDoUpdate({ target: codeAssets.sha256, set: { size: sql`excluded.size` } });
  writeBlobFile(sha256, data);
  return { sha256, size: data.byteLength, files };
}

export async function getCodeAsset(db: DbOrTx, sha256: string) {
  const [row] = await db.select().from(codeAssets).where(eq(codeAssets.sha256, sha256)).limit(1);
  return row;
}

/** Blob `sha256` when workspace `workspaceId` stored it (else undefined: unknown and foreign blobs look alike). */
export async function getWorkspaceCodeAsset(db: DbOrTx, workspaceId: string, sha256: string) {
  const [row] = await db
    .select({ sha256: codeAssets.sha256, size: codeAssets.size, files: codeAssets.files })
    .from(codeAssetWorkspaces)
    .innerJoin(codeAssets, eq(codeAssets.sha256, codeAssetWorkspaces.sha256))
    .where(and(eq(codeAssetWorkspaces.workspaceId, workspaceId), eq(codeAssetWorkspaces.sha256, sha256)))
    .limit(1);
  return row;
}

// --- garbage collection ---------------------------------------------------------------------------

/** A blob is deleted once no job or model version references it and none has for this long. */
export const CODE_BLOB_RETENTION_MS = 7 * 24 * 3600_000;

/**
 * Deletes blobs (file and rows) uploaded more than 7 days ago that no job (code or uploaded input file) nor
 * model version references and no workspace stored or referenced in the last 7 days. Answers their sha256s.
 */
export async function pruneCodeBlobs(db: Db, now = Date.now()): Promise<string[]> {
  const cutoff = new Date(now - CODE_BLOB_RETENTION_MS);
  const unused = sql`${codeAssets.createdAt} < ${cutoff}
    AND NOT EXISTS (SELECT 1 FROM code_asset_workspaces w WHERE w.sha256 = ${codeAssets.sha256} AND w.last_used_at >= ${cutoff})
    AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.code_sha256 = ${codeAssets.sha256})
    AND NOT EXISTS (SELECT 1 FROM jobs j, jsonb_each_text(j.input_files) f WHERE f.value = ${codeAssets.sha256})
    AND NOT EXISTS (SELECT 1 FROM model_versions v WHERE v.upload_sha256 = ${codeAssets.sha256})
    AND NOT EXISTS (SELECT 1 FROM online_deployments d WHERE d.code_sha256 = ${codeAssets.sha256})`;
  const moved: Array<{ file: string; aside: string }> = [];
  let deleted: string[] = [];
  try {
    await db.transaction(async (tx) => {
      // Lock the candidates (a concurrent store or reference of one waits), then check again with a fresh
      // snapshot: a job or model that committed a reference meanwhile keeps its blob.
      const locked = await tx.select({ sha256: codeAssets.sha256 }).from(codeAssets).where(unused).for('update', { skipLocked: true });
      if (locked.length === 0) return;
      const rows = await tx
        .delete(codeAssets)
        .where(and(inArray(codeAssets.sha256, locked.map((r) => r.sha256)), unused))
        .returning({ sha256: codeAssets.sha256 });
      deleted = rows.map((r) => r.sha256);
      // Files are moved aside before commit: a store waiting for these rows writes its blob afresh.
      for (const sha of deleted) {
        const file = codeBlobPath(sha);
        const aside = `${file}.${process.pid}.${Date.now()}.gc`;
        try {
          fs.renameSync(file, aside);
          moved.push({ file, aside });
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        }
      }
    });
  } catch (e) {
    for (const m of moved) if (!fs.existsSync(m.file)) fs.renameSync(m.aside, m.file);
    throw e;
  }
  for (const m of moved) fs.rmSync(m.aside, { force: true });
  return deleted;
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
