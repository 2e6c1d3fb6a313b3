import * as React from 'react';
import { Boxes, TriangleAlert } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { StatusBadge } from '@/components/ui/status-badge';
import { formatResource } from '@/lib/format';
import { FitWarnings } from '@/components/instance-types/fit-summary';
import type { ComputeTargetView, TargetInstanceTypeView } from '@/components/instance-types/types';
import { QuotaGauges } from './quota-gauges';

const LOCATION: Record<string, string> = { cloud: 'Cloud', 'on-prem': 'On-premises', edge: 'Edge' };

export interface WorkspaceComputeTarget {
  target: ComputeTargetView;
  instanceTypes: TargetInstanceTypeView[];
  /** Allowed names the cluster does not have (any more). */
  missing: string[];
  live: boolean;
}

function resources(it: TargetInstanceTypeView) {
  const r = it.fit.requests;
  const l = it.fit.limits;
  return {
    cpu: r.cpu === l.cpu ? formatResource('cpu', r.cpu) : `${formatResource('cpu', r.cpu)} – ${formatResource('cpu', l.cpu)}`,
    memory: r.memory === l.memory ? formatResource('memory', r.memory) : `${formatResource('memory', r.memory)} – ${formatResource('memory', l.memory)}`,
    gpu: l.gpu > 0 ? formatResource('gpu', l.gpu) : '—',
  };
}

function StartNow({ it }: { it: TargetInstanceTypeView }) {
  if (it.limitedBy === 'unknown') return <span className="text-muted-foreground">unknown</span>;
  const tone = it.canStartNow > 0 ? 'text-success-text' : 'text-danger-text';
  return (
    <div className="grid gap-0.5">
      <span className={`font-semibold tabular-nums ${tone}`}>can start {it.canStartNow} now</span>
      <span className="text-xs tabular-nums text-muted-foreground">
        {it.quotaAllows === null ? 'no quota' : `quota left for ${it.quotaAllows}`} · {it.fit.maxReplicas} on an empty cluster
        {it.limitedBy === 'quota' ? ' · limited by the quota' : ''}
      </span>
    </div>
  );
}

/** The workspace's compute targets as a data scientist needs them: where, how healthy, what sizes, how many now. */
export function WorkspaceCompute({ targets }: { targets: WorkspaceComputeTarget[] }) {
  if (!targets.length) {
    return <EmptyState icon={Boxes} title="No compute yet" description="An ops admin attaches a cluster to this workspace as a compute target; its instance types and what can start now then show here." />;
  }
  return (
    <div className="grid gap-6">
      {targets.map(({ target: t, instanceTypes, missing, live }) => (
        <Card key={t.name} aria-label={`Compute target ${t.name}`}>
          <CardHeader>
            <CardTitle as="h2" className="flex flex-wrap items-center gap-2">
              <span className="font-mono">{t.name}</span>
              <StatusBadge kind="cluster" status={t.health.status as 'Healthy'} detail={t.health.reason ?? undefined} />
            </CardTitle>
            <CardDescription>
              {LOCATION[t.location] ?? t.location}{t.region ? ` · ${t.region}` : ''} · cluster <span className="font-mono">{t.clusterDisplayName}</span> · namespace <span className="font-mono">{t.namespace}</span>
              {t.description ? <> — {t.description}</> : null}
              <span className="block">Use it as <span className="font-mono">compute: azureml:{t.name}</span> in job YAML.</span>
            </CardDescription>
          </CardHeader>
          <CardContent className="grid gap-4">
            <QuotaGauges target={t} size={96} />
            {!live ? (
              <p role="status" className="flex items-center gap-2 text-sm text-warning-text"><TriangleAlert aria-hidden className="size-4" /> The cluster cannot be read right now: availability is unknown.</p>
            ) : null}
            <div className="overflow-x-auto">
              <table className="w-full text-sm">
                <caption className="sr-only">Instance types of {t.name}</caption>
                <thead>
                  <tr className="border-b border-border text-left text-xs text-muted-foreground">
                    <th scope="col" className="py-2 pr-3 font-medium">Instance type</th>
                    <th scope="col" className="py-2 pr-3 font-medium">CPU</th>
                    <th scope="col" className="py-2 pr-3 font-medium">Memory</th>
                    <th scope="col" className="py-2 pr-3 font-medium">GPU</th>
                    <th scope="col" className="py-2 pr-3 font-medium">Availability</th>
                  </tr>
                </thead>
                <tbody>
                  {instanceTypes.map((it) => {
                    const r = resources(it);
                    return (
                      <tr key={it.name} className="border-b border-border align-top last:border-0">
                        <th scope="row" className="py-2 pr-3 text-left font-normal">
                          <span className="font-mono">{it.name}</span>
                          {it.isDefault ? <Badge tone="accent" className="ml-1.5">default</Badge> : null}
                        </th>
                        <td className="py-2 pr-3 tabular-nums">{r.cpu}</td>
                        <td className="py-2 pr-3 tabular-nums">{r.memory}</td>
                        <td className="py-2 pr-3 tabular-nums">{r.gpu}</td>
                        <td className="py-2 pr-3">
                          <StartNow it={it} />
                          {it.fit.warnings.length ? <div className="mt-1"><FitWarnings fit={it.fit} max={1} /></div> : null}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            {missing.length ? (
              <p className="text-xs text-warning-text">Allowed but missing on the cluster: <span className="font-mono">{missing.join(', ')}</span> (ask an ops admin).</p>
            ) : null}
          </CardContent>
        </Card>
      ))}
    </div>
  );
}
