import type { Annotation, Comment, Loc } from './ast.js';

/** A `# METADATA` block: consecutive comment lines starting in column 1 under the header. */
interface Block {
  readonly annotation: Annotation;
  readonly comments: readonly Comment[];
  readonly lastRow: number;
}

export interface AttachResult {
  /** Annotations for each anchor (same order as `anchors`). */
  readonly byAnchor: readonly (readonly Annotation[])[];
  /** Comments that are not part of an attached METADATA block. */
  readonly comments: readonly Comment[];
}

/**
 * Attaches each METADATA block to the first anchor (package or rule, in source order) that starts
 * below it, as OPA does for rule/document scopes. Blocks with no anchor below stay comments.
 * The YAML itself is not parsed here.
 */
export function attachAnnotations(comments: readonly Comment[], anchors: readonly Loc[]): AttachResult {
  const blocks = findBlocks(comments);
  const byAnchor: Annotation[][] = anchors.map(() => []);
  const attached = new Set<Comment>();
  let a = 0;
  for (const block of blocks) {
    while (a < anchors.length && (anchors[a]?.row ?? 0) <= block.lastRow) a++;
    const target = byAnchor[a];
    if (target === undefined) continue;
    target.push(block.annotation);
    for (const c of block.comments) attached.add(c);
  }
  return { byAnchor, comments: comments.filter((c) => !attached.has(c)) };
}

function findBlocks(comments: readonly Comment[]): Block[] {
  const blocks: Block[] = [];
  for (let i = 0; i < comments.length; i++) {
    const header = comments[i];
    if (!header?.text.trim().startsWith('METADATA')) continue;
    const members: Comment[] = [header];
    const lines: string[] = [];
    for (
      let next = comments[i + 1], prev = header;
      next?.loc.row === prev.loc.row + 1 && next.loc.col === 1;
      next = comments[i + 1]
    ) {
      members.push(next);
      lines.push(next.text.startsWith(' ') ? next.text.slice(1) : next.text);
      prev = next;
      i++;
    }
    const last = members[members.length - 1] ?? header;
    blocks.push({
      annotation: { type: 'annotation', text: lines.join('\n'), loc: header.loc },
      comments: members,
      lastRow: last.loc.row,
    });
  }
  return blocks;
}
