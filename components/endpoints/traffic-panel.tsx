'use client';

import * as React from 'react';
import { toast } from 'sonner';
import { ArrowUpToLine, RotateCcw, Save } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { FormError } from '@/components/forms/form-error';
import { useAction } from '@/components/forms/use-action';
import type { OnlineEndpointDto } from '@/lib/endpoints/spec';
import { cn } from '@/lib/utils';
import { clampPercent, promote, sameTraffic, splitTwo, trafficOf, trafficProblem, trafficTotal, type Traffic } from './traffic';
import { segmentClass, TrafficBar } from './traffic-bar';

// The Traffic tab (UI.md "Endpoint: the traffic split as a bar with a slider"): the split as a bar; with two
// deployments one slider moves it (90/10), with more a number per deployment that must add up to 100 (what
// is left is shown); "Promote <name>" sends everything to one. Save → endpoints.update {traffic}; Reset goes
// back to what is recorded. Read-only for those who may not manage endpoints.

export function TrafficPanel({ workspace, endpoint, canManage, onSaved }: { workspace: string; endpoint: OnlineEndpointDto; canManage: boolean; onSaved: () => void }) {
  const names = React.useMemo(() => endpoint.deployments.map((d) => d.name), [endpoint.deployments]);
  const recorded = React.useMemo(() => trafficOf(endpoint.traffic, names), [endpoint.traffic, names]);
  const [draft, setDraft] = React.useState<Traffic>(recorded);
  const [touched, setTouched] = React.useState(false);
  // The stream brings the recorded split; it replaces the draft until the user changes it.
  React.useEffect(() => {
    if (!touched) setDraft(recorded);
  }, [recorded, touched]);
  const update = useAction<OnlineEndpointDto>('endpoints.update');
  const readOnly = !canManage;
  // Shares are clamped whole percents, so what can be wrong is the sum, which the inputs' line already says.
  const problem = trafficProblem(draft);
  const dirty = !sameTraffic(draft, recorded);
  const total = trafficTotal(draft);
  const mirror = Object.entries(endpoint.mirrorTraffic).filter(([, p]) => p > 0);

  function set(next: Traffic) {
    setDraft(next);
    setTouched(true);
  }
  async function save() {
    const r = await update.run({ workspace, name: endpoint.name, traffic: draft });
    if (!r.ok) return;
    toast.success(`Traffic of ${endpoint.name} saved`, { description: Object.entries(draft).map(([d, p]) => `${d} ${p} %`).join(' · ') });
    setTouched(false);
    onSaved();
  }
  function reset() {
    setDraft(recorded);
    setTouched(false);
    update.reset();
  }

  if (names.length === 0) {
    return <p className="rounded-md border border-border px-4 py-6 text-sm text-muted-foreground">The endpoint has no deployments yet: traffic is split between deployments once it has some.</p>;
  }
  return (
    <Card>
      <CardHeader>
        <CardTitle>Traffic split</CardTitle>
        <CardDescription>
          Which share of the requests to <span className="font-mono">{endpoint.name}</span> each deployment answers. A request for a specific deployment (header{' '}
          <span className="font-mono">azureml-model-deployment</span>) goes to it whatever the split.
          {readOnly && ' You may read the split; changing it needs permission to manage endpoints.'}
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-5">
        <TrafficBar traffic={draft} size="lg" />

        {names.length === 2 ? (
          <TwoWaySlider names={[names[0], names[1]]} traffic={draft} disabled={readOnly} onChange={set} />
        ) : (
          <fieldset className="grid gap-2" disabled={readOnly}>
            <legend className="mb-1 text-sm font-medium">Share per deployment</legend>
            <div className="grid gap-2 sm:grid-cols-2 lg:grid-cols-3">
              {names.map((d, i) => (
                <label key={d} className="flex items-center gap-2 rounded-md border border-border px-3 py-2 text-sm">
                  <span aria-hidden className={cn('size-2.5 shrink-0 rounded-full', segmentClass(i))} />
                  <span className="min-w-0 flex-1 truncate font-mono">{d}</span>
                  <Input
                    type="number"
                    min={0}
                    max={100}
                    step={1}
                    inputMode="numeric"
                    aria-label={`Percent of traffic to ${d}`}
                    className="h-8 w-20 text-right tabular-nums"
                    value={Number.isFinite(draft[d]) ? draft[d] : ''}
                    onChange={(e) => set({ ...draft, [d]: e.currentTarget.value === '' ? 0 : clampPercent(Number(e.currentTarget.value)) })}
                  />
                  <span className="text-muted-foreground">%</span>
                </label>
              ))}
            </div>
            <p className={cn('text-sm tabular-nums', total === 100 || total === 0 ? 'text-muted-foreground' : 'font-medium text-warning-text')} aria-live="polite">
              {total === 100 ? 'All 100 % assigned.' : total === 0 ? 'Nothing assigned: the endpoint answers no requests.' : total < 100 ? `${100 - total} % left to assign.` : `${total - 100} % over 100.`}
            </p>
          </fieldset>
        )}

        {mirror.length > 0 && (
          <p className="text-sm">
            <span className="font-medium">Mirrored traffic:</span>{' '}
            {mirror.map(([d, p], i) => (
              <span key={d}>
                {i > 0 && ', '}
                <span className="font-mono">{d}</span> gets a copy of {p} % of the requests
              </span>
            ))}{' '}
            <span className="text-muted-foreground">(its answers are dropped).</span>
          </p>
        )}

        {!readOnly && (
          <>
            <FormError message={update.error ? `${update.error}${update.fieldErrors.traffic && !update.error.includes(update.fieldErrors.traffic) ? ` — ${update.fieldErrors.traffic}` : ''}` : null} />
            <div className="flex flex-wrap items-center gap-2">
              <Button onClick={save} pending={update.pending} disabled={!dirty || !!problem || update.pending}>
                <Save aria-hidden /> Save traffic
              </Button>
              <Button variant="secondary" onClick={reset} disabled={!dirty || update.pending}>
                <RotateCcw aria-hidden /> Reset
              </Button>
              <span className="mx-1 h-6 w-px bg-border" aria-hidden />
              {names
                .filter((d) => (draft[d] ?? 0) < 100)
                .map((d) => (
                  <Button key={d} variant="ghost" onClick={() => set(promote(names, d))} disabled={update.pending}>
                    <ArrowUpToLine aria-hidden /> Promote <span className="font-mono">{d}</span>
                  </Button>
                ))}
              {dirty && <span className="text-xs text-muted-foreground">Not saved yet — recorded: {Object.entries(recorded).map(([d, p]) => `${d} ${p} %`).join(' · ')}</span>}
            </div>
          </>
        )}
      </CardContent>
    </Card>
  );
}

