// Batch: a CSV of new games (RFC 4180, parsed by Papa Parse), its columns found by name as `vgsales predict` finds
// them (extra columns such as the target are ignored, missing ones reported), every cell checked before anything is
// sent, estimates in chunks, and the file back with a predicted_<target> column.

import Papa from 'papaparse';

import type { CellValue, Estimate, FeatureInfo } from './api';
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

// The file's own cells plus predicted_<target> (and its median and bounds when there is an interval), as
// `vgsales predict` writes it. Numbers keep every digit the server sent.
export function estimatesCsv(parsed: ParsedCsv, estimates: Estimate[], target: string): string {
  const hasInterval = estimates.length > 0 && estimates[0].lower !== undefined;
  const column = `predicted_${target}`;
  const header = [...parsed.header, column];
  if (hasInterval) header.push(`${column}_median`, `${column}_lower`, `${column}_upper`);
  const rows = parsed.rows.map((row, i) => {
    const estimate = estimates[i];
    const cells = [...row, String(estimate.mean)];
    if (hasInterval) cells.push(String(estimate.median), String(estimate.lower), String(estimate.upper));
    return cells;
  });
  return Papa.unparse({ fields: header, data: rows }, { newline: '\n' }) + '\n';
}
