import 'server-only';
import type { DbOrTx } from '../db';
import { listClusterRows, type ClusterRow } from './clusters';
import { listClusterInstanceTypes } from './instance-types';

// Small helpers the console pages share: the clusters and instance type names the attach dialog offers.

/** Each cluster with the names of its instance types (for the attach / edit dialog). */
export async function clusterChoices(db: DbOrTx, rows?: ClusterRow[]): Promise<Array<{ name: string; instanceTypes: string[] }>> {
  const list = rows ?? (await listClusterRows(db));
  return Promise.all(
    list.map(async (row) => {
      const its = await listClusterInstanceTypes(db, row, { waitMs: 2000 }).catch(() => ({ items: [{ name: 'defaultinstancetype' }] }));
      return { name: row.name, instanceTypes: its.items.map((i) => i.name) };
    }),
  );
}

/** Instance types of every cluster, flattened with the cluster's name; unreachable clusters in errors. */
export async function allInstanceTypes(db: DbOrTx) {
  const rows = await listClusterRows(db);
  const lists = await Promise.all(rows.map((row) => listClusterInstanceTypes(db, row, { waitMs: 2000 })));
  return {
    clusters: rows.map((r) => r.name),
    items: lists.flatMap((l) => l.items.map((i) => ({ ...i, cluster: l.cluster }))),
    errors: lists.flatMap((l) => l.errors),
    withoutCrd: lists.filter((l) => l.live && !l.crdInstalled).map((l) => l.cluster),
  };
}
