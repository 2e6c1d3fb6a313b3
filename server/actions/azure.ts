import 'server-only';
import { z } from 'zod';
import { azureConnectionName, createAzureConnectionInput, linkAzureWorkspaceInput, unlinkAzureWorkspaceInput, updateAzureConnectionInput } from '@/lib/azure/schemas';
import { AppError } from '../errors';
import { workspaceByName } from '../services/workspaces';
import { armAudience } from '../azure/clients';
import { connectionDto, deleteConnection, getConnection, insertConnection, linkDto, updateConnection, upsertLink, deleteLink, workspaceLink } from '../azure/connections';
import { getMlWorkspace, listSubscriptions, openAzure, type MlWorkspaceDto, type SubscriptionDto } from '../azure/discovery';
import { defineAction } from './registry';

// Azure connections (ops admins) and the link of a workspace to an Azure ML workspace. ARM is called only in
// `prepare`, before the transaction (DESIGN §3); run() re-reads what it changes inside the transaction.

const secretNote = (kind: string) =>
  kind === 'client_secret' ? 'client secret stored encrypted' : kind === 'client_certificate' ? 'certificate and private key stored encrypted' : undefined;

defineAction({
  name: 'azureConnections.create',
  permission: 'azure.manage',
  description: 'Create an Azure connection (signed-in user, service principal by secret or certificate, or managed identity); secrets are stored encrypted and never returned',
  input: createAzureConnectionInput,
  example: { name: 'rbac-example', kind: 'managed_identity', tenantId: '72f988bf-0000-4000-8000-00000000c0de' },
  async run({ tx, user }, input) {
    const row = await insertConnection(tx, input, user.id);
    const dto = connectionDto(row);
    return { result: dto, audit: { targetType: 'azure.connection', targetName: row.name, after: dto, message: secretNote(row.kind) } };
  },
});

defineAction({
  name: 'azureConnections.update',
  permission: 'azure.manage',
  description: 'Change an Azure connection (tenant, client id, secret or certificate, authority, ARM endpoint, CA); the kind stays',
  input: updateAzureConnectionInput,
  example: { name: 'rbac-example', tenantId: '72f988bf-0000-4000-8000-00000000c0de' },
  async run({ tx }, input) {
    const row = await getConnection(tx, input.name);
    const u = await updateConnection(tx, row, input);
    const replaced = input.clientSecret !== undefined || input.certificate !== undefined;
    return {
      result: connectionDto(u),
      audit: { targetType: 'azure.connection', targetName: row.name, before: connectionDto(row), after: connectionDto(u), message: replaced ? `${secretNote(row.kind)} (replaced)` : undefined },
    };
  },
});

defineAction({
  name: 'azureConnections.delete',
  permission: 'azure.manage',
  description: 'Delete an Azure connection (refused while workspaces are linked or clusters get credentials through it)',
  input: z.strictObject({ name: azureConnectionName }),
  example: { name: 'rbac-example' },
  async run({ tx }, input) {
    const row = await getConnection(tx, input.name);
    await deleteConnection(tx, row);
    return { result: { deleted: row.name }, audit: { targetType: 'azure.connection', targetName: row.name, before: connectionDto(row) } };
  },
});

interface TestStep {
  step: 'token' | 'subscriptions';
  ok: boolean;
  detail: string;
}

defineAction({
  name: 'azureConnections.test',
  permission: 'azure.manage',
  description: 'Test an Azure connection: get a token for Azure Resource Manager and list the subscriptions it can see; answers what worked',
  input: z.strictObject({ name: azureConnectionName }),
  example: { name: 'rbac-example' },
  async prepare({ db, sessionIdHash }, input) {
    const az = await openAzure(db, input.name, sessionIdHash);
    const audience = armAudience(az.connection.armEndpoint);
    const steps: TestStep[] = [];
    let subscriptions: SubscriptionDto[] = [];
    try {
      const t = await az.credential.getToken(`${audience}/.default`);
      steps.push({ step: 'token', ok: true, detail: `${az.identity} got a token for ${audience}${t ? ` (valid until ${new Date(t.expiresOnTimestamp).toISOString()})` : ''}` });
      subscriptions = await listSubscriptions(az);
      steps.push({ step: 'subscriptions', ok: true, detail: `${az.connection.armEndpoint} listed ${subscriptions.length} subscription(s)${subscriptions.length ? '' : ': assign this identity a role (e.g. Reader) on a subscription'}` });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      steps.push({ step: steps.length ? 'subscriptions' : 'token', ok: false, detail: e.message });
    }
    return { connection: az.connection.name, identity: az.identity, armEndpoint: az.connection.armEndpoint, ok: steps.length === 2 && steps.every((s) => s.ok), steps, subscriptions };
  },
  async run({ prepared }, input) {
    const r = prepared as { ok: boolean; steps: TestStep[] };
    return {
      result: prepared,
      audit: { targetType: 'azure.connection', targetName: input.name, message: r.steps.map((s) => `${s.step}: ${s.ok ? 'ok' : 'failed'}`).join(', ') },
    };
  },
});

defineAction({
  name: 'workspaces.linkAzure',
  permission: 'azure.manage',
  description: 'Link a workspace to an Azure ML workspace (subscription, resource group, name) through an Azure connection; checked through ARM first',
  input: linkAzureWorkspaceInput,
  example: { workspace: 'vision', connection: 'rbac-example', subscriptionId: '00000000-0000-4000-8000-000000000001', resourceGroup: 'rg-ml', workspaceName: 'ws-vision' },
  async prepare({ db, sessionIdHash }, input) {
    await workspaceByName(db, input.workspace);
    const az = await openAzure(db, input.connection, sessionIdHash);
    return getMlWorkspace(az, input.subscriptionId, input.resourceGroup, input.workspaceName);
  },
  async run({ tx, user, prepared }, input) {
    const ws = await workspaceByName(tx, input.workspace);
    const conn = await getConnection(tx, input.connection);
    const found = prepared as MlWorkspaceDto;
    const before = await workspaceLink(tx, ws.id);
    await upsertLink(tx, {
      workspaceId: ws.id,
      connectionId: conn.id,
      subscriptionId: input.subscriptionId,
      // ARM's spelling of the names (the id it returned), not the caller's casing.
      resourceGroup: found.resourceGroup || input.resourceGroup,
      workspaceName: found.name || input.workspaceName,
      location: found.location,
      armId: found.id,
      linkedBy: user.email,
    });
    const after = linkDto(ws.name, (await workspaceLink(tx, ws.id))!);
    return { result: after, audit: { targetType: 'workspace.azure', targetName: ws.name, workspace: ws.name, before: before ? linkDto(ws.name, before) : undefined, after } };
  },
});

defineAction({
  name: 'workspaces.unlinkAzure',
  permission: 'azure.manage',
  description: 'Unlink a workspace from its Azure ML workspace (nothing changes in Azure)',
  input: unlinkAzureWorkspaceInput,
  example: { workspace: 'vision' },
  async run({ tx }, input) {
    const ws = await workspaceByName(tx, input.workspace);
    const before = await workspaceLink(tx, ws.id);
    if (!before) throw new AppError('not_found', `workspace ${ws.name} is not linked to an Azure ML workspace`);
    await deleteLink(tx, ws.id);
    return { result: { workspace: ws.name, unlinked: before.armId }, audit: { targetType: 'workspace.azure', targetName: ws.name, workspace: ws.name, before: linkDto(ws.name, before) } };
  },
});
