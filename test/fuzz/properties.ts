// Property-based fuzzing (issue 18, "Fuzzing") of every parser and renderer that takes user input. One module,
// shared by the unit tests (test/fuzz/fuzz.test.ts: a few hundred seeded runs each), the nginx test
// (test/fuzz/router-fuzz.nginx.test.ts: a sample of rendered configs through `nginx -t`) and the bench
// (scripts/bench-fuzz.ts: ≥ 10,000 runs each, printing the count and the slowest input).
//
// The property for every parser: it returns (a refusal is a result, not an exception); a parser documented to
// throw a specific error type (renderRouterConfig → RouterConfigError) throws only that. Time per input is
// measured by runProperty and asserted only in the bench.
// Async parsers (the code archive reader) are AsyncFuzzProperty, run by runAsyncProperty (fc.asyncProperty): the
// same report; fast-check's per-input timeout catches an input that never finishes.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { parseJobYaml, normalizeJob } from '@/lib/aml/job-spec';
import { parseModelYaml, normalizeModel } from '@/lib/aml/model-spec';
import { parseInstanceTypeDocument, parseInstanceTypeForm, parseInstanceTypeYaml } from '@/lib/instance-types/schema';
import { installExtensionInput, registerClusterInput, egressInput, tlsUploadInput, updateClusterInput } from '@/lib/clusters/schemas';
import { parseExtensionSettings, fromAzureConfigurationSettings } from '@/lib/extension/settings';
import { parseCidr, parseIp } from '@/lib/extension/cidr';
import { parseImage, registryPrefixProblem } from '@/lib/extension/images';
import { checkNoProxy, proxyUrlProblem, validateProxySettings } from '@/lib/extension/no-proxy';
import { parseKubeconfig, reduceKubeconfig } from '@/lib/clusters/kubeconfig';
import { parseQuantity } from '@/lib/quantity';
import { parseMetricLine, MetricReader } from '@/lib/jobs/metrics';
import { validateTls, tlsFromSecret } from '@/server/kube/tls';
import { renderRouterConfig, RouterConfigError, type RenderRouterInput, type RouterDeployment, type RouterEndpoint } from '@/server/kube/router/nginx-config';
import { readCodeArchive } from '@/server/services/code-assets';
import { archiveSlotsBusy, packTarGz, type ArchiveFile } from '@/server/services/code-assets-archive';
import { AppError } from '@/server/errors';
import { makeZip } from '../zip-writer';
import { FUZZ_CERT_PEM, FUZZ_KEY_PEM } from './pem-seeds';

/** A fuzz property: an input generator and a check that throws when the property does not hold. */
export interface FuzzProperty<T = unknown> {
  name: string;
  arbitrary: fc.Arbitrary<T>;
  check(input: T): void;
}

/** A fuzz property of an async parser: `check` resolves when the property holds and rejects when not. */
export interface AsyncFuzzProperty<T = unknown> {
  name: string;
  async: true;
  arbitrary: fc.Arbitrary<T>;
  check(input: T): Promise<void>;
}

export interface FuzzRun {
  name: string;
  runs: number;
  maxMs: number;
  /** The slowest input, shortened for printing. */
  slowest: string;
  /** Re-times the slowest input alone (best of 3): tells a slow input from a GC pause or a busy machine. */
  retimeSlowest(): number | Promise<number>;
}

/** Fixed seed: CI runs are reproducible; FUZZ_SEED overrides it to explore further. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261204);

/** Runs a property `numRuns` times (fast-check shrinks a failure and throws) and reports the slowest input. */
export function runProperty<T>(p: FuzzProperty<T>, numRuns: number, seed = FUZZ_SEED): FuzzRun {
  let maxMs = 0;
  let slowest: T | undefined;
  fc.assert(
    fc.property(p.arbitrary, (input) => {
      const t = performance.now();
      p.check(input);
      const ms = performance.now() - t;
      if (ms > maxMs) {
        maxMs = ms;
        slowest = input;
      }
    }),
    { numRuns, seed, endOnFailure: false },
  );
  const retimeSlowest = () => {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      p.check(slowest as T);
      best = Math.min(best, performance.now() - t);
    }
    return best;
  };
  return { name: p.name, runs: numRuns, maxMs, slowest: show(slowest), retimeSlowest };
}

/** An async input that has not settled after this long fails the run (a hang); the 1 s bound is the bench's. */
export const ASYNC_INPUT_TIMEOUT_MS = 10_000;

/** runProperty for an async property (fc.asyncProperty): each input is awaited before the next starts. */
export async function runAsyncProperty<T>(p: AsyncFuzzProperty<T>, numRuns: number, seed = FUZZ_SEED): Promise<FuzzRun> {
  let maxMs = 0;
  let slowest: T | undefined;
  await fc.assert(
    fc.asyncProperty(p.arbitrary, async (input) => {
      const t = performance.now();
      await p.check(input);
      const ms = performance.now() - t;
      if (ms > maxMs) {
        maxMs = ms;
        slowest = input;
      }
    }),
    { numRuns, seed, endOnFailure: false, timeout: ASYNC_INPUT_TIMEOUT_MS },
  );
  const retimeSlowest = async () => {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await p.check(slowest as T);
      best = Math.min(best, performance.now() - t);
    }
    return best;
  };
  return { name: p.name, runs: numRuns, maxMs, slowest: show(slowest), retimeSlowest };
}

