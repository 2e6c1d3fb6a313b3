import 'server-only';
import { gunzipSync, gzipSync, inflateRawSync, crc32 } from 'node:zlib';
import { createHash } from 'node:crypto';
import { AppError } from '../errors';

// Archives for code snapshots, without dependencies:
// - zip in (what people drag from a file manager): a minimal reader of the central directory with stored and
//   deflate entries (node:zlib inflateRawSync), zip64 sizes, CRC-checked; encrypted entries are refused;
//   symlinks, directories and macOS metadata (__MACOSX/, .DS_Store) are skipped;
// - tar.gz in (what `tar czf` makes): ustar with GNU long names and pax `path` records; regular files only;
// - tar.gz out: the snapshot the job's init container unpacks (busybox or GNU tar), deterministic — sorted
//   entries, mtime 0, uid/gid 0, gzip without a timestamp — so the same files always give the same sha256.
// Every path is checked (relative, no "..", no NUL) and the total size is capped before anything is
// inflated further (zip bombs).

export interface ArchiveFile {
  /** Relative path with "/" separators, normalized (no ".", "..", leading "/"). */
  path: string;
  data: Buffer;
  executable?: boolean;
}

/** Caps on what one snapshot may unpack to. */
export const ARCHIVE_LIMITS = { maxFiles: 20_000, maxBytes: 512 * 1024 * 1024, maxPath: 1024 };

/** A relative path made safe, or an error message. */
export function normalizeRelativePath(raw: string): { ok: true; path: string } | { ok: false; message: string } {
  if (raw.includes('\0')) return { ok: false, message: 'contains a NUL character' };
  const p = raw.replace(/\\/g, '/');
  if (p.startsWith('/') || /^[A-Za-z]:\//.test(p)) return { ok: false, message: `"${raw}" is an absolute path; paths must be relative to the job file` };
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') return { ok: false, message: `"${raw}" leaves its folder (".."); paths must stay inside it` };
    parts.push(seg);
  }
  const out = parts.join('/');
  if (out.length > ARCHIVE_LIMITS.maxPath) return { ok: false, message: `"${raw.slice(0, 60)}…" is longer than ${ARCHIVE_LIMITS.maxPath} characters` };
  return { ok: true, path: out };
}

function junk(path: string): boolean {
  return path.startsWith('__MACOSX/') || path === '.DS_Store' || path.endsWith('/.DS_Store');
}

class Budget {
  files = 0;
  bytes = 0;
  constructor(private readonly what: string) {}
  add(size: number) {
    this.files += 1;
    this.bytes += size;
    if (this.files > ARCHIVE_LIMITS.maxFiles) throw new AppError('payload_too_large', `${this.what} holds more than ${ARCHIVE_LIMITS.maxFiles} files`);
    if (this.bytes > ARCHIVE_LIMITS.maxBytes) throw new AppError('payload_too_large', `${this.what} unpacks to more than ${ARCHIVE_LIMITS.maxBytes / 1024 / 1024} MiB`);
  }
}

const bad = (field: string, message: string) => new AppError('bad_request', `${field}: ${message}`, { fieldErrors: [{ path: field, message }] });

// --- zip ------------------------------------------------------------------------------------------

export function isZip(data: Uint8Array): boolean {
  return data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b && (data[2] === 0x03 || data[2] === 0x05) && (data[3] === 0x04 || data[3] === 0x06);
}

export function isGzip(data: Uint8Array): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
}

