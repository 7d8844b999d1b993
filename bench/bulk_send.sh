#!/usr/bin/env bash
# Benchmark of `sne bulk send` (issue 15), against curl sending the same bodies, and against a
# shell loop of `sne piece add`, all against one `sne sandbox serve` in the same run.
#
#   bench/bulk_send.sh                 # 2,000 rows of 2 x 200 KB; memory run 105 rows of 2 x 9.5 MiB
#   bench/bulk_send.sh --quick         # 200 rows, loop of 20, memory run 10 rows of 2 x 2 MB
#   ROWS=4000 LOOP_ROWS=200 BIG_ROWS=0 bench/bulk_send.sh   # other sizes (BIG_ROWS=0: no memory run)
#   SNE=/path/to/sne bench/bulk_send.sh
#   KEEP=1 bench/bulk_send.sh          # keep the temp dir (files, database, outputs) at exit
#   PERF_OUT=/some/dir bench/bulk_send.sh  # also `perf record -g` sne and the server during the
#                                         # main send (its figures then include perf's cost)
#
# In a temp dir (tmpfs unless TMPDIR is set, removed at exit) it seeds fresh demandes into a
# new sandbox database (numériseur delay 24h, no faults), starts `sne sandbox serve` on a free
# loopback port, signs in, and then, each run sending two distinct ~SIZE-byte PDFs per row as
# one pli of two `quittance_loyer` pieces to a demande of its own:
#   sne       `sne bulk send MANIFEST --parallel 8` under /usr/bin/time -v (ROWS rows);
#   curl      the same files to a second set of ROWS demandes with curl --parallel
#             --parallel-max 8: one curl of 2 x ROWS uploads (POST /v1/uploads, raw bytes, an
#             Idempotency-Key each, the answers written to one file each), then one curl of ROWS
#             plis (POST /v1/demandes/NU/plis, the JSON body naming the upload ids). Its time is
#             the sum of the two curl runs, not the Python that writes their config files;
#   loop      `sne piece add NU FILE FILE --type quittance_loyer`, one process a row, in a shell
#             loop over the first LOOP_ROWS rows (a sample: its rate is extrapolated);
#   memory    `sne bulk send --parallel 8` of BIG_ROWS rows of two BIG_SIZE-byte files (2 GB
#             of input by default) under /usr/bin/time -v: peak RSS.
# Prints for each the wall time, plis/s, MB/s (10^6 bytes of files sent per second), peak RSS
# (of the process tree, from /usr/bin/time; sne's own VmHWM in the notes), the CPU seconds of the client(s) and of the server, then the ratios and the issue's targets
# (>= 90 % of curl's throughput, >= 15x the loop, peak RSS <= 64 MB with 2 GB of input).
# Builds nothing, asserts nothing, exits 0. Needs curl, python3, /usr/bin/time (package `time`).
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SNE=${SNE:-$ROOT/build/bin/sne}
PY=${PY:-python3}
FILES_PY=$ROOT/bench/bulk_files.py
PARALLEL=${PARALLEL:-8}
if [ "${1:-}" = --quick ]; then
  ROWS=${ROWS:-200} SIZE=${SIZE:-200000} LOOP_ROWS=${LOOP_ROWS:-20}
  BIG_ROWS=${BIG_ROWS:-10} BIG_SIZE=${BIG_SIZE:-2000000}
fi
ROWS=${ROWS:-2000}
SIZE=${SIZE:-200000}
LOOP_ROWS=${LOOP_ROWS:-100}
BIG_ROWS=${BIG_ROWS:-105}
BIG_SIZE=${BIG_SIZE:-9961472}  # 9.5 MiB: the sandbox takes at most 10 MiB a piece
((LOOP_ROWS > ROWS)) && LOOP_ROWS=$ROWS

for tool in curl "$PY" /usr/bin/time "$SNE"; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "bulk_send: missing $tool (sne: build it with scripts/setup; apt-get install curl time)" >&2
    exit 0
  fi
done

if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then TMPDIR=/dev/shm; fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sne-bulk-bench.XXXXXX")
SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
  if [ -n "${KEEP:-}" ]; then echo "bulk_send: kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export HOME=$TMP/home XDG_CONFIG_HOME=$TMP/home/.config XDG_DATA_HOME=$TMP/home/.local/share
export XDG_STATE_HOME=$TMP/home/.local/state XDG_CACHE_HOME=$TMP/home/.cache
mkdir -p "$HOME"
unset SNE_ENDPOINT SNE_TOKEN SNE_PROFILE NO_COLOR
DB=$TMP/sandbox.db

