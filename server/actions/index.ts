import 'server-only';
// Loads every action module so the registry is complete wherever actions run (and in the RBAC matrix test).
import './users';
import './workspaces';
import './tokens';
import './clusters';
import './instance-types';
import './compute';
import './compute-azure';
import './environments';
import './jobs';
import './sweeps';
import './models';
import './endpoints';
import './azure';
import './azure-clusters';
