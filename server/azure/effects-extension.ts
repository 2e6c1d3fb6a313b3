import 'server-only';
import type { AzureOperation } from './effects';

// The Microsoft.AzureML.Kubernetes extension through ARM (install / update / remove), run after commit.
export const EXTENSION_OPERATIONS: Record<string, AzureOperation> = {};
