#!/usr/bin/env node
// harbormaster — the terminal client of a Harbormaster console, shaped like `az ml` (README "Terminal client").
// It talks to the console's REST API only (HARBORMASTER_URL, a personal access token in HARBORMASTER_TOKEN);
// plain Node ESM with no build step: node built-ins and the `yaml` package.
//
//   harbormaster compute list
//   harbormaster job create --file job.yml [--set key=value] [--name n] [--stream] [--dry-run]
//   harbormaster job list | show <name> | stream <name> | cancel <name>
//   global: -w/--workspace (or HARBORMASTER_WORKSPACE), -o/--output json|table|yaml, --debug, -h/--help
//
// Exit codes: 0 success; 1 the console refused the request (its problem `detail` is printed) or could not be
// reached; 2 bad usage or configuration. `job stream` (and `job create --stream`): 0 Completed, 1 Failed,
// 2 Canceled.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;
/** Exit code of `job stream` per terminal status. */
export const STREAM_EXIT = Object.freeze({ Completed: 0, Failed: 1, Canceled: 2 });
export const TERMINAL = new Set(['Completed', 'Failed', 'Canceled']);
/** Statuses from which a job's containers have logs to follow. */
const HAS_LOGS = new Set(['Running', 'Finalizing', 'Completed', 'Failed', 'Canceled']);
/** What the console takes in one upload (server/http/multipart.ts) and in one code folder. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
export const MAX_UPLOAD_FILES = 20_000;
const OUTPUTS = ['json', 'table', 'yaml'];

/** An error for the user: printed as `ERROR: <message>`, exits with `code`. */
export class CliError extends Error {
  constructor(message, code = EXIT_ERROR, extra = [], status = undefined) {
    super(message);
    this.code = code;
    /** The HTTP status of a refused request. */
    this.status = status;
    /** More lines printed under the message (field errors, hints). */
    this.extra = extra;
  }
}

/** Bad usage: the message, then the command's usage line and a pointer to its help. */
export class UsageError extends CliError {
  constructor(message, command) {
    super(message, EXIT_USAGE);
    this.command = command;
  }
}

// --- commands and options ---------------------------------------------------------------------------------

const GLOBAL_OPTIONS = [
  { name: 'workspace', alias: 'w', value: 'name', help: 'workspace (default: $HARBORMASTER_WORKSPACE)' },
  { name: 'output', alias: 'o', value: 'format', help: 'output format: json, table or yaml (default: $HARBORMASTER_OUTPUT, else json)' },
  { name: 'debug', help: 'print each request and its answer to stderr' },
  { name: 'help', alias: 'h', help: 'show help' },
];
const NAME_OPTION = { name: 'name', alias: 'n', value: 'name', help: 'the job’s name (or give it as the argument)' };

export const COMMANDS = {
  'compute list': {
    summary: 'List the workspace’s compute targets',
    usage: 'harbormaster compute list [-w <workspace>] [-o json|table|yaml]',
    options: [],
    description: 'The compute targets of the workspace: where each runs (cluster, namespace), its default instance type and the cluster’s health.',
    examples: ['harbormaster compute list -w vision -o table'],
  },
  'job create': {
    summary: 'Submit an Azure ML job file (with its local code folder and input files)',
    usage: 'harbormaster job create --file <job.yml> [--set <path>=<value> …] [--name <name>] [--stream] [--dry-run]',
    options: [
      { name: 'file', alias: 'f', value: 'path', help: 'the Azure ML CLI v2 job file (commandJob or sweepJob YAML)', required: true },
      { name: 'set', value: 'path=value', repeat: true, help: 'set a field before submitting, as az ml --set: a dotted path (tags.team=nlp, resources.instance_count=2, inputs.lr=0.1); escape a dot in a key with \\. or write it in brackets: tags["harbormaster.io/sim-duration"]=5s; the value is a string (the console converts numbers as Azure ML does) or JSON when it starts with { or [' },
      { name: 'name', alias: 'n', value: 'name', help: 'the job’s name (same as --set name=…)' },
      { name: 'stream', help: 'then follow it as `job stream` does (and exit with its code)' },
      { name: 'dry-run', help: 'validate only (?dryRun=true): show the spec, the Kubernetes objects and warnings; nothing is created' },
    ],
    description:
      'Sends the job file to POST /api/v1/workspaces/{ws}/jobs. A local code folder (code: ./src, or trial.code for a sweep) is uploaded with it — every file under the folder except .git and what the folder’s .amlignore (else .gitignore) excludes — and so are local uri_file inputs (inputs.<x>.path: ./data.csv), paths relative to the job file, as the console’s form does. Warnings are printed to stderr. 201: the Kubernetes Job exists; 202: recorded while its cluster cannot be reached (it is created when the cluster is back).',
    examples: ['harbormaster job create -f job.yml -w vision', 'harbormaster job create -f job.yml --set resources.instance_count=2 --set tags.team=vision --stream'],
  },
  'job list': {
    summary: 'List jobs, newest first',
    usage: 'harbormaster job list [--status <s>] [--compute <c>] [--search <text>] [--order-by <field[:asc|desc]>] [--max-results <n>] [--all-results] [-o json|table|yaml]',
    options: [
      { name: 'max-results', alias: 'r', value: 'n', help: 'at most this many jobs (default 50)' },
      { name: 'all-results', help: 'every job (follows the pages to the end)' },
      { name: 'status', value: 'status', repeat: true, help: 'only jobs in this status (repeat or comma-separate: Running,Queued)' },
      { name: 'compute', value: 'name', help: 'only jobs on this compute target' },
      { name: 'experiment', value: 'name', help: 'only jobs of this experiment' },
      { name: 'created-by', value: 'email', help: 'only jobs submitted by this user' },
      { name: 'since', value: 'time', help: 'only jobs created at or after this time (ISO 8601)' },
      { name: 'until', value: 'time', help: 'only jobs created before this time (ISO 8601)' },
      { name: 'search', value: 'text', help: 'only jobs whose name or display name contains this text' },
      { name: 'order-by', value: 'field', help: 'createdAt, status, duration or name, optionally :asc or :desc (default createdAt:desc)' },
    ],
    description: 'Jobs of the workspace, newest first unless --order-by says otherwise (GET /api/v1/workspaces/{ws}/jobs with its filters, following `next` cursors).',
    examples: ['harbormaster job list -o table', 'harbormaster job list --status Running,Queued --compute gpu-pool -o table', 'harbormaster job list --all-results -o json'],
  },
  'job show': {
    summary: 'Show one job',
    usage: 'harbormaster job show <name> [-o json|table|yaml]',
    positional: 'name',
    options: [NAME_OPTION],
    description:
      'The job’s record: spec as submitted, status and its message, the status transitions, the Kubernetes objects applied. A sweep (-o table): also its objective, progress and best trial (name, primary metric, parameters); a trial: its sweep, parameters, primary metric and why it was stopped, if it was.',
    examples: ['harbormaster job show brave_lamp_x1y2 -o table', 'harbormaster job show depth_grid_x1y2 -o table   # a sweep: progress and best trial'],
  },
  'job stream': {
    summary: 'Follow a job: status changes, then its logs, until it ends',
    usage: 'harbormaster job stream <name> [--rank <n>]',
    positional: 'name',
    options: [NAME_OPTION, { name: 'rank', value: 'n', help: 'whose logs to follow for a distributed job (default 0)' }],
    description:
      'Prints each status change (from the jobs watch stream, ?watch=true) and, once the job runs, follows its logs (GET …/jobs/{name}/logs?follow=true; if the console does not serve logs, status only) until the job reaches Completed, Failed or Canceled. Exit code: 0 Completed, 1 Failed, 2 Canceled. Ctrl-C stops following; the job keeps running.',
    examples: ['harbormaster job stream brave_lamp_x1y2 && echo done'],
  },
  'job cancel': {
    summary: 'Cancel a job',
    usage: 'harbormaster job cancel <name>',
    positional: 'name',
    options: [NAME_OPTION],
    description: 'Deletes the job’s Kubernetes Jobs and pods; the record stays, as Canceled.',
    examples: ['harbormaster job cancel brave_lamp_x1y2'],
  },
};

