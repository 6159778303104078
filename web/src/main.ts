// The page's wiring: learn the model's name, read its metadata, build the form, what-if, batch and model card, keep
// the estimate current as the form changes, and notice when the server starts serving another version.

import 'uplot/dist/uPlot.min.css';
import './style.css';

import { renderModelCard } from './about';
import { parseExplanation, renderGlobalImportance, renderWaterfall } from './explain';
import { ApiError, ModelApi, servedModelName } from './api';
import type { CellValue, Estimate, ModelInfo } from './api';
import { batchInstances, bindColumns, CsvError, estimatesCsv, estimatesNote, parseCsv } from './batch';
import type { ParsedCsv } from './batch';
import { append, byId, clear, debounce, h } from './dom';
import {
  formatAmount,
  formatPercent,
  formatQuantity,
  formatQuantityRange,
  targetDisplay,
  titleWithUnits,
  unitsSuffix,
} from './format';
import { GameForm } from './form';
import { WhatIfView } from './whatif';
import { whatIfRows } from './whatif_plan';

const TYPING_PAUSE_MS = 250;
const VERSION_POLL_MS = 3000;
// Rows per :predict request, well under the server's body limit, and a multiple of the server's 256-row tiles, so
// every row is estimated exactly as `vgsales predict` estimates it in its 4,096-row batches.
const BATCH_CHUNK_ROWS = 2048;
const BATCH_TABLE_ROWS = 500; // rows shown; the download has them all

let api!: ModelApi;
let model!: ModelInfo;
let estimateRequest = 0;
let whatIfRequest = 0;
let batchParsed: ParsedCsv | null = null;
let batchEstimates: Estimate[] = [];
let batchFileName = 'games.csv';

const estimateValue = byId<HTMLElement>('estimate-value');
const estimateStatus = byId<HTMLElement>('estimate-status');
const estimateMedian = byId<HTMLElement>('estimate-median');
const estimateInterval = byId<HTMLElement>('estimate-interval');

const form = new GameForm(byId('fields'), () => onFormChange());
const whatIf = new WhatIfView(
  byId('whatif-feature'),
  byId('whatif-steps'),
  byId('whatif-steps-label'),
  byId('whatif-chart'),
  byId('whatif-table'),
  byId('whatif-caption'),
);

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function showPageError(text: string | null): void {
  const box = byId('page-error');
  box.textContent = text ?? '';
  box.hidden = text === null;
}

// A 404 on a versioned :predict means the server moved on to another version: reload at once.
function handleRequestError(error: unknown, show: (text: string) => void): void {
  if (error instanceof ApiError && error.status === 404) {
    void checkVersion();
    show('The server now serves another version; reloading it…');
    return;
  }
  show(`The server could not estimate this: ${message(error)}`);
}

// ---- the estimate ------------------------------------------------------------------------------------------

function showEstimate(estimate: Estimate): void {
  const target = targetDisplay(model.card);
  // The amount large, its units after it in smaller type: the text reads "0.4578 million copies" all the same.
  const units = unitsSuffix(target);
  estimateValue.replaceChildren(formatAmount(estimate.mean, target.prefix));
  if (units) estimateValue.appendChild(h('span', { class: 'result-units' }, units));
  estimateValue.dataset.value = String(estimate.mean);
  estimateValue.dataset.state = 'ready';
  const hasInterval = estimate.lower !== undefined && estimate.upper !== undefined && model.card.interval;
  estimateMedian.hidden = !hasInterval;
  estimateInterval.hidden = !hasInterval;
  if (hasInterval) {
    estimateMedian.textContent = `Median ${formatQuantity(estimate.median!, target)}`;
    estimateMedian.dataset.value = String(estimate.median);
    estimateInterval.textContent =
      `${formatPercent(model.card.interval!.level)} interval: ` +
      formatQuantityRange(estimate.lower!, estimate.upper!, target);
    estimateInterval.dataset.lower = String(estimate.lower);
    estimateInterval.dataset.upper = String(estimate.upper);
  }
  estimateStatus.textContent = `From version ${model.version} of the model.`;
}

async function updateEstimate(): Promise<void> {
  const reading = form.read();
  const request = ++estimateRequest;
  if (!reading.valid) {
    estimateValue.dataset.state = 'invalid';
    estimateStatus.textContent = 'Correct the marked field to get an estimate.';
    return;
  }
  estimateValue.dataset.state = 'pending';
  try {
    const [estimate] = await api.predict([reading.row], model);
    if (request === estimateRequest) showEstimate(estimate);
    if (request === estimateRequest) void updateWaterfall(reading.row, request);
  } catch (error) {
    if (request !== estimateRequest) return;
    estimateValue.dataset.state = 'error';
    handleRequestError(error, (text) => {
      estimateStatus.textContent = text;
    });
  }
}

