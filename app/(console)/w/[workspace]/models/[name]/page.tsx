import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import { ModelView } from '@/components/models/model-view';
import { liveQueries } from '@/components/live/query-keys';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { isAppError } from '@/server/errors';
import { listModelVersions } from '@/server/services/models';
import { getWorkspace } from '@/server/services/workspaces';
import { can } from '@/lib/rbac/permissions';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  return { title: `Model ${decodeURIComponent((await params).name)}` };
}

export default async function ModelPage({ params }: { params: Promise<{ workspace: string; name: string }> }) {
  const { workspace, name: rawName } = await params;
  const name = decodeURIComponent(rawName);
  const { principal } = await requirePermission('models.read', workspace);
  const db = await getDb();
  const w = await getWorkspace(db, principal, workspace);
  // Rendered here, then handed to react-query in the browser, where the models stream keeps it current.
  const queryClient = new QueryClient();
  try {
    await queryClient.fetchQuery({ queryKey: liveQueries.modelVersions(workspace, name).queryKey, queryFn: () => listModelVersions(db, workspace, name, { limit: 200 }), retry: false });
  } catch (e) {
    if (isAppError(e) && e.code === 'not_found') notFound();
    throw e;
  }
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <ModelView workspace={workspace} workspaceLabel={w.displayName || w.name} name={name} canManage={can(principal, 'models.manage', workspace)} />
    </HydrationBoundary>
  );
}
