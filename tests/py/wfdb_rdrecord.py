"""Reads a WFDB record with wfdb-python and prints what sigmark's tests compare, as JSON.

usage: python wfdb_rdrecord.py RECORD_PATH_WITHOUT_EXTENSION

Per signal: name, units, samples per frame, and stats of rdrecord(physical=True,
smooth_frames=False)'s values (NaN = invalid sample, counted apart): n, nan, first16, last16,
sum and sumsq (math.fsum over the finite values), min, max. Record: fs, sig_len, base time/date.
"""
import json
import math
import sys

import numpy as np
import wfdb


def stats(v):
    v = np.asarray(v, dtype=np.float64)
    finite = v[np.isfinite(v)]
    return {
        "n": int(v.size),
        "nan": int(v.size - finite.size),
        "first16": [None if not math.isfinite(x) else float(x) for x in v[:16]],
        "last16": [None if not math.isfinite(x) else float(x) for x in v[-16:]],
        "sum": math.fsum(finite.tolist()),
        "sumsq": math.fsum((finite * finite).tolist()),
        "min": float(finite.min()) if finite.size else None,
        "max": float(finite.max()) if finite.size else None,
    }


def main(path):
    rec = wfdb.rdrecord(path, physical=True, smooth_frames=False)
    out = {
        "fs": float(rec.fs),
        "sig_len": int(rec.sig_len),
        "base_time": None if rec.base_time is None else rec.base_time.isoformat(),
        "base_date": None if rec.base_date is None else rec.base_date.isoformat(),
        "signals": [],
    }
    for i, name in enumerate(rec.sig_name):
        s = stats(rec.e_p_signal[i])
        s.update(name=name, units=rec.units[i], spf=int(rec.samps_per_frame[i]))
        out["signals"].append(s)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
