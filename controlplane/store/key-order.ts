// Keys as the stores order them: by code point, which is the UTF-8 byte order
// LMDB keeps. JavaScript's `<` compares UTF-16 code units and would put
// U+10000 and above before U+E000–U+FFFF, so the memory store would disagree
// with LMDB on such keys without this.

/** Keys longer than this (in UTF-8 bytes) are refused: LMDB caps keys near 2 KB. */
export const MAX_KEY_BYTES = 1024;

function isSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdfff;
}

/** Negative, zero or positive as `a` sorts before, with or after `b`. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate encodes a code point above U+FFFF: above every other unit.
    const sx = isSurrogate(x);
    if (sx !== isSurrogate(y)) return sx ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * The smallest key after every key that starts with `prefix` (the exclusive
 * end of the prefix's range), or undefined when no key is (`''`, or only
 * U+10FFFF).
 */
export function prefixEnd(prefix: string): string | undefined {
  const points = Array.from(prefix);
  while (points.length > 0) {
    const last = (points.pop() as string).codePointAt(0) as number;
    let next = last + 1;
    if (next === 0xd800) next = 0xe000;
    if (next <= 0x10ffff) return points.join('') + String.fromCodePoint(next);
  }
  return undefined;
}

/** Throws a RangeError for a key no store can hold. */
export function checkKey(key: string): void {
  if (typeof key !== 'string' || key === '')
    throw new RangeError('a store key is a non-empty string');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
    throw new RangeError(`store key longer than ${MAX_KEY_BYTES} bytes: ${key.slice(0, 64)}...`);
  }
}
