"""sne pli report: the numbers (--json) checked against `pli list` and `pli show`, the HTML page
(atomic, 0600, self-contained), the SVG charts, per guichet for an agent of several, the error
paths; then the page in headless Chromium (Debian's `chromium`): no console message, charts
drawn on the screenshot (desktop and phone widths), a printable PDF.

The screenshot of the desktop run is left in the build tree (`<build>/test-output/
pli-report.png`); with SNE_UPDATE_SCREENSHOTS=1 it is also copied to docs/images/pli-report.png,
the copy the README shows."""
import datetime
import os
import shutil
import stat
import subprocess
import unittest
import xml.etree.ElementTree as ET

from sne_cli import SNE, SOURCE_DIR, CliTest

CLOCK = "2026-11-20T12:00:00Z"


def nearest_rank(values, percent):
    values = sorted(values)
    r = (percent * len(values) + 99) // 100
    return values[max(r, 1) - 1]


def iso_week(day):
    y, w, _ = datetime.date.fromisoformat(day).isocalendar()
    return f"{y:04}-W{w:02}"


class ReportTest(CliTest):
    def seed(self, plis=240, days=70):
        self.assertExit(self.sne("sandbox", "clock", "set", CLOCK), 0)
        self.assertExit(self.sne("sandbox", "seed", "--plis", str(plis), "--days", str(days)), 0)


