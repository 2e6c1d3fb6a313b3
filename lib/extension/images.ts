// Container image references and the `imageRegistry` rewrite used for air-gapped clusters.
// Rule (predictable, same as a `crane copy`/`skopeo copy` of each image keeping its path): drop the registry
// host of the reference, keep the repository path as written, and put the configured registry in front.
//   nginx:1.28-alpine                       + mirror.example.com/ml → mirror.example.com/ml/nginx:1.28-alpine
//   nvcr.io/nvidia/k8s-device-plugin:v0.17.1 + mirror.example.com    → mirror.example.com/nvidia/k8s-device-plugin:v0.17.1

export interface ImageReference {
  /** Registry host (with port), when the reference names one. */
  registry?: string;
  /** Repository path, e.g. "nginx" or "nvidia/k8s-device-plugin". */
  repository: string;
  tag?: string;
  digest?: string;
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;
const REGISTRY_HOST = /^(?:localhost|[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d{1,5})?$/;

function isRegistryComponent(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost';
}

/** Parses "registry/path:tag@sha256:…". Returns a reason when it is not an image reference. */
export function parseImage(ref: string): { ok: true; image: ImageReference } | { ok: false; reason: string } {
  if (ref === '' || /\s/.test(ref)) return { ok: false, reason: 'an image reference must not be empty or contain spaces' };
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return { ok: false, reason: `"${digest}" is not an image digest (expected sha256:<hex>)` };
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return { ok: false, reason: `"${tag}" is not a valid image tag` };
  }
  const parts = rest.split('/');
  let registry: string | undefined;
  if (parts.length > 1 && isRegistryComponent(parts[0])) {
    registry = parts.shift();
    if (!REGISTRY_HOST.test(registry!)) return { ok: false, reason: `"${registry}" is not a registry host` };
  }
  for (const p of parts) {
    if (!PATH_COMPONENT.test(p)) {
      return { ok: false, reason: `"${p}" is not a valid repository name component (lowercase letters, digits, ".", "_", "-")` };
    }
  }
  return { ok: true, image: { registry, repository: parts.join('/'), tag, digest } };
}

/** Validates the `imageRegistry` setting: "host[:port][/path]", no scheme, no tag. */
export function registryPrefixProblem(prefix: string): string | undefined {
  if (/^[a-z]+:\/\//i.test(prefix)) return `write the registry without a scheme, e.g. "${prefix.replace(/^[a-z]+:\/\//i, '')}"`;
  const trimmed = prefix.replace(/\/+$/, '');
  const [host, ...path] = trimmed.split('/');
  if (!host || !REGISTRY_HOST.test(host)) return `"${host}" is not a registry host (e.g. "registry.example.com" or "registry.example.com:5000")`;
  for (const p of path) {
    if (!PATH_COMPONENT.test(p)) return `"${p}" is not a valid repository path component (lowercase letters, digits, ".", "_", "-")`;
  }
  return undefined;
}

/** Rewrites an image to come from `registry` (see the rule at the top of this file); unchanged without one. */
export function rewriteImage(ref: string, registry?: string): string {
  if (!registry) return ref;
  const parsed = parseImage(ref);
  if (!parsed.ok) throw new Error(`cannot rewrite image "${ref}": ${parsed.reason}`);
  const { repository, tag, digest } = parsed.image;
  return `${registry.replace(/\/+$/, '')}/${repository}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}
