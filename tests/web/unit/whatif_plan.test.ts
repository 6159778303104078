// web/src/whatif_plan.ts: which values a what-if runs over, and the rows it sends.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { FeatureInfo } from '../../../web/src/api';
import { planWhatIf, whatIfRows } from '../../../web/src/whatif_plan';

const features: FeatureInfo[] = [
  { name: 'price', kind: 'numeric', min: 39.99, max: 59.99, fill_value: 50, missing_indicator: false },
  { name: 'is_sequel', kind: 'boolean', min: 0, max: 1, fill_value: 0.7, missing_indicator: false },
  { name: 'genre', kind: 'categorical', categories: ['Action', 'Sports', 'Puzzle', 'Racing'], rare_categories: 0 },
];

test('a number runs over its training range in N steps, both ends included', () => {
  const plan = planWhatIf(features, 0, 5);
  assert.equal(plan.values.length, 5);
  assert.equal(plan.values[0], 39.99);
  assert.equal(plan.values[4], 59.99);
  assert.ok(Math.abs((plan.values[2] as number) - 49.99) < 1e-9);
  assert.equal(plan.ordinal, false);
  assert.equal(planWhatIf(features, 0, 1).values.length, 2, 'at least the two ends');
  assert.equal(planWhatIf(features, 0, 5000).values.length, 200, 'at most 200 steps');
});

test('a 0/1 feature takes 0 and 1; a category its N most frequent values', () => {
  assert.deepEqual(planWhatIf(features, 1, 25).values, [0, 1]);
  const top = planWhatIf(features, 2, 3);
  assert.deepEqual(top.values, ['Action', 'Sports', 'Puzzle']);
  assert.deepEqual(top.labels, ['Action', 'Sports', 'Puzzle']);
  assert.equal(top.ordinal, true);
  assert.equal(planWhatIf(features, 2, 25).values.length, 4);
});

test("each row holds the form's values with the chosen feature replaced, in the model's order", () => {
  const plan = planWhatIf(features, 2, 2);
  const rows = whatIfRows(features, { price: 44.99, is_sequel: 1, genre: 'Racing' }, plan);
  assert.deepEqual(rows, [
    [44.99, 1, 'Action'],
    [44.99, 1, 'Sports'],
  ]);
});
