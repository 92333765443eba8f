#!/usr/bin/env bash
# The viewer's speed targets, in one run:
#   - frame build + render, 24 channels at 200x60, every preset 1 s .. 24 h (criterion, benches/frame.rs)
#   - pyramid build throughput over the 24-hour, 1.04 GB file (same bench, group pyramid_build)
#   - bytes written to the terminal per one-page scroll at 200x50 with 12 channels
#     (examples/scroll_bytes.rs, through ratatui's crossterm backend into a byte counter)
# Generates scripts/out/holter_24h_24ch.edf (24 ch x 250 Hz) and holter_24h.edf (12 ch x 500 Hz)
# with examples/make_holter once. Respects CARGO_TARGET_DIR.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$root/scripts/out"
target="${CARGO_TARGET_DIR:-$root/target}"
mkdir -p "$out"
cargo build --release --quiet --example make_holter --example scroll_bytes
[ -f "$out/holter_24h_24ch.edf" ] || "$target/release/examples/make_holter" "$out/holter_24h_24ch.edf" 24 24 250
[ -f "$out/holter_24h.edf" ] || "$target/release/examples/make_holter" "$out/holter_24h.edf" 24 12 500
cat "$out/holter_24h_24ch.edf" "$out/holter_24h.edf" > /dev/null   # warm the page cache
echo "== frame build + render and pyramid build (criterion)"
SIGMARK_FRAME_FILE="$out/holter_24h_24ch.edf" cargo bench --bench frame 2>&1 \
    | grep -E "^(frame|pyramid)|time:|thrpt:" | tee "$out/bench_frame.txt"
echo "== bytes per one-page scroll, 12 channels at 200x50"
"$target/release/examples/scroll_bytes" "$out/holter_24h.edf" 200 50 40 | tee "$out/scroll_bytes.txt"
