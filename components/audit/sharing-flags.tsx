import * as React from 'react';
import Link from 'next/link';
import { CircleCheck, Info, TriangleAlert } from 'lucide-react';
import type { SharingFlagDto } from '@/lib/audit/sharing';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';

/** The flags on top of the sharing map: severity (icon + word), code, the sentence, and where to fix it. */
export function SharingFlags({ flags }: { flags: SharingFlagDto[] }) {
  const warnings = flags.filter((f) => f.severity === 'warning').length;
  return (
    <Card aria-labelledby="sharing-flags-title">
      <CardHeader>
        <CardTitle id="sharing-flags-title">Flags</CardTitle>
        <CardDescription>
          {flags.length
            ? `${warnings} warning${warnings === 1 ? '' : 's'}, ${flags.length - warnings} for information — each with where to fix it.`
            : 'What an auditor should look at: shared namespaces, missing quotas, plain-HTTP scoring, expiring certificates, missing namespaces, drift.'}
        </CardDescription>
      </CardHeader>
      <CardContent>
        {flags.length ? (
          <ul className="divide-y divide-border" data-testid="sharing-flags">
            {flags.map((f, i) => (
              <li key={`${f.code}-${f.cluster ?? ''}-${f.workspace ?? ''}-${f.target ?? ''}-${i}`} className="flex flex-wrap items-start gap-x-3 gap-y-1 py-2 first:pt-0 last:pb-0" data-flag={f.code}>
                <span className="flex w-28 shrink-0 items-center gap-1.5">
                  {f.severity === 'warning' ? (
                    <Badge tone="warning"><TriangleAlert aria-hidden /> Warning</Badge>
                  ) : (
                    <Badge tone="info"><Info aria-hidden /> Info</Badge>
                  )}
                </span>
                <code className="w-44 shrink-0 pt-0.5 font-mono text-xs">{f.code}</code>
                <span className="min-w-0 flex-1 basis-80 text-sm">{f.message}</span>
                {f.href ? (
                  <Link href={f.href} className="shrink-0 text-sm text-accent-text underline underline-offset-4">
                    Fix<span className="sr-only">: {f.code}{f.cluster ? ` on ${f.cluster}` : ''}{f.workspace ? ` in ${f.workspace}` : ''}</span>
                  </Link>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="flex items-center gap-2 text-sm text-success-text">
            <CircleCheck aria-hidden className="size-4" /> No flags: nothing here needs an auditor’s attention.
          </p>
        )}
      </CardContent>
    </Card>
  );
}