// ---- why this estimate ---------------------------------------------------------------------------------------

// The form's game explained after its estimate; a model that cannot explain (no background rows) hides the section.
async function updateWaterfall(row: Record<string, CellValue>, request: number): Promise<void> {
  const container = byId<HTMLElement>('waterfall');
  if (!model.globalImportance) {
    container.hidden = true;
    return;
  }
  try {
    const explanation = parseExplanation(await api.explain(row, model));
    if (request !== estimateRequest) return;
    const cells: Record<string, string> = {};
    for (const [name, value] of Object.entries(row)) cells[name] = value === null ? '' : String(value);
    renderWaterfall(container, explanation, cells, model);
  } catch (error) {
    if (request === estimateRequest) container.hidden = true;
  }
}

// ---- what-if -------------------------------------------------------------------------------------------------

async function updateWhatIf(): Promise<void> {
  const reading = form.read();
  const request = ++whatIfRequest;
  const plan = whatIf.plan();
  if (!plan) return;
  byId('whatif-chart').dataset.state = 'pending';
  if (!reading.valid) {
    whatIf.clearResult('Correct the marked field in the form to see the what-if chart.');
    return;
  }
  try {
    const estimates = await api.predict(whatIfRows(model.features, reading.row, plan), model);
    if (request === whatIfRequest) whatIf.show(plan, estimates);
  } catch (error) {
    if (request === whatIfRequest) handleRequestError(error, (text) => whatIf.clearResult(text));
  }
}

const refreshAll = debounce(() => {
  void updateEstimate();
  void updateWhatIf();
}, TYPING_PAUSE_MS);

function onFormChange(): void {
  // Answers to requests sent before this change are stale now.
  ++estimateRequest;
  ++whatIfRequest;
  byId('whatif-chart').dataset.state = 'pending';
  // Messages at once; the request after a pause in typing, and only for a valid form.
  if (form.read().valid) {
    estimateValue.dataset.state = 'pending';
  } else {
    estimateValue.dataset.state = 'invalid';
    estimateStatus.textContent = 'Correct the marked field to get an estimate.';
  }
  refreshAll();
}

// ---- batch ---------------------------------------------------------------------------------------------------

function renderBatchTable(parsed: ParsedCsv, estimates: Estimate[], columns: number[]): void {
  const table = byId<HTMLTableElement>('batch-table');
  clear(table);
  const target = targetDisplay(model.card);
  const amount = (value: number) => formatAmount(value, target.prefix);
  const hasInterval = estimates.length > 0 && estimates[0].lower !== undefined;
  // The estimates first, where a narrow screen shows them; then the features as the file has them. The cells are
  // bare amounts ("$" kept for money): the headers name the units.
  const head = h('tr', {}, h('th', { scope: 'col' }, titleWithUnits(target, `estimated ${target.label}`)));
  if (hasInterval) {
    append(
      head,
      h('th', { scope: 'col' }, titleWithUnits(target, 'lower')),
      h('th', { scope: 'col' }, titleWithUnits(target, 'upper')),
    );
  }
  for (const column of columns) head.appendChild(h('th', { scope: 'col' }, parsed.header[column]));
  const body = h('tbody');
  parsed.rows.slice(0, BATCH_TABLE_ROWS).forEach((row, i) => {
    const line = h(
      'tr',
      {},
      h('td', { class: 'estimate', 'data-value': String(estimates[i].mean) }, amount(estimates[i].mean)),
    );
    if (hasInterval) {
      append(
        line,
        // Styled as the estimate, but told apart from it: td.estimate holds the mean alone.
        h(
          'td',
          { class: 'estimate bound lower', 'data-value': String(estimates[i].lower) },
          amount(estimates[i].lower!),
        ),
        h(
          'td',
          { class: 'estimate bound upper', 'data-value': String(estimates[i].upper) },
          amount(estimates[i].upper!),
        ),
      );
    }
    for (const column of columns) line.appendChild(h('td', {}, row[column]));
    body.appendChild(line);
  });
  append(table, h('thead', {}, head), body);
}

