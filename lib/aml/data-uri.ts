// Where an input's `path` points, in Azure ML's vocabulary, and how it can be fetched.
// Azure ML reads Azure storage and its own asset references; a relative path is a local file or folder that
// the CLI would upload with the job (Harbormaster needs it to come with the submission).

export type DataLocation =
  | { kind: 'url'; url: string }
  | { kind: 'blob'; uri: string; account: string; container: string; blobPath: string; httpsUrl: string }
  | { kind: 'adls'; uri: string; account: string; filesystem: string; blobPath: string; httpsUrl: string }
  | { kind: 'datastore'; uri: string; datastore: string; datastorePath: string }
  /** subPath: the part after /paths/ (azureml://jobs/<job>/outputs/<output>/paths/<subPath>), when written so. */
  | { kind: 'job-output'; uri: string; job: string; output: string; subPath?: string }
  | { kind: 'asset'; uri: string; name: string; version?: string; label?: string }
  | { kind: 'registry-asset'; uri: string; registry: string; name: string; version?: string; label?: string }
  | { kind: 'local'; path: string };

export type DataLocationResult = { ok: true; location: DataLocation } | { ok: false; message: string };

const ACCEPTED =
  'https:// URLs, wasbs:// or abfss:// storage URIs, azureml://datastores/<name>/paths/<path>, ' +
  'azureml:<data-asset>:<version> (or @latest), or a relative local path';

export function parseDataPath(path: string): DataLocationResult {
  if (path.trim() === '') return { ok: false, message: `must not be empty; use ${ACCEPTED}` };
  if (/^https?:\/\//i.test(path)) {
    try {
      new URL(path);
    } catch {
      return { ok: false, message: `"${path}" is not a valid URL` };
    }
    return { ok: true, location: { kind: 'url', url: path } };
  }
  const wasb = /^wasbs?:\/\/([^@/]+)@([^./]+)\.blob\.([^/]+)\/?(.*)$/i.exec(path);
  if (wasb) {
    const [, container, account, suffix, blobPath] = wasb;
    return {
      ok: true,
      location: { kind: 'blob', uri: path, account, container, blobPath, httpsUrl: `https://${account}.blob.${suffix}/${container}/${blobPath}` },
    };
  }
  const abfs = /^abfss?:\/\/([^@/]+)@([^./]+)\.dfs\.([^/]+)\/?(.*)$/i.exec(path);
  if (abfs) {
    const [, filesystem, account, suffix, blobPath] = abfs;
    return {
      ok: true,
      location: { kind: 'adls', uri: path, account, filesystem, blobPath, httpsUrl: `https://${account}.dfs.${suffix}/${filesystem}/${blobPath}` },
    };
  }
  if (/^(wasbs?|abfss?):\/\//i.test(path)) {
    return { ok: false, message: `"${path}" is not a storage URI: write wasbs://<container>@<account>.blob.core.windows.net/<path> or abfss://<filesystem>@<account>.dfs.core.windows.net/<path>` };
  }
  const datastore = /^azureml:\/\/(?:subscriptions\/[^/]+\/resource[gG]roups\/[^/]+\/workspaces\/[^/]+\/)?datastores\/([^/]+)\/paths\/(.*)$/.exec(path);
  if (datastore) return { ok: true, location: { kind: 'datastore', uri: path, datastore: datastore[1], datastorePath: datastore[2] } };
  const jobOutput = /^azureml:\/\/jobs\/([^/]+)\/outputs\/([^/]+)(?:\/paths\/(.+)|\/.*)?$/.exec(path);
  if (jobOutput) {
    const [, job, output, subPath] = jobOutput;
    return { ok: true, location: { kind: 'job-output', uri: path, job, output, ...(subPath ? { subPath } : {}) } };
  }
  const registry = /^azureml:\/\/registries\/([^/]+)\/data\/([^/]+)\/(versions|labels)\/([^/]+)$/.exec(path);
  if (registry) {
    const [, reg, name, kindWord, v] = registry;
    return { ok: true, location: { kind: 'registry-asset', uri: path, registry: reg, name, ...(kindWord === 'versions' ? { version: v } : { label: v }) } };
  }
  if (path.startsWith('azureml://')) {
    return { ok: false, message: `"${path}" is not a recognised azureml:// path; use ${ACCEPTED}` };
  }
  if (path.startsWith('azureml:')) {
    const body = path.slice('azureml:'.length);
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?::([A-Za-z0-9._-]+)|@([A-Za-z0-9._-]+))?$/.exec(body);
    if (!m) return { ok: false, message: `"${path}" is not a data asset reference: write azureml:<name>:<version> or azureml:<name>@latest` };
    return { ok: true, location: { kind: 'asset', uri: path, name: m[1], version: m[2], label: m[3] } };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(path);
  if (scheme) {
    return { ok: false, message: `the ${scheme[1]}:// scheme is not readable by Azure ML jobs; use ${ACCEPTED}` };
  }
  const local = path.startsWith('file:') ? path.slice('file:'.length) : path;
  return { ok: true, location: { kind: 'local', path: local } };
}

/** The last path segment, used as the file name of a fetched `uri_file` input. */
export function fileNameOf(location: DataLocation): string {
  const raw =
    location.kind === 'url' ? new URL(location.url).pathname : location.kind === 'local' ? location.path : 'blobPath' in location ? location.blobPath : location.uri;
  const seg = raw.split('/').filter(Boolean).pop() ?? 'data';
  return decodeURIComponent(seg).replace(/[^A-Za-z0-9._-]/g, '_') || 'data';
}
