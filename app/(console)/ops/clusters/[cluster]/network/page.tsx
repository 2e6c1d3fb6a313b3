import { notFound } from 'next/navigation';
import YAML from 'yaml';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { MonoText } from '@/components/ui/mono-text';
import { StatusBadge } from '@/components/ui/status-badge';
import { EmptyState } from '@/components/ui/empty-state';
import { TlsRotateForm } from '@/components/clusters/tls-rotate-form';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { extensionRow, findClusterRow, lastProbe } from '@/server/services/clusters';
import { routerAddress, usesTls, workloadEgressFor, type TlsInfo } from '@/server/services/extension';
import { checkNoProxy } from '@/lib/extension/no-proxy';
import { can } from '@/lib/rbac/permissions';
import type { ExtensionSettings } from '@/lib/domain';
import type { EgressSettings } from '@/lib/clusters/schemas';

export const dynamic = 'force-dynamic';

function Row({ k, children }: { k: string; children: React.ReactNode }) {
  return (
    <>
      <dt className="text-muted-foreground">{k}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </>
  );
}

export default async function ClusterNetwork({ params }: { params: Promise<{ cluster: string }> }) {
  const { cluster } = await params;
  const { principal } = await requirePermission('clusters.read');
  const db = await getDb();
  const row = await findClusterRow(db, cluster);
  if (!row) notFound();
  const ext = await extensionRow(db, row.id);
  const settings = ext && ext.status !== 'notInstalled' ? ((ext.settings as ExtensionSettings | null) ?? null) : null;
  if (!settings) return <EmptyState title="No network settings" description="Install Harbormaster's extension to configure the inference router, TLS, proxy and egress." />;
  const tls = (ext?.tlsInfo as TlsInfo | null) ?? null;
  const addr = await routerAddress(row, settings);
  const network = lastProbe(row)?.network;
  const proxy = settings.proxy;
  const noProxy = proxy && (proxy.httpProxy || proxy.httpsProxy) ? checkNoProxy(proxy.noProxy, network ?? {}) : null;
  const egress = (ext?.egress as EgressSettings | null) ?? null;
  const egressPreview = egress?.enabled ? await workloadEgressFor(db, row, '<compute-namespace>') : null;
  const canManage = can(principal, 'clusters.manage');
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card>
        <CardHeader>
          <CardTitle>Inference router</CardTitle>
          <CardDescription>Service azureml-fe in namespace azureml (nginx).</CardDescription>
        </CardHeader>
        <CardContent>
          <dl className="grid grid-cols-[minmax(0,auto)_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm">
            <Row k="Enabled">{settings.enableInference ? 'yes' : 'no (enableInference=false)'}</Row>
            {settings.enableInference ? (
              <>
                <Row k="Service type">
                  <span className="font-mono">{settings.inferenceRouterServiceType}</span>
                  {settings.internalLoadBalancerProvider ? ' (internal Azure load balancer)' : ''}
                </Row>
                <Row k="Replicas">{settings.inferenceRouterHA ? '3 (inferenceRouterHA), one per node' : '1'}</Row>
                <Row k="Protocol">{usesTls(settings) ? 'HTTPS (TLS 1.2 and 1.3 only)' : 'HTTP (allowInsecureConnections=true)'}</Row>
                <Row k="Scoring base URL">{addr.baseUrl ? <MonoText value={addr.baseUrl} /> : '—'}</Row>
                <Row k="Reached">{addr.detail}</Row>
                {addr.baseUrl ? <Row k="Scoring URI">{<span className="font-mono text-xs">{addr.baseUrl}/api/v1/endpoint/&lt;endpoint&gt;/score</span>}</Row> : null}
              </>
            ) : null}
          </dl>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>TLS certificate</CardTitle>
          <CardDescription>{usesTls(settings) ? (tls?.source === 'secret' ? `From Secret azureml/${tls.secretName}` : 'Uploaded to Harbormaster (stored encrypted)') : 'Not used: the router serves plain HTTP or inference is off.'}</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          {tls ? (
            <dl className="grid grid-cols-[minmax(0,auto)_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm">
              <Row k="Subject"><span className="font-mono text-xs">{tls.subject}</span></Row>
              <Row k="Names"><span className="font-mono text-xs">{tls.sans?.join(', ') || '—'}</span></Row>
              <Row k="Expires"><span className="font-mono text-xs">{tls.notAfter}</span></Row>
              <Row k="Chain">{tls.chain?.length ? <ol className="grid gap-0.5 font-mono text-xs">{tls.chain.map((c, i) => <li key={i}>{i + 1}. {c.subject} (issuer {c.issuer})</li>)}</ol> : '—'}</Row>
              <Row k="Checks">
                {tls.errors.length ? <StatusBadge kind="check" status="error" detail={tls.errors.join('; ')} /> : <StatusBadge kind="check" status={tls.warnings.length ? 'warning' : 'ok'} detail={tls.warnings.join('; ') || 'key matches, chain ordered, host name covered'} />}
              </Row>
            </dl>
          ) : (
            <p className="text-sm text-muted-foreground">No certificate recorded.</p>
          )}
          {canManage && usesTls(settings) ? (
            <div className="border-t border-border pt-4">
              <h3 className="mb-2 text-sm font-semibold">Rotate</h3>
              <TlsRotateForm cluster={row.name} settings={settings} />
            </div>
          ) : null}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Outbound proxy</CardTitle>
          <CardDescription>Injected into ML workloads as HTTP_PROXY, HTTPS_PROXY and NO_PROXY.</CardDescription>
        </CardHeader>
        <CardContent>
          {proxy && (proxy.httpProxy || proxy.httpsProxy) ? (
            <dl className="grid grid-cols-[minmax(0,auto)_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm">
              <Row k="HTTP_PROXY"><span className="font-mono text-xs">{proxy.httpProxy ?? '—'}</span></Row>
              <Row k="HTTPS_PROXY"><span className="font-mono text-xs">{proxy.httpsProxy ?? '—'}</span></Row>
              <Row k="NO_PROXY"><span className="font-mono text-xs">{proxy.noProxy ?? '—'}</span></Row>
              <Row k="CA bundle">{proxy.caBundleConfigMap ? <span className="font-mono text-xs">ConfigMap {proxy.caBundleConfigMap}</span> : '—'}</Row>
              <Row k="NO_PROXY check">{noProxy?.ok ? <StatusBadge kind="check" status="ok" detail="complete" /> : <StatusBadge kind="check" status="error" detail={noProxy?.message} />}</Row>
            </dl>
          ) : (
            <p className="text-sm text-muted-foreground">No proxy: workloads reach the internet directly.</p>
          )}
          {network ? (
            <p className="mt-3 text-xs text-muted-foreground">
              Service CIDRs <span className="font-mono">{network.serviceCidrs.join(', ') || 'unknown'}</span> · pod CIDRs <span className="font-mono">{network.podCidrs.join(', ') || 'unknown'}</span>
            </p>
          ) : null}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Workload egress policy</CardTitle>
          <CardDescription>{egress?.enabled ? 'On: compute namespaces may reach only DNS, the proxy, the registry and the allowed destinations.' : 'Off: workloads may connect anywhere the network allows.'}</CardDescription>
        </CardHeader>
        {egressPreview ? (
          <CardContent className="grid gap-2">
            {egressPreview.warnings.length ? <ul className="grid gap-1 text-sm text-warning-text">{egressPreview.warnings.map((w) => <li key={w}>⚠ {w}</li>)}</ul> : null}
            <pre className="max-h-80 overflow-auto rounded-md bg-muted p-3 font-mono text-xs" tabIndex={0} aria-label="Egress NetworkPolicy">
              {egressPreview.policies.map((p) => YAML.stringify(p, { lineWidth: 0 })).join('---\n')}
            </pre>
          </CardContent>
        ) : null}
      </Card>
    </div>
  );
}
