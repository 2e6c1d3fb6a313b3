// What the browser sees of a job in lists (shared by the jobs API, the jobs table and the workspace home).
export interface JobSummaryDto {
  /** Stable identity (the record's id): live updates are applied by uid. */
  uid: string;
  name: string;
  displayName: string;
  experimentName: string;
  type: 'command' | 'sweep';
  status: string;
  /** Why (what a queued job waits for, a failure's reason, "waiting for cluster …"). */
  statusMessage: string | null;
  computeTarget: string;
  cluster: string;
  instanceType: string;
  instanceCount: number;
  createdAt: string;
  /** When its first rank started running / when it ended (null until then). */
  startedAt: string | null;
  finishedAt: string | null;
  createdBy: string | null;
}
