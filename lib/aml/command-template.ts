// `${{inputs.x}}`, `${{outputs.y}}` and `${{search_space.z}}` in a job's command, as Azure ML handles them:
// - a binding is replaced by its value: a literal input by Python's str() of it, a data input by the path
//   where it is mounted (or its URI in `direct` mode), an output by the folder the job writes to;
// - `$[[ … ]]` marks an optional block: kept (with its bindings replaced) when every input it references is
//   given, removed entirely otherwise — how `--flag ${{inputs.maybe}}` is left out when `maybe` is absent;
// - the pre-GA single-brace form `{inputs.x}` is still read (the SDK rewrites it and warns), so is ours;
// - a reference to something the job does not declare is refused (the SDK refuses unknown inputs before
//   submitting; the service refuses the rest), naming the command field.

export type BindingKind = 'inputs' | 'outputs' | 'search_space';

export interface Binding {
  kind: BindingKind | 'unknown';
  name: string;
  /** Text as written, e.g. `${{ inputs.lr }}`. */
  raw: string;
  optional: boolean;
  legacy: boolean;
  /** Offset of `raw` in the command. */
  index: number;
}

interface Block {
  start: number;
  end: number; // exclusive, after `]]`
  inner: string;
  innerStart: number;
}

const BINDING_RE = /\$\{\{\s*([^}]*?)\s*\}\}/g;
// Same shape as the SDK's map_single_brackets_and_warn: `{inputs.x}` not part of `{{ }}`.
const LEGACY_RE = /(?<![{$])\{(inputs|outputs|search_space)\.([^}]*)\}(?!\})/g;

function optionalBlocks(command: string): { blocks: Block[]; unterminated?: number } {
  const blocks: Block[] = [];
  let from = 0;
  for (;;) {
    const start = command.indexOf('$[[', from);
    if (start < 0) return { blocks };
    const end = command.indexOf(']]', start + 3);
    if (end < 0) return { blocks, unterminated: start };
    blocks.push({ start, end: end + 2, inner: command.slice(start + 3, end), innerStart: start + 3 });
    from = end + 2;
  }
}

function classify(target: string): { kind: Binding['kind']; name: string } {
  const m = /^(inputs|outputs|search_space)\.([A-Za-z0-9_.-]+)$/.exec(target);
  if (m) return { kind: m[1] as BindingKind, name: m[2] };
  return { kind: 'unknown', name: target };
}

/** Every binding in a command, in order. */
export function findBindings(command: string): { bindings: Binding[]; unterminatedBlockAt?: number } {
  const { blocks, unterminated } = optionalBlocks(command);
  const inBlock = (i: number) => blocks.some((b) => i >= b.innerStart && i < b.end - 2);
  const bindings: Binding[] = [];
  for (const m of command.matchAll(BINDING_RE)) {
    const { kind, name } = classify(m[1]);
    bindings.push({ kind, name, raw: m[0], optional: inBlock(m.index!), legacy: false, index: m.index! });
  }
  for (const m of command.matchAll(LEGACY_RE)) {
    const { kind, name } = classify(`${m[1]}.${m[2]}`);
    bindings.push({ kind, name, raw: m[0], optional: inBlock(m.index!), legacy: true, index: m.index! });
  }
  bindings.sort((a, b) => a.index - b.index);
  return { bindings, unterminatedBlockAt: unterminated };
}

export interface CommandContext {
  /** Declared inputs; `false` when declared with a null value (treated as not given, like Azure ML). */
  inputs: Record<string, boolean>;
  outputs: ReadonlySet<string>;
  /** Search-space parameters; undefined for a command job, where `${{search_space.x}}` is meaningless. */
  searchSpace?: ReadonlySet<string>;
}

export interface CommandCheck {
  errors: string[];
  warnings: string[];
  used: { inputs: Set<string>; outputs: Set<string>; searchSpace: Set<string> };
}

