'use client';

import * as React from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { ThemeProvider } from 'next-themes';
import { config as zodConfig } from 'zod';
import { Toaster } from '@/components/ui/toaster';
import { TooltipProvider } from '@/components/ui/tooltip';
import { makeQueryClient } from './query-client';

// Zod compiles object parsers with `new Function` where it can, and probes for that on the first parse: under the
// console's Content-Security-Policy (no 'unsafe-eval', proxy.ts) the probe is a reported violation. In the
// browser, zod parses without compiling.
if (typeof window !== 'undefined') zodConfig({ jitless: true });

/**
 * Client-side context for the whole app: react-query, theme (class on <html>, following the OS by
 * default), tooltips and toasts. The root layout's <html> needs `suppressHydrationWarning` because
 * next-themes sets its class before React hydrates, with an inline script that carries the request's CSP nonce.
 */
export function Providers({ children, nonce }: { children: React.ReactNode; nonce?: string }) {
  // One client per browser tab, created lazily (not per render, not shared between server requests).
  const [queryClient] = React.useState(makeQueryClient);
  return (
    <ThemeProvider nonce={nonce} attribute="class" defaultTheme="system" enableSystem disableTransitionOnChange>
      <QueryClientProvider client={queryClient}>
        <TooltipProvider delayDuration={300}>
          {children}
          <Toaster />
        </TooltipProvider>
      </QueryClientProvider>
    </ThemeProvider>
  );
}
