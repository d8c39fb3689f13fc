import type { Violation } from './ports.js';

/** The API server shows status.message to the user; keep it readable and bounded. */
const MAX_MESSAGE = 4096;
/** Kubernetes guidance: few, short warnings; no "Warning:" prefix (kubectl adds it). */
const MAX_WARNINGS = 5;
const MAX_WARNING_LENGTH = 120;

/**
 * One line per violation: which container, which image, which rule, why, and the fix, e.g.
 * `container "app" image "nginx:1" violates trusted-registries: registry docker.io is not trusted (fix: ...)`.
 */
export function denialMessage(violations: readonly Violation[]): string {
  const lines = violations.map((v) => {
    const fix = v.fix === '' ? '' : ` (fix: ${v.fix})`;
    return `container ${JSON.stringify(v.container)} image ${JSON.stringify(clip(v.image, 200))} violates ${v.rule}: ${v.message}${fix}`;
  });
  return clip(
    `denied ${violations.length === 1 ? '1 image' : `${violations.length} image problems`}: ${lines.join('; ')}`,
    MAX_MESSAGE,
  );
}

/** Caps warnings to Kubernetes' limits; a last warning says how many were folded away. */
export function boundWarnings(warnings: readonly string[]): string[] {
  const cleaned = warnings.map((w) =>
    clip(w.replace(/^warning:\s*/i, '').replace(/[\r\n\t]+/g, ' '), MAX_WARNING_LENGTH),
  );
  if (cleaned.length <= MAX_WARNINGS) return cleaned;
  const kept = cleaned.slice(0, MAX_WARNINGS - 1);
  kept.push(`and ${cleaned.length - kept.length} more warnings (see imagegate's log)`);
  return kept;
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
