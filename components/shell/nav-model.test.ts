import { describe, expect, it } from 'vitest';
import { activeHref, workspaceFromPath, workspaceNavItems, workspaceSwitchHref } from './nav-model';

describe('activeHref', () => {
  const hrefs = ['/ops', '/ops/clusters', '/ops/instance-types', '/w/vision', '/w/vision/jobs', '/audit/log'];

  it('highlights the most specific item for a detail page', () => {
    expect(activeHref('/ops/clusters/aks-westeurope/pools', hrefs)).toBe('/ops/clusters');
    expect(activeHref('/w/vision/jobs/sweep-42', hrefs)).toBe('/w/vision/jobs');
  });

  it('highlights an overview item only on its own page or unlisted children', () => {
    expect(activeHref('/ops', hrefs)).toBe('/ops');
    expect(activeHref('/ops/', hrefs)).toBe('/ops');
    expect(activeHref('/ops/users', hrefs)).toBe('/ops');
  });

  it('does not treat a shared name prefix as a parent', () => {
    expect(activeHref('/ops/clusters-archive', hrefs)).toBe('/ops');
    expect(activeHref('/w/vision2/jobs', hrefs)).toBeUndefined();
  });

  it('returns nothing when no item matches', () => {
    expect(activeHref('/login', hrefs)).toBeUndefined();
    expect(activeHref('/anything', ['/'])).toBeUndefined();
    expect(activeHref('/', ['/'])).toBe('/');
  });
});

describe('workspace switching', () => {
  it('keeps the section but drops the object, which does not exist in the other workspace', () => {
    expect(workspaceSwitchHref('/w/vision/jobs/abc/logs', 'forecasting')).toBe('/w/forecasting/jobs');
    expect(workspaceSwitchHref('/w/vision/endpoints', 'forecasting')).toBe('/w/forecasting/endpoints');
    expect(workspaceSwitchHref('/w/vision', 'forecasting')).toBe('/w/forecasting');
  });

  it('goes to the workspace home from outside any workspace', () => {
    expect(workspaceSwitchHref('/ops/clusters', 'vision')).toBe('/w/vision');
  });

  it('encodes names and reads them back', () => {
    expect(workspaceSwitchHref('/', 'a b')).toBe('/w/a%20b');
    expect(workspaceFromPath('/w/a%20b/jobs')).toBe('a b');
    expect(workspaceFromPath('/ops')).toBeUndefined();
  });
});

describe('workspace nav items', () => {
  it('puts Models next to Jobs for those who may read them', () => {
    const all = workspaceNavItems('vision', { compute: true, jobs: true, models: true });
    expect(all.map((i) => i.label)).toEqual(['Home', 'Compute', 'Jobs', 'Models', 'Environments']);
    expect(all.find((i) => i.label === 'Models')).toEqual({ href: '/w/vision/models', label: 'Models', icon: 'models' });
    expect(activeHref('/w/vision/models/resnet/versions/3', all.map((i) => i.href))).toBe('/w/vision/models');
  });

  it('leaves out what the role may not use', () => {
    expect(workspaceNavItems('vision', { compute: false, jobs: true, models: false }).map((i) => i.label)).toEqual(['Home', 'Jobs', 'Environments']);
    expect(workspaceNavItems('vision', { compute: false, jobs: false, models: true }).map((i) => i.label)).toEqual(['Home', 'Models']);
  });

  it('puts Endpoints after Models for those who may read them', () => {
    const all = workspaceNavItems('vision', { compute: true, jobs: true, models: true, endpoints: true });
    expect(all.map((i) => i.label)).toEqual(['Home', 'Compute', 'Jobs', 'Models', 'Endpoints', 'Environments']);
    expect(all.find((i) => i.label === 'Endpoints')).toEqual({ href: '/w/vision/endpoints', label: 'Endpoints', icon: 'endpoints' });
    expect(activeHref('/w/vision/endpoints/ep/deployments/blue', all.map((i) => i.href))).toBe('/w/vision/endpoints');
  });
});
