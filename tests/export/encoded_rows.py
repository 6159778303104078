"""Writes the encoded input rows an exported model takes, from a CSV and the model's model.json.

usage: encoded_rows.py MODEL_JSON CSV_FILE ROWS_FILE
Columns are taken in model.json's "encoded_inputs" order. Only plain numeric inputs are supported
(each encoded input must be a CSV column, no empty cells): enough for the end-to-end export test.
"""
import csv
import json
import sys


def main():
    model_json, csv_file, rows_file = sys.argv[1:4]
    with open(model_json) as f:
        names = json.load(f)["encoded_inputs"]
    with open(csv_file, newline="") as f:
        reader = csv.DictReader(f)
        missing = [name for name in names if name not in reader.fieldnames]
        if missing:
            sys.exit(f"encoded inputs not in the CSV (categorical or indicator columns?): {missing}")
        rows = [[float(row[name]) for name in names] for row in reader]
    with open(rows_file, "w") as f:
        for row in rows:
            f.write(" ".join(repr(v) for v in row) + "\n")


if __name__ == "__main__":
    main()
