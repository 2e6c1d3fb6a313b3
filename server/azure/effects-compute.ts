import 'server-only';
import type { AzureOperation } from './effects';

// Kubernetes computes attached to an Azure ML workspace through ARM (attach / detach) and the azureml backend's
// jobs (submit / cancel), run after commit.
export const COMPUTE_OPERATIONS: Record<string, AzureOperation> = {};
