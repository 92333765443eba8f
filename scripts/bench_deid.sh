#!/usr/bin/env bash
# `sigmark deid` against `cp` on the same ~1 GB EDF, in one run (issue 17: deid at no less
# than half of cp's speed, memory bounded by the streaming copy).
#
#   scripts/bench_deid.sh                 # 3 runs each
#   BENCH_RUNS=1 scripts/bench_deid.sh    # one run each, for checking the script
#   BENCH_DIR=/path scripts/bench_deid.sh # where the files go (default scripts/out/deid)
#   BENCH_HOURS=0.1 scripts/bench_deid.sh # a smaller file (default 24 h = 1.04 GB)
#
# Builds the release binary and the make_holter example, generates BENCH_DIR/in/holter_24h.edf
# (24 h, 12 channels, 500 Hz: 1.04 GB) once, warms the page cache, then times `cp FILE DIR/`
# and `sigmark deid FILE --out DIR --shift-days -1000` alternately (each into a fresh
# directory on the same filesystem, removed after), under /usr/bin/time -v for the peak RSS.
# Prints best and median wall time of each, the speed ratio cp/deid (target: >= 0.5) and
# deid's peak RSS; exits 1 when deid fails or the ratio is below 0.5.
# Respects CARGO_TARGET_DIR.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
dir="${BENCH_DIR:-$root/scripts/out/deid}"
runs="${BENCH_RUNS:-3}"
hours="${BENCH_HOURS:-24}"
src="$dir/in/holter_${hours}h.edf"
mkdir -p "$dir/in"

echo "== build (release): sigmark, example make_holter" >&2
cargo build --release --quiet --bin sigmark --example make_holter
sigmark="$target/release/sigmark"

if [ -f "$src" ]; then
    echo "== reuse $src" >&2
else
    echo "== generate $src ($hours h, 12 ch, 500 Hz)" >&2
    "$target/release/examples/make_holter" "$src.tmp" "$hours" 12 500 >&2
    mv "$src.tmp" "$src"
fi
size=$(stat -c %s "$src")
cat "$src" > /dev/null # page cache warm for both

# time_one NAME CMD...: runs CMD under /usr/bin/time, appends "seconds rss_kib" to $dir/NAME.times.
time_one() {
    local name="$1"
    shift
    local log="$dir/$name.time.log"
    if ! /usr/bin/time -v -o "$log" "$@" > "$dir/$name.out" 2>&1; then
        echo "$name failed:" >&2
        cat "$dir/$name.out" "$log" >&2
        return 1
    fi
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log" \
        | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    echo "$wall $rss" >> "$dir/$name.times"
}

rm -f "$dir/cp.times" "$dir/cpsync.times" "$dir/deid.times"
for i in $(seq 1 "$runs"); do
    echo "== run $i of $runs" >&2
    rm -rf "$dir/cp_out" "$dir/deid_out"
    mkdir -p "$dir/cp_out"
    time_one cp cp "$src" "$dir/cp_out/"
    sync
    rm -rf "$dir/cp_out"
    mkdir -p "$dir/cp_out"
    # cp made as durable as deid's output (deid fsyncs before its atomic rename).
    time_one cpsync sh -c 'cp "$1" "$2/" && sync "$2/$(basename "$1")"' sh "$src" "$dir/cp_out"
    sync
    time_one deid "$sigmark" deid "$src" --out "$dir/deid_out" --shift-days -1000 --jobs 1
    sync
    rm -rf "$dir/cp_out" "$dir/deid_out"
done

# stats FILE: "best median max_rss" of the wall times (seconds) and RSS (KiB).
stats() {
    sort -n "$1" | awk '{ t[NR] = ($1 < 0.01) ? 0.01 : $1; if ($2 > r) r = $2 }
        END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2; print t[1], m, r }'
}
read -r cp_best cp_median cp_rss < <(stats "$dir/cp.times")
read -r deid_best deid_median deid_rss < <(stats "$dir/deid.times")
read -r cs_best cs_median cs_rss < <(stats "$dir/cpsync.times")
mb=$(awk -v s="$size" 'BEGIN { printf "%.0f", s / 1e6 }')
awk -v mb="$mb" -v cb="$cp_best" -v cm="$cp_median" -v cr="$cp_rss" \
    -v db="$deid_best" -v dm="$deid_median" -v dr="$deid_rss" -v n="$runs" \
    -v sb="$cs_best" -v sm="$cs_median" -v sr="$cs_rss" 'BEGIN {
    printf "file: %s MB, %d runs each\n", mb, n
    printf "%-6s %10s %10s %10s %12s\n", "", "best s", "median s", "MB/s best", "peak RSS MiB"
    printf "%-6s %10.3f %10.3f %10.0f %12.1f\n", "cp", cb, cm, mb / cb, cr / 1024
    printf "%-6s %10.3f %10.3f %10.0f %12.1f\n", "cp+sync", sb, sm, mb / sb, sr / 1024
    printf "%-6s %10.3f %10.3f %10.0f %12.1f\n", "deid", db, dm, mb / db, dr / 1024
    printf "speed ratio deid/cp (best): %.2f (target >= 0.50); median: %.2f\n", cb / db, cm / dm
    printf "speed ratio deid/(cp+sync) (best): %.2f; median: %.2f\n", sb / db, sm / dm
}'
awk -v cb="$cp_best" -v db="$deid_best" 'BEGIN { exit !(cb / db >= 0.5) }' || {
    echo "deid is slower than half of cp" >&2
    exit 1
}
