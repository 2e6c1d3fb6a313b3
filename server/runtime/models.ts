import 'server-only';
import type { Db } from '../db';
import { logger } from '../logger';
import { runAction, systemCaller } from '../actions/run';
import { jobsWithUnregisteredModels } from '../services/models';

// The model registrar (leader only): a job that Completed with outputs declared as models
// (`outputs.<x>.type: custom_model | mlflow_model | triton_model`) gets each of them registered as a model
// version — named by the output's `name` (else `<job>-<output>`), its `version` or the next number — through
// the models.registerJobOutputs action (actor system, the job's author as the version's creator). Each job is
// done once (jobs.models_registered_at); a job finished while no console ran is picked up at the next start.

const LOOKBACK_MS = 7 * 24 * 3600_000;

export function startModelRegistrar(db: Db, opts: { tickMs?: number } = {}): () => void {
  let stopped = false;
  let running = false;
  const pass = async () => {
    if (stopped || running) return;
    running = true;
    try {
      for (const { job, workspace } of await jobsWithUnregisteredModels(db, new Date(Date.now() - LOOKBACK_MS))) {
        if (stopped) break;
        await runAction('models.registerJobOutputs', { workspace, job: job.name }, await systemCaller(db, `registrar:${job.name}`)).catch((e) =>
          logger.warn({ err: { message: (e as Error).message }, job: job.name }, 'model registrar: registering outputs failed'),
        );
      }
    } catch (e) {
      logger.warn({ err: { message: (e as Error).message } }, 'model registrar pass failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void pass(), opts.tickMs ?? 3000);
  timer.unref?.();
  void pass();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
