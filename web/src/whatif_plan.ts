// The rows of a what-if: which values one feature takes, and the rows that carry them with the form's other
// values. Pure functions; the chart is drawn in whatif.ts.

import type { CellValue, FeatureInfo } from './api';
import { shortNumber } from './values';

export interface WhatIfPlan {
  feature: FeatureInfo;
  featureIndex: number;
  values: CellValue[]; // the feature's value at each step
  labels: string[]; // how each step is named on the axis and in the table
  ordinal: boolean; // categories and 0/1: separate points, not a line
}

export const DEFAULT_STEPS = 25;
export const MAX_STEPS = 200;

// The steps of one feature. Numbers: `steps` evenly spaced values from the training minimum to the maximum, both
// included. 0/1: the two values. Categories: the `steps` most frequent trained values.
export function planWhatIf(features: FeatureInfo[], featureIndex: number, steps: number): WhatIfPlan {
  const feature = features[featureIndex];
  if (feature.kind === 'boolean') {
    return { feature, featureIndex, values: [0, 1], labels: ['0', '1'], ordinal: true };
  }
  if (feature.kind === 'categorical') {
    const categories = (feature.categories ?? []).slice(0, Math.max(1, steps));
    return { feature, featureIndex, values: categories, labels: categories, ordinal: true };
  }
  const count = Math.max(2, Math.min(MAX_STEPS, Math.round(steps)));
  const min = feature.min ?? 0;
  const max = feature.max ?? 0;
  const values: number[] = [];
  for (let i = 0; i < count; ++i) values.push(i === count - 1 ? max : min + ((max - min) * i) / (count - 1));
  return { feature, featureIndex, values, labels: values.map((value) => shortNumber(value)), ordinal: false };
}

// One row per step in the model's feature order: the form's values with the what-if feature replaced.
export function whatIfRows(features: FeatureInfo[], base: Record<string, CellValue>, plan: WhatIfPlan): CellValue[][] {
  return plan.values.map((value) =>
    features.map((feature, index) => (index === plan.featureIndex ? value : (base[feature.name] ?? null))),
  );
}
