import 'server-only';
import { z } from 'zod';
import { clusterName } from '@/lib/clusters/schemas';
import { validateDns1123Subdomain } from '@/lib/k8s-names';
import { DEFAULT_INSTANCE_TYPE_NAME } from '@/lib/instance-types/schema';
import { AppError } from '../errors';
import { getClusterRow } from '../services/clusters';
import { listComputeTargetsOnCluster } from '../services/compute-targets';
import { applyInstanceTypes, deleteInstanceType, parseInstanceTypeSource } from '../services/instance-types';
import { defineAction } from './registry';

// Instance types of a cluster (ops admins): create or update by form, by InstanceType / InstanceTypeList document
// (JSON or YAML) or by YAML text; edit one; delete one. Every change is validated by our rules and the API
// server's (server-side dry run) before anything is applied, and audited with before and after.

const instanceTypeNameField = z.string().superRefine((v, ctx) => {
  const p = validateDns1123Subdomain(v);
  if (p) ctx.addIssue({ code: 'custom', message: `instance type name ${p}` });
});

const source = {
  /** An InstanceType or InstanceTypeList object (a JSON body, or a YAML body already decoded). */
  document: z.unknown().optional(),
  /** YAML text with one or more documents (the console's YAML editor). */
  yaml: z.string().max(512 * 1024, 'at most 512 KiB of YAML').optional(),
  /** The console's form: name, nodeSelector rows, cpu/memory requests and limits, gpu. */
  form: z.unknown().optional(),
};

/** What prepare() read and checked on the cluster for an apply or an update. */
type Planned = { items: ReturnType<typeof parseInstanceTypeSource> } & Awaited<ReturnType<typeof applyInstanceTypes>>;

const FORM_EXAMPLE = { name: 'cpu-small', cpuRequest: '500m', cpuLimit: '1', memoryRequest: '1Gi', memoryLimit: '2Gi', gpu: '' };

defineAction({
  name: 'instancetypes.apply',
  clusterEffects: true,
  permission: 'instancetypes.manage',
  description: 'Create or update instance types on a cluster (form, InstanceType or InstanceTypeList); a list is applied whole or not at all',
  input: z.strictObject({ cluster: clusterName, ...source }),
  example: { cluster: 'rbac-example', form: FORM_EXAMPLE },
  // Instance types live on the cluster: reading them and the API server's dry run happen before the transaction (DESIGN §3).
  async prepare({ db, dryRun }, input) {
    const items = parseInstanceTypeSource(input);
    return { items, ...(await applyInstanceTypes(db, await getClusterRow(db, input.cluster), items, { dryRun })) };
  },
  async run({ tx, effects, prepared }, input) {
    const { items, applied, steps, settle } = prepared as Planned;
    const row = await getClusterRow(tx, input.cluster);
    effects.kube(row, { type: 'instancetype', id: `${row.name}/${items.map((i) => i.name).join(',')}`.slice(0, 200) }, steps);
    effects.afterApplied(settle);
    return {
      result: { cluster: row.name, items: applied.map(({ before: _b, ...rest }) => rest), warnings: applied.flatMap((a) => a.warnings.map((w) => ({ instanceType: a.name, ...w }))) },
      audit: {
        targetType: 'instancetype',
        targetName: `${row.name}/${items.map((i) => i.name).join(',')}`.slice(0, 200),
        before: applied.map((a) => a.before).filter(Boolean),
        after: applied.map((a) => a.after),
      },
    };
  },
});

defineAction({
  name: 'instancetypes.update',
  clusterEffects: true,
  permission: 'instancetypes.manage',
  description: 'Replace one instance type of a cluster (its name stays; defaultinstancetype may be overridden)',
  input: z.strictObject({ cluster: clusterName, name: instanceTypeNameField, ...source }),
  example: { cluster: 'rbac-example', name: 'cpu-small', form: FORM_EXAMPLE },
  async prepare({ db, dryRun }, input) {
    const items = parseInstanceTypeSource(input);
    if (items.length !== 1 || items[0].name !== input.name) {
      const got = items.map((i) => i.name).join(', ');
      throw new AppError('bad_request', `edit one instance type at a time, named ${input.name} as in the URL (got ${got}); create others with POST`, {
        fieldErrors: [{ path: input.form !== undefined ? 'name' : 'metadata.name', message: `must be "${input.name}" (renaming is not possible: create a new one and delete this one)` }],
      });
    }
    return { items, ...(await applyInstanceTypes(db, await getClusterRow(db, input.cluster), items, { dryRun, mustExist: input.name })) };
  },
  async run({ tx, effects, prepared }, input) {
    const r = prepared as Planned;
    const row = await getClusterRow(tx, input.cluster);
    const [applied] = r.applied;
    effects.kube(row, { type: 'instancetype', id: `${row.name}/${input.name}` }, r.steps);
    effects.afterApplied(r.settle);
    const { before, ...rest } = applied;
    return { result: { cluster: row.name, ...rest }, audit: { targetType: 'instancetype', targetName: `${row.name}/${input.name}`, before, after: applied.after } };
  },
});

defineAction({
  name: 'instancetypes.delete',
  clusterEffects: true,
  permission: 'instancetypes.manage',
  description: 'Delete an instance type of a cluster (refused while a compute target uses it)',
  input: z.strictObject({ cluster: clusterName, name: instanceTypeNameField }),
  example: { cluster: 'rbac-example', name: 'cpu-small' },
  // The instance type and the API server's dry run of its delete are read before the transaction (DESIGN §3).
  prepare: async ({ db, dryRun }, input) => deleteInstanceType(await getClusterRow(db, input.cluster), input.name, { dryRun }),
  async run({ tx, effects, prepared }, input) {
    const row = await getClusterRow(tx, input.cluster);
    // Deleting an override of defaultinstancetype only brings the implicit default back: nobody loses it.
    const users = input.name === DEFAULT_INSTANCE_TYPE_NAME ? [] : (await listComputeTargetsOnCluster(tx, row.id)).filter(
      (t) => t.row.defaultInstanceType === input.name || (t.row.allowedInstanceTypes ?? []).includes(input.name),
    );
    if (users.length) {
      throw new AppError('conflict', `instance type ${input.name} is used by compute target${users.length > 1 ? 's' : ''} ${users.map((u) => `${u.workspace}/${u.row.name}${u.row.defaultInstanceType === input.name ? ' (its default)' : ''}`).join(', ')}: edit ${users.length > 1 ? 'them' : 'it'} first`);
    }
    const r = prepared as Awaited<ReturnType<typeof deleteInstanceType>>;
    effects.kube(row, { type: 'instancetype', id: `${row.name}/${input.name}` }, r.steps);
    effects.afterApplied(r.settle);
    return {
      result: {
        cluster: row.name,
        deleted: input.name,
        message: r.revertsToImplicit ? `Deleted the override of ${input.name}: the implicit default (100m CPU / 2Gi requests, 2 CPU / 2Gi limits) applies again.` : `Deleted instance type ${input.name} from ${row.name}.`,
      },
      audit: { targetType: 'instancetype', targetName: `${row.name}/${input.name}`, before: r.before },
    };
  },
});
