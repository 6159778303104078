// Amounts as the console prints them (src/common/target_units.cpp): at least 4 significant digits at any
// magnitude, integer digits never rounded away, thousands separators, "$" only for a money target. Pure functions.

export function groupThousands(integerDigits: string): string {
  return integerDigits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

// 2.045 -> "2.045", 1805.3 -> "1,805", 0.0123456 -> "0.01235", 1234567.8 -> "1,234,568", 0 -> "0";
// below 1e-4 and from 1e15 on, exponent form: "1.235e-05".
export function formatSignificant(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude === 0) return '0';
  const sign = value < 0 ? '-' : '';
  if (magnitude < 1e-4 || magnitude >= 1e15) {
    // C's printf writes at least two exponent digits ("e-05"); JavaScript writes "e-5".
    const [mantissa, exponent] = value.toExponential(Math.max(0, digits - 1)).split('e');
    const exponentDigits = exponent.replace(/^[+-]/, '').padStart(2, '0');
    return `${mantissa}e${exponent.startsWith('-') ? '-' : '+'}${exponentDigits}`;
  }
  const integerDigits = Math.floor(Math.log10(magnitude)) + 1;
  let decimals = Math.max(0, digits - integerDigits);
  let text = magnitude.toFixed(decimals);
  // Rounding may carry into a new digit (9.9996 -> "10.000"): one decimal fewer keeps the count honest.
  if (decimals > 0 && Number(text) >= 10 ** integerDigits) text = magnitude.toFixed(--decimals);
  const point = text.indexOf('.');
  const integerPart = point < 0 ? text : text.slice(0, point);
  const fraction = point < 0 ? '' : text.slice(point);
  return sign + groupThousands(integerPart) + fraction;
}

// "$1,805" for a money target (unit "$"), "1.287" otherwise; "-$12.35" when negative.
export function formatAmount(value: number, unit: string): string {
  if (!Number.isFinite(value)) return String(value);
  return (value < 0 ? '-' : '') + unit + formatSignificant(Math.abs(value));
}

// A share as a percentage: 0.8 -> "80 %".
export function formatPercent(share: number): string {
  return `${formatSignificant(share * 100, 3).replace(/\.0+$/, '')} %`;
}

// ---- amounts with their units -------------------------------------------------------------------------------

// How the page names the target and writes its amounts, from the model card (src/common/target_units.h's rules):
// a money target is "$1,805", a target with units "0.4578 million copies", one without units a bare "1.287".
export interface TargetDisplay {
  label: string; // "Worldwide sales"; the column's name when the model has no label
  units: string; // "million copies", "dollars", or "" when unknown
  prefix: string; // "$" for money, else ""
}

// The card's fields as the server writes them; a card from before target_units (no such fields) keeps the old
// rule: "$" for money, bare numbers otherwise.
export function targetDisplay(card: {
  target_name: string;
  target_unit: string;
  target_units?: string;
  target_label?: string;
}): TargetDisplay {
  const prefix = card.target_unit === '$' ? '$' : '';
  const units = card.target_units ?? (prefix === '$' ? 'dollars' : '');
  return { label: card.target_label || card.target_name, units, prefix };
}

// " million copies" after an amount; nothing for money (its "$" says it) or for a target without units.
export function unitsSuffix(target: TargetDisplay): string {
  return target.units === '' || target.prefix === '$' ? '' : ` ${target.units}`;
}

// One amount with its units: "$1,805", "0.4578 million copies", "1.287".
export function formatQuantity(value: number, target: TargetDisplay): string {
  return formatAmount(value, target.prefix) + unitsSuffix(target);
}

// Two amounts sharing their units once: "0.03004 to 0.8274 million copies", "$12.35 to $1,805".
export function formatQuantityRange(low: number, high: number, target: TargetDisplay): string {
  return `${formatAmount(low, target.prefix)} to ${formatAmount(high, target.prefix)}${unitsSuffix(target)}`;
}

// A title naming the units, for an axis or a column whose cells are amounts without their words: "Worldwide sales
// (million copies)"; the name alone for money (every amount under it says "$") and when the units are unknown.
// `name` defaults to the label.
export function titleWithUnits(target: TargetDisplay, name: string = target.label): string {
  const suffix = unitsSuffix(target);
  return suffix === '' ? name : `${name} (${suffix.trim()})`;
}

// What the outputs are clipped to (the model card's target_range, null for an open side): "clipped to 0 or more",
// "clipped to $0 to $1,000", "clipped to 100 or less", or "not clipped" (no range, or a model from before ranges).
export type TargetRange = { min: number | null; max: number | null };

export function describeClipping(range: TargetRange | undefined, prefix: string): string {
  const low = range?.min ?? null;
  const high = range?.max ?? null;
  const amount = (value: number) => formatAmount(value, prefix);
  if (low !== null && high !== null) return `clipped to ${amount(low)} to ${amount(high)}`;
  if (low !== null) return `clipped to ${amount(low)} or more`;
  if (high !== null) return `clipped to ${amount(high)} or less`;
  return 'not clipped';
}
