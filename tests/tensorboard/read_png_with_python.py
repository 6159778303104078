#!/usr/bin/env python3
"""Reads a PNG with two independent decoders, Pillow and OpenCV, and prints what each saw as JSON:
the size, Pillow's mode, and the RGB value at each requested pixel.

usage: read_png_with_python.py FILE X,Y [X,Y ...]
"""
import json
import sys

import cv2
from PIL import Image


def main():
    path = sys.argv[1]
    points = [tuple(int(v) for v in arg.split(",")) for arg in sys.argv[2:]]
    with Image.open(path) as image:
        image.load()
        pil = {"format": image.format, "mode": image.mode, "size": list(image.size),
               "pixels": [list(image.convert("RGB").getpixel(p)) for p in points]}
    array = cv2.imread(path, cv2.IMREAD_COLOR)
    if array is None:
        print(json.dumps({"error": "OpenCV could not read the file"}))
        return 1
    height, width = array.shape[:2]
    # OpenCV stores BGR.
    opencv = {"size": [width, height], "pixels": [[int(c) for c in array[y, x][::-1]] for x, y in points]}
    print(json.dumps({"pillow": pil, "opencv": opencv}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
