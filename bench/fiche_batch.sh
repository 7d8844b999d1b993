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
# sne again on 1,000 rows to show whether peak memory grows with the number of rows. Last, on
# every core (no taskset): sne --jobs 1 against sne --jobs JOBS (default: the number of cores,
# target >= 1.8x on 2 cores), the median of RUNS runs each (default 3), user+system CPU time
# with it, whether both wrote the same bytes, and the load of the machine (uptime) around it:
# on a shared machine, other work steals cores. Note (measured at this commit): past a few
# thousand rows, most of the time is the atomic writer's sweep for stale temporaries
# (base/atomic_file.cpp, remove_stale_temporaries), a readdir of the whole output folder per
# fiche, so O(rows^2) in system time, which the kernel serializes on the folder: it caps what
# more jobs can give until it is done once per folder rather than once per file.
# Builds nothing, asserts nothing, exits 0. Needs taskset (util-linux) and /usr/bin/time
# (package `time`).
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROWS=${ROWS:-10000}
RUNS=${RUNS:-3}
JOBS=${JOBS:-$(nproc)}
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

measure sne "$TMP/sne" "$SNE" fiche batch "$TMP/manifest.csv" -o "$TMP/sne" --jobs 1 \
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

measure small "$TMP/small" "$SNE" fiche batch "$TMP/small.csv" -o "$TMP/small" --jobs 1 \
  --guichet "$GUICHET" --siret "$SIRET" --territoire "$TERRITOIRE" --date-generation "$DATE"
report "sne $SMALL" "$SMALL" small
echo "memory     sne peak RSS: $SMALL rows $RSS_KB KB, $ROWS rows $SNE_RSS KB (target: flat)"

. "$ROOT/bench/common.sh"  # median

# jobs N: RUNS runs of sne --jobs N on every core; prints "wall cpu peak_kb" (medians) and keeps
# the last run's PDFs in $TMP/jobsN.
jobs() {
  local secs=() cpus=() kbs=() s u y k
  for _ in $(seq "$RUNS"); do
    rm -rf "$TMP/jobs$1"
    /usr/bin/time -f '%e %U %S %M' -o "$TMP/jobs.time" "$SNE" fiche batch "$TMP/manifest.csv" \
      -o "$TMP/jobs$1" --jobs "$1" --guichet "$GUICHET" --siret "$SIRET" \
      --territoire "$TERRITOIRE" --date-generation "$DATE" >"$TMP/jobs$1.out" 2>&1
    read -r s u y k < <(tail -n 1 "$TMP/jobs.time")
    secs+=("$s")
    cpus+=("$(awk -v u="$u" -v y="$y" 'BEGIN { print u + y }')")
    kbs+=("$k")
  done
  echo "$(printf '%s\n' "${secs[@]}" | median) $(printf '%s\n' "${cpus[@]}" | median) $(printf '%s\n' "${kbs[@]}" | median)"
}

echo "cores      $ROWS rows on every core, median of $RUNS runs; load before: $(uptime)"
read -r w1 c1 k1 < <(jobs 1)
read -r wn cn kn < <(jobs "$JOBS")
echo "cores      load after: $(uptime)"
printf 'jobs=1     %8.2f s  %8.0f fiches/s  cpu %6.2f s  peak RSS %s KB\n' "$w1" \
  "$(awk -v n="$ROWS" -v s="$w1" 'BEGIN { print (s > 0 ? n / s : 0) }')" "$c1" "$k1"
printf 'jobs=%-5s %8.2f s  %8.0f fiches/s  cpu %6.2f s  peak RSS %s KB\n' "$JOBS" "$wn" \
  "$(awk -v n="$ROWS" -v s="$wn" 'BEGIN { print (s > 0 ? n / s : 0) }')" "$cn" "$kn"
if diff -r -q "$TMP/jobs1" "$TMP/jobs$JOBS" >/dev/null 2>&1; then same=identical; else same=DIFFERENT; fi
awk -v a="$w1" -v b="$wn" -v j="$JOBS" -v same="$same" \
  'BEGIN { if (b > 0) printf "speed-up   jobs=%s over jobs=1: %.2fx (target >= 1.8x on 2 cores); PDFs %s\n", j, a / b, same }'
exit 0
