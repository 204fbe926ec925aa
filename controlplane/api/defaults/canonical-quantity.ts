// Quantities as Kubernetes stores and shows them: apimachinery's canonical
// form (`1024Mi` reads back as `1Gi`, `0.5` as `500m`, `1000m` as `1`),
// keeping the suffix family the user wrote (binary `Ki`..`Ei`, decimal SI,
// or `e` exponents). Resource lists are first rounded up to thousandths, as
// SetDefaults_ResourceList does (`0.0001` CPU becomes `1m`).

import { parseQuantity, type Quantity } from '../quantity.js';

/** The suffix family of a quantity's text, which its canonical form keeps. */
type QuantityFormat = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

const DECIMAL_SUFFIXES: Readonly<Record<number, string>> = {
  [-9]: 'n',
  [-6]: 'u',
  [-3]: 'm',
  0: '',
  3: 'k',
  6: 'M',
  9: 'G',
  12: 'T',
  15: 'P',
  18: 'E',
};
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

function formatOf(text: string): QuantityFormat {
  if (/(Ki|Mi|Gi|Ti|Pi|Ei)$/.test(text)) return 'BinarySI';
  return /[eE][+-]?[0-9]+$/.test(text) ? 'DecimalExponent' : 'DecimalSI';
}

/** `numerator / denominator` rounded away from zero to a multiple of 10^-`digits`. */
function roundUp(q: Quantity, digits: number): { numerator: bigint; denominator: bigint } {
  const scale = 10n ** BigInt(digits);
  const scaled = q.numerator * scale;
  let units = scaled / q.denominator;
  if (units * q.denominator !== scaled) units += q.numerator < 0n ? -1n : 1n;
  return { numerator: units, denominator: scale };
}

/** `m × 10^e` with `m` an integer without trailing zeros (exact: the denominator is a power of ten). */
function decimalParts(
  numerator: bigint,
  denominator: bigint,
): { mantissa: bigint; exponent: number } {
  let mantissa = numerator;
  let exponent = -(denominator.toString().length - 1);
  while (mantissa !== 0n && mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  return { mantissa, exponent };
}

function canonicalDecimal(numerator: bigint, denominator: bigint, format: QuantityFormat): string {
  let { mantissa, exponent } = decimalParts(numerator, denominator);
  // The exponent goes down to a multiple of three, the mantissa up to match (`1500` stays `1500`).
  const down = ((exponent % 3) + 3) % 3;
  mantissa *= 10n ** BigInt(down);
  exponent -= down;
  if (format === 'DecimalExponent')
    return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
  // Beyond `E` the mantissa grows (Kubernetes caps quantities long before).
  if (exponent > 18) {
    mantissa *= 10n ** BigInt(exponent - 18);
    exponent = 18;
  }
  return `${mantissa}${DECIMAL_SUFFIXES[exponent] ?? ''}`;
}

function canonicalBinary(value: bigint): string {
  let mantissa = value;
  let power = 0;
  while (power < BINARY_SUFFIXES.length - 1 && mantissa % 1024n === 0n) {
    mantissa /= 1024n;
    power++;
  }
  return `${mantissa}${BINARY_SUFFIXES[power]}`;
}

/**
 * The canonical text of a quantity (a string or a JSON number), or undefined
 * when it is not one (validation reports that). `milli` rounds up to
 * thousandths first, as Kubernetes does for resource lists; otherwise to
 * billionths, the finest a quantity holds.
 */
export function canonicalQuantity(value: string | number, milli = false): string | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  let parsed: Quantity;
  try {
    parsed = parseQuantity(text);
  } catch {
    return undefined;
  }
  const { numerator, denominator } = roundUp(parsed, milli ? 3 : 9);
  if (numerator === 0n) return '0';
  let format = formatOf(text);
  if (format === 'BinarySI') {
    const whole = numerator % denominator === 0n;
    const small = numerator > -1024n * denominator && numerator < 1024n * denominator;
    // Binary suffixes only for whole numbers of at least 1Ki; anything else would round.
    if (whole && !small) return canonicalBinary(numerator / denominator);
    format = 'DecimalSI';
  }
  return canonicalDecimal(numerator, denominator, format);
}
