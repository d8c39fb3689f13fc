import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import {
  formatModule,
  formatRegoErrors,
  parseModuleResult,
  parseQueryResult,
  parseTermResult,
  syntaxEqual,
  type ParseResult,
  withoutLocations,
} from '../../../src/rego/syntax/index.js';
import { sharedOrSkip } from '../../fixtures/shared-skip.js';

/** OPA's conformance cases (shared/conformance/opa beside the checkout; see its README.md). */
const CORPUS = sharedOrSkip('conformance/opa/v1');

interface Case {
  readonly note: string;
  readonly query: string;
  readonly modules: readonly string[];
  readonly inputTerm: string | undefined;
  readonly wantParseError: boolean;
}

function field(obj: object, key: string): unknown {
  return Object.entries(obj).find(([k]) => k === key)?.[1];
}

function toCase(raw: unknown): Case | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const note = field(raw, 'note');
  const query = field(raw, 'query');
  const modules = field(raw, 'modules') ?? [];
  const inputTerm = field(raw, 'input_term');
  if (typeof note !== 'string' || typeof query !== 'string' || !Array.isArray(modules)) return null;
  return {
    note,
    query,
    modules: modules.filter((m): m is string => typeof m === 'string'),
    inputTerm: typeof inputTerm === 'string' ? inputTerm : undefined,
    wantParseError: field(raw, 'want_error_code') === 'rego_parse_error',
  };
}

function loadCases(corpus: string): Case[] {
  const cases: Case[] = [];
  for (const topic of readdirSync(corpus).sort()) {
    for (const file of readdirSync(join(corpus, topic)).sort()) {
      const doc: unknown = JSON.parse(readFileSync(join(corpus, topic, file), 'utf8'));
      const list = typeof doc === 'object' && doc !== null ? field(doc, 'cases') : undefined;
      for (const raw of Array.isArray(list) ? list : []) {
        const c = toCase(raw);
        if (c !== null) cases.push(c);
      }
    }
  }
  return cases;
}

if (CORPUS !== undefined) {
  const cases = loadCases(CORPUS);

  t.test('the corpus is not empty', async (t) => {
    t.ok(cases.length > 500, `found ${cases.length} cases`);
  });

  t.test('every module, query and input term parses (parse-error cases fail)', async (t) => {
    const failures: string[] = [];
    let modules = 0;
    for (const c of cases) {
      const results = c.modules.map((m, i) => parseModuleResult(m, { file: `module-${i}.rego` }));
      modules += results.length;
      const query = parseQueryResult(c.query, { file: '<query>' });
      const all: ParseResult<unknown>[] = [...results, query];
      if (c.inputTerm !== undefined) all.push(parseTermResult(c.inputTerm, { file: '<input>' }));
      const errors = all.flatMap((r) => (r.ok ? [] : r.errors));
      if (c.wantParseError) {
        if (errors.length === 0) failures.push(`${c.note}: expected a rego_parse_error, parsed fine`);
        else if (!errors.some((e) => e.code === 'rego_parse_error'))
          failures.push(`${c.note}: expected rego_parse_error, got ${formatRegoErrors(errors)}`);
      } else if (errors.length > 0) {
        failures.push(`${c.note}: ${formatRegoErrors(errors)}`);
      }
    }
    t.comment(
      `parsed ${modules} modules and ${cases.length} queries from ${cases.length} cases; ${failures.length} failures`,
    );
    t.same(failures, [], 'no failures');
  });

  t.test('every module round-trips through formatModule', async (t) => {
    const failures: string[] = [];
    let checked = 0;
    for (const c of cases) {
      for (const source of c.modules) {
        const first = parseModuleResult(source);
        if (!first.ok) continue;
        checked++;
        const text = formatModule(first.value);
        const second = parseModuleResult(text);
        if (!second.ok)
          failures.push(`${c.note}: formatted text does not parse: ${formatRegoErrors(second.errors)}\n${text}`);
        else if (!syntaxEqual(first.value, second.value)) {
          failures.push(
            `${c.note}: tree changed\n${JSON.stringify(withoutLocations(first.value))}\n${JSON.stringify(withoutLocations(second.value))}`,
          );
        } else if (formatModule(second.value) !== text) failures.push(`${c.note}: formatting is not idempotent`);
      }
    }
    t.comment(`round-tripped ${checked} modules`);
    t.ok(checked > 1000, 'most modules were checked');
    t.same(failures, [], 'parse(format(parse(x))) equals parse(x)');
  });
}
