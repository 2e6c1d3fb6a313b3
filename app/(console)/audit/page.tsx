import type { Metadata } from 'next';
import Link from 'next/link';
import { Download } from 'lucide-react';
import { PageHeader } from '@/components/ui/page-header';
import { StatusBadge } from '@/components/ui/status-badge';
import { Button } from '@/components/ui/button';
import { AuditTable } from '@/components/audit/audit-table';
import { AuditFilters } from '@/components/audit/audit-filters';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { listAuditEvents, type AuditQuery } from '@/server/services/audit-log';
import { verifyConsoleAuditChain } from '@/server/audit/audit';
import { auditSigningKey } from '@/server/audit/signing';
import { ChainVerification } from '@/components/audit/chain-verification';

export const metadata: Metadata = { title: 'Audit log' };
export const dynamic = 'force-dynamic';

const OUTCOMES = ['success', 'denied', 'failed'];

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requirePermission('audit.read');
  const sp = await searchParams;
  const q: AuditQuery = {
    q: sp.q || undefined,
    outcome: OUTCOMES.includes(sp.outcome ?? '') ? (sp.outcome as AuditQuery['outcome']) : undefined,
    workspace: sp.workspace || undefined,
    actor: sp.actor || undefined,
    cursor: sp.cursor || undefined,
    limit: 50,
  };
  const db = await getDb();
  // A cursor that is not one of ours (edited by hand) shows the newest events instead of an error page.
  const [page, chain] = await Promise.all([listAuditEvents(db, q).catch(() => listAuditEvents(db, { ...q, cursor: undefined })), verifyConsoleAuditChain(db)]);
  const key = auditSigningKey();
  const exportQs = new URLSearchParams(Object.entries({ q: q.q, outcome: q.outcome, workspace: q.workspace, actor: q.actor }).filter(([, v]) => v) as [string, string][]);
  const nextQs = new URLSearchParams(exportQs);
  if (page.next) nextQs.set('cursor', page.next);
  return (
    <div className="space-y-6">
      <PageHeader
        title="Audit log"
        breadcrumb={[{ label: 'Audit' }, { label: 'Audit log' }]}
        description="Every change and every refused attempt, who and when, before and after (secrets redacted). Events are hash-chained and checkpoints signed: any edit, deletion, reordering or recomputation is detected."
        status={
          <StatusBadge
            kind="check"
            status={chain.ok ? 'ok' : 'error'}
            detail={chain.ok ? `chain verified · ${chain.checked} events` : `chain broken at event ${chain.firstBroken?.id}: ${chain.firstBroken?.reason}`}
          />
        }
        primaryAction={
          <div className="flex gap-2">
            <Button asChild variant="secondary">
              <a href={`/api/v1/audit/export?format=csv&${exportQs}`} download>
                <Download aria-hidden className="size-4" /> CSV
              </a>
            </Button>
            <Button asChild variant="secondary">
              <a href={`/api/v1/audit/export?format=jsonl&${exportQs}`} download>
                <Download aria-hidden className="size-4" /> JSON lines
              </a>
            </Button>
          </div>
        }
      />
      <ChainVerification publicKeyPem={key.publicKeyPem} fingerprint={key.fingerprint} />
      <AuditFilters initial={{ q: q.q ?? '', outcome: q.outcome ?? '', workspace: q.workspace ?? '', actor: q.actor ?? '' }} />
      <AuditTable events={page.items} />
      <nav aria-label="Audit log pages" className="flex justify-between text-sm">
        {q.cursor ? (
          <Link className="text-accent-text underline underline-offset-4" href={`/audit?${exportQs}`}>
            Newest events
          </Link>
        ) : (
          <span />
        )}
        {page.next ? (
          <Link className="text-accent-text underline underline-offset-4" href={`/audit?${nextQs}`}>
            Older events
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
