// The page's "Why this estimate" in headless Chromium on models made here (no reference data needed): the form's
// game as a waterfall whose contributions are `vgsales explain`'s for the same cells and add up from the baseline to
// the estimate; a hostile category name shown as text in it; the global importance in About; and a model trained
// with --background-rows 0, whose page shows no waterfall and says why.
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { Papa, fillField, launchBrowser, screenshot, settledEstimate, startServer, train, vgsales, workDir } from './harness.mjs';

const HOSTILE_CATEGORY = '<img src=x onerror=alert(1)>';

let dir;
let browser;

before(async () => {
  dir = await workDir('explain');
  browser = await launchBrowser('explain');
});

after(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function trainModel(name, extra) {
  const genres = ['Action', HOSTILE_CATEGORY, 'Sports'];
  const rows = [];
  for (let i = 0; i < 90; ++i) {
    const genre = genres[i % 3];
    rows.push([genre, String(i % 5), String(20 + (i % 7) * 5), String(1000 + 80 * (i % 5) + (genre === HOSTILE_CATEGORY ? 600 : 0))]);
  }
  const csv = join(dir, `${name}.csv`);
  await writeFile(csv, Papa.unparse({ fields: ['genre', 'rating', 'price', 'total_earnings'], data: rows }, { newline: '\n' }) + '\n');
  const modelDir = join(dir, name);
  await train(['--train', csv, '--target', 'total_earnings', '--categorical', 'genre', '--epochs', '5', '--out', modelDir, ...extra]);
  return modelDir;
}

test('the waterfall is explain’s attributions for the form’s game, summing to the estimate', async () => {
  const modelDir = await trainModel('explained', []);
  const server = await startServer(modelDir);
  try {
    const { page, watch } = await browser.newPage(`${server.url}/`);
    await settledEstimate(page);
    await fillField(page, 'genre', HOSTILE_CATEGORY);
    await fillField(page, 'rating', '4');
    await fillField(page, 'price', '45');
    await page.waitForFunction(() => {
      const label = document.querySelector('#waterfall li[data-column="genre"] .label');
      return label && label.textContent.includes('<img') && label.textContent.includes('45') === false;
    }, null, { timeout: 15000 });
    await page.waitForFunction(
      () => document.querySelector('#waterfall li[data-column="price"] .label')?.textContent === 'price = 45',
      null, { timeout: 15000 });
    const estimate = await settledEstimate(page);
    const amounts = await page.$$eval('#waterfall li', (items) =>
      items.map((item) => ({
        column: item.getAttribute('data-column'),
        label: item.querySelector('.label').textContent,
        value: Number(item.querySelector('.amount').getAttribute('data-value')),
        text: item.querySelector('.amount').textContent,
      })));
    assert.equal(amounts.length, 2 + 3);
    const baseline = amounts[0].value;
    const contributions = amounts.slice(1, -1);
    const total = contributions.reduce((sum, step) => sum + step.value, baseline);
    assert.ok(Math.abs(total - estimate) <= 1e-4 * Math.max(Math.abs(estimate), 1), `${total} vs ${estimate}`);
    assert.ok(Math.abs(amounts.at(-1).value - estimate) <= 1e-3 * Math.max(Math.abs(estimate), 1));
    // The same cells through `vgsales explain`.
    const { stdout: out } = await vgsales(['explain', '--model', modelDir, '--format', 'json', '--row',
      `genre="${HOSTILE_CATEGORY}",rating=4,price=45`]);
    const theirs = JSON.parse(out).explanations[0].attributions[0];
    for (const step of contributions) {
      const expected = theirs.featureAttributions[step.column];
      assert.ok(Math.abs(step.value - expected) <= 1e-4 * Math.max(Math.abs(estimate), 1), `${step.column}: ${step.value} vs ${expected}`);
      assert.ok(step.text.startsWith(step.value > 0 ? '+' : step.value < 0 ? '-' : ''), step.text);
    }
    // Hostile text stays text: the label shows the characters, no element was made from them, nothing ran.
    assert.equal(amounts.find((step) => step.column === 'genre').label, `genre = ${HOSTILE_CATEGORY}`);
    assert.equal(await page.locator('#waterfall img').count(), 0);
    assert.deepEqual(watch.dialogs, []);
    assert.deepEqual(watch.pageErrors, []);
    assert.deepEqual(watch.consoleErrors, []);
    // About: the global importance, one row per column.
    assert.equal(await page.locator('#importance-table tbody tr').count(), 3);
    await screenshot(page, 'explain-waterfall', { fullPage: true });
  } finally {
    await server.stop();
  }
});

test('a model trained with --background-rows 0 shows no waterfall and says why in About', async () => {
  const modelDir = await trainModel('unexplained', ['--background-rows', '0']);
  const server = await startServer(modelDir);
  try {
    const { page, watch } = await browser.newPage(`${server.url}/`);
    await settledEstimate(page);
    await page.locator('#importance-none').waitFor();
    assert.equal(await page.locator('#waterfall').isHidden(), true);
    assert.deepEqual(watch.pageErrors, []);
  } finally {
    await server.stop();
  }
});
