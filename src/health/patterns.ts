/** How specific a pattern is: the longest matching one wins. */
export function specificity(pattern: string): number {
  return pattern === '*' ? 0 : pattern.length + 1;
}
