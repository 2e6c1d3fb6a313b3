import { armHandler } from '@/server/arm-api/http';
import { ARM_ROUTES } from '@/server/arm-api/routes';

export const dynamic = 'force-dynamic';

// The Azure ML–compatible resource-manager API (issue 19): one handler, the route table in server/arm-api/routes.ts.
const handler = armHandler(ARM_ROUTES);
export const GET = handler;
export const PUT = handler;
export const POST = handler;
export const DELETE = handler;
export const PATCH = handler;
