'use client';

import * as React from 'react';
import { TriangleAlert, CircleCheck } from 'lucide-react';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { CopyButton } from '@/components/ui/copy-button';
import { toYaml } from '@/lib/jobs/yaml-positions';
import type { DryRunAnswer } from './types';

/** What a validation (dry run) found: the normalized spec, the Kubernetes objects it becomes, the warnings. */
export function DryRunResult({ result }: { result: DryRunAnswer }) {
  const specYaml = React.useMemo(() => toYaml(result.spec), [result.spec]);
  const objectsYaml = React.useMemo(() => result.objects.map((o) => toYaml(o)).join('---\n'), [result.objects]);
  const p = result.placement;
  return (
    <section aria-labelledby="dry-run-title" className="space-y-3 rounded-md border border-border p-4">
      <div className="flex flex-wrap items-center gap-2">
        <CircleCheck aria-hidden className="size-4 text-success-text" />
        <h2 id="dry-run-title" className="text-sm font-semibold">
          Valid — {result.objects.length} Kubernetes object{result.objects.length === 1 ? '' : 's'} would be created
        </h2>
        {p && (
          <p className="text-xs text-muted-foreground">
            on <span className="font-mono">{p.computeTarget}</span> ({p.cluster}, namespace{' '}
            <span className="font-mono">{p.namespace}</span>), {p.instanceCount} × <span className="font-mono">{p.instanceType.name}</span>
            {p.canStartNow !== undefined ? `, ${p.canStartNow} can start now` : ''}
          </p>
        )}
      </div>
      <Tabs defaultValue={result.warnings.length ? 'warnings' : 'spec'}>
        <TabsList aria-label="Validation result">
          <TabsTrigger value="spec">Normalized spec</TabsTrigger>
          <TabsTrigger value="objects">Kubernetes objects ({result.objects.length})</TabsTrigger>
          <TabsTrigger value="warnings">Warnings ({result.warnings.length})</TabsTrigger>
        </TabsList>
        <TabsContent value="spec">
          <ReadOnlyYaml label="Normalized spec" text={specYaml} />
        </TabsContent>
        <TabsContent value="objects">
          <ReadOnlyYaml label="Kubernetes objects" text={objectsYaml} />
        </TabsContent>
        <TabsContent value="warnings">
          {result.warnings.length === 0 ? (
            <p className="text-sm text-muted-foreground">No warnings.</p>
          ) : (
            <ul aria-label="Warnings" className="space-y-2 text-sm">
              {result.warnings.map((w, i) => (
                <li key={i} className="flex items-start gap-2 rounded-md bg-warning-soft px-3 py-2 text-warning-text">
                  <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
                  <span>
                    {w.path && <span className="font-mono font-medium">{w.path}</span>}
                    {w.path ? ': ' : ''}
                    {w.message}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </TabsContent>
      </Tabs>
    </section>
  );
}

function ReadOnlyYaml({ label, text }: { label: string; text: string }) {
  return (
    <div className="relative">
      <div className="absolute right-2 top-2">
        <CopyButton value={text} label={`Copy ${label.toLowerCase()}`} />
      </div>
      <pre role="region" aria-label={label} tabIndex={0} className="max-h-[32rem] overflow-auto rounded-md border border-border bg-muted p-3 font-mono text-xs leading-5">
        {text}
      </pre>
    </div>
  );
}
