"""Reads a WFDB record and its annotation files with wfdb-python and prints, as JSON, what
tests/deid_wfdb.rs compares between a record and its de-identified copy.

usage: python deid_wfdb_read.py RECORD_PATH_WITHOUT_EXTENSION [ANNOTATOR...]

Signals: per signal n, sum, sumsq (math.fsum over the finite values of rdrecord(physical=True,
smooth_frames=False), multi-segment records through rdrecord's default m2s), nan count,
first16/last16. Record: base_date and base_time as ISO text, comments. Per annotator:
every sample and symbol rdann returns, and the aux notes.
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
    }


def signals(path):
    try:
        rec = wfdb.rdrecord(path, physical=True, smooth_frames=False)
        arrays = rec.e_p_signal
    except Exception:
        rec = wfdb.rdrecord(path, physical=True)
        arrays = [rec.p_signal[:, i] for i in range(rec.n_sig)]
    out = [stats(a) for a in arrays]
    for s, name in zip(out, rec.sig_name):
        s["name"] = name
    return rec, out


def text(s):
    """A symbol or note; rdann gives NaN for a code it has no symbol for."""
    return s if isinstance(s, str) else None


def main(path, annotators):
    out = {"annotators": {}}
    try:
        rec, sigs = signals(path)
        out.update(
            signals=sigs,
            base_date=None if rec.base_date is None else rec.base_date.isoformat(),
            base_time=None if rec.base_time is None else rec.base_time.isoformat(),
            comments=list(rec.comments),
        )
    except Exception as e:  # missing signal files: annotations only
        out["error"] = f"{type(e).__name__}: {e}"
    for a in annotators:
        try:
            ann = wfdb.rdann(path, a)
        except Exception as e:  # rdann cannot read some files; the copy must fail alike
            out["annotators"][a] = {"error": type(e).__name__}
            continue
        out["annotators"][a] = {
            "sample": [int(x) for x in ann.sample],
            "symbol": [text(s) for s in ann.symbol],
            "aux_note": [text(s) for s in ann.aux_note],
        }
    json.dump(out, sys.stdout, allow_nan=False)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
