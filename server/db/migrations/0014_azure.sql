-- Azure connections and discovery (issue 17, server/azure/). A connection says how Harbormaster reaches Azure
-- Resource Manager: as the signed-in user (their Microsoft sign-in's ARM token), or as a service principal (client
-- secret or certificate) or a managed identity. Secrets (client secret; PEM certificate + key) are AES-256-GCM
-- ciphertexts bound to the connection id (server/secrets.ts) and never leave the server.

CREATE TABLE azure_connections (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE,
  kind text NOT NULL CHECK (kind IN ('user', 'client_secret', 'client_certificate', 'managed_identity')),
  tenant_id text NOT NULL,
  -- The application (service principal) or the user-assigned managed identity; NULL for `user` and a
  -- system-assigned managed identity.
  client_id text,
  secret_enc text,
  -- NULL: Microsoft's (https://login.microsoftonline.com). Another host disables instance discovery.
  authority_host text,
  arm_endpoint text NOT NULL DEFAULT 'https://management.azure.com',
  -- A private CA (PEM) trusted for the ARM endpoint and the authority, besides the system's.
  ca_pem text,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (kind NOT IN ('client_secret', 'client_certificate') OR (client_id IS NOT NULL AND secret_enc IS NOT NULL))
);

-- A Harbormaster workspace linked to an Azure ML workspace (at most one), reached through one connection.
CREATE TABLE workspace_azure_links (
  workspace_id uuid PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
  connection_id uuid NOT NULL REFERENCES azure_connections(id) ON DELETE RESTRICT,
  subscription_id text NOT NULL,
  resource_group text NOT NULL,
  workspace_name text NOT NULL,
  location text NOT NULL DEFAULT '',
  arm_id text NOT NULL,
  linked_by text,
  linked_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workspace_azure_links_connection ON workspace_azure_links (connection_id);

-- A cluster registered from Azure keeps its ARM resource id (clusters.azure_resource_id, since 0002) and the
-- connection its credentials are fetched (and refreshed) through.
ALTER TABLE clusters ADD COLUMN azure_connection_id uuid REFERENCES azure_connections(id) ON DELETE RESTRICT;