/** Checks the bindings of a command against what the job declares. */
export function checkCommand(command: string, ctx: CommandContext): CommandCheck {
  const { bindings, unterminatedBlockAt } = findBindings(command);
  const errors: string[] = [];
  const warnings: string[] = [];
  const used = { inputs: new Set<string>(), outputs: new Set<string>(), searchSpace: new Set<string>() };
  if (unterminatedBlockAt !== undefined) errors.push(`the optional block "$[[" at character ${unterminatedBlockAt + 1} is not closed with "]]"`);
  const missing: string[] = [];
  for (const b of bindings) {
    if (b.legacy) warnings.push(`"${b.raw}" uses the deprecated single-brace form; write \${{${b.kind}.${b.name}}}`);
    if (b.kind === 'unknown') {
      errors.push(
        `"${b.raw}" is not a binding a job can use; write \${{inputs.<name>}} or \${{outputs.<name>}}` +
          (ctx.searchSpace ? ' or ${{search_space.<name>}}' : ''),
      );
      continue;
    }
    if (b.kind === 'inputs') {
      used.inputs.add(b.name);
      if (!(b.name in ctx.inputs)) {
        if (!b.optional) missing.push(`"${b.raw}" refers to an input "${b.name}" that is not declared under inputs`);
      } else if (!ctx.inputs[b.name] && !b.optional) {
        missing.push(`"${b.raw}" refers to input "${b.name}", which has no value; give it one or wrap the argument in an optional block $[[ … ]]`);
      }
    } else if (b.kind === 'outputs') {
      used.outputs.add(b.name);
      if (!ctx.outputs.has(b.name)) missing.push(`"${b.raw}" refers to an output "${b.name}" that is not declared under outputs`);
    } else {
      used.searchSpace.add(b.name);
      if (!ctx.searchSpace) errors.push(`"${b.raw}" can only be used in the trial command of a sweep job`);
      else if (!ctx.searchSpace.has(b.name)) missing.push(`"${b.raw}" refers to "${b.name}", which is not a parameter of search_space`);
    }
  }
  return { errors: [...errors, ...missing], warnings, used };
}

export interface CommandValues {
  /** Substitution text per input; null/absent = not given (optional blocks that use it are dropped). */
  inputs: Record<string, string | null | undefined>;
  outputs: Record<string, string>;
  searchSpace?: Record<string, string>;
}

function substitute(text: string, values: CommandValues): { text: string; missing: boolean } {
  let missing = false;
  const lookup = (kind: string, name: string): string | undefined => {
    const table = kind === 'inputs' ? values.inputs : kind === 'outputs' ? values.outputs : values.searchSpace ?? {};
    const v = table[name];
    return v === null || v === undefined ? undefined : v;
  };
  const replaceOne = (raw: string, target: string) => {
    const { kind, name } = classify(target);
    if (kind === 'unknown') {
      missing = true;
      return raw;
    }
    const v = lookup(kind, name);
    if (v === undefined) {
      missing = true;
      return raw;
    }
    return v;
  };
  let out = text.replace(BINDING_RE, (raw, target: string) => replaceOne(raw, target));
  out = out.replace(LEGACY_RE, (raw, kind: string, name: string) => replaceOne(raw, `${kind}.${name}`));
  return { text: out, missing };
}

/**
 * Replaces every binding. Optional blocks whose inputs are all given are kept without their `$[[ ]]`,
 * the others are removed. Throws if a binding outside an optional block has no value (checkCommand first).
 */
export function renderCommand(command: string, values: CommandValues): string {
  const { blocks } = optionalBlocks(command);
  let out = '';
  let from = 0;
  for (const b of blocks) {
    out += command.slice(from, b.start);
    const inner = substitute(b.inner, values);
    if (!inner.missing) out += inner.text;
    from = b.end;
  }
  out += command.slice(from);
  const rendered = substitute(out, values);
  if (rendered.missing) {
    const left = [...rendered.text.matchAll(BINDING_RE)].map((m) => m[0]);
    throw new Error(`command still has bindings without a value: ${left.join(', ') || '(legacy form)'}`);
  }
  return rendered.text;
}

/** Python's str() for the literal types Azure ML substitutes (bool → True/False, float → repr). */
export function pythonStr(value: string | number | boolean | null, isFloat: boolean): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return value;
  if (!isFloat) return Number.isInteger(value) ? BigInt(value).toString() : pythonFloatRepr(value);
  return pythonFloatRepr(value);
}

/** repr(float) of CPython: shortest round-trip digits; exponent form below 1e-4 and from 1e16. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  const negative = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exp >= -5 + 1 && exp < 16) {
    // fixed notation
    let s: string;
    if (exp >= 0) {
      const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
      const frac = digits.slice(exp + 1);
      s = `${intPart}.${frac || '0'}`;
    } else {
      s = `0.${'0'.repeat(-exp - 1)}${digits}`;
    }
    return sign + s;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = exp < 0 ? `-${String(-exp).padStart(2, '0')}` : `+${String(exp).padStart(2, '0')}`;
  return `${sign}${m}e${e}`;
}
