// Test fixtures: a fresh database with the usual cast (ops admin, two data scientists, an auditor,
// workspaces vision and forecasting) and helpers to call route handlers like a client would.
import { randomUUID } from 'node:crypto';
import { NextRequest } from 'next/server';
import YAML from 'yaml';
import { createTestDb, type TestDb } from '@/server/db/test-db';
import { useDatabaseForTests } from '@/server/db';
import { createLocalUser, principalFor, type UserRow } from '@/server/auth/users';
import { issueToken } from '@/server/auth/tokens';
import { memberships, workspaces } from '@/server/db/schema';
import type { Caller } from '@/server/actions/run';
import type { Principal } from '@/lib/rbac/permissions';
import { markClientIpHeaderSet } from '@/server/http/client-address.mjs';

// Tests call route handlers directly, standing in for server.mjs: the client address is whatever a test puts into
// x-harbormaster-client-ip (clientIpHeaders(ip) from server/http/client-ip.ts); without it the client is unknown.
markClientIpHeaderSet();

export interface Cast {
  db: TestDb;
  users: Record<'admin' | 'dsVision' | 'dsForecasting' | 'auditor', { user: UserRow; principal: Principal; token: string }>;
  caller(who: keyof Cast['users'] | null): Caller;
  cleanup(): Promise<void>;
}

export const PASSWORD = 'correct-horse-battery-staple';

export async function createCast(): Promise<Cast> {
  const db = await createTestDb();
  useDatabaseForTests(db);
  const [vision] = await db.db.insert(workspaces).values({ name: 'vision', displayName: 'Vision' }).returning();
  const [forecasting] = await db.db.insert(workspaces).values({ name: 'forecasting', displayName: 'Forecasting' }).returning();
  const mk = async (email: string, role: 'ops_admin' | 'auditor' | null, ws?: string) => {
    const user = await createLocalUser(db.db, { email, password: PASSWORD, globalRole: role });
    if (ws) await db.db.insert(memberships).values({ workspaceId: ws, userId: user.id });
    const { token } = await issueToken(db.db, user.id, 'test', null);
    return { user, principal: await principalFor(db.db, user), token };
  };
  const users = {
    admin: await mk('admin@example.com', 'ops_admin'),
    dsVision: await mk('dana@example.com', null, vision.id),
    dsForecasting: await mk('farid@example.com', null, forecasting.id),
    auditor: await mk('audrey@example.com', 'auditor'),
  };
  return {
    db,
    users,
    caller: (who) => ({
      db: db.db,
      user: who ? users[who].user : null,
      principal: who ? users[who].principal : null,
      requestId: randomUUID(),
      ip: '127.0.0.1',
      via: 'api',
    }),
    async cleanup() {
      useDatabaseForTests(undefined);
      await db.cleanup();
    },
  };
}

/** A kubeconfig for a cluster nobody answers for (port 1 on loopback): register it with allowUnreachable. */
export function unreachableKubeconfig(): string {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }],
    users: [{ name: 'u', user: { token: 'not-a-real-token-0123456789' } }],
    contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'c',
  });
}

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** Calls a route handler with a real Request, as an HTTP client would. */
export async function call(
  handler: Handler,
  opts: { method?: string; path?: string; token?: string; body?: unknown; rawBody?: string; formData?: FormData; headers?: Record<string, string>; params?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | FormData | undefined = opts.formData ?? opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const req = new NextRequest(`http://127.0.0.1${opts.path ?? '/api/v1/test'}`, { method: opts.method ?? (body ? 'POST' : 'GET'), headers, body });
  const res = await handler(req, { params: Promise.resolve(opts.params ?? {}) });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}
