-- Which ML extension a cluster uses, chosen explicitly (issue 17): Harbormaster's own (installed by Harbormaster
-- into the cluster) or Azure ML's Microsoft.AzureML.Kubernetes (installed through Azure Resource Manager on an AKS or
-- Arc cluster). NULL: not chosen yet. Harbormaster never installs one over the other.
ALTER TABLE clusters ADD COLUMN extension_provider text CHECK (extension_provider IN ('harbormaster', 'azureml'));

-- The Azure ML extension of a cluster as last seen through ARM (server/azure/extension.ts). Protected settings (the
-- router's TLS certificate and key) are an AES-256-GCM ciphertext bound to the cluster id; only their names are
-- shown. `lro_state` is the SDK poller's serialized state (operation URLs, no secret) so a later attempt polls the
-- running operation instead of starting it again.
CREATE TABLE cluster_azure_extensions (
  cluster_id uuid PRIMARY KEY REFERENCES clusters(id) ON DELETE CASCADE,
  extension_name text NOT NULL DEFAULT 'azureml',
  operation text CHECK (operation IN ('install', 'update', 'remove')),
  -- Harbormaster's view of the operation: running until ARM's operation ends.
  state text NOT NULL DEFAULT 'none' CHECK (state IN ('none', 'pending', 'running', 'succeeded', 'failed')),
  provisioning_state text,
  statuses jsonb NOT NULL DEFAULT '[]',
  -- The settings as entered (Azure ML names, validated) and as sent to / returned by ARM (configurationSettings).
  settings jsonb,
  configuration_settings jsonb,
  protected_enc text,
  protected_names jsonb NOT NULL DEFAULT '[]',
  tls_info jsonb,
  version text,
  lro_state text,
  last_error text,
  requested_by text,
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