class Numbers(ReportTest):
    def test_json_agrees_with_list_and_show(self):
        self.seed()
        plis = self.sne("pli", "list", "--all", "--json").json()
        r = self.sne("pli", "report", "--json")
        self.assertExit(r, 0)
        report = r.json()
        self.assertEqual(report["guichets"], [])
        self.assertEqual(report["sla_jours_ouvres"], 2)
        self.assertEqual(report["now"], CLOCK)
        every = report["all"]
        self.assertEqual(every["guichet"], "G3401")
        self.assertEqual(every["totals"]["total"], len(plis))
        # Weeks: ISO weeks of the day the SLA counts from, every week from first to last.
        weeks = {}
        for p in plis:
            weeks.setdefault(iso_week(p["sla"]["sent"]), []).append(p)
        names = [w["week"] for w in every["weeks"]]
        self.assertEqual(names[0], min(weeks))
        self.assertEqual(names[-1], max(weeks))
        self.assertEqual(len(names), len(set(names)))
        for w in every["weeks"]:
            mine = weeks.get(w["week"], [])
            self.assertEqual(w["total"], len(mine), w["week"])
            for code, n in w["by_statut"].items():
                self.assertEqual(n, sum(1 for p in mine if p["statut"] == code), w["week"])
            times = [p["sla"]["elapsed_jours_ouvres"] for p in mine
                     if p["sla"]["done"] and p["statut"] != "non_applicable"]
            self.assertEqual(w["processed"], len(times))
            self.assertEqual(w["late"], sum(1 for p in mine if p["sla"]["late"]))
            expected = ({"median": nearest_rank(times, 50), "p90": nearest_rank(times, 90)}
                        if times else {"median": None, "p90": None})
            self.assertEqual(w["processing_jours_ouvres"], expected, w["week"])
            self.assertEqual(datetime.date.fromisoformat(w["monday"]).weekday(), 0)
        self.assertEqual(sum(w["total"] for w in every["weeks"]), len(plis))
        # Overdue: the plis list --overdue finds, with their due day.
        overdue = {p["transaction"]: p for p in plis if p["sla"]["overdue"]}
        self.assertTrue(overdue)
        self.assertEqual({o["transaction"] for o in every["overdue"]}, set(overdue))
        for o in every["overdue"]:
            self.assertEqual(o["due"], overdue[o["transaction"]]["sla"]["due"])
            self.assertEqual(o["days_late"], overdue[o["transaction"]]["sla"]["days_late"])
        lates = [o["days_late"] for o in every["overdue"]]
        self.assertEqual(lates, sorted(lates, reverse=True))
        # Motifs: the rejected pieces of every rejected pli, as pli show gives them.
        counted = {}
        for p in plis:
            if p["statut"] not in ("rejet_pieces", "rejet_dossier"):
                continue
            pieces = self.sne("pli", "show", p["transaction"], "--json").json()["pieces"]
            motifs = [x["motif"] or "(sans motif)" for x in pieces if x["resultat"] == "rejetee"]
            for m in set(motifs):
                counted.setdefault(m, [0, 0])[0] += 1
            for m in motifs:
                counted[m][1] += 1
        self.assertTrue(counted)
        self.assertEqual({m["motif"]: [m["plis"], m["pieces"]]
                          for m in every["rejections_by_motif"]}, counted)
        self.assertEqual(every["motifs_unread"], 0)

    def test_period_and_statuts(self):
        self.seed()
        plis = self.sne("pli", "list", "--all", "--json").json()
        r = self.sne("pli", "report", "--json", "--statut", "rejet_pieces,rejet-dossier",
                     "--statut", "rejet_pieces", "--since", "2026-10-01", "--until", "2026-10-31")
        self.assertExit(r, 0)
        report = r.json()
        self.assertEqual(report["statuts"], ["rejet_pieces", "rejet_dossier"])
        self.assertEqual(report["since"], "2026-10-01T00:00:00Z")
        self.assertEqual(report["until"], "2026-11-01T00:00:00Z")
        mine = [p for p in plis if p["statut"] in ("rejet_pieces", "rejet_dossier")
                and "2026-10-01" <= p["date_transmission"][:10] <= "2026-10-31"]
        self.assertTrue(mine)
        totals = report["all"]["totals"]
        self.assertEqual(totals["total"], len(mine))
        self.assertEqual(totals["rejected"], len(mine))
        self.assertEqual(totals["by_statut"]["enregistrement_complet"], 0)
        # A period with no pli: an empty report, not an error.
        r = self.sne("pli", "report", "--json", "--since", "2199-01-01")
        self.assertExit(r, 0)
        self.assertEqual(r.json()["all"]["weeks"], [])
        self.assertEqual(r.json()["all"]["totals"]["total"], 0)

    def test_each_guichet_of_an_agent_of_several(self):
        self.assertExit(self.sne("auth", "login", "--email", "multi@sandbox.sne.test",
                                 "--password-stdin", stdin="sandbox\n"), 0)
        self.assertExit(self.sne("account", "guichet", "G1101"), 0)
        r = self.sne("pli", "report", "--json")
        self.assertExit(r, 0)
        report = r.json()
        self.assertEqual([g["guichet"] for g in report["guichets"]], ["G6901", "G1101", "G9741"])
        self.assertIsNone(report["all"]["guichet"])
        self.assertEqual(report["all"]["totals"]["total"],
                         sum(g["totals"]["total"] for g in report["guichets"]))
        for g in report["guichets"]:
            self.assertGreater(g["totals"]["total"], 0)
            self.assertTrue(all(o["guichet"] == g["guichet"] for o in g["overdue"]))
        # The agent's current guichet is the one it was.
        current = [g for g in self.sne("account", "guichet", "--json").json() if g["current"]]
        self.assertEqual([g["code"] for g in current], ["G1101"])
        svg = os.path.join(self.home, "charts")
        self.assertExit(self.sne("pli", "report", "--svg", svg), 0)
        self.assertEqual(len(os.listdir(svg)), 12)
        self.assertIn("G9741-rejets-par-motif.svg", os.listdir(svg))


