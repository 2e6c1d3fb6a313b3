import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { AppShell, type AppShellProps } from './app-shell';
import type { NavModel } from './nav-model';

const nav = vi.hoisted(() => ({ pathname: '/w/vision/jobs/sweep-7' }));
vi.mock('next/navigation', () => ({ usePathname: () => nav.pathname, useRouter: () => ({ push: vi.fn() }) }));

const model: NavModel = {
  areas: [
    { label: 'Ops', items: [{ href: '/ops', label: 'Overview', icon: 'layout-dashboard' }, { href: '/ops/clusters', label: 'Clusters', icon: 'server' }] },
    { label: 'Workspace', items: [{ href: '/w/vision', label: 'Home', icon: 'house' }, { href: '/w/vision/jobs', label: 'Jobs', icon: 'jobs' }] },
  ],
};
const base: AppShellProps = {
  nav: model,
  user: { email: 'dana@example.test', roleLabel: 'Data scientist' },
  workspaces: [{ name: 'vision', displayName: 'Vision' }, { name: 'forecasting', displayName: 'Forecasting' }],
  children: h('p', null, 'page body'),
};
const render = (props: Partial<AppShellProps> = {}) => renderToStaticMarkup(h(AppShell, { ...base, ...props }));

describe('AppShell', () => {
  it('starts with a skip link to the main landmark', () => {
    const html = render();
    expect(html.indexOf('href="#main"')).toBeLessThan(html.indexOf('<nav'));
    expect(html).toMatch(/<main id="main" tabindex="-1"[^>]*><p>page body<\/p><\/main>/i);
  });

  it('groups navigation by area and marks only the most specific current item', () => {
    const html = render();
    expect(html).toContain('>Ops</span>');
    expect(html).toContain('>Workspace</span>');
    const current = [...html.matchAll(/<a [^>]*aria-current="page"[^>]*href="([^"]+)"/g)].map((m) => m[1]);
    expect(current).toEqual(['/w/vision/jobs']);
  });

  it('shows the current workspace and the signed-in user with role', () => {
    const html = render();
    expect(html).toMatch(/>Workspace<\/span><span class="truncate font-medium">Vision<\/span><\/span><span class="sr-only">, switch workspace</);
    expect(html).toContain('dana@example.test');
    expect(html).toContain('Data scientist');
  });

  it('signs out by posting to the logout route when no server action is given', () => {
    const html = render();
    expect(html).toMatch(/<form action="\/api\/auth\/logout" method="post">.*?aria-label="Sign out"/);
  });

  it('shows the cluster strip only when a cluster is unreachable', () => {
    expect(render()).not.toContain('unreachable');
    const html = render({ unreachableClusters: [{ name: 'onprem-factory', reason: 'connection refused', href: '/ops/clusters/onprem-factory' }] });
    expect(html).toContain('1 cluster is unreachable');
    expect(html).toContain('href="/ops/clusters/onprem-factory"');
    expect(html).toContain('connection refused');
  });

  it('offers the command palette with its shortcut and a menu button for small screens', () => {
    const html = render();
    expect(html).toContain('aria-keyshortcuts="Control+K Meta+K"');
    expect(html).toMatch(/aria-label="Open navigation"[^>]*md:hidden|md:hidden[^>]*aria-label="Open navigation"/);
  });

  it('hides the workspace switcher for users without workspaces', () => {
    expect(render({ workspaces: [] })).not.toContain('switch workspace');
  });
});
