import 'server-only';
import { eq } from 'drizzle-orm';
import { LABELS } from '@/lib/domain';
import type { PendingExplanation } from '@/lib/jobs/pending';
import type { DeploymentState, DeploymentStatusReason, OnlineDeploymentDto } from '@/lib/endpoints/spec';
import type { Db, DbOrTx } from '../db';
import { computeTargets, onlineDeployments, onlineEndpoints, workspaces } from '../db/schema';
import { AppError } from '../errors';
import type { ClusterCache, LeanEvent, LeanPod, LeanWorkload } from '../kube/cache';
import { clusterAppError } from '../kube/errors';
import { labelValue } from '../kube/manifests/names.job';
import { INFERENCE_CONTAINER } from '../kube/manifests/online-deployment';
import { publish } from '../live/bus';
import { findClusterRow, liveCache } from './clusters';
import { deploymentDto, getDeploymentRow, getEndpointRecord, type DeploymentRow } from './endpoints';
import { eventDto, explainPendingPods, type JobEventDto } from './job-detail';
import { backendFor } from './jobs';

// A deployment's live status (issue 14), derived from its Kubernetes Deployment and pods in the live cache:
//   Provisioning  created, replicas not all ready yet, nothing wrong so far
//   Updating      a changed spec is rolling out (new pods replace old ones one at a time)
//   Healthy       every desired replica ready and up to date
//   Unhealthy     with the reason, in Azure ML's words where one exists: PodUnschedulable (and the pending
//                 explanation the jobs use), ImagePullLoopBackOff, KubernetesCrashLoopBackOff, PodOutOfMemory,
//                 ProbeFailed (running but not ready), ProgressDeadlineExceeded, DeploymentNotFound.
// The reconciler (server/runtime/endpoint-status.ts) records it on the row, so lists need no cluster call.

/** A missing Deployment right after create/update is normal (its intent is on the way); after this it is not. */
const MISSING_AFTER_MS = 60_000;

export interface DerivedDeploymentStatus {
  state: DeploymentState;
  reasons: DeploymentStatusReason[];
  readyReplicas: number;
  desiredReplicas: number;
}

function podReason(p: LeanPod): DeploymentStatusReason | undefined {
  const pr = p.problem;
  if (!pr) return undefined;
  const where = `pod ${p.name}`;
  if (pr.reason === 'Unschedulable') return { code: 'PodUnschedulable', message: `${where} cannot be scheduled: ${pr.message}` };
  if (/ImagePull|ErrImage|InvalidImageName/.test(pr.reason)) return { code: 'ImagePullLoopBackOff', message: `${where} cannot pull its image: ${pr.message}` };
  if (pr.reason === 'CrashLoopBackOff') return { code: 'KubernetesCrashLoopBackOff', message: `${where} keeps crashing: ${pr.message}` };
  if (pr.reason === 'OOMKilled' || /OOMKilled/.test(pr.message)) return { code: 'PodOutOfMemory', message: `${where} ran out of memory: ${pr.message}` };
  if (pr.reason === 'Pending' || pr.reason === 'ContainerCreating') return undefined;
  return { code: pr.reason, message: `${where}: ${pr.message}` };
}

/** Pure: the status of one deployment from its workload, pods and events (undefined workload: not in the cluster). */
export function deriveDeploymentStatus(row: Pick<DeploymentRow, 'state' | 'updatedAt' | 'desiredReplicas'>, workload: LeanWorkload | undefined, pods: LeanPod[], events: LeanEvent[], now = Date.now()): DerivedDeploymentStatus {
  if (!workload) {
    if (now - row.updatedAt.getTime() < MISSING_AFTER_MS) return { state: row.state === 'Updating' ? 'Updating' : 'Provisioning', reasons: [], readyReplicas: 0, desiredReplicas: row.desiredReplicas };
    return { state: 'Unhealthy', reasons: [{ code: 'DeploymentNotFound', message: 'its Kubernetes Deployment is missing from the cluster (deleted outside Harbormaster?): update the deployment to create it again' }], readyReplicas: 0, desiredReplicas: row.desiredReplicas };
  }
  const reasons: DeploymentStatusReason[] = [];
  const seen = new Set<string>();
  for (const p of pods) {
    const r = podReason(p);
    if (r && !seen.has(r.code)) {
      seen.add(r.code);
      reasons.push(r);
    }
  }
  // Running but never ready: the readiness probe fails (the kubelet's Unhealthy events say how).
  const unready = pods.filter((p) => p.phase === 'Running' && !p.ready && !p.problem?.reason.match(/CrashLoop/));
  if (unready.length && !reasons.length) {
    const probe = events.find((e) => e.reason === 'Unhealthy' && unready.some((p) => p.name === e.object.name));
    if (probe) reasons.push({ code: 'ProbeFailed', message: `pod ${probe.object.name}: ${probe.message}` });
  }
  if (workload.failing) reasons.push({ code: 'ProgressDeadlineExceeded', message: workload.failing });
  const desired = workload.desired;
  const ready = workload.ready;
  const rolledOut = workload.observedGeneration >= workload.generation && workload.updated >= desired;
  let state: DeploymentState;
  if (desired > 0 && ready >= desired && rolledOut && !reasons.some((r) => r.code !== 'ProbeFailed')) state = 'Healthy';
  else if (reasons.length) state = 'Unhealthy';
  else state = row.state === 'Updating' || (row.state === 'Healthy' && !rolledOut) ? 'Updating' : 'Provisioning';
  return { state, reasons: state === 'Healthy' ? [] : reasons, readyReplicas: ready, desiredReplicas: desired };
}