async function runBatch(file: File): Promise<void> {
  const status = byId<HTMLElement>('batch-status');
  const download = byId<HTMLButtonElement>('batch-download');
  download.disabled = true;
  batchParsed = null;
  clear(byId('batch-table'));
  status.dataset.state = 'pending';
  try {
    const parsed = parseCsv(await file.text());
    const bound = bindColumns(parsed.header, model.features, model.card.target_name);
    const instances = batchInstances(parsed, bound, model.features, model.missingValues);
    if (instances.length === 0) throw new CsvError('the file has a header but no rows');
    const estimates: Estimate[] = [];
    for (let start = 0; start < instances.length; start += BATCH_CHUNK_ROWS) {
      status.textContent =
        `Estimating rows ${start + 1} to ${Math.min(start + BATCH_CHUNK_ROWS, instances.length)} ` +
        `of ${instances.length}…`;
      estimates.push(...(await api.predict(instances.slice(start, start + BATCH_CHUNK_ROWS), model)));
    }
    batchParsed = parsed;
    batchEstimates = estimates;
    batchFileName = file.name.replace(/\.csv$/i, '') + '-estimates.csv';
    renderBatchTable(parsed, estimates, bound.columnOfFeature);
    const shown =
      estimates.length > BATCH_TABLE_ROWS
        ? ` The table shows the first ${BATCH_TABLE_ROWS}; the ` + 'download has them all.'
        : '';
    const target = model.card.target_name;
    const ignoredNames = parsed.header.includes(target) ? [`${target} (the target)`, ...bound.ignored] : bound.ignored;
    const ignored =
      ignoredNames.length > 0
        ? ` Ignored column${ignoredNames.length > 1 ? 's' : ''}: ` + `${ignoredNames.join(', ')}.`
        : '';
    status.textContent =
      `${estimates.length.toLocaleString('en-US')} estimates from version ${model.version}.` + ignored + shown;
    status.dataset.state = 'ready';
    status.dataset.rows = String(estimates.length);
    download.disabled = false;
  } catch (error) {
    status.dataset.state = 'error';
    if (error instanceof CsvError) {
      status.textContent = `${file.name}: ${error.message}`;
    } else {
      handleRequestError(error, (text) => {
        status.textContent = text;
      });
    }
  }
}

function downloadBatch(): void {
  if (!batchParsed) return;
  const note = estimatesNote(model.card, model.name, model.version);
  const csv = estimatesCsv(batchParsed, batchEstimates, model.card.target_name, note);
  const blob = new Blob([csv], { type: 'text/csv' });
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: batchFileName });
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// ---- the model and its versions ----------------------------------------------------------------------------

function showModel(): void {
  const card = model.card;
  const target = targetDisplay(card);
  byId('model-line').textContent =
    `Model “${model.name}”, version ${model.version}: estimates ${target.label}` +
    (target.units ? ` in ${target.units}` : '') +
    ` from ${model.features.length} features.`;
  byId('result-label').textContent = `Estimated ${target.label}`;
  form.build(model);
  whatIf.setModel(model);
  renderModelCard(byId('model-card'), model);
  renderGlobalImportance(byId('model-card'), model);
}

async function loadModel(): Promise<void> {
  model = await api.metadata();
  showModel();
  void updateEstimate();
  void updateWhatIf();
}

let checking = false;
async function checkVersion(): Promise<void> {
  if (checking || !api) return;
  checking = true;
  try {
    if (!model) {
      // the first load failed (no version loaded yet, or the server was away): try again
      await loadModel();
      showPageError(null);
      return;
    }
    const live = await api.liveVersion();
    if (live !== model.version) {
      const before = model.version;
      await loadModel();
      const note = byId('version-note');
      note.dataset.version = model.version;
      byId('version-note-text').textContent =
        `The server now serves version ${model.version} of the model (this page had version ${before}). ` +
        'The form, the estimates and the model card below are from the new version.';
      note.hidden = false;
    }
    showPageError(null);
  } catch (error) {
    showPageError(`The model server did not answer: ${message(error)}`);
  } finally {
    checking = false;
  }
}

async function start(): Promise<void> {
  byId('game-form').addEventListener('submit', (event) => event.preventDefault());
  byId('whatif-feature').addEventListener('change', () => {
    whatIf.updateStepsLabel();
    void updateWhatIf();
  });
  byId('whatif-steps').addEventListener(
    'input',
    debounce(() => void updateWhatIf(), TYPING_PAUSE_MS),
  );
  byId<HTMLInputElement>('batch-file').addEventListener('change', (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (file) void runBatch(file);
  });
  byId('batch-download').addEventListener('click', downloadBatch);
  byId('version-note-close').addEventListener('click', () => {
    byId('version-note').hidden = true;
  });
  try {
    api = new ModelApi(await servedModelName());
    await loadModel();
  } catch (error) {
    byId('model-line').textContent = 'The model could not be loaded.';
    showPageError(`The model server did not answer: ${message(error)}`);
  }
  setInterval(() => void checkVersion(), VERSION_POLL_MS);
}

void start();
