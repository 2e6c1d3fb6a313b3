import 'server-only';
// The InstanceType CustomResourceDefinition (instancetypes.amlarc.azureml.com), installed by Harbormaster's own
// ML extension on clusters that do not run Azure ML's. Same group, version, kind and fields as Azure ML, so
// InstanceTypes written for one work with the other. The schema makes the API server itself refuse what Azure
// ML refuses (missing cpu/memory request or limit, zero values, fractional GPUs, malformed quantities), so
// `kubectl apply` fails early too; the finer checks (requests ≤ limits, GPU request = limit) live in
// lib/instance-types/schema.ts. Patterns use only syntax common to Go's RE2 and JavaScript.
import type { V1CustomResourceDefinition, V1JSONSchemaProps } from '@kubernetes/client-node';
import { LABELS, MANAGED_BY } from '@/lib/domain';
import {
  INSTANCE_TYPE_GROUP,
  INSTANCE_TYPE_KIND,
  INSTANCE_TYPE_LIST_KIND,
  INSTANCE_TYPE_PLURAL,
  INSTANCE_TYPE_SINGULAR,
  INSTANCE_TYPE_VERSION,
} from '@/lib/instance-types/schema';

/**
 * An OpenAPI v3 schema node as the API server reads it (wire names such as `x-kubernetes-int-or-string`).
 * @kubernetes/client-node's V1JSONSchemaProps model spells that key `x_kubernetes_int_or_string` and its
 * serializer drops keys it does not know, so the wire form and the client model are kept apart here.
 */
export interface SchemaNode {
  type?: 'object' | 'string' | 'integer' | 'number' | 'boolean' | 'array';
  description?: string;
  required?: string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode;
  pattern?: string;
  minimum?: number;
  'x-kubernetes-int-or-string'?: boolean;
}

export const INSTANCE_TYPE_CRD_NAME = `${INSTANCE_TYPE_PLURAL}.${INSTANCE_TYPE_GROUP}`;
/**
 * `kubectl get it`. Azure ML's CRD short name, if any, is not documented; a short name does not change how
 * resources are stored or addressed, so InstanceTypes stay interchangeable.
 */
export const INSTANCE_TYPE_SHORT_NAMES = ['it'];

/**
 * A Kubernetes quantity greater than zero: digits with an optional fraction, at least one non-zero digit,
 * then an optional suffix (binary Ki…Ei, decimal n u m k M G T P E) or exponent. Refuses "0", "0m",
 * "-1", "2 GB", "2GB", "1gi".
 */
export const POSITIVE_QUANTITY_PATTERN =
  '^[+]?([0-9]*[1-9][0-9]*([.][0-9]*)?|[0-9]*[.][0-9]*[1-9][0-9]*)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$';
/** A whole number of GPUs written as a string: "0", "1", "8". Refuses "0.5", "500m", "-1", "1k". */
export const GPU_COUNT_PATTERN = '^[0-9]+$';

const quantity = (description: string): SchemaNode => ({
  description,
  'x-kubernetes-int-or-string': true,
  // Strings must be positive quantities; integers must be at least 1 (a zero CPU or memory is refused).
  pattern: POSITIVE_QUANTITY_PATTERN,
  minimum: 1,
});

const gpu: SchemaNode = {
  description: 'Whole number of NVIDIA GPUs (integer or string of digits). Fractional GPUs are not supported.',
  'x-kubernetes-int-or-string': true,
  pattern: GPU_COUNT_PATTERN,
  minimum: 0,
};

const resourceList = (side: 'requests' | 'limits'): SchemaNode => ({
  type: 'object',
  description:
    side === 'requests'
      ? 'Resources each pod requests. cpu and memory are required; nvidia.com/gpu, if set, must equal the limit.'
      : 'Resource limits of each pod. cpu and memory are required; GPUs are set here (nvidia.com/gpu).',
  required: ['cpu', 'memory'],
  properties: {
    cpu: quantity(`CPU ${side === 'requests' ? 'request' : 'limit'}, e.g. "700m" or "2". Must be greater than zero.`),
    memory: quantity(`Memory ${side === 'requests' ? 'request' : 'limit'}, e.g. "1500Mi" or "4Gi". Must be greater than zero.`),
    'nvidia.com/gpu': gpu,
  },
});

