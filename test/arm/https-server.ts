// The console's /arm/ route handler behind a loopback HTTPS server, for tests that drive it with the official
// Python SDK (azure-core sends bearer tokens over HTTPS only). Requests go to app/arm/[...path]/route.ts exactly as
// Next would call it; the certificate comes from testbed/local-tls.mjs (trust it with REQUESTS_CA_BUNDLE=caFile).
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { NextRequest } from 'next/server';
import { ensureLocalTls } from '@/testbed/local-tls.mjs';
import * as armRoute from '@/app/arm/[...path]/route';

export interface ArmTestServer {
  /** e.g. https://127.0.0.1:41234 */
  origin: string;
  caFile: string;
  /** Every request seen: method, path and query, status. */
  requests: Array<{ method: string; url: string; status: number }>;
  close(): Promise<void>;
}

export async function startArmHttps(tlsDir: string): Promise<ArmTestServer> {
  const tls = ensureLocalTls(tlsDir);
  const requests: ArmTestServer['requests'] = [];
  const server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, async (req, res) => {
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      const url = `https://${req.headers.host}${req.url}`;
      const method = req.method ?? 'GET';
      const handler = (armRoute as unknown as Record<string, (r: NextRequest, c: { params: Promise<Record<string, string[]>> }) => Promise<Response>>)[method];
      const r = handler
        ? await handler(new NextRequest(url, { method, headers, body: body && !['GET', 'HEAD'].includes(method) ? body : undefined }), { params: Promise.resolve({ path: (req.url ?? '').split('?')[0].split('/').slice(2) }) })
        : new Response(JSON.stringify({ error: { code: 'MethodNotAllowed', message: method } }), { status: 405 });
      requests.push({ method, url: req.url ?? '', status: r.status });
      const out = Buffer.from(await r.arrayBuffer());
      res.writeHead(r.status, Object.fromEntries(r.headers.entries()));
      res.end(out);
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(e));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `https://127.0.0.1:${port}`,
    caFile: tls.caFile,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
