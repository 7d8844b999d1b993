#!/usr/bin/env bash
# Benchmark of `sne piece pack` (issue 5) against Debian's img2pdf on the same scans.
#
#   bench/pack.sh                    # 10 pages, 5 runs
#   PAGES=4 RUNS=9 bench/pack.sh
#   SNE=/path/to/sne bench/pack.sh
#
# Makes a PDF of PAGES A4 pages (text lines, a table, a photo-like gradient), rasterises it with
# pdftoppm at 300 dpi as colour JPEG (quality 90), colour PNG and grayscale PNG (a scanner's
# usual outputs), then packs each set with `sne piece pack` and with `img2pdf`, each pinned to
# one core (taskset -c 0), RUNS times. Prints the median wall time, the PDF size and the ratios
# sne / img2pdf, and checks both outputs with qpdf. Builds nothing, asserts nothing, exits 0.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PAGES=${PAGES:-10}
RUNS=${RUNS:-5}
SNE=${SNE:-$ROOT/build/bin/sne}

. "$ROOT/bench/common.sh"
bench_require pack "sne: build it; img2pdf: apt-get install img2pdf" \
  taskset pdftoppm qpdf img2pdf python3 "$SNE"
bench_scratch pack
trap 'rm -rf "$TMP"' EXIT

# The source document: PAGES A4 pages that look like a form or an avis d'imposition.
python3 - "$PAGES" "$TMP/source.pdf" "$ROOT" <<'PY'
import sys
sys.path.insert(0, sys.argv[3] + "/tests/cli")
from sne_cli import pdf_file
pages, path = int(sys.argv[1]), sys.argv[2]
def page_content(n):
    ops = ["BT /F1 16 Tf 60 780 Td (AVIS D'IMPOSITION - page %d) Tj ET" % (n + 1)]
    for i in range(38):
        words = " ".join("mot%d" % ((i * 7 + j * 3 + n) % 97) for j in range(11))
        ops.append("BT /F1 10 Tf 60 %d Td (%s) Tj ET" % (740 - i * 14, words))
    ops.append("0.2 w")
    for r in range(8):
        ops.append("60 %d 475 18 re S" % (150 + r * 18))
    for y in range(40):  # a photo-like gradient, 1 pt bands
        for x in range(30):
            ops.append("%.3f %.3f %.3f rg %d %d 4 2 re f" %
                       ((x * 8 % 255) / 255, (y * 6 % 255) / 255, ((x + y + n * 9) % 255) / 255,
                        400 + x * 4, 20 + y * 2))
    return "\n".join(ops).encode()
objs = [b"<< /Type /Catalog /Pages 2 0 R >>", None,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
kids = []
for n in range(pages):
    c = page_content(n)
    objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] "
                b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (len(objs) + 2))
    kids.append(len(objs))
    objs.append(b"<< /Length %d >>\nstream\n" % len(c) + c + b"\nendstream")
objs[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
    b" ".join(b"%d 0 R" % k for k in kids), len(kids))
open(path, "wb").write(pdf_file(objs))
PY

mkdir -p "$TMP/jpeg" "$TMP/png" "$TMP/gray"
pdftoppm -r 300 -jpeg -jpegopt quality=90 "$TMP/source.pdf" "$TMP/jpeg/p"
pdftoppm -r 300 -png "$TMP/source.pdf" "$TMP/png/p"
pdftoppm -r 300 -png -gray "$TMP/source.pdf" "$TMP/gray/p"

now() { date +%s.%N; }

# time_runs OUT CMD...: runs CMD RUNS times on core 0; prints the median seconds.
time_runs() {
  local out=$1 t0 t1
  shift
  for _ in $(seq "$RUNS"); do
    rm -f "$out"
    t0=$(now)
    taskset -c 0 "$@" >/dev/null 2>"$TMP/err" || { cat "$TMP/err" >&2; }
    t1=$(now)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }'
  done | median
}

echo "pack: $PAGES A4 pages at 300 dpi, median of $RUNS runs, one core (taskset -c 0), $(nproc) cores"
echo "      $("$SNE" --version | head -n 1), img2pdf $(img2pdf --version 2>&1 | awk '{print $2}')"
printf '%-6s %10s %10s %10s %10s %12s %12s %8s %8s\n' set inputs "sne s" "img2pdf s" "time x" \
  "sne bytes" "img2pdf bytes" "size x" qpdf
for set in jpeg png gray; do
  files=("$TMP/$set"/p-*)
  in_bytes=$(cat "${files[@]}" | wc -c)
  s=$(time_runs "$TMP/sne.pdf" "$SNE" piece pack "${files[@]}" -o "$TMP/sne.pdf")
  i=$(time_runs "$TMP/i2p.pdf" img2pdf "${files[@]}" -o "$TMP/i2p.pdf")
  sb=$(wc -c <"$TMP/sne.pdf") ib=$(wc -c <"$TMP/i2p.pdf")
  q=ok
  qpdf --check "$TMP/sne.pdf" >/dev/null 2>&1 || q="sne-BAD"
  qpdf --check "$TMP/i2p.pdf" >/dev/null 2>&1 || q="$q,img2pdf-BAD"
  printf '%-6s %10s %10.3f %10.3f %10.2f %12s %12s %8.4f %8s\n' "$set" "$in_bytes" "$s" "$i" \
    "$(awk -v a="$s" -v b="$i" 'BEGIN { print (b > 0 ? a / b : 0) }')" "$sb" "$ib" \
    "$(awk -v a="$sb" -v b="$ib" 'BEGIN { print (b > 0 ? a / b : 0) }')" "$q"
done
echo "(time x and size x: sne / img2pdf; below 1 means sne is faster or smaller)"
exit 0
