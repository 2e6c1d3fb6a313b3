// Plain shapes of what the server sends about instance types and compute targets (the DTOs of
// server/services/instance-types.ts and compute-targets-view.ts), for client components. The compute-target
// shapes are the server's own DTO types (type-only imports: nothing server-side reaches the bundle).
import type { ComputeTargetDto, TargetInstanceTypeDto } from '@/server/services/compute-targets-view';

export type ComputeTargetView = ComputeTargetDto;
export type TargetInstanceTypeView = TargetInstanceTypeDto;

export interface FitWarningView {
  code: string;
  message: string;
  nodes?: string[];
}

export interface PoolFitView {
  pool: string | null;
  nodes: number;
  countedNodes: number;
  maxReplicas: number;
  availableNow: number;
}

export interface FitView {
  matchingNodes: number;
  labelMatchingNodes: number;
  maxReplicas: number;
  availableNow: number;
  warnings: FitWarningView[];
  perPool: PoolFitView[];
  requests: { cpu: number; memory: number; gpu: number };
  limits: { cpu: number; memory: number; gpu: number };
  toleratedTaints: string[];
}

export interface InstanceTypeView {
  name: string;
  /** Set on the all-clusters page. */
  cluster?: string;
  nodeSelector: Record<string, string>;
  resources: { requests: Record<string, string | number>; limits: Record<string, string | number> };
  implicit: boolean;
  managedBy: 'harbormaster' | 'other' | null;
  fit: FitView;
}



