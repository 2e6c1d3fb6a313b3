// Azure connections and workspace links: one zod schema for the (future) Ops form and the server actions.
import { z } from 'zod';
import { validateDns1123Label } from '@/lib/k8s-names';
import { workspaceName } from '@/lib/schemas/core';

export const AZURE_CONNECTION_KINDS = ['user', 'client_secret', 'client_certificate', 'managed_identity'] as const;
export type AzureConnectionKind = (typeof AZURE_CONNECTION_KINDS)[number];

export const AZURE_KIND_LABELS: Record<AzureConnectionKind, string> = {
  user: 'Signed-in user (Microsoft sign-in)',
  client_secret: 'Service principal (client secret)',
  client_certificate: 'Service principal (certificate)',
  managed_identity: 'Managed identity',
};

/** A connection's name: its URL key (a DNS-1123 label). */
export const azureConnectionName = z.string().superRefine((v, ctx) => {
  const p = validateDns1123Label(v);
  if (p) ctx.addIssue({ code: 'custom', message: `name ${p}` });
});

const guidOrDomain = (what: string) =>
  z
    .string()
    .trim()
    .min(1, 'is required')
    .max(253, 'at most 253 characters')
    .regex(/^[A-Za-z0-9.-]+$/, `must be a ${what} id (GUID) or domain`);

const httpsUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'https:' && !u.username && !u.password && !u.search && !u.hash;
    } catch {
      return false;
    }
  }, 'must be an https:// URL without credentials, query or fragment')
  .transform((v) => v.replace(/\/+$/, ''));

const pemCerts = z
  .string()
  .max(256 * 1024, 'at most 256 KiB')
  .refine((v) => /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(v), 'must be PEM certificate(s) (-----BEGIN CERTIFICATE-----)');

/** PEM with the private key and the certificate registered on the application (what `az ad sp create-for-rbac --create-cert` writes). */
const certificateWithKey = pemCerts.refine((v) => /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----/.test(v), 'must contain the private key (-----BEGIN PRIVATE KEY-----) and the certificate');

export const subscriptionId = z.string().trim().regex(/^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/, 'must be a subscription id (GUID)');
export const resourceGroupName = z.string().trim().min(1, 'is required').max(90, 'at most 90 characters').regex(/^[-\w.()]*[-\w()]$/, 'letters, digits, "-", "_", ".", "(", ")" (not ending with ".")');
export const mlWorkspaceName = z.string().trim().regex(/^[A-Za-z0-9][\w-]{2,32}$/, '3–33 characters: letters, digits, "-" and "_", starting with a letter or digit');

const fields = {
  tenantId: guidOrDomain('tenant'),
  clientId: z.string().trim().regex(/^[0-9a-fA-F-]{1,64}$|^[\w.-]{1,128}$/, 'must be an application (client) id'),
  clientSecret: z.string().min(1, 'is required').max(1024, 'at most 1024 characters'),
  certificate: certificateWithKey,
  authorityHost: httpsUrl,
  armEndpoint: httpsUrl,
  caPem: pemCerts,
};

export const createAzureConnectionInput = z
  .strictObject({
    name: azureConnectionName,
    kind: z.enum(AZURE_CONNECTION_KINDS, { error: () => `must be one of ${AZURE_CONNECTION_KINDS.join(', ')}` }),
    tenantId: fields.tenantId,
    clientId: fields.clientId.optional(),
    clientSecret: fields.clientSecret.optional(),
    certificate: fields.certificate.optional(),
    authorityHost: fields.authorityHost.optional(),
    armEndpoint: fields.armEndpoint.optional(),
    caPem: fields.caPem.optional(),
  })
  .superRefine((v, ctx) => {
    const need = (path: keyof typeof v, why: string) => v[path] === undefined && ctx.addIssue({ code: 'custom', path: [path], message: `is required for ${why}` });
    const refuse = (path: keyof typeof v, why: string) => v[path] !== undefined && ctx.addIssue({ code: 'custom', path: [path], message: `is not used by ${why}` });
    if (v.kind === 'client_secret') {
      need('clientId', 'a service principal');
      need('clientSecret', 'a client-secret connection');
      refuse('certificate', 'a client-secret connection');
    } else if (v.kind === 'client_certificate') {
      need('clientId', 'a service principal');
      need('certificate', 'a certificate connection');
      refuse('clientSecret', 'a certificate connection');
    } else {
      const who = v.kind === 'user' ? 'the signed-in user (their Microsoft sign-in has its own credentials)' : 'a managed identity (Azure hands it tokens)';
      refuse('clientSecret', who);
      refuse('certificate', who);
      if (v.kind === 'user') {
        refuse('clientId', who);
        refuse('authorityHost', 'the signed-in user (the console’s Microsoft sign-in authority applies)');
      }
    }
  });

export const updateAzureConnectionInput = z.strictObject({
  name: azureConnectionName,
  tenantId: fields.tenantId.optional(),
  clientId: fields.clientId.nullable().optional(),
  clientSecret: fields.clientSecret.optional(),
  certificate: fields.certificate.optional(),
  authorityHost: fields.authorityHost.nullable().optional(),
  armEndpoint: fields.armEndpoint.optional(),
  caPem: fields.caPem.nullable().optional(),
});

export const linkAzureWorkspaceInput = z.strictObject({
  workspace: workspaceName,
  connection: azureConnectionName,
  subscriptionId,
  resourceGroup: resourceGroupName,
  workspaceName: mlWorkspaceName,
});

export const unlinkAzureWorkspaceInput = z.strictObject({ workspace: workspaceName });
