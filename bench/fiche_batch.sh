#!/usr/bin/env bash
# Benchmark of `sne fiche batch` (issue 3, section 5), with a ReportLab + qrcode peer.
#
#   bench/fiche_batch.sh            # 10,000 rows
#   ROWS=2000 bench/fiche_batch.sh  # another size
#   SNE=/path/to/sne bench/fiche_batch.sh
#
# Generates a manifest of ROWS distinct demandes in a temp dir, makes their fiches with
# `sne fiche batch` and with bench/reportlab_fiches.py (Debian's /usr/bin/python3 with
# python3-reportlab and python3-qrcode), each pinned to one core (taskset -c 0) under
# /usr/bin/time -v, and prints throughput, bytes per fiche, peak RSS and the ratio; then runs
# sne again on 1,000 rows to show whether peak memory grows with the number of rows.
# Builds nothing, asserts nothing, exits 0. Needs taskset (util-linux) and /usr/bin/time
# (package `time`).
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROWS=${ROWS:-10000}
SNE=${SNE:-$ROOT/build/bin/sne}
PY=/usr/bin/python3
PEER=$ROOT/bench/reportlab_fiches.py
GUICHET=PWP01 SIRET=13002072000038 TERRITOIRE=034 DATE=2024-01-15
SMALL=1000

for tool in taskset /usr/bin/time "$SNE" "$PY"; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "fiche_batch: missing $tool (sne: build it; time: apt-get install time)" >&2
    exit 0
  fi
done

# Files go to a tmpfs by default: creating 10,000 files on a disk costs both tools the same
# kernel time (on this machine's ext4, ~0.2 ms a file, varying with its history), which measures
# the disk rather than the tools. TMPDIR=/some/disk/folder measures that instead.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then TMPDIR=/dev/shm; fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sne-fiche-bench.XXXXXX")
echo "fiche batch: files in $TMP ($(df -T "$TMP" | awk 'NR==2 {print $2}'))"
trap 'rm -rf "$TMP"' EXIT

# manifest N FILE: N distinct numéros 034 08 19 <sequence> PWP01, the four contextes in turn,
# a date de dépôt on two rows out of three (2024-01-15 .. 2024-02-11), empty on the others.
manifest() {
  awk -v n="$1" 'BEGIN {
    split("ajout creation renouvellement mise-a-jour", ctx, " ")
    print "numero_unique,contexte,date_depot"
    for (i = 1; i <= n; i++) {
      depot = (i % 3 == 0) ? "" : sprintf("2024-%02d-%02d", 1 + int((i % 28) / 17), (i % 28) < 17 ? 15 + (i % 28) : (i % 28) - 16)
      printf "0340819%06dPWP01,%s,%s\n", i, ctx[1 + i % 4], depot
    }
  }' >"$2"
}

now() { date +%s.%N; }

# measure NAME OUTDIR CMD...: runs CMD on core 0 under /usr/bin/time -v; sets SECS, RSS_KB,
# FILES, BYTES and RC, and keeps the command's output in $TMP/NAME.out.
measure() {
  local name=$1 out=$2
  shift 2
  local t0 t1
  t0=$(now)
  /usr/bin/time -v -o "$TMP/$name.time" taskset -c 0 "$@" >"$TMP/$name.out" 2>&1
  RC=$?
  t1=$(now)
  SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  RSS_KB=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$TMP/$name.time")
  FILES=$(find "$out" -name '*.pdf' 2>/dev/null | wc -l)
  BYTES=$(find "$out" -name '*.pdf' -printf '%s\n' 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
}

report() {  # report LABEL ROWS
  local rate per
  rate=$(awk -v n="$2" -v s="$SECS" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')
  per=$(awk -v b="$BYTES" -v n="$2" 'BEGIN { printf "%.0f", (n > 0 ? b / n : 0) }')
  printf '%-10s %8.2f s  %8s fiches/s  %6s bytes/fiche  peak RSS %s KB  (%s PDFs, exit %s)\n' \
    "$1" "$SECS" "$rate" "$per" "$RSS_KB" "$FILES" "$RC"
  sed 's/^/           | /' "$TMP/$3.out" | tail -n 3
  RATE=$rate
}

manifest "$ROWS" "$TMP/manifest.csv"
manifest "$SMALL" "$TMP/small.csv"

echo "fiche batch: $ROWS rows, one core (taskset -c 0), $(nproc) cores, $("$SNE" --version 2>/dev/null | head -n 1)"

measure sne "$TMP/sne" "$SNE" fiche batch "$TMP/manifest.csv" -o "$TMP/sne" \
  --guichet "$GUICHET" --siret "$SIRET" --territoire "$TERRITOIRE" --date-generation "$DATE"
report sne "$ROWS" sne
SNE_RATE=$RATE SNE_RSS=$RSS_KB
rm -rf "$TMP/sne"

measure reportlab "$TMP/rl" "$PY" "$PEER" "$TMP/manifest.csv" "$TMP/rl" \
  "$GUICHET" "$SIRET" "$TERRITOIRE" "$DATE"
report reportlab "$ROWS" reportlab
RL_RATE=$RATE
rm -rf "$TMP/rl"

awk -v a="$SNE_RATE" -v b="$RL_RATE" \
  'BEGIN { if (b > 0) printf "ratio      sne / reportlab throughput: %.1fx (target >= 15x)\n", a / b }'

measure small "$TMP/small" "$SNE" fiche batch "$TMP/small.csv" -o "$TMP/small" \
  --guichet "$GUICHET" --siret "$SIRET" --territoire "$TERRITOIRE" --date-generation "$DATE"
report "sne $SMALL" "$SMALL" small
echo "memory     sne peak RSS: $SMALL rows $RSS_KB KB, $ROWS rows $SNE_RSS KB (target: flat)"
exit 0
