import { randomUUID } from 'node:crypto';
import { pingDatabase } from '@/server/health';
import { bootstrapState } from '@/server/bootstrap-state';
import { logger } from '@/server/logger';

export const dynamic = 'force-dynamic';

/**
 * Ready = the database answers and start-up work (migrations, bootstrap, demo seeding) has finished.
 * Anyone can call it, so it names no error text (host names, users, driver messages): the reason is generic
 * and the detail goes to the server log under the errorId it gives.
 */
export async function GET() {
  const state = bootstrapState();
  const checks: Record<string, string> = {};
  let ok = true;
  try {
    await pingDatabase();
    checks.database = 'ok';
  } catch (e) {
    ok = false;
    const errorId = randomUUID();
    logger.error({ err: { message: (e as Error).message, code: (e as { code?: unknown }).code }, errorId }, 'readiness: the database does not answer');
    checks.database = `unreachable (see the server log, error id ${errorId})`;
  }
  checks.bootstrap = state.phase;
  if (state.phase !== 'ready') ok = false;
  // The start-up error itself is logged where it happened (server/bootstrap.ts).
  if (state.error) checks.error = 'start-up failed; see the server log';
  return Response.json({ status: ok ? 'ready' : 'not_ready', checks }, { status: ok ? 200 : 503, headers: { 'cache-control': 'no-store' } });
}
