// RBAC matrix of the Azure ML–compatible API: every /arm/ route (the table server/arm-api/routes.ts, not a
// hand-written list) × every kind of caller, through the real route handler, against the permission table.
// A write must name a registered action and be refused — and audited as denied under that action's name — for
// whoever the table refuses; a read must answer only callers the table allows, and hide other workspaces (404).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desc } from 'drizzle-orm';
import { PERMISSIONS, type PermissionRule } from '@/lib/rbac/permissions';
import { CALLERS, expectedAllowed, type Who } from '@/test/rbac';
import { call, createCast, type Cast } from '@/test/fixtures';
import { resetEnvCache } from '../env';
import { auditEvents } from '../db/schema';
import { resetDenialLimits } from '../audit/denials';
import { getAction } from '../actions/registry';
import { ARM_ROUTES } from './routes';
import * as armRoute from '@/app/arm/[...path]/route';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-arm-rbac-'));
process.env.HARBORMASTER_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');
process.env.HARBORMASTER_DATA_DIR = dataDir;
resetEnvCache();

const WS = '/arm/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.MachineLearningServices/workspaces/vision';

let cast: Cast;
beforeAll(async () => {
  cast = await createCast();
});
afterAll(async () => {
  await cast?.cleanup();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function pathOf(route: (typeof ARM_ROUTES)[number]): string {
  const params = route.example.route ?? {};
  const rest = route.path.replace(/\{(\w+)\}/g, (_, k: string) => {
    if (!(k in params)) throw new Error(`example of ${route.method} ${route.path} lacks ${k}`);
    return encodeURIComponent(params[k]);
  });
  return `${WS}${rest}?api-version=2024-10-01-preview`;
}

async function send(route: (typeof ARM_ROUTES)[number], who: Who) {
  const handler = (armRoute as unknown as Record<string, Parameters<typeof call>[0]>)[route.method];
  return call(handler, {
    method: route.method,
    path: pathOf(route),
    token: who === 'anonymous' ? undefined : cast.users[who].token,
    ...(route.example.body !== undefined ? { body: route.example.body } : {}),
  });
}

describe('the /arm/ route table', () => {
  it('has routes, each with an example; every write names a registered action, every read a permission', () => {
    expect(ARM_ROUTES.length).toBeGreaterThan(2);
    for (const r of ARM_ROUTES) {
      const what = `${r.method} ${r.path || '(workspace)'}`;
      expect(r.example, what).toBeDefined();
      if (r.method === 'GET') expect(r.permission, `${what} names a permission`).toBeDefined();
      else {
        expect(r.action, `${what} names its action`).toBeDefined();
        expect(getAction(r.action!), `${what}: action ${r.action} is registered`).toBeDefined();
      }
      if (r.permission) expect(PERMISSIONS, what).toHaveProperty([r.permission]);
    }
  });

  for (const who of CALLERS) {
    it(`enforces the permission table for ${who} on every route`, async () => {
      for (const r of ARM_ROUTES) {
        const what = `${who}: ${r.method} ${r.path || '(workspace)'}`;
        const permission = r.action ? getAction(r.action)!.permission : r.permission!;
        const allowed = expectedAllowed(PERMISSIONS[permission as keyof typeof PERMISSIONS] as PermissionRule, who, 'vision');
        resetDenialLimits();
        const before = (await cast.db.db.select({ id: auditEvents.id }).from(auditEvents).orderBy(desc(auditEvents.id)).limit(1))[0]?.id ?? 0;
        const res = await send(r, who);
        expect(res.status, `${what} never 500: ${res.text}`).toBeLessThan(500);
        expect(res.json?.error?.code, `${what}: ARM error shape on failure (${res.text})`).toSatisfy((c: unknown) => res.status < 400 || typeof c === 'string');
        if (allowed) {
          expect([401, 403], `${what} should be allowed (got ${res.status}: ${res.text})`).not.toContain(res.status);
          expect(res.text, `${what} sees the workspace`).not.toMatch(/workspace vision not found/);
        } else {
          expect(who === 'anonymous' ? [401] : [403, 404], `${what} must be refused (got ${res.status}: ${res.text})`).toContain(res.status);
          if (r.action) {
            const [last] = await cast.db.db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(1);
            expect(last?.id, `${what}: the refusal is audited`).toBeGreaterThan(before);
            expect(last.action, what).toBe(r.action);
            expect(last.outcome, what).toBe('denied');
          }
        }
      }
    });
  }
});
