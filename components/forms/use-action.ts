'use client';

import * as React from 'react';
import { useRouter } from 'next/navigation';
import { invokeAction, type ActionResult } from '@/app/actions';

export interface UseActionState {
  pending: boolean;
  /** The server's problem detail, for a banner. */
  error: string | null;
  /** Field path → message, from the server's problem+json (or the client's zod check). */
  fieldErrors: Record<string, string>;
}

/** Calls a registered action through the console's server action, tracking pending state and field errors. */
export function useAction<T = unknown>(name: string) {
  const router = useRouter();
  const [state, setState] = React.useState<UseActionState>({ pending: false, error: null, fieldErrors: {} });
  const run = React.useCallback(
    async (input: unknown): Promise<ActionResult<T>> => {
      setState({ pending: true, error: null, fieldErrors: {} });
      const r = await invokeAction<T>(name, input);
      if (r.ok) {
        setState({ pending: false, error: null, fieldErrors: {} });
        router.refresh();
      } else {
        const fe: Record<string, string> = {};
        for (const f of r.error.fieldErrors ?? []) fe[f.path] ??= f.message;
        setState({ pending: false, error: r.error.detail, fieldErrors: fe });
      }
      return r;
    },
    [name, router],
  );
  const setFieldErrors = (fieldErrors: Record<string, string>) => setState((s) => ({ ...s, fieldErrors }));
  const reset = () => setState({ pending: false, error: null, fieldErrors: {} });
  return { ...state, run, setFieldErrors, reset };
}

/** zod issues → {path: message} for the client-side check (same schema as the server). */
export function issuesToFields(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) out[i.path.map(String).join('.') || '(form)'] ??= i.message;
  return out;
}
