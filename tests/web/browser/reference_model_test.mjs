// The web page in headless Chromium against `vgsales serve` for the reference model (sales_data_training.csv,
// target total_earnings): the form's estimate, an inline error that sends nothing, what-if, batch upload and
// download, the security headers, a phone's width and keyboard use, and the note when a new version is served.
// Every number is compared with `vgsales predict` on the same rows.
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import {
  Papa,
  addVersion,
  fillField,
  launchBrowser,
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
  versionedBase,
  niceTickValues,
  whatIfAxis,
  whatIfResult,
  workDir,
} from './harness.mjs';

const trainingCsv = sharedData('sales_data_training.csv');
const testCsv = sharedData('sales_data_test.csv');
const proposedCsv = sharedData('proposed_new_product.csv');
if (!trainingCsv || !testCsv || !proposedCsv) {
  skipWholeFile('the reference data ../shared/data/sales_data_{training,test}.csv is absent');
}

let dir;
let modelDir;
let base;
let server;
let browser;
let page;
let watch;

// The proposed new product, the reference data's own example of a game to estimate.
const proposed = Papa.parse((await readFile(proposedCsv, 'utf8')).trim(), { delimiter: ',' }).data;
const [proposedHeader, proposedRow] = proposed;

before(async () => {
  dir = await workDir('reference');
  modelDir = join(dir, 'model');
  await train(['--train', trainingCsv, '--test', testCsv, '--target', 'total_earnings', '--out', modelDir]);
  base = await versionedBase(modelDir, dir);
  server = await startServer(base, { extra: ['--poll-seconds', '1'] });
  browser = await launchBrowser('reference');
  ({ page, watch } = await browser.newPage(`${server.url}/`));
  await settledEstimate(page);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the page and its assets come with the security headers and run without a CSP violation', async () => {
  for (const [path, type] of [
    ['/', 'text/html'],
    ['/ui/app.js', 'text/javascript'],
    ['/ui/app.css', 'text/css'],
  ]) {
    const response = await fetch(`${server.url}${path}`);
    assert.equal(response.status, 200, path);
    assert.ok(
      response.headers.get('content-type').startsWith(type),
      `${path}: ${response.headers.get('content-type')}`,
    );
    const policy = response.headers.get('content-security-policy') ?? '';
    assert.match(policy, /^default-src 'self';/, path);
    assert.doesNotMatch(policy, /unsafe|https?:|\*/, path);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
  }
  assert.deepEqual(watch.consoleErrors, []);
  assert.deepEqual(watch.pageErrors, []);
  // Chromium enforces the policy on this page: an inline script is refused.
  const inlineRan = await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.inlineScriptRan = true;';
    document.body.appendChild(script);
    return window.inlineScriptRan === true;
  });
  assert.equal(inlineRan, false);
  await screenshot(page, 'reference-start', { fullPage: true });
});

test('filling the form gives exactly the number vgsales predict --row prints', async () => {
  for (let i = 0; i < proposedHeader.length; ++i) await fillField(page, proposedHeader[i], proposedRow[i]);
  const shown = await settledEstimate(page);
  const assignments = proposedHeader.map((name, i) => `${name}=${proposedRow[i]}`).join(',');
  assert.equal(shown, await predictRow(modelDir, assignments));
  // Shown as money: the target is total_earnings; "$" says the units, no "dollars" after the amounts.
  const money = /\$\d{1,3}(,\d{3})*/;
  assert.match(await page.locator('#estimate-value').textContent(), new RegExp(`^${money.source}$`));
  assert.match(await page.locator('#estimate-median').textContent(), new RegExp(`^Median ${money.source}$`));
  assert.match(
    await page.locator('#estimate-interval').textContent(),
    new RegExp(`^80 % interval: ${money.source} to ${money.source}$`),
  );
  assert.equal(await page.locator('#result-label').textContent(), 'Estimated total_earnings');
  assert.match(await page.locator('#model-line').textContent(), /estimates total_earnings in dollars from/);
  await screenshot(page, 'reference-estimate', { fullPage: false });
});

