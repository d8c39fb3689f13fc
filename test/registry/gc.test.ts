import t from 'tap';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const probe = fileURLToPath(new URL('./gcprobe.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const LOOKUPS = 200;
const TIMEOUT_MS = 2_000;
/** Generous on a loaded 2-core box (forced GCs every 200 ms included); a collected timer never fires at all. */
const SLACK_MS = 4_000;

interface Tally {
  readonly settled: number;
  readonly codes: Record<string, number>;
  readonly minMs: number;
  readonly maxMs: number;
}

interface ProbeResult {
  readonly finished: boolean;
  readonly registry: Tally;
  readonly kube: Tally;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function tallyOf(v: unknown): Tally {
  if (
    !isRecord(v) ||
    typeof v.settled !== 'number' ||
    typeof v.minMs !== 'number' ||
    typeof v.maxMs !== 'number' ||
    !isRecord(v.codes)
  ) {
    throw new Error(`not a probe tally: ${JSON.stringify(v)}`);
  }
  const codes: Record<string, number> = {};
  for (const [code, n] of Object.entries(v.codes)) if (typeof n === 'number') codes[code] = n;
  return { settled: v.settled, codes, minMs: v.minMs, maxMs: v.maxMs };
}

function parseProbe(line: string): ProbeResult {
  const doc: unknown = JSON.parse(line);
  if (!isRecord(doc) || typeof doc.finished !== 'boolean') throw new Error(`not a probe result: ${line}`);
  return { finished: doc.finished, registry: tallyOf(doc.registry), kube: tallyOf(doc.kube) };
}

function runProbe(): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', probe],
      {
        cwd: root,
        timeout: 60_000,
        env: {
          ...process.env,
          PROBE_LOOKUPS: String(LOOKUPS),
          PROBE_TIMEOUT_MS: String(TIMEOUT_MS),
          PROBE_WATCHDOG_MS: '20000',
        },
      },
      (err, stdout, stderr) => {
        if (err !== null) return reject(new Error(`probe failed: ${err.message}\n${stderr}`));
        const line = stdout.trim().split('\n').at(-1) ?? '';
        resolve(parseProbe(line));
      },
    );
  });
}

t.test(
  'with --expose-gc and forced GCs, 200 lookups and 200 API reads against silent servers all end at their deadline',
  async (t) => {
    const out = await runProbe();
    t.ok(out.finished, 'every lookup and read ended (none waits on a collected timer)');
    t.same(
      out.registry.codes,
      { IMAGEGATE_REGISTRY_TIMEOUT: LOOKUPS },
      'tag lookups, 192 of them queued behind maxConcurrency 8, are all TIMEOUT',
    );
    t.same(
      out.kube.codes,
      { IMAGEGATE_KUBE_TIMEOUT: LOOKUPS },
      'API reads, most queued in the 4-connection pool, are all TIMEOUT',
    );
    for (const [kind, tally] of [
      ['registry', out.registry],
      ['kube', out.kube],
    ] as const) {
      t.ok(
        tally.minMs >= TIMEOUT_MS - 50,
        `${kind}: none ended before its ${TIMEOUT_MS} ms deadline (fastest ${tally.minMs} ms)`,
      );
      t.ok(
        tally.maxMs < TIMEOUT_MS + SLACK_MS,
        `${kind}: the slowest ended ${tally.maxMs} ms after the start, within ${TIMEOUT_MS} + ${SLACK_MS} ms`,
      );
    }
  },
);