class Files(ReportTest):
    def test_html_is_one_self_contained_page_mode_0600_replaced_whole(self):
        self.seed(120)
        out = os.path.join(self.home, "out", "report.html")
        os.makedirs(os.path.dirname(out))
        self.write("out/report.html", "old")
        r = self.sne("pli", "report", "-o", out)
        self.assertExit(r, 0)
        self.assertEqual(r.out, out + "\n")
        listed = len(self.sne("pli", "list", "--all", "--json").json())
        self.assertIn(f"{listed} plis over", r.err)
        self.assertEqual(stat.S_IMODE(os.stat(out).st_mode), 0o600)
        self.assertEqual(os.listdir(os.path.dirname(out)), ["report.html"])  # no temporary left
        with open(out, encoding="utf-8") as f:
            html = f.read()
        self.assertTrue(html.startswith("<!DOCTYPE html>"))
        self.assertEqual(html.count("<svg "), 3)
        self.assertNotIn("<script", html)
        self.assertNotIn("https:", html)
        self.assertEqual(html.count("http:"), html.count("http://www.w3.org/2000/svg"))
        self.assertIn("Plis en retard", html)
        # The same numbers as --json.
        r = self.sne("pli", "report", "--json", "-o", out)
        self.assertExit(r, 0)
        self.assertEqual(r.json()["all"]["totals"]["total"], listed)

    def test_svg_charts_in_a_folder(self):
        self.seed(120)
        folder = os.path.join(self.home, "charts")
        r = self.sne("pli", "report", "--svg", folder)
        self.assertExit(r, 0)
        names = sorted(os.listdir(folder))
        self.assertEqual(names, ["plis-par-semaine.svg", "rejets-par-motif.svg",
                                 "temps-de-traitement.svg"])
        for name in names:
            path = os.path.join(folder, name)
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
            root = ET.parse(path).getroot()  # well-formed XML
            self.assertEqual(root.tag, "{http://www.w3.org/2000/svg}svg")
            drawn = [e for e in root.iter() if e.tag.split("}")[1] in ("rect", "path", "circle")]
            self.assertGreater(len(drawn), 5, name)  # more than the background
        self.assertEqual(sorted(r.out.splitlines()), sorted(os.path.join(folder, n) for n in names))

    def test_errors(self):
        r = self.sne("pli", "report")
        self.assertExit(r, 2)
        self.assertOneLineError(r, "-o FILE")
        r = self.sne("pli", "report", "--json", "--since", "2026-13-01")
        self.assertExit(r, 6)
        self.assertEqual(r.json()["error"]["code"], "invalid_input")
        r = self.sne("pli", "report", "-o", "x.html", "--since", "2026-13-01")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "--since")
        r = self.sne("pli", "report", "-o", "x.html", "--since", "2026-11-02", "--until",
                     "2026-11-01")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "--until")
        r = self.sne("pli", "report", "-o", "x.html", "--statut", "perdu")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "--statut")
        missing = os.path.join(self.home, "no", "such", "report.html")
        r = self.sne("pli", "report", "-o", missing)
        self.assertExit(r, 1)
        self.assertOneLineError(r, missing)
        self.assertFalse(os.path.exists(missing))
        r = self.sne("pli", "report", "-o", self.home)
        self.assertExit(r, 6)
        self.assertOneLineError(r, self.home)
        readonly = os.path.join(self.home, "ro")
        os.makedirs(readonly)
        os.chmod(readonly, 0o500)
        if os.geteuid() != 0:  # root writes anywhere
            r = self.sne("pli", "report", "-o", os.path.join(readonly, "r.html"))
            self.assertExit(r, 1)
        blocker = self.write("file", "not a folder")
        r = self.sne("pli", "report", "--svg", os.path.join(blocker, "charts"))
        self.assertExit(r, 1)
        self.assertOneLineError(r, "charts")


# ---- in a browser ---------------------------------------------------------------------------

def read_png(path):
    """The screenshot as an RGB image (Debian's python3-pil, run by /usr/bin/python3)."""
    try:
        from PIL import Image
    except ImportError as e:
        raise AssertionError("python3-pil is missing: run scripts/setup, or apt-get install "
                             "python3-pil (this suite runs under /usr/bin/python3)") from e
    with Image.open(path) as image:
        return image.convert("RGB")


def colour_rows(image, rgb, tolerance=12):
    """For each row of `image`, the number of pixels within `tolerance` of `rgb`."""
    from PIL import ImageChops
    masks = [band.point(lambda v, t=t: 255 if abs(v - t) <= tolerance else 0)
             for band, t in zip(image.split(), rgb)]
    mask = ImageChops.darker(ImageChops.darker(masks[0], masks[1]), masks[2])
    width, height = image.size
    data = mask.tobytes()
    return [data[y * width:(y + 1) * width].count(b"\xff") for y in range(height)]


