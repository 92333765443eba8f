"""Expected outputs for sigmark's display filters (tests/dsp.rs), computed with SciPy.

Each case designs the same stages sigmark does - Butterworth high-pass, then low-pass
(`butter(..., output="sos")`), then `iirnotch(f0, Q=30)` - stacks them into one SOS cascade
and runs `sosfiltfilt` with its default odd padding. A stage at or beyond Nyquist is left out,
as sigmark leaves it out. Run: `python3 tests/data/filter_reference.py` (writes
filter_reference.json next to this file; numpy and scipy from PyPI).
"""

import json
import pathlib

import numpy as np
import scipy
from scipy import signal

NOTCH_Q = 30.0


def sections(rate, highpass, lowpass, notch, order):
    usable = lambda f: f is not None and 0 < f < rate / 2
    sos = []
    if usable(highpass):
        sos.append(signal.butter(order, highpass, "highpass", fs=rate, output="sos"))
    if usable(lowpass):
        sos.append(signal.butter(order, lowpass, "lowpass", fs=rate, output="sos"))
    if usable(notch):
        b, a = signal.iirnotch(notch, NOTCH_Q, fs=rate)
        sos.append(signal.tf2sos(b, a))
    return np.vstack(sos) if sos else np.zeros((0, 6))


def test_signal(rng, rate, n):
    """Baseline offset and drift, alpha-like and mains-like sines, a step, and noise."""
    t = np.arange(n) / rate
    x = 40.0 + 15.0 * t
    x += 30.0 * np.sin(2 * np.pi * 10.0 * t) + 12.0 * np.sin(2 * np.pi * 50.0 * t + 0.3)
    x += 8.0 * np.sin(2 * np.pi * 60.0 * t + 1.1) + 20.0 * np.sin(2 * np.pi * 0.2 * t)
    x[n // 3 :] += 25.0
    return x + rng.normal(0.0, 5.0, n)


CASES = [
    # name, rate, highpass, lowpass, notch, order, samples
    ("eeg_256hz_hp0.5_lp70_notch50_o2", 256.0, 0.5, 70.0, 50.0, 2, 1024),
    ("ecg_360hz_hp0.5_lp40_notch60_o4", 360.0, 0.5, 40.0, 60.0, 4, 1080),
    ("hp1_only_200hz_o2", 200.0, 1.0, None, None, 2, 600),
    ("lp30_only_500hz_o4", 500.0, None, 30.0, None, 4, 1000),
    ("notch50_only_500hz", 500.0, None, None, 50.0, 2, 1000),
    ("lp_beyond_nyquist_skipped_128hz", 128.0, 0.5, 70.0, None, 2, 512),
    ("short_10_samples_hp_lp", 250.0, 0.5, 35.0, None, 2, 10),
]


def main():
    rng = np.random.default_rng(20240601)
    cases = []
    for name, rate, hp, lp, notch, order, n in CASES:
        x = test_signal(rng, rate, n)
        sos = sections(rate, hp, lp, notch, order)
        default_pad = 3 * (2 * len(sos) + 1)
        # sigmark shortens the padding for signals too short for SciPy's default (SciPy raises).
        y = signal.sosfiltfilt(sos, x, padlen=min(default_pad, n - 1))
        cases.append(
            {
                "name": name,
                "rate_hz": rate,
                "highpass_hz": hp,
                "lowpass_hz": lp,
                "notch_hz": notch,
                "order": order,
                "sos": sos.tolist(),
                "x": x.tolist(),
                "y": y.tolist(),
            }
        )
    out = {
        "generator": "tests/data/filter_reference.py",
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "cases": cases,
    }
    path = pathlib.Path(__file__).with_name("filter_reference.json")
    path.write_text(json.dumps(out) + "\n")
    print(f"wrote {path} ({len(cases)} cases)")


if __name__ == "__main__":
    main()
