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
          { key: 'Content-Security-Policy', value: "frame-ancestors 'none'" },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
  experimental: { serverActions: { bodySizeLimit: '1mb' }, authInterrupts: true },
};
export default nextConfig;