/** Reads the files of a zip archive. `field` names the upload in error messages. */
export function readZip(input: Uint8Array, field = 'code'): { files: ArchiveFile[]; skipped: string[] } {
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const fail = (m: string) => bad(field, `the zip archive ${m}`);
  // End of central directory: the last 22+ bytes (a comment of up to 64 KiB may follow it).
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw fail('has no central directory (truncated, or not a zip file)');
  let entries = buf.readUInt16LE(eocd + 10);
  let cdOffset = buf.readUInt32LE(eocd + 16);
  if (entries === 0xffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || buf.readUInt32LE(loc) !== 0x07064b50) throw fail('is a zip64 archive without its locator');
    const z64 = Number(buf.readBigUInt64LE(loc + 8));
    if (z64 + 56 > buf.length || buf.readUInt32LE(z64) !== 0x06064b50) throw fail('has a damaged zip64 directory');
    entries = Number(buf.readBigUInt64LE(z64 + 32));
    cdOffset = Number(buf.readBigUInt64LE(z64 + 48));
  }
  const files: ArchiveFile[] = [];
  const skipped: string[] = [];
  const budget = new Budget('the zip archive');
  let p = cdOffset;
  for (let n = 0; n < entries; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) throw fail('has a damaged central directory');
    const madeBy = buf.readUInt16LE(p + 4);
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    let csize = buf.readUInt32LE(p + 20);
    let usize = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const extAttr = buf.readUInt32LE(p + 38);
    let localOffset = buf.readUInt32LE(p + 42);
    const rawName = buf.subarray(p + 46, p + 46 + nameLen).toString(flags & 0x800 ? 'utf8' : 'latin1');
    // zip64 extended information: the 0xFFFFFFFF fields, in order.
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = buf.readUInt16LE(e);
      const size = buf.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (usize === 0xffffffff) (usize = Number(buf.readBigUInt64LE(q))), (q += 8);
        if (csize === 0xffffffff) (csize = Number(buf.readBigUInt64LE(q))), (q += 8);
        if (localOffset === 0xffffffff) localOffset = Number(buf.readBigUInt64LE(q));
      }
      e += 4 + size;
    }
    p = extraEnd + commentLen;

    const unixMode = madeBy >> 8 === 3 ? extAttr >>> 16 : 0;
    if (rawName.endsWith('/') || (unixMode & 0o170000) === 0o040000) continue; // a directory
    const norm = normalizeRelativePath(rawName);
    if (!norm.ok) throw fail(`entry ${norm.message}`);
    if (junk(norm.path)) continue;
    if ((unixMode & 0o170000) === 0o120000) {
      skipped.push(`${norm.path} (a symbolic link)`);
      continue;
    }
    if (flags & 0x1) throw fail(`entry "${norm.path}" is encrypted; upload an unencrypted archive`);
    if (method !== 0 && method !== 8) throw fail(`entry "${norm.path}" uses compression method ${method}; only stored and deflate are read (re-create the zip, or upload the folder)`);
    budget.add(usize);
    if (localOffset + 30 > buf.length || buf.readUInt32LE(localOffset) !== 0x04034b50) throw fail(`entry "${norm.path}" has no local header`);
    const start = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
    if (start + csize > buf.length) throw fail(`entry "${norm.path}" is truncated`);
    const packed = buf.subarray(start, start + csize);
    let data: Buffer;
    try {
      data = method === 0 ? Buffer.from(packed) : inflateRawSync(packed, { maxOutputLength: Math.max(usize, 1) });
    } catch (err) {
      throw fail(`entry "${norm.path}" cannot be inflated: ${(err as Error).message}`);
    }
    if (data.length !== usize) throw fail(`entry "${norm.path}" has ${data.length} bytes, not the ${usize} its directory says`);
    if ((crc32(data) >>> 0) !== crc) throw fail(`entry "${norm.path}" is corrupt (CRC mismatch)`);
    files.push({ path: norm.path, data, executable: (unixMode & 0o111) !== 0 });
  }
  return { files, skipped };
}

// --- tar ------------------------------------------------------------------------------------------

function octal(field: Buffer): number {
  if (field[0] & 0x80) {
    // base-256 (GNU) for large sizes
    let v = 0;
    for (let i = 1; i < field.length; i++) v = v * 256 + field[i];
    return v;
  }
  const s = field.toString('latin1').replace(/\0.*$/s, '').trim();
  return s ? parseInt(s, 8) : 0;
}

function cstr(field: Buffer): string {
  const z = field.indexOf(0);
  return field.subarray(0, z < 0 ? field.length : z).toString('utf8');
}