test('a bad value shows an inline error and sends nothing', async () => {
  const before = watch.predictRequests;
  const field = page.getByLabel('critic_rating', { exact: true });
  await field.fill('four');
  const message = page.locator('#' + (await field.getAttribute('id')) + '-message');
  await assert.doesNotReject(message.filter({ hasText: '“four” is not a number' }).waitFor());
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  await page.waitForTimeout(1000); // four times the pause after typing that sends a request
  assert.equal(watch.predictRequests, before, 'no :predict request for an invalid form');
  assert.equal(await page.locator('#estimate-value').getAttribute('data-state'), 'invalid');
  await screenshot(page, 'reference-invalid');
  await field.fill(proposedRow[proposedHeader.indexOf('critic_rating')]);
  await settledEstimate(page);
  assert.equal(await field.getAttribute('aria-invalid'), null);
  assert.ok(watch.predictRequests > before);
});

test('what-if: one point per step over the training range, each equal to predict on the same row', async () => {
  const model = await readModelJson(modelDir);
  const featureIndex = model.pipeline.features.findIndex((feature) => feature.name === 'unit_price');
  const { min, max } = model.pipeline.features[featureIndex];
  await page.selectOption('#whatif-feature', String(featureIndex));
  await page.fill('#whatif-steps', '12');
  const steps = await whatIfResult(page, 12);
  // The steps run from the training minimum to the maximum, evenly.
  assert.equal(Number(steps[0].x), min);
  assert.equal(Number(steps[11].x), max);
  steps.forEach((step, i) => assert.ok(Math.abs(Number(step.x) - (min + ((max - min) * i) / 11)) < 1e-9 * max));
  // The other features stay at the form's values (the proposed product).
  const rows = steps.map((step) => proposedHeader.map((name, i) => (name === 'unit_price' ? step.x : proposedRow[i])));
  const expected = await predictRows(modelDir, proposedHeader, rows, dir);
  assert.deepEqual(
    steps.map((step) => step.value),
    expected,
  );
  // The y axis: ticks in "$" at nice numbers (so the title needs no "dollars").
  const axis = await whatIfAxis(page);
  assert.equal(axis.label, 'total_earnings');
  assert.ok(axis.ticks.length >= 2 && axis.ticks.every((text) => /^-?\$/.test(text)), axis.ticks.join(' '));
  assert.ok(niceTickValues(axis.values), axis.ticks.join(' '));
  await page.locator('#what-if').scrollIntoViewIfNeeded();
  await screenshot(page, 'reference-whatif', { clip: await page.locator('#what-if').boundingBox() });
  // The estimate and the what-if chart together: the README's picture (docs/images/web_page.png).
  await page.evaluate(() => window.scrollTo(0, 0)); // boxes are then page coordinates, the estimate at the top
  const whatIfBox = await page.locator('#what-if').boundingBox();
  await screenshot(page, 'reference-overview', {
    fullPage: true,
    clip: { x: 0, y: 0, width: 1200, height: whatIfBox.y + whatIfBox.height },
  });

  // A 0/1 feature: its two values.
  const sequel = model.pipeline.features.findIndex((feature) => feature.name === 'is_sequel');
  await page.selectOption('#whatif-feature', String(sequel));
  const both = await whatIfResult(page, 2);
  assert.deepEqual(
    both.map((step) => step.x),
    ['0', '1'],
  );
  const sequelRows = both.map((step) =>
    proposedHeader.map((name, i) => (name === 'is_sequel' ? step.x : proposedRow[i])),
  );
  assert.deepEqual(
    both.map((step) => step.value),
    await predictRows(modelDir, proposedHeader, sequelRows, dir),
  );
});

