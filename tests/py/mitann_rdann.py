"""Reads an MIT annotation file with wfdb-python's rdann and prints what it returns as JSON.

usage: python mitann_rdann.py RECORD_PATH EXTENSION   (RECORD_PATH without extension)
"""
import json
import sys

import wfdb

rec, ext = sys.argv[1], sys.argv[2]
a = wfdb.rdann(rec, ext)
print(json.dumps({
    "wfdb": wfdb.__version__,
    "fs": a.fs,
    "sample": [int(x) for x in a.sample],
    "symbol": list(a.symbol),
    "aux_note": list(a.aux_note),
    "subtype": [int(x) for x in a.subtype],
    "chan": [int(x) for x in a.chan],
    "num": [int(x) for x in a.num],
}))
