# What the benchmark scripts share; sourced, never run. Each script sets ROOT and sources it:
#   . "$ROOT/bench/common.sh"

# bench_require NAME HINT TOOL...: exits 0 (a benchmark asserts nothing) naming the first tool
# missing, with HINT saying how to get it.
bench_require() {
  local name=$1 hint=$2 tool
  shift 2
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "$name: missing $tool ($hint)" >&2
      exit 0
    fi
  done
}

# bench_scratch NAME: a scratch folder in TMP, on tmpfs when there is one and TMPDIR is unset,
# so that the disk does not weigh on the figures. The caller removes it (trap).
bench_scratch() {
  if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then TMPDIR=/dev/shm; fi
  TMP=$(mktemp -d "${TMPDIR:-/tmp}/sne-$1-bench.XXXXXX")
}

# bench_home: HOME and the XDG folders inside TMP, and no SNE_* setting from the caller, so that
# sne uses a fresh embedded sandbox and no configuration.
bench_home() {
  export HOME=$TMP/home XDG_CONFIG_HOME=$TMP/home/.config XDG_DATA_HOME=$TMP/home/.local/share
  export XDG_STATE_HOME=$TMP/home/.local/state XDG_CACHE_HOME=$TMP/home/.cache
  mkdir -p "$HOME"
  unset SNE_ENDPOINT SNE_TOKEN SNE_PROFILE
}

# median: the median of the numbers on stdin, one per line.
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
