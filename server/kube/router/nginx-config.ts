import 'server-only';
// Renders the inference router (Azure ML's azureml-fe role) as an nginx configuration: a pure function of the
// cluster's online endpoints. Behaviour matched to Azure ML (reference/aml-kubernetes.md §5):
//   POST /api/v1/endpoint/<endpoint>/score, key auth with `Authorization: Bearer <key>` (401 otherwise),
//   weighted traffic split across deployments, the `azureml-model-deployment` request header picking a deployment
//   (also one with 0% traffic), per-deployment request timeout answered with 504, `/healthz`, TLS 1.2+ only.
//
// Keys. Endpoint keys must not land in a ConfigMap. nginx cannot hash a header natively, so comparing against
// stored digests is impossible without a module; instead the keys live in a separate file, `endpoint-keys.map`,
// returned in `secretFiles` and mounted from a Secret, and `include`d into a `map` block. A `map` looks keys up in
// a hash table (not constant-time); the key space (≥ 16 random characters) makes timing attacks impractical, and an
// `auth_request` checker is the upgrade path if that ever matters (reference §5, router on nginx).
//
// Upstreams. nginx resolves host names in `upstream` blocks once, when the configuration loads, and refuses to
// start when one does not resolve. Pass the Service's ClusterIP ("10.0.12.7:80"); a host name yields a warning.
//
// Deployments not ready yet. Traffic may name a deployment whose Service has no address yet (`upstream` absent):
// its share of the split and requests naming it in the header are answered 503 DeploymentNotReady; the weights
// still count, so the other deployments do not silently take its share.
//
// Mirror traffic (Azure ML `mirror_traffic`). One deployment per endpoint may receive a copy of `mirrorPercent` %
// (≤ 50) of the live requests; its answers are discarded. Rendered with nginx's `mirror` directive in the live
// deployments' locations: every live request makes a subrequest to an internal mirror location, which answers 204
// at once unless this request was drawn by a `split_clients` on `${request_id}mirror` (a different hash key from
// the traffic split, so the mirrored share is spread over all live deployments). As in Azure ML, the mirror
// deployment takes no live traffic (weight 0), and requests naming a deployment in the header are not mirrored.
// The subrequest goes through the same upstream settings, so the endpoint key is not forwarded. Caveat of nginx's
// mirror: the client gets its answer without waiting, but the next request on the same keep-alive connection
// waits until the mirror subrequest ends, so a slow mirror deployment (bounded by its timeout) slows clients that
// reuse connections.
//
// Timeouts. proxy_read_timeout bounds the wait between two reads from the model server, which equals the request
// timeout for ordinary (non-streaming) scoring responses; nginx (open source) has no whole-request timeout.

export interface RouterDeployment {
  /** Deployment name (blue, green, …): also the value of the `azureml-model-deployment` header. */
  name: string;
  /** "host:port" of the deployment's Service, preferably its ClusterIP; absent while the deployment is not ready (503 DeploymentNotReady). */
  upstream?: string;
  /** Traffic percentage, integer 0–100; an endpoint's weights sum to 100 (or all 0: no default traffic). */
  weight: number;
  /** Scoring path on the model server; default "/score". */
  path?: string;
  /** Overrides the endpoint's timeout (Azure ML request_settings.request_timeout_ms is per deployment). */
  timeoutMs?: number;
  /** Azure ML mirror_traffic: integer 0–50, the share of live requests copied here (answers discarded). At most one deployment per endpoint, and it takes no live traffic (weight 0). */
  mirrorPercent?: number;
}

export interface RouterEndpoint {
  name: string;
  /** Plain keys (primary, secondary); they end up only in `secretFiles`. */
  keys: string[];
  deployments: RouterDeployment[];
  /** Default request timeout for the endpoint's deployments (Azure ML default 5000). */
  timeoutMs: number;
}

