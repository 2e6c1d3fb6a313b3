'use client';

import * as React from 'react';
import { Info, Send, TriangleAlert } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { FormField } from '@/components/ui/form-field';
import { Textarea } from '@/components/ui/textarea';
import { FormError } from '@/components/forms/form-error';
import { useAction } from '@/components/forms/use-action';
import type { ScoreTestResult } from '@/server/services/endpoint-test';
import { prettyBody } from './test-body';

// The Test tab (for those with endpoints.keys): a JSON body sent to the endpoint through its router with its
// key (endpoints.test), to the split or to one deployment; the answer's status, latency, the deployment that
// answered and its body (pretty when JSON). Where nothing can answer yet (no router in the demo clusters),
// the server says so: an info notice, not an error.

export const SAMPLE_BODY = '{"data": [[1,2,3,4,5,6,7,8,9,10],[10,9,8,7,6,5,4,3,2,1]]}';
const BY_SPLIT = '';
const selectClass = 'h-9 w-full rounded-md border border-input bg-surface px-2 text-sm';

export function TestPanel({ workspace, endpoint, deployments }: { workspace: string; endpoint: string; deployments: string[] }) {
  const test = useAction<ScoreTestResult>('endpoints.test');
  const [body, setBody] = React.useState(SAMPLE_BODY);
  const [deployment, setDeployment] = React.useState(BY_SPLIT);
  const [result, setResult] = React.useState<ScoreTestResult | null>(null);
  const jsonProblem = React.useMemo(() => {
    try {
      JSON.parse(body);
      return undefined;
    } catch (e) {
      return `not JSON: ${(e as Error).message}`;
    }
  }, [body]);

  async function send() {
    setResult(null);
    const r = await test.run({ workspace, name: endpoint, body, ...(deployment ? { deployment } : {}) });
    if (r.ok) setResult(r.data);
  }

  return (
    <div className="grid gap-4 xl:grid-cols-2">
      <Card>
        <CardHeader>
          <CardTitle>Request</CardTitle>
          <CardDescription>Sent to the scoring URI with the endpoint’s primary key, as a caller would. The request is recorded in the audit log.</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          <FormField label="Deployment" description={deployment ? <>Sent with <span className="font-mono">azureml-model-deployment: {deployment}</span>: only it answers, whatever the split</> : 'By traffic split: the router picks, as for any caller'}>
            <select className={selectClass} value={deployment} onChange={(e) => setDeployment(e.currentTarget.value)}>
              <option value={BY_SPLIT}>By traffic split</option>
              {deployments.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          </FormField>
          <FormField label="Request body (JSON)" error={test.fieldErrors.body ?? (jsonProblem ? `The body is ${jsonProblem}` : undefined)}>
            <Textarea mono rows={8} spellCheck={false} value={body} onChange={(e) => setBody(e.currentTarget.value)} />
          </FormField>
          <FormError message={test.error} />
          <div>
            <Button onClick={send} pending={test.pending} disabled={test.pending || !!jsonProblem}>
              <Send aria-hidden /> Send
            </Button>
          </div>
        </CardContent>
      </Card>
      <Card aria-live="polite">
        <CardHeader>
          <CardTitle>Response</CardTitle>
          {!result && <CardDescription>{test.pending ? 'Waiting for the answer…' : 'Send a request to see the answer here.'}</CardDescription>}
        </CardHeader>
        {result && (
          <CardContent className="grid gap-3">
            <TestResult result={result} />
          </CardContent>
        )}
      </Card>
    </div>
  );
}

/** The server's messages start in lower case (they follow "…: "); standing alone they start a sentence. */
const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function TestResult({ result }: { result: ScoreTestResult }) {
  const answered = result.headers?.['azureml-model-deployment'] ?? result.deployment;
  if (result.outcome === 'simulated' || result.outcome === 'unavailable') {
    // Simulated: expected on the demo clusters (info). Unavailable: the cluster has no router — something to fix (warning).
    const info = result.outcome === 'simulated';
    return (
      <p role="note" className={info ? 'flex items-start gap-2 rounded-md border border-info/40 bg-info-soft px-3 py-2 text-sm text-info-text' : 'flex items-start gap-2 rounded-md border border-warning/40 bg-warning-soft px-3 py-2 text-sm text-warning-text'}>
        {info ? <Info aria-hidden className="mt-0.5 size-4 shrink-0" /> : <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />}
        <span>
          <span className="font-medium">{info ? 'Not sent: simulated cluster. ' : 'Not sent: nothing serves this endpoint yet. '}</span>
          {sentence(result.message ?? 'no deployment can answer yet.')}
        </span>
      </p>
    );
  }
  if (result.outcome === 'unreachable') return <FormError message={result.message ?? `The endpoint could not be reached at ${result.uri}.`} />;
  const ok = result.status !== undefined && result.status < 400;
  const pretty = prettyBody(result.body ?? '', result.headers?.['content-type']);
  return (
    <>
      <dl className="flex flex-wrap gap-x-6 gap-y-2 text-sm">
        <div className="grid gap-0.5">
          <dt className="text-xs text-muted-foreground">Status</dt>
          <dd>
            <Badge tone={ok ? 'success' : 'danger'} className="tabular-nums">
              {result.status}
            </Badge>
          </dd>
        </div>
        <div className="grid gap-0.5">
          <dt className="text-xs text-muted-foreground">Latency</dt>
          <dd className="tabular-nums">{result.latencyMs !== undefined ? `${result.latencyMs} ms` : '—'}</dd>
        </div>
        <div className="grid gap-0.5">
          <dt className="text-xs text-muted-foreground">Answered by</dt>
          <dd className="font-mono">{answered ?? '—'}</dd>
        </div>
        {result.headers?.['x-request-id'] && (
          <div className="grid gap-0.5">
            <dt className="text-xs text-muted-foreground">Request id</dt>
            <dd className="font-mono text-xs">{result.headers['x-request-id']}</dd>
          </div>
        )}
      </dl>
      {result.message && <p className="text-sm text-muted-foreground">{result.message}</p>}
      <pre role="region" aria-label="Response body" tabIndex={0} className="max-h-96 overflow-auto rounded-md border border-border bg-muted p-3 font-mono text-xs leading-5">
        {pretty || <span className="text-muted-foreground">(empty body)</span>}
      </pre>
      {result.truncated && <p className="text-xs text-muted-foreground">The body is cut short here.</p>}
    </>
  );
}
