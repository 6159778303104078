#!/usr/bin/python3
"""pandas.read_csv on one file (C engine, default options), timed; prints seconds, bytes, rows, mb_per_s as JSON.

  pandas_read_csv.py FILE
"""
import os
import sys
import time

import pandas as pd

from common import report


def main():
    path = sys.argv[1]
    started = time.perf_counter()
    frame = pd.read_csv(path)
    seconds = time.perf_counter() - started
    size = os.path.getsize(path)
    report(seconds=seconds, bytes=size, rows=len(frame), mb_per_s=size / 1e6 / seconds)


if __name__ == "__main__":
    main()