/** Two deployments, one slider: left is the first deployment's share, the rest goes to the second. */
function TwoWaySlider({ names, traffic, disabled, onChange }: { names: [string, string]; traffic: Traffic; disabled: boolean; onChange: (t: Traffic) => void }) {
  const [a, b] = names;
  const value = traffic[a] ?? 0;
  const id = React.useId();
  return (
    <div className="grid gap-2">
      <label htmlFor={id} className="text-sm font-medium">
        Split between <span className="font-mono">{a}</span> and <span className="font-mono">{b}</span>
      </label>
      <div className="flex items-center gap-3">
        <span className="w-28 text-right text-sm tabular-nums">
          <span className="font-mono">{a}</span> <span className="font-semibold">{value} %</span>
        </span>
        <input
          id={id}
          type="range"
          min={0}
          max={100}
          step={1}
          value={value}
          disabled={disabled}
          aria-valuetext={`${a} ${value} %, ${b} ${traffic[b] ?? 0} %`}
          onChange={(e) => onChange(splitTwo(names, Number(e.currentTarget.value)))}
          className="h-2 flex-1 cursor-pointer accent-accent disabled:cursor-not-allowed disabled:opacity-60"
        />
        <span className="w-28 text-sm tabular-nums">
          <span className="font-semibold">{traffic[b] ?? 0} %</span> <span className="font-mono">{b}</span>
        </span>
      </div>
      <p className="text-xs text-muted-foreground">Arrow keys move the split by 1 %, Page Up / Page Down by 10 %.</p>
    </div>
  );
}
