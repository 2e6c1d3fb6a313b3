import 'server-only';
import { z } from 'zod';
import { AppError } from '../errors';
import { normalizeRelativePath } from '../services/code-assets-archive';
import type { ArchiveFile, Upload } from '../services/code-assets';

// Files that come with a document (a job's code and local inputs, a model's local folder): the action input's
// shape and its reading into an Upload, paths normalized (no "..", no absolute paths).

export const MAX_DOCUMENT = 1024 * 1024;
export const uploadedFile = z.strictObject({ path: z.string().min(1).max(4096), data: z.instanceof(Uint8Array) });
export const uploadedArchive = z.strictObject({ name: z.string().max(1024), data: z.instanceof(Uint8Array) });

export function uploadOf(input: { files?: { path: string; data: Uint8Array }[]; code?: { name: string; data: Uint8Array } }): Upload {
  const files: ArchiveFile[] = [];
  for (const f of input.files ?? []) {
    const n = normalizeRelativePath(f.path);
    if (!n.ok) throw new AppError('bad_request', `files: ${n.message}`, { fieldErrors: [{ path: 'files', message: n.message }] });
    if (n.path) files.push({ path: n.path, data: Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength) });
  }
  return { files, codeArchive: input.code, skipped: [] };
}
