"""Open each file given on the command line with pyedflib (EDFlib) and print one JSON line per
file: whether EDFlib opened it, its error otherwise, and per signal the label, sample count,
exactly rounded sum, first and last physical value. Used by tests/check.rs."""
import json
import math
import sys

import pyedflib

for path in sys.argv[1:]:
    out = {"path": path}
    try:
        f = pyedflib.EdfReader(path)
    except Exception as e:  # EDFlib's refusal, reported to the Rust side
        out.update(ok=False, error=f"{type(e).__name__}: {e}")
        print(json.dumps(out), flush=True)
        continue
    sigs = []
    for i in range(f.signals_in_file):
        x = f.readSignal(i)
        sigs.append({
            "label": f.getLabel(i),
            "n": int(len(x)),
            "sum": math.fsum(float(v) for v in x),
            "first": float(x[0]) if len(x) else None,
            "last": float(x[-1]) if len(x) else None,
        })
    f.close()
    out.update(ok=True, signals=sigs)
    print(json.dumps(out), flush=True)
