/**
 * Civil time in an IANA zone via Intl (the zone database of the running Node). Offsets are
 * in seconds east of UTC. Unknown zones are undefined. "" and "UTC" mean UTC, "Local" the
 * process zone (OPA's "Local" is the server's zone too).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat | undefined {
  const hit = formatters.get(tz);
  if (hit !== undefined) return hit;
  try {
    const f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    if (formatters.size > 512) formatters.clear();
    formatters.set(tz, f);
    return f;
  } catch (err: unknown) {
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}

export function normalizeZone(tz: string): string | undefined {
  if (tz === '' || tz === 'UTC') return 'UTC';
  if (tz === 'Local') return Intl.DateTimeFormat().resolvedOptions().timeZone;
  return formatter(tz) === undefined ? undefined : tz;
}

/** Offset (seconds) of `tz` at UTC instant `ms`. */
export function zoneOffset(tz: string, ms: number): number | undefined {
  if (tz === 'UTC') return 0;
  const f = formatter(tz);
  if (f === undefined) return undefined;
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(Math.floor(ms / 1000) * 1000))) parts[p.type] = p.value;
  let year = Number(parts.year);
  if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
  const local = Date.UTC(
    year,
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  const d = new Date(local);
  d.setUTCFullYear(year);
  return Math.round((d.getTime() - Math.floor(ms / 1000) * 1000) / 1000);
}

/** Short zone name for the Go `MST` layout element ("UTC", or the Intl short name such as "PST"/"GMT+5:30"). */
export function zoneAbbrev(tz: string, ms: number): string {
  if (tz === 'UTC') return 'UTC';
  try {
    const p = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'short' }).formatToParts(new Date(ms));
    return p.find((x) => x.type === 'timeZoneName')?.value ?? tz;
  } catch (err: unknown) {
    if (err instanceof RangeError) return tz;
    throw err;
  }
}
