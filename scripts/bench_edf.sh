#!/usr/bin/env bash
# sigmark against EDFlib (pyedflib) and MNE on a generated 24-hour Holter EDF, in one run.
#
#   scripts/bench_edf.sh            # full run (about 10 minutes on 2 cores)
#   BENCH_QUICK=1 scripts/bench_edf.sh   # fewer repetitions, for checking the script
#   scripts/bench_edf.sh --extra-sigmark simd=/path/to/other/sigmark   # time a second build too
#
# Arguments are passed to scripts/bench_edf.py (see --help there).
# Builds the release binary and the examples, creates scripts/.venv (pyedflib 0.1.42, mne,
# numpy), generates scripts/out/holter_24h.edf (1.04 GB) and holter_1h.edf once, then runs
# scripts/bench_edf.py, which prints the table and writes scripts/out/bench_edf.json.
# Respects CARGO_TARGET_DIR. BENCH_WAIT_IDLE=SECONDS waits up to that long for the 1-minute load
# average to fall below 0.5 before measuring (other compiles skew the figures).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$root/scripts/out"
venv="$root/scripts/.venv"
target="${CARGO_TARGET_DIR:-$root/target}"
mkdir -p "$out"

echo "== build (release): sigmark, examples make_holter and bench_open" >&2
cargo build --release --quiet --bin sigmark --example make_holter --example bench_open
sigmark="$target/release/sigmark"
make_holter="$target/release/examples/make_holter"
bench_open="$target/release/examples/bench_open"

echo "== python venv: $venv" >&2
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip || true
fi
py="$venv/bin/python"
if ! "$py" -c 'import numpy, pyedflib' 2>/dev/null; then
    "$venv/bin/pip" install --quiet "pyedflib==0.1.42" numpy \
        || echo "warning: pyedflib/numpy failed to install; that column will be unavailable" >&2
fi
if ! "$py" -c 'import mne' 2>/dev/null; then
    "$venv/bin/pip" install --quiet mne \
        || echo "warning: mne failed to install; that column will be unavailable" >&2
fi

# Expected sizes: 256 * 13 header bytes + records * 12 channels * 500 samples * 2 bytes.
make_file() {
    local file="$1" hours="$2" records="$3"
    local want=$((256 * 13 + records * 12000))
    if [ -f "$file" ] && [ "$(stat -c %s "$file")" = "$want" ]; then
        echo "== reuse $file" >&2
    else
        echo "== generate $file ($hours h, 12 ch, 500 Hz)" >&2
        "$make_holter" "$file.tmp" "$hours" 12 500 >&2
        mv "$file.tmp" "$file"
    fi
}
make_file "$out/holter_1h.edf" 1 3600
make_file "$out/holter_24h.edf" 24 86400

if [ -n "${BENCH_WAIT_IDLE:-}" ]; then
    deadline=$((SECONDS + BENCH_WAIT_IDLE))
    while awk '{exit !($1 >= 0.5)}' /proc/loadavg && [ $SECONDS -lt $deadline ]; do
        echo "   waiting for the machine to go idle: load $(cut -d' ' -f1 /proc/loadavg)" >&2
        sleep 15
    done
fi

reps=()
if [ -n "${BENCH_QUICK:-}" ]; then
    reps=(--reps-open-sigmark 200 --reps-open-pyedflib 50 --reps-open-mne 3
          --reps-stats 3 --reps-stats-pyedflib 1 --reps-stats-mne 1 --reps-mem 2)
fi

echo "== measure" >&2
"$py" "$root/scripts/bench_edf.py" \
    --sigmark "$sigmark" --bench-open "$bench_open" \
    --file1 "$out/holter_1h.edf" --file24 "$out/holter_24h.edf" \
    --json-out "$out/bench_edf.json" "${reps[@]}" "$@"
