// The Python a data scientist pastes to point the official Azure ML SDK v2 (azure-ai-ml), unchanged, at a
// Harbormaster workspace (issue 19): an MLClient on a custom cloud whose resource manager is the console's /arm/
// API, with a Harbormaster API token as the bearer token. One builder for the "Use from Python" page and the tests:
// test/arm/mlclient.py holds mlClientPreamble() with environment lookups as its values (a unit test keeps the two
// identical), and server/arm-api/python-snippet.sdk.test.ts runs pythonSnippet() itself with the SDK.
// Pure code (no server imports): the page's client component fills in the fresh token with it.

/** Free strings to the SDK and to Harbormaster (echoed back in resource ids); the workspace is what matters. */
export const SNIPPET_SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';
export const SNIPPET_RESOURCE_GROUP = 'harbormaster';

/** A Python string literal (JSON's string syntax is Python's: quotes, backslashes, \n, \uXXXX). */
export const pyStr = (s: string): string => JSON.stringify(s);

/** Python expressions for the values the preamble needs (literals on the page, environment lookups in tests). */
export interface MlClientExprs {
  arm: string;
  token: string;
  subscription: string;
  resourceGroup: string;
  workspace: string;
  /** A private CA's PEM file to trust (REQUESTS_CA_BUNDLE), as a Python expression; absent: none. */
  caFile?: string;
}

/** Imports, the credential class and `ml = MLClient(…)`. */
export function mlClientPreamble(e: MlClientExprs): string {
  const ca = e.caFile
    ? ['', '# The console’s certificate is from a private CA: trust it here, or for every', '# process with `export REQUESTS_CA_BUNDLE=<file>`.', `os.environ["REQUESTS_CA_BUNDLE"] = ${e.caFile}`]
    : [];
  return [
    'import os',
    'import time',
    '',
    'from azure.ai.ml import MLClient',
    'from azure.core.credentials import AccessToken, AccessTokenInfo',
    '',
    '',
    'class HarbormasterToken:',
    '    """A Harbormaster API token as an azure-core credential (any scope)."""',
    '',
    '    def __init__(self, token):',
    '        self._token = token',
    '',
    '    def get_token(self, *scopes, **kwargs):',
    '        return AccessToken(self._token, int(time.time()) + 3600)',
    '',
    '    def get_token_info(self, *scopes, options=None):',
    '        return AccessTokenInfo(self._token, int(time.time()) + 3600)',
    '',
    ...ca,
    '',
    `arm = ${e.arm}`,
    'ml = MLClient(',
    `    HarbormasterToken(${e.token}),`,
    `    subscription_id=${e.subscription},`,
    `    resource_group_name=${e.resourceGroup},`,
    `    workspace_name=${e.workspace},`,
    '    cloud="Harbormaster",',
    '    cloud_metadata={',
    '        "azure_portal": arm,',
    '        "resource_manager": arm,',
    '        "active_directory": arm,',
    '        "aml_resource_id": arm,',
    '        "storage_endpoint": "harbormaster.invalid",',
    '        "registry_discovery_endpoint": arm,',
    '    },',
    ')',
  ].join('\n');
}

/** The text mlclient.py's preamble must be (values from its environment). */
export const TEST_PREAMBLE_EXPRS: MlClientExprs = {
  arm: 'os.environ["HM_ARM"]',
  token: 'os.environ["HM_TOKEN"]',
  subscription: `os.environ.get("HM_SUBSCRIPTION", ${pyStr(SNIPPET_SUBSCRIPTION)})`,
  resourceGroup: `os.environ.get("HM_RESOURCE_GROUP", ${pyStr(SNIPPET_RESOURCE_GROUP)})`,
  workspace: 'os.environ["HM_WORKSPACE"]',
};

export interface PythonSnippetInput {
  /** https://host[:port]/arm/ */
  armUrl: string;
  workspace: string;
  /** The API token; null: a placeholder the user replaces. */
  token: string | null;
  /** The private CA's PEM file (absolute path on the machine that runs the script), when the console's certificate needs one. */
  caFile?: string | null;
  /** The token's name and expiry, said in a comment. */
  tokenName?: string;
  expiresAt?: string | null;
}

export const TOKEN_PLACEHOLDER = '<your Harbormaster API token>';

/** The whole snippet the "Use from Python" page shows: a header, the preamble with literal values, a first call. */
export function pythonSnippet(i: PythonSnippetInput): string {
  // Values in comments stay on their line.
  const c = (s: string) => s.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' ');
  const header = [
    `# Azure ML SDK v2 (pip install azure-ai-ml) → Harbormaster workspace "${c(i.workspace)}"`,
    i.token
      ? `# API token "${c(i.tokenName ?? 'python')}"${i.expiresAt ? `, expires ${c(i.expiresAt.slice(0, 10))}` : ''}.\n# It acts as you: keep this file private.`
      : '# Create a token on the "Use from Python" page, or paste one of yours below.',
  ];
  const preamble = mlClientPreamble({
    arm: pyStr(i.armUrl),
    token: pyStr(i.token ?? TOKEN_PLACEHOLDER),
    subscription: pyStr(SNIPPET_SUBSCRIPTION),
    resourceGroup: pyStr(SNIPPET_RESOURCE_GROUP),
    workspace: pyStr(i.workspace),
    caFile: i.caFile ? pyStr(i.caFile) : undefined,
  });
  const example = [
    '',
    '# Try it: the workspace and its compute targets.',
    'print(ml.workspaces.get().name)',
    'for compute in ml.compute.list():',
    '    print(compute.name, compute.type)',
  ];
  return [...header, '', preamble, ...example, ''].join('\n');
}

/** The token's name the page asks for: python-<workspace>-<UTC date>. */
export function pythonTokenName(workspace: string, now: Date = new Date()): string {
  return `python-${workspace}-${now.toISOString().slice(0, 10)}`;
}

/** How long the page's token lives. */
export const PYTHON_TOKEN_EXPIRES_IN = '7d';
