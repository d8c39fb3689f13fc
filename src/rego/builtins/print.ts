import { formatRaw } from './format.js';
import type { HostFn } from './types.js';
import { isArray, isRegoSet } from './values.js';

/** Where `print` lines go: one call per line, without the newline. */
export type PrintSink = (line: string) => void;

/**
 * The lines OPA's print writes for `internal.print(operands)`: operands is the array of the
 * arguments' value sets (the compiler's rewrite of `print(a, b)`). An empty set prints
 * `<undefined>`; strings print raw, other values in Rego syntax; arguments are joined by a
 * space, and an argument with several values prints one line per combination (OPA's cross
 * product). Under its alias the sets arrive as RegoSet; through plain JSON they arrive as
 * arrays, read the same way. Undefined when operands is not an array of sets.
 */
export function printLines(operands: unknown): string[] | undefined {
  if (!isArray(operands)) return undefined;
  let lines: string[] = [''];
  for (const [i, op] of operands.entries()) {
    const values = isRegoSet(op) ? op.elems : isArray(op) ? op : undefined;
    if (values === undefined) return undefined;
    const texts = values.length === 0 ? ['<undefined>'] : values.map(formatRaw);
    const sep = i === 0 ? '' : ' ';
    lines = lines.flatMap((prefix) => texts.map((t) => `${prefix}${sep}${t}`));
  }
  return lines;
}

/**
 * `internal.print`: writes its lines to `sink` and returns true, so a print never makes a
 * body undefined. Without a sink the lines are not even formatted (print is a no-op).
 */
export function printBuiltin(sink: PrintSink | undefined): HostFn {
  return (operands: unknown) => {
    if (sink === undefined) return true;
    const lines = printLines(operands);
    if (lines === undefined) return undefined;
    for (const line of lines) sink(line);
    return true;
  };
}