/** Runs either kind of property. */
export function runAnyProperty(p: FuzzProperty<never> | AsyncFuzzProperty<never>, numRuns: number, seed = FUZZ_SEED): Promise<FuzzRun> {
  return 'async' in p ? runAsyncProperty(p, numRuns, seed) : Promise.resolve(runProperty(p, numRuns, seed));
}

function show(v: unknown): string {
  let s: string;
  try {
    s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? `<${x.byteLength} bytes: ${Buffer.from(x.subarray(0, 24)).toString('hex')}…>` : x)) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}

// --- generators -------------------------------------------------------------------------------------

const fixtureDir = fileURLToPath(new URL('../fixtures/aml-examples/', import.meta.url));
const fixtures = (match: RegExp) => readdirSync(fixtureDir).filter((f) => match.test(f)).sort().map((f) => readFileSync(`${fixtureDir}${f}`, 'utf8'));

const JOB_SEEDS = [
  ...fixtures(/__jobs__.*\.yml$/),
  'command: python train.py --lr ${{inputs.lr}}\nenvironment: azureml:AzureML-sklearn-1.5@latest\ncompute: azureml:cpu\ninputs:\n  lr: 0.01\n',
];
const MODEL_SEEDS = [
  'name: my-model\nversion: 1\npath: ./model\ntype: mlflow_model\ndescription: a model\ntags: {a: b}\n',
  '$schema: https://azuremlschemas.azureedge.net/latest/model.schema.json\nname: m\npath: azureml://jobs/abc/outputs/artifacts/paths/model/\ntype: custom_model\n',
];
const INSTANCE_TYPE_SEEDS = [
  'apiVersion: amlarc.azureml.com/v1alpha1\nkind: InstanceType\nmetadata:\n  name: gpu-small\nspec:\n  nodeSelector:\n    accelerator: nvidia\n  resources:\n    limits:\n      cpu: "4"\n      memory: 16Gi\n      nvidia.com/gpu: 1\n    requests:\n      cpu: 2\n      memory: 8Gi\n',
  'apiVersion: amlarc.azureml.com/v1alpha1\nkind: InstanceTypeList\nitems:\n  - metadata: {name: a}\n    spec: {resources: {limits: {cpu: 1, memory: 1Gi}}}\n',
];
const CA_B64 = Buffer.from(FUZZ_CERT_PEM).toString('base64');
const KUBECONFIG_SEEDS = [
  `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://10.0.0.1:6443\n    certificate-authority-data: ${CA_B64}\nusers:\n- name: u\n  user:\n    token: abc.def\ncontexts:\n- name: ctx\n  context: {cluster: c, user: u, namespace: ml}\ncurrent-context: ctx\n`,
  `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "https://k.example.com", insecure-skip-tls-verify: true}\nusers:\n- name: u\n  user: {client-certificate-data: ${CA_B64}, client-key-data: ${Buffer.from(FUZZ_KEY_PEM).toString('base64')}}\n- name: e\n  user: {exec: {command: aws}}\ncontexts:\n- {name: a, context: {cluster: c, user: u}}\n- {name: b, context: {cluster: c, user: e}}\n`,
];

/** Text edits: delete a span, insert text, or duplicate a span, at arbitrary positions. */
const edit = fc.record({
  at: fc.nat(),
  del: fc.nat({ max: 8 }),
  ins: fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.constantFrom(':', ': ', '\n', '\n  ', '- ', '&a ', '*a', '<<: *a', '{', '}', '[', ']', '"', "'", '#', '|', '>', '!!binary ', '!!python/object ', '${{', '}}', '\t', '---\n', '? ', ',', '\\u0000', '1e999', '-0', '0x1F', '.inf', 'null', '~'),
    fc.string({ unit: 'grapheme', maxLength: 4 }),
  ),
});

/** A seed text with a few random edits: mostly-valid inputs reach deeper than random bytes. */
function mutated(seeds: string[]): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 6 })).map(([seed, edits]) => {
    let s = seed;
    for (const e of edits) {
      const at = s.length ? e.at % (s.length + 1) : 0;
      s = s.slice(0, at) + e.ins + s.slice(at + e.del);
    }
    return s;
  });
}

const scalar = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('2', '500m', '1.5Gi', '1e3', '-1', 'NaN', 'Infinity', '0x10', '', ' ', 'azureml:x@latest', 'azureml:x:1', '${{inputs.a}}', './src', 'uri_folder', 'mlflow_model', '99999999999999999999Ei'),
);

