#!/usr/bin/python3
"""Writes the seed corpora of fuzz/corpus/<target>/ (small, kept in the repository) from the project's own test
data, hand-written edge cases, a two-epoch training run's event files and small trained models, and the model
row_assignment_fuzzer predicts with (fuzz/model/).

Usage: /usr/bin/python3 fuzz/make_corpus.py path/to/vgsales [TARGET...]   (no TARGET: every corpus)
"""
import hashlib
import os
import pathlib
import random
import shutil
import struct
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"


def write(target, name, data):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def csv_seeds():
    write("csv_table_fuzzer", "new-games", (ROOT / "data" / "synthetic_new_games.csv").read_bytes())
    head = (ROOT / "data" / "synthetic_sales_training.csv").read_text().splitlines(keepends=True)[:12]
    write("csv_table_fuzzer", "sales-head", "".join(head))
    write("csv_table_fuzzer", "categorical",
          "Name,Platform,Year,Genre,Publisher,Critic_Score,User_Score,Global_Sales\n"
          '"Wii Sports",Wii,2006,Sports,Nintendo,76,8,82.53\n'
          '"Super Mario Bros., ""Deluxe""",NES,1985,Platform,Nintendo,,tbd,40.24\n'
          "Tetris,GB,N/A,Puzzle,Nintendo,NaN,null,30.26\n"
          "Pokemon Red,GB,1996,Role-Playing,Nintendo,,, 31.37 \n")
    write("csv_table_fuzzer", "bom-crlf-quoted-newline",
          b"\xef\xbb\xbfa,b,c\r\n1,\"two\r\nlines\",3\r\n\r\n4,,6\r\n")
    write("csv_table_fuzzer", "booleans-and-numbers", "x,flag,y\n1e3,true,-2.5\n+4,false,0x10\n.5,1,7\n")
    write("csv_table_fuzzer", "non-finite", "a,b\n1,inf\n2,3\n")
    write("csv_table_fuzzer", "unterminated-quote", 'a,b\n1,"open\n')
    write("csv_table_fuzzer", "ragged", "a,b,c\n1,2\n")
    write("csv_table_fuzzer", "duplicate-header", "a,a\n1,2\n")


def in_memory_table_seeds():
    """Columns as in_memory_table_fuzzer.cpp reads them: count byte, kinds byte, cells separated by newlines."""
    import math
    nan, inf = struct.pack("<d", math.nan), struct.pack("<d", math.inf)
    write("in_memory_table_fuzzer", "numbers-and-text", bytes([1, 0b01]) + b"Wii\n4.5\nPS4\n3\n\x01\n2.5\nDS\n1")
    write("in_memory_table_fuzzer", "missing-and-non-finite", bytes([2, 0b010]) + b"1\nWii\n" + nan + b"\n\x01\n7\n"
          + b"N/A\n" + inf + b"\nDS\n2\nNES\n")
    write("in_memory_table_fuzzer", "declared-columns", bytes([3, 0b1111_0010]) + b"2006\n007\n1\n1.5\nabc\n2\n"
          + b"2006\n 007 \n3\n1e39\ntbd\n4")
    write("in_memory_table_fuzzer", "unequal-lengths", bytes([1, 0]) + b"1\n2\n3")


def rest_seeds():
    row = '[4.5, 8, "Action", 1]'
    requests = {
        "status": "GET /v1/models/vgsales\n",
        "version-status": "GET /v1/models/vgsales/versions/3\n",
        "metadata": "GET /v1/models/vgsales/versions/3/metadata\n",
        "health": "GET /health\n",
        "metrics": "GET /metrics\n",
        "predict-rows": "POST /v1/models/vgsales:predict\n" + '{"instances": [' + row + ", " + row + "]}",
        "predict-objects": "POST /v1/models/vgsales:predict\n"
        '{"instances": [{"critic_rating": 4.5, "user_rating": null, "genre": "Puzzle", "is_sequel": true}]}',
        "predict-columnar": "POST /v1/models/vgsales/versions/3:predict\n"
        '{"signature_name": "serving_default", "inputs": {"critic_rating": [1, 2], "user_rating": [3, 4], '
        '"genre": ["Action", "RPG"], "is_sequel": [0, 1]}}',
        "predict-columnar-list": "POST /v1/models/vgsales:predict\n" + '{"inputs": [' + row + "]}",
        "vertex-predict": "POST /predict\n" + '{"instances": [' + row + '], "parameters": {"x": 1}}',
        "classify": "POST /v1/models/vgsales:classify\n{}",
        "wrong-method": "DELETE /v1/models/vgsales:predict\n",
        "query": "GET /v1/models/vgsales?x=1&y=%20\n",
        "nested": "POST /v1/models/vgsales:predict\n" + '{"instances": [[[[[1e308, -0.0, 1E-400, 18446744073709551616]]]]]}',
    }
    for name, text in requests.items():
        write("rest_handler_fuzzer", name, text)


