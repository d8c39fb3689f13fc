/**
 * Feeds every OPA IR plan of the conformance suite through emitWasm and the stock
 * opa-wasm SDK and compares with OPA's expected results. Prints a per-topic table and
 * `ir-conformance: N passed, M failed, K skipped` (skips: built-ins imagegate refuses, with
 * the reason, and input_term that is not JSON). Fails when the cases that do not pass differ
 * from the committed ir-not-passing.json (so a case that starts failing while another starts
 * passing is seen; a case that starts or stops passing changes that file in the same commit).
 * Set IMAGEGATE_CONFORMANCE_VERBOSE=1 to list failures and skips; IMAGEGATE_CONFORMANCE_OPTIMIZE=1
 * to emit with the optimiser.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { sharedOrSkip } from '../../fixtures/shared-skip.js';
import { caseIds, loadCases, runCase, type Verdict } from './conformance-cases.js';

/** The committed list of cases that do not pass ({id, outcome}), sorted by id. */
const NOT_PASSING_FILE = new URL('./ir-not-passing.json', import.meta.url);

t.setTimeout(900_000);

if (sharedOrSkip('conformance/opa-ir') !== undefined) {
  t.test('OPA IR conformance through the SDK', async (t) => {
    const cases = loadCases();
    const ids = caseIds(cases);
    t.ok(cases.length > 0, `found ${cases.length} cases`);
    const byTopic = new Map<string, { pass: number; fail: number; skip: number }>();
    const skipReasons = new Map<string, number>();
    const notPassing: { id: string; outcome: 'fail' | 'skip' }[] = [];
    const verbose = process.env.IMAGEGATE_CONFORMANCE_VERBOSE === '1';
    let pass = 0;
    for (const [i, c] of cases.entries()) {
      let v: Verdict;
      try {
        v = await runCase(c);
      } catch (err) {
        v = { kind: 'fail', detail: `harness error: ${String(err).slice(0, 200)}` };
      }
      const row = byTopic.get(c.topic) ?? { pass: 0, fail: 0, skip: 0 };
      byTopic.set(c.topic, row);
      const id = ids[i] ?? c.note;
      if (v.kind === 'pass') {
        pass++;
        row.pass++;
      } else if (v.kind === 'fail') {
        row.fail++;
        notPassing.push({ id, outcome: 'fail' });
        if (verbose) t.comment(`FAIL ${id}: ${v.detail}`);
      } else {
        row.skip++;
        notPassing.push({ id, outcome: 'skip' });
        skipReasons.set(v.reason, (skipReasons.get(v.reason) ?? 0) + 1);
        if (verbose) t.comment(`SKIP ${id}: ${v.reason}`);
      }
    }
    const lines = ['topic                          passed failed skipped'];
    for (const [topic, r] of [...byTopic].sort())
      lines.push(
        `${topic.padEnd(30)} ${String(r.pass).padStart(6)} ${String(r.fail).padStart(6)} ${String(r.skip).padStart(7)}`,
      );
    t.comment(lines.join('\n'));
    t.comment(
      `skip reasons:\n${[...skipReasons]
        .sort((a, b) => b[1] - a[1])
        .map(([r, n]) => `  ${n} × ${r}`)
        .join('\n')}`,
    );
    const failed = notPassing.filter((n) => n.outcome === 'fail').length;
    t.comment(`ir-conformance: ${pass} passed, ${failed} failed, ${notPassing.length - failed} skipped`);
    notPassing.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const expected: unknown = JSON.parse(readFileSync(NOT_PASSING_FILE, 'utf8'));
    t.same(
      notPassing,
      expected,
      'exactly the cases in test/rego/wasm/ir-not-passing.json do not pass; a case that starts or stops passing must change that file in the same commit',
    );
  });
}
