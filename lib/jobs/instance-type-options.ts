// Instance types as the job form lists them: "4 cores · 16.0 GiB · 2 GPUs — can start 3 now", from the
// compute-target feature's DTO (GET …/computes/{name}/instance-types, or the same data rendered on the server).
import { formatResource } from '@/lib/format';

export interface InstanceTypeOption {
  name: string;
  isDefault: boolean;
  /** Instances that can start now (free nodes ∧ quota left); 0 when unknown. */
  canStartNow: number;
  /** "4 cores · 16.0 GiB · 2 GPUs" (requests). */
  summary: string;
  limitedBy: 'nodes' | 'quota' | 'unknown';
}

export interface TargetInstanceTypeLike {
  name: string;
  isDefault: boolean;
  canStartNow: number;
  limitedBy: 'nodes' | 'quota' | 'unknown';
  fit: { requests: { cpu: number; memory: number; gpu: number } };
}

export function instanceTypeOption(it: TargetInstanceTypeLike): InstanceTypeOption {
  const r = it.fit.requests;
  const parts = [formatResource('cpu', r.cpu), formatResource('memory', r.memory), ...(r.gpu > 0 ? [formatResource('gpu', r.gpu)] : [])];
  return { name: it.name, isDefault: it.isDefault, canStartNow: it.canStartNow, summary: parts.join(' · '), limitedBy: it.limitedBy };
}
