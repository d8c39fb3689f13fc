/**
 * End-to-end conformance runner: each case of OPA's suite (shared/conformance/opa) goes
 * parse → compile → plan → emitWasm → the stock @open-policy-agent/opa-wasm SDK, and its
 * result is compared with OPA's expected one. Used by ../conformance.test.ts and main.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { evaluationClock, hostBuiltins } from '../../../src/rego/builtins/index.js';
import { compileProgram, isRegoCompileError } from '../../../src/rego/compile/index.js';
import { planPolicy } from '../../../src/rego/plan/index.js';
import { isRegoParseError, parseModule, parseQuery, parseTerm, type Term } from '../../../src/rego/syntax/index.js';
import { emitWasm } from '../../../src/rego/wasm/index.js';
import { requireShared } from '../../fixtures/shared.js';
import { canonRows } from '../canon.js';

/** One clock for all cases, latched before each evaluation (time.now_ns is per evaluation). */
const clock = evaluationClock();
const host = hostBuiltins({ now: clock.now });

export interface Case {
  readonly topic: string;
  /** OPA's note (topic/name), with ` #2`, ` #3` … added to repeated notes so every case has its own. */
  readonly note: string;
  readonly raw: Readonly<Record<string, unknown>>;
}

/**
 * What a case expecting an error (`want_error_code`) produced: the code of the build error
 * or of the runtime error (OPA's code when the message names one), `undefined` when the
 * evaluation returned no result (OPA's wasm turns built-in errors into undefined), or
 * `result` when it returned one.
 */
export interface ErrorOutcome {
  readonly want: string;
  readonly got: string;
}

export type Verdict =
  | { readonly kind: 'pass'; readonly error?: ErrorOutcome }
  | { readonly kind: 'fail'; readonly detail: string; readonly error?: ErrorOutcome }
  | { readonly kind: 'skip'; readonly reason: string };

export interface TopicResult {
  readonly topic: string;
  readonly language: boolean;
  pass: number;
  fail: number;
  skip: number;
}

export interface RunResult {
  readonly topics: readonly TopicResult[];
  readonly pass: number;
  readonly fail: number;
  readonly skip: number;
  readonly languagePass: number;
  readonly failures: readonly { readonly note: string; readonly detail: string }[];
  readonly skips: readonly { readonly note: string; readonly reason: string }[];
  /** Cases that expect an error: what each produced (see ErrorOutcome). */
  readonly errors: readonly (ErrorOutcome & { readonly note: string })[];
}

/** Built-in function topics (everything else is the language itself). */
const BUILTIN_TOPIC =
  /^(array|base64|base64url|glob|json|jsonfilter|jsonpatch|jsonremove|net|numbersrange|object|regex|replacen|semver|sprintf|strings|time|trim|units|url|subset|union|intersection|typebuiltin|type|walkbuiltin|casts|reachable|stringinterpolation)/;

/** Network access is rejected by design (admission policies must not reach the network). */
const NETWORK = /\b(http\.send|net\.lookup_ip_addr|opa\.runtime)\s*\(/;

export function isLanguageTopic(topic: string): boolean {
  return !BUILTIN_TOPIC.test(topic) || topic === 'aggregates';
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function loadCases(): readonly Case[] {
  const root = join(requireShared('conformance/opa'), 'v1');
  const out: Case[] = [];
  const seen = new Map<string, number>();
  for (const topic of readdirSync(root).sort()) {
    for (const file of readdirSync(join(root, topic)).sort()) {
      const json: unknown = JSON.parse(readFileSync(join(root, topic, file), 'utf8'));
      const cases = isRecord(json) && Array.isArray(json.cases) ? json.cases : [];
      for (const c of cases) {
        if (!isRecord(c)) continue;
        const note = String(c.note);
        const n = (seen.get(note) ?? 0) + 1;
        seen.set(note, n);
        out.push({ topic, note: n === 1 ? note : `${note} #${n}`, raw: c });
      }
    }
  }
  return out;
}

/** A ground Rego term as JSON (sets become arrays), or undefined when not ground. */
function termToJson(t: Term): { ok: true; value: unknown } | { ok: false } {
  switch (t.type) {
    case 'null':
      return { ok: true, value: null };
    case 'boolean':
      return { ok: true, value: t.value };
    case 'number':
      return { ok: true, value: Number(t.text) };
    case 'string':
      return { ok: true, value: t.value };
    case 'array':
    case 'set': {
      const items: unknown[] = [];
      for (const i of t.items) {
        const r = termToJson(i);
        if (!r.ok) return r;
        items.push(r.value);
      }
      return { ok: true, value: items };
    }
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const e of t.entries) {
        const k = termToJson(e.key);
        const v = termToJson(e.value);
        if (!k.ok || !v.ok) return { ok: false };
        o[typeof k.value === 'string' ? k.value : JSON.stringify(k.value)] = v.value;
      }
      return { ok: true, value: o };
    }
    default:
      return { ok: false };
  }
}

