#!/usr/bin/env bash
# Benchmark of `sne piece check` on every core (issue 19, item 3): the preflight of FILES mixed
# files (PDF, JPEG, PNG) with --jobs 1 and --jobs JOBS, against a shell loop of `qpdf --check`
# over the same PDFs.
#
#   bench/piece_check.sh                     # 1,000 files, 3 runs, JOBS = number of cores
#   FILES=300 RUNS=5 JOBS=4 bench/piece_check.sh
#   SNE=/path/to/sne bench/piece_check.sh
#
# Makes FILES files in a temp dir (a third each, in turn): PDFs (every other one a scan: a JPEG
# page written by Pillow; the others born digital: 1 to 4 pages of text, bench/bulk_files.py's
# sample), JPEG scans and PNG scans (A4 at 100 dpi, 827x1169, noise over a gradient so that
# they do not compress to nothing), then times, RUNS times each, under /usr/bin/time:
#   jobs=1     sne piece check --jobs 1 - < list of every file
#   jobs=N     sne piece check --jobs N - < the same list
#   pdf jobs=N sne piece check --jobs N over the PDFs only
#   qpdf loop  for f in PDFs; do qpdf --check "$f"; done
# and prints the median wall time, user+system CPU time (children included), peak RSS (of the
# largest process: sne or one of its inspection servers), the speed-up of jobs=N over jobs=1
# (target >= 1.8x on 2 cores) and the ratio to the qpdf loop (target: sne faster), with the
# load of the machine (uptime) before and after: on a shared machine, other work steals cores.
# Checks that --jobs 1 and --jobs N printed the same bytes. Asserts nothing and exits 0.
# Needs /usr/bin/time (package `time`), qpdf, and Debian's python3-pil (/usr/bin/python3).
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FILES=${FILES:-1000}
RUNS=${RUNS:-3}
JOBS=${JOBS:-$(nproc)}
SNE=${SNE:-$ROOT/build/bin/sne}
PY=/usr/bin/python3

for tool in qpdf /usr/bin/time "$SNE" "$PY"; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "piece_check: missing $tool (sne: build it with scripts/setup; apt-get install qpdf time)" >&2
    exit 0
  fi
done
if ! "$PY" -c 'import PIL' 2>/dev/null; then
  echo "piece_check: missing Pillow for $PY (apt-get install python3-pil)" >&2
  exit 0
fi

if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then TMPDIR=/dev/shm; fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sne-piece-bench.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
mkdir -p "$TMP/files"

"$PY" - "$TMP/files" "$FILES" "$ROOT/bench" <<'EOF' || exit 0
import io, os, random, sys
sys.path.insert(0, sys.argv[3])
from PIL import Image
from bulk_files import pdf_file

folder, count = sys.argv[1], int(sys.argv[2])
rng = random.Random(19)

def scan(seed):
    w, h = 827, 1169  # A4 at 100 dpi
    img = Image.linear_gradient("L").resize((w, h)).convert("RGB")
    noise = Image.effect_noise((w, h), 40 + seed % 20).convert("RGB")
    return Image.blend(img, noise, 0.3)

def text_pdf(pages, label):
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(pages))
            + b"] /Count %d >>" % pages]
    for i in range(pages):
        content = b"BT /F1 12 Tf 72 720 Td (Quittance %s page %d) Tj ET" % (label.encode(), i + 1)
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                    b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 "
                    b"/BaseFont /Helvetica >> >> >> >>" % (4 + 2 * i))
        objs.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    return pdf_file(objs)

# A few distinct scans, written under many names: the parsing is what is measured.
variants = []
for v in range(8):
    img = scan(v)
    out = {}
    for fmt, kw in (("JPEG", {"quality": 85, "dpi": (100, 100)}), ("PNG", {"dpi": (100, 100)}),
                    ("PDF", {"resolution": 100.0})):
        b = io.BytesIO()
        (img.convert("L") if fmt == "PNG" else img).save(b, fmt, **kw)
        out[fmt] = b.getvalue()
    variants.append(out)
