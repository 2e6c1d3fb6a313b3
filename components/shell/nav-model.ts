// The shell's inputs as plain data, computed on the server (role → visible areas) and passed to the
// client shell. No React here, so server code can import these types and helpers freely.

export interface NavItem {
  href: string;
  label: string;
  /** A name from NAV_ICONS in nav-icons.tsx ("layout-dashboard", "server", …); unknown names get a dot. */
  icon: string;
}

export interface NavArea {
  /** "Ops", "Workspace", "Audit". */
  label: string;
  items: NavItem[];
}

export interface NavModel {
  areas: NavArea[];
}

export interface WorkspaceOption {
  name: string;
  displayName: string;
}

export interface ShellUser {
  email: string;
  /** Human role label: "Ops admin", "Data scientist", "Auditor". */
  roleLabel: string;
  displayName?: string;
}

/** An extra command-palette entry (a cluster, a recent job …). */
export interface CommandEntry {
  label: string;
  href: string;
  /** Group heading in the palette: "Clusters", "Recent jobs". */
  group?: string;
  /** Extra words the search should match (ids, locations). */
  keywords?: string[];
  /** Right-aligned hint, e.g. the cluster's location. */
  hint?: string;
}

export interface UnreachableCluster {
  name: string;
  /** Why, in a few words ("connection refused", "certificate expired"). */
  reason?: string;
  /** Where to look: the cluster's detail page. */
  href?: string;
}

/** What a principal may see in a workspace, for its nav items (the server decides: server/nav.ts). */
export interface WorkspaceAccess {
  compute: boolean;
  jobs: boolean;
  models: boolean;
  /** Online endpoints (endpoints.read). */
  endpoints?: boolean;
  /** The "Use from Python" page (the Azure ML SDK against this workspace), last. */
  python?: boolean;
}

/** The Workspace area's items, in order: Home, Compute, Jobs, Models (next to Jobs), Endpoints, Environments, Use from Python. */
export function workspaceNavItems(workspace: string, may: WorkspaceAccess): NavItem[] {
  const ws = `/w/${workspace}`;
  return [
    { href: ws, label: 'Home', icon: 'home' },
    ...(may.compute ? [{ href: `${ws}/compute`, label: 'Compute', icon: 'compute' }] : []),
    ...(may.jobs ? [{ href: `${ws}/jobs`, label: 'Jobs', icon: 'jobs' }] : []),
    ...(may.models ? [{ href: `${ws}/models`, label: 'Models', icon: 'models' }] : []),
    ...(may.endpoints ? [{ href: `${ws}/endpoints`, label: 'Endpoints', icon: 'endpoints' }] : []),
    ...(may.jobs ? [{ href: `${ws}/environments`, label: 'Environments', icon: 'environments' }] : []),
    ...(may.python ? [{ href: `${ws}/python`, label: 'Use from Python', icon: 'python' }] : []),
  ];
}

/**
 * Which nav href is active for a path: the longest href that equals the path or is a parent of it,
 * so "/ops" is not highlighted on "/ops/clusters" when both are in the nav.
 */
export function activeHref(pathname: string, hrefs: string[]): string | undefined {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  let best: string | undefined;
  for (const href of hrefs) {
    const h = href.length > 1 ? href.replace(/\/+$/, '') : href;
    const matches = path === h || (h === '/' ? false : path.startsWith(`${h}/`));
    if (matches && (best === undefined || h.length > best.replace(/\/+$/, '').length)) best = href;
  }
  return best;
}

/**
 * Where switching workspace should land: the same section in the other workspace
 * ("/w/vision/jobs/abc" → "/w/forecasting/jobs"), since the detail object does not exist there;
 * from outside a workspace, that workspace's home.
 */
export function workspaceSwitchHref(pathname: string, to: string): string {
  const target = `/w/${encodeURIComponent(to)}`;
  const m = /^\/w\/[^/]+(\/[^/?#]+)?/.exec(pathname);
  if (!m) return target;
  return m[1] ? `${target}${m[1]}` : target;
}

/** The workspace named in a path ("/w/vision/jobs" → "vision"), if any. */
export function workspaceFromPath(pathname: string): string | undefined {
  const m = /^\/w\/([^/?#]+)/.exec(pathname);
  return m ? decodeURIComponent(m[1]) : undefined;
}