def http_seeds():
    body = '{"instances": [[4.5, 8, "Action", 1]]}'
    predict = ("POST /v1/models/vgsales:predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
               f"Content-Length: {len(body)}\r\n\r\n{body}")
    status = "GET /v1/models/vgsales HTTP/1.1\r\nHost: localhost\r\n\r\n"
    chunked = ("POST /v1/models/vgsales:predict HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
               f"{len(body[:10]):x}\r\n{body[:10]}\r\n{len(body[10:]):x}\r\n{body[10:]}\r\n0\r\n\r\n")
    seeds = {
        "status": (0x3f, status),
        "pipeline": (0x00, status + predict + "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"),
        "chunked": (0x05, chunked),
        "expect-continue": (0x10, predict.replace("Host: localhost\r\n", "Host: localhost\r\nExpect: 100-continue\r\n")),
        "http10-keep-alive": (0x20, "GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" + status),
        "close": (0x02, "GET /v1/models/vgsales/metadata HTTP/1.1\r\nConnection: close\r\n\r\n" + status),
        "small-limits-long-url": (0x41, "GET /v1/models/vgsales?" + "q" * 80 + " HTTP/1.1\r\n\r\n"),
        "small-limits-big-header": (0x43, "GET / HTTP/1.1\r\nCookie: " + "c" * 400 + "\r\n\r\n"),
        "small-limits-big-body": (0x47, predict.replace(body, body * 8).replace(f"Length: {len(body)}", f"Length: {len(body) * 8}")),
        "leading-empty-line": (0x01, "\r\n" + status),
    }
    for name, (control, text) in seeds.items():
        write("http_request_fuzzer", name, bytes([control]) + text.encode())


def records_of(event_file):
    data, offset, records = event_file.read_bytes(), 0, []
    while offset + 12 <= len(data):
        (length,) = struct.unpack_from("<Q", data, offset)
        records.append(data[offset + 12:offset + 12 + length])
        offset += 12 + length + 4
    return records


