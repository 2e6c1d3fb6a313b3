import 'server-only';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db';
import { isAppError } from '../errors';
import { logger } from '../logger';
import { runAdminCommand } from './commands';

// The console's loopback admin endpoint: while the console holds the embedded database, the admin CLI
// cannot open it, so it sends its command here. Listens on 127.0.0.1 only; authenticated by a random secret
// in a file only the data directory's owner can read (mode 0600).
export const ENDPOINT_FILE = 'admin-endpoint.json';
export const SECRET_FILE = 'admin.secret';

const g = globalThis as unknown as { __hmAdminServer?: http.Server };

export async function startAdminEndpoint(db: Db, dataDir: string): Promise<number> {
  if (g.__hmAdminServer) return (g.__hmAdminServer.address() as { port: number }).port;
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('base64url');
  const secretFile = path.join(dataDir, SECRET_FILE);
  fs.rmSync(secretFile, { force: true });
  fs.writeFileSync(secretFile, secret, { mode: 0o600 });
  const expected = Buffer.from(`Bearer ${secret}`);
  const server = http.createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const got = Buffer.from(req.headers.authorization ?? '');
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) return send(401, { error: 'bad admin secret' });
    if (req.method !== 'POST') return send(405, { error: 'POST only' });
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => {
      body += c;
      if (body.length > 64 * 1024) req.destroy();
    });
    req.on('end', async () => {
      try {
        const { command, args } = JSON.parse(body);
        const out = await runAdminCommand(db, String(command), args ?? {});
        send(200, out);
      } catch (e) {
        if (!isAppError(e)) logger.error({ err: e }, 'admin endpoint');
        send(isAppError(e) ? e.status : 500, { error: isAppError(e) ? e.message : 'internal error; see the console log' });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const port = (server.address() as { port: number }).port;
  fs.writeFileSync(path.join(dataDir, ENDPOINT_FILE), JSON.stringify({ pid: process.pid, port }), { mode: 0o600 });
  g.__hmAdminServer = server;
  return port;
}