for i in range(count):
    kind = i % 3
    v = variants[rng.randrange(len(variants))]
    if kind == 0:
        data = v["PDF"] if (i // 3) % 2 else text_pdf(1 + i % 4, str(i))
        name = "%05d.pdf" % i
    elif kind == 1:
        data, name = v["JPEG"], "%05d.jpg" % i
    else:
        data, name = v["PNG"], "%05d.png" % i
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)
EOF

find "$TMP/files" -type f | sort >"$TMP/all.list"
grep '\.pdf$' "$TMP/all.list" >"$TMP/pdf.list"
npdf=$(wc -l <"$TMP/pdf.list")
nall=$(wc -l <"$TMP/all.list")
bytes=$(du -sb "$TMP/files" | cut -f1)

. "$ROOT/bench/common.sh"  # median

# measure NAME STDIN CMD...: RUNS runs; prints "NAME wall cpu peak_kb" (medians) and keeps the
# last run's stdout in $TMP/NAME.out.
measure() {
  local name=$1 input=$2 secs=() cpus=() kbs=()
  shift 2
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %U %S %M' -o "$TMP/time" "$@" <"$input" >"$TMP/$name.out" 2>"$TMP/err"
    local rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 6 ]; then  # 6: some file rejected
      echo "piece_check: $name failed (exit $rc):" >&2
      head -n 5 "$TMP/err" >&2
      return
    fi
    read -r s u y k < <(tail -n 1 "$TMP/time")
    secs+=("$s")
    cpus+=("$(awk -v u="$u" -v y="$y" 'BEGIN { print u + y }')")
    kbs+=("$k")
  done
  echo "$name $(printf '%s\n' "${secs[@]}" | median) $(printf '%s\n' "${cpus[@]}" | median) $(printf '%s\n' "${kbs[@]}" | median)"
}

echo "piece check: $nall files ($npdf PDF, the rest JPEG and PNG half each), $bytes bytes, in $TMP"
echo "machine: $(nproc) cores; $("$SNE" --version 2>/dev/null | head -n 1); $(qpdf --version | head -n 1)"
echo "load before: $(uptime)"

one=$(measure jobs1 "$TMP/all.list" "$SNE" piece check --jobs 1 -)
many=$(measure "jobs$JOBS" "$TMP/all.list" "$SNE" piece check --jobs "$JOBS" -)
pdfs=$(measure pdfs "$TMP/pdf.list" "$SNE" piece check --jobs "$JOBS" -)
peer=$(measure qpdf "$TMP/pdf.list" bash -c 'while read -r f; do qpdf --check "$f" >/dev/null 2>&1; done')

echo "load after:  $(uptime)"
if cmp -s "$TMP/jobs1.out" "$TMP/jobs$JOBS.out"; then same="identical"; else same="DIFFERENT"; fi
printf '%-24s %8s %8s %10s\n' "" "wall s" "cpu s" "peak KB"
for row in "$one" "$many" "$pdfs" "$peer"; do
  # shellcheck disable=SC2086
  set -- $row
  [ $# -eq 4 ] || continue
  case $1 in
    jobs1) label="sne --jobs 1 ($nall)" ;;
    pdfs) label="sne --jobs $JOBS ($npdf PDF)" ;;
    qpdf) label="qpdf --check loop ($npdf)" ;;
    *) label="sne --jobs $JOBS ($nall)" ;;
  esac
  printf '%-24s %8s %8s %10s\n' "$label" "$2" "$3" "$4"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else printf "?" }'; }
w1=$(echo "$one" | awk '{ print $2 }') wn=$(echo "$many" | awk '{ print $2 }')
wp=$(echo "$pdfs" | awk '{ print $2 }') wq=$(echo "$peer" | awk '{ print $2 }')
echo "speed-up  jobs=$JOBS over jobs=1: $(ratio "$w1" "$wn")x (target >= 1.8x on 2 cores); outputs $same"
echo "peer      qpdf loop / sne jobs=$JOBS, same $npdf PDFs: $(ratio "$wq" "$wp")x; qpdf loop over the PDFs / sne jobs=$JOBS over all $nall files: $(ratio "$wq" "$wn")x (target > 1)"
exit 0
