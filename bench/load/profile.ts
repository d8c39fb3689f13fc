/**
 * Reads the V8 CPU profiles `node --cpu-prof` wrote (one per thread) and prints where the time
 * went: self time per function and per place (package or src/ room), largest first.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRecord } from '../../src/guards/index.js';

interface Frame {
  readonly name: string;
  readonly place: string;
  readonly selfMs: number;
}

/** Where a script lives, coarsely: a package, an imagegate room, node's internals, or wasm/native. */
function placeOf(url: string): string {
  if (url === '') return '(native, wasm or gc)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1] !== undefined) return pkg[1];
  const room = /dist\/src\/([^/]+)/.exec(url);
  if (room?.[1] !== undefined) return `imagegate ${room[1]}`;
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

/** Self time per node of one profile (sample count × mean sampling interval). */
function framesOf(profile: unknown): { frames: Frame[]; totalMs: number } {
  if (!isRecord(profile) || !Array.isArray(profile.nodes) || typeof profile.startTime !== 'number')
    throw new Error('not a V8 CPU profile');
  const endTime = typeof profile.endTime === 'number' ? profile.endTime : profile.startTime;
  const samples = Array.isArray(profile.samples) ? profile.samples.length : 0;
  const msPerSample = samples === 0 ? 0 : (endTime - profile.startTime) / 1000 / samples;
  const frames: Frame[] = [];
  for (const node of profile.nodes) {
    if (!isRecord(node) || !isRecord(node.callFrame) || typeof node.hitCount !== 'number') continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = typeof url === 'string' ? url : '';
    const name = `${typeof functionName === 'string' && functionName !== '' ? functionName : '(anonymous)'} ${where.replace(/^.*\/(node_modules|dist)\//, '')}:${typeof lineNumber === 'number' ? lineNumber + 1 : 0}`;
    frames.push({ name, place: placeOf(where), selfMs: node.hitCount * msPerSample });
  }
  return { frames, totalMs: samples * msPerSample };
}

function top(frames: readonly Frame[], key: (f: Frame) => string, n: number): [string, number][] {
  const sums = new Map<string, number>();
  for (const f of frames) sums.set(key(f), (sums.get(key(f)) ?? 0) + f.selfMs);
  return [...sums.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
}

/** Prints, for each profile in `dir`, the top functions and places by self time. */
export function printProfiles(dir: string, n = 15): void {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  for (const file of files) {
    const { frames, totalMs } = framesOf(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    const idle = frames.filter((f) => f.name.startsWith('(idle)')).reduce((s, f) => s + f.selfMs, 0);
    const busy = totalMs - idle;
    console.log(`\n### ${file}: ${(totalMs / 1000).toFixed(1)} s profiled, ${(busy / 1000).toFixed(1)} s not idle`);
    const pct = (ms: number): string => `${((100 * ms) / busy).toFixed(1)} %`;
    console.log('| place | self ms | of non-idle |\n|---|---|---|');
    for (const [place, ms] of top(
      frames.filter((f) => !f.name.startsWith('(idle)')),
      (f) => f.place,
      n,
    ))
      console.log(`| ${place} | ${ms.toFixed(0)} | ${pct(ms)} |`);
    console.log('| function | self ms | of non-idle |\n|---|---|---|');
    for (const [name, ms] of top(
      frames.filter((f) => !f.name.startsWith('(idle)')),
      (f) => f.name,
      n,
    ))
      console.log(`| ${name} | ${ms.toFixed(0)} | ${pct(ms)} |`);
  }
}