export interface RouterListen {
  /** Plain HTTP scoring listener: a port or "address:port". Not allowed together with `tls`. */
  http?: number | string;
  /** HTTPS scoring listener; requires `tls`. */
  https?: number | string;
  /** A listener that only answers /healthz (kubelet probes), so probes work whatever the scoring protocol. */
  health?: number | string;
}

export interface RouterPaths {
  /** Writable directory for the pid file and nginx's temp files (an emptyDir in the cluster). */
  runDir: string;
  /** Directory where `secretFiles` are mounted. */
  secretDir: string;
}

export interface RenderRouterInput {
  endpoints: RouterEndpoint[];
  /** Certificate chain and key file paths inside the router container. */
  tls?: { certFile: string; keyFile: string };
  listen: RouterListen;
  paths?: Partial<RouterPaths>;
  /** Access log target; false turns it off. Default /dev/stdout (JSON lines). */
  accessLog?: string | false;
  /** Worker processes. Default 2: "auto" means one per host core, which ran ingress-nginx out of memory on big nodes in Azure ML (reference §1). */
  workerProcesses?: number | 'auto';
  /** Largest accepted request body; default "100m". */
  clientMaxBodySize?: string;
}

export interface RenderedRouterConfig {
  nginxConf: string;
  /** File name → contents, to be mounted from a Secret at `paths.secretDir`. */
  secretFiles: Record<string, string>;
  warnings: string[];
}

export const KEYS_FILE = 'endpoint-keys.map';
export const DEFAULT_ROUTER_PATHS: RouterPaths = { runDir: '/tmp', secretDir: '/etc/harbormaster/router-keys' };
export const DEPLOYMENT_HEADER = 'azureml-model-deployment';

export class RouterConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`cannot render the inference router configuration: ${problems.join('; ')}`);
    this.name = 'RouterConfigError';
  }
}

const NAME = /^[A-Za-z][A-Za-z0-9-]{0,31}$/;
const KEY = /^[A-Za-z0-9._~+/=-]{16,128}$/;
const PATH = /^\/[A-Za-z0-9/_.~-]*$/;
const SIZE = /^\d+[kKmMgG]?$/;
const HOST = /^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)$/;
const ABS_PATH = /^\/[A-Za-z0-9/_.-]*$/;

/** nginx identifiers: names allow "-", variables do not; "_" is not allowed in names, so this stays unique. */
const id = (name: string) => name.replace(/-/g, '_');

/** A JSON error body for `return`; the text must not contain characters nginx would interpret. */
function errorBody(code: string, message: string): string {
  if (/['\\$]/.test(message) || /['\\$]/.test(code)) throw new Error(`unsafe text in router error body: ${message}`);
  return `'${JSON.stringify({ error: { code, message } })}'`;
}

function parseUpstream(upstream: string): { host: string; port: number } | undefined {
  const m = /^(.*):(\d{1,5})$/.exec(upstream);
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65535 || !HOST.test(m[1])) return undefined;
  return { host: m[1], port };
}

function listenProblem(v: number | string): string | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v > 0 && v < 65536 ? undefined : `port ${v} is not a TCP port`;
  return parseUpstream(v) ? undefined : `"${v}" is not a port or address:port`;
}

