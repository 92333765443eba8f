#!/usr/bin/env bash
# sigmark's WFDB reader against wfdb-python 4.3.1 and `cat`, in one run (issue 15, "Speed"):
#   1. a 10 s window of both channels of MIT-BIH 100 (format 212, 30 min), open included:
#      sigmark (examples/bench_open, in process) against wfdb.rdrecord(sampfrom, sampto);
#   2. `sigmark info --stats` over a 24-hour two-channel 212 record (100.dat concatenated 48
#      times, with a header saying so) against `cat FILE > /dev/null`.
#
#   scripts/bench_wfdb.sh                 # SIGMARK_CORPUS (default ../shared/corpus) for 100.*
#   BENCH_QUICK=1 scripts/bench_wfdb.sh   # fewer repetitions
#
# Python: $SIGMARK_PYTHON if set (a venv with wfdb==4.3.1 and numpy), else scripts/.venv-wfdb,
# created with `pip install wfdb==4.3.1 numpy`. Respects CARGO_TARGET_DIR. Prints a table and
# the ratios; writes scripts/out/bench_wfdb.json.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$root/scripts/out"
target="${CARGO_TARGET_DIR:-$root/target}"
corpus="${SIGMARK_CORPUS:-$root/../shared/corpus}"
mkdir -p "$out/wfdb24"

echo "== build (release): sigmark, example bench_open" >&2
cargo build --release --quiet --bin sigmark --example bench_open

py="${SIGMARK_PYTHON:-}"
if [ -z "$py" ]; then
    venv="$root/scripts/.venv-wfdb"
    if [ ! -x "$venv/bin/python" ]; then
        python3 -m venv "$venv"
    fi
    py="$venv/bin/python"
    "$py" -c 'import wfdb, numpy' 2>/dev/null || "$venv/bin/pip" install --quiet "wfdb==4.3.1" numpy
fi

src="$corpus/wfdb/mitdb"
dat24="$out/wfdb24/day.dat"
if [ ! -f "$dat24" ] || [ "$(stat -c %s "$dat24")" != $((1950000 * 48)) ]; then
    echo "== generate $dat24 (100.dat x 48, 24 h)" >&2
    : > "$dat24.tmp"
    for _ in $(seq 48); do cat "$src/100.dat" >> "$dat24.tmp"; done
    mv "$dat24.tmp" "$dat24"
fi
# 48 x 650000 frames; checksums omitted (they would be those of the concatenation).
cat > "$out/wfdb24/day.hea" <<HEA
day 2 360 31200000
day.dat 212 200 11 1024 995
day.dat 212 200 11 1024 1011
HEA

reps=()
if [ -n "${BENCH_QUICK:-}" ]; then reps=(--reps 3 --reps-window 200); fi

echo "== measure" >&2
"$py" "$root/scripts/py/bench_wfdb.py" \
    --sigmark "$target/release/sigmark" --bench-open "$target/release/examples/bench_open" \
    --record "$src/100" --day "$out/wfdb24/day.hea" --json-out "$out/bench_wfdb.json" "${reps[@]}"
