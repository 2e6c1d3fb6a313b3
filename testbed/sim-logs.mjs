#!/usr/bin/env node
// Testbed component: per-pod logs produced from the pod's own command (testbed/README.md, "Logs").
//
//   node testbed/sim-logs.mjs --apiserver=URL --pki=DIR --kwok=URL --log-dir=DIR
//
// Started detached by `node testbed/cluster.mjs up` after kwok (stopped by `down`, listed by `status`). It
// watches every pod; for a pod annotated `harbormaster.io/sim-log: command` it
//   1. creates <log-dir>/<namespace>_<pod>_<uid>/main.log (empty) and a kwok `Logs` object (same name and
//      namespace as the pod, owned by it so the garbage collector deletes it with the pod) pointing the main
//      container at that file; kwok looks for a pod's Logs before the ClusterLogs sample, and reads Logs from
//      the API (kwok --enable-crds=Logs);
//   2. waits until kwok itself serves that (empty) file for the pod, then sets the annotation
//      `harbormaster.io/sim-log-ready: "true"` — the pod-ready stages keep such a pod Pending until then, so
//      no reader ever gets the sample log instead of the pod's own;
//   3. once the main container runs, "runs" its command (interpret() below) and appends the echoed lines in
//      CRI format on the script's timeline, relative to the container's start, so `kubectl logs -f` sees
//      them arrive; it stops when the container ends or the pod is deleted, and a restarted container
//      (crash loop) starts over with the previous run in main.previous.log (`kubectl logs --previous`);
//   4. removes the directories of pods that are gone.
// Plain Node ESM like cluster.mjs; the interpreter is exported for unit tests.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiClient, httpGet, readJson, SAMPLE_LOG } from './cluster.mjs';

export const SIM_LOG_ANNOTATION = 'harbormaster.io/sim-log';
export const SIM_LOG_READY_ANNOTATION = 'harbormaster.io/sim-log-ready';
/** The container whose command is interpreted: MAIN_CONTAINER of server/kube/manifests/job.ts (else the first). */
export const MAIN_CONTAINER = 'main';
/** `$0` of Harbormaster's launcher: `command: [sh, -c, LAUNCHER_SCRIPT, 'harbormaster-launcher', <user command>]`. */
const LAUNCHER_NAME = 'harbormaster-launcher';
const TOUCH_ANNOTATION = 'harbormaster.io/sim-log-touch';
const LOGS_API = '/apis/kwok.x-k8s.io/v1alpha1';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------------------------------ interpreter

/**
 * Splits a shell script into statements (words made of literal and `$VAR` parts). Separators: newline, `;`,
 * `&&`, and `||` (the statement after it is skipped: everything here succeeds). '…' is literal; "…" keeps
 * \$ \` \" \\ escapes and expands variables; `\x` outside quotes is x, `\<newline>` continues the line; `#`
 * starts a comment. A statement with a pipe, redirection, background `&`, subshell or command substitution
 * is marked `ignored` (what it prints is not known here).
 */
