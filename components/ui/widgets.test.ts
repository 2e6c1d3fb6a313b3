// Server-rendered output of the presentational building blocks: what a user (or a screen reader) gets.
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { CapacityBar } from './capacity-bar';
import { EmptyState } from './empty-state';
import { FormField } from './form-field';
import { Gauge, gaugeTone } from './gauge';
import { Input } from './input';
import { PartialBanner } from './partial-banner';
import { RelativeTime } from './relative-time';

const GiB = 2 ** 30;
const attr = (html: string, name: string) => new RegExp(`${name}="([^"]*)"`).exec(html)?.[1];

describe('FormField', () => {
  it('labels the control and ties description and error to it', () => {
    const html = renderToStaticMarkup(
      h(FormField, {
        label: 'Name', description: 'Lowercase letters and dashes', error: 'Required', id: 'name', required: true,
        children: h(Input, {}),
      }),
    );
    expect(html).toContain('for="name"');
    expect(html).toMatch(/<input[^>]*id="name"/);
    expect(attr(html, 'aria-describedby')).toBe('name-description name-error');
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('aria-required="true"');
    expect(html).toMatch(/id="name-error"[^>]*>Required</);
  });

  it('leaves a valid control unmarked', () => {
    const html = renderToStaticMarkup(h(FormField, { label: 'Name', id: 'n', children: h(Input, {}) }));
    expect(html).not.toContain('aria-invalid="');
    expect(html).not.toContain('aria-describedby="');
  });

  it('hands the wiring to a render function for other controls', () => {
    const html = renderToStaticMarkup(
      h(FormField, { label: 'YAML', error: ['Bad indent', 'line 3'], id: 'y', children: (c) => h('div', { ...c, role: 'textbox' }) }),
    );
    expect(html).toMatch(/<div id="y" aria-describedby="y-error" aria-invalid="true" role="textbox">/);
    expect(html).toContain('Bad indent line 3');
  });
});

describe('CapacityBar', () => {
  it('says how many GPUs are free and exposes a named meter', () => {
    const html = renderToStaticMarkup(h(CapacityBar, { kind: 'gpu', allocatable: 8, requested: 5, model: 'NVIDIA A100' }));
    expect(html).toContain('3 of 8 GPUs free');
    expect(html).toContain('role="meter"');
    expect(attr(html, 'aria-label')).toBe('GPU capacity');
    expect(attr(html, 'aria-valuetext')).toBe('5 of 8 GPUs requested; 3 of 8 GPUs free');
    expect(html).toContain('width:62.5%');
  });

  it('draws usage inside requests and reads memory in GiB', () => {
    const html = renderToStaticMarkup(h(CapacityBar, { kind: 'memory', allocatable: 64 * GiB, requested: 32 * GiB, used: 16 * GiB }));
    expect(html).toContain('32.0 of 64.0 GiB free');
    expect(html).toContain('width:25%');
    expect(attr(html, 'aria-valuetext')).toContain('16.0 in use');
  });

  it('flags over-commitment without a negative free count', () => {
    const html = renderToStaticMarkup(h(CapacityBar, { kind: 'cpu', allocatable: 4, requested: 6 }));
    expect(html).toContain('over-committed · 0 of 4 cores free');
    expect(html).toContain('bg-warning');
    expect(attr(html, 'aria-valuenow')).toBe('4');
  });
});

describe('Gauge', () => {
  it('shows quota use as percent and words', () => {
    const html = renderToStaticMarkup(h(Gauge, { label: 'GPUs', used: 6, limit: 16, kind: 'gpu' }));
    expect(html).toContain('38%');
    expect(html).toContain('6 of 16 GPUs');
    expect(attr(html, 'aria-valuetext')).toBe('6 of 16 GPUs (38%)');
  });

  it('reads "no limit" when there is no quota', () => {
    const html = renderToStaticMarkup(h(Gauge, { label: 'Jobs', used: 3, limit: null }));
    expect(html).toContain('3 used · no limit');
    expect(html).not.toContain('aria-valuemax');
  });

  it('warns as the quota fills', () => {
    expect(gaugeTone(0.5)).toBe('accent');
    expect(gaugeTone(0.8)).toBe('warning');
    expect(gaugeTone(0.95)).toBe('danger');
  });
});

describe('states', () => {
  it('partial banner counts unreachable clusters and names them', () => {
    const html = renderToStaticMarkup(
      h(PartialBanner, { total: 3, errors: [{ source: 'onprem-factory', message: 'connection refused' }] }),
    );
    expect(html).toContain('1 of 3 clusters unreachable — showing the others');
    expect(html).toContain('onprem-factory');
    expect(html).toContain('connection refused');
    expect(renderToStaticMarkup(h(PartialBanner, { total: 3, errors: [] }))).toBe('');
  });

  it('empty state offers the next step', () => {
    const html = renderToStaticMarkup(
      h(EmptyState, { title: 'No jobs yet', description: 'Submit a job to train a model.', action: h('a', { href: '/new' }, 'Submit job') }),
    );
    expect(html).toContain('No jobs yet');
    expect(html).toContain('href="/new"');
  });

  it('relative time renders a fixed UTC time on the server so hydration matches', () => {
    const html = renderToStaticMarkup(h(RelativeTime, { value: '2025-11-28T13:59:07Z' }));
    expect(html).toContain('dateTime="2025-11-28T13:59:07.000Z"');
    expect(html).toContain('>2025-11-28 13:59 UTC</time>');
    expect(renderToStaticMarkup(h(RelativeTime, { value: 'nonsense' }))).toContain('—');
  });
});
