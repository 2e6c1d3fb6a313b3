// Inputs the fuzz properties (test/fuzz/properties.ts) found to throw, kept as examples.
import { describe, expect, it } from 'vitest';
import { parseInstanceTypeYaml } from '@/lib/instance-types/schema';
import { parseJobYaml } from '@/lib/aml/job-spec';
import { parseModelYaml } from '@/lib/aml/model-spec';
import { parseKubeconfig } from '@/lib/clusters/kubeconfig';
import { readYamlDocument, readYamlDocuments } from '@/lib/yaml-limits';
import { readBody } from '@/server/http/body';
import { parseExtensionSettings } from '@/lib/extension/settings';
import { AppError } from '@/server/errors';

describe('fuzz regressions', () => {
  // An alias with no anchor before it: the yaml package reports no error at parse time and its toJS threw a
  // ReferenceError, which escaped parseInstanceTypeYaml and a YAML request body (a 500).
  const unresolved = ['*!', '*a', 'name: *a\nother: &a 1\n', 'apiVersion: v1\nitems: [*x]\n'];

  it('an unresolved alias is a document error, not a ReferenceError later', () => {
    for (const text of unresolved) {
      const doc = readYamlDocument(text, 'test');
      expect(doc.errors.map((e) => e.code)).toContain('BAD_ALIAS');
      expect(readYamlDocuments(text, 'test').documents[0].errors.map((e) => e.code)).toContain('BAD_ALIAS');
    }
  });

  it('every YAML parser refuses it', () => {
    for (const text of unresolved) {
      const it = parseInstanceTypeYaml(text);
      expect(it.ok).toBe(false);
      if (!it.ok) expect(it.errors[0].message).toMatch(/Unresolved alias/);
      expect(parseJobYaml(text).ok).toBe(false);
      expect(parseModelYaml(text).ok).toBe(false);
      expect(parseKubeconfig(text).ok).toBe(false);
    }
  });

  it('a YAML request body with one is a 400, not a 500', async () => {
    const req = new Request('http://localhost/api/x', { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: 'name: *a\n' });
    const err = await readBody(req, { allowYaml: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).message).toMatch(/malformed YAML: Unresolved alias/);
  });

  // An unsupported Azure key holding an object with no usable toString (JSON {"toString": 1}, or a null prototype):
  // String(value) threw a TypeError out of parseExtensionSettings.
  it('an unsupported Azure key with an object value is refused, not a TypeError', () => {
    for (const value of [Object.create(null), JSON.parse('{"toString": 1}'), JSON.parse('{"toString": {}, "valueOf": {}}')]) {
      const r = parseExtensionSettings({ installVolcano: value });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(JSON.stringify(r)).toMatch(/installVolcano is not supported/);
    }
  });
});
