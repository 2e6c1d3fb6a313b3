'use client';

import * as React from 'react';
import { FileArchive, FolderUp, X } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { cn } from '@/lib/utils';

// The job's code: a folder dropped (or picked) keeps its files' paths relative to the folder's parent
// (`src/train.py`), as the API expects; a .zip or .tar.gz goes up as the code archive. Nothing is read here
// beyond names and sizes; the server unpacks, checks and stores it.

export interface PickedFile {
  path: string;
  file: File;
}

export interface CodeUpload {
  files: PickedFile[];
  archive?: File;
}

const ARCHIVE_RE = /\.(zip|tar\.gz|tgz)$/i;

function entryFiles(entry: FileSystemEntry, prefix = ''): Promise<PickedFile[]> {
  if (entry.isFile) {
    return new Promise((resolve, reject) => (entry as FileSystemFileEntry).file((f) => resolve([{ path: `${prefix}${entry.name}`, file: f }]), reject));
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const all: FileSystemEntry[] = [];
  return new Promise((resolve, reject) => {
    // readEntries returns batches (100 in Chrome) until an empty one.
    const next = () =>
      reader.readEntries(async (batch) => {
        if (batch.length) {
          all.push(...batch);
          next();
          return;
        }
        try {
          const nested = await Promise.all(all.map((e) => entryFiles(e, `${prefix}${entry.name}/`)));
          resolve(nested.flat());
        } catch (err) {
          reject(err);
        }
      }, reject);
    next();
  });
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.max(1, Math.round(bytes / 1024))} KiB`;
}

/** The words of the drop zone: a job's code (default), or a model's files (the register model form). */
const WORDS = {
  code: { group: 'Code upload', folderInput: 'Code folder', archiveInput: 'Code archive', thing: 'code', folder: 'the code folder', sentWith: 'the job' },
  model: { group: 'Model files upload', folderInput: 'Model folder', archiveInput: 'Model archive', thing: 'model files', folder: 'the model folder', sentWith: 'the model' },
};

export function CodeDrop({ value, onChange, codePath, disabled, subject = 'code' }: { value: CodeUpload; onChange: (v: CodeUpload) => void; codePath?: string; disabled?: boolean; subject?: keyof typeof WORDS }) {
  const words = WORDS[subject];
  const [over, setOver] = React.useState(false);
  const folderInput = React.useRef<HTMLInputElement>(null);
  const archiveInput = React.useRef<HTMLInputElement>(null);
  const total = value.files.reduce((n, f) => n + f.file.size, 0) + (value.archive?.size ?? 0);
  const folders = [...new Set(value.files.map((f) => f.path.split('/')[0]))];

  async function onDrop(e: React.DragEvent) {
    e.preventDefault();
    setOver(false);
    if (disabled) return;
    const items = [...e.dataTransfer.items].map((i) => i.webkitGetAsEntry?.()).filter((x): x is FileSystemEntry => !!x);
    const dropped = [...e.dataTransfer.files];
    if (dropped.length === 1 && ARCHIVE_RE.test(dropped[0].name) && !items.some((i) => i.isDirectory)) {
      onChange({ files: [], archive: dropped[0] });
      return;
    }
    const files = items.length ? (await Promise.all(items.map((i) => entryFiles(i)))).flat() : dropped.map((f) => ({ path: f.name, file: f }));
    onChange({ files, archive: undefined });
  }

  return (
    <div
      role="group"
      aria-label={words.group}
      onDragOver={(e) => {
        e.preventDefault();
        if (!disabled) setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      className={cn('rounded-md border border-dashed p-4 text-sm', over ? 'border-accent bg-accent-soft' : 'border-input', disabled && 'opacity-60')}
    >
      <div className="flex flex-wrap items-center gap-2">
        <p className="mr-auto text-muted-foreground">
          Drop {words.folder}{codePath ? <> (<span className="font-mono">{codePath}</span>)</> : ''} or a .zip / .tar.gz here
        </p>
        <Button type="button" variant="secondary" size="sm" disabled={disabled} onClick={() => folderInput.current?.click()}>
          <FolderUp aria-hidden /> Choose folder
        </Button>
        <Button type="button" variant="secondary" size="sm" disabled={disabled} onClick={() => archiveInput.current?.click()}>
          <FileArchive aria-hidden /> Choose archive
        </Button>
        <input
          ref={folderInput}
          type="file"
          className="sr-only"
          tabIndex={-1}
          aria-label={words.folderInput}
          data-testid="code-folder-input"
          multiple
          {...({ webkitdirectory: '', directory: '' } as Record<string, string>)}
          onChange={(e) => {
            const list = [...(e.currentTarget.files ?? [])];
            onChange({ files: list.map((f) => ({ path: f.webkitRelativePath || f.name, file: f })), archive: undefined });
            e.currentTarget.value = '';
          }}
        />
        <input
          ref={archiveInput}
          type="file"
          className="sr-only"
          tabIndex={-1}
          aria-label={words.archiveInput}
          accept=".zip,.tar.gz,.tgz,application/zip,application/gzip"
          onChange={(e) => {
            const f = e.currentTarget.files?.[0];
            if (f) onChange({ files: [], archive: f });
            e.currentTarget.value = '';
          }}
        />
      </div>
      <div aria-live="polite" className="mt-2">
        {(value.files.length > 0 || value.archive) && (
          <div className="flex flex-wrap items-center gap-2 text-xs">
            <span className="font-mono">{value.archive ? value.archive.name : folders.map((f) => `${f}/`).join(', ')}</span>
            <span className="text-muted-foreground">
              {value.archive ? 'archive' : `${value.files.length} file${value.files.length === 1 ? '' : 's'}`}, {size(total)} — sent with {words.sentWith}
            </span>
            <Button type="button" variant="ghost" size="icon-sm" aria-label={`Remove the uploaded ${words.thing}`} disabled={disabled} onClick={() => onChange({ files: [] })}>
              <X aria-hidden />
            </Button>
          </div>
        )}
      </div>
    </div>
  );
}