export function parseScript(script) {
  const statements = [];
  let words = [];
  let word = null; // array of parts while a word is being read
  let ignored = false;
  let skip = false;
  const add = (part) => {
    word ??= [];
    word.push(part);
  };
  const endWord = () => {
    if (word) words.push(word);
    word = null;
  };
  const endStatement = (skipNext = false) => {
    endWord();
    if (words.length) statements.push({ words, ignored, skipped: skip });
    words = [];
    ignored = false;
    skip = skipNext;
  };
  const variable = (i) => {
    // at script[i] === '$': returns [part, next index]
    const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(script.slice(i));
    const plain = braced || /^\$([A-Za-z_][A-Za-z0-9_]*|[0-9#?@*$!-])/.exec(script.slice(i));
    if (plain) return [{ var: plain[1] }, i + plain[0].length];
    if (script[i + 1] === '(' || script[i + 1] === '{') ignored = true;
    return [{ lit: '$' }, i + 1];
  };
  for (let i = 0; i < script.length; ) {
    const c = script[i];
    if (c === '\\') {
      if (script[i + 1] !== '\n') add({ lit: script[i + 1] ?? '' });
      i += 2;
    } else if (c === "'") {
      const end = script.indexOf("'", i + 1);
      const stop = end === -1 ? script.length : end;
      add({ lit: script.slice(i + 1, stop) });
      i = stop + 1;
    } else if (c === '"') {
      add({ lit: '' });
      i++;
      while (i < script.length && script[i] !== '"') {
        if (script[i] === '\\' && '$`"\\\n'.includes(script[i + 1])) {
          if (script[i + 1] !== '\n') add({ lit: script[i + 1] });
          i += 2;
        } else if (script[i] === '$') {
          const [part, next] = variable(i);
          add(part);
          i = next;
        } else {
          if (script[i] === '`') ignored = true;
          add({ lit: script[i] });
          i++;
        }
      }
      i++;
    } else if (c === '$') {
      const [part, next] = variable(i);
      add(part);
      i = next;
    } else if (c === '#' && word === null) {
      while (i < script.length && script[i] !== '\n') i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      i++;
    } else if (c === '\n' || c === ';') {
      endStatement();
      i++;
    } else if ((c === '&' || c === '|') && script[i + 1] === c) {
      endStatement(c === '|');
      i += 2;
    } else if ('&|<>()`'.includes(c)) {
      ignored = true;
      endWord();
      i++;
    } else {
      add({ lit: c });
      i++;
    }
  }
  endStatement();
  return statements;
}

const SLEEP_UNITS = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

/**
 * "Runs" a shell script: the lines its `echo` statements print and when, in ms from the start. `sleep N`
 * (decimals and busybox's s/m/h/d suffixes allowed, several arguments add up) moves the clock; `NAME=value`
 * and `export NAME=value` set variables, which start from `env`; `exit` ends the script; anything else prints
 * nothing and takes no time. An echoed text with newlines gives several lines.
 * @param {string} script
 * @param {Record<string, string>} [env]
 * @returns {{ atMs: number, text: string }[]}
 */
export function interpret(script, env = {}) {
  const vars = { ...env };
  const out = [];
  let atMs = 0;
  const expand = (w) => w.map((p) => ('lit' in p ? p.lit : (vars[p.var] ?? ''))).join('');
  const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/;
  for (const statement of parseScript(script)) {
    if (statement.skipped || statement.ignored) continue;
    const args = statement.words.map(expand);
    if (args.every((a) => assignment.test(a)) || (args[0] === 'export' && args.length > 1)) {
      for (const a of args) {
        const m = assignment.exec(a);
        if (m) vars[m[1]] = m[2];
      }
      continue;
    }
    const [cmd, ...rest] = args;
    if (cmd === 'echo') {
      for (const text of rest.join(' ').split('\n')) out.push({ atMs, text });
    } else if (cmd === 'sleep') {
      const parts = rest.map((a) => /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(a));
      if (parts.length && parts.every(Boolean)) atMs += Math.round(parts.reduce((s, m) => s + Number(m[1]) * SLEEP_UNITS[m[2]], 0) * 1000);
    } else if (cmd === 'exit') {
      break;
    }
  }
  return out;
}

/** The user's command of a container: element [4] behind Harbormaster's launcher, else the script of `sh -c`. */
export function containerScript(container) {
  const command = [...(container?.command ?? []), ...(container?.args ?? [])];
  const c = command.indexOf('-c');
  if (c < 1 || !/(^|\/)(ba|da|a)?sh$/.test(command[c - 1]) || typeof command[c + 1] !== 'string') return '';
  if (command[c + 2] === LAUNCHER_NAME) return command[c + 3] ?? '';
  return command[c + 1];
}

/** RFC3339Nano as in CRI log files (nanoseconds padded). */
export function criTimestamp(ms) {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

// ------------------------------------------------------------------------------------------ the component

function parseArgs(argv) {
  const opts = {};
  for (const a of argv) {
    const m = /^--([a-z-]+)=(.*)$/s.exec(a);
    if (!m) throw new Error(`unknown argument ${a}`);
    opts[m[1]] = m[2];
  }
  for (const k of ['apiserver', 'pki', 'kwok', 'log-dir']) if (!opts[k]) throw new Error(`--${k}=… is required`);
  return opts;
}

function countLines(file) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
}

class SimLogs {
  constructor({ api, kwokUrl, logDir, log }) {
    Object.assign(this, { api, kwokUrl, logDir, log });
    /** by pod uid: { ns, name, uid, dir, file, previous, container, pod, prepared, run, retry } */
    this.pods = new Map();
  }

  dirOf(pod) {
    return path.join(this.logDir, `${pod.metadata.namespace}_${pod.metadata.name}_${pod.metadata.uid}`);
  }

  /** Every pod event (list or watch) comes here; idempotent. */
  handle(pod) {
    const { uid, deletionTimestamp, annotations } = pod.metadata;
    if (annotations?.[SIM_LOG_ANNOTATION] !== 'command') return;
    let t = this.pods.get(uid);
    if (!t) {
      const dir = this.dirOf(pod);
      const spec = pod.spec.containers.find((c) => c.name === MAIN_CONTAINER) ?? pod.spec.containers[0];
      t = { ns: pod.metadata.namespace, name: pod.metadata.name, uid, dir, file: path.join(dir, 'main.log'), previous: path.join(dir, 'main.previous.log'), container: spec.name, spec };
      this.pods.set(uid, t);
    }
    t.pod = pod;
    if (deletionTimestamp) return this.stop(t);
    t.prepared ??= this.prepare(t).catch((err) => {
      this.log(`${t.ns}/${t.name}: ${err.message}; retrying`);
      t.prepared = undefined;
      clearTimeout(t.retry);
      t.retry = setTimeout(() => this.pods.get(uid) === t && this.handle(t.pod), 1000);
    });
    t.prepared.then(() => t.prepared && this.progress(t));
  }

  /** The log file, the Logs object, kwok serving it, then the ready annotation (steps 1–2 above). */
  async prepare(t) {
    fs.mkdirSync(t.dir, { recursive: true });
    fs.closeSync(fs.openSync(t.file, 'a'));
    const logsPath = `${LOGS_API}/namespaces/${t.ns}/logs`;
    const body = {
      apiVersion: 'kwok.x-k8s.io/v1alpha1',
      kind: 'Logs',
      metadata: {
        name: t.name,
        namespace: t.ns,
        labels: { 'app.kubernetes.io/managed-by': 'harbormaster-testbed-sim-logs' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: t.name, uid: t.uid }],
      },
      spec: {
        logs: [
          // kwok's `follow` field is not read (v0.8.0: the request's follow decides); set for the record.
          { containers: [t.container], logsFile: t.file, previousLogsFile: t.previous, follow: true },
          // A pod with a Logs object never falls back to the ClusterLogs: its other containers keep the sample.
          { containers: [], logsFile: SAMPLE_LOG, follow: true },
        ],
      },
    };
    for (let attempt = 0; ; attempt++) {
      const r = await this.api.request('POST', logsPath, body);
      if (r.status < 300) break;
      if (r.status !== 409 || attempt > 3) throw new Error(`creating Logs: ${r.status} ${r.text}`);
      const current = await this.api.request('GET', `${logsPath}/${t.name}`);
      if (current.status !== 200) continue;
      if (current.body.metadata.ownerReferences?.some((o) => o.uid === t.uid)) {
        const p = await this.api.request('PATCH', `${logsPath}/${t.name}`, { spec: body.spec }, 'application/merge-patch+json');
        if (p.status >= 300) throw new Error(`updating Logs: ${p.status} ${p.text}`);
        break;
      }
      // left by an earlier pod of the same name that the garbage collector has not removed yet
      await this.api.request('DELETE', `${logsPath}/${t.name}`, { preconditions: { uid: current.body.metadata.uid } });
    }
    if (t.pod.metadata.annotations?.[SIM_LOG_READY_ANNOTATION] === 'true') return;
    await this.awaitKwok(t, logsPath);
    const r = await this.api.request('PATCH', `/api/v1/namespaces/${t.ns}/pods/${t.name}`, { metadata: { annotations: { [SIM_LOG_READY_ANNOTATION]: 'true' } } }, 'application/merge-patch+json');
    if (r.status >= 300 && r.status !== 404) throw new Error(`annotating the pod: ${r.status} ${r.text}`);
    this.log(`${t.ns}/${t.name}: log ready (${t.file})`);
  }

  /**
   * Waits until kwok answers this pod's log from our (still empty) file rather than from the sample. kwok's
   * Logs informer caches its list under the informer's last resource version, which client-go moves before the
   * object reaches the store: a lookup in between keeps the stale list until the next Logs event. So after a
   * second without success the Logs object is touched (an annotation), which gives kwok that next event.
   */
  async awaitKwok(t, logsPath) {
    const url = `${this.kwokUrl}/containerLogs/${t.ns}/${t.name}/${t.container}`;
    const deadline = Date.now() + 60_000;
    let touchAt = Date.now() + 1000;
    for (let touches = 0; ; ) {
      const r = await httpGet(url);
      if (r.status === 200 && r.text === '') return;
      if (Date.now() > deadline) throw new Error(`kwok does not serve ${t.file} (last answer ${r.status} ${r.text.slice(0, 80)})`);
      if (Date.now() > touchAt) {
        touchAt = Date.now() + 1000;
        this.log(`${t.ns}/${t.name}: kwok still answers ${r.status} ${JSON.stringify(r.text.slice(0, 60))}: touching the Logs object`);
        await this.api.request('PATCH', `${logsPath}/${t.name}`, { metadata: { annotations: { [TOUCH_ANNOTATION]: String(++touches) } } }, 'application/merge-patch+json');
      }
      await sleep(50);
    }
  }

  /** Starts, continues or stops printing after the main container's state (step 3). */
  progress(t) {
    const { pod } = t;
    if (pod.metadata.deletionTimestamp) return this.stop(t);
    const status = pod.status?.containerStatuses?.find((c) => c.name === t.container);
    const running = status?.state?.running;
    if (!running) return this.stop(t);
    const restartCount = status.restartCount ?? 0;
    if (t.run && t.run.restartCount === restartCount) return;
    this.stop(t);
    const runFile = path.join(t.dir, 'run.json');
    const saved = readJson(runFile);
    let baseMs;
    let next = 0;
    if (saved?.restartCount === restartCount) {
      // this component was restarted: go on where the last one stopped
      baseMs = saved.baseMs;
      next = countLines(t.file);
    } else {
      if (saved) fs.renameSync(t.file, t.previous);
      fs.writeFileSync(t.file, '');
      // startedAt has whole seconds: when the start is being seen now, now is the better clock
      const startedAt = Date.parse(running.startedAt);
      baseMs = Date.now() - startedAt < 2000 ? Date.now() : startedAt;
      fs.writeFileSync(runFile, JSON.stringify({ restartCount, baseMs }) + '\n');
    }
    const env = Object.fromEntries((t.spec.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
    const lines = interpret(containerScript(t.spec), env);
    const run = { restartCount, timer: undefined };
    t.run = run;
    const pump = () => {
      if (t.run !== run) return;
      const now = Date.now();
      let chunk = '';
      for (; next < lines.length && baseMs + lines[next].atMs <= now; next++) chunk += `${criTimestamp(baseMs + lines[next].atMs)} stdout F ${lines[next].text}\n`;
      try {
        if (chunk) fs.appendFileSync(t.file, chunk);
      } catch (err) {
        this.log(`${t.ns}/${t.name}: ${err.message}`);
        return;
      }
      // (setTimeout takes at most 2^31-1 ms; pump() re-arms itself for longer sleeps)
      if (next < lines.length) run.timer = setTimeout(pump, Math.min(baseMs + lines[next].atMs - now, 2 ** 31 - 1));
    };
    this.log(`${t.ns}/${t.name}: container ${t.container} running (restart ${restartCount}): ${lines.length} lines to print${next ? `, ${next} already printed` : ''}`);
    pump();
  }

  stop(t) {
    if (!t.run) return;
    clearTimeout(t.run.timer);
    t.run = undefined;
  }

  /** A pod is gone: no more writing, and its files go (step 4). */
  forget(uid) {
    const t = this.pods.get(uid);
    if (t) {
      this.stop(t);
      clearTimeout(t.retry);
      this.pods.delete(uid);
    }
    for (const d of this.dirs()) if (d.endsWith(`_${uid}`)) fs.rmSync(path.join(this.logDir, d), { recursive: true, force: true });
  }

  dirs() {
    try {
      return fs.readdirSync(this.logDir);
    } catch {
      return [];
    }
  }

  /** List, then watch until the watch ends; the caller loops. */
  async sync() {
    const list = await this.api.request('GET', '/api/v1/pods');
    if (list.status !== 200) throw new Error(`listing pods: ${list.status} ${list.text.slice(0, 200)}`);
    const alive = new Set(list.body.items.map((p) => p.metadata.uid));
    for (const uid of this.pods.keys()) if (!alive.has(uid)) this.forget(uid);
    for (const d of this.dirs()) {
      const uid = d.slice(d.lastIndexOf('_') + 1);
      if (!alive.has(uid)) this.forget(uid);
    }
    for (const pod of list.body.items) this.handle(pod);
    const res = await this.api.stream(`/api/v1/pods?watch=1&allowWatchBookmarks=true&timeoutSeconds=300&resourceVersion=${list.body.metadata.resourceVersion}`);
    if (res.statusCode !== 200) {
      res.resume();
      throw new Error(`watching pods: ${res.statusCode}`);
    }
    res.setEncoding('utf8');
    let buffer = '';
    for await (const chunk of res) {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (!line.trim()) continue;
        const event = JSON.parse(line);
        if (event.type === 'ERROR') {
          res.destroy(); // e.g. 410 Gone: list again
          return;
        }
        if (event.type === 'DELETED') this.forget(event.object.metadata.uid);
        else if (event.type === 'ADDED' || event.type === 'MODIFIED') this.handle(event.object);
      }
    }
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const log = (msg) => process.stdout.write(`${new Date().toISOString()} ${msg}\n`);
  fs.mkdirSync(opts['log-dir'], { recursive: true });
  const sim = new SimLogs({ api: apiClient(opts.apiserver, opts.pki), kwokUrl: opts.kwok, logDir: path.resolve(opts['log-dir']), log });
  log(`watching pods annotated ${SIM_LOG_ANNOTATION}: command; logs in ${opts['log-dir']}`);
  for (;;) {
    try {
      await sim.sync();
    } catch (err) {
      log(`${err.message}; again in 1s`);
      await sleep(1000);
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    process.stderr.write(`[sim-logs] ${err.stack || err.message}\n`);
    process.exit(1);
  });
}
