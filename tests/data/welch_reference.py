"""Expected outputs for sigmark's Welch estimate and band powers (tests/spectrum.rs), from SciPy.

Each signal is made here from a fixed seed, rounded to 6 decimals and stored in the JSON, so the
Rust test reads exactly the samples SciPy saw. Each case runs

    scipy.signal.welch(x, fs, window="hann", nperseg=segment, noverlap=floor(overlap * n),
                       detrend=..., scaling="density", return_onesided=True, average="mean")

where n is the segment, or the signal length when that is shorter (SciPy's own rule, which it
applies with a warning; noverlap is then taken from the shortened n, as sigmark takes it).

Band power is the trapezoid rule on the PSD as a piecewise-linear function of frequency, with
the band edges as extra nodes interpolated linearly (numpy.interp), clipped to 0..Nyquist;
relative power is over 0.5-80 Hz; the dominant frequency is the first largest bin in 0.5-80 Hz.

Run: python3 tests/data/welch_reference.py (writes welch_reference.json next to this file;
numpy and scipy from PyPI).
"""

import json
import math
import pathlib
import warnings

import numpy as np
import scipy
from scipy import signal

BANDS = [("delta", 0.5, 4.0), ("theta", 4.0, 8.0), ("alpha", 8.0, 13.0),
         ("beta", 13.0, 30.0), ("gamma", 30.0, 80.0)]
TOTAL = (0.5, 80.0)


def sines(t, parts):
    return sum(a * np.sin(2 * np.pi * f * t + ph) for a, f, ph in parts)


def make_signals():
    rng = np.random.default_rng(20240404)
    out = {}

    rate, n = 256.0, 5120  # 20 s of EEG-like data: offset, alpha, theta, mains, noise
    t = np.arange(n) / rate
    x = 40.0 + sines(t, [(25.0, 10.0, 0.0), (8.0, 6.5, 0.4), (4.0, 50.0, 1.0)])
    out["eeg_alpha_256hz"] = (rate, x + rng.normal(0.0, 5.0, n))

    rate, n = 360.0, 4001  # odd length, ECG-like harmonics of 1.2 Hz, drift
    t = np.arange(n) / rate
    x = -0.3 + 0.05 * t + sines(t, [(1.0 / k, 1.2 * k, 0.3 * k) for k in range(1, 12)])
    out["ecg_like_360hz"] = (rate, x + rng.normal(0.0, 0.05, n))

    rate, n = 128.0, 100  # shorter than most segments
    t = np.arange(n) / rate
    out["short_128hz"] = (rate, 3.0 + sines(t, [(2.0, 16.0, 0.2)]) + rng.normal(0.0, 0.5, n))

    rate, n = 500.0, 3000  # white noise with a 60 Hz line and a 20 Hz beta rhythm
    t = np.arange(n) / rate
    x = sines(t, [(3.0, 60.0, 0.0), (2.0, 20.0, 1.3)])
    out["noise_500hz"] = (rate, x + rng.normal(0.0, 1.0, n))

    return {k: (r, np.round(v, 6)) for k, (r, v) in out.items()}


CASES = [
    # signal, segment, overlap, detrend
    ("eeg_alpha_256hz", 512, 0.5, "constant"),
    ("eeg_alpha_256hz", 512, 0.5, "none"),
    ("eeg_alpha_256hz", 255, 0.5, "constant"),
    ("eeg_alpha_256hz", 256, 0.75, "constant"),
    ("eeg_alpha_256hz", 1001, 0.3, "none"),
    ("ecg_like_360hz", 375, 0.25, "none"),
    ("ecg_like_360hz", 720, 0.0, "constant"),
    ("ecg_like_360hz", 361, 0.6, "constant"),
    ("short_128hz", 256, 0.5, "constant"),
    ("short_128hz", 256, 0.5, "none"),
    ("short_128hz", 33, 0.9, "none"),
    ("short_128hz", 2, 0.5, "constant"),
    ("noise_500hz", 1000, 0.5, "constant"),
    ("noise_500hz", 999, 0.5, "none"),
]


def band_power(f, p, lo, hi):
    lo, hi = max(lo, f[0]), min(hi, f[-1])
    if not hi > lo:
        return 0.0
    x = np.concatenate(([lo], f[(f > lo) & (f < hi)], [hi]))
    return float(np.trapezoid(np.interp(x, f, p), x))


def case(signals, name, segment, overlap, detrend):
    rate, x = signals[name]
    n = min(segment, len(x))
    noverlap = math.floor(overlap * n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f, p = signal.welch(x, fs=rate, window="hann", nperseg=n, noverlap=noverlap,
                            detrend=False if detrend == "none" else detrend,
                            scaling="density", return_onesided=True, average="mean")
    total = band_power(f, p, *TOTAL)
    bands = {b: {"absolute": band_power(f, p, lo, hi)} for b, lo, hi in BANDS}
    for v in bands.values():
        v["relative"] = v["absolute"] / total
    inside = np.flatnonzero((f >= TOTAL[0]) & (f <= TOTAL[1]))
    dominant = float(f[inside[np.argmax(p[inside])]])
    return {
        "signal": name, "segment": segment, "overlap": overlap, "detrend": detrend,
        "segment_used": n, "noverlap": noverlap, "segments": (len(x) - noverlap) // (n - noverlap),
        "frequencies_hz": f.tolist(), "psd": p.tolist(),
        "bands": bands, "total": total, "dominant_hz": dominant,
    }


def main():
    signals = make_signals()
    out = {
        "generator": {"numpy": np.__version__, "scipy": scipy.__version__,
                      "script": "tests/data/welch_reference.py"},
        "signals": {k: {"rate_hz": r, "samples": v.tolist()} for k, (r, v) in signals.items()},
        "cases": [case(signals, *c) for c in CASES],
    }
    path = pathlib.Path(__file__).with_name("welch_reference.json")
    path.write_text(json.dumps(out, indent=None, separators=(",", ":")) + "\n")
    print(f"wrote {path}: {len(CASES)} cases, "
          f"{sum(len(c['psd']) for c in out['cases'])} PSD values")


if __name__ == "__main__":
    main()
