// Archive bombs and caps (issue 18): an upload unpacks to at most HARBORMASTER_MAX_CODE_BYTES in at most 20,000
// entries; inflation stops as soon as a cap is passed (a bomb costs O(cap), not O(its claimed size)); sizes in
// headers are never trusted; zlib runs async; at most 4 archives are unpacked at once; snapshots keep their bytes.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeZip } from '@/test/zip-writer';
import { GIB, tarGzBomb, tarGzManyPieces, zipBomb } from '@/test/archive-bombs';
import { AppError } from '../errors';
import { resetEnvCache } from '../env';
import { ARCHIVE_LIMITS, ARCHIVE_SLOTS, archiveSlotsBusy, packTarGz, readTarGz, readZip, withArchiveSlot } from './code-assets-archive';
import { capLooseFiles, snapshotOf } from './code-assets';

const MiB = 1024 * 1024;

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected a refusal');
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t };
}

describe('the cap on unpacked bytes', () => {
  it('is 100 MiB by default and HARBORMASTER_MAX_CODE_BYTES otherwise (validated)', () => {
    const before = process.env.HARBORMASTER_MAX_CODE_BYTES;
    try {
      delete process.env.HARBORMASTER_MAX_CODE_BYTES;
      resetEnvCache();
      expect(ARCHIVE_LIMITS.maxBytes).toBe(100 * MiB);
      process.env.HARBORMASTER_MAX_CODE_BYTES = String(5 * MiB);
      resetEnvCache();
      expect(ARCHIVE_LIMITS.maxBytes).toBe(5 * MiB);
      process.env.HARBORMASTER_MAX_CODE_BYTES = 'lots';
      resetEnvCache();
      expect(() => ARCHIVE_LIMITS.maxBytes).toThrow(/HARBORMASTER_MAX_CODE_BYTES/);
    } finally {
      if (before === undefined) delete process.env.HARBORMASTER_MAX_CODE_BYTES;
      else process.env.HARBORMASTER_MAX_CODE_BYTES = before;
      resetEnvCache();
    }
  });
});

