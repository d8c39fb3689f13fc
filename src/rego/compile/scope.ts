/**
 * Local variable scopes of one rule or query: `:=`, `some`, `every` and function arguments
 * declare names; each declaration gets a name unique within the rule (`x#2`), so nested
 * scopes can shadow safely. Undeclared vars keep their source name.
 */
import type { Loc } from '../syntax/index.js';
import type { Problems } from './errors.js';

interface Frame {
  readonly declared: Map<string, string>;
  /** Undeclared names used in this frame, for OPA's "referenced above" check. */
  readonly used: Set<string>;
}

export class Scopes {
  private readonly frames: Frame[] = [{ declared: new Map(), used: new Set() }];
  /** Unique name → source name (for messages and query results). */
  readonly display = new Map<string, string>();

  /** `counter` is shared by all rules of a program, so renamed vars are unique program-wide. */
  constructor(
    private readonly problems: Problems,
    private readonly counter: { n: number },
  ) {}

  push(): void {
    this.frames.push({ declared: new Map(), used: new Set() });
  }

  pop(): void {
    this.frames.pop();
  }

  /** A fresh wildcard/generated var name (never shown in results). */
  fresh(): string {
    this.counter.n++;
    const name = `$${this.counter.n}`;
    this.display.set(name, '_');
    return name;
  }

  lookup(name: string): string | undefined {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const hit = this.frames[i]?.declared.get(name);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }

  /** Vars declared by `some x` (OPA rejects those never used). */
  readonly someDeclared: { readonly unique: string; readonly name: string; readonly loc: Loc }[] = [];

  declareSome(name: string, loc: Loc): void {
    this.someDeclared.push({ unique: this.declare(name, loc, false), name, loc });
  }

  /** Reports `some` vars that occur nowhere in `used`: `declared var x unused`. */
  checkUnused(used: ReadonlySet<string>): void {
    for (const d of this.someDeclared) {
      if (!used.has(d.unique)) this.problems.add('rego_compile_error', `declared var ${d.name} unused`, d.loc);
    }
  }

  /** Records a use of an undeclared name in the innermost frame. */
  use(name: string): void {
    this.top().used.add(name);
    if (!this.display.has(name)) this.display.set(name, name);
  }

  /** Declares `name` in the innermost frame. `assign` marks `:=` (OPA's redeclaration checks). */
  declare(name: string, loc: Loc, assign: boolean): string {
    const frame = this.top();
    if (frame.declared.has(name)) {
      this.problems.add('rego_compile_error', `var ${name} ${assign ? 'assigned' : 'declared'} above`, loc);
    } else if (assign && frame.used.has(name)) {
      this.problems.add('rego_compile_error', `var ${name} referenced above`, loc);
    }
    this.counter.n++;
    const unique = `${name}#${this.counter.n}`;
    frame.declared.set(name, unique);
    this.display.set(unique, name);
    return unique;
  }

  private top(): Frame {
    const frame = this.frames[this.frames.length - 1];
    if (frame === undefined) throw new RangeError('scope stack is empty');
    return frame;
  }
}
