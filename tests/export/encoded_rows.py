"""Writes the encoded input rows an exported model takes, from a CSV and the model's model.json.

usage: encoded_rows.py MODEL_JSON CSV_FILE ROWS_FILE
This is what a TF Serving, Vertex AI or BigQuery ML client has to do itself (docs/export.md), written
independently of src/data from model.json's "pipeline": a numeric column is its value (the training
mean, "fill_value", when missing) plus a 0/1 "<name>_missing" input if the model has one; a
categorical column is one-hot over its categories (rare_categories share "other"), then
"<name>=other", then "<name>=missing". Missing cells are the pipeline's "missing_values" (any case).
"""
import csv
import json
import sys


def encode(feature, cell, missing_spellings):
    missing = cell.strip().lower() in missing_spellings
    if feature["type"] == "categorical":
        categories = feature["categories"]
        values = [0.0] * (len(categories) + 2)
        if missing:
            values[-1] = 1.0
        elif cell.strip() in categories:
            values[categories.index(cell.strip())] = 1.0
        else:
            values[-2] = 1.0
        return values
    values = [feature["fill_value"] if missing else float(cell)]
    if feature.get("missing_indicator"):
        values.append(1.0 if missing else 0.0)
    return values


def encode_csv(model_json, csv_file):
    """The encoded rows of every line of `csv_file` for a model (its model.json, parsed); exits on a mismatch."""
    model = model_json["pipeline"]
    missing_spellings = {spelling.lower() for spelling in model["missing_values"]}
    names = []
    for feature in model["features"]:
        names += feature["encoded_inputs"]
    if names != model["encoded_inputs"]:
        sys.exit("model.json: features' encoded_inputs do not add up to encoded_inputs")
    with open(csv_file, newline="") as f:
        reader = csv.DictReader(f)
        absent = [feature["name"] for feature in model["features"] if feature["name"] not in reader.fieldnames]
        if absent:
            sys.exit(f"columns missing from the CSV: {absent}")
        rows = []
        for row in reader:
            encoded = []
            for feature in model["features"]:
                encoded += encode(feature, row[feature["name"]], missing_spellings)
            rows.append(encoded)
    return rows


def main():
    model_json, csv_file, rows_file = sys.argv[1:4]
    with open(model_json) as f:
        model = json.load(f)
    rows = encode_csv(model, csv_file)
    with open(rows_file, "w") as f:
        for row in rows:
            f.write(" ".join(repr(v) for v in row) + "\n")


if __name__ == "__main__":
    main()
