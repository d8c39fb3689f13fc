/**
 * The policy evaluator thread. Wasm evaluation is synchronous: run on the main thread, a
 * policy that loops for seconds would stall every request and its deadline timer with it. Here
 * it runs beside the event loop, and the main thread terminates this thread when a decision
 * misses its deadline.
 *
 * workerData: { wasm: Uint8Array, data: object, maxMemoryPages: number }.
 * Messages in: { id, input, entrypoint }. Out: { type: 'ready' } | { type: 'failed', message }
 * | { id, ok: true, result } | { id, ok: false, message }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { hostBuiltins } from '../rego/index.js';

function message(err: unknown): string {
  if (typeof err === 'string') return err;
  if (typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string') return err.message;
  return String(err);
}

function isRecord(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null;
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
  const pages = field('maxMemoryPages');
  if (!(wasm instanceof Uint8Array) || typeof data !== 'object' || data === null || typeof pages !== 'number') throw new Error('worker started without wasm, data and maxMemoryPages');
  const policy = await loadPolicy(wasm, { initial: 5, maximum: pages }, hostBuiltins());
  policy.setData(data);
  port.on('message', (msg: unknown) => {
    if (typeof msg !== 'object' || msg === null || !('id' in msg) || !('entrypoint' in msg) || typeof msg.entrypoint !== 'string') return;
    const input = 'input' in msg ? msg.input : undefined;
    try {
      port.postMessage({ id: msg.id, ok: true, result: policy.evaluate(input, msg.entrypoint) });
    } catch (err) {
      port.postMessage({ id: msg.id, ok: false, message: message(err) });
    }
  });
  port.postMessage({ type: 'ready' });
} catch (err) {
  port.postMessage({ type: 'failed', message: message(err) });
}
