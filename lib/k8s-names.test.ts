import { describe, expect, it } from 'vitest';
import {
  isDns1123Label,
  validateComputeTargetName,
  validateDns1123Label,
  validateDns1123Subdomain,
  validateLabelKey,
  validateLabelValue,
  validateLabels,
  validateQualifiedName,
} from './k8s-names';

describe('DNS-1123 label', () => {
  it.each(['a', 'default', 'team-a', '0abc', 'a'.repeat(63)])('accepts %s', (v) => {
    expect(validateDns1123Label(v)).toBeNull();
  });
  it.each([
    ['', /must not be empty/],
    ['a'.repeat(64), /no more than 63 characters \(it has 64\)/],
    ['Team-A', /lowercase letters.*found an uppercase letter "T" at position 1/],
    ['team_a', /found "_" at position 5/],
    ['a.b', /found "\." at position 2/],
    ['team a', /found a space at position 5/],
    ['-team', /must start with a lowercase letter or digit/],
    ['team-', /must end with a lowercase letter or digit/],
  ])('refuses %j with a precise message', (v, re) => {
    expect(validateDns1123Label(v)).toMatch(re);
  });
  it('explains a non-string', () => {
    expect(validateDns1123Label(undefined)).toBe('is required');
    expect(validateDns1123Label(12)).toMatch(/must be a string \(got number 12: quote it\)/);
  });
  it('has a boolean form', () => {
    expect(isDns1123Label('ok')).toBe(true);
    expect(isDns1123Label('Not-OK')).toBe(false);
  });
});

describe('DNS-1123 subdomain', () => {
  it.each(['defaultinstancetype', 'gpu-4', 'gpu.a100.large', 'a'.repeat(253)])('accepts %s', (v) => {
    expect(validateDns1123Subdomain(v)).toBeNull();
  });
  it.each([
    ['', /must not be empty/],
    ['a'.repeat(254), /no more than 253 characters/],
    ['GPU-1', /found an uppercase letter "G"/],
    ['gpu_1', /found "_" at position 4/],
    ['gpu..a', /empty parts/],
    ['gpu.-a', /each '\.'-separated part must start and end .*"-a" does not/],
    ['gpu-.a', /"gpu-" does not/],
    ['.gpu', /must start/],
    ['gpu.', /must end/],
  ])('refuses %j', (v, re) => {
    expect(validateDns1123Subdomain(v)).toMatch(re);
  });
});

describe('qualified names (label keys)', () => {
  it.each(['app', 'kubernetes.io/os', 'kubernetes.azure.com/agentpool', 'nvidia.com/gpu.present', 'A_b-C.d', 'x/' + 'a'.repeat(63)])(
    'accepts %s',
    (v) => expect(validateQualifiedName(v)).toBeNull(),
  );
  it.each([
    ['', /must not be empty/],
    ['a/b/c', /at most one '\/'.*it has 2/],
    ['/name', /prefix before '\/' must not be empty/],
    ['example.com/', /name after '\/' must not be empty/],
    ['Example.com/name', /prefix "Example.com" must contain only lowercase/],
    ['a'.repeat(64), /name must be no more than 63 characters/],
    ['example.com/-name', /name part "-name" must start with a letter or digit/],
    ['example.com/na me', /name part "na me" must contain only .*found a space at position 3/],
    ['name.', /name must end with a letter or digit/],
  ])('refuses %j', (v, re) => {
    expect(validateLabelKey(v)).toMatch(re);
  });
});

describe('label values', () => {
  it.each(['', 'true', 'Standard_NC6', 'a.b-c_d', 'v'.repeat(63)])('accepts %j', (v) => {
    expect(validateLabelValue(v)).toBeNull();
  });
  it.each([
    ['v'.repeat(64), /no more than 63/],
    ['-x', /must start with a letter or digit/],
    ['x-', /must end with a letter or digit/],
    ['a/b', /found "\/" at position 2/],
  ])('refuses %j', (v, re) => {
    expect(validateLabelValue(v)).toMatch(re);
  });
  it('asks to quote YAML booleans and numbers', () => {
    expect(validateLabelValue(true)).toMatch(/must be a string \(got boolean true: quote it\)/);
  });
  it('checks a whole map', () => {
    expect(validateLabels({ ok: 'fine', 'Bad Key': 'v', k: '-bad' })).toEqual([
      { key: 'Bad Key', part: 'key', message: expect.stringMatching(/^key "Bad Key" name must contain only/) },
      { key: 'k', part: 'value', message: expect.stringMatching(/must start with a letter or digit/) },
    ]);
  });
});

describe('compute target names (Azure ML rule)', () => {
  it.each(['k8s', 'Gpu-Cluster-01', 'ab', 'a'.repeat(16)])('accepts %s', (v) => {
    expect(validateComputeTargetName(v)).toBeNull();
  });
  it.each([
    ['a', /2 to 16 characters long \(it has 1\)/],
    ['a'.repeat(17), /2 to 16 characters long \(it has 17\)/],
    ['1cluster', /must start with a letter/],
    ['-cluster', /must start with a letter/],
    ['cluster-', /must end with a letter or digit/],
    ['my_cluster', /only letters, digits and '-' \(found "_" at position 3\)/],
    ['my.cluster', /found "\." at position 3/],
  ])('refuses %j', (v, re) => {
    expect(validateComputeTargetName(v)).toMatch(re);
  });
});
