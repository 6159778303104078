// The web page in headless Chromium on models made here, so no reference data is needed: a model whose category
// and feature name are HTML renders them as text (no dialog, no element made from them) under the page's
// Content-Security-Policy; the interval display follows the REST contract (median, bounds, band, download
// columns); --no-ui turns the page off and leaves the API on.
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import {
  Papa,
  launchBrowser,
  predictRows,
  screenshot,
  settledEstimate,
  startServer,
  train,
  vgsales,
  whatIfResult,
  workDir,
} from './harness.mjs';

const HOSTILE_CATEGORY = '<img src=x onerror=alert(1)>';
const HOSTILE_FEATURE = '<svg onload=alert(2)>';

let dir;
let browser;

before(async () => {
  dir = await workDir('safety');
  browser = await launchBrowser('safety');
});

after(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('a model whose category and feature name are HTML: shown as text, nothing runs', async () => {
  const genres = ['Action', HOSTILE_CATEGORY, 'Sports'];
  const rows = [];
  for (let i = 0; i < 60; ++i) {
    const genre = genres[i % 3];
    rows.push([genre, String(i % 5), String(20 + i), String(1000 + 50 * i + (genre === HOSTILE_CATEGORY ? 500 : 0))]);
  }
  const header = ['genre', HOSTILE_FEATURE, 'price', 'total_earnings'];
  const csv = join(dir, 'hostile.csv');
  await writeFile(csv, Papa.unparse({ fields: header, data: rows }, { newline: '\n' }) + '\n');
  const modelDir = join(dir, 'hostile-model');
  await train([
    '--train',
    csv,
    '--target',
    'total_earnings',
    '--categorical',
    'genre',
    '--epochs',
    '3',
    '--out',
    modelDir,
  ]);
  const server = await startServer(modelDir);
  try {
    const { page, watch, response } = await browser.newPage(`${server.url}/`);
    const headers = response.headers();
    assert.match(headers['content-security-policy'] ?? '', /^default-src 'self';/);
    assert.equal(headers['x-content-type-options'], 'nosniff');
    await settledEstimate(page);

    // The names are on the page as the characters they are.
    assert.equal(await page.getByLabel(HOSTILE_FEATURE, { exact: true }).count(), 1);
    await page.locator('#about').getByText(HOSTILE_CATEGORY).first().waitFor();
    const listId = await page.getByLabel('genre', { exact: true }).getAttribute('list');
    const options = await page.$$eval(`#${listId} option`, (list) => list.map((option) => option.value));
    assert.ok(options.includes(HOSTILE_CATEGORY));

    // Chosen in the form it is a trained category (no "other" note), estimated as predict estimates it.
    await page.getByLabel('genre', { exact: true }).fill(HOSTILE_CATEGORY);
    await page.getByLabel(HOSTILE_FEATURE, { exact: true }).fill('2');
    await page.getByLabel('price', { exact: true }).fill('50');
    const shown = await settledEstimate(page);
    assert.equal(await page.locator('.field .message.note').filter({ hasText: 'other' }).count(), 0);
    const [expected] = await predictRows(modelDir, header.slice(0, 3), [[HOSTILE_CATEGORY, '2', '50']], dir);
    assert.equal(shown, expected);

    // What-if over the genres names it in the table, as text.
    await page.selectOption('#whatif-feature', '0');
    const steps = await whatIfResult(page, 3);
    assert.ok(steps.some((step) => step.label === HOSTILE_CATEGORY));

    // Nothing was made from the names: no dialog, no img or svg element, no event-handler attribute.
    await page.waitForTimeout(300);
    assert.deepEqual(watch.dialogs, []);
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('svg').count(), 0);
    assert.equal(await page.evaluate(() => document.querySelectorAll('[onerror], [onload]').length), 0);
    assert.deepEqual(watch.pageErrors, []);
    assert.deepEqual(watch.consoleErrors, []);
    await page
      .locator('details')
      .first()
      .evaluate((details) => {
        details.open = true;
      });
    await screenshot(page, 'hostile-model', { fullPage: true });
    await page.close();
  } finally {
    await server.stop();
  }
});

