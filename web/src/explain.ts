// Why this estimate: the form's game as a waterfall of contributions (“is_sequel = 1: +$12,601”) from the model's
// baseline to its estimate, from POST :explain; and the global importance in About, from the metadata. Every amount
// goes through amountText, the one call of the page's amount formatting, and every name and value is text.

import type { GlobalImportance, ModelInfo } from './api';
import { append, clear, h } from './dom';
import { formatQuantity, targetDisplay } from './format';

// One instance's attributions of the mean estimate, as the server's :explain answers them.
export interface Explanation {
  baseline: number;
  estimate: number;
  attributions: Record<string, number>;
  method: string;
  approximationError: number;
}

export function parseExplanation(body: unknown): Explanation {
  const explanations = (body as { explanations?: unknown })?.explanations;
  const first = Array.isArray(explanations) ? (explanations[0] as { attributions?: unknown }) : undefined;
  const mean = Array.isArray(first?.attributions) ? (first!.attributions[0] as Record<string, unknown>) : undefined;
  if (
    !mean ||
    typeof mean.baselineOutputValue !== 'number' ||
    typeof mean.instanceOutputValue !== 'number' ||
    typeof mean.featureAttributions !== 'object' ||
    mean.featureAttributions === null
  ) {
    throw new Error('the :explain answer has no attributions');
  }
  const attributions: Record<string, number> = {};
  for (const [column, value] of Object.entries(mean.featureAttributions as Record<string, unknown>)) {
    if (typeof value === 'number') attributions[column] = value;
  }
  return {
    baseline: mean.baselineOutputValue,
    estimate: mean.instanceOutputValue,
    attributions,
    method: typeof mean.method === 'string' ? mean.method : 'exact',
    approximationError: typeof mean.approximationError === 'number' ? mean.approximationError : 0,
  };
}

// The one place the waterfall and the importance format an amount.
function amountText(value: number, model: ModelInfo, signed = false): string {
  return (signed && value > 0 ? '+' : '') + formatQuantity(value, targetDisplay(model.card));
}

// A bar from `from` to `to` on a scale of [low, high]: a track and a fill placed through the CSSOM (which the page's
// Content-Security-Policy allows, unlike style attributes), no SVG, no markup from data.
function bar(from: number, to: number, low: number, high: number, kind: string): HTMLElement {
  const span = high - low || 1;
  const fill = h('span', { class: `fill ${kind}` });
  fill.style.marginLeft = `${(100 * (Math.min(from, to) - low)) / span}%`;
  fill.style.width = `${Math.max(0.5, (100 * Math.abs(to - from)) / span)}%`;
  return h('span', { class: 'bar', 'aria-hidden': 'true' }, fill);
}

// The form's game: the baseline, each column's contribution in the order of their size, the estimate.
export function renderWaterfall(
  container: HTMLElement,
  explanation: Explanation,
  cells: Record<string, string>,
  model: ModelInfo,
): void {
  clear(container);
  const columns = Object.keys(explanation.attributions).sort(
    (a, b) => Math.abs(explanation.attributions[b]) - Math.abs(explanation.attributions[a]),
  );
  let running = explanation.baseline;
  const steps = columns.map((column) => {
    const from = running;
    running += explanation.attributions[column];
    return { column, from, to: running };
  });
  const ends = [explanation.baseline, explanation.estimate, ...steps.map((s) => s.to)];
  const low = Math.min(...ends);
  const high = Math.max(...ends);
  const list = h('ol', { class: 'waterfall-steps' });
  append(
    list,
    h('li', { class: 'total' }, h('span', { class: 'label' }, 'Average game (baseline)'),
      h('span', { class: 'amount', 'data-value': explanation.baseline }, amountText(explanation.baseline, model)),
      bar(low, explanation.baseline, low, high, 'total')),
  );
  for (const step of steps) {
    const value = explanation.attributions[step.column];
    const cell = cells[step.column] === '' || cells[step.column] === undefined ? '(missing)' : cells[step.column];
    list.appendChild(
      h('li', { class: value >= 0 ? 'up' : 'down', 'data-column': step.column },
        h('span', { class: 'label' }, `${step.column} = ${cell}`),
        h('span', { class: 'amount', 'data-value': value }, amountText(value, model, true)),
        bar(step.from, step.to, low, high, value >= 0 ? 'up' : 'down')),
    );
  }
  append(
    list,
    h('li', { class: 'total' }, h('span', { class: 'label' }, 'This game (estimate)'),
      h('span', { class: 'amount', 'data-value': explanation.estimate }, amountText(explanation.estimate, model)),
      bar(low, explanation.estimate, low, high, 'total')),
  );
  const how =
    explanation.method === 'sampled'
      ? `sampled Shapley values (approximation error ${amountText(explanation.approximationError, model)})`
      : 'exact Shapley values';
  append(
    container,
    h('h3', {}, 'Why this estimate'),
    h('p', { class: 'caption' },
      `How each column moves this game's estimate away from the model's average over its background games (${how}).`),
    list,
  );
  container.hidden = false;
}

// About: each column's mean |contribution| over the model's background games, largest first.
export function renderGlobalImportance(container: HTMLElement, model: ModelInfo): void {
  const importance: GlobalImportance | null = model.globalImportance;
  if (!importance || importance.columns.length === 0) {
    append(container, h('p', { class: 'caption', id: 'importance-none' },
      'This model was trained without background rows (--background-rows 0), so it cannot explain its estimates.'));
    return;
  }
  const largest = Math.max(...importance.columns.map((c) => c.mean_absolute_attribution));
  const body = h('tbody');
  for (const column of importance.columns) {
    body.appendChild(
      h('tr', {},
        h('th', { scope: 'row' }, column.column),
        h('td', {}, amountText(column.mean_absolute_attribution, model)),
        h('td', { class: 'bar-cell' }, bar(0, column.mean_absolute_attribution, 0, largest, 'total'))),
    );
  }
  append(
    container,
    h('div', { class: 'table-wrap' },
      h('table', { class: 'importance', id: 'importance-table' },
        h('caption', {}, `What moves the estimate: each column's mean |contribution| over the model's ` +
          `${importance.rows} background games (baseline ${amountText(importance.baseline, model)})`),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'column'), h('th', { scope: 'col' }, 'mean |contribution|'),
          h('th', { scope: 'col' }, ''))),
        body)),
  );
}
