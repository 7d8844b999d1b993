"""sne piece pack, checked with real readers: qpdf --check, pdfimages (the embedded streams),
pdfinfo (page sizes) and pdftoppm (where a coloured corner lands). Test images are made here:
JPEGs by pdftoppm from a small PDF, PNGs by a writer of a few lines."""

import os
import random
import shutil
import struct
import subprocess
import time
import unittest
import zlib

from sne_cli import SNE, CliTest, pdf_file

TOOLS = ["pdfimages", "pdfinfo", "pdftoppm", "qpdf"]
RED, BLUE, WHITE = (255, 0, 0), (0, 0, 255), (255, 255, 255)


def tool(*args):
    return subprocess.run(list(args), capture_output=True, timeout=60)


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def write_bytes(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return path


def quadrant_pdf(width=200, height=100):
    """A one-page PDF, white, with a red top-left and a blue bottom-right quarter."""
    w2, h2 = width // 2, height // 2
    content = (f"1 0 0 rg 0 {h2} {w2} {h2} re f 0 0 1 rg {w2} 0 {w2} {h2} re f").encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R >>"
            % (width, height),
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"]
    return pdf_file(objs)


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def make_png(pixels, depth=8, color_type=2, extra=b"", interlace=False):
    """A PNG of rows of pixel tuples (RGB, RGBA or gray), unfiltered; Adam7 when asked."""
    height, width = len(pixels), len(pixels[0])
    size = depth // 8

    def row_bytes(row):
        return b"".join(b"".join(v.to_bytes(size, "big") for v in px) for px in row)

    if interlace:
        raw = b""
        for x0, y0, dx, dy in ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4),
                               (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)):
            for y in range(y0, height, dy):
                sub = [pixels[y][x] for x in range(x0, width, dx)]
                if sub:
                    raw += b"\0" + row_bytes(sub)
    else:
        raw = b"".join(b"\0" + row_bytes(r) for r in pixels)
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 1 if interlace else 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def read_png(data):
    """(width, height, channels, depth, rows of samples) of a non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, palette = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color_type, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert interlace == 0
        elif kind == b"PLTE":
            palette = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color_type]
    bpp = max(1, channels * depth // 8)
    stride = (width * channels * depth + 7) // 8
    raw, rows, prev = zlib.decompress(idat), [], bytearray(stride)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xFF
            elif f == 2:
                line[i] = (line[i] + b) & 0xFF
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        prev = line
    if palette is not None and depth == 8:
        rows = [b"".join(palette[3 * i:3 * i + 3] for i in r) for r in rows]
        channels = 3
    return width, height, channels, depth, rows


def read_ppm(data):
    """(width, height, rows of RGB tuples) of a binary PPM from pdftoppm."""
    parts = data.split(maxsplit=4)
    assert parts[0] == b"P6"
    width, height, pixels = int(parts[1]), int(parts[2]), parts[4]
    return width, height, [[tuple(pixels[3 * (y * width + x):3 * (y * width + x) + 3])
                            for x in range(width)] for y in range(height)]


def exif_app1(orientation, little=True):
    """An APP1 segment of EXIF holding only an Orientation."""
    e = "<" if little else ">"
    tiff = (b"II" if little else b"MM") + struct.pack(e + "HIH", 42, 8, 1)
    tiff += struct.pack(e + "HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(e + "I", 0)
    body = b"Exif\0\0" + tiff
    return b"\xFF\xE1" + struct.pack(">H", len(body) + 2) + body


def near(pixel, colour, tolerance=60):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour))


class Pack(CliTest):
    def setUp(self):
        super().setUp()
        missing = [t for t in TOOLS if shutil.which(t) is None]
        if missing:
            self.skipTest(f"missing {missing}: scripts/setup installs them")
        self.pdf_source = write_bytes(self.path("source.pdf"), quadrant_pdf())

    def path(self, name):
        return os.path.join(self.home, name)

    def jpeg(self, name="scan", dpi=72):
        """A JPEG of the quadrant page: 200 x 100 pt at `dpi`, JFIF density `dpi`."""
        tool("pdftoppm", "-jpeg", "-r", str(dpi), "-singlefile", self.pdf_source, self.path(name))
        return self.path(name + ".jpg")

    def pack(self, *args, code=0):
        r = self.sne("piece", "pack", *args)
        self.assertExit(r, code)
        return r

    def check_qpdf(self, pdf):
        r = tool("qpdf", "--check", pdf)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn(b"No syntax or stream encoding errors", r.stdout)

    def page_sizes(self, pdf):
        out = tool("pdfinfo", "-f", "1", "-l", "99", pdf).stdout.decode()
        return [tuple(float(v) for v in line.split(":", 1)[1].split("pts")[0].split(" x "))
                for line in out.splitlines() if line.startswith("Page") and "size" in line]

    def render(self, pdf, page=1):
        tool("pdftoppm", "-r", "36", "-f", str(page), "-l", str(page), "-singlefile", pdf,
             self.path("render"))
        return read_ppm(read_bytes(self.path("render.ppm")))

    # ---- what goes in ----------------------------------------------------------------------

    def test_jpeg_bytes_come_back_unchanged(self):
        a, b = self.jpeg("recto", 150), self.jpeg("verso", 100)
        out = self.path("piece.pdf")
        r = self.pack(a, b, "-o", out)
        self.assertIn("jpeg copied", r.out)
        self.assertIn(f"{out}: 2 pages,", r.out)
        self.check_qpdf(out)
        tool("pdfimages", "-j", out, self.path("img"))
        self.assertEqual(read_bytes(self.path("img-000.jpg")), read_bytes(a))
        self.assertEqual(read_bytes(self.path("img-001.jpg")), read_bytes(b))
        self.assertEqual(os.stat(out).st_mode & 0o777, 0o600)

    def test_same_images_same_bytes(self):
        a = self.jpeg()
        self.pack(a, "-o", self.path("one.pdf"))
        self.pack(a, "-o", self.path("two.pdf"))
        self.assertEqual(read_bytes(self.path("one.pdf")), read_bytes(self.path("two.pdf")))

    def test_page_size_from_the_resolution(self):
        out = self.path("piece.pdf")
        self.pack(self.jpeg("a", 150), self.jpeg("b", 300), "-o", out)
        for width, height in self.page_sizes(out):  # 200 x 100 pt at any dpi
            self.assertAlmostEqual(width, 200, delta=0.6)
            self.assertAlmostEqual(height, 100, delta=0.6)
        # PNG pHYs in pixels per metre: 400 x 100 px at 200 dpi is 144 x 36 pt.
        phys = chunk(b"pHYs", struct.pack(">IIB", 7874, 7874, 1))
        png = write_bytes(self.path("p.png"), make_png([[WHITE] * 400] * 100, extra=phys))
        self.pack(png, "-o", self.path("png.pdf"))
        [(width, height)] = self.page_sizes(self.path("png.pdf"))
        self.assertAlmostEqual(width, 144, delta=0.1)
        self.assertAlmostEqual(height, 36, delta=0.1)

    def test_without_resolution_the_page_fits_a4(self):
        png = write_bytes(self.path("p.png"), make_png([[WHITE] * 100] * 50))
        r = self.pack(png, "-o", self.path("p.pdf"), "--json")
        page = r.json()["pages"][0]
        self.assertTrue(page["dpi_estimated"])
        [(width, height)] = self.page_sizes(self.path("p.pdf"))
        self.assertAlmostEqual(width, 841.89, delta=0.01)  # landscape A4's width
        self.assertAlmostEqual(height, 420.95, delta=0.01)

    def check_png_round_trip(self, png_bytes, expected_embedding, mask=None):
        src = write_bytes(self.path("in.png"), png_bytes)
        out = self.path("png.pdf")
        if os.path.exists(out):
            os.unlink(out)
        r = self.pack(src, "-o", out, "--json")
        self.assertEqual(r.json()["pages"][0]["embedding"], expected_embedding)
        self.check_qpdf(out)
        for f in os.listdir(self.home):
            if f.startswith("img-"):
                os.unlink(self.path(f))
        tool("pdfimages", "-png", out, self.path("img"))
        return read_png(read_bytes(self.path("img-000.png"))), (
            read_png(read_bytes(self.path("img-001.png"))) if mask else None)

    def test_png_round_trip_is_lossless(self):
        pixels = [[((x * 37 + y) % 256, (y * 11) % 256, (x * y) % 256) for x in range(33)]
                  for y in range(17)]
        (w, h, ch, depth, rows), _ = self.check_png_round_trip(make_png(pixels), "png_idat_copied")
        self.assertEqual((w, h, ch, depth), (33, 17, 3, 8))
        self.assertEqual(rows, [bytes(v for px in row for v in px) for row in pixels])

    def test_sixteen_bit_png_keeps_its_depth(self):
        # pdfimages brings 16-bit images down to 8 bits: read the samples through qpdf instead.
        pixels = [[((x * 2000 + y) % 65536, (y * 999) % 65536, 65535 - x) for x in range(9)]
                  for y in range(7)]
        src = write_bytes(self.path("deep.png"), make_png(pixels, depth=16))
        out = self.path("deep.pdf")
        r = self.pack(src, "-o", out, "--json")
        self.assertEqual(r.json()["pages"][0]["bits"], 16)
        self.assertEqual(r.json()["pages"][0]["embedding"], "png_idat_copied")
        self.check_qpdf(out)
        listing = tool("pdfimages", "-list", out).stdout.decode().splitlines()[2].split()
        self.assertEqual(listing[7], "16")  # bpc
        samples = tool("qpdf", f"--show-object={listing[10]}", "--filtered-stream-data",
                       out).stdout
        self.assertEqual(samples, b"".join(v.to_bytes(2, "big") for row in pixels for px in row
                                           for v in px))

    def test_alpha_and_interlace_are_recompressed_losslessly(self):
        pixels = [[((x * 29) % 256, (y * 13) % 256, (x + y) % 256, (x * 16) % 256)
                   for x in range(16)] for y in range(11)]
        (w, h, ch, _, rows), mask = self.check_png_round_trip(
            make_png(pixels, color_type=6, interlace=True), "png_recompressed", mask=True)
        self.assertEqual((w, h, ch), (16, 11, 3))
        self.assertEqual(rows, [bytes(v for px in row for v in px[:3]) for row in pixels])
        self.assertEqual(mask[4], [bytes(px[3] for px in row) for row in pixels])

    # ---- orientation -----------------------------------------------------------------------

    def test_exif_orientation_turns_the_page(self):
        # Stored: red top-left, blue bottom-right, 200 x 100 pt. Each orientation moves the
        # red corner (where it shows, as fractions of the rendered page) and may swap sides.
        plain = read_bytes(self.jpeg("plain", 72))
        where_red = {1: (0.25, 0.25), 3: (0.75, 0.75), 6: (0.75, 0.25), 8: (0.25, 0.75),
                     2: (0.75, 0.25), 5: (0.25, 0.25)}
        for orientation, (fx, fy) in where_red.items():
            with self.subTest(orientation=orientation):
                src = write_bytes(self.path(f"o{orientation}.jpg"),
                                  plain[:2] + exif_app1(orientation, orientation % 2 == 0)
                                  + plain[2:])
                out = self.path(f"o{orientation}.pdf")
                r = self.pack(src, "-o", out, "--json")
                self.assertEqual(r.json()["pages"][0]["orientation"], orientation)
                [(width, height)] = self.page_sizes(out)
                if orientation >= 5:
                    self.assertEqual((round(width), round(height)), (100, 200))
                else:
                    self.assertEqual((round(width), round(height)), (200, 100))
                w, h, rows = self.render(out)
                self.assertTrue(near(rows[int(h * fy)][int(w * fx)], RED),
                                rows[int(h * fy)][int(w * fx)])
                self.assertTrue(near(rows[int(h * (1 - fy))][int(w * (1 - fx))], BLUE))

    # ---- output and errors -----------------------------------------------------------------

    def assertNothingLeft(self, folder, before):
        self.assertEqual(sorted(os.listdir(folder)), before)

    def test_json_report(self):
        r = self.pack(self.jpeg("a", 150), "-o", self.path("p.pdf"), "--json")
        doc = r.json()
        self.assertEqual(doc["output"], self.path("p.pdf"))
        self.assertEqual(doc["bytes"], os.path.getsize(self.path("p.pdf")))
        page = doc["pages"][0]
        self.assertIn(page["height"], (208, 209))  # 100 pt at 150 dpi, as pdftoppm rounds it
        for key, value in (("page", 1), ("format", "jpeg"), ("width", 417),
                           ("dpi_x", 150), ("dpi_estimated", False), ("orientation", 1),
                           ("embedding", "jpeg_copied"), ("soft_mask", False)):
            self.assertEqual(page[key], value, key)

    def test_existing_output_needs_force(self):
        out = write_bytes(self.path("p.pdf"), b"precious")
        a = self.jpeg()
        r = self.pack(a, "-o", out, code=6)
        self.assertOneLineError(r, out, "already exists", "--force")
        self.assertEqual(read_bytes(out), b"precious")
        self.pack(a, "-o", out, "--force")
        self.assertEqual(read_bytes(out)[:8], b"%PDF-1.5")

    def test_errors_name_the_file_and_leave_nothing(self):
        a = self.jpeg()
        jpeg = read_bytes(a)
        png = make_png([[RED] * 40] * 40)
        cases = [
            ("missing", self.path("missing.jpg"), 1, "No such file or directory"),
            ("text", write_bytes(self.path("notes.png"), b"hello\n"), 6, "not a JPEG or PNG"),
            ("cut jpeg", write_bytes(self.path("cut.jpg"), jpeg[:len(jpeg) // 2]), 6,
             "truncated JPEG"),
            ("cut png", write_bytes(self.path("cut.png"), png[:len(png) - 20]), 6,
             "truncated PNG"),
        ]
        before = sorted(os.listdir(self.home))
        out = self.path("p.pdf")
        for name, bad, code, words in cases:
            with self.subTest(name):
                r = self.pack(a, bad, "-o", out, code=code)
                self.assertOneLineError(r, bad, words)
                self.assertNothingLeft(self.home, before)
                r = self.pack(bad, "-o", out, "--json", code=code)
                self.assertIn(bad, r.json()["error"]["message"])

    def test_killed_mid_write_leaves_the_old_file_or_the_new_one_and_no_temporary(self):
        scan = self.jpeg("scan", 600)
        images = [scan] * 600  # about 19 MB, written in about half a second
        whole = self.path("whole.pdf")
        self.pack(*images, "-o", whole, "--json")
        expected = read_bytes(whole)
        out = write_bytes(self.path("p.pdf"), b"old")
        rng = random.Random(14)
        for round_ in range(6):
            with self.subTest(round=round_):
                proc = subprocess.Popen([SNE, "piece", "pack", *images, "-o", out, "--force",
                                         "--json"], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, env=self.env)
                time.sleep(rng.uniform(0.05, 0.5))
                proc.kill()
                proc.wait()
                self.assertIn(read_bytes(out), (b"old", expected))
                self.assertEqual([n for n in os.listdir(self.home) if ".tmp-" in n], [])
        self.pack(*images, "-o", out, "--force", "--json")
        self.assertEqual(read_bytes(out), expected)
        self.assertEqual([n for n in os.listdir(self.home) if ".tmp-" in n], [])

    def test_stale_temporaries_of_ours_are_removed_by_the_next_run(self):
        old = time.time() - 3600
        stale = write_bytes(self.path(".p.pdf.tmp-a1B2c3"), b"%PDF-1.5 cut")
        os.utime(stale, (old, old))
        fresh = write_bytes(self.path(".p.pdf.tmp-Z9y8X7"), b"%PDF-1.5 being written")
        other = write_bytes(self.path(".q.pdf.tmp-a1B2c3"), b"%PDF-1.5 of another file")
        os.utime(other, (old, old))
        self.pack(self.jpeg(), "-o", self.path("p.pdf"))
        self.assertFalse(os.path.exists(stale))
        self.assertTrue(os.path.exists(fresh))  # perhaps a live writer's
        self.assertTrue(os.path.exists(other))

    def test_missing_output_folder(self):
        out = self.path("no/such/folder/p.pdf")
        r = self.pack(self.jpeg(), "-o", out, code=1)
        self.assertOneLineError(r, out, "cannot create a file in")

    def test_usage(self):
        self.assertExit(self.sne("piece", "pack", "-o", self.path("p.pdf")), 2)
        self.assertExit(self.sne("piece", "pack", self.jpeg()), 2)


if __name__ == "__main__":
    unittest.main()
