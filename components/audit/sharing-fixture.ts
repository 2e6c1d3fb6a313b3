// A demo-like sharing map for the unit tests of the audit pages' helpers.
import type { SharingMapDto } from '@/lib/audit/sharing';

export const SHARING_FIXTURE: SharingMapDto = {
  clusters: [
    { name: 'onprem-factory', location: 'on-prem', region: 'munich', kind: 'kubernetes' },
    { name: 'aks-westeurope', location: 'cloud', region: 'westeurope', kind: 'aks' },
    { name: 'edge-store-12', location: 'edge', region: '', kind: 'arc' },
  ],
  workspaces: ['vision', 'forecasting', 'nlp'],
  cells: [
    {
      cluster: 'aks-westeurope', location: 'cloud', workspace: 'vision',
      targets: [
        { name: 'gpu', namespace: 'vision-gpu', instanceTypes: ['gpu-1', 'gpu-2'], quota: { 'requests.cpu': '16', 'requests.memory': '64Gi', 'requests.nvidia.com/gpu': '2', pods: '20' }, usage: { 'requests.cpu': '4', 'requests.memory': '16Gi', 'requests.nvidia.com/gpu': '2', pods: '3' }, backend: 'kubernetes', createdBy: 'olivia@example.com', createdAt: '2026-11-02T09:00:00Z' },
      ],
    },
    {
      cluster: 'onprem-factory', location: 'on-prem', workspace: 'vision',
      targets: [{ name: 'factory', namespace: 'shared-ml', instanceTypes: ['*'], quota: null, usage: null, backend: 'kubernetes', createdBy: null, createdAt: '2026-10-01T08:00:00Z' }],
    },
    {
      cluster: 'onprem-factory', location: 'on-prem', workspace: 'forecasting',
      targets: [{ name: 'cpu', namespace: 'shared-ml', instanceTypes: ['cpu-small'], quota: { cpu: '8' }, usage: { cpu: '500m' }, backend: 'kubernetes', createdBy: 'olivia@example.com', createdAt: '2026-10-03T08:00:00Z' }],
    },
  ],
  flags: [
    { code: 'insecure_connections', cluster: 'onprem-factory', message: 'onprem-factory’s inference router accepts plain HTTP scoring.', href: '/ops/clusters/onprem-factory/extension', severity: 'warning' },
    { code: 'namespace_shared', cluster: 'onprem-factory', namespace: 'shared-ml', targets: ['vision/factory', 'forecasting/cpu'], message: 'vision/factory and forecasting/cpu both use namespace shared-ml.', href: '/ops/clusters/onprem-factory/computes', severity: 'warning' },
    { code: 'no_quota', cluster: 'onprem-factory', workspace: 'vision', target: 'factory', message: 'vision/factory has no quota.', severity: 'warning' },
    { code: 'cross_location', workspace: 'vision', message: 'vision runs in the cloud and on-premises.', severity: 'info' },
  ],
  errors: [{ cluster: 'edge-store-12', message: 'connect ETIMEDOUT' }],
};

