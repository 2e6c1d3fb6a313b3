import 'server-only';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../errors';

// PGlite allows one process per data directory and does not enforce it (two processes on one directory
// silently lose committed data), so whoever opens the embedded database holds this lock for its lifetime.
export const LOCK_FILE = 'harbormaster.lock';

export interface LockInfo {
  pid: number;
  hostname: string;
  startedAt: string;
  purpose: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLock(dataDir: string): LockInfo | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')) as LockInfo;
  } catch {
    return null;
  }
}

/** The live holder of the lock (other than this process), if any. */
export function lockHolder(dataDir: string): LockInfo | null {
  const info = readLock(dataDir);
  if (!info) return null;
  if (info.pid === process.pid) return null;
  if (info.hostname === os.hostname() && !alive(info.pid)) return null;
  return info;
}

/** Takes the lock or throws a clear error naming the holder. A stale lock from a dead process is taken over. */
export function acquireDataDirLock(dataDir: string, purpose: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, hostname: os.hostname(), startedAt: new Date().toISOString(), purpose };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(mine), { flag: 'wx', mode: 0o600 });
      return () => releaseDataDirLock(dataDir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const info = readLock(dataDir);
      if (info && info.pid === process.pid) return () => releaseDataDirLock(dataDir);
      if (info && (info.hostname !== os.hostname() || alive(info.pid))) {
        throw new AppError(
          'conflict',
          `The data directory ${dataDir} is in use by process ${info.pid} (${info.purpose}, started ${info.startedAt}` +
            `${info.hostname !== os.hostname() ? ` on ${info.hostname}` : ''}). Only one process may open the embedded database: ` +
            `stop that process, or use the running console (the admin CLI does this by itself).`,
        );
      }
      // Stale (dead holder) or unreadable: take it over.
      try {
        fs.unlinkSync(file);
      } catch {
        /* raced with another taker; retry */
      }
    }
  }
  throw new AppError('conflict', `Could not take the lock on ${dataDir}`);
}

export function releaseDataDirLock(dataDir: string) {
  const info = readLock(dataDir);
  if (info && info.pid === process.pid) {
    try {
      fs.unlinkSync(path.join(dataDir, LOCK_FILE));
    } catch {
      /* already gone */
    }
  }
}
