-- Runtime core (issue: effects after commit, status from informers).
--
-- intents: the outbox. An action commits its DB change, its audit event and the cluster effects it implies
-- in one transaction; the reconciler (server/runtime/intents.ts) carries each intent out after commit with
-- server-side apply / delete, records the outcome and retries while the cluster cannot be reached. An intent
-- left pending by a console that died is finished by the next one to start.
CREATE TABLE intents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq bigserial NOT NULL,
  -- 'kube.plan' (apply/delete steps on one cluster) or 'extension.operation' (an install/upgrade run).
  kind text NOT NULL,
  cluster_id uuid REFERENCES clusters(id) ON DELETE CASCADE,
  cluster_name text NOT NULL,
  -- Whose record shows the outcome: 'job', 'compute', 'instancetype', 'extension', …, and its key.
  owner_type text NOT NULL,
  owner_id text NOT NULL,
  action text NOT NULL,
  request_id text NOT NULL,
  -- The steps, AES-256-GCM encrypted (they may hold Secret values such as a job's code token).
  payload_enc text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed', 'canceled')),
  attempts integer NOT NULL DEFAULT 0,
  -- "waiting for cluster x: connection refused" while it retries; the API server's refusal when failed.
  last_error text,
  -- Per-step verdicts of the last attempt (no object bodies).
  verdicts jsonb NOT NULL DEFAULT '[]',
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- A process carrying the intent out holds it until claimed_until (another takes over after that).
  claimed_by text,
  claimed_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX intents_pending_idx ON intents (next_attempt_at) WHERE status = 'pending';
CREATE INDEX intents_owner_idx ON intents (owner_type, owner_id, seq DESC);

-- Every status a job went through, with its time (the status timeline; the job row keeps the current one).
CREATE TABLE job_transitions (
  id bigserial PRIMARY KEY,
  job_id uuid NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  status text NOT NULL,
  message text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX job_transitions_job_idx ON job_transitions (job_id, id);
CREATE INDEX jobs_cluster_active_idx ON jobs (cluster_name) WHERE status NOT IN ('Completed', 'Failed', 'Canceled');
