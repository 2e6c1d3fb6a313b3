// The "Use from Python" snippet: what the page hands out is valid Python with the values in place, and the tests'
// MLClient (test/arm/mlclient.py) is the same preamble, so the SDK tests prove the page's code.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mlClientPreamble, pythonSnippet, pythonTokenName, TEST_PREAMBLE_EXPRS, TOKEN_PLACEHOLDER } from './python-snippet';

const MLCLIENT = fs.readFileSync(new URL('../../test/arm/mlclient.py', import.meta.url), 'utf8');

/** Python's own parser: the text is a valid module (python3 of the system; the SDK is not needed to parse). */
function parsesAsPython(text: string): string {
  const r = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: text, encoding: 'utf8' });
  return r.status === 0 ? 'ok' : r.stderr;
}

describe('pythonSnippet', () => {
  const base = { armUrl: 'https://127.0.0.1:3443/arm/', workspace: 'vision' };

  it('builds MLClient for the workspace with the token, the /arm/ address as every cloud endpoint and a first call', () => {
    const s = pythonSnippet({ ...base, token: 'hm_abc123', tokenName: 'python-vision-2026-12-05', expiresAt: '2026-12-12T05:00:00.000Z' });
    expect(s).toContain('HarbormasterToken("hm_abc123")');
    expect(s).toContain('workspace_name="vision"');
    expect(s).toContain('arm = "https://127.0.0.1:3443/arm/"');
    expect(s).toContain('cloud="Harbormaster"');
    for (const key of ['azure_portal', 'resource_manager', 'active_directory', 'aml_resource_id', 'storage_endpoint', 'registry_discovery_endpoint']) expect(s).toContain(`"${key}":`);
    expect(s).toContain('def get_token(self, *scopes, **kwargs):');
    expect(s).toContain('def get_token_info(self, *scopes, options=None):');
    expect(s).toContain('# API token "python-vision-2026-12-05", expires 2026-12-12.\n# It acts as you: keep this file private.');
    expect(s).toContain('ml.compute.list()');
    expect(s).not.toContain('REQUESTS_CA_BUNDLE');
    expect(parsesAsPython(s)).toBe('ok');
  });

  it('without a token: a placeholder to replace, and no claim about a token', () => {
    const s = pythonSnippet({ ...base, token: null });
    expect(s).toContain(`HarbormasterToken("${TOKEN_PLACEHOLDER}")`);
    expect(s).not.toMatch(/# API token "/);
    expect(parsesAsPython(s)).toBe('ok');
  });

  it('trusts a private CA through REQUESTS_CA_BUNDLE before the client is made', () => {
    const s = pythonSnippet({ ...base, token: 't', caFile: '/home/me/.data/tls-arm/ca.crt' });
    const ca = s.indexOf('os.environ["REQUESTS_CA_BUNDLE"] = "/home/me/.data/tls-arm/ca.crt"');
    expect(ca).toBeGreaterThan(0);
    expect(ca).toBeLessThan(s.indexOf('ml = MLClient('));
    expect(parsesAsPython(s)).toBe('ok');
  });

  it('quotes every value as a Python string: quotes, backslashes and newlines cannot break out', () => {
    const s = pythonSnippet({ armUrl: 'https://h/arm/"\n', workspace: 'a"b\nimport sys', token: 'x\\"); import os #', tokenName: 'n\rimport pty', caFile: 'C:\\certs\\"ca".pem' });
    expect(parsesAsPython(s)).toBe('ok');
    expect(s).not.toMatch(/\n(import os #|import sys|import pty)/);
    expect(s).toContain(String.raw`HarbormasterToken("x\\\"); import os #")`);
  });
});

describe('test/arm/mlclient.py', () => {
  it('holds exactly the page’s preamble, with its values read from the environment', () => {
    const m = /# BEGIN mlClientPreamble[^\n]*\n([\s\S]*?)\n# END mlClientPreamble/.exec(MLCLIENT);
    expect(m, 'mlclient.py marks its preamble').not.toBeNull();
    expect(m![1]).toBe(mlClientPreamble(TEST_PREAMBLE_EXPRS));
  });
});

it('names the token python-<workspace>-<UTC date>', () => {
  expect(pythonTokenName('vision', new Date('2026-12-05T23:59:00Z'))).toBe('python-vision-2026-12-05');
});
