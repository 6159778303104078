// The model server's public REST API as the page uses it: the metadata route (with vgsales's feature descriptions
// and model card), the status route, and :predict and :explain. Nothing here touches the DOM.

export type FeatureKind = 'numeric' | 'boolean' | 'categorical';

export interface FeatureInfo {
  name: string;
  kind: FeatureKind;
  // numeric and boolean
  min?: number;
  max?: number;
  fill_value?: number;
  missing_indicator?: boolean;
  // categorical: the trained vocabulary, most frequent first, and how many rarer values share "other"
  categories?: string[];
  rare_categories?: number;
}

export interface SplitMetrics {
  rmse: number | null;
  mae: number | null;
  r2: number | null;
  mape: number | null;
  rows: number;
}

export interface IntervalInfo {
  level: number; // e.g. 0.8 for an 80 % interval
  coverage?: number | null; // share of held-out targets inside their interval
}

export interface ModelCard {
  target_name: string;
  output_name: string;
  target_unit: string; // "$" for a money target, else ""
  target_units?: string; // the units' words: "million copies", "dollars", "" when unknown (model format 4 on)
  target_label?: string; // the target's name for people; the column's name when the model has none
  target_range?: { min: number | null; max: number | null }; // every output is clipped to it; null: open side
  created: string;
  version: number;
  train_file: string;
  test_file: string;
  rows: Record<string, number>;
  metrics: Record<string, SplitMetrics>;
  baselines: Record<string, SplitMetrics>;
  training: Record<string, unknown>;
  interval: IntervalInfo | null;
}

// Each column's mean |attribution| over the model's background rows (the metadata's global_importance).
export interface GlobalImportance {
  rows: number;
  baseline: number;
  columns: { column: string; mean_absolute_attribution: number }[];
}

export interface ModelInfo {
  name: string;
  version: string;
  features: FeatureInfo[];
  missingValues: string[]; // lower-cased spellings of a missing value
  card: ModelCard;
  globalImportance: GlobalImportance | null; // null for a model without background rows
}

// One row's answer: the estimate (the mean), and the median and interval when the model has them.
export interface Estimate {
  mean: number;
  median?: number;
  lower?: number;
  upper?: number;
}

// A cell as sent: a number, a text (a category, or a CSV cell the server reads by the feature's type), or missing.
export type CellValue = number | string | null;

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(`the server answered ${response.status} with a body that is not JSON`, response.status);
  }
  if (!response.ok) {
    const message =
      body && typeof body === 'object' && 'error' in body
        ? String((body as { error: unknown }).error)
        : `HTTP ${response.status}`;
    throw new ApiError(message, response.status);
  }
  return body;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Checks the parts of the metadata the page relies on, so a server without vgsales's additions is a clear error.
export function parseMetadata(body: unknown): ModelInfo {
  if (!isObject(body) || !isObject(body.model_spec) || !isObject(body.metadata)) {
    throw new Error('the metadata answer has no model_spec or metadata object');
  }
  const metadata = body.metadata;
  if (!Array.isArray(metadata.features) || !isObject(metadata.model_card)) {
    throw new Error('the metadata has no feature descriptions or model card (is this a vgsales server?)');
  }
  const features = metadata.features.map((entry, index): FeatureInfo => {
    if (
      !isObject(entry) ||
      typeof entry.name !== 'string' ||
      !['numeric', 'boolean', 'categorical'].includes(String(entry.kind))
    ) {
      throw new Error(`metadata.features[${index}] has no name or a kind the page does not know`);
    }
    return entry as unknown as FeatureInfo;
  });
  const missingValues = Array.isArray(metadata.missing_values) ? metadata.missing_values.map(String) : [''];
  return {
    name: String(body.model_spec.name),
    version: String(body.model_spec.version),
    features,
    missingValues,
    card: metadata.model_card as unknown as ModelCard,
    globalImportance:
      isObject(metadata.global_importance) && Array.isArray(metadata.global_importance.columns)
        ? (metadata.global_importance as unknown as GlobalImportance)
        : null,
  };
}

// The number in one prediction of the interval signature, by key.
function numberAt(prediction: Record<string, unknown>, key: string): number {
  const value = prediction[key];
  if (typeof value !== 'number') throw new Error(`the prediction has no number for "${key}"`);
  return value;
}

export function parsePredictions(body: unknown, outputName: string, interval: boolean, rows: number): Estimate[] {
  if (!isObject(body) || !Array.isArray(body.predictions) || body.predictions.length !== rows) {
    throw new Error(`the server did not answer one prediction per row (${rows} sent)`);
  }
  return body.predictions.map((prediction): Estimate => {
    if (interval) {
      if (!isObject(prediction)) throw new Error('an interval prediction is not an object');
      return {
        mean: numberAt(prediction, outputName),
        median: numberAt(prediction, `${outputName}_median`),
        lower: numberAt(prediction, `${outputName}_lower`),
        upper: numberAt(prediction, `${outputName}_upper`),
      };
    }
    const value = Array.isArray(prediction) ? prediction[0] : prediction;
    if (typeof value !== 'number') throw new Error('a prediction is not a number');
    return { mean: value };
  });
}

export class ModelApi {
  private readonly base: string;

  constructor(readonly modelName: string) {
    this.base = `/v1/models/${encodeURIComponent(modelName)}`;
  }

  async metadata(): Promise<ModelInfo> {
    return parseMetadata(await readJson(await fetch(`${this.base}/metadata`)));
  }

  // The version the server serves now.
  async liveVersion(): Promise<string> {
    const body = await readJson(await fetch(this.base));
    if (!isObject(body) || !Array.isArray(body.model_version_status) || body.model_version_status.length === 0) {
      throw new Error('the status answer lists no version');
    }
    return String((body.model_version_status[0] as Record<string, unknown>).version);
  }

  // Rows as lists in the model's feature order, or as objects by feature name. `version` pins the request to the
  // version the form was built for: after a reload the server answers 404 rather than another model's estimate.
  async predict(instances: CellValue[][] | Record<string, CellValue>[], model: ModelInfo): Promise<Estimate[]> {
    const interval = model.card.interval !== null;
    const body: Record<string, unknown> = { instances };
    if (interval) body.signature_name = 'interval';
    const response = await fetch(`${this.base}/versions/${encodeURIComponent(model.version)}:predict`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return parsePredictions(await readJson(response), model.card.output_name, interval, instances.length);
  }

  // One row's :explain answer (the same body as :predict), pinned to the form's version like predict.
  async explain(instance: Record<string, CellValue>, model: ModelInfo): Promise<unknown> {
    const response = await fetch(`${this.base}/versions/${encodeURIComponent(model.version)}:explain`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ instances: [instance] }),
    });
    return readJson(response);
  }
}

// The page learns which model to show from the server that served it.
export async function servedModelName(): Promise<string> {
  const body = await readJson(await fetch('/ui/config.json'));
  if (!isObject(body) || typeof body.model_name !== 'string') throw new Error('/ui/config.json names no model');
  return body.model_name;
}