function validate(input: RenderRouterInput, paths: RouterPaths): { problems: string[]; warnings: string[] } {
  const problems: string[] = [];
  const warnings: string[] = [];
  const { listen, tls } = input;
  if (listen.http === undefined && listen.https === undefined) problems.push('listen needs http or https');
  if (listen.https !== undefined && !tls) problems.push('listen.https requires tls (certificate and key files)');
  if (listen.http !== undefined && tls) {
    problems.push('listen.http together with tls would serve endpoint keys unencrypted: use https only');
  }
  for (const [k, v] of Object.entries(listen)) {
    if (v === undefined) continue;
    const p = listenProblem(v);
    if (p) problems.push(`listen.${k}: ${p}`);
  }
  const ports = Object.values(listen).filter((v) => v !== undefined).map(String);
  if (new Set(ports).size !== ports.length) problems.push('listen ports must differ');
  for (const p of [paths.runDir, paths.secretDir, tls?.certFile, tls?.keyFile]) {
    if (p !== undefined && !ABS_PATH.test(p)) problems.push(`"${p}" must be an absolute path of letters, digits, "/", "_", ".", "-"`);
  }
  if (input.clientMaxBodySize !== undefined && !SIZE.test(input.clientMaxBodySize)) problems.push(`clientMaxBodySize "${input.clientMaxBodySize}" is not an nginx size (e.g. 100m)`);

  const seenEndpoints = new Set<string>();
  const keyOwner = new Map<string, string>();
  for (const ep of input.endpoints) {
    const where = `endpoint "${ep.name}"`;
    if (!NAME.test(ep.name)) problems.push(`${where}: name must start with a letter and contain only letters, digits and "-" (at most 32)`);
    if (seenEndpoints.has(ep.name)) problems.push(`${where} appears twice`);
    seenEndpoints.add(ep.name);
    if (ep.keys.length === 0) problems.push(`${where} has no key: every request would be refused`);
    for (const key of ep.keys) {
      if (!KEY.test(key)) problems.push(`${where}: keys must be 16–128 characters of letters, digits and . _ ~ + / = -`);
      const owner = keyOwner.get(key);
      if (owner && owner !== ep.name) problems.push(`${where} shares a key with endpoint "${owner}"`);
      keyOwner.set(key, ep.name);
    }
    if (!Number.isInteger(ep.timeoutMs) || ep.timeoutMs < 1) problems.push(`${where}: timeoutMs must be a positive integer`);
    const seenDeployments = new Set<string>();
    let total = 0;
    const mirrored = ep.deployments.filter((d) => d.mirrorPercent !== undefined && d.mirrorPercent !== 0);
    if (mirrored.length > 1) problems.push(`${where}: mirror traffic goes to at most one deployment (${mirrored.map((d) => d.name).join(', ')})`);
    for (const d of ep.deployments) {
      const dw = `${where}, deployment "${d.name}"`;
      if (!NAME.test(d.name)) problems.push(`${dw}: name must start with a letter and contain only letters, digits and "-" (at most 32)`);
      if (seenDeployments.has(d.name)) problems.push(`${dw} appears twice`);
      seenDeployments.add(d.name);
      if (!Number.isInteger(d.weight) || d.weight < 0 || d.weight > 100) problems.push(`${dw}: weight must be an integer from 0 to 100`);
      total += d.weight;
      if (d.mirrorPercent !== undefined && (!Number.isInteger(d.mirrorPercent) || d.mirrorPercent < 0 || d.mirrorPercent > 50)) {
        problems.push(`${dw}: mirrorPercent must be an integer from 0 to 50`);
      } else if (d.mirrorPercent && d.weight > 0) {
        problems.push(`${dw}: a deployment receives either live traffic or mirror traffic, not both (weight ${d.weight}, mirrorPercent ${d.mirrorPercent})`);
      }
      const up = d.upstream === undefined ? undefined : parseUpstream(d.upstream);
      if (d.upstream === undefined) {
        if (d.mirrorPercent) warnings.push(`${dw} is not ready: its mirror traffic is dropped until it is`);
      } else if (!up) problems.push(`${dw}: upstream "${d.upstream}" must be host:port`);
      else if (!/^[\d.]+$/.test(up.host) && !up.host.startsWith('[')) {
        warnings.push(`${dw}: upstream host "${up.host}" is a DNS name; nginx resolves it once at start and will not start if it does not resolve — prefer the Service's ClusterIP`);
      }
      if (d.path !== undefined && !PATH.test(d.path)) problems.push(`${dw}: path "${d.path}" must start with "/" and contain only URL-safe characters`);
      if (d.timeoutMs !== undefined && (!Number.isInteger(d.timeoutMs) || d.timeoutMs < 1)) problems.push(`${dw}: timeoutMs must be a positive integer`);
    }
    if (total !== 0 && total !== 100) problems.push(`${where}: traffic weights sum to ${total}; they must sum to 100 (or all be 0)`);
  }
  return { problems, warnings };
}

