import 'server-only';
import { X509Certificate, createPrivateKey, createPublicKey, randomUUID } from 'node:crypto';
import tls from 'node:tls';
import { asc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import { AZURE_KIND_LABELS, type createAzureConnectionInput, type updateAzureConnectionInput } from '@/lib/azure/schemas';
import type { DbOrTx } from '../db';
import { azureConnections, clusters, workspaceAzureLinks, workspaces } from '../db/schema';
import { AppError } from '../errors';
import { encryptSecret } from '../secrets';

// Azure connections: rows, their secrets (encrypted, bound to the connection id, never in a DTO, an audit record
// or a log line), and the workspace ↔ Azure ML workspace links that use them.

export type AzureConnectionRow = typeof azureConnections.$inferSelect;
export type WorkspaceAzureLinkRow = typeof workspaceAzureLinks.$inferSelect;

export const MICROSOFT_AUTHORITY = 'https://login.microsoftonline.com';
export const DEFAULT_ARM_ENDPOINT = 'https://management.azure.com';

/** AES-GCM associated data of a connection's secret: a ciphertext moved to another row does not decrypt. */
export const connectionSecretPurpose = (id: string) => `azure-connection:${id}:secret`;

/** The authority a service principal signs in at (Microsoft's unless the connection names another). */
export const authorityHostOf = (c: AzureConnectionRow) => c.authorityHost ?? MICROSOFT_AUTHORITY;

/** Microsoft's clouds (instance discovery works there); any other authority host is used as it is. */
export function isMicrosoftAuthority(host: string): boolean {
  return /(^|\.)(login\.microsoftonline\.(com|us)|login\.chinacloudapi\.cn|login\.partner\.microsoftonline\.cn)$/i.test(new URL(host).hostname);
}

/** The CAs to trust for this connection's HTTPS: the system's plus its private CA (undefined: the defaults). */
export function connectionCa(c: Pick<AzureConnectionRow, 'caPem'>): string | undefined {
  return c.caPem ? [...tls.rootCertificates, c.caPem].join('\n') : undefined;
}

/** Who a connection acts as, in words (for error sentences; no secret). */
export function identityLabel(c: AzureConnectionRow): string {
  switch (c.kind) {
    case 'user':
      return 'the signed-in user (their Microsoft sign-in)';
    case 'client_secret':
      return `service principal ${c.clientId} (client secret) in tenant ${c.tenantId}`;
    case 'client_certificate':
      return `service principal ${c.clientId} (certificate) in tenant ${c.tenantId}`;
    case 'managed_identity':
      return c.clientId ? `user-assigned managed identity ${c.clientId}` : 'the system-assigned managed identity';
  }
}

export async function findConnection(db: DbOrTx, name: string): Promise<AzureConnectionRow | undefined> {
  const [row] = await db.select().from(azureConnections).where(eq(azureConnections.name, name)).limit(1);
  return row;
}

export async function getConnection(db: DbOrTx, name: string): Promise<AzureConnectionRow> {
  const row = await findConnection(db, name);
  if (!row) throw new AppError('not_found', `Azure connection ${name} not found`);
  return row;
}

export async function listConnections(db: DbOrTx): Promise<AzureConnectionRow[]> {
  return db.select().from(azureConnections).orderBy(asc(azureConnections.name));
}

/** What people and the browser see of a connection: never the secret, only whether there is one. */
export function connectionDto(c: AzureConnectionRow) {
  return {
    name: c.name,
    kind: c.kind,
    kindLabel: AZURE_KIND_LABELS[c.kind],
    tenantId: c.tenantId,
    clientId: c.clientId,
    hasSecret: !!c.secretEnc,
    authorityHost: authorityHostOf(c),
    armEndpoint: c.armEndpoint,
    privateCa: !!c.caPem,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}
export type AzureConnectionDto = ReturnType<typeof connectionDto>;

/** A certificate credential's PEM: a private key and the certificate whose public key it is. */
function checkCertificate(pem: string) {
  const fail = (m: string) => new AppError('bad_request', `certificate: ${m}`, { fieldErrors: [{ path: 'certificate', message: m }] });
  let key;
  let cert;
  try {
    key = createPrivateKey(/-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(pem)![0]);
  } catch {
    throw fail('the private key cannot be read (PEM, unencrypted)');
  }
  try {
    cert = new X509Certificate(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)![0]);
  } catch {
    throw fail('the certificate cannot be read');
  }
  const pub = (k: ReturnType<typeof createPublicKey>) => k.export({ format: 'jwk' });
  if (JSON.stringify(pub(createPublicKey(key))) !== JSON.stringify(pub(cert.publicKey))) throw fail('the private key does not belong to the certificate');
  if (new Date(cert.validTo).getTime() < Date.now()) throw fail(`the certificate expired on ${new Date(cert.validTo).toISOString()}`);
}

type CreateInput = z.output<typeof createAzureConnectionInput>;
type UpdateInput = z.output<typeof updateAzureConnectionInput>;

export async function insertConnection(tx: DbOrTx, input: CreateInput, createdBy: string | null): Promise<AzureConnectionRow> {
  if (await findConnection(tx, input.name)) throw new AppError('conflict', `Azure connection ${input.name} already exists`, { fieldErrors: [{ path: 'name', message: 'already exists' }] });
  if (input.certificate) checkCertificate(input.certificate);
  const id = randomUUID();
  const secret = input.clientSecret ?? input.certificate;
  const [row] = await tx
    .insert(azureConnections)
    .values({
      id,
      name: input.name,
      kind: input.kind,
      tenantId: input.tenantId,
      clientId: input.clientId ?? null,
      authorityHost: input.authorityHost ?? null,
      armEndpoint: input.armEndpoint ?? DEFAULT_ARM_ENDPOINT,
      caPem: input.caPem ?? null,
      secretEnc: secret ? encryptSecret(secret, connectionSecretPurpose(id)) : null,
      createdBy,
    })
    .returning();
  return row;
}

export async function updateConnection(tx: DbOrTx, row: AzureConnectionRow, input: UpdateInput): Promise<AzureConnectionRow> {
  const field = (path: string, m: string) => new AppError('bad_request', `${path}: ${m}`, { fieldErrors: [{ path, message: m }] });
  if (input.clientSecret !== undefined && row.kind !== 'client_secret') throw field('clientSecret', `is not used by a ${row.kind} connection`);
  if (input.certificate !== undefined && row.kind !== 'client_certificate') throw field('certificate', `is not used by a ${row.kind} connection`);
  if (row.kind === 'user' && (input.clientId || input.authorityHost)) throw field(input.clientId ? 'clientId' : 'authorityHost', 'is not used by a user connection');
  if ((row.kind === 'client_secret' || row.kind === 'client_certificate') && input.clientId === null) throw field('clientId', 'is required for a service principal');
  if (input.certificate) checkCertificate(input.certificate);
  const secret = input.clientSecret ?? input.certificate;
  const [u] = await tx
    .update(azureConnections)
    .set({
      tenantId: input.tenantId ?? row.tenantId,
      clientId: input.clientId === undefined ? row.clientId : input.clientId,
      authorityHost: input.authorityHost === undefined ? row.authorityHost : input.authorityHost,
      armEndpoint: input.armEndpoint ?? row.armEndpoint,
      caPem: input.caPem === undefined ? row.caPem : input.caPem,
      ...(secret ? { secretEnc: encryptSecret(secret, connectionSecretPurpose(row.id)) } : {}),
      updatedAt: new Date(),
    })
    .where(eq(azureConnections.id, row.id))
    .returning();
  return u;
}

/** Who uses a connection: linked workspaces and clusters whose credentials come through it. */
export async function connectionUsers(db: DbOrTx, id: string): Promise<{ workspaces: string[]; clusters: string[] }> {
  const ws = await db.select({ name: workspaces.name }).from(workspaceAzureLinks).innerJoin(workspaces, eq(workspaces.id, workspaceAzureLinks.workspaceId)).where(eq(workspaceAzureLinks.connectionId, id)).orderBy(asc(workspaces.name));
  const cl = await db.select({ name: clusters.name }).from(clusters).where(eq(clusters.azureConnectionId, id)).orderBy(asc(clusters.name));
  return { workspaces: ws.map((w) => w.name), clusters: cl.map((c) => c.name) };
}

export async function deleteConnection(tx: DbOrTx, row: AzureConnectionRow) {
  const used = await connectionUsers(tx, row.id);
  if (used.workspaces.length || used.clusters.length) {
    const parts = [used.workspaces.length ? `workspace(s) ${used.workspaces.join(', ')} are linked through it` : '', used.clusters.length ? `cluster(s) ${used.clusters.join(', ')} get their credentials through it` : ''].filter(Boolean);
    throw new AppError('conflict', `Azure connection ${row.name} is in use: ${parts.join('; ')}. Unlink or remove them first.`);
  }
  await tx.delete(azureConnections).where(eq(azureConnections.id, row.id));
}

// --- Workspace links.

export async function workspaceLink(db: DbOrTx, workspaceId: string): Promise<(WorkspaceAzureLinkRow & { connectionName: string }) | undefined> {
  const [r] = await db
    .select({ link: workspaceAzureLinks, connectionName: azureConnections.name })
    .from(workspaceAzureLinks)
    .innerJoin(azureConnections, eq(azureConnections.id, workspaceAzureLinks.connectionId))
    .where(eq(workspaceAzureLinks.workspaceId, workspaceId))
    .limit(1);
  return r ? { ...r.link, connectionName: r.connectionName } : undefined;
}

export function linkDto(workspace: string, l: WorkspaceAzureLinkRow & { connectionName: string }) {
  return {
    workspace,
    connection: l.connectionName,
    subscriptionId: l.subscriptionId,
    resourceGroup: l.resourceGroup,
    workspaceName: l.workspaceName,
    location: l.location,
    armId: l.armId,
    linkedBy: l.linkedBy,
    linkedAt: l.linkedAt.toISOString(),
  };
}
export type WorkspaceAzureLinkDto = ReturnType<typeof linkDto>;

export async function upsertLink(tx: DbOrTx, v: Omit<WorkspaceAzureLinkRow, 'linkedAt'>): Promise<void> {
  await tx
    .insert(workspaceAzureLinks)
    .values({ ...v, linkedAt: new Date() })
    .onConflictDoUpdate({ target: workspaceAzureLinks.workspaceId, set: { ...v, linkedAt: new Date() } });
}

export async function deleteLink(tx: DbOrTx, workspaceId: string): Promise<void> {
  await tx.delete(workspaceAzureLinks).where(eq(workspaceAzureLinks.workspaceId, workspaceId));
}