def bands(counts, minimum=1):
    """Runs of consecutive rows with at least `minimum` matching pixels: [(first, last)]."""
    out, start = [], None
    for y, n in enumerate(counts + [0]):
        if n >= minimum and start is None:
            start = y
        elif n < minimum and start is not None:
            out.append((start, y - 1))
            start = None
    return out


GREEN = (0x59, 0xA1, 0x4F)   # enregistrement complet: the bars of plis per week
ORANGE = (0xF2, 0x8E, 0x2B)  # the 90th percentile line
RED = (0xC0, 0x3B, 0x3D)     # rejections by motif, and the deadline line


def chromium():
    path = shutil.which("chromium")
    if path is None:
        raise AssertionError("chromium is missing: run scripts/setup (it installs Debian's "
                             "chromium), or apt-get install chromium")
    return path


class Browser(ReportTest):
    def render(self, html, *args):
        proc = subprocess.run(
            [chromium(), "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
             "--disable-extensions", "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
             f"--user-data-dir={os.path.join(self.home, 'chromium')}", *args,
             "file://" + html],
            capture_output=True, text=True, timeout=120, env=self.env)
        self.assertEqual(proc.returncode, 0, proc.stderr[-3000:])
        # Console messages, script errors and refused loads (the page's Content-Security-Policy
        # refuses any) are logged as CONSOLE lines.
        console = [l for l in proc.stderr.splitlines()
                   if "CONSOLE" in l or "Uncaught" in l or "Refused to" in l]
        self.assertEqual(console, [], proc.stderr[-3000:])
        return proc

    def test_page_loads_and_shows_its_charts(self):
        self.seed(2000, 120)
        html = os.path.join(self.home, "report.html")
        self.assertExit(self.sne("pli", "report", "-o", html), 0)

        shot = os.path.join(self.home, "desktop.png")
        self.render(html, f"--screenshot={shot}", "--window-size=1000,2200")
        png = read_png(shot)
        self.assertEqual(png.size, (1000, 2200))
        green = bands(colour_rows(png, GREEN), 3)
        orange = bands(colour_rows(png, ORANGE), 1)
        red = bands(colour_rows(png, RED), 30)
        # Bars of plis per week: a tall green region; the lines of processing time below it;
        # the bars of rejections by motif below that.
        self.assertTrue(green and max(b - a for a, b in green) > 100, green)
        self.assertTrue(orange, "no 90th percentile line")
        self.assertTrue(red, "no bar of rejections")
        self.assertLess(green[0][0], orange[-1][0])
        self.assertLess(orange[0][0], red[-1][0])
        build = os.path.dirname(os.path.dirname(os.path.abspath(SNE)))
        kept = os.path.join(build, "test-output", "pli-report.png")
        os.makedirs(os.path.dirname(kept), exist_ok=True)
        shutil.copyfile(shot, kept)
        if os.environ.get("SNE_UPDATE_SCREENSHOTS") == "1":
            shutil.copyfile(shot, os.path.join(SOURCE_DIR, "docs", "images", "pli-report.png"))

        # A phone's width: the charts shrink to fit and stay drawn.
        phone = os.path.join(self.home, "phone.png")
        self.render(html, f"--screenshot={phone}", "--window-size=390,1600")
        png = read_png(phone)
        self.assertTrue(bands(colour_rows(png, GREEN), 3), "no bar on a phone")

        # Printed: a PDF with the report's text.
        pdf = os.path.join(self.home, "report.pdf")
        self.render(html, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
        with open(pdf, "rb") as f:
            self.assertEqual(f.read(5), b"%PDF-")
        text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout
        for words in ("Rapport des plis", "Plis par semaine", "Temps de traitement",
                      "Rejets par motif", "Plis en retard"):
            self.assertIn(words, text)

    def test_an_empty_report_loads_too(self):
        html = os.path.join(self.home, "empty.html")
        self.assertExit(self.sne("pli", "report", "-o", html, "--since", "2199-01-01"), 0)
        shot = os.path.join(self.home, "empty.png")
        self.render(html, f"--screenshot={shot}", "--window-size=800,1200")
        # The legend's square, but no bar.
        green = bands(colour_rows(read_png(shot), GREEN), 3)
        self.assertTrue(all(b - a < 20 for a, b in green), green)


if __name__ == "__main__":
    unittest.main()
