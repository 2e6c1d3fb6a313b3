import * as React from 'react';
import Link from 'next/link';
import { TriangleAlert } from 'lucide-react';
import type { SharingFlagDto, SharingMapDto, SharingTargetDto } from '@/lib/audit/sharing';
import { Badge } from '@/components/ui/badge';
import { RelativeTime } from '@/components/ui/relative-time';
import { gaugeTone } from '@/components/ui/gauge';
import { formatAmountOf, formatCount, formatResource } from '@/lib/format';
import { cn } from '@/lib/utils';
import { flagsForTarget, quotaLines, sharingMatrix, type QuotaLine } from './sharing-model';

// The sharing map as a table: clusters (rows) × workspaces (columns); each cell lists the compute targets that
// bind the two, with namespace, instance types, quota vs usage, backend, and who created it when.

const LOCATION: Record<string, string> = { cloud: 'Cloud', 'on-prem': 'On-premises', edge: 'Edge' };
const FILL: Record<ReturnType<typeof gaugeTone>, string> = { accent: 'bg-accent', warning: 'bg-warning', danger: 'bg-danger' };
const enc = encodeURIComponent;

function QuotaBar({ line }: { line: QuotaLine }) {
  const { used, limit } = line;
  const words =
    used == null
      ? `${line.resource === 'pods' ? `${formatCount(limit ?? 0)} pods` : formatResource(line.resource, limit ?? 0)} · usage unknown`
      : line.resource === 'pods'
        ? `${formatCount(used)} of ${formatCount(limit ?? 0)} pods`
        : formatAmountOf(line.resource, used, limit ?? 0);
  const ratio = used != null && limit ? used / limit : 0;
  const tone = gaugeTone(ratio);
  return (
    <div className="grid gap-0.5">
      <div className="flex items-baseline justify-between gap-2 text-xs">
        <span className="text-muted-foreground">{line.label}</span>
        <span className={cn('tabular-nums', tone === 'danger' ? 'text-danger-text' : 'text-foreground')}>{words}</span>
      </div>
      <div
        role="meter"
        aria-label={`${line.label} quota`}
        aria-valuemin={0}
        aria-valuemax={limit ?? undefined}
        aria-valuenow={used ?? undefined}
        aria-valuetext={words}
        className="h-1.5 w-full overflow-hidden rounded-full bg-muted"
      >
        {used != null ? <div className={cn('h-full rounded-full', FILL[tone])} style={{ width: `${Math.min(100, Math.round(ratio * 100))}%` }} /> : null}
      </div>
    </div>
  );
}

function TargetEntry({ t, flags }: { t: SharingTargetDto; flags: SharingFlagDto[] }) {
  const lines = quotaLines(t);
  const all = t.instanceTypes.length === 1 && t.instanceTypes[0] === '*';
  return (
    <li className="grid gap-1.5 rounded-md border border-border bg-background p-2.5" data-sharing-target={t.name}>
      <div className="flex flex-wrap items-center gap-1.5">
        <span className="font-mono text-[0.8125rem] font-semibold">{t.name}</span>
        <Badge tone="outline" className="ml-auto">{t.backend}</Badge>
      </div>
      <div className="text-xs text-muted-foreground">
        namespace <span className="font-mono text-foreground">{t.namespace}</span>
      </div>
      <div className="flex flex-wrap items-center gap-1 text-xs text-muted-foreground">
        <span>Instance types</span>{' '}
        {all ? (
          <span className="text-foreground">all of the cluster’s</span>
        ) : (
          t.instanceTypes.map((i) => (
            <Badge key={i} tone="neutral" className="font-mono">{i}</Badge>
          ))
        )}
      </div>
      {lines.length ? (
        <div className="grid gap-1.5">{lines.map((l) => <QuotaBar key={l.resource} line={l} />)}</div>
      ) : (
        <div><Badge tone="warning"><TriangleAlert aria-hidden /> No quota</Badge></div>
      )}
      {flags.length ? (
        <ul className="flex flex-wrap gap-1" aria-label={`Flags of ${t.name}`}>
          {flags.map((f, i) => (
            <li key={`${f.code}-${i}`}>
              <Badge tone={f.severity === 'warning' ? 'warning' : 'info'} className="font-mono" title={f.message}>{f.code}</Badge>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="flex flex-wrap gap-x-1 text-xs text-muted-foreground">
        <span>Created by</span>{' '}
        <span className="whitespace-nowrap text-foreground">{t.createdBy ?? 'unknown'}</span>{' '}
        <span className="whitespace-nowrap">· <RelativeTime value={t.createdAt} /></span>
      </div>
    </li>
  );
}

/** The matrix (a table alternative to the graph, too): sticky cluster column, a scrollable region when wide. */
export function SharingMatrix({ map }: { map: SharingMapDto }) {
  const m = sharingMatrix(map);
  return (
    <div role="region" aria-label="Sharing matrix" tabIndex={0} className="overflow-x-auto rounded-lg border border-border bg-surface focus-visible:outline-2 focus-visible:outline-ring">
      <table className="w-full border-collapse text-sm" data-testid="sharing-matrix">
        <caption className="sr-only">Compute targets by cluster (rows) and workspace (columns)</caption>
        <thead>
          <tr className="border-b border-border text-left">
            <th scope="col" className="sticky left-0 z-10 min-w-48 bg-surface px-3 py-2 text-xs font-medium uppercase tracking-wide text-muted-foreground">
              Cluster \ workspace
            </th>
            {m.workspaces.map((w) => (
              <th key={w} scope="col" className="min-w-64 px-3 py-2 align-bottom">
                <Link href={`/ops/workspaces/${enc(w)}`} className="font-mono text-[0.8125rem] font-semibold hover:underline underline-offset-4">{w}</Link>
                <div className="text-xs font-normal text-muted-foreground">{m.workspaceTargets[w] ?? 0} target{m.workspaceTargets[w] === 1 ? '' : 's'}</div>
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-border">
          {m.clusters.map((c) => (
            <tr key={c.name}>
              <th scope="row" className="sticky left-0 z-10 bg-surface px-3 py-3 text-left align-top font-normal">
                <Link href={`/ops/clusters/${enc(c.name)}`} className="font-mono text-[0.8125rem] font-semibold hover:underline underline-offset-4">{c.name}</Link>
                <div className="text-xs text-muted-foreground">
                  {[LOCATION[c.location] ?? c.location, c.region].filter(Boolean).join(' · ')}
                </div>
                {map.errors.some((e) => e.cluster === c.name) ? (
                  <Badge tone="warning" className="mt-1"><TriangleAlert aria-hidden /> not read live</Badge>
                ) : null}
              </th>
              {m.workspaces.map((w) => {
                const targets = m.cell(c.name, w);
                return (
                  <td key={w} className="px-3 py-3 align-top" aria-label={`${c.name} × ${w}`}>
                    {targets.length ? (
                      <ul className="grid gap-2">
                        {targets.map((t) => <TargetEntry key={t.name} t={t} flags={flagsForTarget(map.flags, c.name, w, t.name)} />)}
                      </ul>
                    ) : (
                      <span className="text-muted-foreground"><span aria-hidden>—</span><span className="sr-only">no compute</span></span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
