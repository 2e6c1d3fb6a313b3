-- Clusters and their ML extension (issue: attach clusters, install and configure the extension).
-- Credentials are AES-256-GCM ciphertexts (server/secrets.ts) bound to the cluster id; nothing in these
-- tables is sent to the browser except through the DTOs in server/services/clusters.ts.

CREATE TABLE clusters (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE,
  display_name text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  kind text NOT NULL CHECK (kind IN ('aks', 'arc', 'kubernetes')),
  location text NOT NULL CHECK (location IN ('cloud', 'on-prem', 'edge')),
  region text NOT NULL DEFAULT '',
  -- kubeconfig: credentials_enc holds the one-context kubeconfig; inCluster: the pod's service account;
  -- azure: credentials come from ARM (the Azure issue).
  connection_mode text NOT NULL CHECK (connection_mode IN ('kubeconfig', 'inCluster', 'azure')),
  credentials_enc text,
  -- Not secret, shown to people: which context and API server, and how it authenticates.
  context_name text,
  server_url text,
  auth_method text,
  -- Bumped whenever the credentials change: live caches built with older credentials are replaced.
  credentials_version integer NOT NULL DEFAULT 1,
  azure_resource_id text,
  -- The last registration/on-demand check (server/kube/probe.ts ClusterProbe), without secrets.
  last_probe jsonb,
  last_probe_at timestamptz,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Harbormaster's ML extension on a cluster: desired settings, the last operation and its steps.
CREATE TABLE cluster_extensions (
  cluster_id uuid PRIMARY KEY REFERENCES clusters(id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'notInstalled' CHECK (status IN ('notInstalled', 'installing', 'installed', 'failed')),
  operation text CHECK (operation IN ('install', 'upgrade', 'uninstall')),
  operation_id uuid,
  version text,
  settings jsonb,
  -- Uploaded certificate chain + key (encrypted) and what people may see of it (subject, SANs, expiry).
  tls_enc text,
  tls_info jsonb,
  -- Optional workload egress policy for compute namespaces: {enabled, allowCidrs, allowHosts}.
  egress jsonb,
  -- Object references applied by the last successful install (what an upgrade prunes and uninstall removes).
  applied jsonb NOT NULL DEFAULT '[]',
  steps jsonb NOT NULL DEFAULT '[]',
  message text,
  warnings jsonb NOT NULL DEFAULT '[]',
  requested_by text,
  started_at timestamptz,
  finished_at timestamptz,
  heartbeat_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