export const INSTANCE_TYPE_OPENAPI_SCHEMA: SchemaNode = {
  type: 'object',
  description:
    'InstanceType: a named size for ML workloads (Azure ML Kubernetes compute): which nodes (nodeSelector) and how much CPU, memory and GPU each pod gets.',
  required: ['spec'],
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['resources'],
      properties: {
        nodeSelector: {
          type: 'object',
          description: 'Node labels the pods must match, ANDed with the ML extension nodeSelector.',
          additionalProperties: { type: 'string' },
        },
        resources: {
          type: 'object',
          required: ['requests', 'limits'],
          properties: { requests: resourceList('requests'), limits: resourceList('limits') },
        },
      },
    },
  },
};

/** A printer column, wire form. */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  priority?: number;
}

/** The CRD as the API server reads it (apply as JSON/YAML, or through a raw HTTP call). */
export interface InstanceTypeCrdManifest {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    group: string;
    scope: 'Cluster';
    names: { kind: string; listKind: string; plural: string; singular: string; shortNames: string[] };
    versions: Array<{
      name: string;
      served: boolean;
      storage: boolean;
      schema: { openAPIV3Schema: SchemaNode };
      additionalPrinterColumns: PrinterColumn[];
    }>;
  };
}

export const INSTANCE_TYPE_PRINTER_COLUMNS: PrinterColumn[] = [
  { name: 'CPU', type: 'string', description: 'CPU limit', jsonPath: '.spec.resources.limits.cpu' },
  { name: 'Memory', type: 'string', description: 'Memory limit', jsonPath: '.spec.resources.limits.memory' },
  // kubectl's JSONPath escapes the dot inside the resource name.
  { name: 'GPU', type: 'string', description: 'GPU limit (nvidia.com/gpu)', jsonPath: '.spec.resources.limits.nvidia\\.com/gpu' },
  { name: 'CPU-Request', type: 'string', description: 'CPU request', jsonPath: '.spec.resources.requests.cpu', priority: 1 },
  { name: 'Memory-Request', type: 'string', description: 'Memory request', jsonPath: '.spec.resources.requests.memory', priority: 1 },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];

/** The CRD in wire form: what `kubectl apply` or a server-side apply request body carries. */
export function instanceTypeCrd(): InstanceTypeCrdManifest {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: INSTANCE_TYPE_CRD_NAME,
      labels: { [LABELS.managedBy]: MANAGED_BY },
    },
    spec: {
      group: INSTANCE_TYPE_GROUP,
      scope: 'Cluster',
      names: {
        kind: INSTANCE_TYPE_KIND,
        listKind: INSTANCE_TYPE_LIST_KIND,
        plural: INSTANCE_TYPE_PLURAL,
        singular: INSTANCE_TYPE_SINGULAR,
        shortNames: [...INSTANCE_TYPE_SHORT_NAMES],
      },
      versions: [
        {
          name: INSTANCE_TYPE_VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: structuredClone(INSTANCE_TYPE_OPENAPI_SCHEMA) },
          additionalPrinterColumns: INSTANCE_TYPE_PRINTER_COLUMNS.map((c) => ({ ...c })),
        },
      ],
    },
  };
}

function toModelSchema(node: SchemaNode): V1JSONSchemaProps {
  const { 'x-kubernetes-int-or-string': intOrString, properties, additionalProperties, ...rest } = node;
  const out: V1JSONSchemaProps = { ...rest };
  if (intOrString !== undefined) out.x_kubernetes_int_or_string = intOrString;
  if (properties) out.properties = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, toModelSchema(v)]));
  // additionalProperties is typed `any` in the model and sent as is, so it keeps wire names.
  if (additionalProperties) out.additionalProperties = additionalProperties;
  return out;
}

/**
 * The CRD as a @kubernetes/client-node model, for ApiextensionsV1Api / KubernetesObjectApi, whose serializer
 * turns it back into exactly `instanceTypeCrd()`.
 */
export function instanceTypeCrdModel(): V1CustomResourceDefinition {
  const wire = instanceTypeCrd();
  return {
    ...wire,
    spec: {
      ...wire.spec,
      versions: wire.spec.versions.map((v) => ({ ...v, schema: { openAPIV3Schema: toModelSchema(v.schema.openAPIV3Schema) } })),
    },
  };
}
