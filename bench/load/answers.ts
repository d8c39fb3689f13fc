/**
 * Reads the answers of the benchmark's sanity requests: a benchmark of wrong answers (errors,
 * denials, unpinned images) would measure the wrong path, so each case is checked before it runs.
 */
import { isRecord } from '../../src/guards/index.js';

export interface Answer {
  readonly uid: string;
  readonly allowed: boolean;
  /** JSONPatch operations of a mutating answer (0 when none). */
  readonly patchOps: number;
  readonly message: string;
}

/** The answer of a 200 AdmissionReview response; throws naming what is off. */
export function readAnswer(opts: { readonly status: number; readonly text: string; readonly what: string }): Answer {
  const fail = (why: string): never => {
    throw new Error(`${opts.what}: ${why}: HTTP ${opts.status} ${opts.text.slice(0, 400)}`);
  };
  if (opts.status !== 200) fail('expected HTTP 200');
  const body: unknown = JSON.parse(opts.text);
  const response = isRecord(body) ? body.response : undefined;
  if (!isRecord(response) || typeof response.uid !== 'string' || typeof response.allowed !== 'boolean')
    return fail('no AdmissionReview response');
  const status = response.status;
  const message = isRecord(status) && typeof status.message === 'string' ? status.message : '';
  const patch = typeof response.patch === 'string' ? response.patch : undefined;
  const ops: unknown = patch === undefined ? [] : JSON.parse(Buffer.from(patch, 'base64').toString('utf8'));
  return { uid: response.uid, allowed: response.allowed, patchOps: Array.isArray(ops) ? ops.length : 0, message };
}

/** Asserts an answer: allowed, echoing `uid`, with `patchOps` operations (mutating) or none. */
export function expectAnswer(
  answer: Answer,
  expected: { readonly uid?: string; readonly patchOps: number; readonly what: string },
): void {
  const problems = [
    answer.allowed ? undefined : `denied (${answer.message})`,
    expected.uid === undefined || answer.uid === expected.uid ? undefined : `uid ${answer.uid}, sent ${expected.uid}`,
    answer.patchOps === expected.patchOps
      ? undefined
      : `${answer.patchOps} patch operations, expected ${expected.patchOps}`,
  ].filter((p) => p !== undefined);
  if (problems.length > 0) throw new Error(`${expected.what}: ${problems.join('; ')}`);
}
