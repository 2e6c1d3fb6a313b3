'use client';

import * as React from 'react';
import { Check, Copy } from 'lucide-react';
import { cn } from '@/lib/utils';
import { Button, type ButtonProps } from './button';

/**
 * Writes text to the clipboard. navigator.clipboard exists only in secure contexts, and a self-hosted
 * console is often reached over plain http on an internal network, so fall back to a hidden textarea.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (typeof navigator !== 'undefined' && navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the legacy path
  }
  if (typeof document === 'undefined') return false;
  const el = document.createElement('textarea');
  el.value = text;
  el.setAttribute('readonly', '');
  el.style.position = 'fixed';
  el.style.opacity = '0';
  document.body.appendChild(el);
  el.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  el.remove();
  return ok;
}

export interface CopyButtonProps extends Omit<ButtonProps, 'onClick' | 'children' | 'value'> {
  value: string;
  /** Accessible name, e.g. "Copy job id". */
  label?: string;
  /** Show the word "Copy" next to the icon. */
  showText?: boolean;
}

/** An icon button that copies `value`, then shows a check and announces "Copied" (aria-live). */
export function CopyButton({ value, label = 'Copy', showText = false, variant = 'ghost', size, className, ...props }: CopyButtonProps) {
  const [state, setState] = React.useState<'idle' | 'copied' | 'failed'>('idle');
  React.useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(t);
  }, [state]);

  return (
    <Button
      variant={variant}
      size={size ?? (showText ? 'sm' : 'icon-sm')}
      aria-label={showText ? undefined : label}
      className={cn(!showText && 'size-7 text-muted-foreground hover:text-foreground', className)}
      onClick={async () => setState((await copyText(value)) ? 'copied' : 'failed')}
      {...props}
    >
      {state === 'copied' ? <Check aria-hidden className="text-success-text" /> : <Copy aria-hidden />}
      {showText && (state === 'copied' ? 'Copied' : 'Copy')}
      <span aria-live="polite" className="sr-only">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: select the text and copy it by hand' : ''}
      </span>
    </Button>
  );
}