/** Reads the regular files of a gzip-compressed (or plain) tar archive. */
export function readTarGz(input: Uint8Array, field = 'code'): { files: ArchiveFile[]; skipped: string[] } {
  const fail = (m: string) => bad(field, `the tar archive ${m}`);
  let buf: Buffer;
  try {
    buf = isGzip(input) ? gunzipSync(input, { maxOutputLength: ARCHIVE_LIMITS.maxBytes + 1024 * 1024 }) : Buffer.from(input);
  } catch (e) {
    throw fail(`cannot be decompressed: ${(e as Error).message}`);
  }
  const files: ArchiveFile[] = [];
  const skipped: string[] = [];
  const budget = new Budget('the tar archive');
  let p = 0;
  let longName: string | undefined;
  let paxPath: string | undefined;
  while (p + 512 <= buf.length) {
    const h = buf.subarray(p, p + 512);
    if (h.every((b) => b === 0)) break;
    const size = octal(h.subarray(124, 136));
    const type = String.fromCharCode(h[156] || 0x30);
    const dataStart = p + 512;
    const dataEnd = dataStart + size;
    if (dataEnd > buf.length) throw fail('is truncated');
    const data = buf.subarray(dataStart, dataEnd);
    p = dataStart + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = cstr(data);
      continue;
    }
    if (type === 'x') {
      for (const rec of data.toString('utf8').split('\n')) {
        const m = /^\d+ path=(.*)$/.exec(rec);
        if (m) paxPath = m[1];
      }
      continue;
    }
    if (type === 'g') continue;
    const ustar = h.subarray(257, 262).toString('latin1') === 'ustar';
    const prefix = ustar ? cstr(h.subarray(345, 500)) : '';
    const name = paxPath ?? longName ?? (prefix ? `${prefix}/${cstr(h.subarray(0, 100))}` : cstr(h.subarray(0, 100)));
    longName = undefined;
    paxPath = undefined;
    if (type !== '0' && type !== '7') {
      if (type === '2' || type === '1') skipped.push(`${name} (a link)`);
      continue; // directories and special files
    }
    const norm = normalizeRelativePath(name);
    if (!norm.ok) throw fail(`entry ${norm.message}`);
    if (junk(norm.path) || norm.path.split('/').some((s) => s.startsWith('._'))) continue;
    budget.add(size);
    const mode = octal(h.subarray(100, 108));
    files.push({ path: norm.path, data: Buffer.from(data), executable: (mode & 0o111) !== 0 });
  }
  return { files, skipped };
}

function header(name: string, size: number, type: '0' | '5' | 'L', mode: number): Buffer {
  const h = Buffer.alloc(512);
  let nameField = name;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    // ustar: split at a "/" so that name ≤ 100 and prefix ≤ 155 bytes.
    // (a directory's trailing "/" stays in the name part)
    const cut = name.lastIndexOf('/', name.length - 2);
    for (let i = cut; i > 0; i = name.lastIndexOf('/', i - 1)) {
      if (Buffer.byteLength(name.slice(i + 1)) <= 100 && Buffer.byteLength(name.slice(0, i)) <= 155) {
        nameField = name.slice(i + 1);
        prefix = name.slice(0, i);
        break;
      }
    }
    if (!prefix) nameField = name.slice(0, 100);
  }
  h.write(nameField, 0, 100, 'utf8');
  h.write(mode.toString(8).padStart(7, '0') + '\0', 100, 'latin1');
  h.write('0000000\0', 108, 'latin1'); // uid
  h.write('0000000\0', 116, 'latin1'); // gid
  h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  h.write('00000000000\0', 136, 'latin1'); // mtime 0: deterministic
  h.fill(0x20, 148, 156); // checksum placeholder (spaces)
  h.write(type, 156, 'latin1');
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}

function pad(size: number): Buffer {
  const r = size % 512;
  return Buffer.alloc(r === 0 ? 0 : 512 - r);
}

/** A deterministic gzip tarball of `files` (directories added for every parent). */
export function packTarGz(files: readonly ArchiveFile[]): Buffer {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const dirs = new Set<string>();
  for (const f of sorted) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/') + '/');
  }
  const chunks: Buffer[] = [];
  const entry = (name: string, data: Buffer, type: '0' | '5', mode: number) => {
    const fits = Buffer.byteLength(name) <= 100 || header(name, data.length, type, mode).subarray(345, 346)[0] !== 0;
    if (!fits) {
      const long = Buffer.from(name + '\0', 'utf8');
      chunks.push(header('././@LongLink', long.length, 'L', 0o644), long, pad(long.length));
    }
    chunks.push(header(name, data.length, type, mode), data, pad(data.length));
  };
  for (const d of [...dirs].sort()) entry(d, Buffer.alloc(0), '5', 0o755);
  for (const f of sorted) entry(f.path, f.data, '0', f.executable ? 0o755 : 0o644);
  chunks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(chunks), { level: 6 });
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
