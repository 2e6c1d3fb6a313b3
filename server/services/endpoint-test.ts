import 'server-only';
import http from 'node:http';
import https from 'node:https';
import type { ExtensionSettings } from '@/lib/domain';
import type { DbOrTx } from '../db';
import { extensionRow, getClusterRow, liveCache, type ClusterRow } from './clusters';
import { storedTls } from './extension';
import { readKeys, scoringBase, scoringUri, type EndpointRecord } from './endpoints';

// The endpoint page's "Test" panel: one scoring request sent by the console the way a client sends it — to the
// scoring URI, with the endpoint's primary key and optionally the azureml-model-deployment header — and the
// answer with its latency. The key is used on the server only; the browser sees the answer.
//
// A simulated cluster (the local KWOK testbed: fake nodes, pods that never run a process) has no model server
// and no router process to answer, so the panel says exactly that instead of showing a connection error.

export interface ScoreTestResult {
  /** answered: the router answered (any status); simulated: nothing can answer; unreachable: the console could not connect. */
  outcome: 'answered' | 'simulated' | 'unreachable' | 'unavailable';
  uri: string;
  deployment: string | null;
  status?: number;
  latencyMs?: number;
  /** Selected answer headers (content type, the deployment that answered, request id). */
  headers?: Record<string, string>;
  body?: string;
  /** Cut at MAX_BODY characters. */
  truncated?: boolean;
  message?: string;
}

const MAX_BODY = 64 * 1024;
const TIMEOUT_MS = 30_000;
const SHOWN_HEADERS = ['content-type', 'azureml-model-deployment', 'x-request-id', 'www-authenticate'];

/** Whether every node of the cluster is a KWOK fake node (nothing really runs there), from the live cache. */
async function isSimulated(cluster: ClusterRow): Promise<boolean> {
  const nodes = liveCache(cluster).nodes();
  if (!(await nodes.waitSynced(2000))) return false;
  const items = nodes.items();
  return items.length > 0 && items.every((n) => n.simulated);
}

function send(uri: string, body: string, headers: Record<string, string>, ca?: string): Promise<{ status: number; headers: Record<string, string>; body: string; truncated: boolean }> {
  const url = new URL(uri);
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, ...(ca ? { ca } : {}), timeout: TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      res.on('data', (c: Buffer) => {
        if (size >= MAX_BODY) {
          truncated = true;
          return;
        }
        chunks.push(c);
        size += c.length;
      });
      res.on('end', () => {
        const shown: Record<string, string> = {};
        for (const h of SHOWN_HEADERS) if (typeof res.headers[h] === 'string') shown[h] = res.headers[h] as string;
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: shown, body: text.slice(0, MAX_BODY), truncated: truncated || text.length > MAX_BODY });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end(body);
  });
}

export async function scoreTest(db: DbOrTx, rec: EndpointRecord, req: { deployment?: string; body: string }): Promise<ScoreTestResult> {
  const cluster = await getClusterRow(db, rec.target.cluster.name);
  const ext = await extensionRow(db, cluster.id);
  const settings = (ext?.settings as ExtensionSettings | undefined) ?? null;
  const { base, address: addr } = await scoringBase(cluster, settings);
  const deployment = req.deployment ?? null;
  const uri = scoringUri(base, rec.row.name);
  if (!ext || ext.status !== 'installed' || !settings?.enableInference) {
    return { outcome: 'unavailable', uri, deployment, message: `cluster ${cluster.name} has no inference router (${!ext || ext.status === 'notInstalled' ? 'the ML extension is not installed' : 'enableInference is off'}): nothing serves this endpoint yet` };
  }
  if (await isSimulated(cluster)) {
    return {
      outcome: 'simulated',
      uri,
      deployment,
      message: `cluster ${cluster.name} is simulated (KWOK): its pods are scheduled and reported Ready, but no process runs in them, so no model server can answer. On a real cluster this panel sends your request to ${uri} with the endpoint's key${deployment ? ` and azureml-model-deployment: ${deployment}` : ''} and shows the answer and its latency.`,
    };
  }
  if (!addr.baseUrl || addr.baseUrl.includes('<node-address>')) {
    return { outcome: 'unreachable', uri, deployment, message: `the router has no address the console can use (${addr.detail})` };
  }
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${readKeys(rec.row).primaryKey}`, ...(deployment ? { 'azureml-model-deployment': deployment } : {}) };
  // A certificate the console uploaded is trusted for this request (it may be self-signed); others must chain to a public root.
  const ca = storedTls(cluster.id, ext)?.certPem;
  const started = performance.now();
  try {
    const r = await send(uri, req.body, headers, ca);
    return { outcome: 'answered', uri, deployment, status: r.status, latencyMs: Math.round(performance.now() - started), headers: r.headers, body: r.body, truncated: r.truncated };
  } catch (e) {
    return { outcome: 'unreachable', uri, deployment, latencyMs: Math.round(performance.now() - started), message: `the console could not reach ${uri}: ${(e as Error).message}` };
  }
}
