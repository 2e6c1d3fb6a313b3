'use server';

import { randomUUID } from 'node:crypto';
import { headers } from 'next/headers';
import { revalidatePath } from 'next/cache';
import { getCurrentUser } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { runAction } from '@/server/actions/run';
import { isAppError, type FieldError } from '@/server/errors';
import { logger } from '@/server/logger';
import { requestOriginOf } from '@/server/http/origin';
import { clientIpOf } from '@/server/http/client-ip';

export type ActionResult<T = unknown> = { ok: true; data: T } | { ok: false; error: { status: number; detail: string; fieldErrors?: FieldError[]; requestId: string } };

/**
 * The console's one server action: every form calls a registered action by name. Authorization, validation,
 * the transaction and the audit event all happen in runAction on the server, exactly as for the REST API.
 */
export async function invokeAction<T = unknown>(name: string, input: unknown, revalidate?: string): Promise<ActionResult<T>> {
  const requestId = randomUUID();
  try {
    const current = await getCurrentUser();
    const h = await headers();
    const data = await runAction<T>(name, input, {
      db: await getDb(),
      user: current?.user ?? null,
      principal: current?.principal ?? null,
      requestId,
      ip: clientIpOf(h),
      via: 'ui',
      origin: requestOriginOf(h),
      sessionIdHash: current?.sessionIdHash,
    });
    revalidatePath(revalidate ?? '/', 'layout');
    return { ok: true, data };
  } catch (e) {
    if (isAppError(e)) return { ok: false, error: { status: e.status, detail: e.message, fieldErrors: e.fieldErrors, requestId } };
    logger.error({ err: e, requestId }, 'server action failed');
    return { ok: false, error: { status: 500, detail: `unexpected error (request ${requestId})`, requestId } };
  }
}
