-- Code snapshots and uploaded files belong to the workspaces that uploaded them (issue 18): a job or model
-- may reference a blob (azureml:code-<sha256>) only when its workspace stored it, each workspace's code
-- storage counts each of its blobs once against its quota, and blobs nothing has referenced for 7 days are
-- garbage-collected (last_used_at: the last upload or reference from this workspace).
CREATE TABLE code_asset_workspaces (
  sha256 text NOT NULL REFERENCES code_assets(sha256) ON DELETE CASCADE,
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, sha256)
);
CREATE INDEX code_asset_workspaces_sha_idx ON code_asset_workspaces (sha256);

-- Backfill: the workspaces whose jobs (code and uploaded input files) and model versions used each blob.
INSERT INTO code_asset_workspaces (sha256, workspace_id, created_at, last_used_at)
SELECT u.sha256, u.workspace_id, min(u.at), max(u.at)
FROM (
  SELECT j.code_sha256 AS sha256, j.workspace_id, j.created_at AS at FROM jobs j WHERE j.code_sha256 IS NOT NULL
  UNION ALL
  SELECT f.value, j.workspace_id, j.created_at FROM jobs j, jsonb_each_text(j.input_files) f
  UNION ALL
  SELECT v.upload_sha256, m.workspace_id, v.created_at FROM model_versions v JOIN models m ON m.id = v.model_id WHERE v.upload_sha256 IS NOT NULL
) u
JOIN code_assets a ON a.sha256 = u.sha256
GROUP BY u.sha256, u.workspace_id
ON CONFLICT DO NOTHING;

CREATE INDEX jobs_code_sha256_idx ON jobs (code_sha256) WHERE code_sha256 IS NOT NULL;
CREATE INDEX model_versions_upload_sha256_idx ON model_versions (upload_sha256) WHERE upload_sha256 IS NOT NULL;
