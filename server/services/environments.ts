import 'server-only';
import { and, asc, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { EnvironmentLookup } from '@/lib/aml/environment';
import { environmentFields } from '@/lib/jobs/environment-schema';
import type { DbOrTx } from '../db';
import { environments, users, workspaces } from '../db/schema';
import { AppError } from '../errors';

// Workspace environments: Azure ML's `azureml:<name>:<version>` / `azureml:<name>@latest` → a container
// image. Harbormaster runs prebuilt images only, so an environment is a name for an image; a conda file can
// be recorded to show what the image holds, but nothing is built from it. Curated environments
// (azureml:AzureML-…) resolve by rule in lib/aml/environment.ts and never come from this table.

export type EnvironmentRow = typeof environments.$inferSelect;

export const environmentInput = z.strictObject({ workspace: z.string(), ...environmentFields });

export interface EnvironmentDto {
  name: string;
  version: string;
  /** `azureml:<name>:<version>`, what a job file writes. */
  reference: string;
  image: string;
  condaFile: string | null;
  description: string;
  createdAt: string;
  createdBy: string | null;
}

export function environmentDto(r: EnvironmentRow, createdBy?: string | null): EnvironmentDto {
  return {
    name: r.name,
    version: r.version,
    reference: `azureml:${r.name}:${r.version}`,
    image: r.image,
    condaFile: r.condaFile,
    description: r.description,
    createdAt: r.createdAt.toISOString(),
    createdBy: createdBy ?? null,
  };
}

/** Natural order of versions: numeric parts compare as numbers ("10" after "9"), then text. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[._-]/);
  const pb = b.split(/[._-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    const c = !Number.isNaN(nx) && !Number.isNaN(ny) ? nx - ny : x.localeCompare(y);
    if (c !== 0) return c;
  }
  return 0;
}

async function workspaceId(db: DbOrTx, workspace: string): Promise<string> {
  const [w] = await db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.name, workspace)).limit(1);
  if (!w) throw new AppError('not_found', `workspace ${workspace} not found`);
  return w.id;
}

/** Environments of a workspace, by name then newest version first. */
export async function listEnvironments(db: DbOrTx, workspace: string): Promise<EnvironmentDto[]> {
  const wid = await workspaceId(db, workspace);
  const rows = await db
    .select({ e: environments, email: users.email })
    .from(environments)
    .leftJoin(users, eq(users.id, environments.createdBy))
    .where(eq(environments.workspaceId, wid))
    .orderBy(asc(environments.name), desc(environments.createdAt));
  return rows
    .map((r) => environmentDto(r.e, r.email))
    .sort((a, b) => a.name.localeCompare(b.name) || compareVersions(b.version, a.version));
}

export async function findEnvironment(db: DbOrTx, workspace: string, name: string, version: string): Promise<EnvironmentRow | undefined> {
  const wid = await workspaceId(db, workspace);
  const [row] = await db
    .select()
    .from(environments)
    .where(and(eq(environments.workspaceId, wid), eq(environments.name, name), eq(environments.version, version)))
    .limit(1);
  return row;
}

/**
 * The synchronous lookup the job parser needs, over environments loaded beforehand. `@latest` (or no
 * version) is the highest version; other labels are not kept by Harbormaster and resolve to nothing.
 */
export function environmentLookup(list: readonly Pick<EnvironmentDto, 'name' | 'version' | 'image'>[]): EnvironmentLookup {
  return (ref) => {
    if (ref.kind !== 'workspace') return undefined;
    const same = list.filter((e) => e.name === ref.name);
    if (ref.version !== undefined) {
      const hit = same.find((e) => e.version === ref.version);
      return hit ? { image: hit.image } : undefined;
    }
    if (ref.label !== undefined && ref.label !== 'latest') return undefined;
    const latest = [...same].sort((a, b) => compareVersions(b.version, a.version))[0];
    return latest ? { image: latest.image } : undefined;
  };
}

export async function createEnvironment(db: DbOrTx, input: z.output<typeof environmentInput>, createdBy: string): Promise<EnvironmentRow> {
  const wid = await workspaceId(db, input.workspace);
  if (await findEnvironment(db, input.workspace, input.name, input.version)) {
    throw new AppError('conflict', `environment ${input.name}:${input.version} already exists in ${input.workspace}; versions are immutable, register a new one`, {
      fieldErrors: [{ path: 'version', message: 'already exists' }],
    });
  }
  const [row] = await db
    .insert(environments)
    .values({ workspaceId: wid, name: input.name, version: input.version, image: input.image, condaFile: input.condaFile ?? null, description: input.description ?? '', createdBy })
    .returning();
  return row;
}

export async function deleteEnvironment(db: DbOrTx, workspace: string, name: string, version: string): Promise<EnvironmentRow> {
  const row = await findEnvironment(db, workspace, name, version);
  if (!row) throw new AppError('not_found', `environment ${name}:${version} not found in ${workspace}`);
  await db.delete(environments).where(eq(environments.id, row.id));
  return row;
}
