// Code snapshots: what people upload (a folder, a zip from their file manager, a tar.gz) becomes one
// deterministic tarball that the pod's tar unpacks to the same files; fetch tokens open one job's files only.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetEnvCache } from '../env';
import { makeZip } from '@/test/zip-writer';
import { normalizeRelativePath, packTarGz, readTarGz, readZip, sha256Hex } from './code-assets-archive';
import { codeFilesFor, inputFileFor, issueFetchToken, snapshotOf, uploadFromMultipart, verifyFetchToken, type Upload } from './code-assets';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-code-test-'));
beforeAll(() => {
  process.env.HARBORMASTER_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');
  process.env.HARBORMASTER_DATA_DIR = tmp;
  resetEnvCache();
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const has = (tool: string) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;
const deepName = `${'deeply-nested-folder/'.repeat(8)}train_with_a_rather_long_file_name_for_testing.py`;
const files = [
  { path: 'train.py', data: Buffer.from('print("train")\n') },
  { path: 'pkg/__init__.py', data: Buffer.from('') },
  { path: 'pkg/model.py', data: Buffer.from('class Model: ...\n') },
  { path: 'run.sh', data: Buffer.from('#!/bin/sh\necho hi\n'), executable: true },
  { path: deepName, data: Buffer.from('x = 1\n') },
  // longer than ustar's name + prefix (255): a GNU long-name entry
  { path: `${'very-long-directory-name-number-x/'.repeat(9)}f.py`, data: Buffer.from('y = 2\n') },
];

describe('snapshots', () => {
  it('are deterministic: the same files in any order give the same bytes and sha256', async () => {
    const a = await snapshotOf(files);
    const b = await snapshotOf([...files].reverse());
    expect(a.blob.sha256).toBe(b.blob.sha256);
    expect(a.data.equals(b.data)).toBe(true);
    expect((await snapshotOf([...files, { path: 'extra.txt', data: Buffer.from('1') }])).blob.sha256).not.toBe(a.blob.sha256);
  });

  it('round-trip through our reader, long paths included', async () => {
    const back = (await readTarGz(await packTarGz(files))).files;
    expect(back.map((f) => [f.path, f.data.toString(), !!f.executable]).sort()).toEqual(files.map((f) => [f.path, f.data.toString(), !!f.executable]).sort());
  });

  it.skipIf(!has('tar'))('unpack with GNU tar to the same files and modes', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'untar-'));
    fs.writeFileSync(path.join(dir, 'code.tar.gz'), await packTarGz(files));
    fs.mkdirSync(path.join(dir, 'out'));
    const r = spawnSync('tar', ['-xzf', path.join(dir, 'code.tar.gz'), '-C', path.join(dir, 'out')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const f of files) expect(fs.readFileSync(path.join(dir, 'out', f.path), 'utf8')).toBe(f.data.toString());
    expect(fs.statSync(path.join(dir, 'out', 'run.sh')).mode & 0o111).not.toBe(0);
    expect(fs.statSync(path.join(dir, 'out', 'train.py')).mode & 0o111).toBe(0);
  });
});

