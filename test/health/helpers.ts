import { validateConfig } from '../../src/config/internal.js';
import type { HealthConfig } from '../../src/config/index.js';

/** A `health` section through the real config validation (defaults, relation checks). */
export function healthConfig(health: Readonly<Record<string, unknown>>): HealthConfig {
  return validateConfig({ value: { health }, source: 'test.yaml' }).health;
}

/** A wall clock frozen at `iso`, movable by tests. */
export function clockAt(iso: string): { now(): number; set(iso: string): void } {
  let at = Date.parse(iso);
  return {
    now: () => at,
    set(next: string) {
      at = Date.parse(next);
    },
  };
}

export const DIGESTS = {
  ubiIndex: 'sha256:8c13061caf016db5b5b5d0453effd42b672eec37bcfa91a0ae9f62e2f827c4c5',
  ubiAmd64: 'sha256:9812241f58a85eb380451ff663b43c3bc785250683f0fabf4f501b17085dde9a',
  widget: 'sha256:3dcaf01255c13697fd1578b4560926a248efc20bad9f1cee0006b3316d514266',
  app: 'sha256:5b1a8ee2e10b71a0a4ef0c0b5a0e0a7b1c6e5e2fb1e8d36d1d0b0c35b3e0d6a1',
  absent: `sha256:${'0'.repeat(64)}`,
} as const;