function inputOf(raw: Readonly<Record<string, unknown>>): { ok: true; value: unknown } | { ok: false } {
  if ('input' in raw) return { ok: true, value: raw.input };
  const term = raw.input_term;
  if (typeof term !== 'string') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(term) };
  } catch {
    try {
      return termToJson(parseTerm(term));
    } catch {
      return { ok: false };
    }
  }
}

function errorText(err: unknown): string {
  if (typeof err === 'string') return err;
  if (err instanceof Error) return err.message;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}

function skipReason(raw: Readonly<Record<string, unknown>>): string | null {
  if (raw.ignore === true) return 'marked ignore';
  const modules = Array.isArray(raw.modules) ? raw.modules.map(String).join('\n') : '';
  if (NETWORK.test(modules) || NETWORK.test(String(raw.query))) return 'needs network built-ins (rejected by design)';
  return null;
}

/** Compiles one case to wasm bytes (throws compile/parse errors). */
export function buildCase(raw: Readonly<Record<string, unknown>>): Uint8Array {
  const sources = Array.isArray(raw.modules) ? raw.modules.map(String) : [];
  const modules = sources.map((s, i) => parseModule(s, { file: `module-${i}.rego` }));
  const query = parseQuery(String(raw.query));
  const program = compileProgram({ modules, query });
  const policy = planPolicy({ program, entrypoints: [{ kind: 'query' }] });
  return emitWasm({ policy, optimize: false });
}

function compileErrorCodes(err: unknown): readonly string[] {
  if (isRegoCompileError(err)) return err.problems.map((p) => p.code);
  if (isRegoParseError(err)) return err.errors.map((p) => p.code);
  return [];
}

/** OPA's error codes as they appear at the start of a runtime error message (`code: message`). */
const RUNTIME_CODE =
  /\b(eval_conflict_error|eval_builtin_error|eval_type_error|eval_internal_error|eval_cancel_error)\b/;

/** The OPA error code a runtime failure stands for. */
export function runtimeErrorCode(text: string): string {
  const named = RUNTIME_CODE.exec(text);
  if (named?.[1] !== undefined) return named[1];
  // The conflict messages of OPA's wasm runtime (and of imagegate's) name no code.
  if (/conflict|multiple outputs/.test(text)) return 'eval_conflict_error';
  return 'runtime error without a code';
}

export async function runCase(c: Case): Promise<Verdict> {
  const raw = c.raw;
  const skip = skipReason(raw);
  if (skip !== null) return { kind: 'skip', reason: skip };
  const wantCode = typeof raw.want_error_code === 'string' ? raw.want_error_code : null;
  const outcome = (got: string): { error?: ErrorOutcome } =>
    wantCode === null ? {} : { error: { want: wantCode, got } };
  let wasm: Uint8Array;
  try {
    wasm = buildCase(raw);
  } catch (err) {
    const codes = compileErrorCodes(err);
    const got = wantCode !== null && codes.includes(wantCode) ? wantCode : (codes[0] ?? 'build error without a code');
    if (wantCode !== null && codes.includes(wantCode)) return { kind: 'pass', ...outcome(got) };
    return { kind: 'fail', detail: `build failed: ${errorText(err).slice(0, 400)}`, ...outcome(got) };
  }
  const input = inputOf(raw);
  if (!input.ok) return { kind: 'fail', detail: 'input_term is not a ground term' };
  let result: unknown;
  try {
    const policy = await loadPolicy(wasm, undefined, host);
    policy.setData(isRecord(raw.data) ? raw.data : {});
    clock.begin();
    result = policy.evaluate(input.value);
  } catch (err) {
    const text = errorText(err);
    const got = runtimeErrorCode(text);
    if (wantCode !== null && got === wantCode) return { kind: 'pass', ...outcome(got) };
    return { kind: 'fail', detail: `threw: ${text.slice(0, 300)}`, ...outcome(got) };
  }
  const sortBindings = raw.sort_bindings === true;
  const got = canonRows(result, sortBindings);
  const produced = outcome(got === '[]' ? 'undefined' : 'result');
  if ('want_result' in raw && got === canonRows(raw.want_result, sortBindings)) return { kind: 'pass', ...produced };
  if (raw.strict_error === true && got === '[]') return { kind: 'pass', ...produced };
  const want = 'want_result' in raw ? JSON.stringify(raw.want_result) : `error ${String(wantCode)}`;
  return {
    kind: 'fail',
    detail: `got ${JSON.stringify(result).slice(0, 300)}, want ${want.slice(0, 300)}`,
    ...produced,
  };
}

