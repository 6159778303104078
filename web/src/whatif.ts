// What-if: one feature runs over its training range in N steps (0 and 1 for a 0/1 feature, the top N categories for
// a categorical one) while the others keep the form's values; one :predict call with all the rows, drawn with uPlot
// (the band between the interval's bounds when the model has one) and listed in a table for screen readers.

import uPlot from 'uplot';

import type { Estimate, ModelInfo } from './api';
import { append, clear, h } from './dom';
import { formatAmount, targetDisplay, titleWithUnits } from './format';
import { formatTick, niceTicks, yAxisRange } from './ticks';
import type { TargetDisplay } from './format';
import { shortNumber } from './values';
import { DEFAULT_STEPS, MAX_STEPS, planWhatIf } from './whatif_plan';
import type { WhatIfPlan } from './whatif_plan';

export class WhatIfView {
  private chart: uPlot | null = null;
  private model: ModelInfo | null = null;
  private resizeObserver: ResizeObserver | null = null;

  constructor(
    private readonly select: HTMLSelectElement,
    private readonly stepsInput: HTMLInputElement,
    private readonly stepsLabel: HTMLElement,
    private readonly chartBox: HTMLElement,
    private readonly table: HTMLTableElement,
    private readonly caption: HTMLElement,
  ) {
    this.resizeObserver = new ResizeObserver(() => {
      if (this.chart) this.chart.setSize({ width: this.chartWidth(), height: this.chart.height });
    });
    this.resizeObserver.observe(chartBox);
  }

  // Refills the feature list for a (new) model, keeping the chosen feature when the model still has it.
  setModel(model: ModelInfo): void {
    const chosen = this.model?.features[Number(this.select.value)]?.name;
    this.model = model;
    clear(this.select);
    model.features.forEach((feature, index) => {
      const option = h('option', { value: index }, `${feature.name} (${feature.kind})`);
      this.select.appendChild(option);
    });
    const keep = model.features.findIndex((feature) => feature.name === chosen);
    this.select.value = String(keep >= 0 ? keep : 0);
    this.updateStepsLabel();
  }

  updateStepsLabel(): void {
    const feature = this.model?.features[Number(this.select.value)];
    this.stepsLabel.textContent = feature?.kind === 'categorical' ? 'Top categories' : 'Steps';
    this.stepsInput.disabled = feature?.kind === 'boolean';
  }

  plan(): WhatIfPlan | null {
    if (!this.model || this.model.features.length === 0) return null;
    const steps = Number(this.stepsInput.value);
    const safeSteps = Number.isFinite(steps) && steps >= 1 ? Math.min(steps, MAX_STEPS) : DEFAULT_STEPS;
    return planWhatIf(this.model.features, Number(this.select.value), safeSteps);
  }

  show(plan: WhatIfPlan, estimates: Estimate[]): void {
    const model = this.model!;
    const display = targetDisplay(model.card);
    const hasInterval = estimates.length > 0 && estimates[0].lower !== undefined;
    this.renderTable(plan, estimates, hasInterval);
    this.renderChart(plan, estimates, hasInterval, display);
    const target = display.label;
    const range = plan.ordinal
      ? `over ${plan.labels.length} values`
      : `from ${plan.labels[0]} to ${plan.labels[plan.labels.length - 1]}`;
    this.caption.textContent =
      `Estimated ${target} as ${plan.feature.name} runs ${range}, the other features ` +
      'held at the form’s values' +
      (hasInterval ? ', with the interval as a band.' : '.');
    this.chartBox.setAttribute('aria-label', this.caption.textContent);
    this.chartBox.dataset.state = 'ready';
  }

  clearResult(message: string): void {
    this.chart?.destroy();
    this.chart = null;
    clear(this.table);
    this.chartBox.dataset.points = '0';
    this.chartBox.dataset.state = 'cleared';
    this.caption.textContent = message;
  }

  private renderTable(plan: WhatIfPlan, estimates: Estimate[], hasInterval: boolean): void {
    clear(this.table);
    const display = targetDisplay(this.model!.card);
    const unit = display.prefix;
    // Bare amounts in the cells ("$" kept for money), the units in the headers: "estimate (million copies)".
    const column = (name: string) => h('th', { scope: 'col' }, titleWithUnits(display, name));
    const head = h('tr', {}, h('th', { scope: 'col' }, plan.feature.name), column('estimate'));
    if (hasInterval) append(head, column('median'), column('lower'), column('upper'));
    const body = h('tbody');
    estimates.forEach((estimate, i) => {
      const row = h(
        'tr',
        { 'data-x': String(plan.values[i]), 'data-value': String(estimate.mean) },
        h('th', { scope: 'row' }, plan.labels[i]),
        h('td', {}, formatAmount(estimate.mean, unit)),
      );
      if (hasInterval) {
        append(
          row,
          h('td', {}, formatAmount(estimate.median!, unit)),
          h('td', {}, formatAmount(estimate.lower!, unit)),
          h('td', {}, formatAmount(estimate.upper!, unit)),
        );
      }
      body.appendChild(row);
    });
    append(this.table, h('thead', {}, head), body);
  }

