#!/usr/bin/env python3
"""Writes a PDF whose content stream is a Flate bomb: DECODED_BYTES of spaces compressed at
level 9 (about 1,000:1), shared by PAGES pages. For bench/flate_bomb.sh.

    bench/flate_bomb.py DECODED_BYTES [PAGES] > bomb.pdf
"""
import sys, zlib
def bomb_pdf(decoded_bytes, pages=1):
    co = zlib.compressobj(9)
    chunk = b' ' * (1 << 20)
    parts = []
    left = decoded_bytes
    while left > 0:
        n = min(left, len(chunk)); parts.append(co.compress(chunk[:n])); left -= n
    parts.append(co.flush())
    data = b''.join(parts)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (4 + i) for i in range(pages)) + b"] /Count %d >>" % pages,
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"]
    for i in range(pages):
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>")
    out = bytearray(b"%PDF-1.4\n")
    offs = []
    for i, o in enumerate(objs):
        offs.append(len(out)); out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs: out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    return bytes(out)
if __name__ == "__main__":
    sys.stdout.buffer.write(bomb_pdf(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 1))
