import t from 'tap';
import {
  QUANTITY_FORMAT_MESSAGE,
  QuantityError,
  formatBytes,
  parseByteQuantity,
  parseQuantity,
  quantityMilliValue,
  quantityValue,
} from '../../controlplane/api/quantity.js';

t.test('memory sizes parse to bytes as Kubernetes computes them', async (t) => {
  const cases: [string, number][] = [
    ['64Mi', 64 * 1024 * 1024],
    ['1Gi', 1024 ** 3],
    ['128M', 128_000_000],
    ['1k', 1000],
    ['1Ki', 1024],
    ['1e3', 1000],
    ['1E6', 1_000_000],
    ['1.5Gi', 1.5 * 1024 ** 3],
    ['0.5Ki', 512],
    ['100', 100],
    ['0', 0],
    ['.5Ki', 512],
    ['1024m', 2], // 1.024 bytes rounds up, as Value() does
  ];
  for (const [text, bytes] of cases) t.equal(parseByteQuantity(text), bytes, text);
});

t.test('cpu quantities keep exact millicores', async (t) => {
  t.equal(quantityMilliValue(parseQuantity('100m')), 100n);
  t.equal(quantityMilliValue(parseQuantity('0.1')), 100n);
  t.equal(quantityMilliValue(parseQuantity('1024m')), 1024n);
  t.equal(quantityMilliValue(parseQuantity('2')), 2000n);
  t.equal(quantityMilliValue(parseQuantity('1u')), 1n, 'rounds up like MilliValue');
  t.equal(quantityValue(parseQuantity('500m')), 1n);
});

t.test('malformed quantities are refused with the Kubernetes message', async (t) => {
  for (const bad of ['12XB', 'two', '', '1.2.3', 'Mi', '1 Mi', '1mi', '--1', '1e', '1Ki2']) {
    t.throws(() => parseQuantity(bad), new QuantityError(bad), JSON.stringify(bad));
  }
  t.throws(() => parseQuantity('12XB'), { message: QUANTITY_FORMAT_MESSAGE });
  t.throws(() => parseByteQuantity('-1Mi'), RangeError);
});

t.test('byte sizes format for people', async (t) => {
  t.equal(formatBytes(64 * 1024 * 1024), '64Mi');
  t.equal(formatBytes(1536), '1.5Ki');
  t.equal(formatBytes(100), '100');
});
