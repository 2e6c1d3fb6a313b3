// Clusters from Azure and Azure ML's extension through ARM: one zod schema for the console's forms and the actions.
import { z } from 'zod';
import { CLUSTER_LOCATIONS, clusterName, installExtensionInput, tlsUploadInput, updateClusterInput } from '@/lib/clusters/schemas';
import { azureConnectionName } from './schemas';

/** An AKS managed cluster or an Azure Arc connected cluster, by ARM resource id. */
export const AZURE_CLUSTER_ID =
  /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/(microsoft\.containerservice\/managedclusters|microsoft\.kubernetes\/connectedclusters)\/[^/]+$/i;

export const azureClusterResourceId = z
  .string()
  .trim()
  .max(1000, 'at most 1000 characters')
  .regex(AZURE_CLUSTER_ID, 'must be the ARM id of an AKS cluster (…/providers/Microsoft.ContainerService/managedClusters/<name>) or an Arc cluster (…/providers/Microsoft.Kubernetes/connectedClusters/<name>)');

export const registerFromAzureInput = z.strictObject({
  /** The Azure connection the credentials are fetched (and later refreshed) through. */
  connection: azureConnectionName,
  resourceId: azureClusterResourceId,
  name: clusterName,
  location: z.enum(CLUSTER_LOCATIONS, { error: () => 'must be one of cloud, on-prem, edge' }),
  /** Default: the cluster's Azure region. */
  region: updateClusterInput.shape.region,
  displayName: updateClusterInput.shape.displayName,
  description: updateClusterInput.shape.description,
  /** Register even when the checks fail (the cluster answers later; the refusal says so). */
  allowUnreachable: z.boolean().optional(),
});
export type RegisterFromAzureInput = z.input<typeof registerFromAzureInput>;

export const refreshAzureCredentialsInput = z.strictObject({ name: clusterName });

/**
 * Azure ML's extension: the same settings as Harbormaster's own (Azure ML's names); the router's certificate and
 * key (tls) go to ARM as protected settings and are stored only encrypted. On update, tls replaces the stored pair;
 * without it the pair stays.
 */
export const azureExtensionInput = z.strictObject({
  name: clusterName,
  settings: installExtensionInput.shape.settings,
  tls: tlsUploadInput.optional(),
});
export type AzureExtensionInput = z.input<typeof azureExtensionInput>;

export const removeAzureExtensionInput = z.strictObject({ name: clusterName });
