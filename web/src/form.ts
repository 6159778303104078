// The form built from the model's metadata: one field per feature in the model's order, with its training range,
// checkboxes for 0/1 features, a type-ahead list for categories (a value never seen is accepted and counts as
// "other"), and an inline message per field.

import type { CellValue, FeatureInfo, ModelInfo } from './api';
import { append, clear, h } from './dom';
import { formatPercent } from './format';
import { formatRange, missingAllowed, readFormCell, shortNumber } from './values';

interface Field {
  feature: FeatureInfo;
  // The field's current text ("" when empty); for a checkbox "1" or "0", or "" when marked unknown.
  text(): string;
  setText(text: string): void;
  input: HTMLInputElement;
  message: HTMLElement;
}

export interface FormRow {
  row: Record<string, CellValue>; // by feature name, ready for :predict
  valid: boolean;
}

// A typical game to start from: the training mean of each number (0/1 rounded), the most frequent category.
export function defaultText(feature: FeatureInfo): string {
  if (feature.kind === 'categorical') return feature.categories?.[0] ?? '';
  if (feature.kind === 'boolean') return (feature.fill_value ?? 0) >= 0.5 ? '1' : '0';
  return shortNumber(feature.fill_value ?? 0);
}

export class GameForm {
  private fields: Field[] = [];
  private model: ModelInfo | null = null;

  constructor(
    private readonly container: HTMLElement,
    private readonly onChange: () => void,
  ) {}

  // Builds the fields for `model`, keeping what was typed for the features it shares with the previous model.
  build(model: ModelInfo): void {
    const previous = new Map(this.fields.map((field) => [`${field.feature.kind}:${field.feature.name}`, field.text()]));
    this.model = model;
    clear(this.container);
    this.fields = model.features.map((feature, index) => {
      const field = feature.kind === 'boolean' ? this.checkbox(feature, index) : this.textField(feature, index);
      field.setText(previous.get(`${feature.kind}:${feature.name}`) ?? defaultText(feature));
      return field;
    });
  }

  // Every field checked, messages updated; the row is sendable only when `valid`.
  read(): FormRow {
    const row: Record<string, CellValue> = {};
    let valid = true;
    for (const field of this.fields) {
      const reading = readFormCell(field.text(), field.feature, this.model?.missingValues ?? ['']);
      field.message.textContent = reading.error ?? reading.note ?? '';
      field.message.className = reading.error ? 'message error' : 'message note';
      if (reading.error !== undefined) {
        field.input.setAttribute('aria-invalid', 'true');
      } else {
        field.input.removeAttribute('aria-invalid');
      }
      if (reading.error !== undefined) {
        valid = false;
      } else {
        row[field.feature.name] = reading.value ?? null;
      }
    }
    return { row, valid };
  }

  // The feature names in the model's order with the form's current (valid) values, for what-if rows.
  features(): FeatureInfo[] {
    return this.fields.map((field) => field.feature);
  }

  private fieldShell(feature: FeatureInfo, index: number, control: HTMLElement[], hint: string) {
    const id = `field-${index}`;
    const message = h('p', { class: 'message', id: `${id}-message` });
    const wrapper = h('div', { class: `field field-${feature.kind}` });
    append(wrapper, ...control, h('p', { class: 'hint', id: `${id}-hint` }, hint), message);
    this.container.appendChild(wrapper);
    return message;
  }

  private textField(feature: FeatureInfo, index: number): Field {
    const id = `field-${index}`;
    const allowMissing = missingAllowed(feature);
    const input = h('input', {
      id,
      type: 'text',
      autocomplete: 'off',
      spellcheck: 'false',
      inputmode: feature.kind === 'numeric' ? 'decimal' : undefined,
      required: !allowMissing,
      'aria-describedby': `${id}-hint ${id}-message`,
    });
    input.dataset.feature = feature.name;
    const controls: HTMLElement[] = [h('label', { for: id }, feature.name), input];
    let hint: string;
    if (feature.kind === 'categorical') {
      const list = h('datalist', { id: `${id}-list` });
      for (const category of feature.categories ?? []) {
        const option = document.createElement('option');
        option.value = category;
        list.appendChild(option);
      }
      input.setAttribute('list', list.id);
      controls.push(list);
      const count = feature.categories?.length ?? 0;
      hint = `Type or pick one of ${count} trained values (most frequent first); any other value counts as “other”.`;
      if (feature.rare_categories) hint += ` ${feature.rare_categories} rarer training values share “other” too.`;
      hint += ' Leave empty if unknown.';
    } else {
      hint = `Training range ${formatRange(feature)}, mean ${shortNumber(feature.fill_value ?? 0)}.`;
      if (allowMissing) hint += ' Leave empty if unknown (the model learned from games where it was missing).';
    }
    const message = this.fieldShell(feature, index, controls, hint);
    input.addEventListener('input', this.onChange);
    input.addEventListener('change', this.onChange);
    return {
      feature,
      input,
      message,
      text: () => input.value,
      setText: (text) => {
        input.value = text;
      },
    };
  }

  private checkbox(feature: FeatureInfo, index: number): Field {
    const id = `field-${index}`;
    const input = h('input', { id, type: 'checkbox', 'aria-describedby': `${id}-hint ${id}-message` });
    input.dataset.feature = feature.name;
    const controls: HTMLElement[] = [
      h('span', { class: 'checkbox-line' }, input, h('label', { for: id }, feature.name)),
    ];
    let unknown: HTMLInputElement | null = null;
    if (missingAllowed(feature)) {
      unknown = h('input', { id: `${id}-unknown`, type: 'checkbox' });
      controls.push(
        h('span', { class: 'checkbox-line' }, unknown, h('label', { for: `${id}-unknown` }, `${feature.name} unknown`)),
      );
      unknown.addEventListener('change', () => {
        input.disabled = unknown!.checked;
        this.onChange();
      });
    }
    const share = feature.fill_value ?? 0;
    const hint = `Checked is 1; ${formatPercent(share)} of the training games had it.`;
    const message = this.fieldShell(feature, index, controls, hint);
    input.addEventListener('change', this.onChange);
    return {
      feature,
      input,
      message,
      text: () => (unknown?.checked ? '' : input.checked ? '1' : '0'),
      setText: (text) => {
        const isUnknown = text.trim() === '' && unknown !== null;
        if (unknown) unknown.checked = isUnknown;
        input.disabled = isUnknown;
        input.checked = text.trim() === '1';
      },
    };
  }
}
