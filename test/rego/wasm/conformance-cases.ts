/**
 * Loads OPA's conformance cases paired with OPA's IR plans for them
 * (shared/conformance/{opa,opa-ir} beside the checkout), runs one through emitWasm + the stock
 * opa-wasm SDK, and judges the outcome. Shared by ir-conformance.test.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { loadIrPolicy } from '../../../src/rego/ir/index.js';
import { evaluationClock, hostBuiltins } from '../../../src/rego/builtins/index.js';
import { lookupBuiltin } from '../../../src/rego/catalogue/index.js';
import { parseTerm, type Term } from '../../../src/rego/syntax/index.js';
import { emitWasm, hostBuiltinName, nativeBuiltins } from '../../../src/rego/wasm/index.js';
import { sharedDir } from '../../fixtures/shared.js';
import { canonRows } from '../canon.js';

export const CONFORMANCE_ROOT = join(sharedDir, 'conformance');

export interface Case {
  readonly topic: string;
  readonly note: string;
  readonly plan: unknown;
  readonly expected: Record<string, unknown>;
}

export type Verdict =
  | { readonly kind: 'pass' }
  | { readonly kind: 'fail'; readonly detail: string }
  | { readonly kind: 'skip'; readonly reason: string };

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function casesOf(file: string): readonly Record<string, unknown>[] {
  const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!isRecord(json) || !Array.isArray(json.cases)) throw new Error(`${file}: no "cases" array`);
  return json.cases.filter(isRecord);
}

/** All plan cases paired (same file, same note and query) with their expectations. */
export function loadCases(): readonly Case[] {
  const irRoot = join(CONFORMANCE_ROOT, 'opa-ir', 'v1');
  const out: Case[] = [];
  for (const topic of readdirSync(irRoot).sort()) {
    for (const file of readdirSync(join(irRoot, topic)).sort()) {
      const expectedFile = join(CONFORMANCE_ROOT, 'opa', 'v1', topic, file);
      const expected = existsSync(expectedFile) ? casesOf(expectedFile) : [];
      casesOf(join(irRoot, topic, file)).forEach((c, i) => {
        const same = (x: Record<string, unknown> | undefined): x is Record<string, unknown> =>
          x !== undefined && x.note === c.note && x.query === c.query;
        const atIndex = expected[i];
        const e = same(atIndex) ? atIndex : expected.find(same);
        if (e !== undefined) out.push({ topic, note: String(c.note), plan: c.plan, expected: e });
      });
    }
  }
  return out;
}

/** One clock for all cases, latched before each evaluation (time.now_ns is per evaluation). */
const clock = evaluationClock();
const host = hostBuiltins({ now: clock.now });

/** Built-ins of OPA's test tooling only, not part of the language imagegate compiles. */
const TEST_ONLY_BUILTINS: Readonly<Record<string, string>> = {
  'test.sleep': 'test-only built-in of OPA (sleeps the evaluator)',
};

/** Why a built-in cannot run here, or undefined when the runtime or the host implements it. */
function unsupportedReason(name: string): string | undefined {
  const found = lookupBuiltin(name);
  return found.kind === 'refused' ? found.builtin.reason : TEST_ONLY_BUILTINS[name];
}

