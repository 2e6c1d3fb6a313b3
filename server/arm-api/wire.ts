import 'server-only';

// What ARM's wire format needs besides the model types of @azure/arm-machinelearning: JSON dates, asset ids and
// ISO 8601 durations (one reading for jobs, endpoints and deployments).

/** ARM's JSON for a model type (Dates as ISO strings, as the SDK's deserializer reads them). */
export type Wire<T> = T extends Date ? string : T extends Array<infer U> ? Array<Wire<U>> : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;

export type AssetKind = 'computes' | 'environments' | 'models' | 'codes';

/**
 * `/subscriptions/…/workspaces/{ws}/{kind}/{name}[/versions/{v}]` → its parts (decoded; the `azureml:` prefix the
 * SDK keeps when it resolved `azureml:<name>@latest` is dropped); any other form → null.
 */
export function parseAssetId(id: string, kind: AssetKind): { workspace: string; name: string; version?: string } | null {
  const m = new RegExp(`^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.MachineLearningServices/workspaces/([^/]+)/${kind}/([^/]+)(?:/versions/([^/]+))?$`, 'i').exec(id);
  if (!m) return null;
  return { workspace: decodeURIComponent(m[1]), name: decodeURIComponent(m[2]).replace(/^azureml:/, ''), ...(m[3] ? { version: decodeURIComponent(m[3]) } : {}) };
}

/** Why an asset id of another workspace is refused (a workspace's jobs and deployments use its own assets). */
export const otherWorkspace = (id: string, kind: AssetKind, workspace: string, asset: { workspace: string }) =>
  asset.workspace.toLowerCase() === workspace.toLowerCase() ? null : `${id} is in workspace ${asset.workspace}; workspace ${workspace} uses its own ${kind}`;

const DURATION = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

/** An ISO 8601 duration as ARM sends them (PT10M, P1DT2H, PT0.5S) → milliseconds; undefined when malformed. */
export function isoDurationMs(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  const m = DURATION.exec(s);
  if (!m || s.toUpperCase() === 'P' || /T$/i.test(s)) return undefined;
  const [d, h, min, sec] = m.slice(1).map((x) => Number(x ?? 0));
  return Math.round((((d * 24 + h) * 60 + min) * 60 + sec) * 1000);
}

/** Milliseconds → ISO 8601 (`PT1.5S`). */
export const msToIsoDuration = (ms: number) => `PT${ms / 1000}S`;
