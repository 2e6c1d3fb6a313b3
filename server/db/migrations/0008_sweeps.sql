-- Sweeps that run all their trials (issue: sweep jobs). A trial is a job of its own (a command job whose
-- parent is the sweep): the status reconciler follows it like any job, `GET …/jobs/{trial}` opens it, and the
-- jobs list leaves it out (trials are listed under their sweep). The unique (parent, index) pair is what keeps
-- a restarted or second console from ever creating a trial twice.
ALTER TABLE jobs ADD COLUMN parent_job_id uuid REFERENCES jobs(id) ON DELETE CASCADE;
ALTER TABLE jobs ADD COLUMN trial_index integer;
-- The Kubernetes Job's name when it is not derived from the job's name (trials: <sweep>-t<index>).
ALTER TABLE jobs ADD COLUMN object_name text;
-- A trial's sampled parameters {"<name>": value}.
ALTER TABLE jobs ADD COLUMN parameters jsonb;
-- A trial's latest value of its sweep's primary metric.
ALTER TABLE jobs ADD COLUMN primary_metric double precision;
-- Why a trial was stopped early (early-termination policy or a limit), with the numbers that decided it.
ALTER TABLE jobs ADD COLUMN termination jsonb;
-- A sweep: what trial i needs to be rendered later (placement, settings, resolved inputs; never a secret),
-- and its best trial so far.
ALTER TABLE jobs ADD COLUMN run_context jsonb;
ALTER TABLE jobs ADD COLUMN best_trial jsonb;
-- Metric lines (HARBORMASTER_METRIC …) that did not parse, and the pod whose log was read to its end.
ALTER TABLE jobs ADD COLUMN metric_lines_ignored integer NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN metrics_pod text;
ALTER TABLE jobs ADD CONSTRAINT jobs_trial_shape CHECK ((parent_job_id IS NULL) = (trial_index IS NULL));
CREATE UNIQUE INDEX jobs_parent_trial_idx ON jobs (parent_job_id, trial_index) WHERE parent_job_id IS NOT NULL;

-- Metrics reported by a job's rank 0 on stdout, one row per value: seq is the value's position among the
-- values of that name (1, 2, … — an early-termination "interval"), step the reported step (seq when none).
-- Collected again from the start of the log after a restart: (job, name, seq) makes that harmless.
CREATE TABLE job_metrics (
  job_id uuid NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  name text NOT NULL,
  seq integer NOT NULL,
  step bigint NOT NULL,
  value double precision NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job_id, name, seq)
);
