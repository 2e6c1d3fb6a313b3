'use client';

import * as React from 'react';
import { parse } from 'yaml';
import { ShieldCheck, TriangleAlert, type LucideIcon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/forms/form-error';
import { YamlEditor } from '@/components/jobs/yaml-editor';
import { TabsList, TabsTrigger } from '@/components/ui/tabs';
import type { DocumentAnswer } from '@/components/jobs/job-request';
import type { Problem } from '@/components/jobs/types';
import { markersForErrors, yamlSyntaxMarkers, type YamlMarker } from '@/lib/jobs/yaml-positions';

// The editors that create an Azure ML document (New job, Register model): one document, two views — Form and
// YAML — switchable both ways without loss (UI.md "Forms"); Validate (the server's dry run) and the real
// request, with one Idempotency-Key per distinct request (retries of the same one reuse it).

export type EditorMode = 'form' | 'yaml';

export function newRequestKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}

/** The YAML text as data, or undefined while it does not parse. */
export function parseYamlLoosely(text: string): unknown {
  try {
    return parse(text, { uniqueKeys: false });
  } catch {
    return undefined;
  }
}

export interface TwoViewsStart<V> {
  mode: EditorMode;
  view: V;
  yaml: string;
  /** The form holds changes the YAML text does not (switching to YAML writes the form out). */
  formDirty: boolean;
}

export interface TwoViewsOptions<V> {
  /** What the document is, for "This job stays in YAML: …". */
  noun: string;
  /** The form as YAML text. */
  toYaml: (view: V) => string;
  /** The form view of a document ({} for empty text), or why the form cannot show it. */
  toForm: (doc: unknown) => { ok: true; view: V } | { ok: false; reason: string };
  /** The YAML does not parse, so the form cannot show it (e.g. start showing the YAML's problems). */
  onSyntaxBlocked?: () => void;
}

/** The two views' state and the switch between them. `editView` marks the form as changed. */
export function useTwoViews<V>(start: () => TwoViewsStart<V>, opts: TwoViewsOptions<V>) {
  const [first] = React.useState(start);
  const [mode, setMode] = React.useState<EditorMode>(first.mode);
  const [view, setView] = React.useState<V>(first.view);
  const [yamlText, setYamlText] = React.useState(first.yaml);
  const [formDirty, setFormDirty] = React.useState(first.formDirty);
  const [note, setNote] = React.useState<string | null>(null);

  const editView = (update: (v: V) => V) => {
    setView(update);
    setFormDirty(true);
  };

  function switchTo(next: EditorMode) {
    setNote(null);
    if (next === mode) return;
    if (next === 'yaml') {
      if (formDirty || !yamlText) setYamlText(opts.toYaml(view));
      setMode('yaml');
      setFormDirty(false);
      return;
    }
    if (yamlSyntaxMarkers(yamlText).length) {
      opts.onSyntaxBlocked?.();
      setNote('Fix the YAML syntax first: the form shows the same document.');
      return;
    }
    const v = opts.toForm(yamlText.trim() ? parse(yamlText, { uniqueKeys: false }) : {});
    if (!v.ok) {
      setNote(`This ${opts.noun} stays in YAML: ${v.reason}.`);
      return;
    }
    setView(v.view);
    setFormDirty(false);
    setMode('form');
  }

  return { mode, view, editView, yamlText, setYamlText, note, setNote, switchTo };
}

/** The Form | YAML tab list, with the note a refused switch leaves. Inside <Tabs value={mode} onValueChange={switchTo}>. */
export function TwoViewTabs({ label, note }: { label: string; note: string | null }) {
  return (
    <>
      <TabsList aria-label={label}>
        <TabsTrigger value="form">Form</TabsTrigger>
        <TabsTrigger value="yaml">YAML</TabsTrigger>
      </TabsList>
      {note && (
        <p role="status" className="mt-2 text-sm text-warning-text">
          {note}
        </p>
      )}
    </>
  );
}

type Issue = { path: string; message: string };

/**
 * The same checks as the server, in the browser, as the user types (once `enabled`: after the first blur or
 * Validate; deferred so typing stays smooth): YAML syntax first, then `checkYaml(text)` or `checkForm()`.
 */
export function useLocalProblems(opts: { enabled: boolean; mode: EditorMode; yamlText: string; documentKey: string; checkYaml: (text: string) => Issue[]; checkForm: () => Issue[] }): { errors: Issue[]; syntax: YamlMarker[] } {
  const deferred = React.useDeferredValue(opts.documentKey);
  return React.useMemo(() => {
    void deferred;
    if (!opts.enabled) return { errors: [], syntax: [] };
    if (opts.mode === 'yaml') {
      const syntax = yamlSyntaxMarkers(opts.yamlText);
      return syntax.length ? { errors: [], syntax } : { errors: opts.checkYaml(opts.yamlText), syntax: [] };
    }
    return { errors: opts.checkForm(), syntax: [] };
  }, [deferred, opts.enabled]); // eslint-disable-line react-hooks/exhaustive-deps
}

/**
 * Validate and the real request: `send(dryRun, request)` runs one, keeps the dry run's answer (`result`) or the
 * problem, and answers the created object (null on a problem). A changed document or files (`documentKey`,
 * `files`) is a new request: a new Idempotency-Key, and the last result no longer applies.
 */