function endpointBlocks(ep: RouterEndpoint): { http: string[]; locations: string[] } {
  const e = id(ep.name);
  const http: string[] = [];
  const weighted = ep.deployments.filter((d) => d.weight > 0);
  let defaultTarget: string;
  if (weighted.length === 0) defaultTarget = '_none';
  else if (weighted.length === 1) defaultTarget = weighted[0].name;
  else {
    // Weighted random split: request ids are random, so each request lands by the configured percentages.
    defaultTarget = `$hm_split_${e}`;
    const lines = weighted.map((d, i) => (i === weighted.length - 1 ? `    * ${d.name};` : `    ${d.weight}% ${d.name};`));
    http.push(`split_clients "\${request_id}" $hm_split_${e} {`, ...lines, '}');
  }
  http.push(
    `map $http_${id(DEPLOYMENT_HEADER)} $hm_target_${e} {`,
    `    "" ${defaultTarget};`,
    ...ep.deployments.map((d) => `    ${d.name} ${d.name};`),
    '    default _unknown;',
    '}',
  );
  for (const d of ep.deployments) {
    if (d.upstream === undefined) continue;
    http.push(`upstream hm_${e}__${id(d.name)} {`, `    server ${d.upstream};`, '    keepalive 16;', '}');
  }
  const mirror = ep.deployments.find((d) => d.mirrorPercent && d.upstream !== undefined);
  if (mirror) {
    // Its own hash key, so the mirrored share is independent of the traffic split; header-routed requests are not mirrored.
    http.push(
      `split_clients "\${request_id}mirror" $hm_mirror_draw_${e} {`,
      `    ${mirror.mirrorPercent}% 1;`,
      '    * "";',
      '}',
      `map "$http_${id(DEPLOYMENT_HEADER)}:$hm_mirror_draw_${e}" $hm_mirror_${e} {`,
      '    ":1" 1;',
      '    default "";',
      '}',
    );
  }

  const locations: string[] = [
    `location = /api/v1/endpoint/${ep.name}/score {`,
    `    set $hm_endpoint ${ep.name};`,
    `    if ($hm_key_endpoint != "${ep.name}") {`,
    `        add_header WWW-Authenticate 'Bearer realm="${ep.name}"' always;`,
    '        add_header X-Request-Id $request_id always;',
    `        return 401 ${errorBody('Unauthorized', `missing or wrong key: send Authorization: Bearer <key> with a key of endpoint ${ep.name}`)};`,
    '    }',
    `    rewrite ^ /_hm/${ep.name}/$hm_target_${e} last;`,
    '}',
    `location /_hm/${ep.name}/ {`,
    '    internal;',
    `    return 404 ${errorBody('DeploymentNotFound', `the ${DEPLOYMENT_HEADER} header names no deployment of endpoint ${ep.name}`)};`,
    '}',
    `location = /_hm/${ep.name}/_none {`,
    '    internal;',
    `    return 503 ${errorBody('NoTraffic', `endpoint ${ep.name} sends no traffic to any deployment: set traffic, or name a deployment in the ${DEPLOYMENT_HEADER} header`)};`,
    '}',
  ];
  const timeouts = (d: RouterDeployment) => {
    const timeout = d.timeoutMs ?? ep.timeoutMs;
    return [`proxy_connect_timeout ${Math.min(timeout, 5000)}ms;`, `proxy_send_timeout ${timeout}ms;`, `proxy_read_timeout ${timeout}ms;`];
  };
  for (const d of ep.deployments) {
    const head = [
      `location = /_hm/${ep.name}/${d.name} {`,
      '    internal;',
      `    set $hm_deployment ${d.name};`,
      // add_header here replaces the inherited ones, so X-Request-Id is repeated.
      `    add_header ${DEPLOYMENT_HEADER} ${d.name} always;`,
      '    add_header X-Request-Id $request_id always;',
    ];
    if (d.upstream === undefined) {
      locations.push(
        ...head,
        `    return 503 ${errorBody('DeploymentNotReady', `deployment ${d.name} of endpoint ${ep.name} is not ready yet: it has no address to send requests to`)};`,
        '}',
      );
      continue;
    }
    locations.push(
      ...head,
      ...indent(timeouts(d), 4),
      // Live traffic is copied to the mirror deployment (the mirror location decides per request; answers are discarded).
      ...(mirror && d.weight > 0 ? ['    mirror_request_body on;', `    mirror /_hm/${ep.name}/_mirror;`] : []),
      // error_page here replaces the server's list, so 404 is repeated.
      '    error_page 404 @hm_404;',
      '    error_page 502 @hm_502;',
      '    error_page 504 @hm_504;',
      `    proxy_pass http://hm_${e}__${id(d.name)}${d.path ?? '/score'};`,
      '}',
    );
  }
  if (mirror) {
    // A subrequest: it shares the main request's variables, so it sets none ($hm_deployment stays the live one for
    // the access log). Authorization is cleared by the http-level proxy_set_header, as for live requests.
    locations.push(
      `location = /_hm/${ep.name}/_mirror {`,
      '    internal;',
      `    if ($hm_mirror_${e} = "") {`,
      '        return 204;',
      '    }',
      ...indent(timeouts(mirror), 4),
      `    proxy_pass http://hm_${e}__${id(mirror.name)}${mirror.path ?? '/score'};`,
      '}',
    );
  }
  return { http, locations };
}

