// web/src/batch.ts: CSV in (quoted fields, commas, a BOM), columns found by name, estimates out.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { FeatureInfo, ModelCard } from '../../../web/src/api';
import {
  NOTE_COLUMN,
  batchInstances,
  bindColumns,
  estimatesCsv,
  estimatesNote,
  parseCsv,
} from '../../../web/src/batch';

const features: FeatureInfo[] = [
  { name: 'Publisher', kind: 'categorical', categories: ['Nintendo'] },
  { name: 'Year', kind: 'numeric', min: 1980, max: 2020, fill_value: 2006, missing_indicator: true },
];
const missing = ['', 'n/a'];

test('quoted fields keep their commas, quotes and line breaks; a BOM is dropped', () => {
  const parsed = parseCsv('\uFEFFName,Publisher,Year\r\n"Mario, Luigi","Say ""hi""",2008\r\n"two\nlines",Sega,N/A\n');
  assert.deepEqual(parsed.header, ['Name', 'Publisher', 'Year']);
  assert.deepEqual(parsed.rows, [
    ['Mario, Luigi', 'Say "hi"', '2008'],
    ['two\nlines', 'Sega', 'N/A'],
  ]);
});

test("blank lines are skipped and header names trimmed, as the server's reader does", () => {
  const parsed = parseCsv(' Publisher , Year\n\nSega,2001\n');
  assert.deepEqual(parsed.header, ['Publisher', 'Year']);
  assert.deepEqual(parsed.rows, [['Sega', '2001']]);
});

test('malformed CSV is an error naming the row', () => {
  assert.throws(() => parseCsv('a,b\n1,2,3\n'), /row 1 has 3 fields, the header has 2/);
  assert.throws(() => parseCsv(''), /empty/);
  assert.throws(() => parseCsv('a,b\n"1,2\n'), /not valid CSV/);
});

test('columns are found by name; the target and other extras are ignored; missing ones reported', () => {
  const bound = bindColumns(['Year', 'Name', 'Global_Sales', 'Publisher'], features, 'Global_Sales');
  assert.deepEqual(bound.columnOfFeature, [3, 0]);
  assert.deepEqual(bound.ignored, ['Name']);
  assert.throws(
    () => bindColumns(['Name', 'Year'], features, 'Global_Sales'),
    /the file lacks the model's column Publisher \(its columns: Name, Year\)/,
  );
});

test("instances carry each cell as its text, in the model's order; bad cells stop the batch", () => {
  const parsed = parseCsv('Year,Publisher\n2008,Nintendo\n,"Sega, Inc."\n');
  const bound = bindColumns(parsed.header, features, 'y');
  assert.deepEqual(batchInstances(parsed, bound, features, missing), [
    ['Nintendo', '2008'],
    ['Sega, Inc.', ''],
  ]);
  const bad = parseCsv('Year,Publisher\nsoon,Sega\n2001,Sega\nlater,Sega\n');
  assert.throws(
    () => batchInstances(bad, bindColumns(bad.header, features, 'y'), features, missing),
    /nothing was sent: row 1, column Year: “soon” is not a number; row 3, column Year: “later”/,
  );
});

test('the download is the file plus predicted_<target>, every digit kept', () => {
  const parsed = parseCsv('Name,Year\n"A, B",2008\n');
  const text = estimatesCsv(parsed, [{ mean: 0.123456789 }], 'Global_Sales');
  assert.equal(text, 'Name,Year,predicted_Global_Sales\n"A, B",2008,0.123456789\n');
  const back = parseCsv(text);
  assert.deepEqual(
    [back.header, ...back.rows],
    [
      ['Name', 'Year', 'predicted_Global_Sales'],
      ['A, B', '2008', '0.123456789'],
    ],
  );
  const withInterval = estimatesCsv(parsed, [{ mean: 2, median: 1.5, lower: 1, upper: 3 }], 'y');
  assert.equal(
    withInterval.split('\n')[0],
    'Name,Year,predicted_y,predicted_y_median,predicted_y_lower,predicted_y_upper',
  );
  assert.equal(withInterval.split('\n')[1], '"A, B",2008,2,1.5,1,3');
});

test('the download names its units in a last column that every reader of the file ignores', () => {
  const card = {
    target_name: 'Global_Sales',
    target_unit: '',
    target_units: 'million copies',
    target_label: 'Worldwide sales',
    target_range: { min: 0, max: null },
  } as ModelCard;
  const note = estimatesNote(card, 'vgsales', '2');
  assert.equal(
    note,
    'predicted_Global_Sales: estimated Worldwide sales in million copies, each estimate, median and bound ' +
      'clipped to 0 or more; model vgsales, version 2.',
  );
  const parsed = parseCsv('Publisher,Year\nSega,2001\nNintendo,2008\n');
  const text = estimatesCsv(parsed, [{ mean: 0.5 }, { mean: 1.25 }], 'Global_Sales', note);
  const back = parseCsv(text);
  assert.deepEqual(back.header, ['Publisher', 'Year', 'predicted_Global_Sales', NOTE_COLUMN]);
  assert.deepEqual(back.rows, [
    ['Sega', '2001', '0.5', note],
    ['Nintendo', '2008', '1.25', ''],
  ]);
  // Read back as a batch: the features found, the estimates and the note ignored.
  assert.deepEqual(bindColumns(back.header, features, 'Global_Sales'), {
    columnOfFeature: [0, 1],
    ignored: ['predicted_Global_Sales', NOTE_COLUMN],
  });
  const money = { target_name: 'total_earnings', target_unit: '$', target_range: { min: 0, max: 5000 } } as ModelCard;
  assert.equal(
    estimatesNote(money, 'm', '1'),
    'predicted_total_earnings: estimated total_earnings in dollars, each estimate, median and bound ' +
      'clipped to $0 to $5,000; model m, version 1.',
  );
  const old = { target_name: 'y', target_unit: '' } as ModelCard; // a card from before target ranges and units
  assert.equal(
    estimatesNote(old, 'm', '1'),
    'predicted_y: estimated y, each estimate, median and bound not clipped; model m, version 1.',
  );
});