const podsOf = (pods: LeanPod[], namespace: string, endpoint: string, deployment: string) =>
  pods.filter((p) => p.namespace === namespace && p.labels[LABELS.endpoint] === labelValue(endpoint) && p.labels[LABELS.deployment] === labelValue(deployment));

/** One pass over a cluster's deployments: records what changed and tells the live pages. */
export async function syncClusterDeployments(db: Db, clusterId: string, cache: ClusterCache): Promise<number> {
  const rows = await db
    .select({ d: onlineDeployments, endpoint: onlineEndpoints.name, workspace: workspaces.name, namespace: computeTargets.namespace })
    .from(onlineDeployments)
    .innerJoin(onlineEndpoints, eq(onlineEndpoints.id, onlineDeployments.endpointId))
    .innerJoin(workspaces, eq(workspaces.id, onlineEndpoints.workspaceId))
    .innerJoin(computeTargets, eq(computeTargets.id, onlineEndpoints.computeTargetId))
    .where(eq(onlineEndpoints.clusterId, clusterId));
  if (!rows.length) return 0;
  const wi = cache.workloadDeployments();
  const pi = cache.pods();
  const ei = cache.events();
  if (!wi.state.synced || !pi.state.synced) return 0;
  const workloads = wi.items();
  const pods = pi.items();
  const events = ei.state.synced ? ei.items() : [];
  let changed = 0;
  for (const r of rows) {
    const ns = r.namespace;
    const w = workloads.find((x) => x.namespace === ns && x.name === r.d.objectName);
    const mine = podsOf(pods, ns, r.endpoint, r.d.name);
    const names = new Set(mine.map((p) => p.name));
    const st = deriveDeploymentStatus(r.d, w, mine, events.filter((e) => e.namespace === ns && names.has(e.object.name)));
    if (st.state === r.d.state && st.readyReplicas === r.d.readyReplicas && st.desiredReplicas === r.d.desiredReplicas && JSON.stringify(st.reasons) === JSON.stringify(r.d.reasons)) continue;
    await db.update(onlineDeployments).set({ state: st.state, reasons: st.reasons, readyReplicas: st.readyReplicas, desiredReplicas: st.desiredReplicas }).where(eq(onlineDeployments.id, r.d.id));
    publish(`deployments:${r.workspace}:${r.endpoint}`, r.d.name);
    publish(`endpoints:${r.workspace}`, r.endpoint);
    changed++;
  }
  return changed;
}

// --- the deployment page ------------------------------------------------------------------------------

export interface DeploymentReplicaDto {
  pod: string;
  phase: string;
  ready: boolean;
  restarts: number;
  node: string | null;
  startedAt: string | null;
  problem: { reason: string; message: string } | null;
}

export interface OnlineDeploymentDetailDto extends OnlineDeploymentDto {
  replicas: DeploymentReplicaDto[];
  events: JobEventDto[];
  /** Why replicas wait to be scheduled (the jobs' explainer), when some do. */
  pending: PendingExplanation | null;
  clusterState: 'live' | 'unreachable' | 'gone';
}

