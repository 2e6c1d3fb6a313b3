import { RelativeTime } from '@/components/ui/relative-time';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { diffLines } from '@/lib/audit-diff';

export interface AuditEventRow {
  id: number;
  at: string;
  actor: string | null;
  actorRole: string | null;
  action: string;
  targetType: string | null;
  targetName: string | null;
  workspace: string | null;
  outcome: string;
  message: string | null;
  before: unknown;
  after: unknown;
  requestId: string;
  hash: string;
}

const OUTCOME_TONE = { success: 'success', denied: 'warning', failed: 'danger' } as const;

export function AuditTable({ events }: { events: AuditEventRow[] }) {
  if (!events.length) return <EmptyState title="No matching events" description="Change the filters, or come back after something has happened." />;
  return (
    <div className="overflow-x-auto rounded-lg border border-border">
      <table className="w-full text-sm">
        <caption className="sr-only">Audit events, newest first</caption>
        <thead className="bg-muted text-left text-xs uppercase tracking-wide text-muted-foreground">
          <tr>
            <th scope="col" className="px-3 py-2">#</th>
            <th scope="col" className="px-3 py-2">When</th>
            <th scope="col" className="px-3 py-2">Actor</th>
            <th scope="col" className="px-3 py-2">Action</th>
            <th scope="col" className="px-3 py-2">Target</th>
            <th scope="col" className="px-3 py-2">Outcome</th>
            <th scope="col" className="px-3 py-2">Details</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-border">
          {events.map((e) => {
            const diff = diffLines(e.before, e.after);
            return (
              <tr key={e.id} className="align-top">
                <td className="px-3 py-2 font-mono text-xs tabular-nums text-muted-foreground">{e.id}</td>
                <td className="whitespace-nowrap px-3 py-2">
                  <RelativeTime value={e.at} />
                </td>
                <td className="px-3 py-2">
                  <div className="font-mono text-xs">{e.actor ?? 'anonymous'}</div>
                  {e.actorRole ? <div className="text-xs text-muted-foreground">{e.actorRole.replace('_', ' ')}</div> : null}
                </td>
                <td className="px-3 py-2 font-mono text-xs">{e.action}</td>
                <td className="px-3 py-2">
                  <div className="font-mono text-xs">{e.targetName ?? '—'}</div>
                  {e.workspace ? <div className="text-xs text-muted-foreground">in {e.workspace}</div> : null}
                </td>
                <td className="px-3 py-2">
                  <Badge tone={OUTCOME_TONE[e.outcome as keyof typeof OUTCOME_TONE] ?? 'neutral'}>{e.outcome}</Badge>
                </td>
                <td className="max-w-md px-3 py-2">
                  {e.message ? <p className="text-xs text-muted-foreground">{e.message}</p> : null}
                  {diff.length ? (
                    <details className="mt-1">
                      <summary className="cursor-pointer text-xs text-accent-text">Changes ({diff.length})</summary>
                      <pre className="mt-1 overflow-x-auto rounded bg-muted p-2 font-mono text-xs">
                        {diff.map((d) => (
                          <div key={d.path} className={d.kind === 'removed' ? 'text-danger-text' : d.kind === 'added' ? 'text-success-text' : ''}>
                            {d.kind === 'removed' ? '- ' : d.kind === 'added' ? '+ ' : '~ '}
                            {d.path}: {d.kind === 'changed' ? `${d.before} → ${d.after}` : d.kind === 'removed' ? d.before : d.after}
                          </div>
                        ))}
                      </pre>
                    </details>
                  ) : null}
                  <div className="mt-1 font-mono text-[10px] text-muted-foreground" title={`hash ${e.hash}`}>
                    req {e.requestId.slice(0, 8)}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