test('a target label and units that are HTML: shown as text beside every amount, nothing runs', async () => {
  const label = '<svg onload=alert(5)>';
  const units = '<img src=x onerror=alert(6)>';
  const rows = [];
  for (let i = 0; i < 80; ++i) rows.push([String(i % 7), String(1 + (i % 5) * 0.5 + (i % 7) * 0.25)]);
  const csv = join(dir, 'units.csv');
  await writeFile(csv, Papa.unparse({ fields: ['size', 'sales'], data: rows }, { newline: '\n' }) + '\n');
  const modelDir = join(dir, 'units-model');
  await train(['--train', csv, '--target', 'sales', '--target-units', units, '--target-label', label,
    '--epochs', '3', '--out', modelDir]);
  const server = await startServer(modelDir);
  try {
    const { page, watch } = await browser.newPage(`${server.url}/`);
    await settledEstimate(page);
    assert.ok((await page.locator('#estimate-value').textContent()).endsWith(` ${units}`));
    assert.equal(await page.locator('#result-label').textContent(), `Estimated ${label}`);
    assert.ok((await page.locator('#model-line').textContent()).includes(`estimates ${label} in ${units} from`));
    await page.fill('#whatif-steps', '5');
    await whatIfResult(page, 5);
    assert.equal(await page.locator('#whatif-chart').getAttribute('data-y-label'), `${label} (${units})`);
    const headers = await page.$$eval('#whatif-table thead th', (cells) => cells.map((cell) => cell.textContent));
    assert.equal(headers[1], `estimate (${units})`);
    await page.locator('#about').getByText(`in ${units}`).first().waitFor();
    await page.waitForTimeout(300);
    assert.deepEqual(watch.dialogs, []);
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('svg').count(), 0);
    assert.equal(await page.evaluate(() => document.querySelectorAll('[onerror], [onload]').length), 0);
    assert.deepEqual(watch.pageErrors, []);
    assert.deepEqual(watch.consoleErrors, []);
    await screenshot(page, 'hostile-units', { fullPage: true });
    await page.close();
  } finally {
    await server.stop();
  }
});

// A model on the synthetic reference schema (vgsales synth), for the interval and --no-ui checks.
async function syntheticModel() {
  const csv = join(dir, 'synthetic.csv');
  await vgsales(['synth', '--rows', '300', '--seed', '7', '--out', csv]);
  const modelDir = join(dir, 'synthetic-model');
  await train(['--train', csv, '--target', 'total_earnings', '--epochs', '5', '--out', modelDir]);
  return { csv, modelDir };
}

let synthetic;

test('the interval display follows the REST contract: median, bounds, band and download columns', async () => {
  synthetic ??= await syntheticModel();
  const server = await startServer(synthetic.modelDir);
  try {
    const context = browser.context;
    // The server's answers as a model with an 80 % interval gives them (docs/serving.md): the metadata says so, and
    // :predict with signature_name "interval" answers {earnings, earnings_median, earnings_lower, earnings_upper}.
    // The bounds are made from the real estimate here, so the page's numbers can be checked exactly.
    const signatures = [];
    await context.route('**/metadata', async (route) => {
      const answer = await route.fetch();
      const body = await answer.json();
      body.metadata.model_card.interval = { level: 0.8, coverage: 0.79 };
      await route.fulfill({ response: answer, json: body });
    });
    await context.route('**/*:predict', async (route) => {
      const sent = JSON.parse(route.request().postData());
      signatures.push(sent.signature_name);
      const answer = await route.fetch({ postData: JSON.stringify({ instances: sent.instances }) });
      const { predictions } = await answer.json();
      const interval = predictions.map(([mean]) => ({
        earnings: mean,
        earnings_median: mean * 0.9,
        earnings_lower: mean * 0.5,
        earnings_upper: mean * 1.5,
      }));
      await route.fulfill({ response: answer, json: { predictions: interval } });
    });
    const { page } = await browser.newPage(`${server.url}/`);
    const mean = await settledEstimate(page);
    assert.ok(signatures.length > 0 && signatures.every((name) => name === 'interval'));
    const interval = page.locator('#estimate-interval');
    assert.equal(await interval.isVisible(), true);
    assert.equal(Number(await interval.getAttribute('data-lower')), mean * 0.5);
    assert.equal(Number(await interval.getAttribute('data-upper')), mean * 1.5);
    assert.match(await interval.textContent(), /^80 % interval: \$[\d,]+ to \$[\d,]+$/);
    assert.equal(Number(await page.locator('#estimate-median').getAttribute('data-value')), mean * 0.9);
    assert.match(await page.locator('#model-card').textContent(), /80 % prediction interval, 79 % of held-out games/);

    await page.fill('#whatif-steps', '8');
    const steps = await whatIfResult(page, 8);
    const lowers = await page.$$eval('#whatif-table tbody tr', (rows) =>
      rows.map((row) => row.children[3].textContent),
    );
    assert.equal(lowers.length, 8);
    assert.deepEqual(
      await page.$$eval('#whatif-table thead th', (cells) => cells.map((cell) => cell.textContent).slice(1)),
      ['estimate', 'median', 'lower', 'upper'],
    );
    assert.equal(steps.length, 8);
    await page.locator('#what-if').scrollIntoViewIfNeeded();
    await screenshot(page, 'interval-contract-whatif', { clip: await page.locator('#what-if').boundingBox() });

    await page.setInputFiles('#batch-file', synthetic.csv);
    await page.waitForSelector('#batch-status[data-state="ready"]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#batch-download')]);
    const [header, first] = Papa.parse((await readFile(await download.path(), 'utf8')).trim(), { delimiter: ',' }).data;
    const at = header.indexOf('predicted_total_earnings');
    assert.deepEqual(header.slice(at), [
      'predicted_total_earnings',
      'predicted_total_earnings_median',
      'predicted_total_earnings_lower',
      'predicted_total_earnings_upper',
      'about_the_estimates',
    ]);
    assert.equal(Number(first[at + 2]), Number(first[at]) * 0.5);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'interval-contract');
    await page.close();
    await context.unrouteAll();
  } finally {
    await server.stop();
  }
});

