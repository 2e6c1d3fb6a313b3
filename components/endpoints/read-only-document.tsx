import * as React from 'react';
import { CopyButton } from '@/components/ui/copy-button';

/** A document shown as recorded (YAML, the submitted file): read-only, monospace, with copy. */
export function ReadOnlyDocument({ label, description, text }: { label: string; description: React.ReactNode; text: string }) {
  return (
    <section className="grid gap-2" aria-label={label}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h2 className="text-sm font-medium">{label}</h2>
          <p className="text-sm text-muted-foreground">{description}</p>
        </div>
        <CopyButton value={text} label={`Copy ${label.toLowerCase()}`} showText variant="secondary" size="sm" />
      </div>
      <pre role="region" aria-label={`${label} (text)`} tabIndex={0} className="max-h-[40rem] overflow-auto rounded-md border border-border bg-muted p-3 font-mono text-xs leading-5">
        {text}
      </pre>
    </section>
  );
}
