// "Clone" a job into the New job form: the document it was submitted with, as YAML (comments and layout
// kept when it was YAML), without its name (the clone gets a new one), its local code folder replaced by the
// snapshot the job ran with (as re-run does), and optionally another compute target or instance type (the
// "would start now instead" links of a pending job). Pure.
import { isMap, isScalar, parseDocument, type Document, type Scalar } from 'yaml';
import { toYaml } from './yaml-positions';
import { readYamlDocument } from '../yaml-limits';

export interface CloneSource {
  name: string;
  source: string;
  sourceFormat: 'yaml' | 'json';
  codeSha256: string | null;
}

export interface CloneOptions {
  compute?: string;
  instanceType?: string;
}

export interface ClonedDocument {
  yaml: string;
  /** What was changed from the source, in words, for the page to say. */
  changes: string[];
}

const isLocalCode = (v: unknown) => typeof v === 'string' && !/^(azureml:|git\+|https?:|wasbs?:|abfss?:|adl:|gs:|s3:)/i.test(v);

export function cloneDocument(job: CloneSource, opts: CloneOptions = {}): ClonedDocument {
  let doc: Document;
  try {
    doc = job.sourceFormat === 'yaml' ? readYamlDocument(job.source, 'job file', { uniqueKeys: false }) : parseDocument(toYaml(JSON.parse(job.source)));
  } catch {
    return { yaml: job.source, changes: [] };
  }
  if (doc.errors.length || !isMap(doc.contents)) return { yaml: job.source, changes: [] };
  const changes: string[] = [];
  if (doc.has('name')) {
    // A comment written above `name:` stays with what follows it.
    const items = doc.contents.items;
    const at = items.findIndex((p) => isScalar(p.key) && p.key.value === 'name');
    const comment = at >= 0 && isScalar(items[at].key) ? (items[at].key as Scalar).commentBefore : undefined;
    if (comment) {
      const next = items[at + 1]?.key;
      if (isScalar(next)) next.commentBefore = [comment, next.commentBefore].filter(Boolean).join('\n');
      else doc.commentBefore = [doc.commentBefore, comment].filter(Boolean).join('\n');
    }
    doc.delete('name');
    changes.push('its name is left out (the clone gets a new one)');
  }
  const sweep = String(doc.get('type') ?? '').toLowerCase() === 'sweep';
  const codePath = sweep ? ['trial', 'code'] : ['code'];
  const code = doc.getIn(codePath);
  if (job.codeSha256 && isLocalCode(code)) {
    doc.setIn(codePath, `azureml:code-${job.codeSha256}`);
    changes.push(`its code is the snapshot job ${job.name} ran with (instead of the local folder "${String(code)}")`);
  }
  if (opts.compute) {
    doc.set('compute', `azureml:${opts.compute}`);
    changes.push(`compute target ${opts.compute}`);
  }
  if (opts.instanceType) {
    const path = sweep && !doc.has('resources') ? ['trial', 'resources', 'instance_type'] : ['resources', 'instance_type'];
    doc.setIn(path, opts.instanceType);
    changes.push(`instance type ${opts.instanceType}`);
  }
  return { yaml: doc.toString({ lineWidth: 0 }), changes };
}
