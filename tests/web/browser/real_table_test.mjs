// The web page in headless Chromium for the real-table model (real/vgsales.csv, target Global_Sales in "million
// copies" labelled "Worldwide sales", 3 epochs): the units beside every amount and on the what-if axis, nice ticks,
// no bound below 0 (the target's range), type-ahead categories, an unseen publisher counted as "other", a missing
// year, a bad year that sends nothing, what-if over the top genres and over the years, and the whole 16,598-row
// file (quoted names with commas, N/A years) as a batch. Every number is compared with `vgsales predict` on the same rows.
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import {
  Papa,
  fillField,
  launchBrowser,
  niceTickValues,
  predictFile,
  predictRow,
  predictRows,
  readModelJson,
  screenshot,
  settledEstimate,
  sharedData,
  skipWholeFile,
  startServer,
  train,
  vgsales,
  whatIfAxis,
  whatIfResult,
  workDir,
} from './harness.mjs';

const realCsv = sharedData('real/vgsales.csv');
if (!realCsv) skipWholeFile('the reference data ../shared/data/real/vgsales.csv is absent');

let dir;
let modelDir;
let server;
let browser;
let page;
let watch;
let model;

const header = ['Platform', 'Year', 'Genre', 'Publisher'];
const game = { Platform: 'Wii', Year: '2008', Genre: 'Sports', Publisher: 'Nintendo' };

async function fillGame(values) {
  for (const name of header) await fillField(page, name, values[name]);
  return settledEstimate(page);
}

function messageOf(name) {
  return page.locator('.field', { has: page.getByLabel(name, { exact: true }) }).locator('.message');
}

