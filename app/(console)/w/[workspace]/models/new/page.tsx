import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/page-header';
import { RegisterModel } from '@/components/models/register-model';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { getWorkspace } from '@/server/services/workspaces';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Register model' };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim() || undefined;

export default async function RegisterModelPage({ params, searchParams }: { params: Promise<{ workspace: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { workspace } = await params;
  // Only those who may register (data scientists of the workspace, ops admins) get the page; the API checks again.
  const { principal } = await requirePermission('models.manage', workspace);
  const db = await getDb();
  const w = await getWorkspace(db, principal, workspace);
  // ?name=<model>: a new version of that model (from its page).
  const name = one((await searchParams).name);
  return (
    <div className="space-y-6">
      <PageHeader
        title={name ? `New version of ${name}` : 'Register model'}
        breadcrumb={[
          { label: w.displayName || w.name, href: `/w/${workspace}` },
          { label: 'Models', href: `/w/${workspace}/models` },
          ...(name ? [{ label: name, href: `/w/${workspace}/models/${encodeURIComponent(name)}` }] : []),
          { label: 'Register' },
        ]}
        description="A model version records where the model’s files are — a job’s output, a storage URI, or a folder uploaded here — with its type, description and tags. Versions cannot be changed afterwards; register a new one. Validate checks everything and records nothing."
      />
      <RegisterModel workspace={workspace} initialName={name} />
    </div>
  );
}
