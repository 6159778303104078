// About the model: the model card from the metadata route (data, schema, errors beside the baselines, training,
// version served), every value written as text.

import type { FeatureInfo, ModelInfo, SplitMetrics } from './api';
import { append, clear, h } from './dom';
import {
  describeClipping,
  formatAmount,
  formatPercent,
  formatSignificant,
  targetDisplay,
  titleWithUnits,
} from './format';
import { formatRange } from './values';

const SPLIT_NAMES: Record<string, string> = { train: 'training', validation: 'validation', test: 'test' };
const SPLIT_ORDER = ['train', 'validation', 'test'];

// Splits in the order data flows through training (train, validation, test), any others after them.
function bySplitOrder<T>(entries: Record<string, T>): [string, T][] {
  const rank = (split: string) => (SPLIT_ORDER.includes(split) ? SPLIT_ORDER.indexOf(split) : SPLIT_ORDER.length);
  return Object.entries(entries).sort(([a], [b]) => rank(a) - rank(b));
}
const BASELINE_NAMES: Record<string, string> = {
  mean: 'baseline: the training mean',
  linear: 'baseline: a linear model',
};

function describeDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })} (${iso})`;
}

function definitionList(entries: [string, string][]): HTMLDListElement {
  const list = h('dl', { class: 'facts' });
  for (const [term, description] of entries) append(list, h('dt', {}, term), h('dd', {}, description));
  return list;
}

function metricsTable(model: ModelInfo): HTMLTableElement {
  const target = targetDisplay(model.card);
  const unit = target.prefix;
  const amount = (value: number | null) => (value === null ? '–' : formatAmount(value, unit));
  const plain = (value: number | null) => (value === null ? '–' : formatSignificant(value));
  const row = (label: string, metrics: SplitMetrics, kind: string) =>
    h(
      'tr',
      { class: kind },
      h('th', { scope: 'row' }, label),
      h('td', {}, amount(metrics.rmse)),
      h('td', {}, amount(metrics.mae)),
      h('td', {}, plain(metrics.r2)),
      h('td', {}, metrics.rows.toLocaleString('en-US')),
    );
  const body = h('tbody');
  for (const [split, metrics] of bySplitOrder(model.card.metrics)) {
    body.appendChild(row(`network, ${SPLIT_NAMES[split] ?? split} split`, metrics, 'network'));
  }
  for (const [name, metrics] of Object.entries(model.card.baselines)) {
    body.appendChild(row(BASELINE_NAMES[name] ?? `baseline: ${name}`, metrics, 'baseline'));
  }
  // The baselines are measured on the held-out split: the test split, else the validation split, else (no rows
  // held out) the training rows themselves.
  const metrics = model.card.metrics;
  const heldOut = metrics.test ? 'the test split' : metrics.validation ? 'the validation split' : 'the training rows';
  return h(
    'table',
    { class: 'metrics' },
    h(
      'caption',
      {},
      `Errors ${target.units ? `in ${target.units}` : 'in the target’s units'}. ` +
        'The baselines are fitted on the same training rows and ' +
        `measured on ${heldOut}: the network should beat them there.`,
    ),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, ''),
        h('th', { scope: 'col' }, titleWithUnits(target, 'RMSE')),
        h('th', { scope: 'col' }, titleWithUnits(target, 'MAE')),
        h('th', { scope: 'col' }, 'R²'),
        h('th', { scope: 'col' }, 'rows'),
      ),
    ),
    body,
  );
}

function featureSummary(feature: FeatureInfo): string {
  if (feature.kind === 'categorical') {
    const categories = feature.categories ?? [];
    const shown = categories.slice(0, 8).join(', ');
    const more = categories.length > 8 ? `, … (${categories.length} in all)` : '';
    const rare = feature.rare_categories ? `; ${feature.rare_categories} rarer values share “other”` : '';
    return `${shown}${more}${rare}`;
  }
  const missing = feature.missing_indicator
    ? `; missing in training, imputed as ${formatSignificant(feature.fill_value ?? 0)}`
    : '';
  return `${formatRange(feature)}, mean ${formatSignificant(feature.fill_value ?? 0)}${missing}`;
}

function featuresTable(model: ModelInfo): HTMLTableElement {
  const body = h('tbody');
  for (const feature of model.features) {
    body.appendChild(
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, feature.name),
        h('td', {}, feature.kind),
        h('td', {}, featureSummary(feature)),
      ),
    );
  }
  return h(
    'table',
    { class: 'features' },
    h('caption', {}, 'The features, in the model’s input order, as seen in training'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'feature'),
        h('th', { scope: 'col' }, 'kind'),
        h('th', { scope: 'col' }, 'training values'),
      ),
    ),
    body,
  );
}

export function renderModelCard(container: HTMLElement, model: ModelInfo): void {
  clear(container);
  const card = model.card;
  const training = card.training;
  const layers = Array.isArray(training.layers) ? (training.layers as number[]).join(' → ') : '';
  const rows = bySplitOrder(card.rows).map(
    ([split, count]) => `${count.toLocaleString('en-US')} ${SPLIT_NAMES[split] ?? split}`,
  );
  const target = targetDisplay(card);
  const unit = target.units || 'the target’s own units';
  const named = target.label === card.target_name ? card.target_name : `${target.label} (column ${card.target_name})`;
  const facts: [string, string][] = [
    ['Model', `${model.name}, version ${model.version} served`],
    ['Trained', describeDate(card.created)],
    ['Target', `${named}, in ${unit}; output “${card.output_name}”`],
    ['Range', 'every estimate, median and interval bound ' + describeClipping(card.target_range, target.prefix)],
    ['Training data', card.train_file + (card.test_file ? `; test file ${card.test_file}` : '')],
    ['Rows', rows.join(', ')],
    [
      'Network',
      `${model.features.length} features → ${layers} → 1, ReLU, Adam (learning rate ` +
        `${String(training.learning_rate)}, batches of ${String(training.batch_size)}, seed ${String(training.seed)})`,
    ],
    [
      'Epochs',
      `${String(training.epochs_run)} run, the weights of epoch ${String(training.kept_epoch)} kept ` +
        `(${String(training.status)})`,
    ],
    [
      'Target transform',
      String(training.target_transform) +
        (training.target_transform === 'log1p' && training.mean_correction
          ? `, the mean corrected by ${String(training.mean_correction)}`
          : ''),
    ],
  ];
  if (card.interval) {
    const coverage =
      card.interval.coverage != null
        ? `, ${formatPercent(card.interval.coverage)} of held-out games ` + 'fell inside theirs'
        : '';
    facts.push(['Interval', `${formatPercent(card.interval.level)} prediction interval${coverage}`]);
  } else {
    facts.push(['Interval', 'none: this model gives an estimate only']);
  }
  append(
    container,
    definitionList(facts),
    h('div', { class: 'table-wrap' }, metricsTable(model)),
    h('div', { class: 'table-wrap' }, featuresTable(model)),
  );
}
