#!/usr/bin/env bash
# Throughput of `sigmark check` (header-only) on a tree of 10,000 EDF/BDF headers, and of
# pyedflib opening the same files in a loop, in the same run; then on a tree of 10,000 WFDB
# headers (`.hea`, copies of the corpus's top-level ones, the signal files they name linked
# beside them; the corpus's own missing files stay missing).
#
#   scripts/bench_check.sh [N]     (default N = 10000; needs target/release/sigmark,
#                                   SIGMARK_CORPUS and, for the peer, SIGMARK_PYTHON)
#
# The tree holds copies of the corpus EDF/BDF files whose data record is at most 32 KB, cut
# after their first record with the record count set to 1 (valid files both tools read
# whole, and the tree stays small), 100 files per directory.
set -euo pipefail
N=${1:-10000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${SIGMARK_BIN:-$ROOT/target/release/sigmark}
CORPUS=${SIGMARK_CORPUS:-$ROOT/../shared/corpus}
PY=${SIGMARK_PYTHON:-python3}
TREE=$(mktemp -d /tmp/bench_check.XXXXXX)
trap 'rm -rf "$TREE"' EXIT

"$PY" - "$CORPUS" "$TREE" "$N" <<'PYEOF'
import os, sys, glob
corpus, tree, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
files = sorted(glob.glob(f"{corpus}/**/*.edf", recursive=True) + glob.glob(f"{corpus}/**/*.bdf", recursive=True))
heads = []
for f in files:
    b = open(f, "rb").read()
    ns = int(b[252:256].decode("latin-1").strip() or 0)
    hdr = 256 * (ns + 1)
    spr = [b[256 + ns * 216 + 8 * i: 256 + ns * 216 + 8 * i + 8] for i in range(ns)]
    bps = 3 if b[0] == 0xFF else 2
    rec = sum(int(x.decode("latin-1").strip() or 0) for x in spr) * bps
    if rec == 0 or rec > 32768 or len(b) < hdr + rec:
        continue
    one = bytearray(b[: hdr + rec])
    one[236:244] = b"1       "  # one complete record: a valid file both tools read whole
    heads.append((os.path.basename(f), bytes(one)))
for i in range(n):
    name, data = heads[i % len(heads)]
    d = os.path.join(tree, f"d{i // 100:03d}")
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, f"{i:05d}_{name}"), "wb").write(data)
print(f"tree: {n} files from {len(heads)} corpus files in {tree}")
PYEOF
du -sh "$TREE" | cut -f1 | sed 's/^/tree size: /'

start=$(date +%s.%N)
"$BIN" check "$TREE" > "$TREE.out" || true
end=$(date +%s.%N)
tail -1 "$TREE.out"
rm -f "$TREE.out"
sig=$(echo "$end - $start" | bc)
echo "sigmark check (header-only): ${sig} s for $N files"

if "$PY" -c 'import pyedflib' 2>/dev/null; then
  # EDFlib prints its file-size complaints to stdout: the result goes to stderr.
  "$PY" - "$TREE" 2>&1 >/dev/null <<'PYEOF'
import glob, sys, time
import pyedflib
files = sorted(glob.glob(f"{sys.argv[1]}/*/*"))
t = time.perf_counter()
opened = 0
for f in files:
    try:
        pyedflib.EdfReader(f).close()
        opened += 1
    except Exception:
        pass
dt = time.perf_counter() - t
print(f"pyedflib EdfReader open loop: {dt:.2f} s for {len(files)} files ({opened} opened)", file=sys.stderr)
PYEOF
else
  echo "pyedflib not available in $PY: peer skipped"
fi

# WFDB: N headers copied from the corpus (records renamed so every header is its own record).
WTREE=$(mktemp -d /tmp/bench_check_wfdb.XXXXXX)
trap 'rm -rf "$TREE" "$WTREE"' EXIT
"$PY" - "$CORPUS" "$WTREE" "$N" <<'PYEOF'
import glob, os, shutil, sys
corpus, tree, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
heas = sorted(glob.glob(f"{corpus}/wfdb/*.hea"))
for i in range(n):
    src = heas[i % len(heas)]
    d = os.path.join(tree, f"d{i // 100:03d}")
    os.makedirs(d, exist_ok=True)
    shutil.copyfile(src, os.path.join(d, f"{i:05d}_{os.path.basename(src)}"))
# the signal files, linked once per directory where the headers look for them
for d in sorted(glob.glob(f"{tree}/d*")):
    for src in heas:
        for line in open(src, encoding="latin-1").read().splitlines()[1:]:
            f = line.split(" ")[0] if line and not line.startswith("#") else ""
            p = os.path.join(os.path.dirname(src), f)
            if f and f != "~" and os.path.isfile(p) and not os.path.lexists(os.path.join(d, f)):
                os.symlink(os.path.abspath(p), os.path.join(d, f))
print(f"wfdb tree: {n} headers from {len(heas)} corpus headers in {tree}")
PYEOF
du -sh "$WTREE" | cut -f1 | sed 's/^/wfdb tree size: /'
start=$(date +%s.%N)
"$BIN" check "$WTREE" > "$WTREE.out" || true
end=$(date +%s.%N)
tail -1 "$WTREE.out"
rm -f "$WTREE.out"
echo "sigmark check (WFDB headers): $(echo "$end - $start" | bc) s for $N .hea files"