test("batch: sales_data_test.csv (target included) gives predict's 400 estimates; so does the download", async () => {
  const expected = await predictFile(modelDir, testCsv);
  assert.equal(expected.length, 400);
  await page.setInputFiles('#batch-file', testCsv);
  await page.waitForSelector('#batch-status[data-state="ready"]', { timeout: 30000 });
  assert.equal(await page.locator('#batch-status').getAttribute('data-rows'), '400');
  const shown = await page.$$eval('#batch-table td.estimate:not(.bound)', (cells) =>
    cells.map((cell) => Number(cell.dataset.value)),
  );
  assert.deepEqual(shown, expected);
  await page.locator('#batch').scrollIntoViewIfNeeded();
  await screenshot(page, 'reference-batch');

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#batch-download')]);
  assert.equal(download.suggestedFilename(), 'sales_data_test-estimates.csv');
  const text = await readFile(await download.path(), 'utf8');
  const [header, ...rows] = Papa.parse(text.trim(), { delimiter: ',' }).data;
  const source = Papa.parse((await readFile(testCsv, 'utf8')).trim(), { delimiter: ',' }).data;
  // The default model has an interval: the mean, then the median and the bounds, as predict's CSV has them.
  // Then a last column whose first cell says what the estimates are.
  const added = ['predicted_total_earnings', 'predicted_total_earnings_median', 'predicted_total_earnings_lower',
    'predicted_total_earnings_upper', 'about_the_estimates'];
  assert.deepEqual(header, [...source[0], ...added]);
  assert.equal(rows.length, 400);
  rows.forEach((row, i) => {
    assert.deepEqual(row.slice(0, -added.length), source[i + 1], `row ${i + 1} keeps the file's cells`);
    assert.equal(Number(row[row.length - added.length]), expected[i], `row ${i + 1}`);
  });
  assert.match(rows[0][header.length - 1], /^predicted_total_earnings: estimated total_earnings in dollars, each /);
  assert.ok(rows.slice(1).every((row) => row[header.length - 1] === ''));
  // The file reads back: `vgsales predict --input` ignores the added columns and gives the same estimates.
  assert.deepEqual(await predictFile(modelDir, await download.path()), expected);
});

test('a missing column is reported and nothing is sent', async () => {
  const partial = join(dir, 'partial.csv');
  await writeFile(partial, 'critic_rating,unit_price\n4,59.99\n');
  const before = watch.predictRequests;
  await page.setInputFiles('#batch-file', partial);
  await page.waitForSelector('#batch-status[data-state="error"]');
  assert.match(await page.locator('#batch-status').textContent(), /lacks the model's columns is_action, /);
  assert.equal(watch.predictRequests, before);
});

test('every field has a label, and the form works from the keyboard', async () => {
  const unlabelled = await page.$$eval(
    '#fields input',
    (inputs) => inputs.filter((input) => input.labels.length === 0).length,
  );
  assert.equal(unlabelled, 0);
  await page.getByLabel('critic_rating', { exact: true }).focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('3');
  await page.keyboard.press('Tab'); // to is_action, the next field
  assert.equal(await page.evaluate(() => document.activeElement.dataset.feature), 'is_action');
  const wasChecked = await page.getByLabel('is_action', { exact: true }).isChecked();
  await page.keyboard.press('Space');
  assert.equal(await page.getByLabel('is_action', { exact: true }).isChecked(), !wasChecked);
  const shown = await settledEstimate(page);
  const row = proposedHeader.map((name, i) => {
    if (name === 'critic_rating') return 'critic_rating=3';
    if (name === 'is_action') return `is_action=${wasChecked ? 0 : 1}`;
    return `${name}=${proposedRow[i]}`;
  });
  assert.equal(shown, await predictRow(modelDir, row.join(',')));
});

test("usable at a phone's width: one column, nothing wider than the screen", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
  // Editing the last field, the estimate is still in sight (it sticks to the bottom of the screen).
  await page.getByLabel('unit_price', { exact: true }).scrollIntoViewIfNeeded();
  const estimate = await page.locator('#estimate-value').boundingBox();
  assert.ok(estimate.y >= 0 && estimate.y + estimate.height <= 844, `the estimate is at y=${estimate.y}`);
  await screenshot(page, 'reference-phone-form');
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'reference-phone', { fullPage: true });
  await page.setViewportSize({ width: 1200, height: 900 });
});

test('a new version served: the page says so and uses it', async () => {
  assert.equal(await page.locator('#version-note').isVisible(), false);
  await addVersion(base, modelDir, 2);
  await page.waitForSelector('#version-note[data-version="2"]:not([hidden])', { timeout: 20000 });
  assert.match(await page.locator('#version-note-text').textContent(), /now serves version 2 .*had version 1/);
  assert.match(await page.locator('#model-line').textContent(), /version 2/);
  await settledEstimate(page);
  assert.match(await page.locator('#estimate-status').textContent(), /version 2/);
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'reference-new-version');
});
