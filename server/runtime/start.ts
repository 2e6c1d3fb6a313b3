import 'server-only';
import type { Db } from '../db';
import { logger } from '../logger';
import { ensureListening, stopBus } from '../live/bus';
import { ensureLoop, stopLoop } from './intents';
import { startJobStatusReconciler } from './job-status';
import { startMetricsCollector } from './metrics';
import { startSweepController } from './sweeps';
import { startModelRegistrar } from './models';
import { startEndpointStatusReconciler } from './endpoint-status';
import { startAzureMlStatusPoller } from './azureml-status';
import { startLeaderElection, type Leadership } from './leader';

// The runtime core's background work, started once per server process (server/bootstrap.ts):
//   - the intent loop, in every process (claims keep two processes from running the same intent), which also
//     finishes intents a process that died left pending;
//   - in the leader only: the job status reconciler, the metrics collector, the sweep controller, the model
//     registrar, the online deployments' status reconciler and the azureml jobs' status poller (ARM);
//   - on PostgreSQL, the LISTEN connection that brings other processes' change notices to this one's streams.

const g = globalThis as unknown as { __hmRuntime?: { leadership: Leadership } };

export function startRuntime(db: Db): void {
  if (g.__hmRuntime) return;
  ensureLoop(db);
  void ensureListening().catch((e) => logger.warn({ err: { message: (e as Error).message } }, 'live notices: LISTEN failed; retrying on next use'));
  const leadership = startLeaderElection(
    () => {
      const stops = [startJobStatusReconciler(db), startMetricsCollector(db), startSweepController(db), startModelRegistrar(db), startEndpointStatusReconciler(db), startAzureMlStatusPoller(db)];
      return () => stops.forEach((stop) => stop());
    },
    { name: 'job-status' },
  );
  g.__hmRuntime = { leadership };
}

/** On shutdown: stop the loops, give up leadership (another process takes over at once) and close LISTEN. */
export async function stopRuntime(): Promise<void> {
  stopLoop();
  await g.__hmRuntime?.leadership.stop();
  g.__hmRuntime = undefined;
  await stopBus();
}
