#!/usr/bin/env bash
# Benchmark of `sne pli report` (issue 18, item 1) on 100,000 plis of the embedded sandbox,
# against sqlite3 aggregating the same rows of the same database.
#
#   bench/pli_report.sh                 # 100,000 plis, 3 runs
#   PLIS=20000 RUNS=5 bench/pli_report.sh
#   SNE=/path/to/sne bench/pli_report.sh
#
# Makes a fresh sandbox database in a scratch HOME (XDG folders inside it), adds PLIS plis over a
# year to guichet G3401 (`sne sandbox seed --plis`), then times, RUNS times each, under
# /usr/bin/time:
#   html     sne --endpoint sandbox:DB pli report -o report.html
#   json     sne --endpoint sandbox:DB pli report --json
#   sqlite3  sqlite3 DB: plis per week and status, and rejected pieces per motif (GROUP BY)
# sqlite3 is the floor, and why it is the peer: the same numbers' raw material aggregated where
# it lives, in one process, with no web-service contract, no pages, no authentication and no
# calendar (its weeks are UTC weeks, not ISO weeks of the territory's legal time, and it has no
# processing times in jours ouvrés, no deadline, no overdue plis). sne pages through the contract
# (500 plis a page), decodes and checks each page, has the service count the motifs of the
# rejected plis (GET /v1/plis/motifs, one request), computes each pli's deadline in jours
# ouvrés, and draws the page.
# Prints the median wall time, the peak RSS, the output size, the ratio to sqlite3 and the
# target (2 s). Asserts nothing and exits 0.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PLIS=${PLIS:-100000}
RUNS=${RUNS:-3}
SNE=${SNE:-$ROOT/build/bin/sne}

. "$ROOT/bench/common.sh"
bench_require pli_report "sne: build it with scripts/setup; apt-get install sqlite3 time" \
  sqlite3 /usr/bin/time "$SNE"
bench_scratch report
trap 'rm -rf "$TMP"' EXIT
bench_home
DB=$TMP/sandbox.db

# measure NAME FILE CMD...: RUNS runs; prints "NAME seconds peak_kb bytes" (bytes of FILE, or of
# stdout when FILE is -).
measure() {
  local name=$1 file=$2 secs=() kbs=() bytes=0
  shift 2
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %M' -o "$TMP/time" "$@" >"$TMP/out" 2>"$TMP/err" || {
      echo "pli_report: $name failed:" >&2
      cat "$TMP/err" >&2
      return
    }
    read -r s k <"$TMP/time"
    secs+=("$s")
    kbs+=("$k")
    if [ "$file" = - ]; then bytes=$(wc -c <"$TMP/out"); else bytes=$(wc -c <"$file"); fi
  done
  echo "$name $(printf '%s\n' "${secs[@]}" | median) $(printf '%s\n' "${kbs[@]}" | median) $bytes"
}

t0=$(date +%s.%N)
"$SNE" sandbox seed --plis "$PLIS" --days 365 --db "$DB" >/dev/null || exit 0
t1=$(date +%s.%N)
total=$(sqlite3 "$DB" "SELECT count(*) FROM plis WHERE guichet = 'G3401'")
rejected=$(sqlite3 "$DB" "SELECT count(*) FROM plis WHERE guichet = 'G3401' AND statut LIKE 'rejet%'")

html=$(measure html "$TMP/report.html" "$SNE" --endpoint "sandbox:$DB" pli report -o "$TMP/report.html")
json=$(measure json - "$SNE" --endpoint "sandbox:$DB" pli report --json)
counted=$(jq '.all.totals.total' "$TMP/out" 2>/dev/null || echo "?")

peer=$(measure sqlite3 - sqlite3 "$DB" \
  "SELECT strftime('%Y-%W', date_transmission, 'unixepoch') AS week, statut, count(*)
     FROM plis WHERE guichet = 'G3401' GROUP BY week, statut ORDER BY week, statut;
   SELECT pp.motif, count(DISTINCT pp.transaction_id), count(*)
     FROM pli_pieces pp JOIN plis p ON p.transaction_id = pp.transaction_id
    WHERE p.guichet = 'G3401' AND pp.resultat = 'rejetee' GROUP BY pp.motif ORDER BY 2 DESC;")

echo "pli_report: $total plis of G3401, $rejected rejected ($PLIS added in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s), median of $RUNS runs, $(nproc) cores"
echo "            $("$SNE" --version | head -n 1), $(sqlite3 --version | cut -d' ' -f1-2 | sed 's/^/sqlite3 /'), $counted plis in the report"
printf '%-9s %9s %12s %12s %10s %8s\n' run seconds "peak RSS KB" "output B" "x sqlite3" target
peer_s=$(echo "$peer" | awk '{print $2}')
for line in "$html" "$json" "$peer"; do
  [ -z "$line" ] && continue
  read -r name s kb b <<<"$line"
  case $name in
    html | json) target="<= 2 s" ;;
    *) target="" ;;
  esac
  printf '%-9s %9.2f %12s %12s %10.1f %8s\n' "$name" "$s" "$kb" "$b" \
    "$(awk -v a="$s" -v b="$peer_s" 'BEGIN { print (b > 0 ? a / b : 0) }')" "$target"
done
exit 0
