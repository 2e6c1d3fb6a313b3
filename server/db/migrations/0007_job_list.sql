-- The jobs list at scale (10,000 jobs in a workspace): filtered by status and sorted by creation, served from
-- an index; name order uses the (workspace_id, name) unique index.
CREATE INDEX jobs_workspace_status_created_idx ON jobs (workspace_id, status, created_at DESC, id DESC);
CREATE INDEX jobs_workspace_compute_created_idx ON jobs (workspace_id, compute_name, created_at DESC, id DESC);
