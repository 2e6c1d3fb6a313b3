// Where a model version's files are, in words (the version page's "Location" and the lineage graph's source
// node): the server records the location it resolved (server/db/schema.ts ModelArtifactLocation) and never
// fetches the files; this says what that record means to a person.
import type { ModelArtifactLocation } from '@/server/db/schema';

export interface LocationWords {
  /** A short name for the kind of place: "Job output", "Azure Blob Storage", "Uploaded files". */
  kind: string;
  /** One sentence: where the files are ("PVC ml-data in factory/hm-vision-factory at jobs/…/outputs/model"). */
  sentence: string;
  /** What to copy or open, when there is one (a URI). */
  uri?: string;
  /** Something the reader should know (files that are gone, an upload being validated). */
  note?: string;
}

/** Sizes in decimal units, as file browsers show them: "812 B", "1.2 MB", "3.4 GB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let n = bytes;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return i === 0 ? `${n} B` : `${n >= 100 ? Math.round(n) : n.toFixed(1).replace(/\.0$/, '')} ${units[i]}`;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** wasbs://<container>@<account>.blob.core.windows.net/<path> and abfss://<fs>@<account>.dfs.core.windows.net/<path>. */
function storageParts(uri: string): { container: string; account: string; path: string } | null {
  const m = /^[a-z]+:\/\/([^@/]+)@([^./]+)\.[^/]*\/?(.*)$/i.exec(uri);
  return m ? { container: m[1], account: m[2], path: m[3] } : null;
}

/** azureml://datastores/<name>/paths/<path> (also the long form with subscriptions/…/workspaces/…). */
function datastoreParts(uri: string): { datastore: string; path: string } | null {
  const m = /\/datastores\/([^/]+)\/paths\/?(.*)$/i.exec(uri);
  return m ? { datastore: m[1], path: m[2] } : null;
}

export function describeLocation(location: ModelArtifactLocation): LocationWords {
  switch (location.kind) {
    case 'url': {
      let host = '';
      try {
        host = new URL(location.uri).host;
      } catch {
        /* shown as given */
      }
      return { kind: 'Web address', sentence: host ? `Files at ${host}, read over ${location.uri.startsWith('https:') ? 'HTTPS' : 'HTTP'} when the model is used` : `Files at ${location.uri}`, uri: location.uri };
    }
    case 'blob': {
      const p = storageParts(location.uri);
      return {
        kind: 'Azure Blob Storage',
        sentence: p ? `Container ${p.container} in storage account ${p.account}${p.path ? ` at ${p.path}` : ''}` : `Blob storage at ${location.uri}`,
        uri: location.uri,
      };
    }
    case 'adls': {
      const p = storageParts(location.uri);
      return {
        kind: 'Azure Data Lake Storage Gen2',
        sentence: p ? `File system ${p.container} in storage account ${p.account}${p.path ? ` at ${p.path}` : ''}` : `Data Lake storage at ${location.uri}`,
        uri: location.uri,
      };
    }
    case 'datastore': {
      const p = datastoreParts(location.uri);
      return { kind: 'Datastore', sentence: p ? `Datastore ${p.datastore}${p.path ? ` at ${p.path}` : ''}` : `Datastore path ${location.uri}`, uri: location.uri };
    }
    case 'job-output': {
      const s = location.storage;
      const where = s ? `${s.cluster}/${s.namespace}` : '';
      const inside = location.subPath ? ` (${location.subPath} inside it)` : '';
      if (s?.claim) {
        return {
          kind: 'Job output',
          sentence: `PVC ${s.claim} in ${where}${s.path ? ` at ${s.path}` : ''}`,
          uri: location.uri,
          note: `Output ${location.output} of job ${location.job}${inside}.`,
        };
      }
      return {
        kind: 'Job output',
        sentence: `Output ${location.output} of job ${location.job}${inside}${where ? `, written in ${where}` : ''}`,
        uri: location.uri,
        note: s ? 'The job wrote it to its pod’s scratch space (its namespace has no PVC labelled ml.azure.com/pvc=true): the location is recorded, the files went with the pod.' : undefined,
      };
    }
    case 'upload':
      if (location.sha256 === 'pending-upload') return { kind: 'Uploaded files', sentence: 'Files uploaded to Harbormaster with the registration', note: 'A local path: its files are sent when you register.' };
      return {
        kind: 'Uploaded files',
        sentence: `Files uploaded to Harbormaster (${plural(location.files, 'file')}, ${formatBytes(location.size)})`,
        note: `Snapshot ${location.sha256.slice(0, 12)}`,
      };
  }
}

/** What kind of path a person typed (the register form's hint under Path). */
export type PathKind = 'job-output' | 'url' | 'blob' | 'adls' | 'datastore' | 'registry' | 'asset' | 'local' | 'empty';

export function pathKind(path: string): PathKind {
  const p = path.trim();
  if (!p) return 'empty';
  if (/^azureml:\/\/jobs\//i.test(p)) return 'job-output';
  if (/^azureml:\/\/(subscriptions\/[^/]+\/resourcegroups\/[^/]+\/workspaces\/[^/]+\/)?datastores\//i.test(p)) return 'datastore';
  if (/^azureml:\/\/registries\//i.test(p)) return 'registry';
  if (/^azureml:/i.test(p)) return 'asset';
  if (/^https?:\/\//i.test(p)) return 'url';
  if (/^wasbs?:\/\//i.test(p)) return 'blob';
  if (/^abfss?:\/\//i.test(p)) return 'adls';
  return 'local';
}

/** The hint under Path once something is typed: what Harbormaster will record for it. */
export function pathHint(path: string): string | undefined {
  const p = path.trim();
  switch (pathKind(p)) {
    case 'job-output': {
      const m = /^azureml:\/\/jobs\/([^/]+)\/outputs\/([^/]+)/i.exec(p);
      return m ? `Output ${m[2]} of job ${m[1]}: the version links to that job (it must have Completed).` : 'A job output: azureml://jobs/<job>/outputs/<output>.';
    }
    case 'url':
      return 'A web address: recorded as it is; Harbormaster does not download it.';
    case 'blob':
      return 'Azure Blob Storage: recorded as it is; Harbormaster does not download it.';
    case 'adls':
      return 'Azure Data Lake Storage Gen2: recorded as it is; Harbormaster does not download it.';
    case 'datastore':
      return 'A datastore path: recorded as it is.';
    case 'registry':
      return 'Models from Azure ML registries cannot be used with Kubernetes compute: register the files in this workspace.';
    case 'asset':
      return 'A reference to another asset: give the model’s files instead.';
    case 'local':
      return 'A local folder: choose it below, its files are uploaded with the model.';
    default:
      return undefined;
  }
}
