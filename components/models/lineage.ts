// A model version's lineage as a graph (pure: the version page draws it with @xyflow/react and lists the same
// links as a table): where it came from — the job that wrote it, or the place its files were registered from —
// → the version → the deployments that serve it (none yet: "not deployed yet"). Every node that has a page
// links to it; a job whose record is gone says so and links nowhere.
import type { Edge, Node } from '@xyflow/react';
import type { ModelVersionDto } from '@/server/services/models';
import { describeLocation } from './model-location';

export type LineageNodeKind = 'job' | 'source' | 'model' | 'deployment' | 'no-deployments';

export interface LineageNodeData extends Record<string, unknown> {
  kind: LineageNodeKind;
  /** What the node is called in the graph ("train-resnet-x7k2p", "resnet:3"). */
  title: string;
  /** A second line ("e2e-gpu on e2e-k8s", "custom_model"). */
  subtitle?: string;
  /** Its page, when it has one. */
  href?: string;
  /** A job's status word (Azure ML's). */
  status?: string;
  /** A job whose record was deleted. */
  gone?: boolean;
  archived?: boolean;
}

export type LineageNode = Node<LineageNodeData, 'lineage'>;

export interface LineageGraph {
  nodes: LineageNode[];
  edges: Edge[];
}

export const NODE_WIDTH = 224;
export const NODE_HEIGHT = 88;
const COLUMN = NODE_WIDTH + 88;
const ROW = NODE_HEIGHT + 24;

const enc = encodeURIComponent;

export function lineageGraph(v: ModelVersionDto, workspace: string): LineageGraph {
  const ws = `/w/${enc(workspace)}`;
  const deployments = v.lineage.deployments;
  const rows = Math.max(1, deployments.length);
  // The first two columns sit level with the middle of the deployments column.
  const middle = ((rows - 1) * ROW) / 2;
  const node = (id: string, column: number, y: number, data: LineageNodeData): LineageNode => ({
    id,
    type: 'lineage',
    position: { x: column * COLUMN, y },
    data,
    draggable: false,
    connectable: false,
    width: NODE_WIDTH,
    height: NODE_HEIGHT,
  });

  const nodes: LineageNode[] = [];
  const edges: Edge[] = [];
  const job = v.lineage.job;
  if (job) {
    nodes.push(
      node('job', 0, middle, {
        kind: 'job',
        title: job.name,
        subtitle: `${job.computeTarget} on ${job.cluster}`,
        status: job.status,
        gone: !job.exists,
        href: job.exists ? `${ws}/jobs/${enc(job.name)}` : undefined,
      }),
    );
    edges.push({ id: 'job->model', source: 'job', target: 'model', label: `output ${job.output}` });
  } else {
    const where = describeLocation(v.location);
    nodes.push(node('source', 0, middle, { kind: 'source', title: where.kind, subtitle: where.uri ?? where.sentence }));
    edges.push({ id: 'source->model', source: 'source', target: 'model' });
  }
  nodes.push(
    node('model', 1, middle, {
      kind: 'model',
      title: `${v.name}:${v.version}`,
      subtitle: v.type,
      href: `${ws}/models/${enc(v.name)}/versions/${enc(v.version)}`,
      archived: v.archived,
    }),
  );
  if (deployments.length === 0) {
    nodes.push(node('no-deployments', 2, 0, { kind: 'no-deployments', title: 'Not deployed yet', subtitle: 'Endpoints serving it appear here' }));
    edges.push({ id: 'model->none', source: 'model', target: 'no-deployments', animated: false, style: { strokeDasharray: '4 4' } });
  }
  deployments.forEach((d, i) => {
    const id = `deployment:${d.endpoint}/${d.deployment}`;
    nodes.push(node(id, 2, i * ROW, { kind: 'deployment', title: `${d.endpoint} / ${d.deployment}`, subtitle: `on ${d.cluster}`, href: `${ws}/endpoints/${enc(d.endpoint)}` }));
    edges.push({ id: `model->${id}`, source: 'model', target: id, label: `${d.traffic}% of traffic` });
  });
  return { nodes, edges };
}

/** The same graph as rows for the table alternative (UI.md: every graph has one): from — how — to. */
export function lineageRows(g: LineageGraph): Array<{ id: string; from: LineageNodeData; how: string; to: LineageNodeData }> {
  const byId = new Map(g.nodes.map((n) => [n.id, n.data]));
  return g.edges.map((e) => ({
    id: e.id,
    from: byId.get(e.source)!,
    how: typeof e.label === 'string' ? e.label : e.target === 'no-deployments' ? 'served by' : e.source === 'source' ? 'registered from' : '',
    to: byId.get(e.target)!,
  }));
}