/** The deployment with its live detail; `explain: false` skips the pending explanation (callers that need only the replicas). */
export async function deploymentDetail(db: DbOrTx, workspace: string, endpoint: string, name: string, opts: { explain?: boolean } = {}): Promise<OnlineDeploymentDetailDto> {
  const rec = await getEndpointRecord(db, workspace, endpoint);
  const row = await getDeploymentRow(db, rec.row, name);
  const dto = await deploymentDto(db, rec, row);
  const cluster = await findClusterRow(db, rec.target.cluster.name);
  if (!cluster) return { ...dto, replicas: [], events: [], pending: null, clusterState: 'gone' };
  const cache = liveCache(cluster);
  const pods = cache.pods();
  const events = cache.events();
  const [pOk] = await Promise.all([pods.waitSynced(2000), events.waitSynced(2000)]);
  if (!pOk) return { ...dto, replicas: [], events: [], pending: null, clusterState: 'unreachable' };
  const ns = rec.target.ref.namespace;
  const mine = podsOf(pods.items(), ns, endpoint, name).sort((a, b) => String(a.createdAt ?? '').localeCompare(String(b.createdAt ?? '')));
  const names = new Set(mine.map((p) => p.name));
  const myEvents = events
    .items()
    .filter((e) => e.namespace === ns && (names.has(e.object.name) || ((e.object.kind === 'Deployment' || e.object.kind === 'ReplicaSet' || e.object.kind === 'HorizontalPodAutoscaler') && e.object.name.startsWith(row.objectName))))
    .sort((a, b) => b.last - a.last);
  const waiting = mine.filter((p) => !p.nodeName && p.phase === 'Pending');
  const pending = waiting.length && opts.explain !== false
    ? await explainPendingPods(db, workspace, { computeTarget: rec.target.row.name, cluster: rec.target.cluster.name, instanceType: row.instanceType, instanceCount: Math.max(1, row.desiredReplicas) }, waiting, myEvents)
    : null;
  return {
    ...dto,
    replicas: mine.map((p) => ({ pod: p.name, phase: p.phase, ready: p.ready, restarts: p.restarts, node: p.nodeName, startedAt: p.startedAt ?? null, problem: p.problem ? { reason: p.problem.reason, message: p.problem.message } : null })),
    events: myEvents.slice(0, 100).map(eventDto),
    pending,
    clusterState: 'live',
  };
}

/** A replica's log (container inference-server) as a stream; ?replica= names the pod, default the newest. */
export async function deploymentLogs(
  db: DbOrTx,
  workspace: string,
  endpoint: string,
  name: string,
  req: { replica?: string; follow: boolean; tailLines?: number; timestamps?: boolean; signal?: AbortSignal },
): Promise<{ stream: ReadableStream<Uint8Array> | string; pod: string | null }> {
  // Only the replicas are needed here, not the pending explanation.
  const detail = await deploymentDetail(db, workspace, endpoint, name, { explain: false });
  if (detail.clusterState === 'gone') return { stream: `Cluster ${detail.cluster} is no longer registered: the logs cannot be read.\n`, pod: null };
  if (detail.clusterState === 'unreachable') throw new AppError('upstream_unavailable', `cluster ${detail.cluster} cannot be reached right now: its logs cannot be read`);
  const pod = req.replica ? detail.replicas.find((r) => r.pod === req.replica) : [...detail.replicas].reverse().find((r) => r.startedAt) ?? detail.replicas.at(-1);
  if (req.replica && !pod) {
    throw new AppError('bad_request', `replica: deployment ${name} has no replica ${req.replica}${detail.replicas.length ? ` (it has ${detail.replicas.map((r) => r.pod).join(', ')})` : ''}`, { fieldErrors: [{ path: 'replica', message: 'unknown pod' }] });
  }
  if (!pod) return { stream: `Deployment ${name} has no replicas yet (${detail.state}): there are no logs.\n`, pod: null };
  if (!pod.startedAt) return { stream: `Replica ${pod.pod} has not started its container yet (${pod.problem ? `${pod.problem.reason}: ${pod.problem.message}` : pod.phase}).\n`, pod: pod.pod };
  const cluster = await findClusterRow(db, detail.cluster);
  try {
    const stream = await backendFor(cluster!).streamLogs(detail.namespace, pod.pod, { container: INFERENCE_CONTAINER, follow: req.follow, tailLines: req.tailLines, timestamps: req.timestamps, signal: req.signal });
    return { stream, pod: pod.pod };
  } catch (e) {
    throw clusterAppError(e, detail.cluster);
  }
}
