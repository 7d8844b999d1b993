#!/usr/bin/env bash
# Benchmark of `sne pli list --all --json` (issues 6 and 19) on 100,000 plis, on the embedded sandbox
# and through `sne sandbox serve`, against sqlite3's own JSON dump of the same rows.
#
#   bench/pli_list.sh                 # 100,000 plis, 3 runs
#   PLIS=20000 RUNS=5 bench/pli_list.sh
#   SNE=/path/to/sne bench/pli_list.sh
#
# Makes a fresh sandbox database, adds PLIS plis to guichet G3401 (`sne sandbox seed --plis`),
# then times, RUNS times each, under /usr/bin/time -v:
#   embedded  sne --endpoint sandbox:DB pli list --all --json
#   http      sne --endpoint http://127.0.0.1:PORT pli list --all --json   (sne sandbox serve)
#   sqlite3   sqlite3 -json DB "SELECT ... the same columns, the same order"
# sqlite3 is the floor: one query, no pages, no authentication, no validation, no deadline; sne
# pages through the web-service contract (500 plis a page), decodes and checks each page, and
# computes each pli's deadline in jours ouvrés. Prints the median wall time, the peak RSS, the
# output size, the ratio to sqlite3 and issue 19's targets (1 s embedded, 1.2 s over HTTP, a peak
# RSS of 64 MB, at most 1.5 times sqlite3's time). Asserts nothing and exits 0.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PLIS=${PLIS:-100000}
RUNS=${RUNS:-3}
SNE=${SNE:-$ROOT/build/bin/sne}

. "$ROOT/bench/common.sh"
bench_require pli_list "sne: build it with scripts/setup; apt-get install sqlite3 time" \
  sqlite3 /usr/bin/time "$SNE"
bench_scratch pli
SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
bench_home
DB=$TMP/sandbox.db

# measure NAME CMD...: RUNS runs; prints "NAME seconds peak_kb bytes".
measure() {
  local name=$1 secs=() kbs=() bytes=0
  shift
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %M' -o "$TMP/time" "$@" >"$TMP/out" 2>"$TMP/err" || {
      echo "pli_list: $name failed:" >&2
      cat "$TMP/err" >&2
      return
    }
    read -r s k <"$TMP/time"
    secs+=("$s")
    kbs+=("$k")
    bytes=$(wc -c <"$TMP/out")
  done
  echo "$name $(printf '%s\n' "${secs[@]}" | median) $(printf '%s\n' "${kbs[@]}" | median) $bytes"
}

t0=$(date +%s.%N)
"$SNE" sandbox seed --plis "$PLIS" --db "$DB" >/dev/null || exit 0
t1=$(date +%s.%N)
total=$(sqlite3 "$DB" "SELECT count(*) FROM plis WHERE guichet = 'G3401'")

embedded=$(measure embedded "$SNE" --endpoint "sandbox:$DB" pli list --all --json)
listed=$(jq length "$TMP/out" 2>/dev/null || echo "?")

"$SNE" sandbox serve --listen 127.0.0.1:0 --db "$DB" >"$TMP/serve" 2>"$TMP/serve.err" &
SERVER=$!
for _ in $(seq 50); do grep -q 'http://' "$TMP/serve" && break; sleep 0.1; done
URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$TMP/serve" | head -n 1)
echo sandbox | "$SNE" --endpoint "$URL" auth login --email agent@sandbox.sne.test \
  --password-stdin >/dev/null 2>&1
http=$(measure http "$SNE" --endpoint "$URL" pli list --all --json)

peer=$(measure sqlite3 sqlite3 -json "$DB" \
  "SELECT p.transaction_id AS \"transaction\", p.numero AS numero_unique, p.guichet, p.contexte,
          p.statut, strftime('%Y-%m-%dT%H:%M:%SZ', p.date_transmission, 'unixepoch') AS date_transmission,
          strftime('%Y-%m-%dT%H:%M:%SZ', p.date_statut, 'unixepoch') AS date_statut,
          (SELECT count(*) FROM pli_pieces x WHERE x.transaction_id = p.transaction_id) AS nb_pieces
     FROM plis p WHERE p.guichet = 'G3401'
    ORDER BY p.date_transmission DESC, p.transaction_id DESC")

echo "pli_list: $total plis of G3401 ($PLIS added in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s), median of $RUNS runs, $(nproc) cores"
echo "          $("$SNE" --version | head -n 1), $(sqlite3 --version | cut -d' ' -f1-2 | sed 's/^/sqlite3 /'), $listed plis listed"
printf '%-9s %9s %12s %12s %10s %8s\n' run seconds "peak RSS KB" "output B" "x sqlite3" target
peer_s=$(echo "$peer" | awk '{print $2}')
for line in "$embedded" "$http" "$peer"; do
  [ -z "$line" ] && continue
  read -r name s kb b <<<"$line"
  case $name in
    embedded) target="<= 1 s, 64 MB, 1.5x" ;;
    http) target="<= 1.2 s, 64 MB" ;;
    *) target="" ;;
  esac
  printf '%-9s %9.2f %12s %12s %10.1f %8s\n' "$name" "$s" "$kb" "$b" \
    "$(awk -v a="$s" -v b="$peer_s" 'BEGIN { print (b > 0 ? a / b : 0) }')" "$target"
done
exit 0
