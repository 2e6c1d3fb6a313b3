-- Online endpoints and their deployments (issue: online endpoints with blue/green deployments). An endpoint is
-- a scoring URL on one compute target with key auth and a traffic split; each deployment is a Deployment +
-- Service (+ HPA) in the target's namespace behind the cluster's inference router, whose configuration is
-- rendered from these rows. Names are unique per workspace and, as in Azure ML, per cluster (the router's
-- scoring URI /api/v1/endpoint/<name>/score is per cluster).
CREATE TABLE online_endpoints (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  compute_target_id uuid NOT NULL REFERENCES compute_targets(id) ON DELETE RESTRICT,
  cluster_id uuid NOT NULL REFERENCES clusters(id) ON DELETE RESTRICT,
  name text NOT NULL,
  auth_mode text NOT NULL DEFAULT 'key' CHECK (auth_mode IN ('key')),
  description text NOT NULL DEFAULT '',
  tags jsonb NOT NULL DEFAULT '{}',
  -- {deployment: percent}; sums to 0 or 100 (checked by the service, which sees the deployments).
  traffic jsonb NOT NULL DEFAULT '{}',
  mirror_traffic jsonb NOT NULL DEFAULT '{}',
  -- {primary, secondary}, AES-256-GCM (server/secrets.ts, purpose endpoint-keys:<id>); never in a DTO.
  keys_enc text NOT NULL,
  keys_rotated_at timestamptz NOT NULL DEFAULT now(),
  provisioning_state text NOT NULL DEFAULT 'Creating' CHECK (provisioning_state IN ('Creating', 'Updating', 'Succeeded', 'Failed', 'Deleting')),
  provisioning_message text,
  source text NOT NULL DEFAULT '',
  source_format text NOT NULL DEFAULT 'json' CHECK (source_format IN ('yaml', 'json')),
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, name),
  UNIQUE (cluster_id, name)
);

CREATE TABLE online_deployments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  endpoint_id uuid NOT NULL REFERENCES online_endpoints(id) ON DELETE CASCADE,
  name text NOT NULL,
  -- The normalized spec (lib/endpoints/spec.ts OnlineDeploymentSpec), environment resolved to its image.
  spec jsonb NOT NULL,
  instance_type text NOT NULL,
  -- Kubernetes Deployment/Service/HPA name in the target's namespace.
  object_name text NOT NULL,
  model_version_id uuid REFERENCES model_versions(id) ON DELETE SET NULL,
  -- "<ClusterIP>:<port>" of the deployment's Service once known: the router's upstream (absent: the router
  -- answers 503 DeploymentNotReady).
  service_address text,
  state text NOT NULL DEFAULT 'Provisioning' CHECK (state IN ('Provisioning', 'Healthy', 'Unhealthy', 'Updating', 'Deleting')),
  reasons jsonb NOT NULL DEFAULT '[]',
  ready_replicas integer NOT NULL DEFAULT 0,
  desired_replicas integer NOT NULL DEFAULT 0,
  code_sha256 text,
  source text NOT NULL DEFAULT '',
  source_format text NOT NULL DEFAULT 'json' CHECK (source_format IN ('yaml', 'json')),
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (endpoint_id, name)
);
CREATE INDEX online_deployments_model_idx ON online_deployments (model_version_id) WHERE model_version_id IS NOT NULL;
