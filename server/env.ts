import 'server-only';
import path from 'node:path';
import { z } from 'zod';
import { parseTrustedProxies, type TrustedProxies } from './http/client-address.mjs';
import { parseHttpsPort } from './http/https-config.mjs';

// The one place configuration is read (DESIGN §5.7). Every variable is listed in .env.example.
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const boolDefaultTrue = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === undefined || v === '' || v === 'true' || v === '1' || v === 'yes');

/** `Key=value,Key=value` (a key may repeat: one group can grant several workspaces). */
function pairList(what: string, checkValue: (v: string) => string | null) {
  return z
    .string()
    .optional()
    .transform((v, ctx): Array<[string, string]> => {
      const out: Array<[string, string]> = [];
      for (const part of (v ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
        const eq = part.lastIndexOf('=');
        const key = eq > 0 ? part.slice(0, eq).trim() : '';
        const value = eq > 0 ? part.slice(eq + 1).trim() : '';
        const problem = !key || !value ? `"${part}" is not ${what}=<value>` : checkValue(value);
        if (problem) {
          ctx.addIssue({ code: 'custom', message: problem });
          return z.NEVER;
        }
        out.push([key, value]);
      }
      return out;
    });
}
const WORKSPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/;
export const ENTRA_ROLE_TARGETS = ['ops_admin', 'auditor', 'data_scientist'] as const;

const schema = z.object({
  HARBORMASTER_DATA_DIR: z.string().default('.data'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  HARBORMASTER_SECRET_KEY: z.string().optional(),
  /**
   * Ed25519 private key (PKCS#8, PEM or base64 DER) that signs the audit chain's checkpoints and head
   * (server/audit/signing.ts). Unset: derived from HARBORMASTER_SECRET_KEY when that is set, else a key file
   * created once in the data directory (mode 0600).
   */
  HARBORMASTER_AUDIT_SIGNING_KEY: z.string().optional(),
  HARBORMASTER_ADMIN_EMAIL: z.string().email().optional(),
  HARBORMASTER_ADMIN_PASSWORD: z.string().optional(),
  HARBORMASTER_PUBLIC_URL: z.string().url().optional(),
  HARBORMASTER_SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(8 * 60),
  HARBORMASTER_SESSION_ABSOLUTE_HOURS: z.coerce.number().int().positive().default(7 * 24),
  /** Days until an API token created without an expiry expires; 0: such tokens never expire. */
  HARBORMASTER_TOKEN_DEFAULT_DAYS: z.coerce
    .number({ message: 'must be a whole number of days (0: tokens created without an expiry never expire)' })
    .int('must be a whole number of days')
    .min(0, 'must be 0 (never) or more days')
    .max(3650, 'at most 3650 days')
    .default(90),
  /** Most bytes one code upload (archive or loose files) may unpack to; over it → 413 naming `code`/`files`. */
  HARBORMASTER_MAX_CODE_BYTES: z.coerce
    .number({ message: 'must be a whole number of bytes (e.g. 104857600 for 100 MiB)' })
    .int('must be a whole number of bytes')
    .min(1024, 'at least 1024 bytes')
    .max(1024 * 1024 * 1024, 'at most 1 GiB (1073741824)')
    .default(100 * 1024 * 1024),
  /**
   * Comma-separated IP addresses / CIDR ranges of the reverse proxies whose X-Forwarded-For is believed
   * (server.mjs, server/http/client-address.mjs). Unset: none, loopback neither — the socket peer is the client.
   */
  HARBORMASTER_TRUSTED_PROXIES: z
    .string()
    .optional()
    .transform((v, ctx): TrustedProxies => {
      try {
        return parseTrustedProxies(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    }),
  /**
   * The HTTPS listener of server.mjs (server/http/https-config.mjs checks all four at start): its port (unset: none),
   * its address (unset: the HTTP listener's), the certificate (PEM, then intermediates) and its unencrypted key.
   */
  HARBORMASTER_HTTPS_PORT: z
    .string()
    .optional()
    .transform((v, ctx): number | null => {
      try {
        return parseHttpsPort(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    }),
  HARBORMASTER_HTTPS_HOST: z.string().optional(),
  HARBORMASTER_TLS_CERT_FILE: z.string().optional(),
  HARBORMASTER_TLS_KEY_FILE: z.string().optional(),
  /**
   * PEM file of the private CA that issued the console's certificate, when it is not publicly trusted: the
   * "Use from Python" page tells SDK users to trust it (REQUESTS_CA_BUNDLE) and shows it.
   */
  HARBORMASTER_TLS_CA_FILE: z.string().optional(),
  /**
   * Where SDK users reach the Azure ML–compatible API (https://<host>[:port]/arm/), when the console cannot tell
   * (a TLS proxy in front of it). Unset: the page's own https origin, else an https HARBORMASTER_PUBLIC_URL, else
   * the HTTPS listener on the host the page was opened with (server/arm-api/python-page.ts).
   */
  HARBORMASTER_PUBLIC_ARM_URL: z
    .string()
    .url()
    .refine((v) => v.startsWith('https://'), 'must be an https:// URL (the Azure ML SDK sends its token over HTTPS only)')
    .refine((v) => URL.canParse(v) && /\/arm\/?$/.test(new URL(v).pathname) && !new URL(v).search && !new URL(v).hash, 'must end with /arm/ (e.g. https://harbormaster.example.com/arm/)')
    .transform((v) => (v.endsWith('/') ? v : `${v}/`))
    .optional(),
  /** Local accounts (email + password). false: only Entra ID sign-in (which must then be configured). */
  HARBORMASTER_LOCAL_ACCOUNTS: boolDefaultTrue,
  /**
   * Microsoft Entra ID sign-in (server/auth/entra.ts), or any OpenID Connect issuer through the same msal-node
   * code path: an https authority (e.g. https://login.microsoftonline.com/<tenant id>), the web app
   * registration's client id, and its secret or a PEM file holding its certificate and private key.
   */
  HARBORMASTER_ENTRA_AUTHORITY: z
    .string()
    .url()
    .refine((v) => v.startsWith('https://'), 'must be an https:// URL (msal-node refuses others)')
    .optional(),
  HARBORMASTER_ENTRA_CLIENT_ID: z.string().optional(),
  HARBORMASTER_ENTRA_CLIENT_SECRET: z.string().optional(),
  HARBORMASTER_ENTRA_CLIENT_CERT: z.string().optional(),
  /** Unset: <HARBORMASTER_PUBLIC_URL or http://127.0.0.1:$PORT>/api/auth/entra/callback. */
  HARBORMASTER_ENTRA_REDIRECT_URI: z.string().url().optional(),
  /** App role (ID token `roles`) → ops_admin | auditor | data_scientist | workspace:<name>. */
  HARBORMASTER_ENTRA_ROLE_MAP: pairList('<app role>', (v) =>
    (ENTRA_ROLE_TARGETS as readonly string[]).includes(v) || (v.startsWith('workspace:') && WORKSPACE_NAME.test(v.slice(10)))
      ? null
      : `"${v}" must be ops_admin, auditor, data_scientist or workspace:<workspace name>`,
  ).transform((v) => (v.length ? v : ([['OpsAdmin', 'ops_admin'], ['Auditor', 'auditor'], ['DataScientist', 'data_scientist']] as Array<[string, string]>))),
  /** Group id (ID token `groups`) → workspace name: membership as a data scientist. */
  HARBORMASTER_ENTRA_GROUP_MAP: pairList('<group id>', (v) => (WORKSPACE_NAME.test(v) ? null : `"${v}" is not a workspace name`)),
  /** PEM file of a CA to trust for the issuer (a local or private one), besides the system's and NODE_EXTRA_CA_CERTS. */
  HARBORMASTER_ENTRA_CA_FILE: z.string().optional(),
  /** `prompt` sent to the issuer: unset (the issuer decides), login, consent, select_account. */
  HARBORMASTER_ENTRA_PROMPT: z.enum(['login', 'consent', 'select_account', 'none']).optional(),
  HARBORMASTER_METRICS: bool,
  HARBORMASTER_DEMO: bool,
  HARBORMASTER_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PORT: z.coerce.number().int().positive().default(3000),
  /** Bytes of code storage each workspace may hold (each blob once); an upload over it → 413 naming `code`/`files`. */
  HARBORMASTER_CODE_QUOTA_BYTES: z.coerce
    .number({ message: 'must be a whole number of bytes (e.g. 10737418240 for 10 GiB)' })
    .int('must be a whole number of bytes')
    .min(1, 'must be at least 1 byte')
    .max(Number.MAX_SAFE_INTEGER, 'too large')
    .default(10 * 1024 * 1024 * 1024),
  /** How long a request waits for its own cluster changes before answering (202 while the cluster cannot be reached). */
  HARBORMASTER_REQUEST_WAIT_MS: z.coerce
    .number({ message: 'must be a whole number of milliseconds (e.g. 10000)' })
    .int('must be a whole number of milliseconds')
    .min(0, 'must be 0 or more')
    .max(120_000, 'must be at most 120000 (2 minutes)')
    .default(10_000),
  /** Test-only: the process kills itself (SIGKILL) right after this action commits, before its intents run. */
  HARBORMASTER_TEST_CRASH_AFTER_COMMIT: z.string().optional(),
});

export type Env = z.infer<typeof schema> & { dataDir: string };

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  // An empty variable means "not set" (shells and .env files often leave them empty).
  const raw = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== ''));
  const parsed = schema
    .superRefine((v, ctx) => {
      const entra = Object.keys(v).some((k) => k.startsWith('HARBORMASTER_ENTRA_') && !['HARBORMASTER_ENTRA_ROLE_MAP', 'HARBORMASTER_ENTRA_GROUP_MAP'].includes(k) && v[k as keyof typeof v] !== undefined);
      if (entra || v.HARBORMASTER_LOCAL_ACCOUNTS === false) {
        if (!v.HARBORMASTER_ENTRA_AUTHORITY) ctx.addIssue({ code: 'custom', path: ['HARBORMASTER_ENTRA_AUTHORITY'], message: v.HARBORMASTER_LOCAL_ACCOUNTS === false ? 'required when HARBORMASTER_LOCAL_ACCOUNTS=false (nobody could sign in)' : 'required for Entra ID sign-in' });
        if (!v.HARBORMASTER_ENTRA_CLIENT_ID) ctx.addIssue({ code: 'custom', path: ['HARBORMASTER_ENTRA_CLIENT_ID'], message: 'required for Entra ID sign-in' });
        if (!v.HARBORMASTER_ENTRA_CLIENT_SECRET === !v.HARBORMASTER_ENTRA_CLIENT_CERT) {
          ctx.addIssue({ code: 'custom', path: ['HARBORMASTER_ENTRA_CLIENT_SECRET'], message: 'set exactly one of HARBORMASTER_ENTRA_CLIENT_SECRET and HARBORMASTER_ENTRA_CLIENT_CERT' });
        }
      }
    })
    .safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${lines}`);
  }
  cached = { ...parsed.data, dataDir: path.resolve(parsed.data.HARBORMASTER_DATA_DIR) };
  return cached;
}

/** Tests change process.env between cases. */
export function resetEnvCache() {
  cached = undefined;
}
