import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { STATUS_VOCABULARY, StatusBadge, statusStyle, type StatusKind } from './status-badge';

const render = (kind: StatusKind, status: string) => renderToStaticMarkup(h(StatusBadge, { kind, status }));

describe('StatusBadge', () => {
  const all = Object.entries(STATUS_VOCABULARY).flatMap(([kind, table]) =>
    Object.keys(table).map((status) => [kind as StatusKind, status] as const),
  );

  it.each(all)('%s %s shows an icon and a word, not colour alone', (kind, status) => {
    const html = render(kind, status);
    expect(html).toMatch(/<svg[^>]*aria-hidden="true"/);
    expect(html).toContain(`>${statusStyle(kind, status).label}</span>`);
  });

  it('covers every vocabulary from the UI spec', () => {
    expect(Object.keys(STATUS_VOCABULARY.cluster)).toEqual(['Healthy', 'Degraded', 'Unreachable', 'Unknown']);
    expect(Object.keys(STATUS_VOCABULARY.job)).toEqual([
      'NotStarted', 'Queued', 'Preparing', 'Running', 'Finalizing', 'Completed', 'Failed', 'Canceled',
    ]);
    expect(Object.keys(STATUS_VOCABULARY.deployment)).toEqual(['Provisioning', 'Healthy', 'Unhealthy', 'Updating', 'Deleting']);
    expect(Object.keys(STATUS_VOCABULARY.endpoint)).toEqual(['Creating', 'Updating', 'Succeeded', 'Failed', 'Deleting']);
    expect(Object.keys(STATUS_VOCABULARY.check)).toEqual(['ok', 'warning', 'error']);
    expect(Object.keys(STATUS_VOCABULARY.extension)).toEqual(['notInstalled', 'installing', 'installed', 'failed']);
    expect(Object.keys(STATUS_VOCABULARY.user)).toEqual(['active', 'disabled']);
  });

  it('keeps Azure ML words for jobs and plain words elsewhere', () => {
    expect(render('job', 'NotStarted')).toContain('>NotStarted<');
    expect(render('extension', 'notInstalled')).toContain('>Not installed<');
    expect(render('check', 'ok')).toContain('>OK<');
  });

  it('distinguishes good from bad by tone as well as words', () => {
    expect(render('job', 'Completed')).toContain('text-success-text');
    expect(render('job', 'Failed')).toContain('text-danger-text');
    expect(render('cluster', 'Degraded')).toContain('text-warning-text');
  });

  it('spins in-progress icons only when motion is allowed', () => {
    expect(render('job', 'Running')).toContain('motion-safe:animate-spin');
    expect(render('job', 'Queued')).not.toContain('animate-spin');
  });

  it('shows an unexpected value as itself rather than hiding it', () => {
    const html = render('job', 'Paused');
    expect(html).toContain('>Paused<');
    expect(html).toContain('bg-muted');
    expect(render('job', 'toString')).toContain('>toString<');
  });

  it('appends a detail after the word', () => {
    const html = renderToStaticMarkup(h(StatusBadge, { kind: 'job', status: 'Failed', detail: 'OOMKilled' }));
    expect(html).toContain('>Failed</span><span class="font-normal">· OOMKilled</span>');
  });
});
