import { readFileSync } from 'node:fs';
import type { Config } from '../config/index.js';

/** Descriptors kept for everything but client connections: files, DNS, the policy worker, stdio. */
export const DESCRIPTOR_RESERVE = 64;

/**
 * The process's soft limit on open files from /proc/self/limits (Linux), or undefined where it
 * cannot be read. `procLimits` is the file's text, injectable for tests.
 */
export function openFilesLimit(opts: { readonly procLimits?: string } = {}): number | undefined {
  let text = opts.procLimits;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return undefined;
    }
  }
  const soft = /^Max open files\s+(\d+|unlimited)\s/m.exec(text)?.[1];
  if (soft === undefined) return undefined;
  return soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
}

/**
 * Descriptors the server may need at once: server.maxConnections client sockets, every
 * registry's maxConcurrency, and a reserve. If the process limit is lower, a connection flood
 * exhausts descriptors before the cap refuses anything (issue 8: ~280 idle sockets, limit 300).
 */
export function descriptorsNeeded(opts: { readonly config: Config }): number {
  const { config } = opts;
  const registries = config.registries.hosts.reduce((sum, h) => sum + h.maxConcurrency, 0);
  return config.server.maxConnections + registries + DESCRIPTOR_RESERVE;
}
