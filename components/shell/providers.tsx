'use client';

import * as React from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { ThemeProvider } from 'next-themes';
import { Toaster } from '@/components/ui/toaster';
import { TooltipProvider } from '@/components/ui/tooltip';
import { makeQueryClient } from './query-client';

/**
 * Client-side context for the whole app: react-query, theme (class on <html>, following the OS by
 * default), tooltips and toasts. The root layout's <html> needs `suppressHydrationWarning` because
 * next-themes sets its class before React hydrates.
 */
export function Providers({ children }: { children: React.ReactNode }) {
  // One client per browser tab, created lazily (not per render, not shared between server requests).
  const [queryClient] = React.useState(makeQueryClient);
  return (
    <ThemeProvider attribute="class" defaultTheme="system" enableSystem disableTransitionOnChange>
      <QueryClientProvider client={queryClient}>
        <TooltipProvider delayDuration={300}>
          {children}
          <Toaster />
        </TooltipProvider>
      </QueryClientProvider>
    </ThemeProvider>
  );
}
