'use client';

import * as React from 'react';
import { Container } from 'lucide-react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from '@/components/ui/dialog';
import { FormField } from '@/components/ui/form-field';
import { Input } from '@/components/ui/input';
import { Textarea } from '@/components/ui/textarea';
import { FormError } from '@/components/forms/form-error';
import { issuesToFields, useAction } from '@/components/forms/use-action';
import { environmentForm } from '@/lib/jobs/environment-schema';

/** Register an environment: name and version → image (the same schema the server checks). */
export function CreateEnvironmentDialog({ workspace }: { workspace: string }) {
  const [open, setOpen] = React.useState(false);
  const action = useAction<{ reference: string }>('environments.create');
  const [touched, setTouched] = React.useState(false);

  function read(form: HTMLFormElement) {
    const f = new FormData(form);
    const opt = (k: string) => (String(f.get(k) ?? '').trim() ? String(f.get(k)) : undefined);
    return { name: String(f.get('name') ?? '').trim(), version: String(f.get('version') ?? '').trim(), image: String(f.get('image') ?? '').trim(), condaFile: opt('condaFile'), description: opt('description') };
  }
  function check(form: HTMLFormElement) {
    const r = environmentForm.safeParse(read(form));
    action.setFieldErrors(r.success ? {} : issuesToFields(r.error.issues));
    return r.success;
  }

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setTouched(true);
    if (!check(e.currentTarget)) return;
    const r = await action.run({ workspace, ...read(e.currentTarget) });
    if (r.ok) {
      setOpen(false);
      toast.success(`Environment ${r.data.reference} registered`);
    }
  }

  return (
    <Dialog open={open} onOpenChange={(o) => { setOpen(o); if (!o) { action.reset(); setTouched(false); } }}>
      <DialogTrigger asChild>
        <Button>
          <Container aria-hidden /> Register environment
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Register environment</DialogTitle>
          <DialogDescription>
            A name and version for a prebuilt image, so job files can write <span className="font-mono">environment: azureml:&lt;name&gt;:&lt;version&gt;</span> (or @latest). Versions cannot be changed; register a new one.
          </DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} onChange={(e) => touched && check(e.currentTarget)} className="space-y-4" noValidate>
          <div className="grid grid-cols-3 gap-3">
            <FormField className="col-span-2" label="Name" required error={action.fieldErrors.name}>
              <Input name="name" className="font-mono" autoComplete="off" />
            </FormField>
            <FormField label="Version" required error={action.fieldErrors.version}>
              <Input name="version" className="font-mono" defaultValue="1" autoComplete="off" />
            </FormField>
          </div>
          <FormField label="Image" required description="e.g. registry.example.com/team/torch:2.4" error={action.fieldErrors.image}>
            <Input name="image" className="font-mono" autoComplete="off" />
          </FormField>
          <FormField label="Conda file" description="Optional: what the image holds (shown, not built)" error={action.fieldErrors.condaFile}>
            <Textarea name="condaFile" mono rows={4} />
          </FormField>
          <FormField label="Description" error={action.fieldErrors.description}>
            <Input name="description" />
          </FormField>
          <FormError message={action.error} />
          <DialogFooter>
            <Button type="submit" pending={action.pending}>Register</Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
