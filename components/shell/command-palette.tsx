'use client';

import * as React from 'react';
import { useRouter } from 'next/navigation';
import { Command } from 'cmdk';
import { useTheme } from 'next-themes';
import { CornerDownLeft, Monitor, Moon, Search, Sun } from 'lucide-react';
import { Dialog, DialogContent, DialogDescription, DialogTitle } from '@/components/ui/dialog';
import { Kbd } from '@/components/ui/kbd';
import { cn } from '@/lib/utils';
import type { CommandEntry, NavModel } from './nav-model';
import { navIcon } from './nav-icons';

const subscribeNever = () => () => {};
/** ⌘ on Apple platforms, Ctrl elsewhere; "Ctrl" during server rendering and hydration. */
function useModKey(): string {
  return React.useSyncExternalStore(
    subscribeNever,
    () => (/Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl'),
    () => 'Ctrl',
  );
}

const THEME_WORDS = ['theme', 'mode', 'colour', 'color', 'appearance'];

const itemClasses =
  'flex cursor-default select-none items-center gap-2 rounded-md px-2 py-2 text-sm outline-none ' +
  'data-[selected=true]:bg-muted [&_svg]:size-4 [&_svg]:shrink-0 [&_svg]:text-muted-foreground';
const groupClasses =
  '[&_[cmdk-group-heading]]:px-2 [&_[cmdk-group-heading]]:pt-2 [&_[cmdk-group-heading]]:pb-1 ' +
  '[&_[cmdk-group-heading]]:text-xs [&_[cmdk-group-heading]]:font-medium [&_[cmdk-group-heading]]:text-muted-foreground';

/**
 * Ctrl/⌘-K palette: jump to any nav page or passed entry (clusters, jobs, workspaces) and switch theme.
 * Renders its own trigger button (for the top bar) and listens for the shortcut globally.
 */
export function CommandPalette({ nav, entries = [], className }: { nav: NavModel; entries?: CommandEntry[]; className?: string }) {
  const [open, setOpen] = React.useState(false);
  const router = useRouter();
  const { setTheme } = useTheme();
  const mod = useModKey();

  React.useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if ((e.metaKey || e.ctrlKey) && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setOpen((o) => !o);
      }
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const groups = React.useMemo(() => {
    const map = new Map<string, CommandEntry[]>();
    for (const e of entries) {
      const g = e.group ?? 'Go to';
      map.set(g, [...(map.get(g) ?? []), e]);
    }
    return [...map];
  }, [entries]);

  const run = (fn: () => void) => { setOpen(false); fn(); };

  return (
    <>
      <button
        type="button"
        onClick={() => setOpen(true)}
        aria-keyshortcuts="Control+K Meta+K"
        className={cn(
          'flex h-8 w-full max-w-72 items-center gap-2 rounded-md border border-border bg-surface px-2.5 text-sm text-muted-foreground hover:bg-muted',
          className,
        )}
      >
        <Search aria-hidden className="size-4 shrink-0" />
        <span className="flex-1 truncate text-left">Search or jump to…</span>
        <span className="hidden gap-0.5 sm:flex" aria-hidden><Kbd>{mod}</Kbd><Kbd>K</Kbd></span>
      </button>
      <Dialog open={open} onOpenChange={setOpen}>
        <DialogContent hideClose className="top-[15%] max-w-xl translate-y-0 gap-0 overflow-hidden p-0">
          <DialogTitle className="sr-only">Command palette</DialogTitle>
          <DialogDescription className="sr-only">Type to find a page, cluster, job or workspace; Enter opens it.</DialogDescription>
          <Command label="Command palette" loop className="flex flex-col">
            <div className="flex items-center gap-2 border-b border-border px-3">
              <Search aria-hidden className="size-4 shrink-0 text-muted-foreground" />
              <Command.Input
                placeholder="Find a page, cluster, job…"
                className="h-11 w-full bg-transparent text-sm outline-none placeholder:text-muted-foreground focus-visible:outline-none"
              />
            </div>
            <Command.List className="max-h-[min(60dvh,420px)] overflow-y-auto p-1">
              <Command.Empty className="py-6 text-center text-sm text-muted-foreground">Nothing found.</Command.Empty>
              {nav.areas.map((area) => (
                <Command.Group key={area.label} heading={area.label} className={groupClasses}>
                  {area.items.map((item) => {
                    const Icon = navIcon(item.icon);
                    return (
                      <Command.Item
                        key={item.href}
                        value={`${area.label} ${item.label} ${item.href}`}
                        onSelect={() => run(() => router.push(item.href))}
                        className={itemClasses}
                      >
                        <Icon aria-hidden />{item.label}
                      </Command.Item>
                    );
                  })}
                </Command.Group>
              ))}
              {groups.map(([heading, list]) => (
                <Command.Group key={heading} heading={heading} className={groupClasses}>
                  {list.map((e) => (
                    <Command.Item
                      key={`${heading}:${e.href}`}
                      value={`${heading} ${e.label} ${e.href}`}
                      keywords={e.keywords}
                      onSelect={() => run(() => router.push(e.href))}
                      className={itemClasses}
                    >
                      <CornerDownLeft aria-hidden />
                      <span className="truncate">{e.label}</span>
                      {e.hint && <span className="ml-auto text-xs text-muted-foreground">{e.hint}</span>}
                    </Command.Item>
                  ))}
                </Command.Group>
              ))}
              <Command.Group heading="Theme" className={groupClasses}>
                <Command.Item value="Light theme" keywords={THEME_WORDS} onSelect={() => run(() => setTheme('light'))} className={itemClasses}><Sun aria-hidden />Light theme</Command.Item>
                <Command.Item value="Dark theme" keywords={THEME_WORDS} onSelect={() => run(() => setTheme('dark'))} className={itemClasses}><Moon aria-hidden />Dark theme</Command.Item>
                <Command.Item value="System theme" keywords={THEME_WORDS} onSelect={() => run(() => setTheme('system'))} className={itemClasses}><Monitor aria-hidden />System theme</Command.Item>
              </Command.Group>
            </Command.List>
          </Command>
        </DialogContent>
      </Dialog>
    </>
  );
}
