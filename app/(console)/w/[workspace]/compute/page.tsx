import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/page-header';
import { PartialBanner } from '@/components/ui/partial-banner';
import { WorkspaceCompute } from '@/components/compute/workspace-compute';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { getWorkspace } from '@/server/services/workspaces';
import { listComputeTargets } from '@/server/services/compute-targets';
import { computeTargetDto, listComputeTargetViews, targetInstanceTypes } from '@/server/services/compute-targets-view';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ workspace: string }> }): Promise<Metadata> {
  return { title: `Compute · ${(await params).workspace}` };
}

export default async function WorkspaceComputePage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace } = await params;
  const { principal } = await requirePermission('compute.read', workspace);
  const db = await getDb();
  const w = await getWorkspace(db, principal, workspace);
  const views = await listComputeTargetViews(db, w.name);
  const records = await listComputeTargets(db, w.name);
  const targets = await Promise.all(
    records.map(async (rec) => {
      const its = await targetInstanceTypes(db, rec, { waitMs: 2000 });
      return { target: views.items.find((v) => v.name === rec.row.name) ?? computeTargetDto(rec, undefined), instanceTypes: its.items, missing: its.missing, live: its.live };
    }),
  );
  const clusters = new Set(records.map((r) => r.cluster.name)).size;
  return (
    <div className="space-y-6">
      <PageHeader
        title="Compute"
        breadcrumb={[{ label: w.displayName || w.name, href: `/w/${w.name}` }, { label: 'Compute' }]}
        description="Where this workspace's jobs and endpoints can run, which sizes each target allows, and how many can start right now (free capacity on the nodes and what the quota leaves)."
      />
      <PartialBanner errors={views.errors} total={clusters} />
      <WorkspaceCompute targets={targets} />
    </div>
  );
}
