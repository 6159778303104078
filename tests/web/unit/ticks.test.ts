// web/src/ticks.ts: the what-if chart's y axis, nice numbers in the units (the rule of src/tensorboard/plot_axes.cpp).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatTick, niceStep, niceTicks, yAxisRange } from '../../../web/src/ticks';

// The texts of an axis from min to max, as the chart writes them.
function axis(min: number, max: number, prefix = ''): string[] {
  const { ticks, step } = niceTicks(min, max);
  return ticks.map((value) => formatTick(value, step, prefix));
}

test('steps are 1, 2 or 5 times a power of ten', () => {
  assert.equal(niceStep(10, 8), 2); // 1.25 a step rounds up to 2
  assert.equal(niceStep(8, 8), 1);
  assert.equal(niceStep(350000, 8), 50000);
  assert.equal(niceStep(0.9, 8), 0.2);
  assert.equal(niceStep(3, 6), 0.5);
  assert.equal(niceStep(0, 6), 1); // nothing to split
  assert.equal(niceStep(NaN, 6), 1);
});

test('sales in million copies: 0, 0.5, 1, 1.5, written exactly', () => {
  assert.deepEqual(niceTicks(-0.02, 1.7).ticks, [0, 0.5, 1, 1.5]);
  assert.deepEqual(axis(-0.02, 1.7), ['0', '0.5', '1', '1.5']);
  // Steps of 0.1 add up to 0.30000000000000004 in floating point; the ticks are the decimal numbers.
  assert.deepEqual(niceTicks(0, 0.6).ticks, [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
  assert.deepEqual(axis(0, 0.6), ['0', '0.1', '0.2', '0.3', '0.4', '0.5', '0.6']);
});

test('money: "$100k" steps, huge amounts in M, G and T, the sign before the "$"', () => {
  assert.deepEqual(axis(20000, 560000, '$'), ['$100k', '$200k', '$300k', '$400k', '$500k']);
  assert.deepEqual(axis(0, 1.2e7, '$'), ['$0', '$2M', '$4M', '$6M', '$8M', '$10M', '$12M']);
  assert.deepEqual(axis(1e6, 4e6, '$'), ['$1M', '$1.5M', '$2M', '$2.5M', '$3M', '$3.5M', '$4M']);
  assert.deepEqual(axis(0, 3e9, '$'), ['$0', '$500M', '$1G', '$1.5G', '$2G', '$2.5G', '$3G']);
  assert.deepEqual(axis(2e15, 5e15, '$'), [
    '$2,000T', '$2,500T', '$3,000T', '$3,500T', '$4,000T', '$4,500T', '$5,000T',
  ]);
  assert.deepEqual(axis(-30000, 20000, '$'), ['-$30k', '-$20k', '-$10k', '$0', '$10k', '$20k']);
});

test('negative to positive: 0 is a tick, written "0" (never "-0")', () => {
  const { ticks } = niceTicks(-1.3, 1.2);
  assert.deepEqual(ticks, [-1, -0.5, 0, 0.5, 1]);
  assert.ok(!Object.is(ticks[2], -0));
  assert.deepEqual(axis(-1.3, 1.2), ['-1', '-0.5', '0', '0.5', '1']);
  assert.deepEqual(axis(-1.3, 2.2), ['-1', '0', '1', '2']); // a wider span: steps of 1
  assert.equal(formatTick(-1e-18, 0.5, '$'), '$0');
});

test('a tiny span gets the decimals it needs, no more', () => {
  assert.deepEqual(axis(0.12341, 0.12359), ['0.12345', '0.1235', '0.12355']);
  assert.deepEqual(
    niceTicks(1000.001, 1000.004).ticks,
    [1000.001, 1000.0015, 1000.002, 1000.0025, 1000.003, 1000.0035, 1000.004],
  );
  assert.equal(formatTick(1000.0015, 0.0005, ''), '1,000.0015'); // no "1.0000015k"
  assert.deepEqual(axis(1234000, 1236000, '$'), ['$1,234k', '$1,234.5k', '$1,235k', '$1,235.5k', '$1,236k']);
  // A span below the values' precision still ends: the ticks are bounded.
  assert.ok(niceTicks(1e15, 1e15 + 0.01).ticks.length <= 25);
});

test('a flat series: its one value as a tick, and a y range around it', () => {
  assert.deepEqual(niceTicks(0.25, 0.25).ticks, [0.25]);
  const [low, high] = yAxisRange(0.25, 0.25);
  assert.ok(low < 0.25 && high > 0.25, `${low} to ${high}`);
  assert.ok(niceTicks(low, high).ticks.includes(0.25));
  const [zeroLow, zeroHigh] = yAxisRange(0, 0, { min: 0, max: null });
  assert.deepEqual([zeroLow, zeroHigh], [0, 1]); // all at the floor: the axis starts there and still has height
});

test("the y range is padded by a tenth but never past the target's range", () => {
  assert.deepEqual(yAxisRange(1, 3), [0.8, 3.2]);
  assert.deepEqual(yAxisRange(0.05, 1.05, { min: 0, max: null }), [0, 1.1500000000000001]);
  assert.deepEqual(yAxisRange(50, 100, { min: 0, max: 100 }), [45, 100]);
  // Values outside the range (a model without clipping drawn against one) keep their padding.
  assert.deepEqual(yAxisRange(-1, 1, { min: 0, max: null }), [-1.2, 1.2]);
  assert.deepEqual(yAxisRange(1, 3, { min: null, max: null }), [0.8, 3.2]);
});

test('non-finite ends give no ticks', () => {
  assert.deepEqual(niceTicks(NaN, 1).ticks, []);
  assert.deepEqual(niceTicks(0, Infinity).ticks, []);
  assert.equal(formatTick(NaN, 1, ''), 'NaN');
});
