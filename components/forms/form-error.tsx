import { AlertCircle } from 'lucide-react';

/** The server's message for a form (announced to screen readers). */
export function FormError({ message }: { message: string | null }) {
  return (
    <div aria-live="assertive">
      {message ? (
        <p role="alert" className="flex items-start gap-2 rounded-md border border-danger/40 bg-danger-soft px-3 py-2 text-sm text-danger-text">
          <AlertCircle aria-hidden className="mt-0.5 size-4 shrink-0" />
          <span>{message}</span>
        </p>
      ) : null}
    </div>
  );
}
