'use client';

import * as React from 'react';
import { CircleAlert } from 'lucide-react';
import { cn } from '@/lib/utils';
import type { YamlMarker } from '@/lib/jobs/yaml-positions';

// A plain-text YAML editor: a monospace <textarea> with a line-number gutter that scrolls with it, lines with
// problems marked in the gutter, and the problems listed below as "line:col message" (each moves the cursor
// there). CodeMirror is not a dependency of the console yet; this keeps the same affordances without it.

export interface YamlEditorProps {
  id: string;
  value: string;
  onChange?: (value: string) => void;
  markers?: YamlMarker[];
  readOnly?: boolean;
  rows?: number;
  'aria-label'?: string;
  'aria-describedby'?: string;
}

export function YamlEditor({ id, value, onChange, markers = [], readOnly, rows = 24, ...aria }: YamlEditorProps) {
  const area = React.useRef<HTMLTextAreaElement>(null);
  const gutter = React.useRef<HTMLDivElement>(null);
  const lines = Math.max(value.split('\n').length, rows);
  const marked = new Map<number, string>();
  for (const m of markers) if (!marked.has(m.line)) marked.set(m.line, m.message);
  const listId = `${id}-problems`;

  function goTo(line: number, col: number) {
    const el = area.current;
    if (!el) return;
    const text = el.value.split('\n');
    let offset = 0;
    for (let i = 0; i < Math.min(line - 1, text.length); i++) offset += text[i].length + 1;
    offset += Math.max(0, Math.min(col - 1, (text[line - 1] ?? '').length));
    el.focus();
    el.setSelectionRange(offset, offset);
    const lineHeight = el.scrollHeight / Math.max(text.length, 1);
    el.scrollTop = Math.max(0, (line - 4) * lineHeight);
  }

  return (
    <div className="space-y-2">
      <div className={cn('flex overflow-hidden rounded-md border bg-surface font-mono text-xs leading-5', markers.length ? 'border-danger' : 'border-input')}>
        <div ref={gutter} aria-hidden className="select-none overflow-hidden border-r border-border bg-muted px-2 py-2 text-right text-muted-foreground" style={{ height: `${rows * 1.25 + 1}rem` }}>
          {Array.from({ length: lines }, (_, i) => (
            <div key={i} title={marked.get(i + 1)} className={cn('tabular-nums', marked.has(i + 1) && 'font-semibold text-danger-text')}>
              {marked.has(i + 1) ? '● ' : ''}
              {i + 1}
            </div>
          ))}
        </div>
        <textarea
          ref={area}
          id={id}
          value={value}
          readOnly={readOnly}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          wrap="off"
          onChange={(e) => onChange?.(e.currentTarget.value)}
          onScroll={(e) => {
            if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
          }}
          onKeyDown={(e) => {
            // Tab indents (two spaces) instead of leaving the field; Escape then Tab still moves focus.
            if (e.key === 'Tab' && !e.shiftKey && !readOnly && !e.nativeEvent.isComposing) {
              const el = e.currentTarget;
              if (el.dataset.escaped === '1') return;
              e.preventDefault();
              const { selectionStart: s, selectionEnd: t } = el;
              const next = `${el.value.slice(0, s)}  ${el.value.slice(t)}`;
              onChange?.(next);
              requestAnimationFrame(() => el.setSelectionRange(s + 2, s + 2));
            }
            e.currentTarget.dataset.escaped = e.key === 'Escape' ? '1' : '';
          }}
          aria-invalid={markers.length ? true : undefined}
          aria-label={aria['aria-label']}
          aria-describedby={[aria['aria-describedby'], markers.length ? listId : undefined].filter(Boolean).join(' ') || undefined}
          className="min-w-0 flex-1 resize-none bg-transparent px-3 py-2 text-foreground outline-none focus-visible:ring-2 focus-visible:ring-ring"
          style={{ height: `${rows * 1.25 + 1}rem` }}
        />
      </div>
      {markers.length > 0 && (
        <ul id={listId} aria-label="Problems in the YAML" className="space-y-1 text-xs">
          {markers.map((m, i) => (
            <li key={i}>
              <button type="button" onClick={() => goTo(m.line, m.col)} className="flex items-start gap-1.5 text-left text-danger-text hover:underline">
                <CircleAlert aria-hidden className="mt-0.5 size-3.5 shrink-0" />
                <span>
                  <span className="font-mono tabular-nums">
                    {m.line}:{m.col}
                  </span>{' '}
                  {m.message}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
