// Hostile YAML for the tests and the benchmark (lib/yaml-limits.ts caps what reading them may cost).

/** A job file whose `tags` hold `levels` levels of `width` aliases each: width^(levels+1) scalars once expanded. */
export function aliasBomb(levels: number, width = 10, head = 'command: echo hello\nenvironment: {image: python:3.11-slim}\ncompute: azureml:cpu-cluster\n'): string {
  const lines = [`tags:`, `  l0: &l0 [${Array(width).fill('lol').join(', ')}]`];
  for (let i = 1; i <= levels; i++) lines.push(`  l${i}: &l${i} [${Array(width).fill(`*l${i - 1}`).join(', ')}]`);
  return head + lines.join('\n') + '\n';
}

/** Nodes of aliasBomb's `tags` once expanded (each level: the list itself and `width` copies of the level below). */
export function aliasBombNodes(levels: number, width = 10): number {
  let level = 1 + width; // l0: the list and its scalars
  let total = 1 + 1 + level; // the tags mapping, key l0, l0
  for (let i = 1; i <= levels; i++) {
    level = 1 + width * level;
    total += 1 + level;
  }
  return total;
}

/** `depth` nested flow sequences under `tags` (what overflows a recursive parser's stack). */
export function nestingBomb(depth: number, head = 'command: echo hello\n'): string {
  return `${head}tags: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
}