/** Built-ins the case needs that neither the runtime nor the host implements. */
export function missingBuiltins(plan: unknown): readonly string[] {
  const policy = loadIrPolicy(plan);
  const native = nativeBuiltins();
  return policy.static.builtinFuncs
    .map((b) => b.name)
    .filter((n) => !native.has(n) && host[hostBuiltinName(n)] === undefined);
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * JSON text of a ground Rego term (the SDK takes input as JSON only): sets become arrays in
 * their written order, non-string object keys their JSON text, numbers keep their exact text.
 * Undefined when the term is not ground.
 */
function termJson(t: Term): string | undefined {
  switch (t.type) {
    case 'null':
      return 'null';
    case 'boolean':
      return t.value ? 'true' : 'false';
    case 'number':
      return JSON_NUMBER.test(t.text) ? t.text : JSON.stringify(Number(t.text));
    case 'string':
      return JSON.stringify(t.value);
    case 'array':
    case 'set': {
      const items = t.items.map(termJson);
      return items.every((i) => i !== undefined) ? `[${items.join(',')}]` : undefined;
    }
    case 'object': {
      const parts: string[] = [];
      for (const e of t.entries) {
        const k = termJson(e.key);
        const v = termJson(e.value);
        if (k === undefined || v === undefined) return undefined;
        parts.push(`${e.key.type === 'string' ? k : JSON.stringify(k)}:${v}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      return undefined;
  }
}

/** The case's input: JSON `input`, or `input_term` in Rego syntax read by imagegate's parser and passed as JSON text. */
function inputOf(c: Case): { ok: true; value: unknown } | { ok: false } {
  if ('input' in c.expected) return { ok: true, value: c.expected.input };
  const term = c.expected.input_term;
  if (typeof term !== 'string') return { ok: true, value: undefined };
  let text: string | undefined;
  try {
    text = termJson(parseTerm(term));
  } catch {
    return { ok: false };
  }
  return text === undefined ? { ok: false } : { ok: true, value: new TextEncoder().encode(text).buffer };
}

function errorText(err: unknown): string {
  if (typeof err === 'string') return err;
  if (err instanceof Error) return err.message;
  if (isRecord(err) && typeof err.message === 'string') return err.message;
  return String(err);
}

/** Runs one case through emitWasm and the real SDK. */
export async function runCase(c: Case): Promise<Verdict> {
  const missing = missingBuiltins(c.plan);
  const reasons = missing.map((n) => [n, unsupportedReason(n)] as const);
  const unexplained = reasons.filter(([, r]) => r === undefined).map(([n]) => n);
  if (unexplained.length > 0)
    return { kind: 'fail', detail: `no implementation of built-in ${unexplained.join(', ')}` };
  if (missing.length > 0) return { kind: 'skip', reason: reasons.map(([n, r]) => `${n}: ${String(r)}`).join('; ') };
  const input = inputOf(c);
  if (!input.ok) return { kind: 'skip', reason: 'input_term is not a ground Rego value' };
  const e = c.expected;
  const wantConflict = e.want_error_code === 'eval_conflict_error';
  let result: unknown;
  try {
    const wasm = emitWasm({
      policy: loadIrPolicy(c.plan),
      optimize: process.env.IMAGEGATE_CONFORMANCE_OPTIMIZE === '1',
    });
    const policy = await loadPolicy(wasm, undefined, host);
    policy.setData(isRecord(e.data) ? e.data : {});
    clock.begin();
    result = policy.evaluate(input.value);
  } catch (err) {
    const text = errorText(err);
    if (wantConflict && /conflict|multiple outputs/.test(text)) return { kind: 'pass' };
    return { kind: 'fail', detail: `threw: ${text.slice(0, 300)}` };
  }
  if (wantConflict) return { kind: 'fail', detail: `expected a conflict error, got ${JSON.stringify(result)}` };
  const sortBindings = e.sort_bindings === true;
  const got = canonRows(result, sortBindings);
  if ('want_result' in e && got === canonRows(e.want_result, sortBindings)) return { kind: 'pass' };
  if (e.strict_error === true && got === '[]') return { kind: 'pass' };
  const want = 'want_result' in e ? JSON.stringify(e.want_result) : `error ${String(e.want_error_code)}`;
  return { kind: 'fail', detail: `got ${JSON.stringify(result).slice(0, 300)}, want ${want.slice(0, 300)}` };
}

/** Case ids: the note, with ` #2`, ` #3`… on its later repeats in load order, so that each id names one case. */
export function caseIds(cases: readonly Case[]): string[] {
  const seen = new Map<string, number>();
  return cases.map((c) => {
    const n = (seen.get(c.note) ?? 0) + 1;
    seen.set(c.note, n);
    return n === 1 ? c.note : `${c.note} #${n}`;
  });
}
