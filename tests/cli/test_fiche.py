"""sne fiche create|batch|parse, checked with real readers: pdftotext, pdfinfo, qpdf, and
zbarimg on the page rasterised by pdftoppm at 150 and 300 dpi."""

import filecmp
import json
import os
import shutil
import subprocess
import unittest

from sne_cli import CliTest

GUICHET = ["--guichet", "PWP01", "--siret", "13002072000038", "--territoire", "999",
           "--date-generation", "2024-01-15"]
PAYLOAD = "SNEFT1/0340819000040PWP01/AJO/PWP01/13002072000038/999/2024-01-15/2024-01-16"
TOOLS = ["pdftotext", "pdfinfo", "pdftoppm", "zbarimg", "qpdf"]


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def tool(*args):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=60)


class Fiche(CliTest):
    def setUp(self):
        super().setUp()
        missing = [t for t in TOOLS if shutil.which(t) is None]
        if missing:
            self.skipTest(f"missing {missing}: scripts/setup installs them")

    def create(self, name="fiche.pdf", *extra):
        path = os.path.join(self.home, name)
        r = self.sne("fiche", "create", "--numero", "0340819000040PWP01", "--contexte", "ajout",
                     *GUICHET, "--date-depot", "2024-01-16", "-o", path, *extra)
        self.assertExit(r, 0)
        return path, r

    def test_every_field_and_the_header_are_in_the_text(self):
        path, r = self.create()
        self.assertIn("0340819000040PWP01", r.out)
        text = tool("pdftotext", "-layout", path, "-").stdout
        for expected in ("RÉPUBLIQUE FRANÇAISE", "Liberté Égalité Fraternité",
                         "MINISTÈRE EN CHARGE DU LOGEMENT", "www.demande-logement-social.gouv.fr",
                         "Fiche de Transmission obligatoire", "création, mise à jour",
                         "Date de génération :", "15/01/2024", "Date de dépôt :", "16/01/2024",
                         "Code Guichet :", "PWP01", "SIRET Guichet :", "13002072000038",
                         "Code territoire :", "999", "N° unique :", "0340819000040PWP01",
                         "Contexte :", "AJO - Ajout"):
            self.assertIn(expected, text)

    def test_one_a4_page_that_qpdf_accepts_with_metadata(self):
        path, _ = self.create()
        info = tool("pdfinfo", path).stdout
        self.assertRegex(info, r"Pages:\s+1\n")
        self.assertIn("595 x 842 pts (A4)", info)
        self.assertRegex(info, r"Creator:\s+sne \d+\.\d+\.\d+")
        self.assertIn("Fiche de transmission 0340819000040PWP01", info)
        check = tool("qpdf", "--check", path)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        self.assertIn("No syntax or stream encoding errors", check.stdout)
        self.assertLessEqual(os.path.getsize(path), 4096)
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)

    def test_the_qr_code_reads_back_at_150_and_300_dpi(self):
        path, _ = self.create()
        for dpi in ("150", "300"):
            png = os.path.join(self.home, f"page{dpi}")
            self.assertEqual(tool("pdftoppm", "-r", dpi, "-png", "-singlefile", path, png).returncode, 0)
            scan = tool("zbarimg", "-Sbinary", "--nodbus", "--raw", "-q", png + ".png")
            self.assertEqual(scan.returncode, 0, scan.stderr)
            self.assertEqual(scan.stdout.rstrip("\n"), PAYLOAD, dpi)
            parsed = self.sne("fiche", "parse", scan.stdout.rstrip("\n"), "--json").json()
            self.assertEqual(parsed["numero_unique"], "0340819000040PWP01")
            self.assertEqual(parsed["date_depot"], "2024-01-16")

    def test_identical_input_identical_bytes(self):
        a, _ = self.create("a.pdf")
        b, _ = self.create("b.pdf")
        self.assertTrue(filecmp.cmp(a, b, shallow=False))

    def test_json_output(self):
        path = os.path.join(self.home, "j.pdf")
        r = self.sne("fiche", "create", "--numero", "0340819000040PWP01", "--contexte", "AJO",
                     *GUICHET, "-o", path, "--json")
        self.assertExit(r, 0)
        doc = r.json()
        self.assertEqual(doc["file"], path)
        self.assertEqual(doc["bytes"], os.path.getsize(path))
        self.assertEqual(doc["contexte"], "ajout")
        self.assertIsNone(doc["date_depot"])
        self.assertEqual(doc["payload"], PAYLOAD[:-len("2024-01-16")])

    def test_invalid_fields_exit_6_naming_the_field(self):
        cases = [("--numero", "0341319000040PWP01", "numero: month 13 is not 01-12"),
                 ("--siret", "13002072000039", "siret: SIRET fails its checksum"),
                 ("--contexte", "suppression", "contexte: unknown contexte 'suppression'")]
        for flag, value, message in cases:
            args = {"--numero": "0340819000040PWP01", "--contexte": "ajout"}
            extra = list(GUICHET)
            if flag in args:
                args[flag] = value
            else:
                extra[extra.index(flag) + 1] = value
            out = os.path.join(self.home, "bad.pdf")
            r = self.sne("fiche", "create", "--numero", args["--numero"], "--contexte",
                         args["--contexte"], *extra, "-o", out)
            self.assertExit(r, 6)
            self.assertOneLineError(r, message)
            self.assertFalse(os.path.exists(out))

    def test_unwritable_output_path(self):
        r = self.sne("fiche", "create", "--numero", "0340819000040PWP01", "--contexte", "ajout",
                     *GUICHET, "-o", "/nonexistent/dir/f.pdf")
        self.assertExit(r, 1)
        self.assertOneLineError(r, "/nonexistent/dir/f.pdf: cannot create a file in /nonexistent/dir")

    def test_guichet_from_the_profile_or_a_clear_error(self):
        self.write(".config/sne/config.toml",
                   '[profiles.default]\nguichet = "G1175"\nsiret = "13002072000038"\n'
                   'territoire = "111"\n')
        path = os.path.join(self.home, "p.pdf")
        r = self.sne("fiche", "create", "--numero", "1110920020745G1175", "--contexte", "creation",
                     "-o", path, "--json")
        self.assertExit(r, 0)
        self.assertEqual(r.json()["guichet"], "G1175")
        self.assertEqual(r.json()["territoire"], "111")
        os.remove(os.path.join(self.home, ".config/sne/config.toml"))
        r = self.sne("fiche", "create", "--numero", "1110920020745G1175", "--contexte", "creation",
                     "-o", path)
        self.assertExit(r, 6)
        self.assertOneLineError(r, "guichet: not given; pass --guichet or set 'guichet' in the profile")


