'use client';

import * as React from 'react';
import { useRouter } from 'next/navigation';
import { RefreshCw } from 'lucide-react';
import { Button } from '@/components/ui/button';

/** Re-renders the page on the server (e.g. runs the health checks again). */
export function RefreshButton({ label = 'Check again' }: { label?: string }) {
  const router = useRouter();
  const [pending, startTransition] = React.useTransition();
  return (
    <Button variant="secondary" size="sm" pending={pending} onClick={() => startTransition(() => router.refresh())}>
      <RefreshCw aria-hidden className="size-4" /> {label}
    </Button>
  );
}
