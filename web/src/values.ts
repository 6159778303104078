// Reading what a person typed (or a CSV cell) for one feature, with the server's own rules: the same missing-value
// spellings, numbers in plain decimal notation, categories matched by their exact trimmed text. Pure functions.

import type { CellValue, FeatureInfo } from './api';

export interface CellReading {
  value?: CellValue; // what to send (undefined when there is an error)
  error?: string; // why it cannot be sent
  note?: string; // sendable, but worth saying (an unseen category, a value outside the training range)
}

// A decimal number as a CSV or JSON writes it: no hex, no "Infinity", no thousands separators.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function isMissingSpelling(text: string, missingValues: readonly string[]): boolean {
  const lowered = text.trim().toLowerCase();
  return missingValues.includes(lowered);
}

// May this feature be left empty in the form? Where training saw missing values (numeric, 0/1) and always for a
// category, which has its own "missing" input. Elsewhere the server would fill in the training mean, but the model
// never learned what a missing value there means, so the form asks for one.
export function missingAllowed(feature: FeatureInfo): boolean {
  return feature.kind === 'categorical' || feature.missing_indicator === true;
}

export function formatRange(feature: FeatureInfo): string {
  return `${shortNumber(feature.min ?? 0)} to ${shortNumber(feature.max ?? 0)}`;
}

// A number for a hint or a prefilled field: up to 4 significant digits, never an exponent for everyday sizes.
export function shortNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-4 && magnitude < 1e15) {
    const integerDigits = Math.floor(Math.log10(magnitude)) + 1;
    const decimals = Math.max(0, 4 - integerDigits);
    return String(Number(value.toFixed(Math.min(decimals, 20))));
  }
  return String(Number(value.toPrecision(4)));
}

export function readNumber(
  text: string,
  feature: FeatureInfo,
  missingValues: readonly string[],
  requireValue: boolean,
): CellReading {
  const trimmed = text.trim();
  if (isMissingSpelling(trimmed, missingValues)) {
    if (requireValue) return { error: `enter a number (the model was trained with no missing ${feature.name})` };
    return { value: null, note: trimmed === '' ? undefined : `“${trimmed}” means a missing value` };
  }
  if (!DECIMAL.test(trimmed)) return { error: `“${trimmed}” is not a number` };
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return { error: `“${trimmed}” is not a finite number` };
  const min = feature.min ?? value;
  const max = feature.max ?? value;
  if (value < min || value > max) {
    return { value, note: `outside the training range (${formatRange(feature)}): the estimate is an extrapolation` };
  }
  return { value };
}

export function readCategory(text: string, feature: FeatureInfo, missingValues: readonly string[]): CellReading {
  const trimmed = text.trim();
  if (isMissingSpelling(trimmed, missingValues)) return { value: null };
  const categories = feature.categories ?? [];
  if (categories.includes(trimmed)) return { value: trimmed };
  return {
    value: trimmed,
    note:
      `“${trimmed}” is not one of the ${categories.length} ${feature.name} values the model learned: ` +
      'it counts as “other”.',
  };
}

// A form field's text for a feature: numbers and 0/1 as numbers, categories as their text.
export function readFormCell(text: string, feature: FeatureInfo, missingValues: readonly string[]): CellReading {
  if (feature.kind === 'categorical') return readCategory(text, feature, missingValues);
  return readNumber(text, feature, missingValues, !missingAllowed(feature));
}

// A CSV cell for a batch: checked as the server will read it, then sent as the text it is, exactly as
// `vgsales predict --input` reads the same file (missing cells are imputed there, so they are allowed here).
export function readCsvCell(text: string, feature: FeatureInfo, missingValues: readonly string[]): CellReading {
  if (feature.kind === 'categorical') return { value: text };
  const reading = readNumber(text, feature, missingValues, false);
  return reading.error !== undefined ? reading : { value: text };
}
