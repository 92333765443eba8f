"""Times sigmark's WFDB reader against wfdb-python and `cat` in one run (scripts/bench_wfdb.sh)."""

import argparse
import json
import statistics
import subprocess
import sys
import time

import wfdb


def median_us(fn, reps):
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e6)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sigmark", required=True)
    ap.add_argument("--bench-open", required=True)
    ap.add_argument("--record", required=True, help="record path without .hea (mitdb 100)")
    ap.add_argument("--day", required=True, help="the 24-hour header")
    ap.add_argument("--json-out")
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--reps-window", type=int, default=2000)
    a = ap.parse_args()

    fs, start, dur = 360, 900.0, 10.0
    frm, to = int(start * fs), int((start + dur) * fs)
    rec = wfdb.rdrecord(a.record, sampfrom=frm, sampto=to)
    py_sum = float(rec.p_signal.sum())
    py_us = median_us(lambda: wfdb.rdrecord(a.record, sampfrom=frm, sampto=to), a.reps_window // 4)
    sm = json.loads(subprocess.check_output([
        a.bench_open, a.record + ".hea", "--start", str(start), "--window", str(dur),
        "--reps", str(a.reps_window)]))
    sm_us = sm["median_us"]

    def run(cmd):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - t0

    dat = a.day[:-4] + ".dat"
    run(["cat", dat])  # warm the page cache
    cat_s = statistics.median(run(["cat", dat]) for _ in range(a.reps))
    info_s = statistics.median(run([a.sigmark, "info", "--stats", a.day]) for _ in range(a.reps))

    result = {
        "window_10s_2ch_sigmark_us": sm_us,
        "window_10s_2ch_wfdb_python_us": py_us,
        "window_speedup": py_us / sm_us,
        "window_sum_sigmark": sm.get("sum"),
        "window_sum_wfdb_python": py_sum,
        "info_stats_24h_s": info_s,
        "cat_24h_s": cat_s,
        "info_stats_over_cat": info_s / cat_s,
    }
    print(f"10 s window, 2 ch, mitdb 100 (open included): sigmark {sm_us:.1f} us, "
          f"wfdb-python rdrecord {py_us:.1f} us: {py_us / sm_us:.1f}x faster (target >= 20x)")
    print(f"  window sums: sigmark {sm.get('sum')}, wfdb-python {py_sum}")
    print(f"info --stats, 24 h 2 x 212 (93.6 MB): {info_s * 1e3:.1f} ms, cat {cat_s * 1e3:.1f} ms: "
          f"{info_s / cat_s:.2f}x cat (target <= 3x)")
    if a.json_out:
        with open(a.json_out, "w") as f:
            json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
