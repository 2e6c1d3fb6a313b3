import 'server-only';
import { ArmError } from './errors';

/**
 * The api-versions the Azure ML–compatible API accepts: Azure ML's REST versions with the v2 resource shapes
 * (jobs, environments, models, online endpoints as ARM resources), from 2022-02-01-preview on. azure-ai-ml 1.35
 * sends 2022-02-01-preview (online endpoints), 2023-04-01-preview (deployments), 2023-08-01-preview (computes,
 * models), 2024-01-01-preview (job reads), 2024-10-01-preview (workspace), 2025-01-01-preview (job PUT).
 * The resources Harbormaster serves have the same fields in all of them; anything else is refused.
 */
export const ARM_API_VERSIONS = [
  '2022-02-01-preview',
  '2022-05-01',
  '2022-06-01-preview',
  '2022-10-01',
  '2022-10-01-preview',
  '2022-12-01-preview',
  '2023-02-01-preview',
  '2023-04-01',
  '2023-04-01-preview',
  '2023-06-01-preview',
  '2023-08-01-preview',
  '2023-10-01',
  '2024-01-01-preview',
  '2024-04-01',
  '2024-04-01-preview',
  '2024-07-01-preview',
  '2024-10-01',
  '2024-10-01-preview',
  '2025-01-01-preview',
  '2025-04-01',
  '2025-04-01-preview',
  '2025-06-01',
  '2025-07-01-preview',
  '2025-09-01',
  '2025-10-01-preview',
  '2025-12-01',
  '2026-01-15-preview',
] as const;

const ACCEPTED = new Set<string>(ARM_API_VERSIONS);

/** The request's api-version; ARM's 400s for a missing or unknown one. */
export function checkApiVersion(url: URL): string {
  const v = url.searchParams.get('api-version');
  if (!v) {
    throw new ArmError('bad_request', 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
  }
  if (!ACCEPTED.has(v)) {
    throw new ArmError(
      'bad_request',
      'InvalidApiVersionParameter',
      `The api-version '${v.slice(0, 40)}' is invalid. The supported versions are '${ARM_API_VERSIONS.join(',')}'.`,
    );
  }
  return v;
}
