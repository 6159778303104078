// Shared parts of the web page's browser tests: the real `vgsales` binary (train, predict, serve on a free port),
// Debian's Chromium driven by playwright-core from web/node_modules (never a downloaded browser), screenshots.
// Settings come from the environment CTest gives: VGSALES_BINARY, VGSALES_SOURCE_DIR, VGSALES_ARTIFACTS.
import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const binary = process.env.VGSALES_BINARY;
export const sourceDir = process.env.VGSALES_SOURCE_DIR;
export const artifacts = process.env.VGSALES_ARTIFACTS;
if (!binary || !sourceDir || !artifacts) {
  throw new Error('set VGSALES_BINARY, VGSALES_SOURCE_DIR and VGSALES_ARTIFACTS (CTest does)');
}
const webRequire = createRequire(join(sourceDir, 'web', 'package.json'));
const { chromium } = webRequire('playwright-core');
export const Papa = webRequire('papaparse');

export const CHROMIUM = '/usr/bin/chromium';
// The flags that keep Chromium off the network and quick to start in a sandbox without a display.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// ../shared/data/<name> beside the source tree, or null when the reference data is absent.
export function sharedData(name) {
  const path = join(sourceDir, '..', 'shared', 'data', name);
  return existsSync(path) ? path : null;
}

// CTest marks a test skipped when its output has this line (SKIP_REGULAR_EXPRESSION).
export function skipWholeFile(reason) {
  console.log(`vgsales-web-test: skipped: ${reason}`);
  process.exit(0);
}

const execFileAsync = promisify(execFile);

export async function vgsales(args) {
  try {
    const { stdout, stderr } = await execFileAsync(binary, args, { maxBuffer: 256 * 1024 * 1024 });
    return { stdout, stderr };
  } catch (error) {
    throw new Error(`vgsales ${args.join(' ')} failed: ${error.stderr || error.message}`);
  }
}

export async function workDir(label) {
  return mkdtemp(join(tmpdir(), `vgsales-web-${label}-`));
}

export async function train(args) {
  await vgsales(['train', '--no-logs', '--quiet', ...args]);
}

// `vgsales predict --row`: the number it prints first (the mean; a model with an interval adds a line for the median
// and the bounds), read as JavaScript reads the page's JSON numbers.
export async function predictRow(modelDir, assignments) {
  const { stdout } = await vgsales(['predict', '--model', modelDir, '--row', assignments]);
  return Number(stdout.split('\n')[0].trim());
}

// `vgsales predict --input FILE --format json`: one number per row.
export async function predictFile(modelDir, csvPath) {
  const { stdout } = await vgsales(['predict', '--model', modelDir, '--input', csvPath, '--format', 'json']);
  return JSON.parse(stdout).predictions.map((row) => row[0]);
}

// Rows of cells (header first) written as a CSV with RFC 4180 quoting, then predicted.
export async function predictRows(modelDir, header, rows, dir) {
  const path = join(dir, `rows-${Date.now()}-${Math.random().toString(16).slice(2)}.csv`);
  await writeFile(path, Papa.unparse({ fields: header, data: rows }, { newline: '\n' }) + '\n');
  return predictFile(modelDir, path);
}

// A model base folder holding `modelDir` as version 1, so a later version can be added while serving.
export async function versionedBase(modelDir, dir) {
  const base = join(dir, 'base');
  await mkdir(base, { recursive: true });
  await cp(modelDir, join(base, '1'), { recursive: true });
  return base;
}

// Adds `modelDir` as version `version`: copied aside, then renamed into place in one step.
export async function addVersion(base, modelDir, version) {
  const aside = join(base, `.incoming-${version}`);
  await cp(modelDir, aside, { recursive: true });
  await rename(aside, join(base, String(version)));
}