/** Runs every case (optionally only those whose note contains `filter`). */
export async function runAll(filter?: string): Promise<RunResult> {
  const topics = new Map<string, TopicResult>();
  const failures: { note: string; detail: string }[] = [];
  const skips: { note: string; reason: string }[] = [];
  const errors: (ErrorOutcome & { note: string })[] = [];
  let languagePass = 0;
  for (const c of loadCases()) {
    if (filter !== undefined && !c.note.includes(filter)) continue;
    const row = topics.get(c.topic) ?? {
      topic: c.topic,
      language: isLanguageTopic(c.topic),
      pass: 0,
      fail: 0,
      skip: 0,
    };
    topics.set(c.topic, row);
    let v: Verdict;
    try {
      v = await runCase(c);
    } catch (err) {
      v = { kind: 'fail', detail: `harness error: ${errorText(err).slice(0, 300)}` };
    }
    if (v.kind !== 'skip' && v.error !== undefined) errors.push({ note: c.note, ...v.error });
    if (v.kind === 'pass') {
      row.pass++;
      if (row.language) languagePass++;
    } else if (v.kind === 'fail') {
      row.fail++;
      failures.push({ note: c.note, detail: v.detail });
    } else {
      row.skip++;
      skips.push({ note: c.note, reason: v.reason });
    }
  }
  const list = [...topics.values()].sort((a, b) => (a.topic < b.topic ? -1 : 1));
  const sum = (f: (t: TopicResult) => number): number => list.reduce((n, t) => n + f(t), 0);
  return {
    topics: list,
    pass: sum((t) => t.pass),
    fail: sum((t) => t.fail),
    skip: sum((t) => t.skip),
    languagePass,
    failures,
    skips,
    errors,
  };
}

/** The per-topic table and the closing `conformance: N passed, M failed, K skipped` line. */
export function formatReport(r: RunResult): string {
  const lines = ['topic                          kind      passed failed skipped'];
  for (const t of r.topics) {
    lines.push(
      `${t.topic.padEnd(30)} ${(t.language ? 'language' : 'builtin').padEnd(9)} ${String(t.pass).padStart(6)} ${String(t.fail).padStart(6)} ${String(t.skip).padStart(7)}`,
    );
  }
  const lang = r.topics.filter((t) => t.language);
  const lsum = (f: (t: TopicResult) => number): number => lang.reduce((n, t) => n + f(t), 0);
  lines.push(
    `language topics: ${lsum((t) => t.pass)} passed, ${lsum((t) => t.fail)} failed, ${lsum((t) => t.skip)} skipped`,
  );
  for (const s of r.skips) lines.push(`skip ${s.note}: ${s.reason}`);
  lines.push(...errorCodeLines(r.errors));
  lines.push(`conformance: ${r.pass} passed, ${r.fail} failed, ${r.skip} skipped`);
  return lines.join('\n');
}

/**
 * `error codes: N/M agree` over the cases expecting an error, then one line per expected
 * code with what was produced instead (e.g. `undefined` where OPA's wasm also gives no result).
 */
export function errorCodeLines(errors: readonly ErrorOutcome[]): string[] {
  const agree = errors.filter((e) => e.got === e.want).length;
  const byWant = new Map<string, Map<string, number>>();
  for (const e of errors) {
    const row = byWant.get(e.want) ?? new Map<string, number>();
    byWant.set(e.want, row);
    row.set(e.got, (row.get(e.got) ?? 0) + 1);
  }
  const lines = [`error codes: ${agree}/${errors.length} agree`];
  for (const [want, got] of [...byWant].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const parts = [...got].sort((a, b) => b[1] - a[1]).map(([g, n]) => `${g} ${n}`);
    lines.push(`  want ${want}: ${parts.join(', ')}`);
  }
  return lines;
}
