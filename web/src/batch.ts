// Batch: a CSV of new games (RFC 4180, parsed by Papa Parse), its columns found by name as `vgsales predict` finds
// them (extra columns such as the target are ignored, missing ones reported), every cell checked before anything is
// sent, estimates in chunks, and the file back with a predicted_<target> column and a note naming its units.

import Papa from 'papaparse';

import type { CellValue, Estimate, FeatureInfo, ModelCard } from './api';
import { describeClipping, targetDisplay } from './format';
import { readCsvCell } from './values';

export interface ParsedCsv {
  header: string[];
  rows: string[][];
}

export interface BoundCsv {
  columnOfFeature: number[]; // per feature, its column in the file
  ignored: string[]; // the file's columns the model does not use
}

export class CsvError extends Error {}

// Header and rows of a CSV text; errors name the row. A UTF-8 byte order mark is dropped.
export function parseCsv(text: string): ParsedCsv {
  // Line ends are made "\n" first: Papa Parse takes the first line's ending for the whole file, while the server's
  // reader accepts CRLF and LF line by line (a CRLF inside a quoted cell becomes LF, the one difference).
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const result = Papa.parse<string[]>(normalized, {
    header: false,
    delimiter: ',',
    newline: '\n',
    skipEmptyLines: true,
  });
  if (result.errors.length > 0) {
    const first = result.errors[0];
    const where = first.row !== undefined ? `row ${first.row + 1}: ` : '';
    throw new CsvError(`the file is not valid CSV: ${where}${first.message}`);
  }
  const [header, ...rows] = result.data;
  if (!header || header.length === 0) throw new CsvError('the file is empty');
  rows.forEach((row, index) => {
    if (row.length !== header.length) {
      throw new CsvError(`row ${index + 1} has ${row.length} fields, the header has ${header.length}`);
    }
  });
  return { header: header.map((name) => name.trim()), rows };
}

// Finds each feature's column by name (the first of equal names), as the server's pipeline does.
export function bindColumns(header: string[], features: FeatureInfo[], target: string): BoundCsv {
  const missing = features.filter((feature) => !header.includes(feature.name)).map((feature) => feature.name);
  if (missing.length > 0) {
    throw new CsvError(
      `the file lacks the model's column${missing.length > 1 ? 's' : ''} ` +
        `${missing.join(', ')} (its columns: ${header.join(', ')})`,
    );
  }
  const used = new Set(features.map((feature) => feature.name));
  return {
    columnOfFeature: features.map((feature) => header.indexOf(feature.name)),
    ignored: header.filter((name) => !used.has(name) && name !== target),
  };
}

// The rows as :predict instances (lists in feature order, each cell the text it is in the file), after checking
// every cell. Errors name the row, the column and the value; at most `maxErrors` are listed.
export function batchInstances(
  parsed: ParsedCsv,
  bound: BoundCsv,
  features: FeatureInfo[],
  missingValues: readonly string[],
  maxErrors = 5,
): CellValue[][] {
  const errors: string[] = [];
  let errorCount = 0;
  const instances = parsed.rows.map((row, rowIndex) =>
    features.map((feature, f) => {
      const text = row[bound.columnOfFeature[f]];
      const reading = readCsvCell(text, feature, missingValues);
      if (reading.error !== undefined) {
        if (++errorCount <= maxErrors) errors.push(`row ${rowIndex + 1}, column ${feature.name}: ${reading.error}`);
        return null;
      }
      return reading.value ?? null;
    }),
  );
  if (errorCount > 0) {
    const more = errorCount > maxErrors ? `; and ${errorCount - maxErrors} more` : '';
    throw new CsvError(`nothing was sent: ${errors.join('; ')}${more}`);
  }
  return instances;
}

// The column of the download that says what the estimates are (see estimatesCsv).
export const NOTE_COLUMN = 'about_the_estimates';

// What the download's estimates are, in one sentence: the target, its units and the range they are clipped to.
// "predicted_Global_Sales: estimated Worldwide sales in million copies, each estimate, median and bound clipped
// to 0 or more; model vgsales, version 2."
export function estimatesNote(card: ModelCard, modelName: string, version: string): string {
  const target = targetDisplay(card);
  return (
    `predicted_${card.target_name}: estimated ${target.label}` +
    (target.units ? ` in ${target.units}` : '') +
    `, each estimate, median and bound ${describeClipping(card.target_range, target.prefix)}; ` +
    `model ${modelName}, version ${version}.`
  );
}

// The file's own cells plus predicted_<target> (and its median and bounds when there is an interval), as
// `vgsales predict` writes it; numbers keep every digit the server sent. With a `note`, a last column
// about_the_estimates holds it in the first row (empty below). The note is a column, not a "# ..." comment line
// above the header, because a comment line breaks every reader of the file that does not expect one:
// `vgsales predict --input` and this page's batch take it for the header, and a spreadsheet for data. An extra
// column is what both ignore.
export function estimatesCsv(parsed: ParsedCsv, estimates: Estimate[], target: string, note?: string): string {
  const hasInterval = estimates.length > 0 && estimates[0].lower !== undefined;
  const column = `predicted_${target}`;
  const header = [...parsed.header, column];
  if (hasInterval) header.push(`${column}_median`, `${column}_lower`, `${column}_upper`);
  if (note !== undefined) header.push(NOTE_COLUMN);
  const rows = parsed.rows.map((row, i) => {
    const estimate = estimates[i];
    const cells = [...row, String(estimate.mean)];
    if (hasInterval) cells.push(String(estimate.median), String(estimate.lower), String(estimate.upper));
    if (note !== undefined) cells.push(i === 0 ? note : '');
    return cells;
  });
  return Papa.unparse({ fields: header, data: rows }, { newline: '\n' }) + '\n';
}