  private chartWidth(): number {
    return Math.max(240, Math.floor(this.chartBox.clientWidth));
  }

  private renderChart(plan: WhatIfPlan, estimates: Estimate[], hasInterval: boolean, display: TargetDisplay): void {
    this.chart?.destroy();
    this.chartBox.dataset.points = '0'; // until the new chart has drawn
    const xs = plan.ordinal ? plan.values.map((_, i) => i) : (plan.values as number[]);
    const data: uPlot.AlignedData = [xs, estimates.map((e) => e.mean)];
    const accent = '#1d5fb4';
    const series: uPlot.Series[] = [
      {},
      {
        label: 'estimate',
        stroke: accent,
        width: 2,
        paths: plan.ordinal ? () => null : undefined,
        points: { show: true, size: plan.ordinal ? 10 : 6, space: 0, fill: accent, stroke: accent },
      },
    ];
    const bands: uPlot.Band[] = [];
    if (hasInterval) {
      data.push(
        estimates.map((e) => e.lower!),
        estimates.map((e) => e.upper!),
      );
      const bound: uPlot.Series = {
        stroke: 'rgba(29, 95, 180, 0.45)',
        width: 1,
        dash: [4, 4],
        paths: plan.ordinal ? () => null : undefined,
        points: { show: plan.ordinal, size: 7, space: 0, fill: '#fff', stroke: accent },
      };
      series.push({ ...bound, label: 'lower' }, { ...bound, label: 'upper' });
      if (!plan.ordinal) bands.push({ series: [3, 2], fill: 'rgba(29, 95, 180, 0.14)' });
    }
    const labels = plan.labels;
    let yTicks: string[] = [];
    // A feature's values are no amounts: 1980 is a year, not "1,980".
    const xAxis: uPlot.Axis = {
      label: plan.feature.name,
      stroke: '#333',
      values: (_u, splits) => splits.map((v) => shortNumber(v)),
    };
    if (plan.ordinal) {
      // One tick per category, named by its text on the canvas (never parsed as HTML).
      xAxis.splits = () => xs;
      xAxis.values = (_u, splits) => splits.map((s) => shorten(labels[s] ?? ''));
      xAxis.rotate = labels.length > 4 ? -35 : 0;
      xAxis.size = labels.length > 4 ? 90 : 40;
    }
    const options: uPlot.Options = {
      width: this.chartWidth(),
      height: 340,
      legend: { show: false },
      scales: {
        x: { time: false, range: plan.ordinal ? [-0.5, xs.length - 0.5] : undefined },
        y: { range: (_u, min, max) => yAxisRange(min, max, this.model!.card.target_range) },
      },
      axes: [xAxis, yAxis(display, (ticks) => (yTicks = ticks))],
      series,
      bands,
      hooks: {
        // What the chart drew, for people reading the page's DOM (and its tests): one point per finite estimate.
        draw: [
          (u) => {
            const drawn = (u.data[1] as (number | null)[]).filter((v) => v !== null && Number.isFinite(v)).length;
            this.chartBox.dataset.points = String(drawn);
            // The canvas holds the axis's texts as pixels: the page's DOM says what they are.
            this.chartBox.dataset.yLabel = titleWithUnits(display);
            this.chartBox.dataset.yTicks = JSON.stringify(yTicks);
          },
        ],
      },
    };
    this.chart = new uPlot(options, data, this.chartBox);
  }
}

// At most this many steps up the chart: 3 to 7 ticks, at least 30 pixels apart.
const Y_TICKS = 7;

// The y axis: titled with the target and its units, ticks at nice numbers written short in the units ("$100k",
// "0.5"), the same ticks as the grid lines.
function yAxis(display: TargetDisplay, drawn: (ticks: string[]) => void): uPlot.Axis {
  return {
    label: titleWithUnits(display),
    // Not bold, so that a long title with its units ("Worldwide sales (million copies)") fits beside the plot.
    labelFont: '12px system-ui, sans-serif',
    stroke: '#333',
    size: 64,
    splits: (_u, _axis, min, max) => niceTicks(min, max, Y_TICKS).ticks,
    values: (_u, splits) => {
      const step = splits.length > 1 ? splits[1] - splits[0] : niceTicks(splits[0] ?? 0, splits[0] ?? 0, Y_TICKS).step;
      const texts = splits.map((v) => formatTick(v, step, display.prefix));
      drawn(texts);
      return texts;
    },
  };
}

function shorten(text: string): string {
  return text.length > 14 ? `${text.slice(0, 13)}…` : text;
}
