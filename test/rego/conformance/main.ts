/**
 * CLI: runs the conformance suite end to end and prints a per-topic table; the last line is
 * `conformance: N passed, M failed, K skipped`. Arguments: an optional note filter;
 * `--failures` lists each failure; `--strict` exits 1 when any case fails (by default the exit
 * code is 0 and the tap test's floor guards against regressions).
 */
import { formatReport, runAll } from './run.js';

const args = process.argv.slice(2);
const filter = args.find((a) => !a.startsWith('--'));
const result = await runAll(filter);
if (args.includes('--failures')) for (const f of result.failures) console.log(`FAIL ${f.note}: ${f.detail}`);
console.log(formatReport(result));
if (args.includes('--strict') && result.fail > 0) process.exitCode = 1;
