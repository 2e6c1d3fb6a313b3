'use client';

import * as React from 'react';
import { useSearchParams } from 'next/navigation';

/**
 * The open tab of a detail page, kept in the URL (?tab=traffic; the first tab has none) without a navigation,
 * so a reload or a shared link opens the same tab. A tab the user may not see falls back to `fallback`.
 */
export function useUrlTab<T extends string>(tabs: readonly T[], fallback: T, available: (t: T) => boolean = () => true): [T, (next: string) => void] {
  const params = useSearchParams();
  const fromUrl = params.get('tab');
  const tab: T = (tabs as readonly string[]).includes(fromUrl ?? '') && available(fromUrl as T) ? (fromUrl as T) : fallback;
  const [shown, setShown] = React.useState<T>(tab);
  React.useEffect(() => setShown(tab), [tab]);
  const setTab = (next: string) => {
    setShown(next as T);
    const p = new URLSearchParams(params.toString());
    if (next === fallback) p.delete('tab');
    else p.set('tab', next);
    const qs = p.toString();
    window.history.replaceState(null, '', `${window.location.pathname}${qs ? `?${qs}` : ''}`);
  };
  return [shown, setTab];
}
