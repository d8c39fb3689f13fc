/**
 * Cost of imagegate's logger (src/log: every field capped and credentials censored, in one walk).
 * Baseline: plain pino, no caps, no redaction, writing one decision-sized line. For contrast,
 * pino's own `redact` with the paths imagegate used before censoring moved into the cap walk.
 * Each case writes 100 lines to a discarding stream.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createLogger } from '../src/log/index.js';
import { measure, report } from './harness.js';

let bytes = 0;
const sink = (): Writable =>
  new Writable({
    write(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      cb();
    },
  });
const plain = pino({ level: 'info', base: { service: 'imagegate' } }, sink());
/** The redact paths createLogger gave pino until the cap walk took over censoring. */
const PINO_PATHS = [
  'password',
  'token',
  'auth',
  'authorization',
  'key',
  '*.password',
  '*.token',
  '*.auth',
  '*.authorization',
  '*.key',
  '*.headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
];
const pinoRedact = pino(
  {
    level: 'info',
    base: { service: 'imagegate' },
    redact: {
      paths: PINO_PATHS,
      censor: '[redacted]',
    },
  },
  sink(),
);
const capped = createLogger({ level: 'info', destination: sink() });

const decision = {
  event: 'admission.decision',
  endpoint: 'validate',
  uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
  namespace: 'team-a',
  name: 'web-7d4b9c',
  kind: 'Pod',
  operation: 'CREATE',
  subResource: '',
  user: 'system:serviceaccount:kube-system:replicaset-controller',
  dryRun: false,
  images: ['registry.example.com/team/app:1.2.3', 'registry.example.com/mesh/proxy:2.1'],
  imageCount: 2,
  verdict: 'allow',
  allowed: true,
  patched: 0,
  durationMs: 1.234,
};
const huge = { ...decision, name: 'a'.repeat(3 * 1024 * 1024) };
const lines = (logger: typeof plain, obj: object) => () => {
  for (let i = 0; i < 100; i++) logger.info(obj, 'admission decision');
};

const samples = [
  await measure('plain pino, decision line (baseline)', lines(plain, decision), { runs: 200 }),
  await measure("pino's redact paths, decision line (imagegate before)", lines(pinoRedact, decision), { runs: 200 }),
  await measure('imagegate logger (caps + censoring), decision line', lines(capped, decision), { runs: 200 }),
];
bytes = 0;
samples.push(await measure('plain pino, 3 MiB name', lines(plain, huge), { runs: 5, warmup: 1 }));
const plainBytes = bytes / 6 / 100;
bytes = 0;
samples.push(await measure('capped logger, 3 MiB name', lines(capped, huge), { runs: 5, warmup: 1 }));
const cappedBytes = bytes / 6 / 100;
report('log field caps: 100 lines per run', samples);
console.log(`bytes per line with a 3 MiB name: plain ${Math.round(plainBytes)}, capped ${Math.round(cappedBytes)}`);
