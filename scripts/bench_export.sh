#!/usr/bin/env bash
# Export benchmark (issue 6): a generated tree of 10,000 recordings' annotation files with 100
# events each (1,000,000 rows; the recordings are hard links of one tiny EDF+ file), exported
# to CSV and to Parquet, one process per format. Prints rows per second and peak memory
# (VmHWM of the exporting process), plus wall and CPU time from /usr/bin/time when present.
# Usage: scripts/bench_export.sh [DIR]   (the tree is generated into DIR once; default a temp dir)
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-${TMPDIR:-/tmp}/sigmark-bench-export}"
mkdir -p "$dir"
cargo build --release --example bench_export
bin="${CARGO_TARGET_DIR:-target}/release/examples/bench_export"
"$bin" "$dir" csv >/dev/null 2>&1 || true   # generate the tree, warm the page cache
for format in csv parquet; do
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f "  $format: %e s wall, %U s user + %S s system CPU, %M kB max RSS" "$bin" "$dir" "$format"
    else
        "$bin" "$dir" "$format"
    fi
done
