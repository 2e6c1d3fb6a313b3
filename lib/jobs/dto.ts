// What the browser sees of a job in lists (shared by the jobs API, the jobs table and the workspace home).
export interface JobSummaryDto {
  name: string;
  displayName: string;
  experimentName: string;
  type: 'command' | 'sweep';
  status: string;
  computeTarget: string;
  cluster: string;
  instanceType: string;
  instanceCount: number;
  createdAt: string;
  createdBy: string | null;
}
