/**
 * The one-shot compiler thread of compile-thread.ts. Only this thread loads the Rego compiler
 * and binaryen (tens of MB of code and wasm memory that a module cache would otherwise keep for
 * the life of the process); when it exits, all of it is returned.
 *
 * workerData: { sources: {file, text}[], data: object, entrypoint: string, revision: string }.
 * Out, once: { ok: true, bytes: Uint8Array } (transferred) | { ok: false, code: string, message: string }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isRecord } from '../guards/index.js';
import { compileBundle } from './build.js';
import type { RegoFile } from './sources.js';

function isRegoFile(v: unknown): v is RegoFile {
  return isRecord(v) && typeof v.file === 'string' && typeof v.text === 'string';
}

function failure(err: unknown): { ok: false; code: string; message: string } {
  const code = isRecord(err) && typeof err.code === 'string' ? err.code : 'IMAGEGATE_POLICY_COMPILE_FAILED';
  return { ok: false, code, message: err instanceof Error ? err.message : String(err) };
}

const port = parentPort;
if (port === null) throw new Error('src/policy/compile-worker.ts runs only as a worker thread');
const started: unknown = workerData;
try {
  if (!isRecord(started)) throw new Error('the compiler thread was started without its workerData');
  const { sources, data, entrypoint, revision } = started;
  if (
    !Array.isArray(sources) ||
    !sources.every(isRegoFile) ||
    !isRecord(data) ||
    typeof entrypoint !== 'string' ||
    typeof revision !== 'string'
  ) {
    throw new Error('the compiler thread needs sources, data, entrypoint and revision');
  }
  // print() is erased, as `opa build` does: admission decisions write nothing per request.
  const built = await compileBundle({ sources, data, entrypoints: [entrypoint], enablePrint: false, revision });
  // A copy that owns its buffer, so that transferring it moves exactly the bundle.
  const bytes = Uint8Array.from(built.bytes);
  port.postMessage({ ok: true, bytes }, [bytes.buffer]);
} catch (err) {
  port.postMessage(failure(err));
}
