// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // Tests build into their own directory so a running demo (.next) is never rebuilt under its feet.
  distDir: process.env.HARBORMASTER_DIST_DIR || '.next',
  // Types are checked by `npm run typecheck` (part of `npm test`), not a second time inside `next build`.
  typescript: { ignoreBuildErrors: true },
  // Native / WASM / Node-only packages stay outside the bundle (loaded by Node at run time).
  serverExternalPackages: [
    '@electric-sql/pglite',
    '@node-rs/argon2',
    '@kubernetes/client-node',
    'pino',
    'pg',
    'prom-client',
    '@azure/msal-node',
    '@azure/arm-machinelearning',
    '@azure/identity',
  ],
  // Keep the build away from test output and data directories.
  outputFileTracingExcludes: { '*': ['.data/**', '.testbed/**', 'test-results/**'] },
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'X-Frame-Options', value: 'DENY' },
          // API routes, /metrics and static files: JSON and assets need no more. Pages get the full policy with a
          // per-request script nonce from proxy.ts, which replaces this header.
          { key: 'Content-Security-Policy', value: "frame-ancestors 'none'" },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
      {
        // Served over https (a TLS-terminating proxy in front says so): browsers keep to https for a year.
        // Browsers ignore the header on plain http, so a client that sends this header itself gains nothing.
        source: '/:path*',
        has: [{ type: 'header', key: 'x-forwarded-proto', value: 'https' }],
        headers: [{ key: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains' }],
      },
    ];
  },
  experimental: { serverActions: { bodySizeLimit: '1mb' }, authInterrupts: true },
};
export default nextConfig;
