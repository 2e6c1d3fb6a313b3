-- Compute targets: a cluster attached to a workspace under a name, bound to one namespace, with the
-- instance types it allows, a default one, and an optional quota (a ResourceQuota in the namespace).
CREATE TABLE compute_targets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name text NOT NULL,
  cluster_id uuid NOT NULL REFERENCES clusters(id) ON DELETE RESTRICT,
  namespace text NOT NULL,
  -- Whether Harbormaster created the namespace (detach may then delete it when empty).
  namespace_created boolean NOT NULL DEFAULT false,
  default_instance_type text NOT NULL DEFAULT 'defaultinstancetype',
  -- NULL = every instance type of the cluster.
  allowed_instance_types jsonb,
  -- {cpu?, memory?, gpu?, pods?} as Kubernetes quantities; NULL = no quota.
  quota jsonb,
  description text NOT NULL DEFAULT '',
  service_account text NOT NULL DEFAULT 'harbormaster-workload',
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, name)
);
CREATE INDEX compute_targets_cluster_idx ON compute_targets (cluster_id);

-- Workspace environments (name@version → image), Azure ML's `azureml:<name>@<version>` references.
CREATE TABLE environments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name text NOT NULL,
  version text NOT NULL,
  image text NOT NULL,
  conda_file text,
  description text NOT NULL DEFAULT '',
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, name, version)
);
