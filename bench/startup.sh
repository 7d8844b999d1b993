#!/usr/bin/env bash
# Benchmark of sne's start-up (issue 19, item 1): how long a command takes from exec to exit,
# and its peak RSS, for commands that need no PDF, HTTP or SQLite and for those that do (a pli
# listed from the embedded sandbox and through `sne sandbox serve`, a fiche made with PoDoFo, a
# PDF's preflight with libqpdf, each loading its plugin), against
# `curl --version` and `qpdf --version` on the same machine in the same run.
#
#   bench/startup.sh                 # 200 runs of each
#   RUNS=500 bench/startup.sh
#   SNE=/path/to/sne bench/startup.sh
#
# Each command runs RUNS times in a scratch HOME (XDG folders inside it) with stdout and stderr
# to /dev/null; the wall time of each run is taken around posix_spawn+wait by /usr/bin/python3
# (time.perf_counter). The peak RSS is GNU time's (%M), over 21 more runs: wait4's figure for a
# child that Python spawns counts Python's own pages (the address space the child had before it
# exec'ed, about 10 MB), time's counts its ~2 MB. Prints the median and the 90th
# percentile of the wall time, the median peak RSS, and the ratio of the median to curl's and
# qpdf's; the targets are 5 ms and 8 MB for a command that needs no PDF, HTTP or SQLite, 15 ms for
# every command. Asserts nothing and exits 0.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${RUNS:-200}
SNE=${SNE:-$ROOT/build/bin/sne}
PY=/usr/bin/python3

. "$ROOT/bench/common.sh"
bench_require startup "sne: build it with scripts/setup; apt-get install curl qpdf python3 time" \
  curl qpdf "$PY" /usr/bin/time "$SNE"
bench_scratch startup
SERVER=
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$TMP"' EXIT
bench_home
# The embedded sandbox made and signed in once, so that the pli command times a warm start.
"$SNE" pli list --limit 1 >/dev/null 2>&1
# A fiche for the preflight to read, and `sne sandbox serve` signed in to for a command over HTTP.
GUICHET="--guichet G3401 --siret 73282932000074 --territoire 034"
"$SNE" fiche create --numero 0340523004101G3401 --contexte ajout $GUICHET -o "$TMP/fiche.pdf" \
  >/dev/null
"$SNE" sandbox serve --listen 127.0.0.1:0 --db "$TMP/served.db" >"$TMP/serve" 2>/dev/null &
SERVER=$!
for _ in $(seq 50); do grep -q 'http://' "$TMP/serve" && break; sleep 0.1; done
URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$TMP/serve" | head -n 1)
echo sandbox | "$SNE" --endpoint "$URL" auth login --email agent@sandbox.sne.test \
  --password-stdin >/dev/null 2>&1

echo "startup: $(nproc) cores, $(uptime | sed 's/.*load average/load average/'), $RUNS runs each"
echo "         $("$SNE" --version | head -n 1); $(curl --version | head -n 1 | cut -d' ' -f1-2); $(qpdf --version | head -n 1)"

"$PY" - "$RUNS" "$SNE" "$TMP" "$URL" <<'EOF'
import os, statistics, subprocess, sys, tempfile, time

runs, sne, tmp, url = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
guichet = ["--guichet", "G3401", "--siret", "73282932000074", "--territoire", "034"]
commands = [
    ("sne --version", [sne, "--version"], "light"),
    ("sne numero check", [sne, "numero", "check", "0340523004101G3401"], "light"),
    ("sne calendar add", [sne, "calendar", "add", "2026-10-23", "2"], "light"),
    ("sne --help", [sne, "--help"], "light"),
    ("sne pli list (sandbox)", [sne, "pli", "list", "--limit", "1"], "heavy"),
    ("sne pli list (http)", [sne, "--endpoint", url, "pli", "list", "--limit", "1"], "heavy"),
    ("sne fiche create", [sne, "fiche", "create", "--numero", "0340523004101G3401", "--contexte",
                          "ajout", *guichet, "-o", tmp + "/made.pdf"], "heavy"),
    ("sne piece check (pdf)", [sne, "piece", "check", tmp + "/fiche.pdf"], "heavy"),
    ("curl --version", ["curl", "--version"], "peer"),
    ("qpdf --version", ["qpdf", "--version"], "peer"),
]
null = os.open(os.devnull, os.O_WRONLY)
results = {}
rss_file = tempfile.NamedTemporaryFile(prefix="sne-startup-rss-")
for name, argv, kind in commands:
    walls, rss = [], []
    for _ in range(runs):
        start = time.perf_counter()
        pid = os.posix_spawnp(argv[0], argv, os.environ,
                              file_actions=[(os.POSIX_SPAWN_DUP2, null, 1),
                                            (os.POSIX_SPAWN_DUP2, null, 2)])
        _, status, usage = os.wait4(pid, 0)
        walls.append((time.perf_counter() - start) * 1000)
    for _ in range(21):
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss_file.name, *argv],
                       stdout=null, stderr=null)
        with open(rss_file.name) as f:
            rss.append(int(f.read().split()[-1]))
    walls.sort()
    results[name] = (statistics.median(walls), walls[int(len(walls) * 0.9) - 1],
                     statistics.median(rss), kind, os.waitstatus_to_exitcode(status))
curl, qpdf = results["curl --version"][0], results["qpdf --version"][0]
print(f"{'command':<24} {'median ms':>9} {'p90 ms':>7} {'RSS KB':>7} {'x curl':>6} {'x qpdf':>6}  target")
for name, (median, p90, rss, kind, code) in results.items():
    target = {"light": "<= 5 ms, 8 MB", "heavy": "<= 15 ms", "peer": ""}[kind]
    if code != 0:
        target += f" (exit {code})"
    print(f"{name:<24} {median:9.2f} {p90:7.2f} {rss:7.0f} {median / curl:6.1f} {median / qpdf:6.1f}  {target}")
EOF
exit 0