before(async () => {
  dir = await workDir('real');
  modelDir = join(dir, 'model');
  await train([
    '--train',
    realCsv,
    '--target',
    'Global_Sales',
    '--drop',
    'Rank,Name,NA_Sales,EU_Sales,JP_Sales,Other_Sales',
    '--target-units',
    'million copies',
    '--target-label',
    'Worldwide sales',
    '--epochs',
    '3',
    '--out',
    modelDir,
  ]);
  model = await readModelJson(modelDir);
  server = await startServer(modelDir);
  browser = await launchBrowser('real');
  ({ page, watch } = await browser.newPage(`${server.url}/`));
  await settledEstimate(page);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test("the form is built from the metadata: a type-ahead list of the trained categories, the year's range", async () => {
  const publisher = page.getByLabel('Publisher', { exact: true });
  const listId = await publisher.getAttribute('list');
  const options = await page.$$eval(`#${listId} option`, (list) => list.map((option) => option.value));
  assert.deepEqual(options, model.pipeline.features.find((feature) => feature.name === 'Publisher').categories);
  assert.match(
    await page.locator('.field', { has: page.getByLabel('Year', { exact: true }) }).textContent(),
    /Training range 1980 to 2020.*Leave empty if unknown/,
  );
  // The number shown for a target that is not money carries no "$".
  assert.doesNotMatch(await page.locator('#estimate-value').textContent(), /\$/);
});

test('the units beside the estimate, the median and the interval; the label names the target', async () => {
  await fillGame(game);
  const amount = String.raw`\d+(\.\d+)?`;
  assert.match(await page.locator('#estimate-value').textContent(), new RegExp(`^${amount} million copies$`));
  assert.match(await page.locator('#estimate-median').textContent(), new RegExp(`^Median ${amount} million copies$`));
  assert.match(
    await page.locator('#estimate-interval').textContent(),
    new RegExp(`^80 % interval: ${amount} to ${amount} million copies$`),
  );
  assert.equal(await page.locator('#result-label').textContent(), 'Estimated Worldwide sales');
  assert.match(await page.locator('#model-line').textContent(), /estimates Worldwide sales in million copies from 4/);
  const about = await page.locator('#about').textContent();
  assert.match(about, /Worldwide sales \(column Global_Sales\), in million copies/);
  assert.match(about, /every estimate, median and interval bound clipped to 0 or more/);
  assert.match(about, /Errors in million copies/);
});

test('a small game whose bounds went below 0 before the target range: every shown bound is 0 or more', async () => {
  await fillGame({ Platform: 'PC', Year: '2016', Genre: 'Strategy', Publisher: '' });
  const interval = page.locator('#estimate-interval');
  const lower = Number(await interval.getAttribute('data-lower'));
  assert.ok(lower >= 0, `lower bound ${lower}`);
  assert.ok(Number(await page.locator('#estimate-median').getAttribute('data-value')) >= 0);
  assert.ok(Number(await page.locator('#estimate-value').getAttribute('data-value')) >= 0);
  assert.doesNotMatch(await interval.textContent(), /-/);
  // The same bounds as predict prints (clipped alike): "median M, 80% interval L to U".
  const row = 'Platform=PC,Year=2016,Genre=Strategy,Publisher=';
  const { stdout } = await vgsales(['predict', '--model', modelDir, '--row', row]);
  const printed = /interval (\S+) to (\S+)/.exec(stdout);
  assert.ok(printed, stdout);
  assert.equal(lower, Number(printed[1]));
  assert.equal(Number(await interval.getAttribute('data-upper')), Number(printed[2]));
  // What-if over the platforms for this game: no point, bound or tick below 0, the axis in the units.
  const platformIndex = model.pipeline.features.findIndex((feature) => feature.name === 'Platform');
  await page.selectOption('#whatif-feature', String(platformIndex));
  await page.fill('#whatif-steps', '12');
  await whatIfResult(page, 12);
  const cells = await page.$$eval('#whatif-table tbody td', (list) => list.map((cell) => cell.textContent));
  assert.equal(cells.length, 12 * 4);
  assert.ok(cells.every((text) => /^\d/.test(text)), `what-if cells: ${cells.join(' ')}`);
  const headers = await page.$$eval('#whatif-table thead th', (list) => list.map((cell) => cell.textContent));
  assert.deepEqual(headers, [
    'Platform',
    'estimate (million copies)',
    'median (million copies)',
    'lower (million copies)',
    'upper (million copies)',
  ]);
  const axis = await whatIfAxis(page);
  assert.equal(axis.label, 'Worldwide sales (million copies)');
  assert.ok(axis.values.length >= 2 && axis.values.every((value) => value >= 0), axis.ticks.join(' '));
  assert.ok(niceTickValues(axis.values), `nice ticks: ${axis.ticks.join(' ')}`);
  await page.locator('#what-if').scrollIntoViewIfNeeded();
  await screenshot(page, 'real-whatif-platform-small-game', { clip: await page.locator('#what-if').boundingBox() });
});

test('filling the form gives exactly the number vgsales predict --row prints', async () => {
  const shown = await fillGame(game);
  assert.equal(shown, await predictRow(modelDir, 'Platform=Wii,Year=2008,Genre=Sports,Publisher=Nintendo'));
  assert.equal(await messageOf('Publisher').textContent(), '');
});

test('an unseen publisher shows the "other" note and is estimated as predict estimates it', async () => {
  const shown = await fillGame({ ...game, Publisher: 'Brand New Games Ltd' });
  // The publishers with their own input: those with at least 10 training rows (--min-category-rows), from model.json.
  const learned = model.pipeline.features.find((feature) => feature.name === 'Publisher').categories.length;
  assert.ok(learned > 50, `${learned} publishers learned`);
  assert.match(
    await messageOf('Publisher').textContent(),
    new RegExp(`“Brand New Games Ltd” is not one of the ${learned} Publisher values the model learned: it counts as “other”`),
  );
  assert.equal(shown, await predictRow(modelDir, 'Platform=Wii,Year=2008,Genre=Sports,Publisher=Brand New Games Ltd'));
  await screenshot(page, 'real-unseen-category');
});

test('a missing year is allowed (training had them) and imputed as predict imputes it', async () => {
  const shown = await fillGame({ ...game, Year: '' });
  assert.equal(shown, await predictRow(modelDir, 'Platform=Wii,Year=N/A,Genre=Sports,Publisher=Nintendo'));
  assert.notEqual(shown, await predictRow(modelDir, 'Platform=Wii,Year=2008,Genre=Sports,Publisher=Nintendo'));
});

test('a bad year shows an inline error and sends nothing', async () => {
  await fillGame(game);
  const before = watch.predictRequests;
  await page.getByLabel('Year', { exact: true }).fill('twenty');
  await messageOf('Year').filter({ hasText: '“twenty” is not a number' }).waitFor();
  await page.waitForTimeout(1000);
  assert.equal(watch.predictRequests, before);
  await screenshot(page, 'real-invalid');
  await fillGame(game);
});

test('what-if over the top genres: one point per category, each equal to predict', async () => {
  const genreIndex = model.pipeline.features.findIndex((feature) => feature.name === 'Genre');
  await page.selectOption('#whatif-feature', String(genreIndex));
  await page.fill('#whatif-steps', '6');
  const steps = await whatIfResult(page, 6);
  const topGenres = model.pipeline.features[genreIndex].categories.slice(0, 6);
  assert.deepEqual(
    steps.map((step) => step.x),
    topGenres,
  );
  assert.deepEqual(
    steps.map((step) => step.label),
    topGenres,
  );
  const rows = steps.map((step) => header.map((name) => (name === 'Genre' ? step.x : game[name])));
  assert.deepEqual(
    steps.map((step) => step.value),
    await predictRows(modelDir, header, rows, dir),
  );
  await page.locator('#what-if').scrollIntoViewIfNeeded();
  await screenshot(page, 'real-whatif-genre', { clip: await page.locator('#what-if').boundingBox() });
});

test('what-if over the years: the training range in N steps, each equal to predict', async () => {
  const yearIndex = model.pipeline.features.findIndex((feature) => feature.name === 'Year');
  await page.selectOption('#whatif-feature', String(yearIndex));
  await page.fill('#whatif-steps', '9');
  const steps = await whatIfResult(page, 9);
  assert.equal(Number(steps[0].x), 1980);
  assert.equal(Number(steps[8].x), 2020);
  const rows = steps.map((step) => header.map((name) => (name === 'Year' ? step.x : game[name])));
  assert.deepEqual(
    steps.map((step) => step.value),
    await predictRows(modelDir, header, rows, dir),
  );
  await screenshot(page, 'real-whatif-year', { clip: await page.locator('#what-if').boundingBox() });
});

test('batch: the whole real table, quoted names with commas and N/A years, estimated as predict does', async () => {
  const expected = await predictFile(modelDir, realCsv);
  assert.equal(expected.length, 16598);
  await page.setInputFiles('#batch-file', realCsv);
  await page.waitForSelector('#batch-status[data-state="ready"]', { timeout: 60000 });
  assert.equal(await page.locator('#batch-status').getAttribute('data-rows'), '16598');
  assert.match(
    await page.locator('#batch-status').textContent(),
    /Ignored columns: Global_Sales \(the target\), Rank, Name/,
  );
  const shown = await page.$$eval('#batch-table td.estimate:not(.bound)', (cells) =>
    cells.map((cell) => Number(cell.dataset.value)),
  );
  assert.deepEqual(shown, expected.slice(0, 500)); // the table shows the first 500; the download has them all

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#batch-download')]);
  const [downloadHeader, ...rows] = Papa.parse((await readFile(await download.path(), 'utf8')).trim(), {
    delimiter: ',',
  }).data;
  // The mean, then the median and the interval's bounds (the default model has an interval), then the note.
  const mean = downloadHeader.indexOf('predicted_Global_Sales');
  assert.deepEqual(downloadHeader.slice(mean), [
    'predicted_Global_Sales',
    'predicted_Global_Sales_median',
    'predicted_Global_Sales_lower',
    'predicted_Global_Sales_upper',
    'about_the_estimates',
  ]);
  assert.equal(rows.length, 16598);
  assert.match(
    rows[0][mean + 4],
    /^predicted_Global_Sales: estimated Worldwide sales in million copies, each estimate, median and bound clipped to 0 /,
  );
  // Not one of the 16,598 means, medians or bounds below the target's range.
  const below = rows.filter((row) => [0, 1, 2, 3].some((k) => Number(row[mean + k]) < 0));
  assert.equal(below.length, 0);
  const tableHeaders = await page.$$eval('#batch-table thead th', (list) => list.map((cell) => cell.textContent));
  assert.deepEqual(tableHeaders.slice(0, 3), [
    'estimated Worldwide sales (million copies)',
    'lower (million copies)',
    'upper (million copies)',
  ]);
  assert.deepEqual(
    rows.map((row) => Number(row[mean])),
    expected,
  );
  const source = Papa.parse((await readFile(realCsv, 'utf8')).trim(), { delimiter: ',' }).data;
  const withComma = source.findIndex((row) => row[1].includes(','));
  assert.ok(withComma > 0, 'the real table has a name with a comma');
  assert.deepEqual(rows[withComma - 1].slice(0, mean), source[withComma], 'a quoted name with a comma survives');
  await page.locator('#batch').scrollIntoViewIfNeeded();
  await screenshot(page, 'real-batch');
});