export function useDocumentRequest<T>(documentKey: string, files: unknown) {
  const [result, setResult] = React.useState<T | null>(null);
  const [problem, setProblem] = React.useState<Problem | null>(null);
  const [pending, setPending] = React.useState<'validate' | 'submit' | null>(null);
  const idempotencyKey = React.useRef(newRequestKey());
  React.useEffect(() => {
    idempotencyKey.current = newRequestKey();
    setResult(null);
  }, [documentKey, files]);

  async function send(dryRun: boolean, request: (idempotencyKey: string | undefined) => Promise<DocumentAnswer<T>>): Promise<T | null> {
    setPending(dryRun ? 'validate' : 'submit');
    const answer = await request(dryRun ? undefined : idempotencyKey.current);
    setPending(null);
    if (!answer.ok) {
      setProblem(answer.problem);
      setResult(null);
      return null;
    }
    setProblem(null);
    if (dryRun) setResult(answer.data);
    return answer.data;
  }

  const banner = problem ? `${problem.detail}${problem.requestId ? ` (request ${problem.requestId})` : ''}` : null;
  return { result, problem, setProblem, pending, send, banner };
}

/**
 * Where the problems go: in the form, each on the field `fieldOf` names (the first per field) with the
 * browser's own `formCheck` filling the others, the rest listed; in YAML, markers on their lines.
 */
export function placeProblems<F extends string>(opts: { mode: EditorMode; errors: Issue[]; yamlText: string; syntax: YamlMarker[]; fieldOf: (path: string) => F | undefined; formCheck?: Partial<Record<F, string>> }) {
  const formErrors: Partial<Record<F, string>> = {};
  const unplaced: Issue[] = [];
  if (opts.mode === 'form') {
    for (const e of opts.errors) {
      const f = opts.fieldOf(e.path);
      if (!f) unplaced.push(e);
      else formErrors[f] ??= e.message;
    }
    for (const [f, m] of Object.entries(opts.formCheck ?? {}) as Array<[F, string]>) formErrors[f] ??= m;
  }
  const markers = opts.mode === 'yaml' ? [...opts.syntax, ...markersForErrors(opts.yamlText, opts.errors)] : [];
  return { formErrors, unplaced, markers };
}

/** Problems that belong to no form field, by their path. */
export function ProblemList({ problems, what }: { problems: ReadonlyArray<{ path: string; message: string }>; what: string }) {
  if (problems.length === 0) return null;
  return (
    <ul className="space-y-1 text-sm text-danger-text" aria-label="Problems">
      {problems.map((e, i) => (
        <li key={i}>
          <span className="font-mono">{e.path || `(${what})`}</span>: {e.message}
        </li>
      ))}
    </ul>
  );
}

/** Validate (the dry run) and the real request ("Submit", "Register"), both disabled while one is pending. */
export function ValidateAndSubmit({ pending, onRun, submitLabel, submitIcon: SubmitIcon }: { pending: 'validate' | 'submit' | null; onRun: (dryRun: boolean) => void; submitLabel: string; submitIcon: LucideIcon }) {
  return (
    <div className="flex flex-wrap gap-2">
      <Button variant="secondary" onClick={() => onRun(true)} pending={pending === 'validate'} disabled={pending !== null}>
        <ShieldCheck aria-hidden /> Validate
      </Button>
      <Button onClick={() => onRun(false)} pending={pending === 'submit'} disabled={pending !== null}>
        <SubmitIcon aria-hidden /> {submitLabel}
      </Button>
    </div>
  );
}

/** The YAML view's editor with its label and help (the help is the editor's description). Inside <TabsContent value="yaml">. */
export function YamlPane({ id, label, help, rows, value, onChange, markers }: { id: string; label: React.ReactNode; help: React.ReactNode; rows: number; value: string; onChange: (v: string) => void; markers: YamlMarker[] }) {
  return (
    <>
      <label htmlFor={id} className="mb-1.5 block text-sm font-medium">
        {label}
      </label>
      <p id={`${id}-help`} className="mb-2 text-xs text-muted-foreground">
        {help}
      </p>
      <YamlEditor id={id} rows={rows} value={value} onChange={onChange} markers={markers} aria-describedby={`${id}-help`} />
    </>
  );
}

/** Below the views: the server's message and the problems no field shows (announced), then Validate and the real request. */
export function EditorActions({ banner, unplaced, what, ...buttons }: { banner: string | null; unplaced: ReadonlyArray<{ path: string; message: string }>; what: string } & React.ComponentProps<typeof ValidateAndSubmit>) {
  return (
    <>
      <div aria-live="polite" className="grid max-w-4xl gap-2">
        <FormError message={banner} />
        <ProblemList problems={unplaced} what={what} />
      </div>
      <ValidateAndSubmit {...buttons} />
    </>
  );
}

/** A dry run's warnings, each with its field path. */
export function WarningList({ warnings }: { warnings: ReadonlyArray<{ path: string; message: string }> }) {
  return warnings.map((w, i) => (
    <p key={i} className="flex items-start gap-2 rounded-md bg-warning-soft px-3 py-2 text-warning-text">
      <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
      <span>
        {w.path ? <span className="font-mono font-medium">{w.path}: </span> : null}
        {w.message}
      </span>
    </p>
  ));
}
