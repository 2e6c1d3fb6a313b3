// A workspace environment as people register it (form, REST, Azure ML's environment YAML names): one schema
// for the console's form and the server. Environments name prebuilt images; a conda file is kept to show what
// an image holds, never built.
import { z } from 'zod';
import { checkImageReference } from '@/lib/aml/environment';

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;
const VERSION_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export const environmentName = z
  .string()
  .regex(NAME_RE, 'letters, digits, ".", "_" and "-", starting with a letter or digit (at most 255)')
  .refine((n) => !/^azureml-/i.test(n), 'names starting with "AzureML-" are reserved for curated environments');

export const environmentVersion = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(z.string().regex(VERSION_RE, 'letters, digits, ".", "_" and "-", e.g. 1 or 2024.06.1'));

export const environmentImage = z.string().superRefine((s, ctx) => {
  const bad = checkImageReference(s);
  if (bad) ctx.addIssue({ code: 'custom', message: bad });
});

/** The fields of an environment (without the workspace, which comes from the URL). */
export const environmentFields = {
  name: environmentName,
  version: environmentVersion,
  image: environmentImage,
  /** The conda specification the image was built from (shown, not built). */
  condaFile: z.string().max(64 * 1024, 'at most 64 KiB').optional(),
  description: z.string().max(1000, 'at most 1000 characters').optional(),
};

export const environmentForm = z.strictObject(environmentFields);
export type EnvironmentFormInput = z.input<typeof environmentForm>;