/** Objects with the given field names (plus stray ones) holding arbitrary-ish values, nested a little. */
function shaped(keys: string[], depth = 2): fc.Arbitrary<unknown> {
  const value: fc.Arbitrary<unknown> =
    depth === 0
      ? scalar
      : fc.oneof({ weight: 4, arbitrary: scalar }, { weight: 1, arbitrary: shaped(keys, depth - 1) }, { weight: 1, arbitrary: fc.array(fc.oneof(scalar, shaped(keys, depth - 1)), { maxLength: 3 }) });
  return fc.dictionary(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) }), value, { maxKeys: 8 });
}

/** Text of one of these forms: arbitrary, seed with edits, or JSON/YAML-ish of a shaped object. */
function textInput(seeds: string[], keys: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 100 }) },
    { weight: 4, arbitrary: mutated(seeds) },
    { weight: 2, arbitrary: shaped(keys).map((o) => JSON.stringify(o)) },
  );
}

const JOB_KEYS = ['$schema', 'type', 'command', 'code', 'environment', 'compute', 'inputs', 'outputs', 'environment_variables', 'distribution', 'resources', 'limits', 'name', 'display_name', 'experiment_name', 'description', 'tags', 'trial', 'search_space', 'objective', 'sampling_algorithm', 'early_termination', 'image', 'path', 'mode', 'value', 'instance_count', 'instance_type', 'shm_size', 'timeout', 'max_total_trials', 'max_concurrent_trials', 'process_count_per_instance', 'goal', 'primary_metric', 'values', 'min_value', 'max_value', 'conda_file'];
const MODEL_KEYS = ['$schema', 'name', 'version', 'path', 'type', 'description', 'tags', 'properties', 'flavors', 'stage', 'job_name'];
const IT_KEYS = ['apiVersion', 'kind', 'metadata', 'spec', 'items', 'name', 'nodeSelector', 'resources', 'limits', 'requests', 'cpu', 'memory', 'nvidia.com/gpu', 'labels'];
const KUBECONFIG_KEYS = ['apiVersion', 'kind', 'clusters', 'users', 'contexts', 'current-context', 'name', 'cluster', 'user', 'context', 'server', 'token', 'namespace', 'certificate-authority-data', 'client-certificate-data', 'client-key-data', 'exec', 'auth-provider', 'insecure-skip-tls-verify'];
const SETTINGS_KEYS = ['enableTraining', 'enableInference', 'allowInsecureConnections', 'inferenceRouterHA', 'inferenceRouterServiceType', 'internalLoadBalancerProvider', 'sslSecret', 'sslCname', 'nodeSelector', 'installNvidiaDevicePlugin', 'routerImage', 'imageRegistry', 'installPromOp', 'installVolcano', 'sslCertPemFile', 'clusterPurpose', 'servicebus.enabled', 'proxy', 'httpProxy', 'noProxy'];

// --- properties -------------------------------------------------------------------------------------

/** A parse result is a proper value (not undefined) and a refusal carries a message. */
function isResult(r: unknown, what: string): void {
  if (r === undefined || r === null || typeof r !== 'object') throw new Error(`${what} returned ${String(r)}`);
  const o = r as { ok?: unknown; errors?: unknown; message?: unknown; reason?: unknown };
  if (o.ok === false && o.errors === undefined && o.message === undefined && o.reason === undefined) throw new Error(`${what} refused without saying why`);
}

