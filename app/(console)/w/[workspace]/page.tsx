import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/page-header';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { getWorkspace, workspaceMembers } from '@/server/services/workspaces';
import { listJobs } from '@/server/services/jobs-read';
import { JobsTable } from '@/components/jobs/jobs-table';
import { can } from '@/lib/rbac/permissions';
import Link from 'next/link';
import { listEndpoints } from '@/server/services/endpoints';
import { RecentEndpoints } from '@/components/endpoints/recent-endpoints';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ workspace: string }> }): Promise<Metadata> {
  return { title: (await params).workspace };
}

export default async function WorkspaceHome({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace } = await params;
  const { principal } = await requirePermission('workspaces.read', workspace);
  const db = await getDb();
  const w = await getWorkspace(db, principal, workspace);
  const mayEndpoints = can(principal, 'endpoints.read', workspace);
  const [members, recent, endpoints] = await Promise.all([
    workspaceMembers(db, w.id),
    can(principal, 'jobs.read', workspace) ? listJobs(db, workspace, { limit: 8 }) : Promise.resolve({ items: [] }),
    mayEndpoints ? listEndpoints(db, workspace) : Promise.resolve([]),
  ]);
  return (
    <div className="space-y-6">
      <PageHeader title={w.displayName || w.name} breadcrumb={[{ label: 'Workspaces' }, { label: w.name }]} description={w.description || undefined} />
      <div className="grid gap-4 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>Recent jobs</CardTitle>
            <CardDescription>
              Training and sweep jobs of this workspace ·{' '}
              <Link className="text-accent-text underline underline-offset-4" href={`/w/${workspace}/jobs`}>
                all jobs
              </Link>
            </CardDescription>
          </CardHeader>
          <CardContent>
            <JobsTable
              workspace={workspace}
              jobs={recent.items}
              empty={
                <EmptyState
                  title="No jobs yet"
                  description="Jobs run on this workspace's compute targets: submit Azure ML CLI v2 job YAML or fill in the form."
                  action={
                    can(principal, 'jobs.submit', workspace) ? (
                      <Link className="text-sm font-medium text-accent-text underline underline-offset-4" href={`/w/${workspace}/jobs/new`}>
                        New job
                      </Link>
                    ) : undefined
                  }
                />
              }
            />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Members</CardTitle>
            <CardDescription>{members.length} data scientist{members.length === 1 ? '' : 's'}</CardDescription>
          </CardHeader>
          <CardContent>
            <ul className="space-y-1 text-sm">
              {members.map((m) => (
                <li key={m.email} className="flex justify-between gap-2">
                  <span className="truncate">{m.displayName || m.email}</span>
                  <span className="font-mono text-xs text-muted-foreground">{m.email}</span>
                </li>
              ))}
            </ul>
          </CardContent>
        </Card>
        {mayEndpoints && (
          <Card className="lg:col-span-2">
            <CardHeader>
              <CardTitle>Endpoints</CardTitle>
              <CardDescription>
                Online endpoints, most recently changed first ·{' '}
                <Link className="text-accent-text underline underline-offset-4" href={`/w/${workspace}/endpoints`}>
                  all endpoints
                </Link>
              </CardDescription>
            </CardHeader>
            <CardContent>
              <RecentEndpoints workspace={workspace} endpoints={endpoints} canCreate={can(principal, 'endpoints.manage', workspace)} />
            </CardContent>
          </Card>
        )}
      </div>
    </div>
  );
}
