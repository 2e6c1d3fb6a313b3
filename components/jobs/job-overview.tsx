'use client';

import * as React from 'react';
import { TriangleAlert } from 'lucide-react';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { RelativeTime } from '@/components/ui/relative-time';
import { MonoText } from '@/components/ui/mono-text';
import { toYaml } from '@/lib/jobs/yaml-positions';

// A submitted job: key facts, then the spec it runs, the objects Harbormaster applied (read-only, Secret
// values redacted) and the document as it was sent. Live status, logs and events come with the job runner.

export interface JobOverviewDto {
  name: string;
  type: string;
  status: string;
  statusMessage: string | null;
  computeTarget: string;
  cluster: string;
  namespace: string;
  instanceType: string;
  instanceCount: number;
  createdAt: string;
  createdBy: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  codeSha256: string | null;
  spec: unknown;
  objects: unknown[];
  source: string;
  warnings: Array<{ path: string; message: string }>;
  live: boolean;
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="text-sm">{children}</dd>
    </div>
  );
}

export function JobOverview({ job }: { job: JobOverviewDto }) {
  const specYaml = React.useMemo(() => toYaml(job.spec), [job.spec]);
  const objectsYaml = React.useMemo(() => job.objects.map((o) => toYaml(o)).join('---\n'), [job.objects]);
  return (
    <Tabs defaultValue="overview">
      <TabsList aria-label="Job">
        <TabsTrigger value="overview">Overview</TabsTrigger>
        <TabsTrigger value="spec">Spec</TabsTrigger>
        <TabsTrigger value="yaml">YAML</TabsTrigger>
        <TabsTrigger value="source">Submitted file</TabsTrigger>
      </TabsList>
      <TabsContent value="overview" className="space-y-4">
        <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <Fact label="Name"><MonoText value={job.name} copy /></Fact>
          <Fact label="Type">{job.type}</Fact>
          <Fact label="Compute target"><span className="font-mono">{job.computeTarget}</span> ({job.cluster}, namespace <span className="font-mono">{job.namespace}</span>)</Fact>
          <Fact label="Instances"><span className="font-mono">{job.instanceCount} × {job.instanceType}</span></Fact>
          <Fact label="Submitted"><RelativeTime value={job.createdAt} />{job.createdBy ? ` by ${job.createdBy}` : ''}</Fact>
          <Fact label="Started">{job.startedAt ? <RelativeTime value={job.startedAt} /> : '—'}</Fact>
          <Fact label="Finished">{job.finishedAt ? <RelativeTime value={job.finishedAt} /> : '—'}</Fact>
          <Fact label="Code">{job.codeSha256 ? <MonoText value={job.codeSha256} truncate copy /> : '—'}</Fact>
        </dl>
        {!job.live && <p className="text-xs text-muted-foreground">Status as last recorded: the cluster was not asked just now.</p>}
        {job.warnings.length > 0 && (
          <ul aria-label="Warnings at submission" className="space-y-2 text-sm">
            {job.warnings.map((w, i) => (
              <li key={i} className="flex items-start gap-2 rounded-md bg-warning-soft px-3 py-2 text-warning-text">
                <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
                <span>{w.path && <span className="font-mono font-medium">{w.path}: </span>}{w.message}</span>
              </li>
            ))}
          </ul>
        )}
      </TabsContent>
      <TabsContent value="spec"><Pre label="Normalized spec" text={specYaml} /></TabsContent>
      <TabsContent value="yaml"><Pre label="Kubernetes objects Harbormaster applied" text={objectsYaml} /></TabsContent>
      <TabsContent value="source"><Pre label="The job document as submitted" text={job.source} /></TabsContent>
    </Tabs>
  );
}

function Pre({ label, text }: { label: string; text: string }) {
  return (
    <pre role="region" aria-label={label} tabIndex={0} className="max-h-[40rem] overflow-auto rounded-md border border-border bg-muted p-3 font-mono text-xs leading-5">
      {text}
    </pre>
  );
}
