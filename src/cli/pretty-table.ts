/**
 * The ASCII table `opa eval -f pretty` draws for bindings (tablewriter's default style):
 * header centred, cells left-aligned, one space of padding, widths in code points.
 */
export function prettyTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const width = (s: string) => Array.from(s).length;
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const centre = (s: string, w: number) => {
    const left = Math.floor((w - width(s)) / 2);
    return ' '.repeat(left) + s + ' '.repeat(w - width(s) - left);
  };
  const line = (cells: readonly string[], align: (s: string, w: number) => string) =>
    `|${widths.map((w, i) => ` ${align(cells[i] ?? '', w)} `).join('|')}|`;
  const left = (s: string, w: number) => s + ' '.repeat(w - width(s));
  return [rule, line(header, centre), rule, ...rows.map((r) => line(r, left)), rule].join('\n');
}