def event_seeds(vgsales):
    with tempfile.TemporaryDirectory() as work:
        work = pathlib.Path(work)
        subprocess.run([vgsales, "synth", "--rows", "200", "--seed", "1", "--out", str(work / "t.csv")],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run([vgsales, "train", "--train", str(work / "t.csv"), "--target", "total_earnings",
                        "--out", str(work / "model"), "--epochs", "2", "--layers", "4", "--quiet",
                        "--logdir", str(work / "logs"), "--run-name", "seed"], check=True, stdout=subprocess.DEVNULL)
        files = sorted((work / "logs").rglob("*tfevents*"), key=lambda path: path.stat().st_size)
        # The small file (the validation run's) whole, framed and truncated; the large one (graph, histograms,
        # the 480x480 PNG plot, text, hparams) one record per seed, so that no seed is much over 12 KB and
        # libFuzzer's input size limit (the largest seed) stays small enough for thousands of runs a second.
        small, large = files[0], files[-1]
        write("event_file_fuzzer", "raw-file", b"\x00" + small.read_bytes())
        framed = b"".join(struct.pack("<H", len(record)) + record for record in records_of(small))
        write("event_file_fuzzer", "framed-file", b"\x01" + framed)
        write("event_file_fuzzer", "truncated-file", b"\x00" + small.read_bytes()[: small.stat().st_size * 2 // 3])
        for index, record in enumerate(records_of(large)):
            write("event_file_fuzzer", f"framed-record-{index:02d}", b"\x01" + struct.pack("<H", len(record)) + record)


def train_models(vgsales, work):
    """Small models in work/<name>/, trained from relative paths (model.json records the training file's name)."""
    run = lambda *args: subprocess.run([vgsales, *args], check=True, cwd=work, stdout=subprocess.DEVNULL)
    run("synth", "--rows", "300", "--seed", "4", "--out", "games.csv")
    # Some cells blank, so the numeric features get missing-value indicators and the categorical one its "missing".
    lines = (work / "games.csv").read_text().splitlines()
    rng = random.Random(4)
    holey = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        for column in (0, 9):  # critic_rating, unit_price
            if rng.random() < 0.1:
                cells[column] = ""
        holey.append(",".join(cells))
    (work / "holey.csv").write_text("\n".join(holey) + "\n")
    common = ["--target", "total_earnings", "--epochs", "2", "--no-logs", "--quiet", "--seed", "1"]
    run("train", "--train", "holey.csv", "--out", "categorical", "--layers", "4", "--categorical", "unit_price",
        *common)
    run("train", "--train", "games.csv", "--out", "log1p", "--layers", "3,2", "--target-transform", "log1p", *common)
    run("train", "--train", "games.csv", "--out", "plain", "--layers", "2", "--target-transform", "none",
        "--features", "critic_rating", "is_sequel", *common)
    return {name: work / name for name in ("categorical", "log1p", "plain")}


MODEL_FILES = ("model.json", "model.safetensors", "checkpoint.safetensors")
SEPARATOR = b"\n==> next file <==\n"  # model_directory_fuzzer.cpp's kSeparator


def model_seeds(models):
    for name, folder in models.items():
        json_text = (folder / "model.json").read_bytes()
        write("model_json_fuzzer", name, json_text)
        write("safetensors_fuzzer", name + "-weights", (folder / "model.safetensors").read_bytes())
        write("safetensors_fuzzer", name + "-checkpoint", (folder / "checkpoint.safetensors").read_bytes())
        files = [(folder / file).read_bytes() for file in MODEL_FILES]
        write("model_directory_fuzzer", name, b"\x00" + SEPARATOR.join(files))
        write("model_directory_fuzzer", name + "-no-checkpoint", b"\x00" + SEPARATOR.join(files[:2]))
        write("model_directory_fuzzer", name + "-with-sums",
              b"\x01" + SEPARATOR.join(files + [(folder / "SHA256SUMS").read_bytes()]))
    write("model_json_fuzzer", "truncated", (models["log1p"] / "model.json").read_bytes()[:700])
    write("model_json_fuzzer", "empty-object", "{}")
    # safetensors by hand: an empty file list, metadata only, a zero-sized tensor, a header padded with spaces.
    def safetensors(header):
        data = header.encode()
        return struct.pack("<Q", len(data)) + data
    write("safetensors_fuzzer", "empty", safetensors("{}"))
    write("safetensors_fuzzer", "metadata-only", safetensors('{"__metadata__": {"format": "vgsales-weights"}}   '))
    write("safetensors_fuzzer", "zero-sized", safetensors('{"a": {"dtype": "F32", "shape": [0, 3], "data_offsets": [0, 0]}}'))
    write("safetensors_fuzzer", "two-tensors",
          safetensors('{"b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}, '
                      '"a": {"dtype": "F32", "shape": [], "data_offsets": [0, 4]}}') + struct.pack("<2f", 1.5, -2))


def row_seeds(model):
    """The fixed model of row_assignment_fuzzer, and --row texts for it."""
    destination = ROOT / "fuzz" / "model"
    shutil.rmtree(destination, ignore_errors=True)
    destination.mkdir()
    for file in MODEL_FILES + ("SHA256SUMS",):
        shutil.copy(model / file, destination / file)
    rows = {
        "plain": "critic_rating=4.5,is_action=1,is_exclusive_to_us=0,is_portable=1,is_role_playing=0,is_sequel=1,"
                 "is_sports=0,suitable_for_kids=1,unit_price=59.99",
        "missing-and-unseen": "critic_rating=,is_action=1,is_exclusive_to_us=0,is_portable=1,is_role_playing=0,"
                              "is_sequel=1,is_sports=0,suitable_for_kids=1,unit_price=12.34",
        "quoted-and-blanks": ' critic_rating = "3" , "is_action=0",is_exclusive_to_us=0,is_portable=1,'
                             'is_role_playing="0",is_sequel=1,is_sports=0,suitable_for_kids=1,unit_price="49.99",',
        "unknown-name": "critic_ratin=4",
        "repeated": "critic_rating=4,critic_rating=5",
        "bad-number": "critic_rating=high,is_action=1,is_exclusive_to_us=0,is_portable=1,is_role_playing=0,"
                      "is_sequel=1,is_sports=0,suitable_for_kids=1,unit_price=59.99",
        "open-quote": 'critic_rating="4',
    }
    for name, text in rows.items():
        write("row_assignment_fuzzer", name, text)


def gcs_seeds():
    """What Cloud Storage and Google's token endpoints answer, key files and gs:// URIs (src/storage/)."""
    t = "gcs_response_fuzzer"
    write(t, "listing", '{"kind": "storage#objects", "items": [{"name": "m/1/model.json", "generation": '
                        '"1700000000000001", "size": "412"}, {"name": "m/1/SHA256SUMS", "generation": 7, "size": "90"}],'
                        ' "nextPageToken": "x"}')
    write(t, "listing-empty", '{"kind": "storage#objects"}')
    write(t, "listing-odd-fields", '{"items": [{"name": "a", "generation": "12x", "size": -1}, {"generation": "1"}, 3]}')
    write(t, "token", '{"access_token": "ya29.token", "expires_in": 3599, "token_type": "Bearer"}')
    write(t, "token-expired", '{"access_token": "", "expires_in": 0}')
    write(t, "key", '{"type": "service_account", "project_id": "p", "private_key_id": "k", "private_key": '
                    '"-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----\\n", "client_email": '
                    '"a@p.iam.gserviceaccount.com", "token_uri": "https://oauth2.googleapis.com/token"}')
    write(t, "key-user", '{"type": "authorized_user", "client_id": "x", "refresh_token": "y"}')
    write(t, "uri", "gs://my-bucket/models/earnings/3")
    write(t, "uri-dots", "gs://my-bucket/models/../3/")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    vgsales = os.path.abspath(sys.argv[1])
    wanted = sys.argv[2:] or ["csv_table_fuzzer", "in_memory_table_fuzzer", "rest_handler_fuzzer", "http_request_fuzzer", "event_file_fuzzer",
                              "model_json_fuzzer", "safetensors_fuzzer", "model_directory_fuzzer",
                              "row_assignment_fuzzer", "gcs_response_fuzzer"]
    model_files_targets = {"model_json_fuzzer", "safetensors_fuzzer", "model_directory_fuzzer"}
    if model_files_targets & set(wanted):  # made together, from the same models
        wanted = sorted(set(wanted) | model_files_targets)
    for target in wanted:
        shutil.rmtree(CORPUS / target, ignore_errors=True)
    if "csv_table_fuzzer" in wanted:
        csv_seeds()
    if "in_memory_table_fuzzer" in wanted:
        in_memory_table_seeds()
    if "rest_handler_fuzzer" in wanted:
        rest_seeds()
    if "http_request_fuzzer" in wanted:
        http_seeds()
    if "event_file_fuzzer" in wanted:
        event_seeds(vgsales)
    if "gcs_response_fuzzer" in wanted:
        gcs_seeds()
    if (model_files_targets | {"row_assignment_fuzzer"}) & set(wanted):
        with tempfile.TemporaryDirectory() as work:
            models = train_models(vgsales, pathlib.Path(work))
            if model_files_targets & set(wanted):
                model_seeds(models)
            if "row_assignment_fuzzer" in wanted:
                row_seeds(models["categorical"])


if __name__ == "__main__":
    main()
