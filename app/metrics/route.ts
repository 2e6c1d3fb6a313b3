import { env } from '@/server/env';
import { metricsText } from '@/server/metrics';

export const dynamic = 'force-dynamic';

/** Prometheus metrics, when HARBORMASTER_METRICS=true (404 otherwise). */
export async function GET() {
  if (!env().HARBORMASTER_METRICS) return new Response('metrics are disabled (set HARBORMASTER_METRICS=true)\n', { status: 404 });
  const { contentType, body } = await metricsText();
  return new Response(body, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
}
