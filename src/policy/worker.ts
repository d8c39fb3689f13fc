/**
 * One policy evaluator thread of the pool (pool.ts). Wasm evaluation is synchronous: run on the
 * main thread, a policy that loops for seconds would stall every request and its deadline timer
 * with it. Here it runs beside the event loop; the pool gives this thread one review at a time
 * and terminates it when that review misses its deadline.
 *
 * workerData: { wasm: Uint8Array, data: object, entrypoint: string, maxMemoryPages: number }.
 * Messages in: { id, input } (input structured-cloned, never re-serialised by the pool).
 * Out: { type: 'ready' } | { type: 'failed', message } | { id, ok: true, result, clockRead } | { id, ok: false, message }.
 * `clockRead`: the evaluation called time.now_ns, so its result may differ for the same input
 * later (the verdict cache never keeps it). The clock is read once per evaluation, as in OPA.
 */
import { parentPort, workerData } from 'node:worker_threads';
// The host built-ins' sub-room door (src/rego/builtins/index.ts), not the rego room's: that one
// loads the compiler and binaryen, ~1 s and ~70 MB more per thread, paid again at every
// replacement after a deadline kill. It is the one sub-room door other rooms may import, and
// test/package/doors.test.ts checks that nothing it loads reaches the compiler.
import { loadRegoPolicy } from '../rego/builtins/index.js';
import { isRecord } from '../guards/index.js';

function message(err: unknown): string {
  if (typeof err === 'string') return err;
  if (typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string')
    return err.message;
  return String(err);
}

const started: unknown = workerData;
function field(name: string): unknown {
  return isRecord(started) ? started[name] : undefined;
}

const port = parentPort;
if (port === null) throw new Error('src/policy/worker.ts runs only as a worker thread');
try {
  const wasm = field('wasm');
  const data = field('data');
  const entrypoint = field('entrypoint');
  const pages = field('maxMemoryPages');
  if (!(wasm instanceof Uint8Array) || !isRecord(data) || typeof entrypoint !== 'string' || typeof pages !== 'number') {
    throw new Error('worker started without wasm, data, entrypoint and maxMemoryPages');
  }
  let clock: bigint | undefined;
  let clockReads = 0;
  const now = (): bigint => {
    clockReads++;
    return (clock ??= BigInt(Date.now()) * 1_000_000n);
  };
  const policy = await loadRegoPolicy({ wasm, data, memory: { initial: 5, maximum: pages }, builtins: { now } });
  port.on('message', (msg: unknown) => {
    if (!isRecord(msg) || typeof msg.id !== 'number') return;
    clock = undefined;
    clockReads = 0;
    try {
      const result: unknown = policy.evaluate(msg.input, entrypoint);
      port.postMessage({ id: msg.id, ok: true, result, clockRead: clockReads > 0 });
    } catch (err) {
      port.postMessage({ id: msg.id, ok: false, message: message(err) });
    }
  });
  port.postMessage({ type: 'ready' });
} catch (err) {
  port.postMessage({ type: 'failed', message: message(err) });
}
