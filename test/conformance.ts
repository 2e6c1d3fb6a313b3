// Where the real Azure ML CLI v2 files (Azure/azureml-examples, MIT; see fixtures/aml-examples/SOURCES.md) that
// must import are read from. The project carries its own copy (test/fixtures/aml-examples), so a fresh clone
// tests without ../shared beside it; when the shared corpus is there (as in CI), it is read instead, so files
// added to it are tested too. HM_AML_EXAMPLES points at another folder.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUNDLED_AML_EXAMPLES = fileURLToPath(new URL('./fixtures/aml-examples', import.meta.url));

let noticed = false;

export function conformanceDir(): string {
  if (process.env.HM_AML_EXAMPLES) return process.env.HM_AML_EXAMPLES;
  const shared = path.resolve(process.cwd(), '..', 'shared', 'conformance', 'aml-examples');
  if (fs.existsSync(shared)) return shared;
  if (!noticed) {
    noticed = true;
    console.warn(`note: ${shared} is not there; using the project's copy of the conformance files (${path.relative(process.cwd(), BUNDLED_AML_EXAMPLES)})`);
  }
  return BUNDLED_AML_EXAMPLES;
}
