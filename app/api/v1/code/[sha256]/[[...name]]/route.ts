import { serveJobBlob } from '@/server/services/code-assets-serve';

export const dynamic = 'force-dynamic';

// A job's uploaded code snapshot (gzip tarball) or input file, fetched by the job's init container with its
// job-scoped token (Authorization: Bearer hmc1…, or ?token=…). The optional trailing name is the input
// file's name, so the file keeps it in the pod.
export const GET = serveJobBlob;
