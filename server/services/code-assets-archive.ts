import 'server-only';
import { Readable } from 'node:stream';
import { createGunzip, crc32, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import yauzl from 'yauzl';
import tarStream from 'tar-stream';
import { AppError } from '../errors';
import { env } from '../env';

// Archives for code snapshots:
// - zip in (what people drag from a file manager): yauzl over the uploaded bytes, entries inflated by async
//   zlib streams (no synchronous zlib), CRC-checked; stored and deflate only; encrypted entries are refused;
//   symlinks, directories and macOS metadata (__MACOSX/, .DS_Store) are skipped;
// - tar.gz in (what `tar czf` makes): async gunzip stream into tar-stream (ustar, GNU long names, pax);
//   regular files only;
// - tar.gz out: the snapshot the job's init container unpacks (busybox or GNU tar), deterministic — sorted
//   entries, mtime 0, uid/gid 0, gzip without a timestamp — so the same files always give the same sha256.
//   Written by hand (below) so the bytes stay those of earlier snapshots; gzipped with async zlib.
// Caps (zip bombs): the unpacked total (HARBORMASTER_MAX_CODE_BYTES, 100 MiB by default) and the entry count
// (20,000). Sizes declared in headers are only used to refuse early; the bytes actually inflated are counted
// as they come and inflation stops as soon as the total passes the cap, so a bomb costs O(cap), not O(its
// claimed size). Over a cap → 413 naming the field (`code`) and the numbers.
// At most ARCHIVE_SLOTS uploads are unpacked or packed at once per console process (withArchiveSlot): the
// 5th waits its turn for up to SLOT_WAIT_MS, then gets 429 with Retry-After.

export interface ArchiveFile {
  /** Relative path with "/" separators, normalized (no ".", "..", leading "/"). */
  path: string;
  data: Buffer;
  executable?: boolean;
}

/** Caps on what one snapshot may unpack to (maxBytes: HARBORMASTER_MAX_CODE_BYTES). */
export const ARCHIVE_LIMITS = {
  /** Entries of one archive (files, folders, links) or loose files of one upload. */
  maxFiles: 20_000,
  get maxBytes(): number {
    return env().HARBORMASTER_MAX_CODE_BYTES;
  },
  maxPath: 1024,
};

export interface ArchiveCaps {
  maxFiles: number;
  maxBytes: number;
}

const caps = (c?: Partial<ArchiveCaps>): ArchiveCaps => ({ maxFiles: c?.maxFiles ?? ARCHIVE_LIMITS.maxFiles, maxBytes: c?.maxBytes ?? ARCHIVE_LIMITS.maxBytes });

/** "104857600 bytes (100 MiB)". */
export function bytesText(n: number): string {
  const mib = n / 1024 / 1024;
  return `${n} bytes (${mib >= 1 ? `${Math.round(mib * 10) / 10} MiB` : `${Math.round((n / 1024) * 10) / 10} KiB`})`;
}

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

const tooLarge = (field: string, message: string) => new AppError('payload_too_large', `${field}: ${message}`, { fieldErrors: [{ path: field, message }] });

/** Counts entries and unpacked bytes against the caps; throws 413 naming `field` the moment one is passed. */
export class Budget {
  entries = 0;
  bytes = 0;
  constructor(
    private readonly field: string,
    private readonly what: string,
    readonly caps: ArchiveCaps,
  ) {}
  entry() {
    this.entries += 1;
    if (this.entries > this.caps.maxFiles) throw tooLarge(this.field, `${this.what} holds more than ${this.caps.maxFiles} entries (the limit)`);
  }
  /** Refuses early on a declared size (it is not trusted otherwise). */
  declared(size: number, name: string) {
    if (this.bytes + size > this.caps.maxBytes) {
      throw tooLarge(this.field, `${this.what} unpacks to more than ${bytesText(this.caps.maxBytes)} (the limit): "${name}" alone declares ${bytesText(size)}`);
    }
  }
  /** Counts bytes actually unpacked. */
  add(n: number) {
    this.bytes += n;
    if (this.bytes > this.caps.maxBytes) throw tooLarge(this.field, `${this.what} unpacks to more than ${bytesText(this.caps.maxBytes)} (the limit)`);
  }
}

const bad = (field: string, message: string) => new AppError('bad_request', `${field}: ${message}`, { fieldErrors: [{ path: field, message }] });

// --- concurrency ----------------------------------------------------------------------------------

/** Uploads unpacked (or snapshots packed) at once per console process. */
export const ARCHIVE_SLOTS = 4;
/** How long a 5th upload waits for a slot before 429 + Retry-After. */
export const SLOT_WAIT_MS = 10_000;
export const SLOT_RETRY_AFTER_SECONDS = 5;

const slots = { busy: 0, queue: [] as Array<() => void> };

/** The number of archive operations running now (tests). */
export function archiveSlotsBusy(): number {
  return slots.busy;
}

/** Runs `fn` holding one of ARCHIVE_SLOTS slots; waits FIFO up to `waitMs`, then 429 with Retry-After. */
export async function withArchiveSlot<T>(field: string, fn: () => Promise<T>, waitMs = SLOT_WAIT_MS): Promise<T> {
  if (slots.busy >= ARCHIVE_SLOTS) {
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const i = slots.queue.indexOf(grant);
        if (i >= 0) slots.queue.splice(i, 1);
        reject(
          new AppError('too_many_requests', `${field}: ${ARCHIVE_SLOTS} uploads are being unpacked on this console; try again in a few seconds`, {
            retryAfterSeconds: SLOT_RETRY_AFTER_SECONDS,
            fieldErrors: [{ path: field, message: 'the console is busy unpacking other uploads' }],
          }),
        );
      }, waitMs);
      slots.queue.push(grant);
    });
    // the releasing holder handed its slot over (busy stays the same)
  } else {
    slots.busy += 1;
  }
  try {
    return await fn();
  } finally {
    const next = slots.queue.shift();
    if (next) next();
    else slots.busy -= 1;
  }
}

