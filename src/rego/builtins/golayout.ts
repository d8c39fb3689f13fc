import type { Civil } from './civil.js';
import { zoneAbbrev } from './zone.js';

/** Go reference-time layouts ("Mon Jan 2 15:04:05 MST 2006") for time.format and time.parse_ns. */
export const NAMED_LAYOUTS: Readonly<Record<string, string>> = {
  ANSIC: 'Mon Jan _2 15:04:05 2006',
  UnixDate: 'Mon Jan _2 15:04:05 MST 2006',
  RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
  RFC822: '02 Jan 06 15:04 MST',
  RFC822Z: '02 Jan 06 15:04 -0700',
  RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
  RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST',
  RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700',
  RFC3339: '2006-01-02T15:04:05Z07:00',
  RFC3339Nano: '2006-01-02T15:04:05.999999999Z07:00',
  Kitchen: '3:04PM',
  Stamp: 'Jan _2 15:04:05',
  StampMilli: 'Jan _2 15:04:05.000',
  StampMicro: 'Jan _2 15:04:05.000000',
  StampNano: 'Jan _2 15:04:05.000000000',
  DateTime: '2006-01-02 15:04:05',
  DateOnly: '2006-01-02',
  TimeOnly: '15:04:05',
};

export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
export const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const FIXED_TOKENS = [
  'January',
  'Jan',
  'Monday',
  'Mon',
  'MST',
  'Z07:00:00',
  'Z070000',
  'Z07:00',
  'Z0700',
  'Z07',
  '-07:00:00',
  '-070000',
  '-07:00',
  '-0700',
  '-07',
  '2006',
  '002',
  '01',
  '02',
  '03',
  '04',
  '05',
  '06',
  '_2',
  '15',
  'PM',
  'pm',
  '1',
  '2',
  '3',
  '4',
  '5',
];

/** Splits a layout into literal text and elements (fractions as `.000`/`.999` runs). */
export function tokenize(layout: string): string[] {
  const out: string[] = [];
  let lit = '';
  let i = 0;
  while (i < layout.length) {
    const frac = /^[.,](0+|9+)(?!\d)/.exec(layout.slice(i));
    if (frac !== null) {
      if (lit !== '') {
        out.push(lit);
        lit = '';
      }
      out.push(frac[0]);
      i += frac[0].length;
      continue;
    }
    const tok = FIXED_TOKENS.find(
      (t) =>
        layout.startsWith(t, i) &&
        !(t === 'Jan' && /^[a-z]/.test(layout.slice(i + 3)) && !layout.startsWith('January', i)),
    );
    if (tok === undefined) {
      lit += layout.charAt(i);
      i++;
      continue;
    }
    if (lit !== '') {
      out.push(lit);
      lit = '';
    }
    out.push(`\u0000${tok}`);
    i += tok.length;
  }
  if (lit !== '') out.push(lit);
  return out;
}

function p2(n: number): string {
  return String(n).padStart(2, '0');
}

function offsetText(off: number, colon: boolean, seconds: boolean, short: boolean): string {
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  const h = p2(Math.floor(a / 3600));
  const m = p2(Math.floor((a % 3600) / 60));
  const s = p2(a % 60);
  if (short) return sign + h;
  const parts = seconds ? [h, m, s] : [h, m];
  return sign + parts.join(colon ? ':' : '');
}

function formatElem(tok: string, c: Civil, ms: number): string {
  switch (tok) {
    case 'January':
      return MONTHS[c.month - 1] ?? '';
    case 'Jan':
      return (MONTHS[c.month - 1] ?? '').slice(0, 3);
    case 'Monday':
      return DAYS[c.weekday] ?? '';
    case 'Mon':
      return (DAYS[c.weekday] ?? '').slice(0, 3);
    case 'MST':
      return zoneAbbrev(c.zone, ms);
    case '2006':
      return String(c.year).padStart(4, '0');
    case '06':
      return p2(c.year % 100);
    case '01':
      return p2(c.month);
    case '1':
      return String(c.month);
    case '02':
      return p2(c.day);
    case '2':
      return String(c.day);
    case '_2':
      return String(c.day).padStart(2, ' ');
    case '002':
      return String(c.yday).padStart(3, '0');
    case '15':
      return p2(c.hour);
    case '03':
      return p2(c.hour % 12 === 0 ? 12 : c.hour % 12);
    case '3':
      return String(c.hour % 12 === 0 ? 12 : c.hour % 12);
    case '04':
      return p2(c.minute);
    case '4':
      return String(c.minute);
    case '05':
      return p2(c.second);
    case '5':
      return String(c.second);
    case 'PM':
      return c.hour >= 12 ? 'PM' : 'AM';
    case 'pm':
      return c.hour >= 12 ? 'pm' : 'am';
    default:
      break;
  }
  if (tok.startsWith('Z') && c.offset === 0) return 'Z';
  const z = tok.replace('Z', '-');
  return offsetText(c.offset, z.includes(':'), z.length === 9 || z === '-070000', z === '-07');
}

function formatFraction(tok: string, nanos: number): string {
  const digits = String(nanos)
    .padStart(9, '0')
    .slice(0, tok.length - 1);
  if (tok.charAt(1) === '0') return tok.charAt(0) + digits;
  const trimmed = digits.replace(/0+$/, '');
  return trimmed === '' ? '' : tok.charAt(0) + trimmed;
}

export function formatLayout(layout: string, c: Civil, ms: number): string {
  return tokenize(layout)
    .map((t) => {
      if (t.startsWith('\u0000')) return formatElem(t.slice(1), c, ms);
      if (/^[.,](0+|9+)$/.test(t)) return formatFraction(t, c.nanos);
      return t;
    })
    .join('');
}
