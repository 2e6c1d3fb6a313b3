// Archive bombs for tests: small uploads that inflate to 1 GiB of zeros. Built with streaming zlib at level 1
// (about half a second each, a few MiB) and cached for the test file that asks.
import { createDeflateRaw, createGzip, type DeflateRaw, type Gzip } from 'node:zlib';
import { makeZip } from './zip-writer';

export const GIB = 1024 * 1024 * 1024;

async function squeeze(stream: DeflateRaw | Gzip, parts: Array<Buffer | { zeros: number }>): Promise<Buffer> {
  const out: Buffer[] = [];
  stream.on('data', (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  const chunk = Buffer.alloc(16 * 1024 * 1024);
  for (const p of parts) {
    if (Buffer.isBuffer(p)) {
      if (!stream.write(p)) await new Promise((r) => stream.once('drain', r));
      continue;
    }
    for (let left = p.zeros; left > 0; left -= chunk.length) {
      if (!stream.write(left >= chunk.length ? chunk : chunk.subarray(0, left))) await new Promise((r) => stream.once('drain', r));
    }
  }
  stream.end();
  await done;
  return Buffer.concat(out);
}

let zeros: Promise<Buffer> | undefined;
/** 1 GiB of zeros, raw-deflated (about 4.5 MiB). */
export function deflatedGiB(): Promise<Buffer> {
  zeros ??= squeeze(createDeflateRaw({ level: 1 }), [{ zeros: GIB }]);
  return zeros;
}

/** A zip whose one entry inflates to 1 GiB; `declared` is the size its headers claim (the truth by default). */
export async function zipBomb(declared = GIB): Promise<Buffer> {
  return makeZip([{ name: 'src/main.py', data: '' }, { name: 'src/bomb.bin', data: '', raw: { packed: await deflatedGiB(), size: declared, crc: 0 } }]);
}

function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  h.write('00000000000\0', 136, 'latin1');
  h.fill(0x20, 148, 156);
  h.write('0', 156, 'latin1');
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}

let tarBomb: Promise<Buffer> | undefined;
/** A tar.gz of one file of 1 GiB of zeros (honest headers), about 4.5 MiB. */
export function tarGzBomb(): Promise<Buffer> {
  tarBomb ??= squeeze(createGzip({ level: 1 }), [tarHeader('src/main.py', 0), tarHeader('src/bomb.bin', GIB), { zeros: GIB + 1024 }]);
  return tarBomb;
}

let piecesBomb: Promise<Buffer> | undefined;
/** A tar.gz of 1,024 files of 1 MiB of zeros each (every header small and honest; only the total is huge). */
export function tarGzManyPieces(): Promise<Buffer> {
  piecesBomb ??= (async () => {
    const parts: Array<Buffer | { zeros: number }> = [];
    for (let i = 0; i < 1024; i++) parts.push(tarHeader(`src/part-${i}.bin`, 1024 * 1024), { zeros: 1024 * 1024 });
    parts.push({ zeros: 1024 });
    return squeeze(createGzip({ level: 1 }), parts);
  })();
  return piecesBomb;
}
