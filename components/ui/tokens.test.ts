// The colour tokens in app/globals.css must meet WCAG AA in light and dark (UI.md "Accessibility"):
// 4.5:1 for text, 3:1 for control borders and the focus ring (WCAG 1.4.11).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const css = readFileSync(fileURLToPath(new URL('../../app/globals.css', import.meta.url)), 'utf8');

function block(selector: string): Record<string, string> {
  const start = css.indexOf(`${selector} {`);
  if (start < 0) throw new Error(`no ${selector} block in globals.css`);
  const body = css.slice(start, css.indexOf('}', start));
  const vars: Record<string, string> = {};
  for (const m of body.matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{6})\s*;/g)) vars[m[1]] = m[2];
  return vars;
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const TEXT_PAIRS: [string, string][] = [
  ['foreground', 'background'], ['foreground', 'surface'], ['foreground', 'muted'], ['foreground', 'sidebar'],
  ['muted-foreground', 'background'], ['muted-foreground', 'surface'], ['muted-foreground', 'muted'],
  ['muted-foreground', 'sidebar'],
  ['accent-foreground', 'accent'], ['accent-text', 'accent-soft'], ['accent-text', 'background'], ['accent-text', 'surface'],
  ['danger-foreground', 'danger'],
  ...(['success', 'warning', 'danger', 'info'] as const).flatMap((tone): [string, string][] => [
    [`${tone}-text`, `${tone}-soft`], [`${tone}-text`, 'background'], [`${tone}-text`, 'surface'],
  ]),
];

const NON_TEXT_PAIRS: [string, string][] = [
  ['input', 'background'], ['input', 'surface'], ['ring', 'background'], ['ring', 'surface'],
  ['success', 'background'], ['warning', 'background'], ['danger', 'background'], ['info', 'background'],
];

describe.each([[':root', 'light'], ['.dark', 'dark']])('%s tokens (%s)', (selector) => {
  const vars = block(selector);

  it.each(TEXT_PAIRS)('%s on %s reaches 4.5:1', (fg, bg) => {
    expect(vars[fg], fg).toBeDefined();
    expect(vars[bg], bg).toBeDefined();
    expect(contrast(vars[fg], vars[bg])).toBeGreaterThanOrEqual(4.5);
  });

  it.each(NON_TEXT_PAIRS)('%s against %s reaches 3:1', (fg, bg) => {
    expect(contrast(vars[fg], vars[bg])).toBeGreaterThanOrEqual(3);
  });
});

it('light and dark define the same tokens, each exposed as a Tailwind colour', () => {
  const light = Object.keys(block(':root')).sort();
  expect(Object.keys(block('.dark')).sort()).toEqual(light);
  for (const name of light) expect(css).toContain(`--color-${name}: var(--${name});`);
});
