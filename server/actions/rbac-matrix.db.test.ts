// RBAC matrix: every registered action × every kind of caller, through the real pipeline, against the
// permission table. The actions come from the registry (not a hand-written list), so adding an action
// without a permission entry, or a route that bypasses the pipeline, fails here.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desc } from 'drizzle-orm';
import { PERMISSIONS, type PermissionRule } from '@/lib/rbac/permissions';
import { CALLERS, expectedAllowed } from '@/test/rbac';
import { allActions, getAction } from './registry';
import { runAction } from './run';
import { auditEvents } from '../db/schema';
import { resetDenialLimits } from '../audit/denials';
import { isAppError } from '../errors';
import { createCast, type Cast } from '@/test/fixtures';

let cast: Cast;
beforeAll(async () => {
  cast = await createCast();
});
afterAll(async () => cast?.cleanup());

describe('RBAC matrix', () => {
  it('knows every action and every action has a permission from the table and a valid example', () => {
    const actions = allActions();
    expect(actions.length).toBeGreaterThan(10);
    for (const a of actions) {
      expect(PERMISSIONS, `action ${a.name}`).toHaveProperty([a.permission]);
      expect(a.input.safeParse(a.example).success, `example of ${a.name} must satisfy its schema`).toBe(true);
    }
  });

  for (const who of CALLERS) {
    it(`enforces the table for ${who} on every action`, async () => {
      for (const a of allActions()) {
        const rule = PERMISSIONS[a.permission] as PermissionRule;
        const example = a.example as Record<string, unknown>;
        const ws = rule.scope === 'workspace' ? (typeof example.workspace === 'string' ? example.workspace : undefined) : undefined;
        const allowed = expectedAllowed(rule, who, ws);
        let err: unknown = null;
        // Every denial must be written here: start each call with a fresh per-client budget.
        resetDenialLimits();
        try {
          await runAction(a.name, example, cast.caller(who === 'anonymous' ? null : who));
        } catch (e) {
          err = e;
        }
        const code = isAppError(err) ? err.code : err ? 'crash' : 'ok';
        if (allowed) {
          expect(['unauthorized', 'forbidden', 'crash', 'internal'], `${who} should be allowed ${a.name} (got ${code}: ${(err as Error)?.message})`).not.toContain(code);
        } else {
          expect(who === 'anonymous' ? ['unauthorized'] : ['forbidden', 'not_found'], `${who} must be denied ${a.name} (got ${code})`).toContain(code);
          const [last] = await cast.db.db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(1);
          expect(last.action).toBe(a.name);
          expect(last.outcome).toBe('denied');
        }
      }
    });
  }
});

describe('every mutating REST route goes through the action pipeline', () => {
  const root = path.join(process.cwd(), 'app', 'api', 'v1');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name === 'route.ts') files.push(path.join(d, e.name));
    }
  };
  walk(root);

  it('finds the route files', () => expect(files.length).toBeGreaterThan(5));

  it('builds each POST/PUT/PATCH/DELETE with actionRoute naming a registered action', () => {
    const problems: string[] = [];
    for (const f of files) {
      const src = fs.readFileSync(f, 'utf8');
      const rel = path.relative(process.cwd(), f);
      for (const m of src.matchAll(/export\s+(?:const|async\s+function|function)\s+(POST|PUT|PATCH|DELETE)\b([^\n]*)/g)) {
        const call = /=\s*actionRoute\(\s*'([^']+)'/.exec(m[2]);
        if (!call) problems.push(`${rel}: ${m[1]} is not built with actionRoute(...)`);
        else if (!getAction(call[1])) problems.push(`${rel}: ${m[1]} names unknown action ${call[1]}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
