/**
 * A unified diff (`diff -u` layout, 3 lines of context) of two texts, line by line, from a
 * longest-common-subsequence table: O(n·m) time and memory, fine for policy files (the
 * sources reader caps their size).
 */
export function unifiedDiff(opts: { readonly before: string; readonly after: string; readonly name: string }): string {
  const a = splitLines(opts.before);
  const b = splitLines(opts.after);
  const ops = editScript(a, b);
  const out = [`--- ${opts.name}`, `+++ ${opts.name} (formatted)`];
  const context = 3;
  let i = 0;
  while (i < ops.length) {
    if (ops[i]?.kind === ' ') {
      i++;
      continue;
    }
    const start = Math.max(0, i - context);
    let end = i;
    // Extend the hunk while changes are within 2*context lines of each other.
    for (let j = i; j < ops.length; j++) {
      if (ops[j]?.kind !== ' ') end = j;
      else if (j - end > 2 * context) break;
    }
    const stop = Math.min(ops.length, end + context + 1);
    const hunk = ops.slice(start, stop);
    const first = ops[start];
    const aStart = (first?.aLine ?? 0) + 1;
    const bStart = (first?.bLine ?? 0) + 1;
    const aCount = hunk.filter((o) => o.kind !== '+').length;
    const bCount = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${aStart},${aCount} +${bStart},${bCount} @@`);
    for (const o of hunk) out.push(`${o.kind}${o.text}`);
    i = stop;
  }
  return out.join('\n');
}

interface Op {
  readonly kind: ' ' | '-' | '+';
  readonly text: string;
  /** Index of the next line of `a`/`b` at this point (0-based). */
  readonly aLine: number;
  readonly bLine: number;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function editScript(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i];
    const below = lcs[i + 1];
    if (row === undefined || below === undefined) continue;
    for (let j = m - 1; j >= 0; j--)
      row[j] = a[i] === b[j] ? (below[j + 1] ?? 0) + 1 : Math.max(below[j] ?? 0, row[j + 1] ?? 0);
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ kind: ' ', text: a[i] ?? '', aLine: i++, bLine: j++ });
    } else if (i < n && (j >= m || (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) {
      ops.push({ kind: '-', text: a[i] ?? '', aLine: i++, bLine: j });
    } else {
      ops.push({ kind: '+', text: b[j] ?? '', aLine: i, bLine: j++ });
    }
  }
  return ops;
}
