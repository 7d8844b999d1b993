#!/usr/bin/env bash
# Benchmark of a hostile piece (issue 14, item 3): the preflight of a PDF whose content stream
# is a Flate bomb, `sne piece check`, against the peer `qpdf --check` (libqpdf's own tool,
# which decodes every stream), each under /usr/bin/time -v: wall time and peak RSS. sne's peak
# is the larger of sne's and its isolated child's (ru_maxrss of waited-for children is the
# maximum over them).
#
#   bench/flate_bomb.sh                  # 1 GiB decoded, on 1 page and shared by 64 pages
#   SIZE=$((256<<20)) bench/flate_bomb.sh
#   SNE=/path/to/sne bench/flate_bomb.sh
#   PEER_ALL_PAGES=1 bench/flate_bomb.sh # qpdf on the 64-page file too (about 15 minutes)
#
# Builds nothing, asserts nothing, exits 0. Needs qpdf and /usr/bin/time (package `time`).
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SNE=${SNE:-$ROOT/build/bin/sne}
SIZE=${SIZE:-$((1 << 30))}
for tool in qpdf /usr/bin/time "$SNE" python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "flate_bomb: missing $tool" >&2
    exit 0
  fi
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() {  # label, command...: prints wall seconds and peak RSS in MB
  local label=$1
  shift
  /usr/bin/time -v "$@" >"$work/out" 2>"$work/time" || true
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$work/time")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$work/time")
  printf '  %-28s %8.2f s %9s MB\n' "$label" "$wall" "$rss"
  echo "$wall $rss" >"$work/last"
}

for pages in 1 64; do
  python3 "$ROOT/bench/flate_bomb.py" "$SIZE" "$pages" >"$work/bomb.pdf"
  printf 'Flate bomb: %d MiB decoded, %d page(s), file %d KB\n' $((SIZE >> 20)) "$pages" \
    $(($(stat -c %s "$work/bomb.pdf") / 1024))
  measure "sne piece check" "$SNE" piece check "$work/bomb.pdf" --json
  read -r sne_wall sne_rss <"$work/last"
  grep -o '"code": *"[a-z_]*"' "$work/out" | sort -u | tr '\n' ' ' | sed 's/^/    codes: /'
  echo
  if ((pages > 1)) && [[ ${PEER_ALL_PAGES:-0} != 1 ]]; then
    # qpdf decodes the shared stream once per page: 64 GiB, 15 minutes on the 2-core machine.
    echo "  qpdf --check (peer)          skipped: it decodes the stream once per page (PEER_ALL_PAGES=1 runs it)"
    echo
    continue
  fi
  measure "qpdf --check (peer)" qpdf --check "$work/bomb.pdf"
  read -r peer_wall peer_rss <"$work/last"
  awk -v a="$sne_wall" -v b="$peer_wall" -v c="$sne_rss" -v d="$peer_rss" \
    'BEGIN { printf "  ratio sne/qpdf: time %.2f, peak memory %.2f\n\n", (b>0?a/b:0), (d>0?c/d:0) }'
done
