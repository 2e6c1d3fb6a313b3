import 'server-only';
import client from 'prom-client';

const g = globalThis as unknown as { __hmRegistry?: client.Registry };

function registry(): client.Registry {
  if (g.__hmRegistry) return g.__hmRegistry;
  const r = new client.Registry();
  client.collectDefaultMetrics({ register: r, prefix: 'harbormaster_' });
  return (g.__hmRegistry = r);
}

export async function metricsText() {
  const r = registry();
  return { contentType: r.contentType, body: await r.metrics() };
}
