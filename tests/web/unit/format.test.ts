// web/src/format.ts: amounts written as the console writes them (the cases of tests/common/target_units_test.cpp).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  describeClipping,
  formatAmount,
  formatPercent,
  formatQuantity,
  formatQuantityRange,
  formatSignificant,
  targetDisplay,
  titleWithUnits,
  unitsSuffix,
} from '../../../web/src/format';

test('four significant digits at any magnitude, as src/common/target_units.cpp', () => {
  const cases: [number, string][] = [
    [2.045, '2.045'],
    [1.287, '1.287'],
    [0.456, '0.4560'],
    [0.0123456, '0.01235'],
    [1805.3, '1,805'],
    [123456.7, '123,457'],
    [1234567.891, '1,234,568'],
    [12.5, '12.50'],
    [-3.14159, '-3.142'],
    [0, '0'],
    [9.99996, '10.00'],
    [0.99996, '1.000'],
    [0.0000123456, '1.235e-05'],
    [2.5e16, '2.500e+16'],
  ];
  for (const [value, text] of cases) assert.equal(formatSignificant(value), text, `formatSignificant(${value})`);
  assert.equal(formatSignificant(2.045, 2), '2.0');
});

test('amounts carry the currency only for a money target', () => {
  assert.equal(formatAmount(1805.26, '$'), '$1,805');
  assert.equal(formatAmount(-12.346, '$'), '-$12.35');
  assert.equal(formatAmount(1.2873, ''), '1.287');
  assert.equal(formatAmount(NaN, '$'), 'NaN');
});

test('percentages', () => {
  assert.equal(formatPercent(0.8), '80 %');
  assert.equal(formatPercent(0.795), '79.5 %');
});

const copies = targetDisplay({
  target_name: 'Global_Sales',
  target_unit: '',
  target_units: 'million copies',
  target_label: 'Worldwide sales',
});
const money = targetDisplay({
  target_name: 'total_earnings',
  target_unit: '$',
  target_units: 'dollars',
  target_label: 'total_earnings',
});
const bare = targetDisplay({ target_name: 'y', target_unit: '', target_units: '', target_label: 'y' });

test('amounts with units: words after the number, "$" alone for money, bare without units', () => {
  assert.equal(formatQuantity(0.45781, copies), '0.4578 million copies');
  assert.equal(formatQuantity(1805.26, money), '$1,805');
  assert.equal(formatQuantity(1.2873, bare), '1.287');
  assert.equal(formatQuantityRange(0.030041, 0.82741, copies), '0.03004 to 0.8274 million copies');
  assert.equal(formatQuantityRange(12.346, 1805.26, money), '$12.35 to $1,805');
  assert.equal(formatQuantityRange(0, 2, bare), '0 to 2.000');
  assert.equal(titleWithUnits(copies), 'Worldwide sales (million copies)');
  assert.equal(titleWithUnits(money, 'lower'), 'lower'); // the cells say "$"
  assert.equal(titleWithUnits(money), 'total_earnings');
  assert.equal(titleWithUnits(bare, 'estimate'), 'estimate');
});

test("a card from before target_units keeps the old rule: '$' for money, else bare numbers, the column's name", () => {
  assert.deepEqual(targetDisplay({ target_name: 'total_earnings', target_unit: '$' }), {
    label: 'total_earnings',
    units: 'dollars',
    prefix: '$',
  });
  assert.deepEqual(targetDisplay({ target_name: 'Global_Sales', target_unit: '' }), {
    label: 'Global_Sales',
    units: '',
    prefix: '',
  });
  assert.equal(unitsSuffix(targetDisplay({ target_name: 'Global_Sales', target_unit: '' })), '');
});

test('the clipping range in words, each open side left out', () => {
  assert.equal(describeClipping({ min: 0, max: null }, ''), 'clipped to 0 or more');
  assert.equal(describeClipping({ min: 0, max: 1e6 }, '$'), 'clipped to $0 to $1,000,000');
  assert.equal(describeClipping({ min: null, max: 100 }, ''), 'clipped to 100.0 or less');
  assert.equal(describeClipping({ min: null, max: null }, ''), 'not clipped');
  assert.equal(describeClipping(undefined, '$'), 'not clipped');
});
