/**
 * End-to-end Rego conformance: OPA's cases through parse → compile → plan → emitWasm → the
 * stock opa-wasm SDK (see conformance/run.ts). Prints the per-topic table and fails when the
 * set of cases that do not pass differs from the committed conformance/not-passing.json (so a
 * case that starts failing while another starts passing is seen), or the counts fall below the floors. Without the shared/ folder it is skipped,
 * saying so, or fails when CI is set.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { sharedOrSkip } from '../fixtures/shared-skip.js';
import { formatReport, loadCases, runAll } from './conformance/run.js';

/** The committed list of cases that do not pass, each with why (fail or skip), sorted by note. */
const NOT_PASSING_FILE = new URL('./conformance/not-passing.json', import.meta.url);

/** Cases passing end to end when this floor was last raised; raise it as coverage grows. */
const PASS_FLOOR = 1241;
/** Passing cases in the language topics (not the built-in function topics). */
const LANGUAGE_FLOOR = 624;
/**
 * Cases expecting an error whose error code imagegate produces too. The conflict cases
 * agree; the strict built-in error cases (eval_type_error, eval_builtin_error) evaluate to
 * undefined, as in OPA's wasm, which has no strict built-in errors.
 */
const ERROR_CODE_FLOOR = 27;

t.setTimeout(900_000);

if (sharedOrSkip('conformance/opa/v1') !== undefined)
  t.test('OPA conformance end to end', async (t) => {
    const result = await runAll();
    t.comment(formatReport(result));
    if (process.env.IMAGEGATE_CONFORMANCE_VERBOSE === '1')
      for (const f of result.failures) t.comment(`FAIL ${f.note}: ${f.detail}`);
    const notes = loadCases().map((c) => c.note);
    t.equal(
      new Set(notes).size,
      notes.length,
      'every case has its own note (topic/name), so the list below names each once',
    );
    const notPassing = [
      ...result.failures.map((f) => ({ note: f.note, outcome: 'fail' })),
      ...result.skips.map((s) => ({ note: s.note, outcome: 'skip' })),
    ].sort((a, b) => (a.note < b.note ? -1 : a.note > b.note ? 1 : 0));
    const expected: unknown = JSON.parse(readFileSync(NOT_PASSING_FILE, 'utf8'));
    t.same(
      notPassing,
      expected,
      'exactly the cases in test/rego/conformance/not-passing.json do not pass; a case that starts or stops passing must change that file in the same commit',
    );
    t.ok(result.pass >= PASS_FLOOR, `at least ${PASS_FLOOR} cases pass (got ${result.pass})`);
    t.ok(
      result.languagePass >= LANGUAGE_FLOOR,
      `at least ${LANGUAGE_FLOOR} language cases pass (got ${result.languagePass})`,
    );
    t.ok(
      result.skips.every((s) => s.reason !== ''),
      'every skip has a reason',
    );
    const agree = result.errors.filter((e) => e.got === e.want).length;
    t.ok(
      agree >= ERROR_CODE_FLOOR,
      `at least ${ERROR_CODE_FLOOR} error codes agree (got ${agree}/${result.errors.length})`,
    );
  });
