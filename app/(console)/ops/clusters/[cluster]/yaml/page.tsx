import { notFound } from 'next/navigation';
import YAML from 'yaml';
import { CopyButton } from '@/components/ui/copy-button';
import { EmptyState } from '@/components/ui/empty-state';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { findClusterRow } from '@/server/services/clusters';
import { appliedObjects } from '@/server/services/extension';

export const dynamic = 'force-dynamic';

/** What Harbormaster applies to this cluster with the stored settings (read-only; Secret values redacted). */
export default async function ClusterYaml({ params }: { params: Promise<{ cluster: string }> }) {
  const { cluster } = await params;
  await requirePermission('clusters.read');
  const db = await getDb();
  const row = await findClusterRow(db, cluster);
  if (!row) notFound();
  const objects = await appliedObjects(db, row);
  if (!objects.length) return <EmptyState title="Nothing applied" description="Harbormaster has not installed its extension on this cluster." />;
  const text = objects.map((o) => YAML.stringify(o, { lineWidth: 0 })).join('---\n');
  return (
    <div className="grid gap-2">
      <div className="flex items-center justify-between gap-2">
        <p className="text-sm text-muted-foreground">
          {objects.length} objects applied with server-side apply (field manager <span className="font-mono">harbormaster</span>). Secret values are redacted.
        </p>
        <CopyButton value={text} label="Copy YAML" showText variant="secondary" />
      </div>
      <pre className="max-h-[70vh] overflow-auto rounded-md border border-border bg-muted p-4 font-mono text-xs leading-relaxed" tabIndex={0} aria-label="Applied objects (YAML)">
        {text}
      </pre>
    </div>
  );
}