const jobYaml: FuzzProperty<string> = {
  name: 'job YAML (parseJobYaml)',
  arbitrary: textInput(JOB_SEEDS, JOB_KEYS),
  check: (text) => isResult(parseJobYaml(text, { dryRun: true }), 'parseJobYaml'),
};
const jobJson: FuzzProperty<unknown> = {
  name: 'job JSON (normalizeJob)',
  arbitrary: fc.oneof(shaped(JOB_KEYS, 3), fc.jsonValue({ maxDepth: 3 }), fc.anything({ maxDepth: 2 })),
  check: (doc) => isResult(normalizeJob(doc, { dryRun: true }), 'normalizeJob'),
};
const modelYaml: FuzzProperty<string> = {
  name: 'model YAML (parseModelYaml)',
  arbitrary: textInput(MODEL_SEEDS, MODEL_KEYS),
  check: (text) => isResult(parseModelYaml(text), 'parseModelYaml'),
};
const modelJson: FuzzProperty<unknown> = {
  name: 'model JSON (normalizeModel)',
  arbitrary: fc.oneof(shaped(MODEL_KEYS), fc.anything({ maxDepth: 2 })),
  check: (doc) => isResult(normalizeModel(doc), 'normalizeModel'),
};
const instanceTypes: FuzzProperty<string | { doc: unknown } | { form: unknown }> = {
  name: 'instance types (YAML, document, form)',
  arbitrary: fc.oneof(
    textInput(INSTANCE_TYPE_SEEDS, IT_KEYS),
    shaped(IT_KEYS, 3).map((doc) => ({ doc })),
    shaped(['name', 'cpuRequest', 'cpuLimit', 'memoryRequest', 'memoryLimit', 'gpu', 'gpuResource', 'nodeSelector', 'key', 'value']).map((form) => ({ form })),
  ),
  check: (x) => {
    if (typeof x === 'string') isResult(parseInstanceTypeYaml(x), 'parseInstanceTypeYaml');
    else if ('doc' in x) isResult(parseInstanceTypeDocument(x.doc), 'parseInstanceTypeDocument');
    else isResult(parseInstanceTypeForm(x.form), 'parseInstanceTypeForm');
  },
};
const extensionSettings: FuzzProperty<{ input: unknown; azure: Record<string, string>; uploaded: boolean }> = {
  name: 'extension settings (settings, schemas)',
  arbitrary: fc.record({
    input: fc.oneof(shaped(SETTINGS_KEYS), fc.anything({ maxDepth: 2 })),
    azure: fc.dictionary(fc.oneof(fc.constantFrom(...SETTINGS_KEYS), fc.string({ maxLength: 12 })), fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('true', 'false', 'True', '1', ''))),
    uploaded: fc.boolean(),
  }),
  check: ({ input, azure, uploaded }) => {
    isResult(parseExtensionSettings(input, { tlsCertificateUploaded: uploaded }), 'parseExtensionSettings');
    isResult(parseExtensionSettings(fromAzureConfigurationSettings(azure), {}), 'parseExtensionSettings(azure)');
    for (const schema of [installExtensionInput, registerClusterInput, updateClusterInput, egressInput, tlsUploadInput]) schema.safeParse(input);
    for (const v of Object.values(azure)) {
      parseImage(v);
      registryPrefixProblem(v);
      parseCidr(v);
      parseIp(v);
    }
  },
};
const kubeconfig: FuzzProperty<{ text: string; context?: string }> = {
  name: 'kubeconfig (parse, reduce)',
  arbitrary: fc.record({ text: textInput(KUBECONFIG_SEEDS, KUBECONFIG_KEYS), context: fc.option(fc.constantFrom('ctx', 'a', 'b', ''), { nil: undefined }) }),
  check: ({ text, context }) => {
    isResult(parseKubeconfig(text), 'parseKubeconfig');
    isResult(reduceKubeconfig(text, context), 'reduceKubeconfig');
  },
};

const pemText = (seed: string) =>
  fc.oneof(
    fc.constant(seed),
    mutated([seed]),
    fc.string({ maxLength: 200 }),
    fc.base64String({ maxLength: 400 }).map((b) => `-----BEGIN ${seed.includes('CERT') ? 'CERTIFICATE' : 'PRIVATE KEY'}-----\n${b}\n-----END ${seed.includes('CERT') ? 'CERTIFICATE' : 'PRIVATE KEY'}-----\n`),
    fc.array(fc.constantFrom(seed, FUZZ_CERT_PEM, FUZZ_KEY_PEM, '-----BEGIN CERTIFICATE-----\n', '-----END CERTIFICATE-----\n', 'junk\n'), { maxLength: 5 }).map((parts) => parts.join('')),
  );
const tlsPem: FuzzProperty<{ certPem: string; keyPem: string; cname?: string; secret: Record<string, string> }> = {
  name: 'TLS PEM (validateTls, tlsFromSecret)',
  arbitrary: fc.record({
    certPem: pemText(FUZZ_CERT_PEM),
    keyPem: pemText(FUZZ_KEY_PEM),
    cname: fc.option(fc.oneof(fc.constantFrom('fuzz.example.com', '*.example.com', 'other.example.com', ''), fc.domain(), fc.string({ maxLength: 20 })), { nil: undefined }),
    secret: fc.dictionary(fc.constantFrom('tls.crt', 'tls.key', 'cert.pem', 'key.pem', 'ca.crt', 'x'), fc.oneof(fc.base64String({ maxLength: 200 }), fc.constant(Buffer.from(FUZZ_CERT_PEM).toString('base64')), fc.constant(Buffer.from(FUZZ_KEY_PEM).toString('base64')))),
  }),
  check: ({ certPem, keyPem, cname, secret }) => {
    const r = validateTls({ certPem, keyPem, cname });
    if (typeof r.ok !== 'boolean' || (!r.ok && r.errors.length === 0)) throw new Error('validateTls refused without an error');
    const s = tlsFromSecret({ data: secret } as Parameters<typeof tlsFromSecret>[0]);
    isResult(s, 'tlsFromSecret');
  },
};

