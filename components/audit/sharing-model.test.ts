import { describe, expect, it } from 'vitest';
import { SHARING_FIXTURE } from './sharing-fixture';
import {
  flagsForTarget, groupPermissions, quotaLines, sharingFiltersFromParams, sharingFiltersToParams, sharingGraph, sharingMatrix,
} from './sharing-model';

describe('sharing filters in the URL', () => {
  it('reads known values and drops unknown ones', () => {
    expect(sharingFiltersFromParams(new URLSearchParams('location=on-prem&cluster=a&workspace=w&view=graph'))).toEqual({ location: 'on-prem', cluster: 'a', workspace: 'w', view: 'graph' });
    expect(sharingFiltersFromParams(new URLSearchParams('location=mars&view=pie'))).toEqual({ location: '', cluster: '', workspace: '', view: 'matrix' });
  });
  it('writes only what is set, the default view not at all', () => {
    expect(sharingFiltersToParams({ location: 'cloud', cluster: '', workspace: '', view: 'matrix' }).toString()).toBe('location=cloud');
    expect(sharingFiltersToParams({ workspace: 'vision', view: 'graph' }).toString()).toBe('workspace=vision&view=graph');
  });
});

describe('sharingMatrix', () => {
  it('orders clusters by location then name, workspaces by name, and fills the cells', () => {
    const m = sharingMatrix(SHARING_FIXTURE);
    expect(m.clusters.map((c) => c.name)).toEqual(['aks-westeurope', 'onprem-factory', 'edge-store-12']);
    expect(m.workspaces).toEqual(['forecasting', 'nlp', 'vision']);
    expect(m.cell('onprem-factory', 'vision').map((t) => t.name)).toEqual(['factory']);
    expect(m.cell('edge-store-12', 'nlp')).toEqual([]);
    expect(m.clusterTargets).toEqual({ 'aks-westeurope': 1, 'onprem-factory': 2 });
    expect(m.workspaceTargets.vision).toBe(2);
  });
  it('finds a target’s flags', () => {
    expect(flagsForTarget(SHARING_FIXTURE.flags, 'onprem-factory', 'vision', 'factory').map((f) => f.code)).toEqual(['namespace_shared', 'no_quota']);
    expect(flagsForTarget(SHARING_FIXTURE.flags, 'onprem-factory', 'forecasting', 'cpu').map((f) => f.code)).toEqual(['namespace_shared']);
    expect(flagsForTarget(SHARING_FIXTURE.flags, 'aks-westeurope', 'vision', 'gpu')).toEqual([]);
  });
});

describe('quotaLines', () => {
  it('reads requests.* and plain keys, in a fixed order, with usage in base units', () => {
    const t = SHARING_FIXTURE.cells[0].targets[0];
    expect(quotaLines(t)).toEqual([
      { resource: 'cpu', label: 'CPU', limit: 16, used: 4 },
      { resource: 'memory', label: 'Memory', limit: 64 * 2 ** 30, used: 16 * 2 ** 30 },
      { resource: 'gpu', label: 'GPUs', limit: 2, used: 2 },
      { resource: 'pods', label: 'Pods', limit: 20, used: 3 },
    ]);
    expect(quotaLines({ quota: { cpu: '8' }, usage: { cpu: '500m' } })).toEqual([{ resource: 'cpu', label: 'CPU', limit: 8, used: 0.5 }]);
  });
  it('no quota → no lines; unknown usage → used null; a resource without usage → 0', () => {
    expect(quotaLines({ quota: null, usage: null })).toEqual([]);
    expect(quotaLines({ quota: {}, usage: null })).toEqual([]);
    expect(quotaLines({ quota: { cpu: '2' }, usage: null })).toEqual([{ resource: 'cpu', label: 'CPU', limit: 2, used: null }]);
    expect(quotaLines({ quota: { pods: '5', 'requests.cpu': 'x' }, usage: {} })).toEqual([{ resource: 'pods', label: 'Pods', limit: 5, used: 0 }]);
  });
});

describe('sharingGraph', () => {
  it('lays clusters, targets and workspaces in three columns with an edge pair per target', () => {
    const g = sharingGraph(SHARING_FIXTURE);
    const col = (k: string) => g.nodes.filter((n) => n.data.kind === k);
    expect(col('cluster').map((n) => n.data.title)).toEqual(['aks-westeurope', 'onprem-factory', 'edge-store-12']);
    expect(col('target').map((n) => n.id)).toEqual(['t:aks-westeurope/vision/gpu', 't:onprem-factory/forecasting/cpu', 't:onprem-factory/vision/factory']);
    expect(new Set(col('cluster').map((n) => n.position.x)).size).toBe(1);
    expect(col('target')[0].position.x).toBeGreaterThan(col('cluster')[0].position.x);
    expect(col('workspace')[0].position.x).toBeGreaterThan(col('target')[0].position.x);
    expect(g.edges).toHaveLength(6);
    expect(g.edges).toContainEqual({ id: 'e:c:t:onprem-factory/vision/factory', source: 'c:onprem-factory', target: 't:onprem-factory/vision/factory' });
    // onprem-factory sits level with the middle of its two targets; the edge cluster with none below the rest.
    const y = (id: string) => g.nodes.find((n) => n.id === id)!.position.y;
    expect(y('c:onprem-factory')).toBe((y('t:onprem-factory/forecasting/cpu') + y('t:onprem-factory/vision/factory')) / 2);
    expect(y('c:edge-store-12')).toBeGreaterThan(y('t:onprem-factory/vision/factory'));
    expect(g.nodes.find((n) => n.id === 'c:onprem-factory')!.data.flags).toBe(1);
    expect(g.nodes.find((n) => n.id === 't:onprem-factory/vision/factory')!.data.flags).toBe(2);
    expect(g.nodes.find((n) => n.id === 'w:vision')!.data.flags).toBe(1);
    expect(g.rows).toBe(4);
  });
  it('an empty map is an empty graph', () => {
    expect(sharingGraph({ clusters: [], workspaces: [], cells: [], flags: [], errors: [] })).toEqual({ nodes: [], edges: [], rows: 1 });
  });
});

describe('groupPermissions', () => {
  it('groups permissions by area', () => {
    expect(groupPermissions(['jobs.read', 'models.read', 'jobs.submit', 'odd'])).toEqual([{ area: 'jobs', verbs: ['read', 'submit'] }, { area: 'models', verbs: ['read'] }, { area: 'odd', verbs: [] }]);
  });
});
