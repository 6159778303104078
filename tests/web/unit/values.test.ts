// web/src/values.ts: a typed value or a CSV cell read by the server's rules before anything is sent.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { FeatureInfo } from '../../../web/src/api';
import {
  missingAllowed,
  readCategory,
  readCsvCell,
  readFormCell,
  readNumber,
  shortNumber,
} from '../../../web/src/values';

const missing = ['', 'na', 'n/a', 'nan', 'null', 'tbd'];
const rating: FeatureInfo = {
  name: 'critic_rating',
  kind: 'numeric',
  min: 2,
  max: 5,
  fill_value: 3.66,
  missing_indicator: false,
};
const year: FeatureInfo = {
  name: 'Year',
  kind: 'numeric',
  min: 1980,
  max: 2020,
  fill_value: 2006.4,
  missing_indicator: true,
};
const genre: FeatureInfo = { name: 'Genre', kind: 'categorical', categories: ['Action', 'Sports'], rare_categories: 3 };

test('numbers in plain decimal notation are read as the server reads them', () => {
  assert.deepEqual(readNumber('4.5', rating, missing, true), { value: 4.5 });
  assert.deepEqual(readNumber(' 3 ', rating, missing, true), { value: 3 });
  assert.deepEqual(readNumber('3e0', rating, missing, true), { value: 3 });
  assert.deepEqual(readNumber('.5e1', rating, missing, true), { value: 5 });
  for (const text of ['four', '0x10', '1,5', '4.5.1', 'Infinity', '--1', '']) {
    assert.ok(readNumber(text, rating, missing, true).error, `"${text}" is refused`);
  }
  assert.match(readNumber('four', rating, missing, true).error!, /“four” is not a number/);
  assert.match(readNumber('1e999', rating, missing, true).error!, /not a finite number/);
});

test('a value outside the training range is sent, with a note', () => {
  const reading = readNumber('7', rating, missing, true);
  assert.equal(reading.value, 7);
  assert.match(reading.note!, /outside the training range \(2 to 5\)/);
});

test('missing values: allowed where training saw them, in any spelling the model knows', () => {
  assert.equal(missingAllowed(year), true);
  assert.equal(missingAllowed(rating), false);
  assert.equal(missingAllowed(genre), true);
  assert.deepEqual(readFormCell('', year, missing), { value: null, note: undefined });
  assert.equal(readFormCell('N/A', year, missing).value, null);
  assert.match(readFormCell('N/A', year, missing).note!, /missing value/);
  assert.match(readFormCell('', rating, missing).error!, /enter a number/);
});

test('categories: trained ones as they are, a new one counts as "other"', () => {
  assert.deepEqual(readCategory('Sports', genre, missing), { value: 'Sports' });
  assert.deepEqual(readCategory(' Sports ', genre, missing), { value: 'Sports' });
  const unseen = readCategory('Puzzle', genre, missing);
  assert.equal(unseen.value, 'Puzzle');
  assert.match(unseen.note!, /“Puzzle” is not one of the 2 Genre values the model learned: it counts as “other”/u);
  assert.ok(readCategory('sports', genre, missing).note, 'categories are matched case-sensitively');
  assert.deepEqual(readCategory('NA', genre, missing), { value: null });
});

test('CSV cells are checked, then sent as the text they are', () => {
  assert.deepEqual(readCsvCell('4.50', rating, missing), { value: '4.50' });
  assert.deepEqual(readCsvCell('', rating, missing), { value: '' }); // predict --input imputes it too
  assert.ok(readCsvCell('four', rating, missing).error);
  assert.deepEqual(readCsvCell('Wii, and more', genre, missing), { value: 'Wii, and more' });
});

test('short numbers for hints and prefilled fields', () => {
  assert.equal(shortNumber(3.66), '3.66');
  assert.equal(shortNumber(54.1700016784668), '54.17');
  assert.equal(shortNumber(2006.4049), '2006');
  assert.equal(shortNumber(0.466), '0.466');
  assert.equal(shortNumber(0), '0');
});
