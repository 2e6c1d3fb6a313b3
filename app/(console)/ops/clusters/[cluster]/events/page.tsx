import { notFound } from 'next/navigation';
import { PartialBanner } from '@/components/ui/partial-banner';
import { EventsTable } from '@/components/clusters/events-table';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { findClusterRow } from '@/server/services/clusters';
import { clusterEvents } from '@/server/services/clusters-view';

export const dynamic = 'force-dynamic';

export default async function ClusterEventsPage({ params }: { params: Promise<{ cluster: string }> }) {
  const { cluster } = await params;
  await requirePermission('clusters.read');
  const db = await getDb();
  const row = await findClusterRow(db, cluster);
  if (!row) notFound();
  const ev = await clusterEvents(row);
  return (
    <div className="grid gap-4">
      <PartialBanner errors={ev.errors} total={1} />
      <p className="text-sm text-muted-foreground">Warning events from every namespace and all events of namespace azureml (the extension), newest first.</p>
      <EventsTable events={ev.items} />
    </div>
  );
}
