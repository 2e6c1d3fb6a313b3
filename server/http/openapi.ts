import 'server-only';

// The OpenAPI 3.1 description of /api/v1 (served at /api/v1/openapi.json). Each feature adds its paths
// here next to its routes; the API test checks that every route file under app/api/v1 is described.
type Op = { summary: string; permission?: string; body?: string; ok?: number; list?: boolean; params?: string[]; query?: string[] };

const problem = { $ref: '#/components/responses/Problem' };

function operation(op: Op) {
  const o: Record<string, unknown> = {
    summary: op.summary,
    ...(op.permission ? { description: `Requires permission \`${op.permission}\`.` } : {}),
    parameters: [
      ...(op.params ?? []).map((p) => ({ name: p, in: 'path', required: true, schema: { type: 'string' } })),
      ...(op.query ?? []).map((q) => ({ name: q, in: 'query', required: false, schema: { type: 'string' } })),
    ],
    responses: {
      [String(op.ok ?? 200)]: {
        description: 'OK',
        content: { 'application/json': { schema: op.list ? { type: 'object', required: ['items'], properties: { items: { type: 'array', items: { type: 'object' } } } } : { type: 'object' } } },
      },
      '400': problem,
      '401': problem,
      '403': problem,
      '404': problem,
    },
  };
  if (op.body) {
    o.requestBody = { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${op.body}` } } } };
    o.parameters = [
      ...(o.parameters as unknown[]),
      { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 } },
      { name: 'dryRun', in: 'query', required: false, schema: { type: 'boolean' }, description: 'Validate and show the result; nothing is written.' },
    ];
  }
  return o;
}

const PATHS: Record<string, Record<string, Op>> = {
  '/api/v1/me': { get: { summary: 'The caller: user, role and workspaces' } },
  '/api/v1/workspaces': {
    get: { summary: 'Workspaces the caller may see (ops admins and auditors: all; data scientists: their own)', list: true, query: ['includeArchived'] },
    post: { summary: 'Create a workspace', permission: 'workspaces.manage', body: 'WorkspaceCreate', ok: 201 },
  },
  '/api/v1/workspaces/{workspace}': {
    get: { summary: 'A workspace with its members', permission: 'workspaces.read', params: ['workspace'] },
    patch: { summary: 'Rename (display name) or describe a workspace', permission: 'workspaces.manage', params: ['workspace'], body: 'WorkspaceUpdate' },
    delete: { summary: 'Archive a workspace', permission: 'workspaces.manage', params: ['workspace'] },
  },
  '/api/v1/workspaces/{workspace}/members': {
    get: { summary: 'Members of a workspace', permission: 'workspaces.read', params: ['workspace'], list: true },
    post: { summary: 'Add a data scientist', permission: 'members.manage', params: ['workspace'], body: 'MemberAdd', ok: 201 },
  },
  '/api/v1/workspaces/{workspace}/members/{email}': { delete: { summary: 'Remove a member', permission: 'members.manage', params: ['workspace', 'email'] } },
  '/api/v1/users': {
    get: { summary: 'All users', permission: 'users.read', list: true },
    post: { summary: 'Create a user (password generated and returned once when omitted)', permission: 'users.manage', body: 'UserCreate', ok: 201 },
  },
  '/api/v1/users/{email}': {
    get: { summary: 'A user', permission: 'users.read', params: ['email'] },
    patch: { summary: 'Change a user’s global role', permission: 'users.manage', params: ['email'], body: 'UserRole' },
    delete: { summary: 'Disable a user (sessions and tokens stop working)', permission: 'users.manage', params: ['email'] },
  },
  '/api/v1/users/{email}/password': { post: { summary: 'Reset a password (generated and returned once when omitted)', permission: 'users.manage', params: ['email'], body: 'PasswordReset' } },
  '/api/v1/tokens': {
    get: { summary: 'Your API tokens (never the secret)', list: true },
    post: { summary: 'Create an API token (returned once)', body: 'TokenCreate', ok: 201 },
  },
  '/api/v1/tokens/{id}': { delete: { summary: 'Revoke one of your tokens', params: ['id'] } },
  '/api/v1/audit/events': { get: { summary: 'Audit events, newest first, with a cursor', permission: 'audit.read', list: true, query: ['q', 'actor', 'action', 'workspace', 'outcome', 'cursor', 'limit'] } },
  '/api/v1/audit/verify': { get: { summary: 'Verify the audit hash chain', permission: 'audit.read' } },
  '/api/v1/audit/export': { get: { summary: 'Export audit events (CSV or JSON lines)', permission: 'audit.read', query: ['format', 'q', 'actor', 'workspace', 'outcome'] } },
};

const S = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', additionalProperties: false, required, properties });

export function addOpenApiPaths(paths: Record<string, Record<string, Op>>) {
  Object.assign(PATHS, paths);
}

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [p, ops] of Object.entries(PATHS)) paths[p] = Object.fromEntries(Object.entries(ops).map(([m, op]) => [m, operation(op)]));
  return {
    openapi: '3.1.0',
    info: { title: 'Harbormaster API', version: '1', description: 'Run ML on any Kubernetes cluster. Lists answer {items}; errors are RFC 9457 problem+json.' },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Personal access token (Tokens & security page, or npm run admin -- create-token)' } },
      responses: {
        Problem: {
          description: 'RFC 9457 problem details',
          content: {
            'application/problem+json': {
              schema: S({ type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, code: { type: 'string' }, requestId: { type: 'string' }, errors: { type: 'array', items: S({ path: { type: 'string' }, message: { type: 'string' } }) } }),
            },
          },
        },
      },
      schemas: {
        WorkspaceCreate: S({ name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 }, displayName: { type: 'string' }, description: { type: 'string' } }, ['name']),
        WorkspaceUpdate: S({ displayName: { type: 'string' }, description: { type: 'string' } }),
        MemberAdd: S({ email: { type: 'string', format: 'email' } }, ['email']),
        UserCreate: S({ email: { type: 'string', format: 'email' }, displayName: { type: 'string' }, password: { type: 'string', minLength: 12 }, globalRole: { enum: ['ops_admin', 'auditor', null] }, workspaces: { type: 'array', items: { type: 'string' } } }, ['email']),
        UserRole: S({ globalRole: { enum: ['ops_admin', 'auditor', null] } }, ['globalRole']),
        PasswordReset: S({ password: { type: 'string', minLength: 12 } }),
        TokenCreate: S({ name: { type: 'string' }, expiresIn: { type: 'string', pattern: '^\\d+(m|h|d|w|y)$' } }, ['name']),
      },
    },
  };
}

export function describedPaths(): string[] {
  return Object.keys(PATHS);
}
