import { assertNever, MEMBER_2, MEMBER_3, type CallTerm, type Loc, type RefTerm, type Term } from './ast.js';

/** Operator ref for an infix call: `plus` → ref(var plus). */
export function opRef(name: string, loc: Loc): RefTerm {
  return { type: 'ref', head: { type: 'var', name, loc }, path: [], loc };
}

/** `internal.member_2` / `internal.member_3`, the calls behind `in`. */
export function memberRef(name: typeof MEMBER_2 | typeof MEMBER_3, loc: Loc): RefTerm {
  return {
    type: 'ref',
    head: { type: 'var', name: 'internal', loc },
    path: [{ type: 'string', value: name, loc }],
    loc,
  };
}

export function callTerm(operator: RefTerm, args: readonly Term[], loc: Loc): CallTerm {
  return { type: 'call', operator, args, loc };
}

/** The dotted name of a call's operator (`count`, `net.cidr_contains`), or null if not all keys are strings. */
export function operatorName(op: RefTerm): string | null {
  if (op.head.type !== 'var') return null;
  let name = op.head.name;
  for (const seg of op.path) {
    if (seg.type !== 'string') return null;
    name += `.${seg.value}`;
  }
  return name;
}

/** True for `internal.member_2`/`member_3` calls with the matching arity. */
export function memberArity(call: CallTerm): 2 | 3 | null {
  const name = operatorName(call.operator);
  if (name === `internal.${MEMBER_2}`) return 2;
  if (name === `internal.${MEMBER_3}`) return 3;
  return null;
}

/** OPA's ValueName, used in messages such as "string cannot be used for rule name". */
export function valueName(t: Term): string {
  switch (t.type) {
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
    case 'var':
    case 'ref':
    case 'array':
    case 'set':
    case 'object':
    case 'call':
      return t.type;
    case 'arrayComprehension':
    case 'setComprehension':
    case 'objectComprehension':
    case 'templateString':
      return t.type.toLowerCase();
    default:
      return assertNever(t);
  }
}

/** OPA's IsGround: no vars, refs, calls or comprehensions anywhere inside. */
export function isGround(t: Term): boolean {
  switch (t.type) {
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
      return true;
    case 'array':
    case 'set':
      return t.items.every(isGround);
    case 'object':
      return t.entries.every((e) => isGround(e.key) && isGround(e.value));
    case 'var':
    case 'ref':
    case 'call':
    case 'arrayComprehension':
    case 'setComprehension':
    case 'objectComprehension':
    case 'templateString':
      return false;
    default:
      return assertNever(t);
  }
}