describe('zip archives', () => {
  it('are read with stored and deflate entries, skipping directories, links and macOS metadata', async () => {
    const zip = makeZip([
      { name: 'src/', data: '' },
      { name: 'src/train.py', data: 'print("hello")\n'.repeat(50), method: 'deflate' },
      { name: 'src/data/small.csv', data: 'a,b\n1,2\n' },
      { name: 'src/run.sh', data: 'echo', mode: 0o100755 },
      { name: 'src/link', data: 'train.py', mode: 0o120777 },
      { name: '__MACOSX/src/._train.py', data: 'junk' },
      { name: 'src/.DS_Store', data: 'junk' },
    ]);
    const { files: got, skipped } = await readZip(zip);
    expect(got.map((f) => f.path).sort()).toEqual(['src/data/small.csv', 'src/run.sh', 'src/train.py']);
    expect(got.find((f) => f.path === 'src/train.py')!.data.toString()).toBe('print("hello")\n'.repeat(50));
    expect(got.find((f) => f.path === 'src/run.sh')!.executable).toBe(true);
    expect(skipped).toEqual(['src/link (a symbolic link)']);
  });

  it.skipIf(!has('zip'))('made by the zip tool are read like the folder they came from', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'zip-'));
    for (const f of files.slice(0, 3)) {
      fs.mkdirSync(path.dirname(path.join(dir, 'src', f.path)), { recursive: true });
      fs.writeFileSync(path.join(dir, 'src', f.path), f.data);
    }
    const r = spawnSync('zip', ['-qr', 'code.zip', 'src'], { cwd: dir });
    expect(r.status).toBe(0);
    const upload: Upload = { files: [], codeArchive: { name: 'code.zip', data: fs.readFileSync(path.join(dir, 'code.zip')) }, skipped: [] };
    const fromZip = await codeFilesFor(upload, 'src');
    expect((await snapshotOf(fromZip)).blob.sha256).toBe((await snapshotOf(files.slice(0, 3))).blob.sha256);
  });

  it('refuses corrupt, encrypted, escaping and truncated archives, naming the upload', async () => {
    const good = makeZip([{ name: 'a.txt', data: 'hello world' }]);
    const corrupt = Buffer.from(good);
    corrupt[30 + 'a.txt'.length] ^= 0xff; // flip a data byte: the CRC no longer matches
    await expect(readZip(corrupt)).rejects.toThrow(/code: the zip archive entry "a.txt" is corrupt/);
    await expect(readZip(makeZip([{ name: 'a.txt', data: 'x' }], { encrypt: true }))).rejects.toThrow(/encrypted/);
    await expect(readZip(makeZip([{ name: '../../etc/passwd', data: 'x' }]))).rejects.toThrow(/leaves its folder/);
    await expect(readZip(makeZip([{ name: '/abs.txt', data: 'x' }]))).rejects.toThrow(/absolute path/);
    await expect(readZip(good.subarray(0, 20))).rejects.toThrow(/no central directory/);
  });
});

describe('uploads', () => {
  const form = (parts: Array<[string, string, string]>) => ({
    fields: {},
    files: parts.map(([field, filename, content]) => ({ field, filename, type: 'application/octet-stream', data: Buffer.from(content) })),
    canonical: '',
  });

  it('find the code folder however it was picked: by its path in the job, or as a folder of its own', async () => {
    const up = uploadFromMultipart(form([['files', 'src/main.py', 'm'], ['files', 'src/lib/u.py', 'u'], ['files', 'data/iris.csv', 'c']]));
    expect((await codeFilesFor(up, './src')).map((f) => f.path).sort()).toEqual(['lib/u.py', 'main.py']);
    expect((await codeFilesFor(up, '../../src')).map((f) => f.path).sort()).toEqual(['lib/u.py', 'main.py']);
    expect(await codeFilesFor(up, 'other')).toEqual([]);
    expect((await codeFilesFor(up, '.')).length).toBe(3);
    expect(inputFileFor(up, './data/iris.csv')?.data.toString()).toBe('c');
    expect(inputFileFor(up, 'data/missing.csv')).toBeUndefined();
  });

  it('refuse paths that leave the folder and unknown upload fields', () => {
    expect(() => uploadFromMultipart(form([['files', '../secret', 'x']]))).toThrow(/leaves its folder/);
    expect(() => uploadFromMultipart(form([['attachment', 'a.py', 'x']]))).toThrow(/attachment: unknown upload field/);
    expect(normalizeRelativePath('./a//b/./c.py')).toEqual({ ok: true, path: 'a/b/c.py' });
    expect(normalizeRelativePath('a\\b.py')).toEqual({ ok: true, path: 'a/b.py' });
  });
});

describe('fetch tokens', () => {
  const job = '6f1c2a9e-4b7d-4c1e-9a0b-3d2e1f0a9b8c';
  it('open one job until they expire, and cannot be forged or moved to another job', () => {
    const now = Date.parse('2026-11-28T12:00:00Z');
    const t = issueFetchToken(job, now, 3600);
    expect(verifyFetchToken(t, now + 1000)).toMatchObject({ ok: true, jobId: job });
    expect(verifyFetchToken(t, now + 3601_000)).toEqual({ ok: false, reason: 'the token has expired' });
    const other = t.replace(job, '00000000-4b7d-4c1e-9a0b-3d2e1f0a9b8c');
    expect(verifyFetchToken(other, now)).toEqual({ ok: false, reason: 'the token is not valid' });
    const later = t.replace(/\.(\d+)\./, (_m, e) => `.${Number(e) + 86400}.`);
    expect(verifyFetchToken(later, now)).toEqual({ ok: false, reason: 'the token is not valid' });
    expect(verifyFetchToken('hm_api_token_of_a_user', now).ok).toBe(false);
    expect(sha256Hex(Buffer.from(''))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
