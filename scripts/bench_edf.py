#!/usr/bin/env python3
"""sigmark against EDFlib (pyedflib) and MNE on a 24-hour Holter EDF, in one run.

Run through scripts/bench_edf.sh, which builds the binaries, makes the venv and the files.
Measures, with a warm page cache:

  1. open + read a 10 s window of every channel (middle of the file), in-process, on the 1-hour
     and the 24-hour file: sigmark (examples/bench_open), pyedflib, MNE (preload=False);
  2. whole-file statistics (min, max, mean, sum, sum of squares per channel): `sigmark info
     --stats`, pyedflib (readSignal + numpy), MNE (preload=True + get_data), and `cat FILE >
     /dev/null` as the I/O ceiling; sigmark's sums are checked against pyedflib's;
  3. peak anonymous memory (RssAnon, polled) of `sigmark info --stats` on the 24-hour file.

Prints a table and writes a JSON file. A peer that cannot be imported is reported as
unavailable; the run goes on.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import traceback

WINDOW_S = 10.0


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def load1():
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except OSError:
        return float("nan")


def warm(path):
    """Reads the file once so every measurement sees a warm page cache."""
    subprocess.run(["cat", path], stdout=subprocess.DEVNULL, check=True)


def summary(times_s):
    """Median, p10, p90 (seconds) of a list of timings."""
    xs = sorted(times_s)

    def pct(p):
        return xs[min(len(xs) - 1, round((len(xs) - 1) * p))]

    return {
        "median_s": statistics.median(xs),
        "p10_s": pct(0.1),
        "p90_s": pct(0.9),
        "min_s": xs[0],
        "max_s": xs[-1],
        "n": len(xs),
    }


def timed_runs(fn, reps, warmup=1):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def edf_shape(path):
    """Records, record duration, and (label, samples per record) of a plain EDF header."""
    with open(path, "rb") as f:
        head = f.read(256)
        ns = int(head[252:256])
        sig = f.read(256 * ns)
    records = int(head[236:244])
    dur = float(head[244:252])
    labels = [sig[i * 16:(i + 1) * 16].decode().strip() for i in range(ns)]
    spr_at = ns * (16 + 80 + 8 + 8 + 8 + 8 + 8 + 80)
    spr = [int(sig[spr_at + i * 8:spr_at + (i + 1) * 8]) for i in range(ns)]
    return {"records": records, "record_s": dur, "labels": labels, "spr": spr,
            "duration_s": records * dur, "bytes": os.path.getsize(path)}


def window_start(shape):
    """The window in the middle of the file, in whole seconds (as examples/bench_open does)."""
    return max(0.0, float(int((shape["duration_s"] - WINDOW_S) / 2.0)))


# ---------------------------------------------------------------- peers (optional imports)

def try_import(name):
    try:
        if name == "pyedflib":
            import pyedflib  # noqa: F401
            import numpy  # noqa: F401
            return pyedflib.__version__, None
        if name == "mne":
            import mne
            mne.set_log_level("ERROR")
            return mne.__version__, None
    except Exception as e:  # any failure to import is "unavailable", never fatal
        return None, f"{type(e).__name__}: {e}"
    return None, "unknown peer"


def pyedflib_window(path, start_s, shape):
    import pyedflib
    f = pyedflib.EdfReader(path)
    total = 0.0
    for ch in range(len(shape["spr"])):
        rate = shape["spr"][ch] / shape["record_s"]
        x = f.readSignal(ch, int(start_s * rate), int(WINDOW_S * rate))
        total += float(x.sum())
    f.close()
    return total


def mne_window(path, start_s, shape):
    import mne
    raw = mne.io.read_raw_edf(path, preload=False, verbose="error")
    rate = raw.info["sfreq"]
    a = int(round(start_s * rate))
    x = raw.get_data(start=a, stop=a + int(round(WINDOW_S * rate)))
    total = float(x.sum()) * 1e6  # MNE returns volts; the file is in uV
    raw.close()
    return total


def np_stats(x):
    import numpy as np
    s = float(x.sum())
    return {"min": float(x.min()), "max": float(x.max()), "mean": s / len(x), "sum": s,
            "sum_sq": float(np.dot(x, x))}


def pyedflib_stats(path):
    import pyedflib
    f = pyedflib.EdfReader(path)
    out = []
    for ch in range(f.signals_in_file):
        out.append(np_stats(f.readSignal(ch)))
    f.close()
    return out


def mne_stats(path):
    import mne
    raw = mne.io.read_raw_edf(path, preload=True, verbose="error")
    data = raw.get_data()
    out = [np_stats(row * 1e6) for row in data]  # back to the file's uV
    del data, raw
    return out


# ---------------------------------------------------------------- sigmark

def sigmark_window(bench_open, path, reps):
    r = subprocess.run([bench_open, path, "--window", str(WINDOW_S), "--reps", str(reps)],
                       capture_output=True, text=True, check=True)
    j = json.loads(r.stdout)
    return j


def sigmark_stats_json(sigmark, path):
    r = subprocess.run([sigmark, "info", "--stats", "--json", path],
                       capture_output=True, text=True, check=True)
    j = json.loads(r.stdout)
    return [{k: s.get(k) for k in ("min", "max", "mean", "sum", "sum_sq")} for s in j["signals"]]


def run_cmd(cmd):
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)


def interleaved(cmds, reps):
    """Runs each command `reps` times, alternating between them (drift hits all equally)."""
    times = {k: [] for k in cmds}
    for k, c in cmds.items():
        run_cmd(c)  # warm-up
    for _ in range(reps):
        for k, c in cmds.items():
            t = time.perf_counter()
            run_cmd(c)
            times[k].append(time.perf_counter() - t)
    return times


def status_kb(pid, name):
    """RssAnon, RssFile, VmRSS (kB) of a process, once it runs `name` (before the exec, the
    child still shows the memory of this Python process)."""
    vals = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k == "Name" and v.strip() != name[:15]:
                    return {}
                if k in ("RssAnon", "RssFile", "VmRSS"):
                    vals[k] = int(v.split()[0])
    except (OSError, ValueError):
        pass
    return vals


def peak_anon(cmd, interval=0.005):
    """Peak RssAnon/RssFile/VmRSS (kB) of a process, polled every `interval` seconds.
    (ru_maxrss is no use here: it counts the forked Python's pages before the exec.)"""
    name = os.path.basename(cmd[0])
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    peak = {"RssAnon": 0, "RssFile": 0, "VmRSS": 0}
    polls = 0
    t0 = time.perf_counter()
    while True:
        v = status_kb(p.pid, name)
        if v:
            polls += 1
            for k in peak:
                peak[k] = max(peak[k], v.get(k, 0))
        pid, status, _ = os.wait4(p.pid, os.WNOHANG)
        if pid == p.pid:
            p.returncode = os.waitstatus_to_exitcode(status)
            break
        time.sleep(interval)
    if p.returncode != 0:
        raise RuntimeError(f"{cmd} exited with {p.returncode}")
    return {"rss_anon_kb": peak["RssAnon"], "rss_file_kb": peak["RssFile"],
            "rss_kb": peak["VmRSS"], "polls": polls, "wall_s": time.perf_counter() - t0}


def rel(a, b):
    if a == b:
        return 0.0
    return abs(a - b) / max(abs(a), abs(b))


# ---------------------------------------------------------------- report

def fmt_time(s):
    if s is None:
        return "-"
    if s < 1e-3:
        return f"{s * 1e6:.0f} us"
    if s < 1.0:
        return f"{s * 1e3:.1f} ms"
    return f"{s:.2f} s"


def print_table(rows):
    heads = ["#", "tool", "what", "file", "median", "p10..p90", "vs sigmark", "target", "met"]
    cells = []
    for r in rows:
        spread = "-"
        if r.get("p10_s") is not None:
            spread = f"{fmt_time(r['p10_s'])}..{fmt_time(r['p90_s'])}"
        cells.append([r["part"], r["tool"], r["what"], r.get("file", ""),
                      r.get("median_text") or fmt_time(r.get("median_s")), spread,
                      r.get("ratio_text", ""), r.get("target", ""), r.get("met", "")])
    widths = [max(len(str(x)) for x in col) for col in zip(heads, *cells)]
    line = "  ".join(h.ljust(w) for h, w in zip(heads, widths))
    print(line)
    print("  ".join("-" * w for w in widths))
    for c in cells:
        print("  ".join(str(x).ljust(w) for x, w in zip(c, widths)))


def yes(b):
    return "yes" if b else "NO"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sigmark", required=True)
    ap.add_argument("--bench-open", required=True)
    ap.add_argument("--file24", required=True)
    ap.add_argument("--file1", required=True)
    ap.add_argument("--json-out", required=True)
    ap.add_argument("--reps-open-sigmark", type=int, default=2000)
    ap.add_argument("--reps-open-pyedflib", type=int, default=500)
    ap.add_argument("--reps-open-mne", type=int, default=15)
    ap.add_argument("--reps-stats", type=int, default=9)
    ap.add_argument("--reps-stats-pyedflib", type=int, default=3)
    ap.add_argument("--reps-stats-mne", type=int, default=2)
    ap.add_argument("--reps-mem", type=int, default=5)
    ap.add_argument("--extra-sigmark", action="append", default=[], metavar="LABEL=PATH",
                    help="another sigmark binary (say, with a reader change) to time beside the "
                         "main one in parts 2 and 3; repeatable")
    args = ap.parse_args()
    extras = {}
    for e in args.extra_sigmark:
        label, sep, path = e.partition("=")
        if not sep or not label or not os.access(path, os.X_OK):
            ap.error(f"--extra-sigmark {e!r}: expected LABEL=PATH of an executable")
        extras[label] = path

    files = {"1h": args.file1, "24h": args.file24}
    shapes = {k: edf_shape(p) for k, p in files.items()}
    peers = {}
    for name in ("pyedflib", "mne"):
        ver, err = try_import(name)
        peers[name] = {"version": ver, "error": err}
        log(f"{name}: {ver if ver else 'UNAVAILABLE (' + str(err) + ')'}")
    have = {k: v["version"] is not None for k, v in peers.items()}
    errors = {}

    result = {
        "machine": {"uname": " ".join(platform.uname()), "cpus": os.cpu_count(),
                    "python": sys.version.split()[0], "load1_start": load1()},
        "files": {k: {"path": files[k], **shapes[k]} for k in files},
        "peers": peers,
        "window_s": WINDOW_S,
    }
    if load1() > 1.0:
        log(f"warning: load average {load1():.2f}; other work on this machine may skew timings")

    # ------------------------------------------------------------ 1. open + 10 s window
    opened = {}
    for k in ("1h", "24h"):
        path, shape = files[k], shapes[k]
        start_s = window_start(shape)
        warm(path)
        log(f"[1] {k}: sigmark open + window at {start_s:.0f} s x{args.reps_open_sigmark}")
        sj = sigmark_window(args.bench_open, path, args.reps_open_sigmark)
        opened[("sigmark", k)] = {"median_s": sj["median_us"] / 1e6, "p10_s": sj["p10_us"] / 1e6,
                                  "p90_s": sj["p90_us"] / 1e6, "n": sj["reps"],
                                  "sum": sj["sum"], "start_s": sj["start_s"]}
        if abs(sj["start_s"] - start_s) > 1e-9:
            log(f"warning: bench_open chose start {sj['start_s']}, expected {start_s}")
        if have["pyedflib"]:
            log(f"[1] {k}: pyedflib open + window x{args.reps_open_pyedflib}")
            try:
                s = pyedflib_window(path, start_s, shape)
                t = timed_runs(lambda: pyedflib_window(path, start_s, shape),
                               args.reps_open_pyedflib)
                opened[("pyedflib", k)] = {**summary(t), "sum": s}
            except Exception:
                errors[f"pyedflib window {k}"] = traceback.format_exc()
        if have["mne"]:
            log(f"[1] {k}: MNE read_raw_edf(preload=False) + get_data x{args.reps_open_mne}")
            try:
                s = mne_window(path, start_s, shape)
                t = timed_runs(lambda: mne_window(path, start_s, shape), args.reps_open_mne)
                opened[("mne", k)] = {**summary(t), "sum": s}
            except Exception:
                errors[f"mne window {k}"] = traceback.format_exc()
    result["open_window"] = {f"{t}/{k}": v for (t, k), v in opened.items()}

    # ------------------------------------------------------------ 2. whole-file statistics
    stats = {}
    check = {}
    for k in ("1h", "24h"):
        path = files[k]
        warm(path)
        log(f"[2] {k}: sigmark info --stats and cat, interleaved x{args.reps_stats}")
        cmds = {"sigmark": [args.sigmark, "info", "--stats", path], "cat": ["cat", path]}
        for label, exe in extras.items():
            cmds[f"sigmark [{label}]"] = [exe, "info", "--stats", path]
        t = interleaved(cmds, args.reps_stats)
        for tool in cmds:
            stats[(tool, k)] = summary(t[tool])
        ours = sigmark_stats_json(args.sigmark, path)
        for label, exe in extras.items():
            alt = sigmark_stats_json(exe, path)
            check[f"sigmark [{label}] vs sigmark/{k}"] = {
                "channels": len(ours), "identical": alt == ours,
                "max_rel": {m: max(rel(a[m], b[m]) for a, b in zip(alt, ours))
                            for m in ("sum", "sum_sq", "mean", "min", "max")}}
        if have["pyedflib"]:
            log(f"[2] {k}: pyedflib readSignal + numpy x{args.reps_stats_pyedflib}")
            try:
                theirs = pyedflib_stats(path)
                t = timed_runs(lambda: pyedflib_stats(path), args.reps_stats_pyedflib, warmup=0)
                stats[("pyedflib", k)] = summary(t)
                worst = {m: max(rel(a[m], b[m]) for a, b in zip(ours, theirs))
                         for m in ("sum", "sum_sq", "mean", "min", "max")}
                check[f"pyedflib/{k}"] = {"channels": len(ours), "max_rel": worst,
                                          "agree_1e-9": all(v <= 1e-9 for v in worst.values())}
            except Exception:
                errors[f"pyedflib stats {k}"] = traceback.format_exc()
        if have["mne"]:
            log(f"[2] {k}: MNE read_raw_edf(preload=True) + get_data x{args.reps_stats_mne}")
            try:
                theirs = mne_stats(path)
                t = timed_runs(lambda: mne_stats(path), args.reps_stats_mne, warmup=0)
                stats[("mne", k)] = summary(t)
                worst = {m: max(rel(a[m], b[m]) for a, b in zip(ours, theirs))
                         for m in ("sum", "sum_sq", "mean", "min", "max")}
                check[f"mne/{k}"] = {"channels": len(ours), "max_rel": worst}
            except Exception:
                errors[f"mne stats {k}"] = traceback.format_exc()
    result["stats"] = {f"{t}/{k}": v for (t, k), v in stats.items()}
    result["stats_check"] = check

    # ------------------------------------------------------------ 3. peak anonymous memory
    log(f"[3] 24h: peak RssAnon of sigmark info --stats x{args.reps_mem}")
    warm(files["24h"])
    mems = [peak_anon([args.sigmark, "info", "--stats", files["24h"]])
            for _ in range(args.reps_mem)]
    mem = {"runs": mems, "peak_rss_anon_kb": max(m["rss_anon_kb"] for m in mems)}
    mem_extra = {}
    for label, exe in extras.items():
        runs = [peak_anon([exe, "info", "--stats", files["24h"]]) for _ in range(args.reps_mem)]
        mem_extra[label] = {"runs": runs, "peak_rss_anon_kb": max(m["rss_anon_kb"] for m in runs)}
    mem["extra"] = mem_extra
    result["memory"] = mem
    result["machine"]["load1_end"] = load1()
    result["errors"] = errors

    # ------------------------------------------------------------ table
    rows = []
    sg = {k: opened.get(("sigmark", k)) for k in ("1h", "24h")}
    for tool in ("sigmark", "pyedflib", "mne"):
        for k in ("1h", "24h"):
            r = opened.get((tool, k))
            name = {"sigmark": "sigmark", "pyedflib": "pyedflib (EDFlib)", "mne": "MNE"}[tool]
            what = {"sigmark": "open + 10 s x all ch",
                    "pyedflib": "EdfReader + readSignal x ch",
                    "mne": "read_raw_edf(preload=False)+get_data"}[tool]
            row = {"part": "1", "tool": name, "what": what, "file": k}
            if r is None:
                if tool != "sigmark":
                    reason = peers[tool]["error"] or "failed (see JSON errors)"
                    row["median_text"] = "unavailable"
                    row["ratio_text"] = reason[:40]
                    rows.append(row)
                continue
            row.update(r)
            base = sg[k]
            if tool == "sigmark":
                if k == "24h":
                    row["target"] = "< 1 ms"
                    row["met"] = yes(r["median_s"] < 1e-3)
                    grow = r["median_s"] / sg["1h"]["median_s"]
                    row["ratio_text"] = f"24h/1h = {grow:.2f}"
                    rows.append(row)
                    rows.append({"part": "1", "tool": "sigmark", "what": "growth 1 h -> 24 h",
                                 "file": "", "median_text": f"x{grow:.2f}",
                                 "target": "no growth (< 1.5x)", "met": yes(grow < 1.5)})
                    continue
                row["ratio_text"] = "1.00"
            else:
                ratio = r["median_s"] / base["median_s"]
                row["ratio_text"] = f"{ratio:.1f}x slower"
                if tool == "pyedflib":
                    row["target"] = ">= 2x slower"
                    row["met"] = yes(ratio >= 2.0)
                else:
                    row["target"] = "(reported)"
            rows.append(row)
    for k in ("1h", "24h"):
        base = stats.get(("sigmark", k))
        cat = stats.get(("cat", k))
        for tool in ("sigmark", *[f"sigmark [{x}]" for x in extras], "pyedflib", "mne", "cat"):
            r = stats.get((tool, k))
            if tool.startswith("sigmark ["):
                row = {"part": "2", "tool": tool, "what": "info --stats (process)", "file": k,
                       **r}
                vs_cat = r["median_s"] / cat["median_s"]
                row["ratio_text"] = f"{r['median_s'] / base['median_s']:.2f}, {vs_cat:.2f}x cat"
                if k == "24h":
                    row["target"] = "<= 2x cat"
                    row["met"] = yes(vs_cat <= 2.0)
                rows.append(row)
                continue
            name = {"sigmark": "sigmark", "pyedflib": "pyedflib (EDFlib)", "mne": "MNE",
                    "cat": "cat"}[tool]
            what = {"sigmark": "info --stats (process)",
                    "pyedflib": "readSignal x ch + numpy",
                    "mne": "preload=True+get_data+numpy",
                    "cat": "cat FILE > /dev/null"}[tool]
            row = {"part": "2", "tool": name, "what": what, "file": k}
            if r is None:
                if tool in peers:
                    row["median_text"] = "unavailable"
                    row["ratio_text"] = (peers[tool]["error"] or "failed (see JSON)")[:40]
                    rows.append(row)
                continue
            row.update(r)
            if tool == "sigmark":
                row["ratio_text"] = "1.00"
            elif tool == "cat":
                ratio = base["median_s"] / r["median_s"]
                row["ratio_text"] = f"sigmark = {ratio:.2f}x cat"
                if k == "24h":
                    row["target"] = "sigmark <= 2x cat"
                    row["met"] = yes(ratio <= 2.0)
            else:
                ratio = r["median_s"] / base["median_s"]
                row["ratio_text"] = f"{ratio:.1f}x slower"
                if tool == "pyedflib" and k == "24h":
                    row["target"] = ">= 5x slower"
                    row["met"] = yes(ratio >= 5.0)
                elif tool == "mne":
                    row["target"] = "(reported)"
            rows.append(row)
    mb = mem["peak_rss_anon_kb"] / 1024
    rows.append({"part": "3", "tool": "sigmark", "what": "peak RssAnon, info --stats",
                 "file": "24h", "median_text": f"{mb:.1f} MB",
                 "ratio_text": f"RssFile peak {max(m['rss_file_kb'] for m in mems) / 1024:.0f} MB",
                 "target": "< 64 MB", "met": yes(mb < 64)})
    for label, m in mem_extra.items():
        mb = m["peak_rss_anon_kb"] / 1024
        rows.append({"part": "3", "tool": f"sigmark [{label}]",
                     "what": "peak RssAnon, info --stats", "file": "24h",
                     "median_text": f"{mb:.1f} MB", "target": "< 64 MB", "met": yes(mb < 64)})
    result["table"] = rows

    print()
    print(f"sigmark vs EDFlib (pyedflib {peers['pyedflib']['version'] or '-'}) and MNE "
          f"({peers['mne']['version'] or '-'}); warm page cache; {os.cpu_count()} CPUs; "
          f"load {result['machine']['load1_start']:.2f} -> {result['machine']['load1_end']:.2f}")
    for k in ("1h", "24h"):
        s = shapes[k]
        print(f"  {k}: {files[k]}  {s['records']} records, {len(s['labels'])} ch, "
              f"{s['bytes'] / 1e9:.3f} GB; window {WINDOW_S:.0f} s at "
              f"{window_start(s):.0f} s")
    print()
    print_table(rows)
    print()
    for k in ("1h", "24h"):
        parts = []
        for tool in ("sigmark", "pyedflib", "mne"):
            r = opened.get((tool, k))
            if r:
                parts.append(f"{tool} {r['sum']:.9g}")
        print(f"window sums {k}: " + ", ".join(parts))
    for name, c in check.items():
        worst = ", ".join(f"{m} {v:.1e}" for m, v in c["max_rel"].items())
        verdict = ""
        if "identical" in c:
            verdict = " -> identical JSON statistics: " + yes(c["identical"])
        if "agree_1e-9" in c:
            verdict = " -> agree within 1e-9: " + yes(c["agree_1e-9"])
        who = name if name.startswith("sigmark [") else f"sigmark vs {name}"
        print(f"stats {who} ({c['channels']} ch), max relative difference: "
              f"{worst}{verdict}")
    print(f"memory: peak RssAnon per run (kB): {[m['rss_anon_kb'] for m in mems]}, "
          f"peak VmRSS (with the mapped file) {max(m['rss_kb'] for m in mems) / 1024:.0f} MB, "
          f"polls per run {[m['polls'] for m in mems]}")
    for k, e in errors.items():
        print(f"ERROR {k}: {e.strip().splitlines()[-1]}")

    with open(args.json_out, "w") as f:
        json.dump(result, f, indent=2, default=str)
    print(f"\nwrote {args.json_out}")


if __name__ == "__main__":
    main()
