import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { coversRepository } from '../config/index.js';
import { errorMessage } from '../errors/index.js';
import { isRecord } from '../guards/index.js';
import { healthError } from './errors.js';
import { isGrade, type Grade } from './grade.js';
import { specificity } from './patterns.js';
import type { GradeBackend, Graded } from './backend.js';

/**
 * A static grades file (YAML or JSON), for air-gapped clusters:
 * `{digests: {"sha256:…": "B"}, repositories: [{pattern: "registry.example.com/legacy", grade: "C"}]}`.
 * A digest entry wins over repository patterns; among patterns the longest match wins. An image
 * neither lists is not found (so the rule treats it as unknown). Read once at start-up.
 */
export interface StaticGrades {
  readonly digests: ReadonlyMap<string, Grade>;
  readonly repositories: readonly { readonly pattern: string; readonly grade: Grade }[];
  /** sha256 of the file's bytes: changes the source's revision when the file does. */
  readonly hash: string;
}

const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

function grade(v: unknown, where: string): Grade {
  if (isGrade(v)) return v;
  throw healthError(
    'config',
    `${where}: expected a grade A-F, got ${typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : typeof v}`,
  );
}

export function parseStaticGrades(opts: { readonly text: string; readonly source: string }): StaticGrades {
  let doc: unknown;
  try {
    doc = parseYaml(opts.text, { uniqueKeys: true, maxAliasCount: 100 });
  } catch (err) {
    throw healthError('config', `${opts.source}: not valid YAML or JSON: ${errorMessage(err)}`, { cause: err });
  }
  if (!isRecord(doc)) throw healthError('config', `${opts.source}: expected {digests, repositories}`);
  for (const key of Object.keys(doc))
    if (key !== 'digests' && key !== 'repositories')
      throw healthError(
        'config',
        `${opts.source}: unknown key ${JSON.stringify(key)}; expected digests and repositories`,
      );
  const digests = new Map<string, Grade>();
  const listed = doc.digests ?? {};
  if (!isRecord(listed)) throw healthError('config', `${opts.source}: digests must map digests to grades`);
  for (const [d, g] of Object.entries(listed)) {
    if (!DIGEST.test(d))
      throw healthError('config', `${opts.source}: digests: ${JSON.stringify(d.slice(0, 80))} is not a digest`);
    digests.set(d, grade(g, `${opts.source}: digests.${d}`));
  }
  const repos = doc.repositories ?? [];
  if (!Array.isArray(repos)) throw healthError('config', `${opts.source}: repositories must be a list`);
  const list: readonly unknown[] = repos;
  const repositories = list.map((r, i) => {
    const where = `${opts.source}: repositories[${i}]`;
    if (!isRecord(r) || typeof r.pattern !== 'string' || r.pattern === '')
      throw healthError('config', `${where}: expected {pattern, grade}`);
    return { pattern: r.pattern, grade: grade(r.grade, where) };
  });
  return { digests, repositories, hash: createHash('sha256').update(opts.text).digest('hex') };
}

export function loadStaticGrades(file: string): StaticGrades {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw healthError('config', `cannot read the grades file ${JSON.stringify(file)}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  return parseStaticGrades({ text, source: file });
}

export function createStaticBackend(opts: { readonly grades: StaticGrades; readonly label: string }): GradeBackend {
  const { grades } = opts;
  return {
    grade({ digest, repository }): Promise<Graded> {
      const byDigest = grades.digests.get(digest);
      if (byDigest !== undefined) return Promise.resolve({ grade: byDigest });
      const match = grades.repositories
        .filter((r) => coversRepository(r.pattern, repository))
        .sort((a, b) => specificity(b.pattern) - specificity(a.pattern))[0];
      if (match !== undefined) return Promise.resolve({ grade: match.grade });
      return Promise.reject(
        healthError(
          'notFound',
          `${opts.label}: the grades file lists neither ${digest} nor a pattern covering ${repository}`,
        ),
      );
    },
  };
}
