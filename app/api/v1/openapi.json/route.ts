import { openApiDocument } from '@/server/http/openapi';

export const dynamic = 'force-dynamic';

/** Public: the API's description carries no data. */
export function GET() {
  return Response.json(openApiDocument(), { headers: { 'cache-control': 'no-store' } });
}