// `vgsales serve` on a free loopback port; resolves once it logs where it listens.
export async function startServer(base, { name = 'vgsales', extra = [] } = {}) {
  const child = spawn(
    binary,
    ['serve', '--model_base_path', base, '--model_name', name, '--host', '127.0.0.1', '--port', '0', ...extra],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  // Never outlive the test, even when it fails before stopping the server.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  let log = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vgsales serve did not start:\n${log}`)), 30000);
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const match = /listening on 127\.0\.0\.1:(\d+)/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.on('exit', (code) => reject(new Error(`vgsales serve exited with ${code}:\n${log}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    log: () => log,
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

// Chromium with a fresh profile of its own. What a test needs to watch on a page is recorded: dialogs (an alert
// would mean a script ran from model data), console errors (CSP violations among them), page errors, and
// every :predict request.
export async function launchBrowser(label) {
  const profile = await mkdtemp(join(tmpdir(), `vgsales-web-chromium-${label}-`));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1200, height: 900 },
  });
  return {
    context,
    async newPage(url) {
      const page = await context.newPage();
      const watch = { dialogs: [], consoleErrors: [], pageErrors: [], predictRequests: 0 };
      page.on('dialog', async (dialog) => {
        watch.dialogs.push(dialog.message());
        await dialog.dismiss();
      });
      page.on('console', (message) => {
        if (message.type() === 'error') watch.consoleErrors.push(message.text());
      });
      page.on('pageerror', (error) => watch.pageErrors.push(error.message));
      page.on('request', (request) => {
        if (request.url().includes(':predict')) ++watch.predictRequests;
      });
      const response = await page.goto(url);
      return { page, watch, response };
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page, name, options = {}) {
  await mkdir(artifacts, { recursive: true });
  const path = join(artifacts, `${name}.png`);
  await page.screenshot({ path, ...options });
  return path;
}

// Waits until the estimate shows an answer to the form as it is now, and returns the page's raw number.
export async function settledEstimate(page) {
  await page.waitForSelector('#estimate-value[data-state="ready"]', { timeout: 15000 });
  return Number(await page.locator('#estimate-value').getAttribute('data-value'));
}

// Fills the form field of a feature: a text field takes the text, a 0/1 checkbox is set from "1" or "0".
export async function fillField(page, name, text) {
  const field = page.getByLabel(name, { exact: true });
  if ((await field.getAttribute('type')) === 'checkbox') {
    await field.setChecked(text.trim() === '1');
  } else {
    await field.fill(text);
  }
}

// The what-if section after it drew `points` points: each step's value and estimate from its table.
export async function whatIfResult(page, points) {
  await page.waitForFunction(
    (n) => {
      const chart = document.querySelector('#whatif-chart');
      return (
        chart?.dataset.state === 'ready' &&
        chart.dataset.points === String(n) &&
        document.querySelectorAll('#whatif-table tbody tr').length === n
      );
    },
    points,
    { timeout: 15000 },
  );
  return page.$$eval('#whatif-table tbody tr', (rows) =>
    rows.map((row) => ({
      x: row.dataset.x,
      value: Number(row.dataset.value),
      label: row.querySelector('th').textContent,
    })),
  );
}

export async function readModelJson(modelDir) {
  return JSON.parse(await readFile(join(modelDir, 'model.json'), 'utf8'));
}

// The what-if chart's y axis as drawn (its title and tick texts, which the page records beside the canvas) and
// the tick values read back from the texts' numbers (a letter k, M, G, T multiplies; "$" and "," are dropped).
export async function whatIfAxis(page) {
  const box = page.locator('#whatif-chart');
  const label = await box.getAttribute('data-y-label');
  const ticks = JSON.parse((await box.getAttribute('data-y-ticks')) ?? '[]');
  const scale = { k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  const values = ticks.map((text) => {
    const match = /^(-?)\$?([\d,]+(?:\.\d+)?)([kMGT]?)$/.exec(text);
    if (!match) throw new Error(`the tick "${text}" is not a short number`);
    return (match[1] ? -1 : 1) * Number(match[2].replaceAll(',', '')) * (scale[match[3]] ?? 1);
  });
  return { label, ticks, values };
}

// True when the ticks step evenly by 1, 2 or 5 times a power of ten (each a multiple of the step).
export function niceTickValues(values) {
  if (values.length < 2) return values.length === 1;
  const step = values[1] - values[0];
  const magnitude = 10 ** Math.floor(Math.log10(step) + 1e-9);
  const factor = Math.round(step / magnitude);
  const even = values.every((v, i) => Math.abs(v - values[0] - i * step) <= step * 1e-6);
  const multiples = values.every((v) => Math.abs(v / step - Math.round(v / step)) <= 1e-6);
  return [1, 2, 5, 10].includes(factor) && Math.abs(step - factor * magnitude) <= step * 1e-9 && even && multiples;
}
