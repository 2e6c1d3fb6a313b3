// Environment references in Azure ML job YAML, and which container image each one means.
//
// Curated environments (Microsoft's prebuilt images) are resolved by rule, no lookup needed:
//   azureml:AzureML-<name>@latest                                   → mcr.microsoft.com/azureml/curated/<name>:latest
//   azureml:AzureML-<name>:<version>                                → mcr.microsoft.com/azureml/curated/<name>:<version>
//   azureml://registries/azureml/environments/<name>/versions/<v>   → mcr.microsoft.com/azureml/curated/<name>:<v>
//   azureml://registries/azureml/environments/<name>/labels/latest  → mcr.microsoft.com/azureml/curated/<name>:latest
// (<name> lower-cased: image repositories are lower-case.) Every other `azureml:` name is a workspace (or
// other registry) environment and is resolved through a lookup the caller passes.

export const CURATED_REGISTRY = 'mcr.microsoft.com/azureml/curated';

export type EnvironmentReference =
  | { kind: 'curated'; name: string; version?: string; label?: string }
  | { kind: 'workspace'; name: string; version?: string; label?: string }
  | { kind: 'registry'; registry: string; name: string; version?: string; label?: string };

export type EnvironmentReferenceResult = { ok: true; ref: EnvironmentReference } | { ok: false; message: string };

/** What the caller's lookup answers for a workspace or registry environment. */
export interface ResolvedEnvironment {
  image: string;
}
export type EnvironmentLookup = (ref: Exclude<EnvironmentReference, { kind: 'curated' }>) => ResolvedEnvironment | undefined;

const ASSET_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;
const VERSION_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const CURATED_PREFIX_RE = /^azureml-/i;

function nameVersion(body: string): { name: string; version?: string; label?: string } | { error: string } {
  const at = body.lastIndexOf('@');
  const colon = body.lastIndexOf(':');
  let name = body;
  let version: string | undefined;
  let label: string | undefined;
  if (at > 0 && at > colon) {
    name = body.slice(0, at);
    label = body.slice(at + 1);
    if (!label) return { error: `"${body}" ends with "@": name a label, e.g. @latest` };
  } else if (colon > 0) {
    name = body.slice(0, colon);
    version = body.slice(colon + 1);
    if (!version) return { error: `"${body}" ends with ":": name a version, e.g. :1` };
  }
  if (!ASSET_NAME_RE.test(name)) return { error: `"${name}" is not a valid environment name (letters, digits, ".", "_", "-")` };
  if (version !== undefined && !VERSION_RE.test(version)) return { error: `"${version}" is not a valid environment version` };
  if (label !== undefined && !VERSION_RE.test(label)) return { error: `"${label}" is not a valid environment label` };
  return { name, version, label };
}

/** Parses an `azureml:` / `azureml://registries/...` environment string. */
export function parseEnvironmentReference(text: string): EnvironmentReferenceResult {
  const registry = /^azureml:\/\/registries\/([^/]+)\/environments\/([^/]+)\/(versions|labels)\/([^/]+)$/.exec(text);
  if (registry) {
    const [, reg, name, kindWord, v] = registry;
    if (!ASSET_NAME_RE.test(name)) return { ok: false, message: `"${name}" is not a valid environment name` };
    if (!VERSION_RE.test(v)) return { ok: false, message: `"${v}" is not a valid environment ${kindWord === 'versions' ? 'version' : 'label'}` };
    const versionOrLabel = kindWord === 'versions' ? { version: v } : { label: v };
    if (reg.toLowerCase() === 'azureml') return { ok: true, ref: { kind: 'curated', name, ...versionOrLabel } };
    return { ok: true, ref: { kind: 'registry', registry: reg, name, ...versionOrLabel } };
  }
  if (text.startsWith('azureml://')) {
    return {
      ok: false,
      message:
        `"${text}" is not an environment reference; registry environments are written ` +
        `azureml://registries/<registry>/environments/<name>/versions/<version> or …/labels/latest`,
    };
  }
  if (!text.startsWith('azureml:')) {
    return { ok: false, message: `"${text}" is not an environment reference: write azureml:<name>:<version>, azureml:<name>@latest, or an inline {image: …}` };
  }
  let body = text.slice('azureml:'.length);
  // ARM id form: azureml:/subscriptions/…/workspaces/<ws>/environments/<name>/versions/<version>
  const arm = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+\/environments\/([^/]+)(?:\/versions\/([^/]+))?$/i.exec(body);
  if (arm) body = arm[2] ? `${arm[1]}:${arm[2]}` : arm[1];
  const parsed = nameVersion(body);
  if ('error' in parsed) return { ok: false, message: parsed.error };
  if (CURATED_PREFIX_RE.test(parsed.name)) {
    return { ok: true, ref: { kind: 'curated', name: parsed.name.replace(CURATED_PREFIX_RE, ''), version: parsed.version, label: parsed.label } };
  }
  return { ok: true, ref: { kind: 'workspace', ...parsed } };
}

/** The image of a curated environment; `latest` unless a version is named. */
export function curatedImage(ref: { name: string; version?: string; label?: string }): { ok: true; image: string } | { ok: false; message: string } {
  if (ref.label !== undefined && ref.label !== 'latest') {
    return { ok: false, message: `curated environments carry only the label "latest"; write @latest or :<version> instead of @${ref.label}` };
  }
  const repo = ref.name.toLowerCase();
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/.test(repo)) {
    return { ok: false, message: `"${ref.name}" cannot be turned into a curated image name` };
  }
  return { ok: true, image: `${CURATED_REGISTRY}/${repo}:${ref.version ?? 'latest'}` };
}

/** Kubernetes refuses images with whitespace; anything else is the registry's business. */
export function checkImageReference(image: string): string | undefined {
  if (image.trim() === '') return 'must name a container image, e.g. python:3.11 or mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04';
  if (/\s/.test(image)) return `"${image}" is not a container image reference (no spaces allowed)`;
  if (image !== image.trim()) return `"${image}" has leading or trailing spaces`;
  return undefined;
}
