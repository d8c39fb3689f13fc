import { fork } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImagegateError, isErrorCode } from '../errors/index.js';
import { isRecord } from '../guards/index.js';
import type { RegoFile } from './sources.js';

/** The compiler process's module: compile-child.ts under the test runner, compile-child.js from dist. */
const CHILD = fileURLToPath(new URL(`./compile-child${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

export interface CompileApartOptions {
  readonly sources: readonly RegoFile[];
  readonly data: Readonly<Record<string, unknown>>;
  readonly entrypoint: string;
  /** Written into the bundle's manifest. */
  readonly revision: string;
  /** Names what is compiled in errors, e.g. `policy.dir /etc/imagegate/policies`. */
  readonly source: string;
}

/**
 * Compiles sources to bundle.tar.gz bytes in a process of its own (same node, same flags),
 * which exits when done. The compiler and binaryen are loaded only there: the serving process
 * never holds them, and all their memory goes back to the system with the process (an
 * in-process import stays in the module cache for good; a worker thread's freed heap mostly
 * stays in the process's RSS). Compile errors keep their code (IMAGEGATE_REGO_PARSE, …) and
 * located messages; a process that fails otherwise is IMAGEGATE_POLICY_COMPILE_FAILED.
 */
export function compileApart(opts: CompileApartOptions): Promise<Uint8Array> {
  const { sources, data, entrypoint, revision } = opts;
  // `advanced` serialization carries the bundle as bytes, not as JSON numbers.
  const child = fork(CHILD, [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const settled = new Promise<Uint8Array>((resolve, reject) => {
    child.once('message', (msg: unknown) => {
      if (isRecord(msg) && msg.ok === true && msg.bytes instanceof Uint8Array) return resolve(msg.bytes);
      reject(replyError(msg, opts.source));
    });
    child.once('error', (err) => reject(lost(opts.source, err.message, err)));
    child.once('exit', (code, signal) =>
      reject(lost(opts.source, `it exited (${signal ?? `code ${code ?? '?'}`}) before answering`)),
    );
  });
  child.send({ sources, data, entrypoint, revision });
  // Whatever the outcome, the process (and the compiler in it) is gone before the caller goes on.
  return settled.finally(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    }
  });
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
    `compiling ${source} failed in the compiler process: ${why}; check that imagegate is installed completely (npm ci)`,
    cause === undefined ? undefined : { cause },
  );
}
