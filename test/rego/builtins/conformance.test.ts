import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { rawHostBuiltins, toWire } from '../../../src/rego/builtins/index.js';
import { sharedOrSkip } from '../../fixtures/shared-skip.js';

/**
 * Runs the direct built-in calls of OPA's conformance cases: modules whose only rule is
 * `p := f(literal args)`, `p := x if { x = f(args) }` or `p := x if { f(args, x) }` with
 * JSON-literal arguments and a single expected value. Everything else is skipped. Each call is
 * a subtest that must pass, and the notes of the calls run must be exactly the committed
 * conformance-calls.json, so a call that stops being run (or a new one) is seen.
 */
const TOPICS = [
  'strings',
  'sprintf',
  'regexfind',
  'regexfindallstringsubmatch',
  'regexisvalid',
  'regexmatch',
  'regexmatchtemplate',
  'regexreplace',
  'regexsplit',
  'globmatch',
  'globsmatch',
  'objectget',
  'objectkeys',
  'objectremove',
  'objectfilter',
  'objectunion',
  'objectunionn',
  'array',
  'jsonbuiltins',
  'jsonfilter',
  'jsonremove',
  'jsonpatch',
  'base64builtins',
  'base64urlbuiltins',
  'urlbuiltins',
  'numbersrange',
  'numbersrangestep',
  'units',
  'semvercompare',
  'semverisvalid',
  'netcidrcontains',
  'netcidrcontainsmatches',
  'netcidrexpand',
  'netcidrintersects',
  'netcidrisvalid',
  'netcidrmerge',
  'time',
  'replacen',
  'trim',
  'trimleft',
  'trimprefix',
  'trimspace',
  'trimsuffix',
  'typebuiltin',
  'subset',
];

interface Case {
  note: string;
  modules?: string[];
  want_result?: Record<string, unknown>[];
  want_error_code?: string;
  strict_error?: boolean;
  input?: unknown;
}

const BODY = [
  /^p := ([a-z_.0-9]+)\((.*)\)$/s,
  /^p := x if \{\s*x = ([a-z_.0-9]+)\((.*)\)\s*\}$/s,
  /^p := x if \{\s*([a-z_.0-9]+)\((.*), x\)\s*\}$/s,
  /^p contains x if \{\s*([a-z_.0-9]+)\((.*), x\)\s*\}$/s,
];

/** sprintf goes through the emitter's alias with the values as JSON text, so big numbers stay exact. */
function viaAlias(fn: string, argText: string): { fn: string; args: unknown[] } | undefined {
  const m = /^("(?:[^"\\]|\\.)*")\s*,\s*(.*)$/s.exec(argText);
  if (fn !== 'sprintf' || m === null) return undefined;
  return { fn: 'imagegate.sprintf', args: [JSON.parse(m[1] ?? '""'), m[2] ?? ''] };
}

function extract(c: Case): { fn: string; args: unknown[]; set: boolean } | undefined {
  if (c.modules?.length !== 1 || c.input !== undefined) return undefined;
  const body = (c.modules[0] ?? '').replace(/^package [a-z.]+\s*/, '').trim();
  for (const [i, re] of BODY.entries()) {
    const m = re.exec(body);
    if (m === null) continue;
    const alias = viaAlias(m[1] ?? '', m[2] ?? '');
    if (alias !== undefined) return { ...alias, set: i === 3 };
    try {
      const args: unknown = JSON.parse(`[${m[2] ?? ''}]`);
      if (Array.isArray(args)) return { fn: m[1] ?? '', args, set: i === 3 };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function comparable(v: unknown): unknown {
  const w = toWire(v);
  return w instanceof ArrayBuffer ? JSON.parse(new TextDecoder().decode(w)) : w;
}

function isCase(v: unknown): v is Case {
  return typeof v === 'object' && v !== null && typeof Reflect.get(v, 'note') === 'string';
}

function casesOf(doc: unknown): Case[] {
  const cases: unknown = typeof doc === 'object' && doc !== null ? Reflect.get(doc, 'cases') : undefined;
  return Array.isArray(cases) ? cases.filter(isCase) : [];
}

/** The committed, sorted notes of the calls run (a repeated note gets ` #2`, ` #3`… in run order). */
const CALLS_FILE = new URL('./conformance-calls.json', import.meta.url);

const shared = sharedOrSkip('conformance/opa/v1');
if (shared !== undefined) runCases(shared);

function runCases(root: string): void {
  const b = rawHostBuiltins();
  const ran: string[] = [];
  const times = new Map<string, number>();

  for (const topic of TOPICS) {
    let files: string[];
    try {
      files = readdirSync(join(root, topic));
    } catch {
      continue;
    }
    for (const file of files) {
      const parsed: unknown = JSON.parse(readFileSync(join(root, topic, file), 'utf8'));
      for (const c of casesOf(parsed)) {
        const call = extract(c);
        const f = call === undefined ? undefined : b[call.fn];
        if (call === undefined || f === undefined) continue;
        const errs = c.want_error_code !== undefined || c.strict_error === true;
        const want = c.want_result;
        if (!errs && (want === undefined || want.length > 1)) continue;
        const n = (times.get(c.note) ?? 0) + 1;
        times.set(c.note, n);
        ran.push(n === 1 ? c.note : `${c.note} #${n}`);
        t.test(c.note, async (tt) => {
          const got = comparable(f(...call.args));
          if (errs) {
            tt.equal(got, undefined, 'error → undefined');
            return;
          }
          const row = want?.[0];
          if (row === undefined) {
            tt.equal(got === undefined || got === false, true);
            return;
          }
          tt.same(call.set ? [got] : got, row.x);
        });
      }
    }
  }

  t.test('the direct calls run are exactly the committed list', async (tt) => {
    const expected: unknown = JSON.parse(readFileSync(CALLS_FILE, 'utf8'));
    tt.same(
      [...ran].sort(),
      expected,
      `${ran.length} direct calls ran; a call that starts or stops being run must change test/rego/builtins/conformance-calls.json in the same commit`,
    );
  });
}