// --- zip ------------------------------------------------------------------------------------------

export function isZip(data: Uint8Array): boolean {
  return data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b && (data[2] === 0x03 || data[2] === 0x05) && (data[3] === 0x04 || data[3] === 0x06);
}

export function isGzip(data: Uint8Array): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
}

function zipMessage(err: Error): string {
  const m = err.message;
  if (/end of central directory record signature not found/i.test(m)) return 'has no central directory (truncated, or not a zip file)';
  if (/too many bytes in the stream|not enough bytes in the stream/i.test(m)) return `has an entry whose size is not the one its directory says (${m})`;
  return `is damaged: ${m}`;
}

/** Reads the files of a zip archive. `field` names the upload in error messages. */
export async function readZip(input: Uint8Array, field = 'code', limits?: Partial<ArchiveCaps>): Promise<{ files: ArchiveFile[]; skipped: string[] }> {
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const fail = (m: string) => bad(field, `the zip archive ${m}`);
  const budget = new Budget(field, 'the zip archive', caps(limits));
  let zip: yauzl.ZipFile;
  try {
    // decodeStrings: false — names are decoded and checked here (normalizeRelativePath), with our messages;
    // validateEntrySizes: false — sizes are checked here too: the bytes actually inflated count against the
    // budget as they come (the declared size is only trusted to refuse early), then must equal the declared one.
    zip = await yauzl.fromBufferPromise(buf, { decodeStrings: false, validateEntrySizes: false, strictFileNames: false });
  } catch (err) {
    throw fail(zipMessage(err as Error));
  }
  if (zip.entryCount > budget.caps.maxFiles) {
    zip.close();
    throw tooLarge(field, `the zip archive holds ${zip.entryCount} entries, more than ${budget.caps.maxFiles} (the limit)`);
  }
  const files: ArchiveFile[] = [];
  const skipped: string[] = [];
  try {
    for (;;) {
      const entry = await nextZipEntry(zip);
      if (!entry) break;
      budget.entry();
      const rawName = (entry.fileName as unknown as Buffer).toString(entry.generalPurposeBitFlag & 0x800 ? 'utf8' : 'latin1');
      const unixMode = entry.versionMadeBy >> 8 === 3 ? entry.externalFileAttributes >>> 16 : 0;
      if (rawName.endsWith('/') || (unixMode & 0o170000) === 0o040000) continue; // a directory
      const norm = normalizeRelativePath(rawName);
      if (!norm.ok) throw fail(`entry ${norm.message}`);
      if (junk(norm.path)) continue;
      if ((unixMode & 0o170000) === 0o120000) {
        skipped.push(`${norm.path} (a symbolic link)`);
        continue;
      }
      if (entry.isEncrypted()) throw fail(`entry "${norm.path}" is encrypted; upload an unencrypted archive`);
      const method = entry.compressionMethod;
      if (method !== 0 && method !== 8) throw fail(`entry "${norm.path}" uses compression method ${method}; only stored and deflate are read (re-create the zip, or upload the folder)`);
      budget.declared(entry.uncompressedSize, norm.path);
      const data = await readZipEntry(zip, entry, budget, (m) => fail(`entry "${norm.path}" ${m}`));
      if (data.length !== entry.uncompressedSize) throw fail(`entry "${norm.path}" has ${data.length} bytes, not the ${entry.uncompressedSize} its directory says`);
      files.push({ path: norm.path, data, executable: (unixMode & 0o111) !== 0 });
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw fail(zipMessage(e as Error));
  } finally {
    zip.close();
  }
  return { files, skipped };
}

function nextZipEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (e: yauzl.Entry) => (cleanup(), resolve(e));
    const onEnd = () => (cleanup(), resolve(undefined));
    const onError = (err: Error) => (cleanup(), reject(err));
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

/** Inflates one entry (async zlib), counting bytes against the budget and stopping the moment it is passed. */
function readZipEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, budget: Budget, fail: (m: string) => AppError): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(fail(`cannot be read: ${err?.message ?? 'no data'}`));
      const chunks: Buffer[] = [];
      let crc = 0;
      let done = false;
      const stop = (e: Error) => {
        if (done) return;
        done = true;
        (stream as Readable & { destroy(): void }).destroy();
        reject(e instanceof AppError ? e : fail(`cannot be inflated: ${e.message}`));
      };
      let got = 0;
      stream.on('data', (chunk: Buffer) => {
        if (done) return;
        got += chunk.length;
        // More than its directory declared: a lie (or a bomb) — stop now rather than at the cap.
        if (got > entry.uncompressedSize) return stop(fail(`has more bytes than the ${entry.uncompressedSize} its directory says`));
        try {
          budget.add(chunk.length);
        } catch (e) {
          return stop(e as Error);
        }
        crc = crc32(chunk, crc);
        chunks.push(chunk);
      });
      stream.on('error', stop);
      stream.on('end', () => {
        if (done) return;
        done = true;
        if ((crc >>> 0) !== entry.crc32 >>> 0) return reject(fail('is corrupt (CRC mismatch)'));
        resolve(Buffer.concat(chunks));
      });
    });
  });
}

