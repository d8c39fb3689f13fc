import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ImagegateError, isErrorCode } from '../errors/index.js';
import { isRecord } from '../guards/index.js';
import type { RegoFile } from './sources.js';

/** The compiler thread's module: compile-worker.ts under the test runner, compile-worker.js from dist. */
const WORKER_URL = new URL(`./compile-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

export interface CompileInThreadOptions {
  readonly sources: readonly RegoFile[];
  readonly data: Readonly<Record<string, unknown>>;
  readonly entrypoint: string;
  /** Written into the bundle's manifest. */
  readonly revision: string;
  /** Names what is compiled in errors, e.g. `policy.dir /etc/imagegate/policies`. */
  readonly source: string;
}

/**
 * Compiles sources to bundle.tar.gz bytes in a thread of its own, which exits when done. The
 * compiler and binaryen are loaded only there: the process that serves reviews never holds
 * them, and their memory is returned with the thread (an in-process import would stay in the
 * module cache for good). Compile errors keep their code (IMAGEGATE_REGO_PARSE, …) and their
 * located messages; a thread that fails otherwise is IMAGEGATE_POLICY_COMPILE_FAILED.
 */
export function compileInThread(opts: CompileInThreadOptions): Promise<Uint8Array> {
  const { sources, data, entrypoint, revision } = opts;
  const worker = new Worker(WORKER_URL, { workerData: { sources, data, entrypoint, revision } });
  const settled = new Promise<Uint8Array>((resolve, reject) => {
    worker.once('message', (msg: unknown) => {
      if (isRecord(msg) && msg.ok === true && msg.bytes instanceof Uint8Array) return resolve(msg.bytes);
      reject(replyError(msg, opts.source));
    });
    worker.once('error', (err) => reject(lost(opts.source, err.message, err)));
    worker.once('exit', (code) => reject(lost(opts.source, `it exited with code ${code} before answering`)));
  });
  // Whatever the outcome, the thread (and the compiler in it) is gone before the caller goes on.
  return settled.finally(() => worker.terminate());
}

function replyError(msg: unknown, source: string): ImagegateError {
  const code = isRecord(msg) && typeof msg.code === 'string' && isErrorCode(msg.code) ? msg.code : undefined;
  const message = isRecord(msg) && typeof msg.message === 'string' ? msg.message : 'no message';
  if (code === undefined) return lost(source, message);
  return new ImagegateError(code, `compiling ${source}: ${message}`);
}

function lost(source: string, why: string, cause?: unknown): ImagegateError {
  return new ImagegateError(
    'IMAGEGATE_POLICY_COMPILE_FAILED',
    `compiling ${source} failed in the compiler thread: ${why}; check that imagegate is installed completely (npm ci)`,
    cause === undefined ? undefined : { cause },
  );
}
