// Kubernetes resource quantities (`100m`, `64Mi`, `1.5G`, `1e3`), parsed exactly.
//
// The grammar and the error text are Kubernetes' own (apimachinery's
// resource.Quantity), so that users see the message they already know. Values
// are kept as exact fractions of bigints: `0.1` CPU must not become 0.0999….

/** The message Kubernetes returns for a malformed quantity. */
export const QUANTITY_FORMAT_MESSAGE =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const SYNTAX =
  /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;

const BINARY_POWERS: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_POWERS: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

/** An exact quantity: `numerator / denominator`, denominator > 0. */
export interface Quantity {
  readonly numerator: bigint;
  readonly denominator: bigint;
  /** The text it was parsed from. */
  readonly text: string;
}

/** A quantity string that does not follow Kubernetes' grammar. */
export class QuantityError extends Error {
  override readonly name = 'QuantityError';
  constructor(readonly input: string) {
    super(QUANTITY_FORMAT_MESSAGE);
  }
}

/** Parses `text` exactly; throws `QuantityError` for anything Kubernetes would refuse. */
export function parseQuantity(text: string): Quantity {
  const match = SYNTAX.exec(text);
  if (!match) throw new QuantityError(text);
  const [, sign = '', digits = '', suffix = ''] = match;
  const [whole = '', fraction = ''] = digits.split('.');
  let numerator = BigInt((whole || '0') + fraction);
  let denominator = 10n ** BigInt(fraction.length);
  if (sign === '-') numerator = -numerator;

  const binary = BINARY_POWERS[suffix];
  if (binary !== undefined) {
    numerator *= 2n ** BigInt(binary);
  } else {
    const exponent =
      suffix === '' ? 0 : /^[eE]/.test(suffix) ? Number(suffix.slice(1)) : DECIMAL_POWERS[suffix];
    if (exponent === undefined || Math.abs(exponent) > 1000) throw new QuantityError(text);
    if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
    else denominator *= 10n ** BigInt(-exponent);
  }
  return { numerator, denominator, text };
}

function ceilDiv(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  return quotient * denominator < numerator ? quotient + 1n : quotient;
}

/** The quantity as a whole number, rounded up (Kubernetes' `Value()`). */
export function quantityValue(q: Quantity): bigint {
  return ceilDiv(q.numerator, q.denominator);
}

/** The quantity in thousandths, rounded up (Kubernetes' `MilliValue()`, e.g. CPU millicores). */
export function quantityMilliValue(q: Quantity): bigint {
  return ceilDiv(q.numerator * 1000n, q.denominator);
}

/**
 * Parses a memory size to bytes (rounded up). Throws `QuantityError` for bad syntax
 * and `RangeError` for negative sizes or sizes beyond Number.MAX_SAFE_INTEGER.
 */
export function parseByteQuantity(text: string): number {
  const bytes = quantityValue(parseQuantity(text));
  if (bytes < 0n) throw new RangeError(`must be a non-negative quantity, got "${text}"`);
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`"${text}" is too large`);
  return Number(bytes);
}

/** Formats a byte count the way people read memory sizes: `64Mi`, `1.5Gi`, `512`. */
export function formatBytes(bytes: number): string {
  const units = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = Number.isInteger(value) ? String(value) : value.toFixed(1).replace(/\.0$/, '');
  return text + units[unit];
}
