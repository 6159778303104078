// Axis ticks for the what-if chart: nice numbers (1, 2 or 5 times a power of ten, the rule of the TensorBoard
// image's axes in src/tensorboard/plot_axes.cpp) written short in the target's units ("$100k", "2.5M", "0.5"), and
// the y range they are drawn over. Pure functions.

import { groupThousands } from './format';
import type { TargetRange } from './format';

// The smallest 1, 2 or 5 times a power of ten that splits `span` into at most `maxTicks` steps (as
// src/tensorboard/plot_axes.cpp's nice_step); 1 for a span that is 0 or not finite.
export function niceStep(span: number, maxTicks: number): number {
  const raw = Math.abs(span) / Math.max(1, maxTicks);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const factor of [1, 2, 5]) {
    if (factor * magnitude >= raw * (1 - 1e-9)) return factor * magnitude;
  }
  return 10 * magnitude;
}

// Decimal places a multiple of `step` needs (0.5 -> 1, 0.02 -> 2, 100 -> 0).
function stepDecimals(step: number): number {
  return Math.max(0, Math.min(20, -Math.floor(Math.log10(step) + 1e-9)));
}

// The ticks of an axis from `min` to `max`: every multiple of a nice step inside, at most about `maxTicks` of them,
// written exactly (0.3, not 0.30000000000000004). A flat range (min = max) gets the one tick at its value.
export function niceTicks(min: number, max: number, maxTicks = 6): { ticks: number[]; step: number } {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { ticks: [], step: 1 };
  const low = Math.min(min, max);
  const high = Math.max(min, max);
  if (high === low) return { ticks: [low], step: niceStep(Math.abs(low), maxTicks) };
  const step = niceStep(high - low, maxTicks);
  const decimals = stepDecimals(step);
  const first = Math.ceil(low / step - 1e-9);
  const last = Math.floor(high / step + 1e-9);
  const ticks: number[] = [];
  // The bound guards against a span too small for the values' precision (1e15 to 1e15 + 0.01).
  for (let k = first; k <= last && ticks.length <= 4 * maxTicks; ++k) {
    ticks.push(Number((k * step).toFixed(decimals)) || 0); // `|| 0`: no "-0"
  }
  return { ticks, step };
}

// A tick's text, short and in the units: "$100k", "2.5M", "0.5", "-$20k" (thousands k, millions M, billions G,
// trillions T, as the TensorBoard image's ticks), with just the decimals the axis's step needs.
export function formatTick(value: number, step: number, prefix: string): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  const scales: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  // A letter only where the axis's step keeps at most 3 decimals after it: 1000.0015 stays "1,000.0015".
  const [scale, letter] = scales.find(([size]) => magnitude >= size && Math.abs(step) >= size / 1000) ?? [1, ''];
  const decimals = stepDecimals(Math.abs(step) > 0 ? Math.abs(step) / scale : 1);
  let digits = (magnitude / scale).toFixed(decimals);
  if (digits.includes('.')) digits = digits.replace(/0+$/, '').replace(/\.$/, '');
  if (Number(digits) === 0) return `${prefix}0`;
  const point = digits.indexOf('.');
  const integerPart = point < 0 ? digits : digits.slice(0, point);
  const fraction = point < 0 ? '' : digits.slice(point);
  return `${value < 0 ? '-' : ''}${prefix}${groupThousands(integerPart)}${fraction}${letter}`;
}

// The what-if chart's y range: the values' span with a tenth of it free above and below, so no point sits on the
// chart's edge, but never past the target's range (the outputs are clipped to it: an axis running below 0 for sales
// would show room for estimates that cannot be). A flat series gets a span around its value.
export function yAxisRange(
  min: number,
  max: number,
  targetRange?: TargetRange,
): [number, number] {
  const pad = max > min ? (max - min) * 0.1 : Math.abs(max) * 0.05 || 1;
  let low = min - pad;
  let high = max + pad;
  const floor = targetRange?.min ?? null;
  const ceiling = targetRange?.max ?? null;
  if (floor !== null && min >= floor) low = Math.max(low, floor);
  if (ceiling !== null && max <= ceiling) high = Math.min(high, ceiling);
  if (!(high > low)) high = low + (Math.abs(low) * 0.1 || 1);
  return [low, high];
}