# Space: the files of the three small runs and of the memory run, and as much again in the
# database (the sandbox keeps every upload's bytes).
need_kb=$(((2 * ROWS * SIZE * 2 + 2 * BIG_ROWS * BIG_SIZE * 2) / 1024 + 65536))
have_kb=$(df -Pk "$TMP" | awk 'NR == 2 { print $4 }')
if ((have_kb < need_kb)); then
  echo "bulk_send: $TMP has $((have_kb >> 10)) MB free, the run needs about $((need_kb >> 10)) MB;" \
    "set TMPDIR to a larger folder or lower ROWS / BIG_ROWS" >&2
  exit 0
fi

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
# CPU seconds (user + system) the server has used so far.
server_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' \
    "/proc/$SERVER/stat" 2>/dev/null || echo 0
}
# time_field FILE NAME: a field of /usr/bin/time -v's output.
time_field() { awk -F': ' -v k="$2" 'index($0, k) { print $2 }' "$1" | head -n 1; }
# own_peak PID: PID is /usr/bin/time's; follows the process it runs (sne) until it ends and
# prints that process's own peak RSS in KB (VmHWM, sampled every 0.1 s: it only grows). The
# figure of /usr/bin/time is the largest of sne and its children (the isolated preflight of each
# file is a forked child, whose RSS counts the pages it shares with sne).
own_peak() {
  local child='' hwm='' v
  while kill -0 "$1" 2>/dev/null; do
    [ -z "$child" ] && child=$(awk '{ print $1 }' "/proc/$1/task/$1/children" 2>/dev/null)
    if [ -n "$child" ]; then
      v=$(awk '/^VmHWM/ { print $2 }' "/proc/$child/status" 2>/dev/null)
      [ -n "$v" ] && hwm=$v
    fi
    sleep 0.1
  done
  echo "$hwm"
}
time_cpu() {
  awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$1"
}

# row LABEL ROWS BYTES SECONDS RSS_KB CLIENT_CPU SERVER_CPU [NOTE]: one line of the table;
# sets RATE (plis/s) and MBPS.
printf -v HEADER '%-8s %7s %9s %8s %8s %11s %10s %10s  %s' \
  run rows seconds plis/s MB/s "peak RSS MB" "client cpu" "server cpu" note
TABLE=()
row() {
  RATE=$(awk -v n="$2" -v s="$4" 'BEGIN { printf "%.1f", (s > 0 ? n / s : 0) }')
  MBPS=$(awk -v b="$3" -v s="$4" 'BEGIN { printf "%.1f", (s > 0 ? b / s / 1e6 : 0) }')
  local rss
  rss=$(awk -v k="$5" 'BEGIN { if (k == "") print "-"; else printf "%.1f", k / 1024 }')
  TABLE+=("$(printf '%-8s %7s %9s %8s %8s %11s %10s %10s  %s' "$1" "$2" "$4" "$RATE" "$MBPS" \
    "$rss" "$6" "$7" "${8:-}")")
  echo "${TABLE[-1]}"
}

echo "bulk_send: $ROWS rows of 2 x $SIZE B (sne and curl), loop of $LOOP_ROWS rows," \
  "memory run $BIG_ROWS rows of 2 x $BIG_SIZE B, --parallel $PARALLEL"
echo "           $("$SNE" --version | head -n 1), $(curl --version | head -n 1 | cut -d' ' -f1-2)," \
  "$(nproc) cores, files in $TMP ($(df -T "$TMP" | awk 'NR == 2 { print $2 }'))"

