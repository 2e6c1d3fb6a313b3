// Next.js can load a server module in several bundles (route handlers, server actions, pages) while the action
// registry and the cluster clients are shared on globalThis: an error thrown by one copy must still be
// recognised by another, or expected errors turn into "unexpected error" 500s.
import { describe, expect, it, vi } from 'vitest';

describe('errors from another copy of the module', () => {
  it('are AppErrors and KubeErrors to every copy', async () => {
    const a = await import('./errors');
    const ka = await import('./kube/errors');
    vi.resetModules();
    const b = await import('./errors');
    const kb = await import('./kube/errors');
    expect(b.AppError).not.toBe(a.AppError);
    const fromB = new b.AppError('not_found', 'cluster x not found');
    expect(fromB instanceof a.AppError).toBe(true);
    expect(a.isAppError(fromB)).toBe(true);
    const kubeFromB = new kb.KubeError('not_found', 'not found');
    expect(ka.isKubeError(kubeFromB)).toBe(true);
    expect(ka.clusterAppError(kubeFromB, 'c').code).toBe('not_found');
    // Subclasses keep their own, ordinary instanceof; plain errors are not branded.
    expect(new a.AppError('conflict', 'x') instanceof ka.ClusterAccessError).toBe(false);
    expect(new Error('x') instanceof a.AppError).toBe(false);
    expect(a.isAppError({ code: 'not_found' })).toBe(false);
  });
});
