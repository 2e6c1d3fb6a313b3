import 'server-only';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { count, eq } from 'drizzle-orm';
import type { Db } from '../db';
import { jobs, workspaces } from '../db/schema';
import { runAction, type Caller } from '../actions/run';
import { findUserByEmail, principalFor } from '../auth/users';
import { logger } from '../logger';
import { findComputeTargetCaseInsensitive } from './compute-targets';

// `npm run demo` (DESIGN §9, issue: run and watch jobs): jobs that show every state at once, submitted by the
// demo data scientists through the same action as anyone's. The testbed's simulated nodes read the
// `harbormaster.io/sim-*` tags (they become pod annotations): how long a pod runs, and its exit code.
//   vision       two Completed, one Failed (exit code 137, OOMKilled), a 2-node PyTorch job Running for a
//                day on both A100 nodes, and one pending for lack of GPUs (the "why pending" explainer)
//                and a grid sweep with a best trial and a trial stopped early by its bandit policy; one model,
//                resnet-vision: version 1 registered by hand, version 2 from resnet50-baseline's output
//   forecasting  one Completed
// Seeded once: a workspace that has jobs is left alone.

const image = 'environment: {image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest}\n';

function sweepFixture(): string {
  try {
    return fs.readFileSync(path.join(process.cwd(), 'test', 'fixtures', 'sweeps', 'sweep-bandit.yml'), 'utf8');
  } catch {
    return '';
  }
}

export const DEMO_JOBS: Array<{ workspace: string; as: string; yaml: string }> = [
  {
    workspace: 'vision',
    as: 'dana@harbormaster.local',
    // Its model output becomes version 2 of resnet-vision when it completes (the model registrar).
    yaml: `name: resnet50-baseline\ndisplay_name: ResNet-50 baseline\nexperiment_name: resnet50\ncommand: python train.py --epochs 1 --out \${{outputs.model}}\n${image}compute: azureml:factory\nresources: {instance_type: cpu-small}\noutputs: {model: {type: custom_model, name: resnet-vision}}\ntags: {harbormaster.io/sim-duration: 3s}\n`,
  },
  {
    workspace: 'vision',
    as: 'dana@harbormaster.local',
    yaml: `name: resnet50-augment\ndisplay_name: ResNet-50 with augmentation\nexperiment_name: resnet50\ncommand: python train.py --epochs 1 --augment\n${image}compute: azureml:factory\nresources: {instance_type: cpu-large}\ntags: {harbormaster.io/sim-duration: 5s}\n`,
  },
  {
    workspace: 'vision',
    as: 'dana@harbormaster.local',
    yaml: `name: yolo-finetune-bs256\ndisplay_name: YOLO fine-tune, batch 256\nexperiment_name: yolo\ncommand: python finetune.py --batch-size 256\n${image}compute: azureml:factory\nresources: {instance_type: cpu-small}\ntags: {harbormaster.io/sim-duration: 4s, harbormaster.io/sim-exit-code: "137", harbormaster.io/sim-exit-reason: OOMKilled}\n`,
  },
  {
    workspace: 'vision',
    as: 'dana@harbormaster.local',
    yaml: `name: ddp-resnet152\ndisplay_name: ResNet-152, 2 × 4 A100 (DDP)\nexperiment_name: resnet152\ncommand: python train_ddp.py --epochs 90\n${image}compute: azureml:aks-gpu\nresources: {instance_type: gpu-4, instance_count: 2}\ndistribution: {type: pytorch, process_count_per_instance: 4}\ntags: {harbormaster.io/sim-duration: 24h}\n`,
  },
  {
    workspace: 'vision',
    as: 'dana@harbormaster.local',
    yaml: `name: vit-large-a100\ndisplay_name: ViT-L on one A100\nexperiment_name: vit\ncommand: python train_vit.py\n${image}compute: azureml:aks-gpu\nresources: {instance_type: gpu-1}\ntags: {harbormaster.io/sim-duration: 2h}\n`,
  },
  {
    // A grid sweep whose trials print their own metrics: it runs live when the demo starts (≈ 30 s), ends
    // Completed with a clear best trial (depth 2 / width 1, val_loss 0.21) and one trial stopped by the bandit
    // policy (depth 4 / width 9). The same file the tests submit (test/fixtures/sweeps/sweep-bandit.yml).
    workspace: 'vision',
    as: 'dana@harbormaster.local',
    yaml: `name: depth-width-sweep\ncompute: azureml:factory\nresources: {instance_type: cpu-small}\n${sweepFixture()}`,
  },
  {
    workspace: 'forecasting',
    as: 'farid@harbormaster.local',
    yaml: `name: demand-forecast-nightly\ndisplay_name: Nightly demand forecast\nexperiment_name: demand\ncommand: python forecast.py --horizon 7d\n${image}compute: azureml:aks-cpu\nresources: {instance_type: cpu-small}\ntags: {harbormaster.io/sim-duration: 3s}\n`,
  },
];

export async function callerFor(db: Db, email: string): Promise<Caller | undefined> {
  const user = await findUserByEmail(db, email);
  if (!user) return undefined;
  return { db, user, principal: await principalFor(db, user), requestId: `demo-seed-${randomUUID().slice(0, 8)}`, ip: null, via: 'system' };
}

/** vision's one model, resnet-vision: version 1 registered by hand (a datastore path), version 2 from a job. */
export const DEMO_MODEL = {
  name: 'resnet-vision',
  version: '1',
  type: 'custom_model',
  path: 'azureml://datastores/workspaceblobstore/paths/models/resnet-vision/1/',
  description: 'ResNet-50 fine-tuned on the factory camera images (first release)',
  tags: { framework: 'pytorch', format: 'onnx' },
};

export async function seedDemoJobs(db: Db): Promise<void> {
  for (const ws of [...new Set(DEMO_JOBS.map((j) => j.workspace))]) {
    const [w] = await db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.name, ws));
    if (!w) continue;
    const [{ n }] = await db.select({ n: count() }).from(jobs).where(eq(jobs.workspaceId, w.id));
    if (Number(n) > 0) continue;
    let modelSeeded = ws !== 'vision';
    for (const j of DEMO_JOBS.filter((x) => x.workspace === ws)) {
      const caller = await callerFor(db, j.as);
      const compute = /^compute: azureml:(\S+)$/m.exec(j.yaml)?.[1] ?? '';
      // Without the demo clusters (no compute target) there is nothing to run the jobs on.
      if (!caller || !(await findComputeTargetCaseInsensitive(db, ws, compute))) continue;
      if (!modelSeeded) {
        modelSeeded = true;
        await runAction('models.create', { workspace: ws, model: DEMO_MODEL }, caller).catch((e) => logger.warn({ err: { message: (e as Error).message } }, 'demo model not registered'));
      }
      try {
        await runAction('jobs.submit', { workspace: ws, yaml: j.yaml }, caller);
      } catch (e) {
        logger.warn({ err: { message: (e as Error).message }, workspace: ws }, 'demo job not submitted');
      }
    }
  }
}
