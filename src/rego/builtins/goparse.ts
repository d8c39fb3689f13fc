import { nsOfFields } from './civil.js';
import { DAYS, MONTHS, tokenize } from './golayout.js';

/** Go's time.Parse for the layout elements of golayout.ts; undefined when the value does not match. */

const esc = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

const ELEM: Readonly<Record<string, string>> = {
  January: `(${MONTHS.join('|')})`,
  Jan: `(${MONTHS.map((m) => m.slice(0, 3)).join('|')})`,
  Monday: `(?:${DAYS.join('|')})`,
  Mon: `(?:${DAYS.map((d) => d.slice(0, 3)).join('|')})`,
  MST: '([A-Z]{3,5}|[+-]\\d{1,2}(?::?\\d{2})?)',
  '2006': '(\\d{4})',
  '06': '(\\d{2})',
  '01': '(\\d{2})',
  '1': '(\\d{1,2})',
  '02': '(\\d{2})',
  '2': '(\\d{1,2})',
  _2: ' ?(\\d{1,2})',
  '002': '(\\d{3})',
  '15': '(\\d{1,2})',
  '03': '(\\d{2})',
  '3': '(\\d{1,2})',
  '04': '(\\d{2})',
  '4': '(\\d{1,2})',
  '05': '(\\d{2})',
  '5': '(\\d{1,2})',
  PM: '(AM|PM)',
  pm: '(am|pm)',
  'Z07:00:00': '(Z|[+-]\\d{2}:\\d{2}:\\d{2})',
  Z070000: '(Z|[+-]\\d{6})',
  'Z07:00': '(Z|[+-]\\d{2}:\\d{2})',
  Z0700: '(Z|[+-]\\d{4})',
  Z07: '(Z|[+-]\\d{2})',
  '-07:00:00': '([+-]\\d{2}:\\d{2}:\\d{2})',
  '-070000': '([+-]\\d{6})',
  '-07:00': '([+-]\\d{2}:\\d{2})',
  '-0700': '([+-]\\d{4})',
  '-07': '([+-]\\d{2})',
};

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  pm: boolean | undefined;
  offset: number;
  yday: number | undefined;
}

function offsetOf(text: string): number {
  if (text === 'Z' || /^[A-Z]/.test(text)) return 0;
  const sign = text.startsWith('-') ? -1 : 1;
  const d = text.slice(1).replaceAll(':', '');
  return sign * (Number(d.slice(0, 2)) * 3600 + Number(d.slice(2, 4) || '0') * 60 + Number(d.slice(4, 6) || '0'));
}

function apply(f: Fields, tok: string, v: string): void {
  switch (tok) {
    case 'January':
      f.month = MONTHS.indexOf(v) + 1;
      break;
    case 'Jan':
      f.month = MONTHS.findIndex((m) => m.startsWith(v)) + 1;
      break;
    case '2006':
      f.year = Number(v);
      break;
    case '06': {
      const y = Number(v);
      f.year = y >= 69 ? 1900 + y : 2000 + y;
      break;
    }
    case '01':
    case '1':
      f.month = Number(v);
      break;
    case '02':
    case '2':
    case '_2':
      f.day = Number(v);
      break;
    case '002':
      f.yday = Number(v);
      break;
    case '15':
      f.hour = Number(v);
      break;
    case '03':
    case '3':
      f.hour = Number(v);
      f.pm ??= false;
      break;
    case '04':
    case '4':
      f.minute = Number(v);
      break;
    case '05':
    case '5':
      f.second = Number(v);
      break;
    case 'PM':
    case 'pm':
      f.pm = v.toUpperCase() === 'PM';
      break;
    case 'frac':
      f.nanos = Number(v.padEnd(9, '0').slice(0, 9));
      break;
    default:
      f.offset = offsetOf(v);
  }
}

function daysIn(year: number, month: number): number {
  return (
    new Date(Date.UTC(2000, month, 0)).getUTCDate() -
    (month === 2 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 1 : 0)
  );
}

export function parseLayout(layout: string, value: string): bigint | undefined {
  const toks = tokenize(layout);
  let re = '^';
  const order: string[] = [];
  toks.forEach((t, i) => {
    if (t.startsWith('\u0000')) {
      const name = t.slice(1);
      re += ELEM[name] ?? '';
      if ((ELEM[name] ?? '').includes('(') && !(ELEM[name] ?? '').startsWith('(?:')) order.push(name);
      const next = toks[i + 1] ?? '';
      if ((name === '05' || name === '5') && !/^[.,](0+|9+)$/.test(next)) {
        re += '(?:[.,](\\d+))?';
        order.push('frac');
      }
    } else if (/^[.,]0+$/.test(t)) {
      re += `[.,](\\d{${t.length - 1}})`;
      order.push('frac');
    } else if (/^[.,]9+$/.test(t)) {
      re += '(?:[.,](\\d+))?';
      order.push('frac');
    } else re += esc(t);
  });
  const m = new RegExp(`${re}$`).exec(value);
  if (m === null) return undefined;
  const f: Fields = {
    year: 0,
    month: 1,
    day: 1,
    hour: 0,
    minute: 0,
    second: 0,
    nanos: 0,
    pm: undefined,
    offset: 0,
    yday: undefined,
  };
  order.forEach((tok, i) => {
    const v = m[i + 1];
    if (v !== undefined) apply(f, tok, v);
  });
  if (f.pm !== undefined) {
    if (f.hour < 1 || f.hour > 12) return undefined;
    f.hour = (f.hour % 12) + (f.pm ? 12 : 0);
  }
  if (f.yday !== undefined) {
    const d = new Date(Date.UTC(2000, 0, f.yday));
    d.setUTCFullYear(f.year, 0, f.yday);
    f.month = d.getUTCMonth() + 1;
    f.day = d.getUTCDate();
  }
  if (
    f.month < 1 ||
    f.month > 12 ||
    f.day < 1 ||
    f.day > daysIn(f.year, f.month) ||
    f.hour > 23 ||
    f.minute > 59 ||
    f.second > 59
  )
    return undefined;
  return nsOfFields(f, f.offset);
}
