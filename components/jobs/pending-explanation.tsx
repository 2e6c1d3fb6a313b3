import * as React from 'react';
import Link from 'next/link';
import { Hourglass } from 'lucide-react';
import { pendingSentences, type PendingExplanation as Pending } from '@/lib/jobs/pending';

// "Why is my job pending", in sentences (UI.md: a pending job leads with its explanation, not a raw scheduler
// message): which resource is short, on which pool, by how much — then what would start now instead, each a
// link that clones the job onto it (for those who may submit).

export function PendingExplanation({ pending, status, cloneHref }: { pending: Pending; status: string; cloneHref?: (computeTarget: string, instanceType: string) => string }) {
  const sentences = pendingSentences({ reasons: pending.reasons, alternatives: [] });
  const titleId = React.useId();
  return (
    <section aria-labelledby={titleId} className="rounded-lg border border-warning/40 bg-warning-soft px-5 py-4">
      <h2 id={titleId} className="flex items-center gap-2 text-sm font-semibold text-warning-text">
        <Hourglass aria-hidden className="size-4" /> Why it is {status === 'Preparing' ? 'not running yet' : 'pending'}
      </h2>
      {sentences.length ? (
        <ul className="mt-2 grid gap-1.5 text-sm text-foreground">
          {sentences.map((s, i) => (
            <li key={i} className="flex gap-2">
              <span aria-hidden className="mt-2 size-1.5 shrink-0 rounded-full bg-warning" />
              <span>{s}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="mt-2 text-sm text-foreground">The scheduler has not said why yet; its reason appears here as soon as it does.</p>
      )}
      {pending.alternatives.length > 0 && (
        <div className="mt-3 border-t border-warning/30 pt-3">
          <h3 className="text-sm font-medium">Would start now instead</h3>
          <ul className="mt-1.5 grid gap-1 text-sm">
            {pending.alternatives.map((a) => (
              <li key={`${a.computeTarget}/${a.instanceType}`} className="flex flex-wrap items-center gap-x-2">
                <span>
                  <span className="font-mono">{a.instanceType}</span> on <span className="font-mono">{a.computeTarget}</span>
                  <span> — {a.canStartNow} instance{a.canStartNow === 1 ? '' : 's'} can start now</span>
                </span>
                {cloneHref && (
                  <Link href={cloneHref(a.computeTarget, a.instanceType)} className="text-accent-text underline underline-offset-4">
                    Clone with {a.instanceType} on {a.computeTarget}
                  </Link>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
