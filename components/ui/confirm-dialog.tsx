'use client';

import * as React from 'react';
import { Button } from './button';
import {
  Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger,
} from './dialog';
import { Input } from './input';

export interface ConfirmDialogProps {
  /** What happens, as a verb phrase: "Remove cluster". Used as the title and, by default, the button label. */
  action: string;
  /** The object acted on, shown in monospace: "aks-westeurope". */
  objectName: string;
  /** What will happen, in plain words ("Jobs running on it keep running; Harbormaster stops tracking them."). */
  consequence: React.ReactNode;
  /** Ask the user to type the object's name before the button enables (for the big ones). */
  requireTypedName?: boolean;
  confirmLabel?: string;
  /** The button that closes the dialog without acting (default "Cancel"; say "Keep running" where Cancel is the action). */
  dismissLabel?: string;
  /** "danger" (default) for destructive actions, "primary" otherwise. */
  tone?: 'danger' | 'primary';
  /**
   * Runs the action. The dialog stays open and shows "pending" until it settles; a thrown error's
   * message is shown in the dialog. Return normally to close.
   */
  onConfirm: () => void | Promise<void>;
  /** The element that opens the dialog (uncontrolled use). */
  trigger?: React.ReactElement;
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
}

/** Confirmation for destructive actions: names the object and the consequence; optionally "type the name". */
export function ConfirmDialog({
  action, objectName, consequence, requireTypedName = false, confirmLabel, dismissLabel = 'Cancel', tone = 'danger', onConfirm, trigger,
  open: openProp, onOpenChange,
}: ConfirmDialogProps) {
  const [openState, setOpenState] = React.useState(false);
  const open = openProp ?? openState;
  const [typed, setTyped] = React.useState('');
  const [pending, setPending] = React.useState(false);
  const [error, setError] = React.useState<string | null>(null);
  const inputId = React.useId();

  const setOpen = (next: boolean) => {
    if (pending) return; // keep the dialog up until the action settles
    if (!next) { setTyped(''); setError(null); }
    setOpenState(next);
    onOpenChange?.(next);
  };

  const canConfirm = !requireTypedName || typed === objectName;

  async function confirm(event: React.FormEvent) {
    event.preventDefault();
    if (!canConfirm || pending) return;
    setPending(true);
    setError(null);
    try {
      await onConfirm();
      setPending(false);
      setTyped('');
      setOpenState(false);
      onOpenChange?.(false);
    } catch (err) {
      setPending(false);
      setError(err instanceof Error ? err.message : 'The action failed.');
    }
  }

  return (
    <Dialog open={open} onOpenChange={setOpen}>
      {trigger && <DialogTrigger asChild>{trigger}</DialogTrigger>}
      <DialogContent role="alertdialog">
        <form onSubmit={confirm} className="grid gap-4">
          <DialogHeader>
            <DialogTitle>
              {action} <span className="font-mono">{objectName}</span>?
            </DialogTitle>
            <DialogDescription asChild>
              <div>{consequence}</div>
            </DialogDescription>
          </DialogHeader>
          {requireTypedName && (
            <div className="grid gap-1.5">
              <label htmlFor={inputId} className="text-sm">
                Type <span className="font-mono font-semibold">{objectName}</span> to confirm
              </label>
              <Input
                id={inputId}
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
                autoComplete="off"
                spellCheck={false}
                className="font-mono"
              />
            </div>
          )}
          {error && <p role="alert" className="text-sm font-medium text-danger-text">{error}</p>}
          <DialogFooter>
            <Button variant="secondary" onClick={() => setOpen(false)} disabled={pending}>{dismissLabel}</Button>
            <Button type="submit" variant={tone} pending={pending} disabled={!canConfirm}>
              {confirmLabel ?? action}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