const noProxyEntry = fc.oneof(
  fc.constantFrom('localhost', '127.0.0.1', '::1', '.svc', '.cluster.local', '10.0.0.0/8', '10.96.0.0/12', '*', '', ' ', '.', '/', '::/0', '0.0.0.0/0', 'kubernetes.default.svc', '[::1]', '10.0.0.1/33', '1.2.3.4/-1', 'fe80::1%eth0'),
  fc.ipV4(),
  fc.ipV6(),
  fc.tuple(fc.oneof(fc.ipV4(), fc.ipV6()), fc.integer({ min: -2, max: 140 })).map(([ip, p]) => `${ip}/${p}`),
  fc.domain(),
  fc.string({ maxLength: 15 }),
);
const noProxy: FuzzProperty<{ noProxy: string; http: string; https: string; cidrs: string[] }> = {
  name: 'NO_PROXY and proxy URLs',
  arbitrary: fc.record({
    noProxy: fc.oneof(fc.array(noProxyEntry, { maxLength: 12 }).chain((es) => fc.constantFrom(',', ', ', ' ', ';', '\n').map((sep) => es.join(sep))), fc.string({ maxLength: 100 })),
    http: fc.oneof(fc.webUrl({ withQueryParameters: true }), fc.string({ maxLength: 40 }), fc.constantFrom('http://user:pw@proxy:3128', 'http://proxy:99999', 'socks5://p:1080', 'http://[::1]:3128', '')),
    https: fc.oneof(fc.webUrl(), fc.string({ maxLength: 40 })),
    cidrs: fc.array(fc.oneof(noProxyEntry, fc.string({ maxLength: 20 })), { maxLength: 3 }),
  }),
  check: ({ noProxy: np, http, https, cidrs }) => {
    const c = checkNoProxy(np, { serviceCidrs: cidrs, podCidrs: cidrs.slice(1) });
    if (typeof c.ok !== 'boolean') throw new Error('checkNoProxy returned no verdict');
    proxyUrlProblem(http);
    validateProxySettings({ httpProxy: http, httpsProxy: https, noProxy: np }, { serviceCidrs: cidrs });
  },
};

const quantity: FuzzProperty<unknown> = {
  name: 'quantities (parseQuantity)',
  arbitrary: fc.oneof(
    fc.tuple(fc.constantFrom('', '+', '-'), fc.stringMatching(/^\d{0,30}(\.\d{0,30})?$/), fc.constantFrom('', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'e3', 'E-5', 'e999', 'e-999', 'GB', ' Gi', 'i')).map((p) => p.join('')),
    fc.string({ maxLength: 30 }),
    fc.double(),
    fc.anything({ maxDepth: 1 }),
  ),
  check: (q) => isResult(parseQuantity(q), 'parseQuantity'),
};

const metricLine: FuzzProperty<{ lines: string[]; chunk: number }> = {
  name: 'metric lines (parseMetricLine, MetricReader)',
  arbitrary: fc.record({
    lines: fc.array(
      fc.oneof(
        fc.tuple(fc.constantFrom('HARBORMASTER_METRIC ', 'HARBORMASTER_METRIC\t', 'HARBORMASTER_METRICS ', '  HARBORMASTER_METRIC  ', ''), fc.oneof(fc.stringMatching(/^[A-Za-z_][\w.\-/:]{0,20}$/), fc.string({ maxLength: 10 })), fc.constantFrom('=', '==', ''), fc.oneof(fc.double().map(String), fc.string({ maxLength: 10 }), fc.constantFrom('1e309', 'NaN', '-.5', '1.')), fc.constantFrom('', ' step=3', ' step=-1', ' step=1e3', ' step=9999999999999999', ' x y', '\r')).map((p) => p.join('')),
        fc.string({ maxLength: 80 }),
        fc.string({ unit: 'binary', maxLength: 40 }),
      ),
      { maxLength: 8 },
    ),
    chunk: fc.integer({ min: 1, max: 64 }),
  }),
  check: ({ lines, chunk }) => {
    for (const l of lines) {
      const r = parseMetricLine(l);
      if (r !== undefined) isResult(r, 'parseMetricLine');
    }
    const bytes = new TextEncoder().encode(lines.join('\n'));
    const reader = new MetricReader();
    for (let i = 0; i < bytes.length; i += chunk) reader.push(bytes.subarray(i, i + chunk));
  },
};

// --- the router -----------------------------------------------------------------------------------

