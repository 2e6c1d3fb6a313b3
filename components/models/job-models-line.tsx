'use client';

import * as React from 'react';
import Link from 'next/link';
import { useQueries } from '@tanstack/react-query';
import { Package } from 'lucide-react';
import { fetchJson, FetchError } from '@/components/live/fetch-json';
import { liveQueries } from '@/components/live/query-keys';
import { useNow } from '@/components/ui/use-now';
import type { ModelVersionDto } from '@/server/services/models';
import { jobModelOutputs, versionsFromJob } from './job-models';

// On a job's page: "Models" — the versions its model outputs became (links), or what will happen to them.
// Nothing for a job without model outputs. A completed job's outputs are registered by the server within
// seconds, so a missing version is asked for again for a little while.

const RECENT_MS = 2 * 60_000;

interface JobLike {
  name: string;
  status: string;
  live: boolean;
  finishedAt: string | null;
  spec?: unknown;
  trial?: unknown;
}

export function JobModelsLine({ workspace, job }: { workspace: string; job: JobLike }) {
  const outputs = jobModelOutputs(job);
  const completed = job.status === 'Completed';
  // The clock is unknown while hydrating (null): nothing is asked again until it is.
  const now = useNow(30_000);
  const recent = completed && now != null && (!job.finishedAt || now - Date.parse(job.finishedAt) < RECENT_MS);
  const results = useQueries({
    queries: outputs.map((o) => {
      const q = liveQueries.modelVersions(workspace, o.model);
      return {
        queryKey: q.queryKey,
        queryFn: () => fetchJson<{ items: ModelVersionDto[] }>(q.url),
        enabled: completed,
        refetchInterval: (query: { state: { data?: { items: ModelVersionDto[] } } }) => (recent && versionsFromJob(query.state.data?.items, job.name, o.output).length === 0 ? 3000 : false),
      };
    }),
  });
  if (outputs.length === 0) return null;
  const ws = `/w/${encodeURIComponent(workspace)}`;
  return (
    <p data-testid="job-models" className="mb-4 flex flex-wrap items-center gap-x-3 gap-y-1 rounded-md border border-border bg-surface px-3 py-2 text-sm">
      <span className="inline-flex items-center gap-1.5 font-medium">
        <Package aria-hidden className="size-4 text-muted-foreground" /> Models
      </span>
      {outputs.map((o, i) => {
        const r = results[i];
        const made = versionsFromJob(r.data?.items, job.name, o.output);
        const missing = r.error instanceof FetchError && r.error.status === 404;
        return (
          <span key={o.output} className="inline-flex items-center gap-1">
            {made.length > 0 ? (
              made.map((v) => (
                <Link key={v.version} href={`${ws}/models/${encodeURIComponent(v.name)}/versions/${encodeURIComponent(v.version)}`} className="font-mono underline underline-offset-4">
                  {v.name}:{v.version}
                </Link>
              ))
            ) : (
              <span className="font-mono">{o.model}</span>
            )}
            <span className="text-xs text-muted-foreground">
              {made.length > 0
                ? `(output ${o.output})`
                : completed
                  ? !r.data && !r.error
                    ? `(output ${o.output})`
                    : recent && (missing || r.data)
                      ? `(output ${o.output}, being registered…)`
                      : `(output ${o.output}, not registered)`
                  : job.live
                    ? `(output ${o.output}, registered when the job completes)`
                    : `(output ${o.output}, not registered: the job did not complete)`}
            </span>
          </span>
        );
      })}
    </p>
  );
}
