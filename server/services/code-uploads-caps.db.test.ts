// Archive bombs through the real HTTP surface (issue 18): a zip or tar.gz that inflates to 1 GiB is refused
// quickly — on a dry run of POST /jobs and on POST /code — with a 413 naming `code` and the numbers, and
// nothing is written; a legit archive still gives the snapshot (sha256) it gave before.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { call, createCast, type Cast } from '@/test/fixtures';
import { makeZip } from '@/test/zip-writer';
import { tarGzBomb, tarGzManyPieces, zipBomb } from '@/test/archive-bombs';
import { codeAssets } from '../db/schema';
import { resetEnvCache } from '../env';
import * as jobsRoute from '@/app/api/v1/workspaces/[workspace]/jobs/route';
import * as codeRoute from '@/app/api/v1/workspaces/[workspace]/code/route';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-code-caps-'));
process.env.HARBORMASTER_SECRET_KEY = Buffer.alloc(32, 6).toString('base64');
process.env.HARBORMASTER_DATA_DIR = dataDir;
process.env.HARBORMASTER_PUBLIC_URL = 'https://harbormaster.example.com';
delete process.env.HARBORMASTER_MAX_CODE_BYTES;
resetEnvCache();

let cast: Cast;
beforeAll(async () => {
  cast = await createCast();
});
afterAll(async () => {
  await cast?.cleanup();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const JOB = `command: python main.py
code: src
environment: {image: python:3.11-slim}
compute: azureml:cpu-cluster
`;

function form(archive: Buffer, name: string, job?: string) {
  const f = new FormData();
  if (job) f.append('job', job);
  f.append('code', new Blob([new Uint8Array(archive)]), name);
  return f;
}

const post = (handler: unknown, url: string, f: FormData) =>
  call(handler as never, { method: 'POST', path: url, token: cast.users.dsVision.token, formData: f, params: { workspace: 'vision' } });

const stored = () => (fs.existsSync(path.join(dataDir, 'code')) ? fs.readdirSync(path.join(dataDir, 'code')).sort() : []);
const rows = async () => (await cast.db.db.select({ n: count() }).from(codeAssets))[0].n;

async function expectRefused(r: Awaited<ReturnType<typeof post>>, started: number, kind: 'zip' | 'tar', detail: RegExp) {
  expect(r.status).toBe(413);
  expect(r.json.code).toBe('payload_too_large');
  expect(r.json.detail).toMatch(new RegExp(`^code: the ${kind} archive unpacks to more than 104857600 bytes \\(100 MiB\\)`));
  expect(r.json.detail).toMatch(detail);
  expect(r.json.errors).toEqual([{ path: 'code', message: expect.stringMatching(/more than 104857600 bytes/) }]);
  expect(performance.now() - started).toBeLessThan(5000);
}

describe('archive bombs', () => {
  const cases: Array<[string, () => Promise<Buffer>, string, 'zip' | 'tar', RegExp]> = [
    ['a zip of 1 GiB of zeros', () => zipBomb(), 'src.zip', 'zip', /"src\/bomb\.bin" alone declares 1073741824 bytes/],
    ['a tar.gz of 1 GiB of zeros', tarGzBomb, 'src.tar.gz', 'tar', /"src\/bomb\.bin" alone declares 1073741824 bytes/],
    ['a tar.gz of 1,024 files of 1 MiB', tarGzManyPieces, 'src.tar.gz', 'tar', /\(the limit\)/],
  ];

  for (const [what, make, name, kind, detail] of cases) {
    it(`${what}: refused on a job dry run and on POST /code, nothing written`, async () => {
      const bomb = await make();
      expect(bomb.length).toBeLessThan(8 * 1024 * 1024);
      const filesBefore = stored();
      const rowsBefore = await rows();

      let t = performance.now();
      const dry = await post(jobsRoute.POST, '/api/v1/workspaces/vision/jobs?dryRun=true', form(bomb, name, JOB));
      await expectRefused(dry, t, kind, detail);

      t = performance.now();
      const up = await post(codeRoute.POST, '/api/v1/workspaces/vision/code', form(bomb, name));
      await expectRefused(up, t, kind, detail);

      expect(stored()).toEqual(filesBefore);
      expect(await rows()).toBe(rowsBefore);
    });
  }

  it('a zip lying about its size (declares 10 bytes) is refused at the 11th byte with a 400 naming code', async () => {
    const r = await post(codeRoute.POST, '/api/v1/workspaces/vision/code', form(await zipBomb(10), 'src.zip'));
    expect(r.status).toBe(400);
    expect(r.json.errors).toEqual([{ path: 'code', message: expect.stringMatching(/entry "src\/bomb\.bin" has more bytes than the 10 its directory says/) }]);
  });
});

describe('a legit archive', () => {
  it('gives the snapshot it gave before the streaming readers (same sha256)', async () => {
    const zip = makeZip([
      { name: 'main.py', data: 'print(1)\n', method: 'deflate' },
      { name: 'lib/util.py', data: 'x = 2\n', mode: 0o100755 },
    ]);
    const r = await post(codeRoute.POST, '/api/v1/workspaces/vision/code', form(zip, 'src.zip'));
    expect(r.status).toBe(201);
    // computed with the synchronous reader and packer of 08440d6
    expect(r.json.sha256).toBe('c50679085aa617366418ca15a44fc985d6ff20d9389465fd5e9df4dadc175e9f');
    expect(stored()).toContain(r.json.sha256);
  });
});