const validName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,31}$/);
const anyName = fc.oneof({ weight: 4, arbitrary: validName }, { weight: 1, arbitrary: fc.string({ maxLength: 40 }) }, { weight: 1, arbitrary: fc.constantFrom('a', 'A-', 'x'.repeat(33), 'blue;', 'a b', '${x}', "o'k", 'a{', 'default', 'include', 'server', '_none', '_unknown', 'hm', 'score') });
const validKey = fc.stringMatching(/^[A-Za-z0-9._~+/=-]{16,128}$/);
const anyKey = fc.oneof({ weight: 4, arbitrary: validKey }, { weight: 1, arbitrary: fc.string({ maxLength: 40 }) }, { weight: 1, arbitrary: fc.constantFrom('"; } evil {', 'a'.repeat(15), 'a'.repeat(129), 'key with spaces 123') });
const ipUpstream = fc.tuple(fc.ipV4(), fc.integer({ min: 1, max: 65535 })).map(([ip, port]) => `${ip}:${port}`);
const anyUpstream = fc.oneof(
  { weight: 4, arbitrary: ipUpstream },
  { weight: 1, arbitrary: fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 70000 })).map(([ip, port]) => `[${ip}]:${port}`) },
  { weight: 1, arbitrary: fc.tuple(fc.domain(), fc.integer({ min: 0, max: 70000 })).map(([h, p]) => `${h}:${p}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);

/** Weights that sum to 100 (or all 0), and sometimes arbitrary ones. */
function weights(n: number, wild: boolean): fc.Arbitrary<number[]> {
  const valid = fc.array(fc.integer({ min: 0, max: 100 }), { minLength: n, maxLength: n }).map((ws) => {
    const total = ws.reduce((a, b) => a + b, 0);
    if (total === 0 || n === 0) return ws.map(() => 0);
    const scaled = ws.map((w) => Math.floor((w * 100) / total));
    scaled[scaled.findIndex((w, i) => ws[i] > 0)] += 100 - scaled.reduce((a, b) => a + b, 0);
    return scaled;
  });
  if (!wild) return valid;
  return fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: fc.array(fc.oneof(fc.integer({ min: -10, max: 120 }), fc.double()), { minLength: n, maxLength: n }) });
}

function endpointArb(name: fc.Arbitrary<string>, key: fc.Arbitrary<string>, upstream: fc.Arbitrary<string>, wildNumbers: boolean): fc.Arbitrary<RouterEndpoint> {
  return fc
    .record({
      name,
      keys: fc.array(key, { minLength: wildNumbers ? 0 : 1, maxLength: 2 }),
      timeoutMs: wildNumbers ? fc.oneof(fc.integer({ min: 1, max: 600_000 }), fc.integer({ min: -5, max: 0 }), fc.double()) : fc.integer({ min: 1, max: 600_000 }),
      deployments: (wildNumbers ? (a: fc.Arbitrary<Omit<RouterDeployment, 'weight'>>) => fc.array(a, { maxLength: 4 }) : (a: fc.Arbitrary<Omit<RouterDeployment, 'weight'>>) => fc.uniqueArray(a, { maxLength: 4, selector: (d) => d.name.toLowerCase() }))(
        fc.record({
          name,
          upstream,
          path: fc.option(fc.oneof(fc.stringMatching(/^\/[A-Za-z0-9/_.~-]{0,20}$/), ...(wildNumbers ? [fc.string({ maxLength: 10 })] : [])), { nil: undefined }),
          timeoutMs: fc.option(wildNumbers ? fc.oneof(fc.integer({ min: 1, max: 600_000 }), fc.integer({ min: -5, max: 0 })) : fc.integer({ min: 1, max: 600_000 }), { nil: undefined }),
        }),
      ),
    })
    .chain((ep) =>
      weights(ep.deployments.length, wildNumbers).map((ws) => ({ ...ep, deployments: ep.deployments.map((d, i) => ({ ...d, weight: ws[i] })) })),
    );
}

/** Any router input: renderRouterConfig renders it or throws RouterConfigError, nothing else. */
export const routerInputArb: fc.Arbitrary<RenderRouterInput> = fc.record({
  endpoints: fc.array(endpointArb(anyName, anyKey, anyUpstream, true), { maxLength: 4 }),
  listen: fc.record(
    { http: fc.oneof(fc.integer({ min: -1, max: 70000 }), fc.constantFrom('127.0.0.1:8080', '[::1]:80', 'x', '0.0.0.0:0')), https: fc.integer({ min: 1, max: 65535 }), health: fc.integer({ min: 1, max: 65535 }) },
    { requiredKeys: [] },
  ),
  tls: fc.option(fc.record({ certFile: fc.constantFrom('/etc/tls/cert.pem', 'relative.pem', '/a b'), keyFile: fc.constantFrom('/etc/tls/key.pem', '/k;') }), { nil: undefined }),
  paths: fc.option(fc.record({ runDir: fc.constantFrom('/tmp', '/run/x', 'tmp', '/a;b'), secretDir: fc.constantFrom('/etc/keys', '/a"b') }, { requiredKeys: [] }), { nil: undefined }),
  clientMaxBodySize: fc.option(fc.oneof(fc.constantFrom('100m', '1g', '0', '10', 'lots', '1 m'), fc.string({ maxLength: 5 })), { nil: undefined }),
  workerProcesses: fc.option(fc.oneof(fc.integer({ min: 1, max: 8 }), fc.constant('auto' as const)), { nil: undefined }),
});

/**
 * Router inputs that should render (unique endpoint names, unique keys, IP upstreams that nginx can load): the
 * `nginx -t` sample. Listen addresses and paths are filled in by the nginx test.
 */
export const renderableEndpointsArb: fc.Arbitrary<RouterEndpoint[]> = fc.uniqueArray(endpointArb(validName, validKey, ipUpstream, false), {
  minLength: 1,
  maxLength: 5,
  selector: (e) => e.name,
}).map((eps) => {
  // Keys must not be shared between endpoints: make them unique by construction.
  let n = 0;
  return eps.map((e) => ({ ...e, keys: e.keys.map((k) => `${k.slice(0, 100)}-${n++}`) }));
});

const router: FuzzProperty<RenderRouterInput> = {
  name: 'nginx router rendering (renderRouterConfig)',
  arbitrary: fc.oneof(routerInputArb, renderableEndpointsArb.map((endpoints) => ({ endpoints, listen: { http: 8080, health: 8081 } }))),
  check: (input) => {
    try {
      const r = renderRouterConfig(input);
      if (typeof r.nginxConf !== 'string' || !r.nginxConf.includes('http {')) throw new Error('renderRouterConfig rendered no http block');
    } catch (e) {
      if (!(e instanceof RouterConfigError)) throw e;
    }
  },
};

/** Every property, in report order. */
export const FUZZ_PROPERTIES: FuzzProperty<never>[] = [jobYaml, jobJson, modelYaml, modelJson, instanceTypes, extensionSettings, kubeconfig, tlsPem, noProxy, quantity, metricLine, router] as FuzzProperty<never>[];

// --- code archives ----------------------------------------------------------------------------------

/** Files an archive may hold and round-trip: unique safe relative paths (no junk the reader skips), small data. */
const archiveFilesArb: fc.Arbitrary<ArchiveFile[]> = fc.uniqueArray(
  fc.record({
    path: fc.array(fc.oneof({ weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,11}$/) }, { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{40,70}$/) }), { minLength: 1, maxLength: 3 }).map((segs) => segs.join('/')),
    data: fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 200 }).map((t) => new TextEncoder().encode(t)), fc.nat({ max: 20_000 }).map((n) => new Uint8Array(n).fill(97))),
    executable: fc.boolean(),
  }).map((f) => ({ path: f.path, data: Buffer.from(f.data), executable: f.executable })),
  { minLength: 0, maxLength: 5, selector: (f) => f.path.toLowerCase() },
// A file may not also be a folder ("a" and "a/b"): an archive cannot hold both.
).filter((fs) => fs.every((f) => !fs.some((g) => g.path.startsWith(`${f.path}/`))));

type Damage = { kind: 'truncate'; at: number } | { kind: 'flip'; at: number; bit: number } | { kind: 'set'; at: number; byte: number } | { kind: 'splice'; at: number; del: number; bytes: Uint8Array };
const damageArb: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }) },
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.constantFrom(0, 0xff, 0x7f, 0x80, 0x30, 0x2f, 0x2e) }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), del: fc.nat({ max: 16 }), bytes: fc.uint8Array({ maxLength: 16 }) }),
);
function damage(bytes: Uint8Array, ds: Damage[]): Uint8Array {
  let b = Buffer.from(bytes);
  for (const d of ds) {
    const at = b.length ? d.at % b.length : 0;
    if (d.kind === 'truncate') b = b.subarray(0, at);
    else if (d.kind === 'flip' && b.length) b[at] ^= 1 << d.bit;
    else if (d.kind === 'set' && b.length) b[at] = d.byte;
    else if (d.kind === 'splice') b = Buffer.concat([b.subarray(0, at), d.bytes, b.subarray(at + d.del)]);
  }
  return new Uint8Array(b);
}

/** The plain tar inside a tar.gz (so damage reaches the tar headers, not only the gzip stream). */
const gunzipTar = async (files: ArchiveFile[]) => new Uint8Array(gunzipSync(await packTarGz(files)));

interface ArchiveInput {
  name: string;
  data: Uint8Array;
  /** Files the archive must give back (valid archives only). */
  files?: ArchiveFile[];
  /** Whether the executable bit must come back too (zip entries written with a unix mode, tarballs). */
  modes?: boolean;
  /** Tarballs are built in the check (packTarGz is async): damage to apply to the gzip bytes or the tar inside. */
  damage?: { where: 'gzip' | 'inside' | 'plain'; ds: Damage[] };
}

const archiveInputArb: fc.Arbitrary<ArchiveInput> = fc.oneof(
  // valid zips (stored or deflated entries, with or without unix modes) from the test zip writer
  fc.tuple(archiveFilesArb, fc.constantFrom('store' as const, 'deflate' as const), fc.boolean()).map(([files, method, unix]) => ({
    name: 'code.zip',
    data: new Uint8Array(makeZip(files.map((f) => ({ name: f.path, data: f.data, method, mode: unix ? (f.executable ? 0o100755 : 0o100644) : undefined })))),
    files,
    modes: unix,
  })),
  // valid tarballs: the snapshot writer's own output (ustar, long names as GNU @LongLink), gzipped or plain
  fc.tuple(archiveFilesArb, fc.boolean()).map(([files, plain]) => ({ name: plain ? 'code.tar' : 'code.tar.gz', files, modes: true, data: new Uint8Array() })),
  // damaged zips
  fc.tuple(archiveFilesArb, fc.constantFrom('store' as const, 'deflate' as const), fc.array(damageArb, { minLength: 1, maxLength: 4 })).map(([files, method, ds]) => ({
    name: 'code.zip',
    data: damage(makeZip(files.map((f) => ({ name: f.path, data: f.data, method, mode: f.executable ? 0o100755 : undefined }))), ds),
  })),
  // damaged tarballs: the gzip bytes, or the tar inside a good gzip stream, or a plain tar
  fc.tuple(archiveFilesArb, fc.constantFrom('gzip' as const, 'inside' as const, 'plain' as const), fc.array(damageArb, { minLength: 1, maxLength: 4 })).map(([files, where, ds]) => ({ name: where === 'plain' ? 'code.tar' : 'code.tar.gz', files, data: new Uint8Array(), damage: { where, ds } })),
  // random bytes, bare or behind a zip or gzip signature (so they reach the readers)
  fc.tuple(fc.constantFrom([], [0x50, 0x4b, 0x03, 0x04], [0x50, 0x4b, 0x05, 0x06], [0x1f, 0x8b], [0x1f, 0x8b, 0x08, 0x00]), fc.uint8Array({ maxLength: 600 }), fc.constantFrom('code.zip', 'code.tar.gz', 'code.tar', 'code')).map(([magic, rest, name]) => ({
    name,
    data: new Uint8Array([...magic, ...rest]),
  })),
  // a valid zip's directory pointing at random bytes: a zip end record after random data
  fc.tuple(fc.uint8Array({ maxLength: 300 }), fc.nat({ max: 0xffff }), fc.nat(), fc.nat()).map(([rest, count, size, offset]) => {
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(count, 8);
    end.writeUInt16LE(count, 10);
    end.writeUInt32LE(size >>> 0, 12);
    end.writeUInt32LE(offset >>> 0, 16);
    return { name: 'code.zip', data: new Uint8Array(Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), rest, end])) };
  }),
);

/** Builds the tarball inputs (packTarGz is async, so the generator leaves them to the check). */
async function materialize(x: ArchiveInput): Promise<ArchiveInput> {
  if (x.data.length || !x.files) return x;
  if (!x.damage) return { ...x, data: x.name === 'code.tar' ? await gunzipTar(x.files) : new Uint8Array(await packTarGz(x.files)) };
  const { where, ds } = x.damage;
  if (where === 'gzip') return { name: x.name, data: damage(await packTarGz(x.files), ds) };
  const tar = damage(await gunzipTar(x.files), ds);
  return { name: x.name, data: where === 'inside' ? new Uint8Array(gzipSync(tar)) : tar };
}

/** Caps small enough that a generated input can pass them (the 413 path is fuzzed too). */
const FUZZ_ARCHIVE_CAPS = { maxFiles: 32, maxBytes: 64 * 1024 };

const codeArchive: AsyncFuzzProperty<ArchiveInput> = {
  name: 'code archives (readCodeArchive: zip, tar.gz)',
  async: true,
  arbitrary: archiveInputArb,
  check: async (generated) => {
    const input = await materialize(generated);
    let out: Awaited<ReturnType<typeof readCodeArchive>>;
    try {
      out = await readCodeArchive(input, FUZZ_ARCHIVE_CAPS);
    } catch (e) {
      // A refusal: the AppError a route maps to 400 or 413, naming the `code` field; never a raw TypeError.
      if (!(e instanceof AppError) || ![400, 413].includes(e.status) || !e.message.startsWith('code: ')) throw e;
      // (Entries count folders too: at most 5 files under at most 10 folders stay under maxFiles.)
      if (input.files && input.files.length <= FUZZ_ARCHIVE_CAPS.maxFiles && input.files.reduce((n, f) => n + f.data.length, 0) <= FUZZ_ARCHIVE_CAPS.maxBytes) {
        throw new Error(`a valid archive was refused: ${e.message}`);
      }
      return;
    } finally {
      if (archiveSlotsBusy() !== 0) throw new Error(`readCodeArchive left ${archiveSlotsBusy()} archive slots busy`);
    }
    for (const f of out.files) if (!Buffer.isBuffer(f.data) || typeof f.path !== 'string') throw new Error('readCodeArchive returned a file without a path or bytes');
    if (!input.files) return;
    const key = (fs: ArchiveFile[], modes: boolean) => fs.map((f) => `${f.path}\0${modes ? !!f.executable : ''}\0${Buffer.from(f.data).toString('base64')}`).sort();
    const want = key(input.files, !!input.modes);
    const got = key(out.files, !!input.modes);
    if (JSON.stringify(want) !== JSON.stringify(got)) throw new Error(`a valid archive did not round-trip: wrote ${input.files.map((f) => f.path).join(', ') || 'nothing'}, read ${out.files.map((f) => f.path).join(', ') || 'nothing'}`);
  },
};

/** Every async property, in report order (after FUZZ_PROPERTIES). */
export const FUZZ_ASYNC_PROPERTIES: AsyncFuzzProperty<never>[] = [codeArchive] as AsyncFuzzProperty<never>[];
