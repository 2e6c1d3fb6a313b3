'use client';

import * as React from 'react';
import { Eye, EyeOff, KeyRound } from 'lucide-react';
import { Button } from './button';
import { CopyButton } from './copy-button';

export interface SecretOnceProps {
  /** The secret itself (token, endpoint key). It exists only in this component's props: never persisted. */
  secret: string;
  /** What it is: "API token", "Primary key". */
  label: string;
  className?: string;
}

/** Shows a newly created secret once, with copy and "you will not see it again". */
export function SecretOnce({ secret, label, className }: SecretOnceProps) {
  const [visible, setVisible] = React.useState(true);
  const id = React.useId();
  return (
    <div role="group" aria-labelledby={`${id}-label`} className={className}>
      <div className="grid gap-2 rounded-lg border border-warning/40 bg-warning-soft p-3">
        <p id={`${id}-label`} className="flex items-center gap-2 text-sm font-semibold text-warning-text">
          <KeyRound aria-hidden className="size-4" />
          Your new {label}
        </p>
        <div className="flex items-center gap-1 rounded-md border border-border bg-surface px-2 py-1">
          <code className="min-w-0 flex-1 break-all font-mono text-sm">
            {visible ? secret : '•'.repeat(Math.min(secret.length, 32))}
          </code>
          <Button
            variant="ghost" size="icon-sm" className="size-7"
            aria-label={visible ? `Hide ${label}` : `Show ${label}`}
            aria-pressed={!visible}
            onClick={() => setVisible((v) => !v)}
          >
            {visible ? <EyeOff aria-hidden /> : <Eye aria-hidden />}
          </Button>
          <CopyButton value={secret} label={`Copy ${label}`} />
        </div>
        <p className="text-sm text-foreground">
          Copy it now and store it somewhere safe: <strong>you will not see it again.</strong>
        </p>
      </div>
    </div>
  );
}
