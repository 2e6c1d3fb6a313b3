'use client';

import * as React from 'react';
import { CircleCheck, CircleX } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';

/** The answer of an action run from a button (a connection's test, a cluster's credentials from Azure), announced as it arrives. */
export function ResultDialog({
  open, onOpenChange, title, description, children,
}: { open: boolean; onOpenChange: (open: boolean) => void; title: string; description: string; children: React.ReactNode }) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="sm:max-w-xl">
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription>{description}</DialogDescription>
        </DialogHeader>
        <div aria-live="polite" className="grid gap-3">
          {children}
        </div>
        <DialogFooter>
          <Button variant="secondary" onClick={() => onOpenChange(false)}>
            Close
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

/** ok / failed as icon and colour beside a step's words (the words say which). */
export function OutcomeIcon({ ok }: { ok: boolean }) {
  return ok ? <CircleCheck aria-hidden className="mt-0.5 size-4 shrink-0 text-success-text" /> : <CircleX aria-hidden className="mt-0.5 size-4 shrink-0 text-danger-text" />;
}
