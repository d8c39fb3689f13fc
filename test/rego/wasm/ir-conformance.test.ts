/**
 * Feeds every OPA IR plan of the conformance suite through emitWasm and the stock
 * opa-wasm SDK and compares with OPA's expected results. Prints a per-topic table and
 * `ir-conformance: N passed, M failed, K skipped` (skips: built-ins imagegate refuses, with
 * the reason, and input_term that is not JSON). The pass count must not fall below
 * PASS_FLOOR (raise it as the backend improves). Set IMAGEGATE_CONFORMANCE_VERBOSE=1
 * to list failures and skips; IMAGEGATE_CONFORMANCE_OPTIMIZE=1 to emit with the optimiser.
 */
import t from 'tap';
import { sharedOrSkip } from '../../fixtures/shared-skip.js';
import { loadCases, runCase, type Verdict } from './conformance-cases.js';

/** Lowest acceptable number of passing cases (regression floor). */
const PASS_FLOOR = 1241;

t.setTimeout(900_000);

if (sharedOrSkip('conformance/opa-ir') !== undefined) {
  t.test('OPA IR conformance through the SDK', async (t) => {
    const cases = loadCases();
    t.ok(cases.length > 0, `found ${cases.length} cases`);
    const byTopic = new Map<string, { pass: number; fail: number; skip: number }>();
    const skipReasons = new Map<string, number>();
    const verbose = process.env.IMAGEGATE_CONFORMANCE_VERBOSE === '1';
    let pass = 0;
    let fail = 0;
    let skip = 0;
    for (const c of cases) {
      let v: Verdict;
      try {
        v = await runCase(c);
      } catch (err) {
        v = { kind: 'fail', detail: `harness error: ${String(err).slice(0, 200)}` };
      }
      const row = byTopic.get(c.topic) ?? { pass: 0, fail: 0, skip: 0 };
      byTopic.set(c.topic, row);
      if (v.kind === 'pass') {
        pass++;
        row.pass++;
      } else if (v.kind === 'fail') {
        fail++;
        row.fail++;
        if (verbose) t.comment(`FAIL ${c.note}: ${v.detail}`);
      } else {
        skip++;
        row.skip++;
        skipReasons.set(v.reason, (skipReasons.get(v.reason) ?? 0) + 1);
        if (verbose) t.comment(`SKIP ${c.note}: ${v.reason}`);
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
    t.comment(`ir-conformance: ${pass} passed, ${fail} failed, ${skip} skipped`);
    t.ok(pass >= PASS_FLOOR, `at least ${PASS_FLOOR} cases pass (got ${pass})`);
  });
}
