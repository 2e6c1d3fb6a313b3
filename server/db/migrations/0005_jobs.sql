-- Jobs (Azure ML command and sweep jobs) and the code snapshots they run (issue: job specifications).
-- Kubernetes is the truth for a running job; this table keeps what was submitted (the normalized spec, the
-- objects Harbormaster applied, secrets redacted), by whom, where, and the last status seen.

-- Code snapshots, content-addressed: a deterministic gzip tarball stored under
-- <HARBORMASTER_DATA_DIR>/code/<sha256> (path relative to the data directory). Shared by every job that
-- uploads the same files.
CREATE TABLE code_assets (
  sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size bigint NOT NULL,
  files integer NOT NULL DEFAULT 0,
  path text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE jobs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name text NOT NULL,
  display_name text NOT NULL DEFAULT '',
  experiment_name text NOT NULL DEFAULT '',
  type text NOT NULL CHECK (type IN ('command', 'sweep')),
  -- The target may be detached later; its name, cluster and namespace stay for the history.
  compute_target_id uuid REFERENCES compute_targets(id) ON DELETE SET NULL,
  compute_name text NOT NULL,
  cluster_name text NOT NULL,
  namespace text NOT NULL,
  instance_type text NOT NULL,
  instance_count integer NOT NULL DEFAULT 1,
  backend text NOT NULL DEFAULT 'kubernetes',
  -- The normalized spec (lib/aml/job-spec.ts JobSpec) and the document as the user sent it.
  spec jsonb NOT NULL,
  source text NOT NULL DEFAULT '',
  source_format text NOT NULL DEFAULT 'yaml' CHECK (source_format IN ('yaml', 'json')),
  code_sha256 text REFERENCES code_assets(sha256),
  -- Uploaded local input files: {"<input name>": "<sha256>"}.
  input_files jsonb NOT NULL DEFAULT '{}',
  -- What Harbormaster applied (Secret values redacted), for the job's YAML tab.
  objects jsonb NOT NULL DEFAULT '[]',
  warnings jsonb NOT NULL DEFAULT '[]',
  -- Azure ML's words: NotStarted, Queued, Preparing, Running, Finalizing, Completed, Failed, Canceled.
  status text NOT NULL DEFAULT 'NotStarted',
  status_message text,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  UNIQUE (workspace_id, name)
);
CREATE INDEX jobs_workspace_created_idx ON jobs (workspace_id, created_at DESC, id DESC);
CREATE INDEX jobs_compute_target_idx ON jobs (compute_target_id);