class FicheBatch(CliTest):
    MANIFEST = ("numero_unique,contexte,date_depot\n"
                "0340819000040PWP01,ajout,2024-01-16\n"
                "0341319000040PWP01,ajout,\n"          # line 3: month 13
                "1110920020745G1175,creation,\n"
                "0690620007611G3163,suppression,\n"    # line 5: bad contexte
                "0690620007611G3163,mise-a-jour,2024-01-20\n")

    def test_good_rows_are_written_bad_rows_reported_exit_3(self):
        manifest = self.write("m.csv", self.MANIFEST)
        out = os.path.join(self.home, "out")
        r = self.sne("fiche", "batch", manifest, "-o", out, *GUICHET)
        self.assertExit(r, 3)
        self.assertEqual(sorted(os.listdir(out)), ["0340819000040PWP01.pdf",
                                                   "0690620007611G3163.pdf",
                                                   "1110920020745G1175.pdf"])
        self.assertIn("line 3: numero: month 13 is not 01-12", r.err)
        self.assertIn("line 5: contexte: unknown contexte 'suppression'", r.err)
        self.assertIn("3 fiches written", r.out)
        self.assertIn("2 rows failed", r.out)

    def test_json_summary(self):
        manifest = self.write("m.csv", self.MANIFEST)
        r = self.sne("fiche", "batch", manifest, "-o", os.path.join(self.home, "o"), *GUICHET,
                     "--json")
        self.assertExit(r, 3)
        doc = r.json()
        self.assertEqual((doc["written"], doc["failed"]), (3, 2))
        self.assertEqual([e["line"] for e in doc["errors"]], [3, 5])
        self.assertEqual(doc["errors"][1]["field"], "contexte")

    def test_merge_makes_one_pdf_with_a_page_per_demande(self):
        manifest = self.write("m.csv", self.MANIFEST)
        merged = os.path.join(self.home, "envoi.pdf")
        r = self.sne("fiche", "batch", manifest, "--merge", merged, *GUICHET)
        self.assertExit(r, 3)
        self.assertRegex(tool("pdfinfo", merged).stdout, r"Pages:\s+3\n")
        text = tool("pdftotext", merged, "-").stdout
        self.assertEqual(text.count("Fiche de Transmission obligatoire"), 3)

    def test_all_good_exits_0_and_duplicates_are_refused(self):
        manifest = self.write("m.csv", "numero_unique,contexte\n0340819000040PWP01,ajout\n")
        self.assertExit(self.sne("fiche", "batch", manifest, "-o", os.path.join(self.home, "a"),
                                 *GUICHET), 0)
        dup = self.write("d.csv", "numero_unique,contexte\n0340819000040PWP01,ajout\n"
                                  "0340819000040pwp01,creation\n")
        r = self.sne("fiche", "batch", dup, "-o", os.path.join(self.home, "b"), *GUICHET)
        self.assertExit(r, 3)
        self.assertIn("line 3: numero: 0340819000040PWP01 already on an earlier line", r.err)

    def test_usage_and_file_errors(self):
        manifest = self.write("m.csv", self.MANIFEST)
        r = self.sne("fiche", "batch", manifest, *GUICHET)  # neither -o nor --merge: usage
        self.assertExit(r, 2)
        self.assertOneLineError(r, "give either -o DIR")
        self.assertExit(self.sne("fiche", "batch", manifest, "-o", self.home, "--merge",
                                 os.path.join(self.home, "x.pdf"), *GUICHET), 2)
        self.assertExit(self.sne("fiche", "batch", self.home, "-o", self.home, *GUICHET), 6)
        r = self.sne("fiche", "batch", "/nonexistent.csv", "-o", self.home, *GUICHET)
        self.assertExit(r, 1)
        bad_header = self.write("h.csv", "numero,contexte\n")
        r = self.sne("fiche", "batch", bad_header, "-o", self.home, *GUICHET)
        self.assertExit(r, 6)
        self.assertOneLineError(r, "line 1: column 'numero' is unknown")

    def test_a_rerun_replaces_files_and_leaves_no_temporary_file(self):
        manifest = self.write("m.csv", self.MANIFEST)
        out = os.path.join(self.home, "clean")
        self.sne("fiche", "batch", manifest, "-o", out, *GUICHET)
        first = {f: read_bytes(os.path.join(out, f)) for f in os.listdir(out)}
        other = [a if a != "2024-01-15" else "2024-01-16" for a in GUICHET]
        self.assertExit(self.sne("fiche", "batch", manifest, "-o", out, *other), 3)
        self.assertEqual(sorted(os.listdir(out)), sorted(first))  # no temporary file
        for name in first:
            path = os.path.join(out, name)
            self.assertNotEqual(read_bytes(path), first[name], name)  # replaced
            self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)

    def test_rows_that_are_not_csv_are_reported_with_their_line(self):
        manifest = self.write("s.csv", "numero_unique,contexte\n0340819000040PWP01,ajout,extra\n"
                                       "\"1110920020745G1175,creation\n0690620007611G3163,ajout\n")
        r = self.sne("fiche", "batch", manifest, "-o", os.path.join(self.home, "s"), *GUICHET,
                     "--json")
        self.assertExit(r, 3)
        self.assertEqual([(e["line"], e["error"]) for e in r.json()["errors"]],
                         [(2, "line 2: 3 columns, expected 2"), (3, "line 3: broken quoting")])
        self.assertEqual(r.json()["written"], 1)

    def test_one_bad_file_name_does_not_stop_the_batch(self):
        manifest = self.write("m.csv", self.MANIFEST)
        out = os.path.join(self.home, "o")
        os.makedirs(os.path.join(out, "0340819000040PWP01.pdf"))  # a folder where a fiche goes
        r = self.sne("fiche", "batch", manifest, "-o", out, *GUICHET)
        self.assertExit(r, 3)
        self.assertIn("line 2: " + out + "/0340819000040PWP01.pdf", r.err)
        self.assertIn("2 fiches written", r.out)

    def test_merge_refuses_duplicates_and_every_page_scans(self):
        manifest = self.write("m.csv", "numero_unique,contexte,date_depot\n"
                                       "0340819000040PWP01,ajout,\n"
                                       "0690620007611G3163,mise-a-jour,2024-01-20\n"
                                       "0340819000040PWP01,creation,\n")
        merged = os.path.join(self.home, "envoi.pdf")
        r = self.sne("fiche", "batch", manifest, "--merge", merged, *GUICHET)
        self.assertExit(r, 3)
        self.assertIn("line 4: numero: 0340819000040PWP01 already on an earlier line", r.err)
        self.assertRegex(tool("pdfinfo", merged).stdout, r"Pages:\s+2\n")
        self.assertIn("MAJ - Mise à jour", tool("pdftotext", merged, "-").stdout)
        payloads = []
        for page in ("1", "2"):
            png = os.path.join(self.home, f"m{page}")
            tool("pdftoppm", "-r", "150", "-f", page, "-l", page, "-png", "-singlefile", merged, png)
            payloads.append(tool("zbarimg", "-Sbinary", "--nodbus", "--raw", "-q",
                                 png + ".png").stdout.strip())
        self.assertEqual(payloads, [
            "SNEFT1/0340819000040PWP01/AJO/PWP01/13002072000038/999/2024-01-15/",
            "SNEFT1/0690620007611G3163/MAJ/PWP01/13002072000038/999/2024-01-15/2024-01-20"])


    def test_sigint_stops_cleanly_and_leaves_only_whole_pdfs(self):
        import signal
        import time
        from sne_cli import SNE
        rows = "".join(f"034081900{i:04d}PWP01,ajout\n" for i in range(10000))
        manifest = self.write("big.csv", "numero_unique,contexte\n" + rows)
        out = os.path.join(self.home, "big")
        proc = subprocess.Popen([SNE, "fiche", "batch", manifest, "-o", out, *GUICHET, "--json"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=self.env)
        deadline = time.time() + 30
        while time.time() < deadline and (not os.path.isdir(out) or len(os.listdir(out)) < 50):
            time.sleep(0.01)
        proc.send_signal(signal.SIGINT)
        stdout, _ = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 130)
        import json
        summary = json.loads(stdout)
        self.assertTrue(summary["interrupted"])
        files = os.listdir(out)
        self.assertEqual(len(files), summary["written"])
        self.assertLess(len(files), 10000)
        for name in files:
            self.assertTrue(name.endswith(".pdf"), name)
            with open(os.path.join(out, name), "rb") as f:
                self.assertTrue(f.read().rstrip().endswith(b"%%EOF"), name)

    def test_jobs_give_the_same_files_reports_and_order(self):
        # Good rows, bad fields, rows that are not CSV, a duplicate right after its first row
        # (still being written when it is read), and a numéro whose file cannot be written (a
        # folder in its place): its second row is tried again, as one job does.
        rows = [f"034081900{i:04d}PWP01,{('ajout', 'creation')[i % 2]},2024-01-{15 + i % 9}"
                for i in range(40)]
        rows[5] = "0341319000040PWP01,ajout,"            # month 13
        rows[2] = "0340819000000PWP01,ajout,"            # a duplicate of the first row
        rows[12] = "0340819000011PWP01,creation,extra,x"  # not 3 columns
        rows[20] = "0340819000003PWP01,suppression,"     # bad contexte
        rows[18] = "0340819000017PWP01,ajout,"           # the folder's numéro again
        manifest = self.write("jobs.csv", "numero_unique,contexte,date_depot\n" +
                              "\n".join(rows) + "\n")
        runs = {}
        for jobs in ("1", "2", "3", "0"):
            out = os.path.join(self.home, "o" + jobs)
            os.makedirs(os.path.join(out, "0340819000017PWP01.pdf"))
            human = self.sne("fiche", "batch", manifest, "-o", out, *GUICHET, "--jobs", jobs)
            self.assertExit(human, 3)
            shutil.rmtree(out)
            os.makedirs(os.path.join(out, "0340819000017PWP01.pdf"))
            js = self.sne("fiche", "batch", manifest, "-o", out, *GUICHET, "--json", "-j", jobs)
            self.assertExit(js, 3)
            files = {n: read_bytes(os.path.join(out, n)) for n in os.listdir(out)
                     if n.endswith(".pdf") and os.path.isfile(os.path.join(out, n))}
            runs[jobs] = (human.out.replace(out, "OUT"), human.err.replace(out, "OUT"),
                          js.out.replace(out, "OUT"), files)
        for jobs in ("2", "3", "0"):
            self.assertEqual(runs[jobs], runs["1"], jobs)
        errors = [(e["line"], e["error"].replace(os.path.join(self.home, "o1"), "OUT"))
                  for e in json.loads(runs["1"][2])["errors"]]
        self.assertEqual([line for line, _ in errors], [4, 7, 14, 19, 20, 22])
        self.assertIn("already on an earlier line", errors[0][1])
        self.assertIn("0340819000017PWP01.pdf", errors[3][1])
        self.assertIn("0340819000017PWP01.pdf", errors[4][1])  # tried again: its first failed
        self.assertEqual(len(runs["1"][3]), 34)

    def test_jobs_out_of_range_is_a_usage_error(self):
        manifest = self.write("m.csv", self.MANIFEST)
        r = self.sne("fiche", "batch", manifest, "-o", os.path.join(self.home, "o"), *GUICHET,
                     "--jobs", "65")
        self.assertExit(r, 2)
        self.assertIn("--jobs", r.err)


class FicheParse(CliTest):
    def test_fields(self):
        r = self.sne("fiche", "parse", PAYLOAD)
        self.assertExit(r, 0)
        self.assertIn("AJO - Ajout", r.out)
        self.assertIn("2024-01-16", r.out)

    def test_malformed(self):
        r = self.sne("fiche", "parse", "SNEFT9/x", "--json")
        self.assertExit(r, 6)
        self.assertEqual(r.json()["error"]["message"], "unknown version tag 'SNEFT9' (expected SNEFT1)")
        r = self.sne("fiche", "parse", PAYLOAD.replace("0340819", "0341319"))
        self.assertExit(r, 6)
        self.assertOneLineError(r, "numero: month 13 is not 01-12")


if __name__ == "__main__":
    unittest.main()
