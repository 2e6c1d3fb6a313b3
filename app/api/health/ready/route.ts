import { pingDatabase } from '@/server/health';
import { bootstrapState } from '@/server/bootstrap-state';

export const dynamic = 'force-dynamic';

/** Ready = the database answers and start-up work (migrations, bootstrap, demo seeding) has finished. */
export async function GET() {
  const state = bootstrapState();
  const checks: Record<string, string> = {};
  let ok = true;
  try {
    await pingDatabase();
    checks.database = 'ok';
  } catch (e) {
    ok = false;
    checks.database = `unreachable: ${(e as Error).message}`;
  }
  checks.bootstrap = state.phase;
  if (state.phase !== 'ready') ok = false;
  if (state.error) checks.error = state.error;
  return Response.json({ status: ok ? 'ready' : 'not_ready', checks }, { status: ok ? 200 : 503, headers: { 'cache-control': 'no-store' } });
}
