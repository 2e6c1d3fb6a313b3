'use client';

import * as React from 'react';
import { Upload } from 'lucide-react';
import { FormField } from '@/components/ui/form-field';
import { Textarea } from '@/components/ui/textarea';

/** A PEM pasted or read from a file (read in the browser; it goes to the server only with the form). */
export function PemField({
  label, description, required, value, onChange, error,
}: { label: string; description?: string; required?: boolean; value: string; onChange: (v: string) => void; error?: string }) {
  const fileId = React.useId();
  return (
    <FormField label={label} required={required} description={description} error={error}>
      {(c) => (
        <div className="grid gap-1.5">
          <Textarea {...c} mono rows={5} value={value} onChange={(e) => onChange(e.target.value)} placeholder="-----BEGIN CERTIFICATE-----" spellCheck={false} />
          <label htmlFor={fileId} className="inline-flex w-fit cursor-pointer items-center gap-1.5 text-xs text-accent-text underline-offset-4 hover:underline has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-ring">
            <Upload aria-hidden className="size-3.5" /> Read from a file…
            <input
              id={fileId}
              type="file"
              accept=".pem,.crt,.cer,.key,text/plain"
              className="sr-only"
              onChange={async (e) => {
                const file = e.target.files?.[0];
                if (file) onChange(await file.text());
                e.target.value = '';
              }}
            />
          </label>
        </div>
      )}
    </FormField>
  );
}
