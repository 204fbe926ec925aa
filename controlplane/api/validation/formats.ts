// The string formats the schemas use, checked as Kubernetes' decoder checks
// them: `quantity` (resource.Quantity), `byte` (base64 []byte, Go's
// StdEncoding), `date-time` (metav1.Time, RFC 3339), and the integer widths.

import { parseQuantity } from '../quantity.js';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Days in `month` (1-12) of `year`, Gregorian. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** An RFC 3339 date-time with a real calendar date and time (`2024-02-30T...` is refused). */
export function isDateTime(value: string): boolean {
  const match = RFC3339.exec(value);
  if (!match) return false;
  const [y, mo, d, h, mi, s] = match.slice(1, 7).map(Number);
  if (y === undefined || mo === undefined || d === undefined) return false;
  return (
    mo >= 1 &&
    mo <= 12 &&
    d >= 1 &&
    d <= daysInMonth(y, mo) &&
    (h ?? 99) < 24 &&
    (mi ?? 99) < 60 &&
    (s ?? 99) < 61
  );
}

/** A Kubernetes quantity (`100m`, `1Gi`). */
export function isQuantity(value: string): boolean {
  try {
    parseQuantity(value);
    return true;
  } catch {
    return false;
  }
}

const BASE64_CHAR = /[A-Za-z0-9+/]/;

/**
 * Why `value` is not standard padded base64, as Go's decoder says it
 * (`illegal base64 data at input byte 4`), or undefined when it is. Line
 * breaks are skipped, as Go's decoder skips them.
 */
export function base64Error(value: string): string | undefined {
  const text = value.replace(/[\r\n]/g, '');
  const padding = /=*$/.exec(text)?.[0].length ?? 0;
  const body = text.length - padding;
  for (let i = 0; i < body; i++) {
    if (!BASE64_CHAR.test(text.charAt(i))) return `illegal base64 data at input byte ${i}`;
  }
  if (text.length % 4 !== 0 || padding > 2 || (padding > 0 && body % 4 < 2)) {
    return `illegal base64 data at input byte ${Math.max(0, text.length - (text.length % 4 || 4))}`;
  }
  return undefined;
}

/** Signed 32-bit integers (Kubernetes' int32 fields). */
export const INT32_RANGE = { min: -2147483648, max: 2147483647 } as const;
/** The integers a JSON number holds exactly (Kubernetes' int64 fields, as far as JavaScript can tell). */
export const INT64_RANGE = { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER } as const;

/** The format checks ajv runs, by format name. */
export const FORMATS = {
  quantity: { type: 'string', validate: isQuantity },
  byte: { type: 'string', validate: (v: string) => base64Error(v) === undefined },
  'date-time': { type: 'string', validate: isDateTime },
  int32: { type: 'number', validate: (v: number) => v >= INT32_RANGE.min && v <= INT32_RANGE.max },
  int64: { type: 'number', validate: (v: number) => v >= INT64_RANGE.min && v <= INT64_RANGE.max },
} as const;
