import 'server-only';
import type { ArmRoute } from './http';
import { workspaceRoutes } from './workspace';
import { environmentRoutes } from './environments';
import { jobRoutes } from './jobs';
import { endpointRoutes } from './endpoints';
import { modelRoutes } from './models';

/**
 * Every route of the Azure ML–compatible API, relative to
 * /arm/subscriptions/{any}/resourceGroups/{any}/providers/Microsoft.MachineLearningServices/workspaces/{workspace}.
 * Each resource module exports its list; the RBAC matrix test walks this table (a write names its action).
 */
export const ARM_ROUTES: readonly ArmRoute[] = [...workspaceRoutes, ...environmentRoutes, ...jobRoutes, ...endpointRoutes, ...modelRoutes];
