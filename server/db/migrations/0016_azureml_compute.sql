-- Compute targets attached to an Azure ML workspace through ARM as Kubernetes compute, and the jobs the `azureml`
-- backend runs there (issue 17; server/azure/effects-compute.ts, server/compute/azureml-backend.ts).

-- kubernetes: Harbormaster creates the Kubernetes objects itself; azureml: Azure ML does (ARM calls).
ALTER TABLE compute_targets ADD COLUMN backend text NOT NULL DEFAULT 'kubernetes' CHECK (backend IN ('kubernetes', 'azureml'));
-- The compute's name in the Azure ML workspace and its ARM id (…/workspaces/{ws}/computes/{name}).
ALTER TABLE compute_targets ADD COLUMN azure_compute_name text;
ALTER TABLE compute_targets ADD COLUMN azure_compute_id text;
-- {provisioningState, error?, explanation?, at}: what ARM last said about the attach (errors verbatim).
ALTER TABLE compute_targets ADD COLUMN azure_state jsonb;
ALTER TABLE compute_targets ADD CONSTRAINT compute_targets_azureml_names CHECK (backend <> 'azureml' OR (azure_compute_name IS NOT NULL AND azure_compute_id IS NOT NULL));

-- An azureml job: its ARM name and id once submitted, Azure ML's last status, when to poll next, and how polling failed.
ALTER TABLE jobs ADD COLUMN azure_job_name text;
ALTER TABLE jobs ADD COLUMN azure_job_id text;
ALTER TABLE jobs ADD COLUMN azure_status text;
ALTER TABLE jobs ADD COLUMN azure_next_poll_at timestamptz;
ALTER TABLE jobs ADD COLUMN azure_poll_failures integer NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN azure_error text;
CREATE INDEX jobs_azureml_active ON jobs (azure_next_poll_at) WHERE backend = 'azureml' AND azure_job_id IS NOT NULL;
