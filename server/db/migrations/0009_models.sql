-- The model registry (issue: model registry with lineage). A model is a name in a workspace; its versions say
-- where the artifacts are (recorded, never fetched: an https/wasbs/abfss/azureml://datastores URI, a job's
-- output — on the PVC of the job's compute namespace — or files uploaded to the content-addressed store) and,
-- when a job made them, the job's lineage as it was when the version was registered.
CREATE TABLE models (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name text NOT NULL,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, name)
);

CREATE TABLE model_versions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  version text NOT NULL,
  -- The version as a number when it is one (auto-increment takes the highest + 1; lists sort by it).
  version_num bigint,
  type text NOT NULL CHECK (type IN ('custom_model', 'mlflow_model', 'triton_model')),
  description text NOT NULL DEFAULT '',
  tags jsonb NOT NULL DEFAULT '{}',
  properties jsonb NOT NULL DEFAULT '{}',
  flavors jsonb,
  stage text,
  -- The artifact location as given, and classified ({kind, …}: url, blob, adls, datastore, job-output, upload).
  path text NOT NULL,
  location jsonb NOT NULL,
  upload_sha256 text REFERENCES code_assets(sha256),
  -- The job that produced it (kept when the job record goes) and its lineage at registration.
  job_id uuid REFERENCES jobs(id) ON DELETE SET NULL,
  job_output text,
  lineage jsonb,
  source text NOT NULL DEFAULT '',
  source_format text NOT NULL DEFAULT 'json' CHECK (source_format IN ('yaml', 'json')),
  archived boolean NOT NULL DEFAULT false,
  archived_at timestamptz,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (model_id, version)
);
CREATE INDEX model_versions_job_idx ON model_versions (job_id) WHERE job_id IS NOT NULL;

-- A completed job whose model outputs were registered (the registrar does each job once).
ALTER TABLE jobs ADD COLUMN models_registered_at timestamptz;