// --- tar ------------------------------------------------------------------------------------------

/** Reads the regular files of a gzip-compressed (or plain) tar archive. */
export async function readTarGz(input: Uint8Array, field = 'code', limits?: Partial<ArchiveCaps>): Promise<{ files: ArchiveFile[]; skipped: string[] }> {
  const fail = (m: string) => bad(field, `the tar archive ${m}`);
  const budget = new Budget(field, 'the tar archive', caps(limits));
  // The tar stream itself (headers, pax records, padding) may be at most this long once gunzipped: counted
  // on the gunzip output, so neither giant headers nor endless padding inflate past O(cap).
  const maxStream = budget.caps.maxBytes + (budget.caps.maxFiles + 4) * 2048 + 1024 * 1024;
  const source = Readable.from([Buffer.from(input.buffer, input.byteOffset, input.byteLength)]);
  const gunzip = isGzip(input) ? createGunzip() : undefined;
  const extract = tarStream.extract({ allowUnknownFormat: true } as Parameters<typeof tarStream.extract>[0]);
  const files: ArchiveFile[] = [];
  const skipped: string[] = [];
  let streamed = 0;
  let failure: Error | undefined;
  const abort = (e: Error) => {
    failure ??= e;
    source.destroy();
    gunzip?.destroy();
    extract.destroy(e);
  };
  const upstream = gunzip ? source.pipe(gunzip) : source;
  upstream.on('data', (chunk: Buffer) => {
    streamed += chunk.length;
    if (streamed > maxStream) abort(tooLarge(field, `the tar archive unpacks to more than ${bytesText(budget.caps.maxBytes)} (the limit)`));
  });
  upstream.on('error', (e: Error) => abort(fail(`cannot be decompressed: ${e.message}`)));
  source.on('error', (e: Error) => abort(fail(`cannot be read: ${e.message}`)));
  upstream.pipe(extract as unknown as NodeJS.WritableStream);
  try {
    for await (const entry of extract) {
      const h = entry.header;
      budget.entry();
      const name = h.name;
      const regular = h.type === 'file' || h.type === 'contiguous-file';
      if (!regular) {
        if (h.type === 'link' || h.type === 'symlink') skipped.push(`${name} (a link)`);
        entry.resume();
        continue; // directories and special files
      }
      const norm = normalizeRelativePath(name);
      if (!norm.ok) throw fail(`entry ${norm.message}`);
      if (junk(norm.path) || norm.path.split('/').some((s) => s.startsWith('._'))) {
        entry.resume();
        continue;
      }
      budget.declared(h.size, norm.path);
      const chunks: Buffer[] = [];
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        budget.add(chunk.length);
        chunks.push(Buffer.from(chunk));
      }
      files.push({ path: norm.path, data: Buffer.concat(chunks), executable: (h.mode & 0o111) !== 0 });
    }
  } catch (e) {
    const err = failure ?? (e as Error);
    abort(err);
    if (err instanceof AppError) throw err;
    throw fail(/unexpected end|premature close|truncat/i.test(err.message) ? 'is truncated' : `is damaged: ${err.message}`);
  }
  if (failure) throw failure;
  // Done with the tar (its end marker): stop inflating whatever follows.
  source.destroy();
  gunzip?.destroy();
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

const gzipAsync = promisify(gzip);

/** A deterministic gzip tarball of `files` (directories added for every parent); gzipped with async zlib. */
export async function packTarGz(files: readonly ArchiveFile[]): Promise<Buffer> {
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
  return gzipAsync(Buffer.concat(chunks), { level: 6 });
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
