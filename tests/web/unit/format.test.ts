// web/src/format.ts: amounts written as the console writes them (the cases of tests/common/target_units_test.cpp).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatAmount, formatPercent, formatSignificant } from '../../../web/src/format';

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
