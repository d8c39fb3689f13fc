/**
 * The load benchmark's processes: imagegate as `imagegate serve` runs it (from dist/), the bare
 * fastify route, and the load driver; plus what the kernel says about a process's CPU time and
 * memory (/proc, Linux), read from outside so that measuring costs the server nothing.
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isRecord } from '../../src/guards/index.js';
import { isReply, type Command, type Job, type JobResult, type Reply } from './protocol.js';

export const ROOT = new URL('../../', import.meta.url).pathname;
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;

/**
 * Throws, naming the first stale file, unless every src/**.ts has a dist/src/**.js at least as
 * new: the server runs from dist/ (its worker threads cannot load .ts under tsx), so a stale
 * build would benchmark other code than the checkout's.
 */
export function assertDistFresh(): void {
  const src = join(ROOT, 'src');
  const skip = (rel: string): boolean =>
    rel.startsWith('rego/wasm/runtime/') || rel.endsWith('unicase-gen.ts') || rel.endsWith('unicase-derive.ts');
  for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts') || skip(file)) continue;
    const built = join(ROOT, 'dist', 'src', file.replace(/\.ts$/, '.js'));
    const why = !existsSync(built)
      ? 'is missing'
      : statSync(built).mtimeMs < statSync(join(src, file)).mtimeMs
        ? 'is older than its source'
        : undefined;
    if (why !== undefined) {
      throw new Error(
        `${relative(ROOT, built)} ${why}: the load benchmark runs the server from dist/; run \`npm run build\` first`,
      );
    }
  }
}

/** A server process of the benchmark. */
export interface ServerProcess {
  readonly pid: number;
  readonly port: number;
  /** SIGTERM, then SIGKILL after 15 s; resolves once it has exited. */
  stop(): Promise<void>;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
}

/** The port of imagegate's `server.started` log line, once it is in `logFile`. */
function startedPort(logFile: string): number | undefined {
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('"server.started"')) continue;
    const parsed: unknown = JSON.parse(line);
    if (isRecord(parsed) && typeof parsed.port === 'number') return parsed.port;
  }
  return undefined;
}

/**
 * `node dist/src/cli/main.js serve --config FILE`, exactly what `imagegate serve` runs, logging
 * to `logFile` (a file, as a container runtime would take it, not a pipe the parent must drain).
 * `nodeFlags` go before the script (e.g. --cpu-prof).
 */
export async function startImagegate(opts: {
  readonly configFile: string;
  readonly logFile: string;
  readonly nodeFlags: readonly string[];
}): Promise<ServerProcess> {
  const fd = openSync(opts.logFile, 'w');
  const child = spawn(
    process.execPath,
    [...opts.nodeFlags, join(ROOT, 'dist/src/cli/main.js'), 'serve', '--config', opts.configFile],
    { stdio: ['ignore', fd, fd] },
  );
  closeSync(fd);
  const pid = child.pid;
  if (pid === undefined) throw new Error('imagegate serve did not start');
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const port = startedPort(opts.logFile);
    if (port !== undefined) return { pid, port, stop: stopper(child) };
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`imagegate serve did not start:\n${readFileSync(opts.logFile, 'utf8').slice(-3000)}`);
}

/** The bare fastify route (bare-route.ts), serving `certFile`/`keyFile`; `nodeFlags` as for imagegate. */
export async function startBareRoute(opts: {
  readonly certFile: string;
  readonly keyFile: string;
  readonly nodeFlags: readonly string[];
}): Promise<ServerProcess> {
  const script = join(ROOT, 'bench/load/bare-route.ts');
  const child = spawn(process.execPath, [...opts.nodeFlags, '--import', 'tsx', script, opts.certFile, opts.keyFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd: ROOT,
  });
  const pid = child.pid;
  const stdout = child.stdout;
  if (pid === undefined) throw new Error('the bare route did not start');
  const port = await new Promise<number>((resolve, reject) => {
    let seen = '';
    stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const m = /\{"port":(\d+)\}/.exec(seen);
      if (m?.[1] !== undefined) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`the bare route exited with ${code} before listening`)));
  });
  return { pid, port, stop: stopper(child) };
}

/** The load driver process (driver.ts); `run` sends one job at a time. */
export class Driver {
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (r: JobResult) => void; reject: (e: Error) => void }>();
  private ready: (() => void) | undefined;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (msg: unknown) => {
      if (isReply(msg)) this.received(msg);
    });
  }

  static async start(targets: Extract<Command, { type: 'init' }>['targets']): Promise<Driver> {
    const child = fork(join(ROOT, 'bench/load/driver.ts'), [], {
      execArgv: ['--import', 'tsx'],
      cwd: ROOT,
      serialization: 'json',
    });
    const driver = new Driver(child);
    await new Promise<void>((resolve) => {
      driver.ready = resolve;
      driver.command({ type: 'init', targets });
    });
    return driver;
  }

  async closed(job: Extract<Job, { kind: 'closed' }>): Promise<Extract<JobResult, { kind: 'closed' }>> {
    const r = await this.run(job);
    if (r.kind !== 'closed') throw new Error(`the driver answered a closed-loop job with a ${r.kind} result`);
    return r;
  }

  async open(job: Extract<Job, { kind: 'open' }>): Promise<Extract<JobResult, { kind: 'open' }>> {
    const r = await this.run(job);
    if (r.kind !== 'open') throw new Error(`the driver answered an open-loop job with a ${r.kind} result`);
    return r;
  }

  async single(job: Omit<Extract<Job, { kind: 'single' }>, 'kind'>): Promise<Extract<JobResult, { kind: 'single' }>> {
    const r = await this.run({ kind: 'single', ...job });
    if (r.kind !== 'single') throw new Error(`the driver answered a single request with a ${r.kind} result`);
    return r;
  }

  private run(job: Job): Promise<JobResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.command({ type: 'run', id, job });
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.command({ type: 'exit' });
    await exited;
  }

  private command(cmd: Command): void {
    this.child.send(cmd);
  }

  private received(msg: Reply): void {
    switch (msg.type) {
      case 'ready':
        this.ready?.();
        return;
      case 'done':
        this.waiting.get(msg.id)?.resolve(msg.result);
        this.waiting.delete(msg.id);
        return;
      case 'failed':
        this.waiting.get(msg.id)?.reject(new Error(`load driver: ${msg.message}`));
        this.waiting.delete(msg.id);
        return;
      default:
        return msg satisfies never;
    }
  }
}

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/**
 * CPU time of process `pid`, every thread, user + system, in ms: what process.cpuUsage() would
 * say inside it (getrusage of the process), read from /proc/PID/stat (fields 14 and 15, in
 * clock ticks) so that the server runs unmodified.
 */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may itself hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** Resident memory of `pid` now and at its peak (VmRSS, VmHWM), in MiB. */
export function memoryMiB(pid: number): { readonly rss: number; readonly peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}
