'use client';

import * as React from 'react';
import { Plus, Trash2 } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import type { InputRow, KeyValue, OutputRow } from '@/lib/jobs/job-form';

// Repeating rows of the job form: key/value pairs (environment variables, tags), inputs and outputs. Each
// row's controls have their own labels; a server error on `inputs.<name>` shows under that row.

const selectClass = 'h-9 rounded-md border border-input bg-surface px-2 text-sm';

function Rows<T>({ legend, rows, onChange, blank, render, addLabel, error }: {
  legend: string;
  rows: T[];
  onChange: (rows: T[]) => void;
  blank: T;
  render: (row: T, set: (patch: Partial<T>) => void, i: number) => React.ReactNode;
  addLabel: string;
  error?: string;
}) {
  return (
    <fieldset className="grid gap-2">
      <legend className="mb-1 text-sm font-medium">{legend}</legend>
      {rows.map((row, i) => (
        <div key={i} className="flex flex-wrap items-start gap-2">
          {render(row, (patch) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r))), i)}
          <Button type="button" variant="ghost" size="icon" aria-label={`Remove ${legend.toLowerCase()} row ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            <Trash2 aria-hidden />
          </Button>
        </div>
      ))}
      <div>
        <Button type="button" variant="secondary" size="sm" onClick={() => onChange([...rows, blank])}>
          <Plus aria-hidden /> {addLabel}
        </Button>
      </div>
      {error && <p className="text-xs font-medium text-danger-text">{error}</p>}
    </fieldset>
  );
}

export function KeyValueRows({ legend, rows, onChange, error, keyLabel = 'Name', valueLabel = 'Value' }: { legend: string; rows: KeyValue[]; onChange: (r: KeyValue[]) => void; error?: string; keyLabel?: string; valueLabel?: string }) {
  return (
    <Rows
      legend={legend}
      rows={rows}
      onChange={onChange}
      blank={{ key: '', value: '' }}
      addLabel={`Add ${legend.toLowerCase().replace(/s$/, '')}`}
      error={error}
      render={(row, set, i) => (
        <>
          <Input aria-label={`${legend} ${i + 1} ${keyLabel.toLowerCase()}`} placeholder={keyLabel} className="w-48 font-mono" value={row.key} onChange={(e) => set({ key: e.currentTarget.value })} />
          <Input aria-label={`${legend} ${i + 1} ${valueLabel.toLowerCase()}`} placeholder={valueLabel} className="min-w-48 flex-1" value={row.value} onChange={(e) => set({ value: e.currentTarget.value })} />
        </>
      )}
    />
  );
}

export function InputRows({ rows, onChange, errors }: { rows: InputRow[]; onChange: (r: InputRow[]) => void; errors: Record<string, string> }) {
  return (
    <Rows
      legend="Inputs"
      rows={rows}
      onChange={onChange}
      blank={{ name: '', kind: 'literal', value: '' }}
      addLabel="Add input"
      error={errors.inputs}
      render={(row, set, i) => (
        <div className="grid flex-1 gap-1">
          <div className="flex flex-wrap gap-2">
            <Input aria-label={`Input ${i + 1} name`} placeholder="name" className="w-40 font-mono" value={row.name} onChange={(e) => set({ name: e.currentTarget.value })} />
            <select aria-label={`Input ${i + 1} type`} className={selectClass} value={row.kind} onChange={(e) => set({ kind: e.currentTarget.value as InputRow['kind'], literalType: undefined })}>
              <option value="literal">literal</option>
              <option value="uri_file">uri_file</option>
              <option value="uri_folder">uri_folder</option>
            </select>
            <Input
              aria-label={`Input ${i + 1} ${row.kind === 'literal' ? 'value' : 'path'}`}
              placeholder={row.kind === 'literal' ? '0.01' : 'https://…, wasbs://…, azureml://datastores/…, or ./local/file'}
              className="min-w-56 flex-1 font-mono"
              value={row.value}
              onChange={(e) => set({ value: e.currentTarget.value, ...(row.kind === 'literal' ? { literalType: undefined } : {}) })}
              aria-invalid={errors[`inputs.${row.name}`] ? true : undefined}
            />
            {row.kind !== 'literal' && (
              <select aria-label={`Input ${i + 1} mode`} className={selectClass} value={row.mode ?? ''} onChange={(e) => set({ mode: e.currentTarget.value as InputRow['mode'] })}>
                <option value="">ro_mount (default)</option>
                <option value="direct">direct</option>
              </select>
            )}
          </div>
          {errors[`inputs.${row.name}`] && <p className="text-xs font-medium text-danger-text">{errors[`inputs.${row.name}`]}</p>}
        </div>
      )}
    />
  );
}

export function OutputRows({ rows, onChange, errors }: { rows: OutputRow[]; onChange: (r: OutputRow[]) => void; errors: Record<string, string> }) {
  return (
    <Rows
      legend="Outputs"
      rows={rows}
      onChange={onChange}
      blank={{ name: '', type: 'uri_folder', mode: '' }}
      addLabel="Add output"
      error={errors.outputs}
      render={(row, set, i) => (
        <div className="grid flex-1 gap-1">
          <div className="flex flex-wrap gap-2">
            <Input aria-label={`Output ${i + 1} name`} placeholder="name" className="w-40 font-mono" value={row.name} onChange={(e) => set({ name: e.currentTarget.value })} aria-invalid={errors[`outputs.${row.name}`] ? true : undefined} />
            <select aria-label={`Output ${i + 1} type`} className={selectClass} value={row.type} onChange={(e) => set({ type: e.currentTarget.value as OutputRow['type'] })}>
              <option value="uri_folder">uri_folder</option>
              <option value="uri_file">uri_file</option>
            </select>
            <select aria-label={`Output ${i + 1} mode`} className={selectClass} value={row.mode} onChange={(e) => set({ mode: e.currentTarget.value as OutputRow['mode'] })}>
              <option value="">rw_mount (default)</option>
              <option value="upload">upload</option>
            </select>
          </div>
          {errors[`outputs.${row.name}`] && <p className="text-xs font-medium text-danger-text">{errors[`outputs.${row.name}`]}</p>}
        </div>
      )}
    />
  );
}
