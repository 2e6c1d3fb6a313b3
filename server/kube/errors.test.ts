import { describe, expect, it } from 'vitest';
import { clusterAppError, kubeErrorFromNetwork, kubeErrorFromResponse } from './errors';

const netErr = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('network and TLS errors', () => {
  it.each([
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls_unknown_ca', /certificate-authority-data/],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'tls_unknown_ca', /does not trust/],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls_hostname_mismatch', /tls-server-name/],
    ['CERT_HAS_EXPIRED', 'tls_expired', /expired/],
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'tls_client_certificate', /client certificate/],
    ['ENOTFOUND', 'dns', /cannot be resolved/],
    ['ECONNREFUSED', 'connection_refused', /nothing listens/],
    ['ETIMEDOUT', 'timeout', /timed out/],
    ['EHOSTUNREACH', 'host_unreachable', /unreachable/],
    ['ECONNRESET', 'connection_reset', /reset/],
  ])('%s → %s', (code, reason, text) => {
    const e = kubeErrorFromNetwork(netErr(code), 'https://k8s.example.com:6443');
    expect(e.reason).toBe(reason);
    expect(e.message).toMatch(text);
    expect(e.message).toContain('https://k8s.example.com:6443');
  });
});

describe('API server answers', () => {
  it('keeps the API server\'s own message for 403 and validation errors', () => {
    const status = JSON.stringify({ kind: 'Status', message: 'deployments.apps is forbidden: User "ci" cannot patch resource "deployments"', reason: 'Forbidden', code: 403 });
    const e = kubeErrorFromResponse(403, status, 'apply Deployment azureml/azureml-fe');
    expect(e.reason).toBe('forbidden');
    expect(e.message).toContain('User "ci" cannot patch resource "deployments"');
    const invalid = kubeErrorFromResponse(422, JSON.stringify({ message: 'spec.replicas: Invalid value: -1' }), 'apply Deployment azureml/azureml-fe');
    expect(invalid.reason).toBe('invalid');
    expect(invalid.message).toMatch(/refused apply Deployment azureml\/azureml-fe: spec.replicas: Invalid value: -1/);
  });

  it('says what a 401 means', () => {
    const e = kubeErrorFromResponse(401, '{"message":"Unauthorized"}', 'read the server version');
    expect(e.reason).toBe('unauthorized');
    expect(e.message).toMatch(/does not accept the kubeconfig's credentials/);
  });

  it('becomes an AppError naming the cluster and the reason', () => {
    const unreachable = clusterAppError(kubeErrorFromNetwork(netErr('ECONNREFUSED'), 'https://x:1'), 'edge-1');
    expect(unreachable.code).toBe('upstream_unavailable');
    expect(unreachable.message).toMatch(/^cluster edge-1: connection refused.*\[connection_refused\]$/);
    const forbidden = clusterAppError(kubeErrorFromResponse(403, '{"message":"no"}', 'x'), 'edge-1');
    expect(forbidden.code).toBe('bad_request');
    expect((forbidden as { reason?: string }).reason).toBe('forbidden');
  });
});
