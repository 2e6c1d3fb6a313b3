'use client';

import * as React from 'react';
import { useTheme } from 'next-themes';
import { Toaster as Sonner, type ToasterProps } from 'sonner';

/**
 * Toasts (sonner) in the console's theme. Mounted once in Providers; elsewhere call
 * `toast.success('Job submitted', { action: { label: 'Open', onClick: () => router.push(href) } })`.
 */
export function Toaster(props: ToasterProps) {
  const { theme = 'system' } = useTheme();
  return (
    <Sonner
      theme={theme as ToasterProps['theme']}
      position="bottom-right"
      closeButton
      richColors
      style={
        {
          '--normal-bg': 'var(--surface)',
          '--normal-text': 'var(--foreground)',
          '--normal-border': 'var(--border)',
          '--success-bg': 'var(--success-soft)',
          '--success-text': 'var(--success-text)',
          '--success-border': 'var(--border)',
          '--error-bg': 'var(--danger-soft)',
          '--error-text': 'var(--danger-text)',
          '--error-border': 'var(--border)',
          '--warning-bg': 'var(--warning-soft)',
          '--warning-text': 'var(--warning-text)',
          '--warning-border': 'var(--border)',
          '--info-bg': 'var(--info-soft)',
          '--info-text': 'var(--info-text)',
          '--info-border': 'var(--border)',
        } as React.CSSProperties
      }
      toastOptions={{ classNames: { toast: 'font-sans text-sm', description: 'text-muted-foreground!' } }}
      {...props}
    />
  );
}

export { toast } from 'sonner';
