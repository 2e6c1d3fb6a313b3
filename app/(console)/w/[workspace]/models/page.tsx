import type { Metadata } from 'next';
import Link from 'next/link';
import { Plus } from 'lucide-react';
import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import { PageHeader } from '@/components/ui/page-header';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { LiveModelsTable } from '@/components/models/live-models-table';
import { MODELS_PAGE_SIZE, liveQueries } from '@/components/live/query-keys';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { listModels } from '@/server/services/models';
import { getWorkspace } from '@/server/services/workspaces';
import { can } from '@/lib/rbac/permissions';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Models' };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim() ?? '';

export default async function ModelsPage({ params, searchParams }: { params: Promise<{ workspace: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { workspace } = await params;
  const { principal } = await requirePermission('models.read', workspace);
  const db = await getDb();
  const w = await getWorkspace(db, principal, workspace);
  // The list for the search in the URL, rendered here and handed to react-query, where the models stream keeps it current.
  const q = one((await searchParams).q);
  const queryClient = new QueryClient();
  await queryClient.fetchQuery({ queryKey: liveQueries.models(workspace, q).queryKey, queryFn: () => listModels(db, workspace, { q: q || undefined, limit: MODELS_PAGE_SIZE }), retry: false });
  const canManage = can(principal, 'models.manage', workspace);
  const register = (
    <Button asChild>
      <Link href={`/w/${workspace}/models/new`}>
        <Plus aria-hidden /> Register model
      </Link>
    </Button>
  );
  return (
    <div className="space-y-6">
      <PageHeader
        title="Models"
        breadcrumb={[{ label: w.displayName || w.name, href: `/w/${workspace}` }, { label: 'Models' }]}
        description="Versioned model files of this workspace, each with where it came from: the job that produced it, or the storage it was registered from. Jobs refer to them as azureml:<name>:<version> or azureml:<name>@latest."
        primaryAction={canManage ? register : undefined}
      />
      <HydrationBoundary state={dehydrate(queryClient)}>
        <LiveModelsTable
          workspace={workspace}
          empty={
            <EmptyState
              title="No models yet"
              description={
                <>
                  Register one with the form or an Azure ML model YAML file, from a job output, a storage URI or a folder you upload. A job registers its own: declare an output as a model —{' '}
                  <code className="font-mono text-xs">outputs: {'{'}model: {'{'}type: custom_model, name: my-model{'}'}{'}'}</code> — and when the job completes, that output becomes a version here.
                </>
              }
              action={canManage ? register : undefined}
              className="border-0"
            />
          }
        />
      </HydrationBoundary>
    </div>
  );
}