# ---- inputs -----------------------------------------------------------------------------------
t0=$(now)
"$SNE" sandbox numeriseur --db "$DB" --delay 24h >/dev/null || exit 0
"$SNE" sandbox faults --db "$DB" --off >/dev/null || exit 0
total=$((2 * ROWS + LOOP_ROWS + BIG_ROWS))
"$SNE" sandbox seed --demandes "$total" --db "$DB" >"$TMP/numeros" 2>/dev/null || exit 0
split_numeros() {  # NAME FIRST COUNT
  tail -n +"$2" "$TMP/numeros" | head -n "$3" >"$TMP/$1.numeros"
}
split_numeros sne 1 "$ROWS"
split_numeros curl $((ROWS + 1)) "$ROWS"
split_numeros loop $((2 * ROWS + 1)) "$LOOP_ROWS"
split_numeros big $((2 * ROWS + LOOP_ROWS + 1)) "$BIG_ROWS"
"$PY" "$FILES_PY" pdfs "$TMP/files" "$TMP/sne.numeros" "$SIZE" "$TMP/sne.csv" || exit 0
# The curl run sends the same files to the second set of demandes.
bytes=$(find "$TMP/files" -name '*.pdf' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
echo "inputs:    $total demandes seeded, $((2 * ROWS)) PDFs ($((bytes / 1000000)) MB) in $(elapsed "$t0" "$(now)") s"

"$SNE" sandbox serve --listen 127.0.0.1:0 --db "$DB" >"$TMP/serve" 2>"$TMP/serve.err" &
SERVER=$!
for _ in $(seq 100); do grep -q 'http://' "$TMP/serve" && break; sleep 0.1; done
URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$TMP/serve" | head -n 1)
if [ -z "$URL" ]; then
  echo "bulk_send: the sandbox did not start:" >&2
  cat "$TMP/serve.err" >&2
  exit 0
fi
echo sandbox | "$SNE" --endpoint "$URL" auth login --email agent@sandbox.sne.test \
  --password-stdin >/dev/null || exit 0
# curl's own session, through the contract (the token stays in the temp dir).
curl -sS -X POST -H 'Content-Type: application/json' \
  -d '{"email":"agent@sandbox.sne.test","password":"sandbox"}' "$URL/v1/auth/token" |
  "$PY" -c 'import json, sys; print(json.load(sys.stdin)["token"])' >"$TMP/token" || exit 0
S=("$SNE" --endpoint "$URL")
echo "server:    $URL (pid $SERVER)"
echo
echo "$HEADER"

# ---- sne bulk send ------------------------------------------------------------------------------
perf_client=()
if [ -n "${PERF_OUT:-}" ]; then
  mkdir -p "$PERF_OUT"
  perf_client=(perf record -g -o "$PERF_OUT/client.perf.data" --)
  perf record -g -p "$SERVER" -o "$PERF_OUT/server.perf.data" 2>"$PERF_OUT/server.perf.log" &
  PERF_SERVER=$!
  sleep 1
fi
c0=$(server_cpu)
/usr/bin/time -v -o "$TMP/sne.time" "${perf_client[@]}" "${S[@]}" bulk send "$TMP/sne.csv" \
  --parallel "$PARALLEL" --journal "$TMP/sne.journal" --report "$TMP/sne.report.csv" --json \
  >"$TMP/sne.json" 2>"$TMP/sne.err" &
pid=$!
own=$(own_peak "$pid")
wait "$pid"
rc=$?
c1=$(server_cpu)
if [ -n "${PERF_OUT:-}" ]; then
  kill -INT "$PERF_SERVER" 2>/dev/null
  wait "$PERF_SERVER" 2>/dev/null
fi
sne_s=$(time_field "$TMP/sne.time" "Elapsed (wall clock)" |
  awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
sent=$("$PY" -c 'import json, sys; d = json.load(open(sys.argv[1])); print(d["sent"])' \
  "$TMP/sne.json" 2>/dev/null || echo 0)
row sne "$ROWS" "$bytes" "$sne_s" "$(time_field "$TMP/sne.time" "Maximum resident set size")" \
  "$(time_cpu "$TMP/sne.time")" "$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }')" \
  "exit $rc, $sent sent, sne alone $(awk -v k="$own" 'BEGIN { printf "%.1f", k / 1024 }') MB${PERF_OUT:+, under perf}"
SNE_RATE=$RATE
((rc != 0)) && tail -n 5 "$TMP/sne.err" | sed 's/^/          | /'

# ---- curl --parallel ----------------------------------------------------------------------------
"$PY" "$FILES_PY" curl-uploads "$TMP/sne.csv" "$URL" "$TMP/token" "$TMP/uploads.curl" "$TMP/ids"
c0=$(server_cpu)
/usr/bin/time -v -o "$TMP/curl1.time" curl --parallel --parallel-max "$PARALLEL" \
  -K "$TMP/uploads.curl" >"$TMP/curl1.codes" 2>"$TMP/curl1.err"
rc1=$?
c1=$(server_cpu)
failed_uploads=$("$PY" "$FILES_PY" curl-plis "$TMP/sne.csv" "$TMP/curl.numeros" "$URL" \
  "$TMP/token" "$TMP/ids" "$TMP/plis.curl")
c2=$(server_cpu)
/usr/bin/time -v -o "$TMP/curl2.time" curl --parallel --parallel-max "$PARALLEL" \
  -K "$TMP/plis.curl" >"$TMP/curl2.codes" 2>"$TMP/curl2.err"
rc2=$?
c3=$(server_cpu)
wall() {
  time_field "$1" "Elapsed (wall clock)" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }'
}
up_s=$(wall "$TMP/curl1.time")
pli_s=$(wall "$TMP/curl2.time")
curl_s=$(awk -v a="$up_s" -v b="$pli_s" 'BEGIN { print a + b }')
ok_up=$(grep -c '^201$' "$TMP/curl1.codes")
ok_pli=$(grep -c '^201$' "$TMP/curl2.codes")
curl_rss=$(for f in curl1 curl2; do time_field "$TMP/$f.time" "Maximum resident set size"; done |
  sort -n | tail -n 1)
curl_cpu=$(awk -v a="$(time_cpu "$TMP/curl1.time")" -v b="$(time_cpu "$TMP/curl2.time")" \
  'BEGIN { printf "%.2f", a + b }')
row curl "$ROWS" "$bytes" "$curl_s" "$curl_rss" "$curl_cpu" \
  "$(awk -v a="$c0" -v b="$c1" -v c="$c2" -v d="$c3" 'BEGIN { printf "%.2f", b - a + d - c }')" \
  "exit $rc1/$rc2, uploads $up_s s ($ok_up x 201), plis $pli_s s ($ok_pli x 201)"
CURL_RATE=$RATE
((failed_uploads > 0 || rc1 != 0 || rc2 != 0)) &&
  echo "          | curl: $failed_uploads uploads without an id; $(sort "$TMP/curl1.codes" "$TMP/curl2.codes" | uniq -c | tr '\n' ' ')"

# ---- the shell loop of sne piece add --------------------------------------------------------------
paste -d, "$TMP/loop.numeros" <(tail -n +2 "$TMP/sne.csv" | head -n "$LOOP_ROWS" | cut -d, -f3) \
  >"$TMP/loop.rows"
loop_bytes=0
while IFS=, read -r _ files; do
  for f in ${files//|/ }; do loop_bytes=$((loop_bytes + $(stat -c %s "$TMP/$f"))); done
done <"$TMP/loop.rows"
c0=$(server_cpu)
t0=$(now)
loop_ok=0
while IFS=, read -r numero files; do
  IFS='|' read -r a b <<<"$files"
  "${S[@]}" piece add "$numero" "$TMP/$a" "$TMP/$b" --type quittance_loyer >/dev/null 2>>"$TMP/loop.err" &&
    loop_ok=$((loop_ok + 1))
done <"$TMP/loop.rows"
t1=$(now)
c1=$(server_cpu)
row loop "$LOOP_ROWS" "$loop_bytes" "$(elapsed "$t0" "$t1")" "" "-" \
  "$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }')" \
  "$loop_ok sent; a sample of $LOOP_ROWS rows: its rate stands for all $ROWS"
LOOP_RATE=$RATE

# ---- memory: 2 GB of input ------------------------------------------------------------------------
if ((BIG_ROWS > 0)); then
  rm -rf "$TMP/files" "$TMP/ids"  # the small runs' files: room for the large ones
  "$PY" "$FILES_PY" pdfs "$TMP/big" "$TMP/big.numeros" "$BIG_SIZE" "$TMP/big.csv" || exit 0
  big_bytes=$(find "$TMP/big" -name '*.pdf' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
  c0=$(server_cpu)
  /usr/bin/time -v -o "$TMP/big.time" "${S[@]}" bulk send "$TMP/big.csv" --parallel "$PARALLEL" \
    --journal "$TMP/big.journal" --json >"$TMP/big.json" 2>"$TMP/big.err" &
  pid=$!
  BIG_OWN=$(own_peak "$pid")
  wait "$pid"
  rc=$?
  c1=$(server_cpu)
  BIG_RSS=$(time_field "$TMP/big.time" "Maximum resident set size")
  row memory "$BIG_ROWS" "$big_bytes" "$(wall "$TMP/big.time")" "$BIG_RSS" \
    "$(time_cpu "$TMP/big.time")" "$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }')" \
    "exit $rc, $((big_bytes / 1000000)) MB of input, sne alone $(awk -v k="$BIG_OWN" 'BEGIN { printf "%.1f", k / 1024 }') MB"
  ((rc != 0)) && tail -n 5 "$TMP/big.err" | sed 's/^/          | /'
  rm -rf "$TMP/big"
fi

# ---- summary --------------------------------------------------------------------------------------
echo
echo "summary (one run, one server, $(nproc) cores; MB = 10^6 bytes of files sent)"
echo "$HEADER"
printf '%s\n' "${TABLE[@]}"
awk -v s="$SNE_RATE" -v c="$CURL_RATE" -v l="$LOOP_RATE" 'BEGIN {
  if (c > 0) printf "ratio     sne / curl throughput: %.2f (target >= 0.90)\n", s / c
  if (l > 0) printf "ratio     sne / loop throughput: %.1fx (target >= 15x; loop rate from a sample)\n", s / l
}'
if ((BIG_ROWS > 0)); then
  awk -v k="$BIG_RSS" -v b="$big_bytes" \
    'BEGIN { printf "memory    sne peak RSS with %.2f GB of input: %.1f MB (target <= 64 MB)\n", b / 1e9, k / 1024 }'
  awk -v k="$BIG_OWN" 'BEGIN { printf "          of which sne alone, without its preflight children: %.1f MB\n", k / 1024 }'
fi
exit 0