const GROUPS = { compute: 'Compute targets of a workspace', job: 'Jobs: submit, list, show, follow, cancel' };
const ALL_OPTIONS = [...GLOBAL_OPTIONS, ...Object.values(COMMANDS).flatMap((c) => c.options)];

function findOption(list, token) {
  if (token.startsWith('--')) return list.find((o) => o.name === token.slice(2));
  return list.find((o) => o.alias && o.alias === token.slice(1));
}

/** The closest of `candidates` to `word` (edit distance ≤ 2), for "did you mean". */
export function closest(word, candidates) {
  let best;
  let bestD = 3;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

function editDistance(a, b) {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) dp[i][j] = Math.min(dp[i - 1][j] + 1, dp[i][j - 1] + 1, dp[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return dp[a.length][b.length];
}

/**
 * Parses the command line: `{command, group, options, positionals, help, version}`. Global options may come
 * anywhere; `--opt value`, `--opt=value`, `-o value` and `-o=value`; `--` ends the options. Throws UsageError.
 */
export function parseArgs(argv) {
  const options = {};
  const words = [];
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i];
    if (tok === '--') {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (tok === '--version') {
      version = true;
      continue;
    }
    if (tok.startsWith('-') && tok !== '-') {
      const eq = tok.indexOf('=');
      const flag = eq > 0 ? tok.slice(0, eq) : tok;
      const opt = findOption(ALL_OPTIONS, flag);
      if (!opt) {
        const names = ALL_OPTIONS.map((o) => `--${o.name}`);
        const guess = flag.startsWith('--') ? closest(flag, names) : undefined;
        throw new UsageError(`unknown option ${flag}${guess ? ` (did you mean ${guess}?)` : ''}`, commandOf(words));
      }
      if (opt.name === 'help') {
        help = true;
        continue;
      }
      let value = true;
      if (opt.value) {
        if (eq > 0) value = tok.slice(eq + 1);
        else if (i + 1 < argv.length) value = argv[++i];
        else throw new UsageError(`${flag} needs a value (${opt.value})`, commandOf(words));
      } else if (eq > 0) {
        throw new UsageError(`${flag} takes no value`, commandOf(words));
      }
      if (opt.repeat) (options[opt.name] ??= []).push(value);
      else options[opt.name] = value;
      continue;
    }
    words.push(tok);
  }
  if (version) return { version: true, options, positionals: [] };
  const [group, verb, ...positionals] = words;
  if (group === 'help') return { help: true, group: words[1], command: commandOf(words.slice(1)), options, positionals: [] };
  if (group === undefined) return { help: true, options, positionals: [] };
  if (!GROUPS[group]) {
    const guess = closest(group, Object.keys(GROUPS));
    throw new UsageError(`unknown command "${group}"${guess ? ` (did you mean "${guess}"?)` : ''}`);
  }
  if (verb === undefined) return { help: true, group, options, positionals: [] };
  const command = `${group} ${verb}`;
  const spec = COMMANDS[command];
  if (!spec) {
    const verbs = Object.keys(COMMANDS).filter((c) => c.startsWith(`${group} `)).map((c) => c.split(' ')[1]);
    const guess = closest(verb, verbs);
    throw new UsageError(`unknown command "${command}"${guess ? ` (did you mean "${group} ${guess}"?)` : ''}; "${group}" has: ${verbs.join(', ')}`, undefined);
  }
  if (help) return { help: true, group, command, options, positionals };
  // Options must belong to this command (or be global).
  const allowed = new Set([...GLOBAL_OPTIONS, ...spec.options].map((o) => o.name));
  for (const name of Object.keys(options)) {
    if (!allowed.has(name)) throw new UsageError(`--${name} is not an option of "${command}"`, command);
  }
  if (positionals.length > (spec.positional ? 1 : 0)) {
    throw new UsageError(`unexpected argument "${positionals[spec.positional ? 1 : 0]}"`, command);
  }
  for (const o of spec.options) {
    if (o.required && options[o.name] === undefined) throw new UsageError(`--${o.name} is required`, command);
  }
  if (options.output !== undefined && !OUTPUTS.includes(options.output)) {
    throw new UsageError(`--output must be one of ${OUTPUTS.join(', ')} (got "${options.output}")`, command);
  }
  return { command, group, options, positionals, help: false };
}

function commandOf(words) {
  const c = words.slice(0, 2).join(' ');
  return COMMANDS[c] ? c : undefined;
}

// --- help ---------------------------------------------------------------------------------------------------

function optionLines(list, width = 100) {
  const left = list.map((o) => `${o.alias ? `-${o.alias}, ` : '    '}--${o.name}${o.value ? ` <${o.value}>` : ''}`);
  const w = Math.max(24, ...left.map((l) => l.length));
  return list.flatMap((o, i) => {
    const text = wrap(`${o.help}${o.required ? ' (required)' : ''}`, width - w - 4);
    return text.map((t, j) => `  ${(j === 0 ? left[i] : '').padEnd(w)}  ${t}`);
  });
}

export function helpText(group, command) {
  if (command) {
    const c = COMMANDS[command];
    return [
      `harbormaster ${command}: ${c.summary}`,
      '',
      `Usage: ${c.usage}`,
      '',
      ...wrap(c.description, 100),
      ...(c.options.length ? ['', 'Options:', ...optionLines(c.options)] : []),
      '',
      'Global options:',
      ...optionLines(GLOBAL_OPTIONS),
      '',
      'Examples:',
      ...c.examples.map((e) => `  ${e}`),
      '',
    ].join('\n');
  }
  const cmds = Object.entries(COMMANDS).filter(([name]) => !group || name.startsWith(`${group} `));
  const w = Math.max(...cmds.map(([name]) => name.length));
  return [
    group ? `harbormaster ${group}: ${GROUPS[group]}` : 'harbormaster: the terminal client of a Harbormaster console, shaped like `az ml`',
    '',
    `Usage: harbormaster ${group ?? '<group>'} <command> [options]   (harbormaster ${group ?? '<group>'} <command> --help for more)`,
    '',
    'Commands:',
    ...cmds.map(([name, c]) => `  ${name.padEnd(w)}  ${c.summary}`),
    '',
    'Global options:',
    ...optionLines([...GLOBAL_OPTIONS, { name: 'version', help: 'print the version' }]),
    '',
    'Environment:',
    '  HARBORMASTER_URL        the console’s address, e.g. https://harbormaster.example.com (required)',
    '  HARBORMASTER_TOKEN      a personal access token: console → Tokens & security, or',
    '                          npm run admin -- create-token --email <you> --name cli (required)',
    '  HARBORMASTER_WORKSPACE  the default workspace (-w overrides it)',
    '  HARBORMASTER_OUTPUT     the default output format (json, table or yaml)',
    '',
    'Exit codes:',
    '  0  success',
    '  1  the console refused the request (its detail is printed) or could not be reached',
    '  2  bad usage or missing configuration',
    '  job stream, job create --stream: 0 the job Completed, 1 it Failed, 2 it was Canceled',
    '',
  ].join('\n');
}

function wrap(text, width) {
  const out = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

// --- --set ----------------------------------------------------------------------------------------------------

/**
 * A --set path into segments: `a.b[0].c`, `tags.harbormaster\.io/x`, `tags["harbormaster.io/x"]`,
 * `tags[harbormaster.io/x]`. Numbers in brackets are list indexes.
 */
export function parseSetPath(raw) {
  const segs = [];
  let cur = '';
  let hasCur = false;
  const push = () => {
    if (!hasCur) return;
    if (cur === '') throw new Error('an empty key');
    segs.push(cur);
    cur = '';
    hasCur = false;
  };
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '\\' && i + 1 < raw.length) {
      cur += raw[++i];
      hasCur = true;
    } else if (ch === '.') {
      if (!hasCur && !(segs.length && raw[i - 1] === ']')) throw new Error('an empty key');
      push();
    } else if (ch === '[') {
      push();
      const close = findClose(raw, i);
      if (close < 0) throw new Error('a "[" without "]"');
      let inner = raw.slice(i + 1, close).trim();
      if (/^\d+$/.test(inner)) segs.push(Number(inner));
      else {
        if (/^(["']).*\1$/.test(inner)) inner = inner.slice(1, -1);
        if (inner === '') throw new Error('an empty key in brackets');
        segs.push(inner);
      }
      i = close;
      if (i + 1 < raw.length && raw[i + 1] !== '.' && raw[i + 1] !== '[') throw new Error(`"${raw[i + 1]}" after "]" (write .key or [key])`);
      if (raw[i + 1] === '.') i++;
    } else {
      cur += ch;
      hasCur = true;
    }
  }
  push();
  if (segs.length === 0) throw new Error('an empty path');
  return segs;
}

function findClose(s, open) {
  const q = s[open + 1] === '"' || s[open + 1] === "'" ? s[open + 1] : '';
  if (q) {
    const end = s.indexOf(q, open + 2);
    return end >= 0 && s[end + 1] === ']' ? end + 1 : -1;
  }
  return s.indexOf(']', open);
}

/** `path=value` (the first "=" outside brackets splits) into `{path: segments, value}`. */
export function parseSetArg(arg) {
  let depth = 0;
  let quote = '';
  let at = -1;
  for (let i = 0; i < arg.length; i++) {
    const ch = arg[i];
    if (quote) {
      if (ch === quote) quote = '';
    } else if (depth > 0 && (ch === '"' || ch === "'")) quote = ch;
    else if (ch === '\\') i++;
    else if (ch === '[') depth++;
    else if (ch === ']') depth--;
    else if (ch === '=' && depth === 0) {
      at = i;
      break;
    }
  }
  if (at <= 0) throw new CliError(`--set ${arg}: write --set <path>=<value>, e.g. --set resources.instance_count=2`, EXIT_USAGE);
  const rawPath = arg.slice(0, at);
  let pathSegs;
  try {
    pathSegs = parseSetPath(rawPath);
  } catch (e) {
    throw new CliError(`--set ${arg}: the path "${rawPath}" has ${e.message}`, EXIT_USAGE);
  }
  return { path: pathSegs, value: setValue(arg.slice(at + 1), arg) };
}

/** A --set value: a string as written (the console converts "2" to 2 where a number is due, as Azure ML does), or JSON when it starts with { or [. */
function setValue(text, arg) {
  const t = text.trim();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return JSON.parse(t);
    } catch (e) {
      throw new CliError(`--set ${arg}: the value starts like JSON but is not JSON (${e.message}); quote it for the shell`, EXIT_USAGE);
    }
  }
  return text;
}

/** Parses a job file as YAML 1.1 (PyYAML's dialect, which Azure ML and the console read). */
export function parseJobYaml(text, file = 'the job file') {
  const doc = YAML.parseDocument(text, { version: '1.1', prettyErrors: true, uniqueKeys: false });
  if (doc.errors.length) throw new CliError(`${file} is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  return doc;
}

/** Applies --set arguments to a parsed job document (comments and formatting elsewhere are kept). */
export function applySets(doc, sets) {
  for (const s of sets) {
    const { path: p, value } = typeof s === 'string' ? parseSetArg(s) : s;
    if (doc.contents !== null && !YAML.isMap(doc.contents)) throw new CliError('--set: the job file is not a mapping of fields', EXIT_USAGE);
    try {
      if (doc.contents === null) doc.contents = doc.createNode({});
      // The part of the path that exists; the rest is created as plain mappings and lists (doc.setIn would
      // make JS Maps, which YAML 1.1 writes as !!omap).
      let k = 0;
      let parent = doc.contents;
      for (; k < p.length - 1; k++) {
        const node = doc.getIn(p.slice(0, k + 1), true);
        if (node === undefined || node === null) break;
        if (!YAML.isCollection(node)) throw new Error(`${p.slice(0, k + 1).join('.')} is a value, not a mapping or list`);
        parent = node;
      }
      if (typeof p[k] === 'number' && !YAML.isSeq(parent)) throw new Error(`${p.slice(0, k).join('.') || 'the job'} is not a list`);
      if (typeof p[k] !== 'number' && !YAML.isMap(parent)) throw new Error(`${p.slice(0, k).join('.')} is a list: index it with [n]`);
      let v = value;
      for (let j = p.length - 1; j > k; j--) {
        if (typeof p[j] === 'number') {
          const list = Array(p[j] + 1).fill(null);
          list[p[j]] = v;
          v = list;
        } else v = { [p[j]]: v };
      }
      doc.setIn(p.slice(0, k + 1), doc.createNode(v));
    } catch (e) {
      throw new CliError(`--set ${p.join('.')}: ${e.message.split('\n')[0]}`, EXIT_USAGE);
    }
  }
  return doc;
}

// --- local files of a job -------------------------------------------------------------------------------------

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** A path as written in the job, if local (not azureml:, git+https://, https://, wasbs:// …); `file:` stripped. */
export function localPath(value) {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (value.startsWith('file:')) return value.slice('file:'.length);
  if (SCHEME.test(value)) return undefined;
  return value;
}

/**
 * The name a local path of the job travels under in the upload: relative to the job file's folder. A path
 * outside it (`../src`, `/abs/src`) travels under its last segment, which the console matches too.
 */
export function uploadName(rel) {
  const p = rel.replace(/\\/g, '/');
  const segs = p.split('/').filter((s) => s && s !== '.');
  if (p.startsWith('/') || /^[A-Za-z]:\//.test(p) || segs.includes('..')) {
    const last = segs.filter((s) => s !== '..').pop() ?? '';
    return { name: last, outside: true };
  }
  return { name: segs.join('/'), outside: false };
}

/** A .gitignore-style matcher (patterns, !negation, trailing / for folders, leading / or inner / to anchor, *, ?, **). */
export function ignoreMatcher(text) {
  const rules = [];
  for (let line of text.split(/\r?\n/)) {
    line = line.replace(/(?<!\\)\s+$/, '');
    if (!line || line.startsWith('#')) continue;
    let negate = false;
    if (line.startsWith('!')) {
      negate = true;
      line = line.slice(1);
    } else if (line.startsWith('\\')) line = line.slice(1);
    const dirOnly = line.endsWith('/');
    if (dirOnly) line = line.replace(/\/+$/, '');
    const anchored = line.includes('/');
    line = line.replace(/^\//, '');
    if (!line) continue;
    rules.push({ negate, dirOnly, anchored, re: globToRegExp(line) });
  }
  return (rel, isDir) => {
    let ignored = false;
    const base = rel.split('/').pop();
    for (const r of rules) {
      if (r.dirOnly && !isDir) continue;
      if (r.re.test(r.anchored ? rel : base)) ignored = !r.negate;
    }
    return ignored;
  };
}

function globToRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*' && glob[i + 1] === '*') {
      if (glob[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close > i) {
        re += `[${glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = close;
      } else re += '\\[';
    } else if (ch === '\\' && i + 1 < glob.length) re += glob[++i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    else re += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const ALWAYS_SKIPPED = new Set(['.git']);

/** Files under `dir` (relative, "/"-separated), minus .git and what its .amlignore (else .gitignore) excludes. */
export function listFolder(dir, notes = []) {
  const ignoreFile = ['.amlignore', '.gitignore'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  const ignored = ignoreFile ? ignoreMatcher(fs.readFileSync(ignoreFile, 'utf8')) : () => false;
  const out = [];
  const walk = (abs, rel) => {
    for (const ent of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const childRel = rel ? `${rel}/${ent.name}` : ent.name;
      const childAbs = path.join(abs, ent.name);
      let isDir = ent.isDirectory();
      let isFile = ent.isFile();
      if (ent.isSymbolicLink()) {
        let st;
        try {
          st = fs.statSync(childAbs);
        } catch {
          notes.push(`skipped ${childRel}: a broken symbolic link`);
          continue;
        }
        if (st.isDirectory()) {
          notes.push(`skipped ${childRel}: a symbolic link to a folder`);
          continue;
        }
        isFile = st.isFile();
        isDir = false;
      }
      if (isDir && ALWAYS_SKIPPED.has(ent.name)) continue;
      if (ignored(childRel, isDir)) continue;
      if (isDir) walk(childAbs, childRel);
      else if (isFile) out.push({ rel: childRel, abs: childAbs });
    }
  };
  walk(dir, '');
  return out;
}

/**
 * What `job create` uploads with a job: the local code folder's files and local input files, named relative
 * to the job file's folder (`src/train.py`, `data.csv`). `notes` are printed as warnings.
 */
export function collectUploads(job, baseDir, { lenient = false } = {}) {
  const files = new Map(); // upload name → absolute path
  const notes = [];
  // A dry run tells about missing local files (the console warns too); a real submission stops here.
  const missing = (message) => {
    if (!lenient) throw new CliError(message);
    notes.push(message);
  };
  if (!job || typeof job !== 'object' || Array.isArray(job)) return { files: [], notes };
  const isSweep = job.type === 'sweep';
  const codeField = isSweep ? 'trial.code' : 'code';
  const code = localPath(isSweep ? job.trial?.code : job.code);
  if (code !== undefined) {
    const abs = path.resolve(baseDir, code);
    const st = fs.statSync(abs, { throwIfNoEntry: false });
    if (!st) missing(`${codeField}: the local folder "${code}" does not exist (looked in ${abs})`);
    else if (!st.isDirectory()) missing(`${codeField}: "${code}" is not a folder (${abs}); code names the folder holding your scripts`);
    else {
      const { name } = uploadName(code);
      const listed = listFolder(abs, notes);
      if (listed.length === 0) notes.push(`${codeField}: the folder "${code}" has no files to upload`);
      for (const f of listed) files.set(name ? `${name}/${f.rel}` : f.rel, f.abs);
    }
  }
  const inputs = job.inputs && typeof job.inputs === 'object' ? job.inputs : {};
  for (const [key, input] of Object.entries(inputs)) {
    if (!input || typeof input !== 'object') continue;
    const p = localPath(input.path);
    if (p === undefined) continue;
    const abs = path.resolve(baseDir, p);
    const st = fs.statSync(abs, { throwIfNoEntry: false });
    if (!st) {
      missing(`inputs.${key}.path: the local file "${p}" does not exist (looked in ${abs})`);
      continue;
    }
    if (st.isDirectory()) continue; // a local folder input: the console explains what to do instead
    const { name, outside } = uploadName(p);
    if (outside) {
      notes.push(`inputs.${key}.path: "${p}" is outside the job file’s folder and cannot be uploaded; move it next to the job file`);
      continue;
    }
    files.set(name, abs);
  }
  return { files: [...files].map(([name, abs]) => ({ name, abs })), notes };
}

// --- output ---------------------------------------------------------------------------------------------------

/**
 * An az-style table: a header row, a row of dashes under each header, then the rows; columns separated by two
 * spaces, left-aligned, each as wide as its widest cell; no trailing spaces.
 */
export function formatTable(rows, columns) {
  if (!rows.length) return '';
  const cell = (v) => (v === null || v === undefined ? '' : String(v).replace(/\s*[\r\n]+\s*/g, ' '));
  const data = rows.map((r) => columns.map((c) => cell(typeof c.get === 'function' ? c.get(r) : r[c.get ?? c.header])));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...data.map((d) => [...d[i]].length)));
  const line = (cells) =>
    cells
      .map((v, i) => v + ' '.repeat(widths[i] - [...v].length))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...data.map(line)].join('\n') + '\n';
}

function localTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export const TABLES = {
  compute: [
    { header: 'Name', get: 'name' },
    { header: 'Cluster', get: 'cluster' },
    { header: 'Location', get: (t) => [t.location, t.region].filter(Boolean).join(' / ') },
    { header: 'Namespace', get: 'namespace' },
    { header: 'Default instance type', get: 'defaultInstanceType' },
    { header: 'Health', get: (t) => t.health?.status },
  ],
  jobs: [
    { header: 'Name', get: 'name' },
    { header: 'Display name', get: 'displayName' },
    { header: 'Status', get: 'status' },
    { header: 'Compute', get: 'computeTarget' },
    { header: 'Instance type', get: 'instanceType' },
    { header: 'Experiment', get: 'experimentName' },
    { header: 'Created', get: (j) => localTime(j.createdAt) },
  ],
  job: [
    { header: 'Name', get: 'name' },
    { header: 'Type', get: 'type' },
    { header: 'Status', get: 'status' },
    { header: 'Compute', get: 'computeTarget' },
    { header: 'Instance type', get: (j) => (j.instanceCount > 1 ? `${j.instanceType} × ${j.instanceCount}` : j.instanceType) },
    { header: 'Experiment', get: 'experimentName' },
    { header: 'Created', get: (j) => localTime(j.createdAt) },
    { header: 'Message', get: 'statusMessage' },
  ],
  created: [
    { header: 'Name', get: 'name' },
    { header: 'Status', get: (r) => r.status ?? '(dry run)' },
    { header: 'Compute', get: (r) => r.placement?.computeTarget },
    { header: 'Cluster', get: (r) => r.placement?.cluster },
    { header: 'Instance type', get: (r) => (r.placement ? `${r.placement.instanceType?.name}${r.placement.instanceCount > 1 ? ` × ${r.placement.instanceCount}` : ''}` : '') },
    { header: 'Message', get: 'statusMessage' },
  ],
  canceled: [
    { header: 'Name', get: 'name' },
    { header: 'Status', get: 'status' },
    { header: 'Message', get: 'statusMessage' },
  ],
  /** `job show` of a sweep: its objective and progress, then its best trial. */
  sweep: [
    { header: 'Objective', get: (j) => `${j.sweep.objective.goal} ${j.sweep.objective.primaryMetric}` },
    { header: 'Sampling', get: (j) => j.sweep.samplingAlgorithm },
    { header: 'Early termination', get: (j) => j.sweep.earlyTermination ?? 'none' },
    { header: 'Progress', get: (j) => sweepProgress(j.sweep) },
  ],
  bestTrial: [
    { header: 'Best trial', get: (j) => j.sweep.bestTrial?.name ?? '(none yet)' },
    { header: 'Primary metric', get: (j) => (j.sweep.bestTrial ? `${j.sweep.objective.primaryMetric} ${j.sweep.bestTrial.primaryMetric}` : '') },
    { header: 'Parameters', get: (j) => parametersText(j.sweep.bestTrial?.parameters) },
  ],
  /** `job show` of a trial: its sweep, parameters, primary metric and why it was stopped. */
  trial: [
    { header: 'Sweep', get: (j) => j.trial.sweep },
    { header: 'Trial', get: (j) => j.trial.index },
    { header: 'Parameters', get: (j) => parametersText(j.trial.parameters) },
    { header: 'Primary metric', get: (j) => j.trial.primaryMetric },
    { header: 'Stopped because', get: (j) => j.trial.terminationReason },
  ],
};

/** "depth=2, width=1". */
function parametersText(parameters) {
  return Object.entries(parameters ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

const PROGRESS_WORDS = [['Running', 'running'], ['Finalizing', 'finalizing'], ['Preparing', 'preparing'], ['Queued', 'queued'], ['NotStarted', 'not started'], ['Completed', 'completed'], ['Failed', 'failed'], ['Canceled', 'canceled']];

/** "4 of 6 trials started, 2 running, 2 completed". */
export function sweepProgress(sweep) {
  const counts = sweep.counts ?? {};
  const parts = PROGRESS_WORDS.filter(([s]) => counts[s]).map(([s, word]) => `${counts[s]} ${word}`);
  return [`${sweep.createdTrials} of ${sweep.plannedTrials} trial${sweep.plannedTrials === 1 ? '' : 's'} started`, ...parts].join(', ');
}

function render(ctx, value, table) {
  const out = ctx.output;
  if (out === 'json') ctx.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  else if (out === 'yaml') ctx.stdout.write(YAML.stringify(value));
  else ctx.stdout.write(formatTable(Array.isArray(value) ? value : [value], table));
}

// --- HTTP -----------------------------------------------------------------------------------------------------

/** The console's address and token from the environment; a CliError (exit 2) says what is missing. */
export function resolveConfig(env, options = {}) {
  const rawUrl = (env.HARBORMASTER_URL ?? '').trim();
  if (!rawUrl) throw new CliError('HARBORMASTER_URL is not set: export HARBORMASTER_URL=<the console’s address>, e.g. https://harbormaster.example.com', EXIT_USAGE);
  let base;
  try {
    base = new URL(rawUrl.endsWith('/') ? rawUrl : `${rawUrl}/`);
  } catch {
    throw new CliError(`HARBORMASTER_URL is not a URL: "${rawUrl}" (write e.g. https://harbormaster.example.com)`, EXIT_USAGE);
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new CliError(`HARBORMASTER_URL must be an http:// or https:// address (got ${base.protocol}//)`, EXIT_USAGE);
  base.search = '';
  base.hash = '';
  const token = (env.HARBORMASTER_TOKEN ?? '').trim();
  if (!token) {
    throw new CliError(
      'HARBORMASTER_TOKEN is not set: create a personal access token in the console (Tokens & security) and export HARBORMASTER_TOKEN=<token>',
      EXIT_USAGE,
    );
  }
  const workspace = options.workspace ?? env.HARBORMASTER_WORKSPACE?.trim() ?? '';
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(base.hostname) || base.hostname.endsWith('.localhost');
  return { base, token, workspace, insecure: base.protocol === 'http:' && !loopback };
}

function requireWorkspace(ctx) {
  if (!ctx.workspace) throw new CliError('no workspace: give -w <workspace> or export HARBORMASTER_WORKSPACE=<workspace>', EXIT_USAGE);
  return ctx.workspace;
}

export function apiUrl(base, apiPath, query = {}) {
  const u = new URL(apiPath.replace(/^\//, ''), base);
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) u.searchParams.set(k, String(v));
  return u;
}

const wsPath = (ws, rest = '') => `api/v1/workspaces/${encodeURIComponent(ws)}${rest}`;

/** What a failed answer says: the problem's detail (and field errors it does not already name), or the status. */
export async function problemOf(res, url) {
  const text = await res.text().catch(() => '');
  const type = (res.headers.get('content-type') ?? '').toLowerCase();
  let body;
  if (type.includes('json')) {
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON after all */
    }
  }
  const extra = [];
  let message;
  if (body && typeof body === 'object' && typeof body.detail === 'string') {
    message = body.detail;
    for (const fe of Array.isArray(body.errors) ? body.errors : []) {
      const line = `${fe.path}: ${fe.message}`;
      if (!message.includes(line)) extra.push(`  ${line}`);
    }
    if (res.status >= 500 && body.requestId) extra.push(`  (request id ${body.requestId})`);
  } else if (type.includes('text/html')) {
    message = `${url.origin}${url.pathname} answered ${res.status} ${res.statusText} with a web page, not the API; is HARBORMASTER_URL the console’s address?`;
  } else {
    message = `${url.origin}${url.pathname} answered ${res.status} ${res.statusText}${text.trim() ? `: ${text.trim().slice(0, 300)}` : ''}`;
  }
  if (res.status === 401) extra.push('  check HARBORMASTER_TOKEN: it may be mistyped, expired or revoked');
  return { status: res.status, message, extra, body };
}

/** One request to the console; network failures become a CliError naming the URL. */
async function send(ctx, method, url, init = {}) {
  const headers = { authorization: `Bearer ${ctx.token}`, 'user-agent': `harbormaster-cli/${ctx.version}`, ...init.headers };
  const started = Date.now();
  if (ctx.debug) ctx.stderr.write(`> ${method} ${url}\n`);
  let res;
  try {
    res = await ctx.fetch(url, { method, headers, body: init.body, signal: init.signal ?? AbortSignal.timeout(init.timeoutMs ?? 120_000) });
  } catch (e) {
    if (init.signal?.aborted) throw e;
    const cause = e?.cause;
    const why = e?.name === 'TimeoutError' ? `no answer within ${Math.round((init.timeoutMs ?? 120_000) / 1000)} s` : (cause?.code ?? cause?.message ?? e?.message ?? String(e));
    throw new CliError(`cannot reach the console at ${url.origin} (${method} ${url.pathname}): ${why}; check HARBORMASTER_URL`);
  }
  if (ctx.debug) ctx.stderr.write(`< ${res.status} ${res.statusText} (${Date.now() - started} ms, ${res.headers.get('content-type') ?? 'no body'})\n`);
  return res;
}

/** A JSON request: the parsed answer, or a CliError carrying the problem's detail. */
async function call(ctx, method, apiPath, init = {}) {
  const url = apiUrl(ctx.base, apiPath, init.query);
  const res = await send(ctx, method, url, { ...init, headers: { accept: 'application/json', ...init.headers } });
  if (!res.ok) {
    const p = await problemOf(res, url);
    throw new CliError(p.message, EXIT_ERROR, p.extra, res.status);
  }
  const text = await res.text();
  try {
    return { status: res.status, data: text ? JSON.parse(text) : null };
  } catch {
    throw new CliError(`${url.origin}${url.pathname} answered ${res.status} with something that is not JSON; is HARBORMASTER_URL the console’s address?`);
  }
}

/** Server-sent events from a response body: `{id, event, data}` per event; comments (heartbeats) skipped. */
export async function* sseEvents(body) {
  const dec = new TextDecoder();
  let buf = '';
  let data = [];
  let id;
  let event;
  const lines = function* (final) {
    for (;;) {
      const m = /\r\n|\r|\n/.exec(buf);
      if (!m) return;
      if (!final && m[0] === '\r' && m.index === buf.length - 1) return; // a \r\n split across chunks
      const line = buf.slice(0, m.index);
      buf = buf.slice(m.index + m[0].length);
      yield line;
    }
  };
  const take = function* (final) {
    for (const line of lines(final)) {
      if (line === '') {
        if (data.length) yield { id, event, data: data.join('\n') };
        data = [];
        event = undefined;
        continue;
      }
      if (line.startsWith(':')) continue;
      const c = line.indexOf(':');
      const field = c < 0 ? line : line.slice(0, c);
      let value = c < 0 ? '' : line.slice(c + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
      else if (field === 'event') event = value;
    }
  };
  for await (const chunk of body) {
    buf += typeof chunk === 'string' ? chunk : dec.decode(chunk, { stream: true });
    yield* take(false);
  }
  buf += dec.decode();
  yield* take(true);
}

const isRefusal = (e) => e instanceof CliError && e.status >= 400 && e.status < 500;

const sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

// --- commands -------------------------------------------------------------------------------------------------

async function computeList(ctx) {
  const ws = requireWorkspace(ctx);
  const { data } = await call(ctx, 'GET', wsPath(ws, '/computes'));
  render(ctx, data.items ?? [], TABLES.compute);
  return EXIT_OK;
}

async function jobList(ctx, args) {
  const ws = requireWorkspace(ctx);
  const all = !!args.options['all-results'];
  let max = 50;
  if (args.options['max-results'] !== undefined) {
    max = Number(args.options['max-results']);
    if (!Number.isInteger(max) || max < 1) throw new UsageError(`--max-results must be a whole number ≥ 1 (got "${args.options['max-results']}")`, 'job list');
  }
  const o = args.options;
  const filters = {
    status: o.status?.join(','),
    compute: o.compute,
    experiment: o.experiment,
    createdBy: o['created-by'],
    since: o.since,
    until: o.until,
    q: o.search,
    orderBy: o['order-by'],
  };
  const items = [];
  let cursor;
  do {
    const limit = all ? 200 : Math.min(200, max - items.length);
    const { data } = await call(ctx, 'GET', wsPath(ws, '/jobs'), { query: { ...filters, limit, cursor } });
    items.push(...(data.items ?? []));
    cursor = data.next;
  } while (cursor && (all || items.length < max));
  render(ctx, all ? items : items.slice(0, max), TABLES.jobs);
  return EXIT_OK;
}

function jobName(args, command) {
  const fromArg = args.positionals[0];
  const fromOpt = args.options.name;
  if (fromArg && fromOpt && fromArg !== fromOpt) throw new UsageError(`two names: "${fromArg}" and --name ${fromOpt}`, command);
  const name = fromArg ?? fromOpt;
  if (!name) throw new UsageError('which job? give its name: harbormaster ' + command + ' <name>', command);
  return name;
}

async function jobShow(ctx, args) {
  const ws = requireWorkspace(ctx);
  const { data } = await call(ctx, 'GET', wsPath(ws, `/jobs/${encodeURIComponent(jobName(args, 'job show'))}`));
  render(ctx, data, TABLES.job);
  if (ctx.output !== 'table') return EXIT_OK;
  // A sweep's progress and best trial, a trial's sweep and parameters: each a table of its own below.
  const more = data.sweep ? [TABLES.sweep, TABLES.bestTrial] : data.trial ? [TABLES.trial] : [];
  for (const table of more) ctx.stdout.write(`\n${formatTable([data], table)}`);
  return EXIT_OK;
}

async function jobCancel(ctx, args) {
  const ws = requireWorkspace(ctx);
  const { data } = await call(ctx, 'POST', wsPath(ws, `/jobs/${encodeURIComponent(jobName(args, 'job cancel'))}/cancel`));
  render(ctx, data, TABLES.canceled);
  return EXIT_OK;
}

/**
 * The request body of `job create`: application/yaml, or multipart/form-data when local files go with it.
 * @param {string} file
 * @param {{sets?: Array<string | {path: Array<string | number>, value: unknown}>, name?: string, lenient?: boolean}} [opts]
 */
export function jobCreateBody(file, { sets = [], name, lenient = false } = {}) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`--file ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`, EXIT_USAGE);
  }
  const allSets = [...sets, ...(name ? [{ path: ['name'], value: name }] : [])];
  let job;
  if (allSets.length) {
    const doc = applySets(parseJobYaml(text, file), allSets);
    text = doc.toString({ lineWidth: 0 });
    job = doc.toJS({ maxAliasCount: -1 });
  } else {
    try {
      job = parseJobYaml(text, file).toJS({ maxAliasCount: -1 });
    } catch {
      job = undefined; // the console says what is wrong with it
    }
  }
  const { files, notes } = collectUploads(job, path.dirname(path.resolve(file)), { lenient });
  if (!files.length) return { body: text, headers: { 'content-type': 'application/yaml' }, files, notes, yaml: text };
  if (files.length > MAX_UPLOAD_FILES) throw new CliError(`the upload holds ${files.length} files, more than the ${MAX_UPLOAD_FILES} the console takes; exclude some with an .amlignore in the code folder`);
  let total = Buffer.byteLength(text);
  const form = new FormData();
  form.append('job', text);
  for (const f of files) {
    const data = fs.readFileSync(f.abs);
    total += data.length;
    if (total > MAX_UPLOAD_BYTES) {
      throw new CliError(`the code and input files come to more than ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB, the most one submission carries; exclude large files with an .amlignore in the code folder, or use git+https://… for code and storage URLs for data`);
    }
    form.append('files', new Blob([data]), f.name);
  }
  form.append('paths', JSON.stringify(files.map((f) => f.name)));
  return { body: form, headers: {}, files, notes, yaml: text };
}

async function jobCreate(ctx, args) {
  const ws = requireWorkspace(ctx);
  const dryRun = !!args.options['dry-run'];
  if (dryRun && args.options.stream) throw new UsageError('--stream and --dry-run do not go together (a dry run creates nothing)', 'job create');
  const { body, headers, files, notes } = jobCreateBody(args.options.file, { sets: args.options.set ?? [], name: args.options.name, lenient: dryRun });
  for (const n of notes) ctx.stderr.write(`WARNING: ${n}\n`);
  if (files.length && ctx.debug) ctx.stderr.write(`uploading ${files.length} file(s): ${files.slice(0, 10).map((f) => f.name).join(', ')}${files.length > 10 ? ', …' : ''}\n`);
  const { status, data } = await call(ctx, 'POST', wsPath(ws, '/jobs'), { query: dryRun ? { dryRun: 'true' } : {}, headers, body, timeoutMs: 300_000 });
  for (const w of data?.warnings ?? []) ctx.stderr.write(`WARNING: ${w.path ? `${w.path}: ` : ''}${w.message}\n`);
  if (status === 202) ctx.stderr.write(`WARNING: job ${data.name} is recorded but its cluster has not taken it yet${data.statusMessage ? ` (${data.statusMessage})` : ''}; it starts when the cluster is reachable\n`);
  render(ctx, data, TABLES.created);
  if (args.options.stream) {
    ctx.stdout.write('\n');
    return streamJob(ctx, ws, data.name, {});
  }
  return EXIT_OK;
}

async function jobStream(ctx, args) {
  const ws = requireWorkspace(ctx);
  const name = jobName(args, 'job stream');
  let rank = 0;
  if (args.options.rank !== undefined) {
    rank = Number(args.options.rank);
    if (!Number.isInteger(rank) || rank < 0) throw new UsageError(`--rank must be a whole number ≥ 0 (got "${args.options.rank}")`, 'job stream');
  }
  return streamJob(ctx, ws, name, { rank });
}

/**
 * Follows a job until it ends: status changes from the jobs watch stream (with a re-read on every reconnect
 * and a slow poll as a safety net), then the logs of one rank once it runs. Resolves to the exit code.
 */
export async function streamJob(ctx, ws, name, { rank = 0, pollMs = 10_000, giveUpMs = 300_000, logGraceMs = 10_000 } = {}) {
  const out = ctx.stdout;
  const stop = new AbortController();
  const jobPath = wsPath(ws, `/jobs/${encodeURIComponent(name)}`);
  const webView = new URL(`w/${encodeURIComponent(ws)}/jobs/${encodeURIComponent(name)}`, ctx.base).href;
  let midLine = false;
  const say = (line) => {
    if (midLine) out.write('\n');
    midLine = false;
    out.write(`${line}\n`);
  };
  const now = () => (ctx.clock ? ctx.clock() : new Date()).toTimeString().slice(0, 8);

  let last = { status: undefined, message: undefined };
  let final;
  let finalMessage = null;
  let fatal;
  let lastContact = Date.now();
  let finish;
  const done = new Promise((resolve) => (finish = resolve));

  // Logs: one follow request per stream, from the first status that has containers (retried on a 5xx).
  let logState = 'idle'; // idle | streaming | done | unavailable
  let logAttempts = 0;
  let logTask = Promise.resolve();
  let lastLogAt = 0;
  const logAbort = new AbortController();
  const followLogs = async () => {
    const url = apiUrl(ctx.base, `${jobPath}/logs`, { rank, follow: 'true' });
    let res;
    try {
      res = await send(ctx, 'GET', url, { headers: { accept: 'text/plain' }, signal: logAbort.signal });
    } catch (e) {
      if (logAbort.signal.aborted) return;
      logState = logAttempts < 3 ? 'idle' : 'unavailable';
      ctx.stderr.write(`WARNING: logs: ${e.message}\n`);
      return;
    }
    if (res.status === 404 || res.status === 405 || res.status === 501) {
      logState = 'unavailable';
      const p = await problemOf(res, url);
      const why = p.body?.detail ? p.body.detail : 'this console does not serve job logs';
      ctx.stderr.write(`WARNING: logs are not available (${res.status}: ${why}); showing status only\n`);
      return;
    }
    if (!res.ok) {
      const p = await problemOf(res, url);
      logState = logAttempts < 3 ? 'idle' : 'unavailable'; // e.g. not started yet: tried again on the next change
      ctx.stderr.write(`WARNING: logs: ${p.message}\n`);
      return;
    }
    const dec = new TextDecoder();
    try {
      for await (const chunk of res.body) {
        const text = dec.decode(chunk, { stream: true });
        if (!text) continue;
        lastLogAt = Date.now();
        out.write(text);
        midLine = !text.endsWith('\n');
      }
      const rest = dec.decode();
      if (rest) {
        out.write(rest);
        midLine = !rest.endsWith('\n');
      }
    } catch (e) {
      if (!logAbort.signal.aborted) ctx.stderr.write(`\nWARNING: the log stream broke off: ${e.message}\n`);
    }
    logState = 'done';
  };
  const maybeStartLogs = (status) => {
    if (logState !== 'idle' || !HAS_LOGS.has(status)) return;
    logState = 'streaming';
    logAttempts++;
    logTask = followLogs();
  };

  const onStatus = (item) => {
    if (final || !item) return;
    lastContact = Date.now();
    const status = item.status;
    const message = item.statusMessage ?? null;
    if (status !== last.status || message !== last.message) {
      say(`[${now()}] ${status}${message ? `: ${message}` : ''}`);
      last = { status, message };
    }
    maybeStartLogs(status);
    if (TERMINAL.has(status)) {
      final = status;
      finalMessage = message;
      finish();
    }
  };
  const fail = (err) => {
    if (final || fatal) return;
    fatal = err;
    finish();
  };

  const readJob = async () => {
    const { data } = await call(ctx, 'GET', jobPath, { timeoutMs: 30_000, signal: undefined });
    return data;
  };

  // First read: an unknown job or workspace is an error at once.
  const first = await readJob();
  say(`RunId: ${name}`);
  say(`Web View: ${webView}`);
  say('');
  onStatus(first);

  const onSigint = () => {
    ctx.stderr.write(`\nStopped following ${name}; the job keeps running (harbormaster job cancel ${name} cancels it).\n`);
    fail(new CliError('interrupted', 130));
  };
  ctx.signals?.once('SIGINT', onSigint);

  const watch = async () => {
    let backoff = 1000;
    while (!final && !fatal && !stop.signal.aborted) {
      // Narrowed to this job's name (`q` matches names and display names; other matches are skipped below).
      const url = apiUrl(ctx.base, wsPath(ws, '/jobs'), { watch: 'true', q: name, limit: 1 });
      try {
        const res = await send(ctx, 'GET', url, { headers: { accept: 'text/event-stream' }, signal: stop.signal });
        if (!res.ok) {
          const p = await problemOf(res, url);
          if (res.status >= 400 && res.status < 500) return fail(new CliError(p.message, EXIT_ERROR, p.extra));
          throw new Error(p.message);
        }
        backoff = 1000;
        // Whatever changed while (re)connecting: read the job again once the stream is open.
        onStatus(await readJob());
        for await (const ev of sseEvents(res.body)) {
          lastContact = Date.now();
          let msg;
          try {
            msg = JSON.parse(ev.data);
          } catch {
            continue;
          }
          if (msg?.object?.name !== name) continue;
          if (msg.type === 'DELETED') return fail(new CliError(`job ${name} was deleted`));
          onStatus(msg.object);
          if (final) return;
        }
      } catch (e) {
        if (stop.signal.aborted || final) return;
        // A refusal while re-reading the job (deleted, token revoked …) ends it; anything else is retried.
        if (isRefusal(e)) return fail(e);
        if (Date.now() - lastContact > giveUpMs) return fail(new CliError(`lost contact with the console for ${Math.round(giveUpMs / 1000)} s while following ${name}: ${e.message}`));
        if (ctx.debug) ctx.stderr.write(`watch: ${e.message}; reconnecting in ${backoff / 1000} s\n`);
      }
      await sleep(backoff, stop.signal);
      backoff = Math.min(backoff * 2, 10_000);
    }
  };
  const poll = async () => {
    while (!final && !fatal && !stop.signal.aborted) {
      await sleep(pollMs, stop.signal);
      if (final || fatal || stop.signal.aborted) return;
      try {
        onStatus(await readJob());
        if (logState === 'idle' && last.status) maybeStartLogs(last.status);
      } catch (e) {
        if (isRefusal(e)) return fail(e);
      }
    }
  };
  if (!final) {
    watch().catch(fail);
    poll().catch(fail);
    await done;
  }
  ctx.signals?.removeListener('SIGINT', onSigint);
  stop.abort(); // ends the watch and the poll; the logs get a grace period below
  if (fatal) {
    logAbort.abort();
    throw fatal;
  }
  // The job ended: let the log stream deliver its last lines (it ends when the containers have); cut it off
  // after logGraceMs without output.
  if (logState === 'idle') maybeStartLogs(final);
  let settled = false;
  void logTask.finally(() => (settled = true));
  lastLogAt = Math.max(lastLogAt, Date.now());
  while (!settled && Date.now() - lastLogAt < logGraceMs) await sleep(100);
  logAbort.abort();
  await logTask.catch(() => {});
  say('');
  say('Execution Summary');
  say('=================');
  say(`RunId: ${name}`);
  say(`Web View: ${webView}`);
  say(`Status: ${final}${finalMessage ? ` (${finalMessage})` : ''}`);
  return STREAM_EXIT[final];
}

const RUNNERS = {
  'compute list': computeList,
  'job create': jobCreate,
  'job list': jobList,
  'job show': jobShow,
  'job stream': jobStream,
  'job cancel': jobCancel,
};

function packageVersion() {
  try {
    return JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * Runs one command line and resolves to its exit code. `io` replaces the process's pieces for tests:
 * {env, stdout, stderr, fetch, signals, clock}.
 */
export async function main(argv, io = {}) {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  let args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    stderr.write(`ERROR: ${e.message}\n`);
    if (e.command) stderr.write(`Usage: ${COMMANDS[e.command].usage}\n(harbormaster ${e.command} --help for details)\n`);
    else stderr.write('(harbormaster --help lists the commands)\n');
    return EXIT_USAGE;
  }
  const version = packageVersion();
  if (args.version) {
    stdout.write(`harbormaster ${version}\n`);
    return EXIT_OK;
  }
  if (args.help) {
    stdout.write(helpText(args.group && GROUPS[args.group] ? args.group : undefined, args.command));
    return EXIT_OK;
  }
  try {
    const cfg = resolveConfig(env, args.options);
    if (cfg.insecure) stderr.write(`WARNING: HARBORMASTER_URL is plain http:// to ${cfg.base.host}: the token travels unencrypted; use https://\n`);
    const ctx = {
      ...cfg,
      output: args.options.output ?? (OUTPUTS.includes(env.HARBORMASTER_OUTPUT) ? env.HARBORMASTER_OUTPUT : 'json'),
      debug: !!args.options.debug,
      stdout,
      stderr,
      fetch: io.fetch ?? globalThis.fetch,
      signals: io.signals,
      clock: io.clock,
      version,
    };
    return await RUNNERS[args.command](ctx, args);
  } catch (e) {
    if (!(e instanceof CliError)) {
      stderr.write(`ERROR: ${e?.stack ?? e}\n`);
      return EXIT_ERROR;
    }
    if (e.code === 130) return 130;
    stderr.write(`ERROR: ${e.message}\n`);
    for (const line of e.extra ?? []) stderr.write(`${line}\n`);
    if (e instanceof UsageError && e.command) stderr.write(`Usage: ${COMMANDS[e.command].usage}\n`);
    return e.code;
  }
}

function isEntryPoint() {
  if (!process.argv[1]) return false;
  try {
    return fs.realpathSync(process.argv[1]) === fs.realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // `harbormaster job list | head`: a closed pipe ends the command quietly.
  process.stdout.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  const code = await main(process.argv.slice(2), { signals: process });
  // Exit once everything written has been flushed (pipes are asynchronous), without waiting for idle sockets.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
