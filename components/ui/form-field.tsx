import * as React from 'react';
import { cn } from '@/lib/utils';
import { Label } from './label';

/** Props FormField hands to its control so label, description and error are announced with it. */
export interface FieldControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
  'aria-required'?: true;
}

export interface FormFieldProps {
  label: React.ReactNode;
  /** Help text shown under the control. */
  description?: React.ReactNode;
  /** Validation message (client zod or the server's problem+json field error); marks the control invalid. */
  error?: string | string[];
  required?: boolean;
  /** Control id; generated when omitted. */
  id?: string;
  className?: string;
  /**
   * The control: either one element (it receives id / aria-* props) or a function of those props for
   * controls that spell them differently.
   */
  children: React.ReactElement<{ 'aria-describedby'?: string }> | ((control: FieldControlProps) => React.ReactNode);
}

/** Label + control + description + error, wired with htmlFor / aria-describedby / aria-invalid. */
export function FormField({ label, description, error, required, id, className, children }: FormFieldProps) {
  const autoId = React.useId();
  const controlId = id ?? `field-${autoId}`;
  const descriptionId = description ? `${controlId}-description` : undefined;
  const errors = (Array.isArray(error) ? error : error ? [error] : []).filter(Boolean);
  const errorId = errors.length > 0 ? `${controlId}-error` : undefined;
  const describedBy = [descriptionId, errorId].filter(Boolean).join(' ') || undefined;

  const control: FieldControlProps = {
    id: controlId,
    'aria-describedby': describedBy,
    'aria-invalid': errorId ? true : undefined,
    'aria-required': required ? true : undefined,
  };

  return (
    <div className={cn('grid gap-1.5', className)}>
      <Label htmlFor={controlId} required={required}>{label}</Label>
      {typeof children === 'function'
        ? children(control)
        : React.cloneElement(children, {
            ...control,
            'aria-describedby': [children.props['aria-describedby'], describedBy].filter(Boolean).join(' ') || undefined,
          })}
      {description && (
        <p id={descriptionId} className="text-xs text-muted-foreground">{description}</p>
      )}
      {errorId && (
        <p id={errorId} className="text-xs font-medium text-danger-text">
          {errors.join(' ')}
        </p>
      )}
    </div>
  );
}
