// Plain data the job pages pass from the server to the browser (DESIGN §5.6: DTOs only).
import type { InstanceTypeOption } from '@/lib/jobs/instance-type-options';

export type { InstanceTypeOption };

export interface TargetOption {
  name: string;
  cluster: string;
  namespace: string;
  defaultInstanceType: string;
  /** Whether "can start now" is live (the cluster could be read). */
  live: boolean;
  error?: string;
  instanceTypes: InstanceTypeOption[];
}

export interface EnvironmentOption {
  reference: string;
  image: string;
}

export interface JobIssueDto {
  path: string;
  message: string;
}

export interface DryRunAnswer {
  name: string;
  spec: Record<string, unknown>;
  objects: Array<Record<string, unknown> & { kind: string; metadata: { name: string } }>;
  warnings: JobIssueDto[];
  placement?: { computeTarget: string; cluster: string; namespace: string; instanceType: { name: string }; instanceCount: number; canStartNow?: number; reachable: boolean };
}

export interface Problem {
  status: number;
  title?: string;
  detail: string;
  errors?: JobIssueDto[];
  requestId?: string;
}
