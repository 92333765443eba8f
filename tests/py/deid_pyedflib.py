"""Open each EDF file given on the command line with pyedflib (EDFlib) and print one JSON line
per file: whether EDFlib opened it (its error otherwise), the start date and time, the EDF+
patient and recording subfields as EDFlib reads them, per signal the SHA-256 of the physical
values (float64, little-endian), and every annotation (onset, duration, text). Used by
tests/deid_edf.rs to compare a de-identified copy with its source."""
import hashlib
import json
import sys

import numpy as np
import pyedflib


def field(f, name):
    get = getattr(f, name, None)
    try:
        v = get() if callable(get) else get
    except Exception:  # an accessor this pyedflib lacks
        return None
    return v.decode("latin-1") if isinstance(v, bytes) else v


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
        x = np.asarray(f.readSignal(i), dtype="<f8")
        sigs.append({"label": f.getLabel(i), "n": int(len(x)),
                     "sha256": hashlib.sha256(x.tobytes()).hexdigest()})
    onsets, durations, texts = f.readAnnotations()
    names = ["getPatientCode", "getSex", "getBirthdate", "getPatientName",
             "getPatientAdditional", "getAdmincode", "getTechnician",
             "getEquipment", "getRecordingAdditional"]
    out.update(
        ok=True,
        start=f.getStartdatetime().isoformat(),
        fields={n: field(f, n) for n in names},
        signals=sigs,
        annotations=[[float(o), float(d), str(t)] for o, d, t in zip(onsets, durations, texts)],
    )
    f.close()
    print(json.dumps(out), flush=True)
