import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { CircleCheck, CircleMinus, TriangleAlert } from 'lucide-react';
import { PageHeader } from '@/components/ui/page-header';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { MonoText } from '@/components/ui/mono-text';
import { CopyButton } from '@/components/ui/copy-button';
import { PythonSnippetPanel } from '@/components/arm/python-snippet-panel';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { requestOriginOf } from '@/server/http/origin';
import { pythonPageData, type SdkCapability } from '@/server/arm-api/python-page';
import { SNIPPET_RESOURCE_GROUP, SNIPPET_SUBSCRIPTION } from '@/lib/aml/python-snippet';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Use from Python' };

const SOURCE: Record<string, string> = {
  config: 'set by HARBORMASTER_PUBLIC_ARM_URL',
  request: 'this page’s own https address',
  'public-url': 'from HARBORMASTER_PUBLIC_URL',
  'https-listener': 'the console’s HTTPS listener',
};

function CapabilityList({ items, supported, label }: { items: SdkCapability[]; supported: boolean; label: string }) {
  const Icon = supported ? CircleCheck : CircleMinus;
  return (
    <ul className="space-y-3" aria-label={label}>
      {items.map((c) => (
        <li key={c.label} className="flex items-start gap-2 text-sm">
          <Icon aria-hidden className={supported ? 'mt-0.5 size-4 shrink-0 text-success-text' : 'mt-0.5 size-4 shrink-0 text-muted-foreground'} />
          <div className="min-w-0">
            <div className="font-medium">{c.label}</div>
            <div className={supported ? 'font-mono text-xs text-muted-foreground' : 'text-muted-foreground'}>{c.calls}</div>
          </div>
        </li>
      ))}
    </ul>
  );
}

export default async function PythonPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace } = await params;
  const { principal } = await requirePermission('workspaces.read', workspace);
  const data = await pythonPageData(await getDb(), principal, workspace, requestOriginOf(await headers()));
  return (
    <div className="space-y-6">
      <PageHeader
        title="Use from Python"
        breadcrumb={[{ label: data.workspace.displayName, href: `/w/${workspace}` }, { label: 'Use from Python' }]}
        description={
          <>
            Azure ML SDK v2 scripts (<span className="font-mono">azure-ai-ml</span>) run unchanged against this workspace: the SDK talks to Harbormaster’s Azure
            ML–compatible API with one of your API tokens. Jobs, endpoints and models it creates are the same as the console’s, with the same permissions and audit log.
          </>
        }
      />
      {!data.arm ? (
        <div role="alert" className="flex items-start gap-2 rounded-md border border-warning/40 bg-warning-soft px-3 py-2 text-sm text-warning-text">
          <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
          <p>
            This console serves no HTTPS address, and the SDK sends its token over HTTPS only. An ops admin sets{' '}
            <span className="font-mono">HARBORMASTER_HTTPS_PORT</span> with a certificate, or <span className="font-mono">HARBORMASTER_PUBLIC_ARM_URL</span> when a TLS proxy
            is in front of the console (see the README’s Configuration).
          </p>
        </div>
      ) : null}
      <div className="grid gap-4 xl:grid-cols-3">
        <PythonSnippetPanel
          className="min-w-0 xl:col-span-2"
          workspace={workspace}
          armUrl={data.arm?.url ?? null}
          caFile={data.ca?.file ?? null}
          canCreateToken={data.canCreateToken}
          readOnly={data.readOnly}
          tokenName={data.tokenName}
          tokenExpiresIn={data.tokenExpiresIn}
        />
        <Card className="min-w-0">
          <CardHeader>
            <CardTitle>Connection</CardTitle>
            <CardDescription>What the snippet puts into MLClient.</CardDescription>
          </CardHeader>
          <CardContent>
            <dl className="space-y-3 text-sm">
              <div>
                <dt className="text-muted-foreground">Azure ML–compatible API (resource_manager)</dt>
                <dd>
                  {data.arm ? (
                    <>
                      <MonoText value={data.arm.url} copyLabel="Copy API address" className="break-all" />
                      <div className="text-xs text-muted-foreground">{SOURCE[data.arm.source]}</div>
                    </>
                  ) : (
                    <span>none: no HTTPS</span>
                  )}
                </dd>
              </div>
              <div>
                <dt className="text-muted-foreground">Workspace (workspace_name)</dt>
                <dd>
                  <MonoText value={workspace} copyLabel="Copy workspace name" />
                </dd>
              </div>
              <div>
                <dt className="text-muted-foreground">Subscription and resource group</dt>
                <dd>
                  Any value: Harbormaster echoes them back in resource ids. The snippet uses <span className="font-mono">{SNIPPET_SUBSCRIPTION}</span> and{' '}
                  <span className="font-mono">{SNIPPET_RESOURCE_GROUP}</span>.
                </dd>
              </div>
              <div>
                <dt className="text-muted-foreground">Certificate</dt>
                <dd>
                  {data.ca ? (
                    <>
                      Issued by a private CA: Python trusts it with <span className="font-mono">REQUESTS_CA_BUNDLE</span> (the snippet sets it to this file; on another machine,
                      save the CA there and change the path).
                      <MonoText value={data.ca.file} copyLabel="Copy CA file path" className="mt-1 break-all" />
                      {data.ca.pem ? (
                        <details className="mt-1">
                          <summary className="cursor-pointer text-xs text-muted-foreground">CA certificate (PEM)</summary>
                          <div className="relative mt-1">
                            <pre role="region" aria-label="CA certificate (PEM)" tabIndex={0} className="max-h-48 overflow-auto rounded bg-muted p-2 pr-10 font-mono text-xs">
                              {data.ca.pem}
                            </pre>
                            <CopyButton value={data.ca.pem} label="Copy CA certificate" className="absolute right-1 top-1" />
                          </div>
                        </details>
                      ) : (
                        <p className="text-xs text-danger-text">The console cannot read this file (HARBORMASTER_TLS_CA_FILE).</p>
                      )}
                    </>
                  ) : (
                    'Publicly trusted (no private CA configured): nothing to set.'
                  )}
                </dd>
              </div>
            </dl>
          </CardContent>
        </Card>
      </div>
      <div className="grid gap-4 xl:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>What works</CardTitle>
            <CardDescription>SDK calls this console answers, with the same rules as the console and the REST API.</CardDescription>
          </CardHeader>
          <CardContent>
            <CapabilityList items={data.supported} supported label="Supported" />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>What does not</CardTitle>
            <CardDescription>The SDK gets an Azure-style error naming what is not supported; nothing is half-done.</CardDescription>
          </CardHeader>
          <CardContent>
            <CapabilityList items={data.notSupported} supported={false} label="Not supported" />
          </CardContent>
        </Card>
      </div>
    </div>
  );
}
