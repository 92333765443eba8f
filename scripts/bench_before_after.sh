#!/usr/bin/env bash
# The frame and the 100,000-event annotation benchmarks, before and after a change, in one run:
#   scripts/bench_before_after.sh BASE_COMMIT [frame|annotate ...]
# Builds BASE in a temporary worktree and the current tree, runs each bench on BASE and saves a
# criterion baseline `before`, then runs it on the current tree against that baseline, and
# prints one table (median per benchmark, before -> after, change). Both runs share one
# CRITERION_HOME so criterion compares them; the 24 h x 24 channel file comes from
# examples/make_holter as in scripts/bench_viewer.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
base="${1:?usage: scripts/bench_before_after.sh BASE_COMMIT [bench ...]}"
shift
benches=("$@")
[ ${#benches[@]} -gt 0 ] || benches=(frame annotate)
out="$root/scripts/out"
mkdir -p "$out"
target="${CARGO_TARGET_DIR:-$root/target}"
wt="$(mktemp -d /tmp/sigmark-base.XXXXXX)"
trap 'git -C "$root" worktree remove --force "$wt" >/dev/null 2>&1 || true' EXIT
git -C "$root" worktree add --detach -q "$wt" "$base"
export CRITERION_HOME="$out/criterion-before-after"
rm -rf "$CRITERION_HOME"
cargo build --release --quiet --example make_holter
[ -f "$out/holter_24h_24ch.edf" ] || "$target/release/examples/make_holter" "$out/holter_24h_24ch.edf" 24 24 250
cat "$out/holter_24h_24ch.edf" > /dev/null
export SIGMARK_FRAME_FILE="$out/holter_24h_24ch.edf"
args=(--warm-up-time 1 --measurement-time 4)
for b in "${benches[@]}"; do
    # The frame bench's pyramid_build group rebuilds a 1 GB file's pyramid per sample: minutes,
    # and not what a redesign of the viewer changes; FRAME_FILTER="" includes it.
    filter=()
    [ "$b" = frame ] && filter=("${FRAME_FILTER-frame_}")
    echo "== $b: before ($base)"
    (cd "$wt" && CARGO_TARGET_DIR="$target" cargo bench --quiet --bench "$b" -- "${filter[@]}" \
        "${args[@]}" --save-baseline before) | grep -E "time:" -B1 | grep -v "^--" || true
    echo "== $b: after (working tree)"
    cargo bench --quiet --bench "$b" -- "${filter[@]}" "${args[@]}" --baseline before \
        | grep -E "time:|change:" -B1 | grep -v "^--" || true
done
python3 - "$CRITERION_HOME" <<'PY' | tee "$out/bench_before_after.txt"
import json, os, sys
home = sys.argv[1]
rows = []
for d, _, files in os.walk(home):
    if os.path.basename(d) == "before" and "estimates.json" in files:
        bench = os.path.relpath(os.path.dirname(d), home)
        new = os.path.join(os.path.dirname(d), "new", "estimates.json")
        if not os.path.exists(new):
            continue
        b = json.load(open(os.path.join(d, "estimates.json")))["median"]["point_estimate"]
        a = json.load(open(new))["median"]["point_estimate"]
        rows.append((bench, b, a))
def fmt(ns):
    for unit, f in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= f:
            return f"{ns / f:.3g} {unit}"
    return f"{ns:.3g} ns"
print(f"{'benchmark':58} {'before':>10} {'after':>10} {'change':>8}")
for bench, b, a in sorted(rows):
    print(f"{bench:58} {fmt(b):>10} {fmt(a):>10} {100 * (a - b) / b:+7.1f}%")
PY
