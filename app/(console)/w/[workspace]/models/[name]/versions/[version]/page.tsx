import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import { ModelVersionView } from '@/components/models/model-version-view';
import { liveQueries } from '@/components/live/query-keys';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { isAppError } from '@/server/errors';
import { getModelVersion } from '@/server/services/models';
import { getWorkspace } from '@/server/services/workspaces';
import { can } from '@/lib/rbac/permissions';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ name: string; version: string }> }): Promise<Metadata> {
  const p = await params;
  return { title: `${decodeURIComponent(p.name)}:${decodeURIComponent(p.version)}` };
}

export default async function ModelVersionPage({ params }: { params: Promise<{ workspace: string; name: string; version: string }> }) {
  const p = await params;
  const { workspace } = p;
  const name = decodeURIComponent(p.name);
  const version = decodeURIComponent(p.version);
  const { principal } = await requirePermission('models.read', workspace);
  const db = await getDb();
  const w = await getWorkspace(db, principal, workspace);
  const queryClient = new QueryClient();
  try {
    await queryClient.fetchQuery({ queryKey: liveQueries.modelVersion(workspace, name, version).queryKey, queryFn: async () => (await getModelVersion(db, workspace, name, version)).dto, retry: false });
  } catch (e) {
    if (isAppError(e) && e.code === 'not_found') notFound();
    throw e;
  }
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <ModelVersionView workspace={workspace} workspaceLabel={w.displayName || w.name} name={name} version={version} canManage={can(principal, 'models.manage', workspace)} />
    </HydrationBoundary>
  );
}