function listenDirective(v: number | string, ssl: boolean): string {
  return `listen ${v}${ssl ? ' ssl' : ''};`;
}

const HEALTH_LOCATION = [
  'location = /healthz {',
  '    access_log off;',
  `    return 200 '{"status":"ok"}';`,
  '}',
];

const indent = (lines: string[], n: number) => lines.map((l) => (l ? ' '.repeat(n) + l : l));

/** Renders nginx.conf and the key include file for a set of endpoints. Throws RouterConfigError on bad input. */
export function renderRouterConfig(input: RenderRouterInput): RenderedRouterConfig {
  const paths: RouterPaths = { ...DEFAULT_ROUTER_PATHS, ...input.paths };
  const { problems, warnings } = validate(input, paths);
  if (problems.length) throw new RouterConfigError(problems);

  const endpoints = [...input.endpoints].sort((a, b) => a.name.localeCompare(b.name));
  const keyLines = endpoints.flatMap((ep) => ep.keys.map((k) => `"Bearer ${k}" ${ep.name};`));
  const maxKeyLine = Math.max(0, ...keyLines.map((l) => l.length));
  const bucket = Math.max(128, 2 ** Math.ceil(Math.log2(maxKeyLine + 32)));
  const maxSize = Math.max(2048, 2 ** Math.ceil(Math.log2(Math.max(1, keyLines.length) * 4)));

  const perEndpoint = endpoints.map(endpointBlocks);
  const accessLog = input.accessLog === undefined ? '/dev/stdout' : input.accessLog;
  const workers = input.workerProcesses ?? 2;

  const notFound = errorBody('NotFound', 'no such endpoint: scoring URIs look like /api/v1/endpoint/<endpoint>/score');
  const scoringLocations = [
    ...HEALTH_LOCATION,
    ...perEndpoint.flatMap((p) => p.locations),
    'location @hm_502 {',
    `    return 502 ${errorBody('BadGateway', 'the model server closed the connection or is not running (check the deployment logs)')};`,
    '}',
    'location @hm_504 {',
    `    return 504 ${errorBody('RequestTimeout', 'the model server did not answer within the request timeout')};`,
    '}',
    'location @hm_404 {',
    `    return 404 ${notFound};`,
    '}',
    'location / {',
    `    return 404 ${notFound};`,
    '}',
  ];
  // error_page turns nginx's own 404 (e.g. a request for an internal route) into the same JSON answer.
  const serverCommon = ['set $hm_endpoint "";', 'set $hm_deployment "";', 'error_page 404 @hm_404;'];

  const servers: string[][] = [];
  if (input.listen.http !== undefined) {
    servers.push(['server {', ...indent([listenDirective(input.listen.http, false), ...serverCommon, ...scoringLocations], 4), '}']);
  }
  if (input.listen.https !== undefined && input.tls) {
    servers.push([
      'server {',
      ...indent([
        listenDirective(input.listen.https, true),
        `ssl_certificate ${input.tls.certFile};`,
        `ssl_certificate_key ${input.tls.keyFile};`,
        // Azure ML serves TLS 1.2 only; we also allow 1.3. Ciphers: Mozilla "intermediate" without DHE.
        'ssl_protocols TLSv1.2 TLSv1.3;',
        'ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;',
        'ssl_prefer_server_ciphers off;',
        'ssl_session_cache shared:hm_tls:10m;',
        'ssl_session_timeout 1d;',
        'ssl_session_tickets off;',
        ...serverCommon,
        ...scoringLocations,
      ], 4),
      '}',
    ]);
  }
  if (input.listen.health !== undefined) {
    servers.push([
      'server {',
      ...indent([listenDirective(input.listen.health, false), ...HEALTH_LOCATION, 'location / {', '    return 404;', '}'], 4),
      '}',
    ]);
  }

  const r = paths.runDir;
  const http = [
    `client_body_temp_path ${r}/client_body;`,
    `proxy_temp_path ${r}/proxy;`,
    `fastcgi_temp_path ${r}/fastcgi;`,
    `uwsgi_temp_path ${r}/uwsgi;`,
    `scgi_temp_path ${r}/scgi;`,
    'server_tokens off;',
    'default_type application/json;',
    `client_max_body_size ${input.clientMaxBodySize ?? '100m'};`,
    `log_format hm_json escape=json '{"time":"$time_iso8601","request_id":"$request_id","endpoint":"$hm_endpoint","deployment":"$hm_deployment","status":$status,"request_time":$request_time,"upstream_status":"$upstream_status","upstream_response_time":"$upstream_response_time"}';`,
    accessLog === false ? 'access_log off;' : `access_log ${accessLog} hm_json;`,
    '',
    '# Upstream requests: HTTP/1.1 keep-alive, the endpoint key is not forwarded to the model server.',
    'proxy_http_version 1.1;',
    'proxy_set_header Connection "";',
    'proxy_set_header Host $host;',
    'proxy_set_header Authorization "";',
    'proxy_set_header X-Request-Id $request_id;',
    'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    'proxy_set_header X-Forwarded-Proto $scheme;',
    'proxy_next_upstream off;',
    'add_header X-Request-Id $request_id always;',
    '',
    `map_hash_bucket_size ${bucket};`,
    `map_hash_max_size ${maxSize};`,
    `# Authorization header → the endpoint the key belongs to. Keys are in a Secret-mounted file, never here.`,
    'map $http_authorization $hm_key_endpoint {',
    '    default "";',
    `    include ${paths.secretDir}/${KEYS_FILE};`,
    '}',
    ...perEndpoint.flatMap((p) => ['', ...p.http]),
    ...servers.flatMap((s) => ['', ...s]),
  ];

  const nginxConf = [
    '# Generated by Harbormaster from the online endpoints of this cluster. Do not edit: changes are overwritten.',
    'daemon off;',
    `worker_processes ${workers};`,
    `pid ${r}/nginx.pid;`,
    'error_log stderr warn;',
    'worker_shutdown_timeout 30s;',
    'events {',
    '    worker_connections 4096;',
    '}',
    'http {',
    ...indent(http, 4),
    '}',
    '',
  ].join('\n');

  const secretFiles = { [KEYS_FILE]: keyLines.length ? `${keyLines.join('\n')}\n` : '# no endpoints\n' };
  return { nginxConf, secretFiles, warnings };
}