describe('zip bombs', () => {
  it('one entry declaring 1 GiB: refused from its header (413 naming code and the numbers), nothing inflated', async () => {
    const zip = await zipBomb();
    expect(zip.length).toBeLessThan(8 * MiB);
    const { value: e, ms } = await timed(() => refusal(readZip(zip, 'code')));
    expect(e.status).toBe(413);
    expect(e.message).toMatch(/^code: the zip archive unpacks to more than 104857600 bytes \(100 MiB\) \(the limit\): "src\/bomb\.bin" alone declares 1073741824 bytes \(1024 MiB\)/);
    expect(e.fieldErrors?.[0].path).toBe('code');
    expect(ms).toBeLessThan(1000);
  });

  it('one entry lying about its size (declares 10 bytes, inflates to 1 GiB): stopped at the 11th byte', async () => {
    const { value: e, ms } = await timed(async () => refusal(readZip(await zipBomb(10), 'code')));
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/code: the zip archive entry "src\/bomb\.bin" has more bytes than the 10 its directory says/);
    expect(ms).toBeLessThan(1500);
  });

  it('lying just under the cap (declares 99 MiB): inflation stops there, well before 1 GiB', async () => {
    const zip = await zipBomb(99 * MiB);
    const { value: e, ms } = await timed(() => refusal(readZip(zip, 'code')));
    expect(e.message).toMatch(/has more bytes than the 103809024 its directory says/);
    expect(ms).toBeLessThan(3000);
  });

  it('a smaller cap is honoured the same way', async () => {
    const e = await refusal(readZip(await zipBomb(), 'code', { maxBytes: MiB }));
    expect(e.message).toMatch(/more than 1048576 bytes \(1 MiB\)/);
  });

  it('more entries than the cap: 413 naming the count', async () => {
    const zip = makeZip(Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.txt`, data: 'x' })));
    const e = await refusal(readZip(zip, 'code', { maxFiles: 10 }));
    expect(e.status).toBe(413);
    expect(e.message).toBe('code: the zip archive holds 11 entries, more than 10 (the limit)');
    expect((await readZip(zip, 'code', { maxFiles: 11 })).files).toHaveLength(11);
  });
});

describe('tar.gz bombs', () => {
  it('one file declaring 1 GiB: refused from its header, inflation stopped', async () => {
    const tgz = await tarGzBomb();
    expect(tgz.length).toBeLessThan(8 * MiB);
    const { value: e, ms } = await timed(() => refusal(readTarGz(tgz, 'code')));
    expect(e.status).toBe(413);
    expect(e.message).toMatch(/^code: the tar archive unpacks to more than 104857600 bytes \(100 MiB\) \(the limit\): "src\/bomb\.bin" alone declares 1073741824 bytes/);
    expect(ms).toBeLessThan(1000);
  });

  it('1,024 honest files of 1 MiB (1 GiB in all): stopped once the total passes the cap', async () => {
    const tgz = await tarGzManyPieces();
    const { value: e, ms } = await timed(() => refusal(readTarGz(tgz, 'code')));
    expect(e.status).toBe(413);
    expect(e.message).toMatch(/^code: the tar archive unpacks to more than 104857600 bytes \(100 MiB\)/);
    expect(ms).toBeLessThan(3000);
    const small = await refusal(readTarGz(tgz, 'code', { maxBytes: 3 * MiB }));
    expect(small.message).toMatch(/more than 3145728 bytes \(3 MiB\)/);
  });

  it('more entries than the cap: 413 naming the count', async () => {
    const tgz = await packTarGz(Array.from({ length: 11 }, (_, i) => ({ path: `f${i}.txt`, data: Buffer.from('x') })));
    const e = await refusal(readTarGz(tgz, 'code', { maxFiles: 10 }));
    expect(e.status).toBe(413);
    expect(e.message).toBe('code: the tar archive holds more than 10 entries (the limit)');
    expect((await readTarGz(tgz, 'code', { maxFiles: 11 })).files).toHaveLength(11);
  });

  it('refuses a truncated or damaged archive with a 400 naming code', async () => {
    const tgz = await packTarGz([{ path: 'a.txt', data: Buffer.alloc(5000, 1) }]);
    const e = await refusal(readTarGz(tgz.subarray(0, tgz.length - 40), 'code'));
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/^code: the tar archive /);
  });
});

describe('loose files', () => {
  it('over the cap: 413 naming files and the numbers', () => {
    const files = [{ path: 'a.bin', data: Buffer.alloc(600 * 1024) }, { path: 'b.bin', data: Buffer.alloc(600 * 1024) }];
    expect(() => capLooseFiles(files, { maxBytes: MiB })).toThrow('files: the files hold 1228800 bytes (1.2 MiB), more than 1048576 bytes (1 MiB) (the limit)');
    expect(() => capLooseFiles(files, { maxFiles: 1 })).toThrow('files: 2 files sent, more than 1 (the limit)');
    expect(() => capLooseFiles(files)).not.toThrow();
  });
});

describe('snapshots', () => {
  it('keep the bytes they had before the streaming readers (same files → same sha256)', async () => {
    const files = [
      { path: 'src/train.py', data: Buffer.from('print("train")\n'), executable: false },
      { path: 'src/run.sh', data: Buffer.from('#!/bin/sh\necho hi\n'), executable: true },
      { path: 'src/lib/util.py', data: Buffer.from('X = 1\n'.repeat(1000)) },
      { path: 'a/' + 'deep/'.repeat(30) + 'long-name-file.txt', data: Buffer.from('long') },
      { path: 'data/zeros.bin', data: Buffer.alloc(70000) },
    ];
    // computed with the synchronous packer of 08440d6 (gzipSync): the async gzip gives the same bytes
    expect((await snapshotOf(files)).blob.sha256).toBe('1f36a5008326cd3dd8d3f424e5aaa628032ff04a20d80d052ed2c31d7001619f');
  });

  it('and the request path uses no synchronous zlib', () => {
    for (const f of ['server/services/code-assets-archive.ts', 'server/services/code-assets.ts']) {
      expect(fs.readFileSync(f, 'utf8')).not.toMatch(/\b(inflate|inflateRaw|gunzip|gzip|deflate|deflateRaw|unzip)Sync\b/);
    }
  });
});

describe('concurrency', () => {
  it(`runs at most ${ARCHIVE_SLOTS} archive jobs at once; the next waits its turn, then gets 429 with Retry-After`, async () => {
    const releases: Array<() => void> = [];
    const hold = () => withArchiveSlot('code', () => new Promise<void>((r) => releases.push(r)));
    const held = Array.from({ length: ARCHIVE_SLOTS }, hold);
    expect(archiveSlotsBusy()).toBe(ARCHIVE_SLOTS);
    let fifthRan = false;
    const fifth = withArchiveSlot('code', async () => {
      fifthRan = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(fifthRan).toBe(false);
    releases.shift()!();
    await fifth;
    expect(fifthRan).toBe(true);
    expect(archiveSlotsBusy()).toBe(ARCHIVE_SLOTS - 1);
    held.push(hold());
    const e = await refusal(withArchiveSlot('code', async () => undefined, 30));
    expect(e.status).toBe(429);
    expect(e.retryAfterSeconds).toBe(5);
    expect(e.message).toMatch(/^code: 4 uploads are being unpacked/);
    for (const r of releases.splice(0)) r();
    await Promise.all(held);
    expect(archiveSlotsBusy()).toBe(0);
  });

  it('a bomb releases its slot', async () => {
    await refusal(readZip(await zipBomb(10), 'code'));
    await refusal(withArchiveSlot('code', () => readTarGz(Buffer.from('not a tar at all, not at all'), 'code')));
    expect(archiveSlotsBusy()).toBe(0);
    expect(GIB).toBe(1073741824);
  });
});
