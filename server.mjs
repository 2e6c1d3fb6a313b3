#!/usr/bin/env node
// The console's production server: `npm start`, `npm run demo` and the e2e runner start this instead of
// `next start`. It is Next's own request handler behind a plain Node HTTP server that knows the socket, so the
// console can tell who its client is:
//   - the client address is the socket's peer, or — when the peer is a trusted proxy
//     (HARBORMASTER_TRUSTED_PROXIES, none by default, loopback neither) — the right-most X-Forwarded-For address
//     that is not a trusted proxy (server/http/client-address.mjs);
//   - it is written into the private header x-harbormaster-client-ip after any client-sent copy is dropped, and
//     server/http/client-ip.ts is the one place the app reads it.
// Usage: node server.mjs [-p PORT] [-H HOSTNAME]   (defaults: $PORT or 3000; all interfaces)
// HTTPS as well (the Azure ML SDK sends its bearer token over HTTPS only; server/arm-api): a second listener on
// HARBORMASTER_HTTPS_PORT (+ HARBORMASTER_HTTPS_HOST, default the HTTP host) with HARBORMASTER_TLS_CERT_FILE and
// HARBORMASTER_TLS_KEY_FILE (PEM, checked at start: server/http/https-config.mjs). Same handler and client-address
// rules; route handlers see its requests as https (a client-sent X-Forwarded-Proto counts only from a trusted proxy).
// The build directory is HARBORMASTER_DIST_DIR (next.config.js), `.next` unless set. SIGTERM/SIGINT: the server
// stops accepting connections and the console stops its runtime (server/bootstrap.ts) before the process exits.
// Plain Node ESM, no build step.
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nextEnv from '@next/env';
import { isTrustedProxy, markClientIpHeaderSet, normalizeAddress, parseTrustedProxies, setClientIpHeader } from './server/http/client-address.mjs';
import { markHttpsRequest, readHttpsConfig } from './server/http/https-config.mjs';

const dir = path.dirname(fileURLToPath(import.meta.url));

function arg(short, long) {
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === short || argv[i] === long) return argv[i + 1];
    if (argv[i].startsWith(`${long}=`)) return argv[i].slice(long.length + 1);
  }
  return undefined;
}

process.env.NODE_ENV = 'production';
// .env files as `next start` reads them (Next reads them again; variables already set win).
nextEnv.loadEnvConfig(dir, false, { info: () => undefined, error: console.error });

let trusted;
try {
  trusted = parseTrustedProxies(process.env.HARBORMASTER_TRUSTED_PROXIES);
} catch (e) {
  console.error(`\nHarbormaster cannot start: Invalid configuration:\n  HARBORMASTER_TRUSTED_PROXIES: ${e.message}\n`);
  process.exit(1);
}
const port = Number(arg('-p', '--port') ?? process.env.PORT ?? 3000);
// Not $HOSTNAME: shells and containers set it to the machine's name.
const hostname = arg('-H', '--hostname');
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`\nHarbormaster cannot start: the port must be a number from 0 to 65535 (got ${port}).\n`);
  process.exit(1);
}
process.env.PORT = String(port);
let tls;
try {
  tls = readHttpsConfig(process.env, { httpPort: port, httpHost: hostname });
} catch (e) {
  console.error(`\nHarbormaster cannot start: Invalid configuration:\n  ${e.message}\n`);
  process.exit(1);
}
if (tls && tls.notAfter.getTime() < Date.now()) console.warn(`Warning: the certificate in HARBORMASTER_TLS_CERT_FILE (${tls.certFile}) expired on ${tls.notAfter.toISOString()}`);

markClientIpHeaderSet();
const { default: next } = await import('next');
const app = next({ dev: false, dir, hostname: hostname ?? 'localhost', port });
let handle;
// Listen first (as `next start` does); requests wait until Next is prepared (instrumentation: bootstrap).
const prepared = app.prepare().then(() => {
  handle = app.getRequestHandler();
});
prepared.catch((err) => {
  console.error('\nHarbormaster cannot start:', err);
  process.exit(1);
});

async function onRequest(req, res) {
  try {
    setClientIpHeader(req, trusted);
    if (req.socket.encrypted) markHttpsRequest(req, isTrustedProxy(normalizeAddress(req.socket.remoteAddress) ?? '', trusted));
    if (!handle) await prepared;
    await handle(req, res);
  } catch (err) {
    console.error(`Failed to handle request for ${req.url}`, err);
    if (!res.headersSent) {
      res.statusCode = 500;
      res.end('Internal Server Error');
    }
  }
}

const proxies = trusted.entries.length ? `trusting X-Forwarded-For from ${trusted.entries.join(', ')}` : 'no trusted proxies';
function shownAddress(server) {
  const a = server.address();
  return typeof a === 'object' && a ? `${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}` : String(a);
}
const servers = [];
function listen(server, scheme, listenPort, listenHost) {
  servers.push(server);
  server.on('error', (err) => {
    console.error(`\nHarbormaster cannot start: ${scheme.toUpperCase()} listener: ${err.message}\n`);
    process.exit(1);
  });
  server.listen(listenPort, listenHost, () => console.log(`Harbormaster listening on ${scheme}://${shownAddress(server)} (${proxies})`));
}
listen(http.createServer(onRequest), 'http', port, hostname);
if (tls) listen(https.createServer({ cert: tls.cert, key: tls.key }, onRequest), 'https', tls.port, tls.host);

// Graceful stop: no new connections on either listener; server/bootstrap.ts (installShutdown) stops the runtime and exits. If the
// console never got that far (still preparing, or failed), exit here; a stop that hangs is cut after 30 s.
const stop = (signal) => {
  for (const server of servers) {
    server.close();
    server.closeIdleConnections?.();
  }
  const code = signal === 'SIGINT' ? 130 : 0;
  if (!globalThis.__hmShutdown) setImmediate(() => process.exit(code));
  setTimeout(() => process.exit(code), 30_000).unref();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
