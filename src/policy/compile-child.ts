/**
 * The one-shot compiler process of compile-process.ts. Only this process loads the Rego
 * compiler and binaryen (tens of MB of code and wasm memory, which a module cache would keep for
 * the life of the serving process, and whose malloc arenas a thread would leave behind in its
 * RSS); when it exits, all of it is returned to the system.
 *
 * In (IPC, once): { sources: {file, text}[], data: object, entrypoint: string, revision: string }.
 * Out (IPC, once): { ok: true, bytes: Uint8Array } | { ok: false, code: string, message: string }.
 */
import { isRecord } from '../guards/index.js';
import { compileBundle } from './build.js';
import type { RegoFile } from './sources.js';

type Reply = { ok: true; bytes: Uint8Array } | { ok: false; code: string; message: string };

function isRegoFile(v: unknown): v is RegoFile {
  return isRecord(v) && typeof v.file === 'string' && typeof v.text === 'string';
}

function failure(err: unknown): Reply {
  const code = isRecord(err) && typeof err.code === 'string' ? err.code : 'IMAGEGATE_POLICY_COMPILE_FAILED';
  return { ok: false, code, message: err instanceof Error ? err.message : String(err) };
}

async function compile(job: unknown): Promise<Reply> {
  try {
    if (!isRecord(job)) throw new Error('the compiler process was sent no job');
    const { sources, data, entrypoint, revision } = job;
    if (
      !Array.isArray(sources) ||
      !sources.every(isRegoFile) ||
      !isRecord(data) ||
      typeof entrypoint !== 'string' ||
      typeof revision !== 'string'
    ) {
      throw new Error('the compiler process needs sources, data, entrypoint and revision');
    }
    // print() is erased, as `opa build` does: admission decisions write nothing per request.
    const built = await compileBundle({ sources, data, entrypoints: [entrypoint], enablePrint: false, revision });
    return { ok: true, bytes: Uint8Array.from(built.bytes) };
  } catch (err) {
    return failure(err);
  }
}

const send = process.send?.bind(process);
if (send === undefined) throw new Error('src/policy/compile-child.ts runs only as a child process with IPC');
process.once('message', (job: unknown) => {
  void compile(job).then((reply) => send(reply, undefined, {}, () => process.disconnect()));
});