test('the interval end to end, once the served model has one', async (t) => {
  synthetic ??= await syntheticModel();
  const server = await startServer(synthetic.modelDir);
  try {
    const metadata = await (await fetch(`${server.url}/v1/models/vgsales/metadata`)).json();
    const card = metadata.metadata.model_card;
    assert.ok('interval' in card, 'the model card has an interval field');
    if (card.interval === null) {
      t.skip(
        'the served model has no interval yet (metadata.model_card.interval is null): the end-to-end interval ' +
          'check runs once the server gives models one (issue 16)',
      );
      return;
    }
    const { page } = await browser.newPage(`${server.url}/`);
    await settledEstimate(page);
    const row = Object.fromEntries(
      await page.$$eval('#fields input[data-feature]', (inputs) =>
        inputs.map((input) => [
          input.dataset.feature,
          // As the page sends them: 0/1, a category's text, a number, or null for an empty field.
          input.type === 'checkbox'
            ? input.checked
              ? 1
              : 0
            : input.hasAttribute('list')
              ? input.value
              : input.value.trim() === ''
                ? null
                : Number(input.value),
        ]),
      ),
    );
    const answer = await (
      await fetch(`${server.url}/v1/models/vgsales:predict`, {
        method: 'POST',
        body: JSON.stringify({ signature_name: 'interval', instances: [row] }),
      })
    ).json();
    const output = card.output_name;
    const [prediction] = answer.predictions;
    assert.equal(Number(await page.locator('#estimate-value').getAttribute('data-value')), prediction[output]);
    assert.equal(
      Number(await page.locator('#estimate-median').getAttribute('data-value')),
      prediction[`${output}_median`],
    );
    assert.equal(
      Number(await page.locator('#estimate-interval').getAttribute('data-lower')),
      prediction[`${output}_lower`],
    );
    assert.equal(
      Number(await page.locator('#estimate-interval').getAttribute('data-upper')),
      prediction[`${output}_upper`],
    );
    await whatIfResult(page, 25);
    assert.equal(await page.locator('#whatif-table thead th').count(), 5);
    await screenshot(page, 'interval-end-to-end');
    await page.close();
  } finally {
    await server.stop();
  }
});

test('--no-ui: no page, the REST API unchanged', async () => {
  synthetic ??= await syntheticModel();
  const server = await startServer(synthetic.modelDir, { extra: ['--no-ui'] });
  try {
    for (const path of ['/', '/ui/app.js', '/ui/config.json']) {
      assert.equal((await fetch(`${server.url}${path}`)).status, 404, path);
    }
    assert.equal((await fetch(`${server.url}/v1/models/vgsales`)).status, 200);
    assert.doesNotMatch(server.log(), /web page/);
  } finally {
    await server.stop();
  }
});
