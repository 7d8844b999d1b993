"""sne piece check|add|rm: the preflight on good, broken and hostile files; sending pieces as
one pli (idempotent), the numériseur's outcome, deletion; against the embedded sandbox and
over HTTP."""
import json
import os
import signal
import subprocess
import time
import unittest

from sne_cli import SNE, CliTest, pdf_file, sample_pdf
from test_account import signed_in_server

NUMERO = "0340523004101G3401"  # the seed's newest pli of G3401 filled its bulletins_salaire


class Preflight(CliTest):
    def file(self, name, data):
        path = os.path.join(self.home, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_good_and_bad_files_with_their_codes(self):
        good = self.file("good.pdf", sample_pdf(2))
        forged = self.file("forged.pdf", sample_pdf(1, declared=5000))
        cut = self.file("cut.pdf", sample_pdf(1)[:300])
        text = self.file("named.pdf", b"just some text, not a PDF")
        empty = self.file("empty.pdf", b"")
        locked = os.path.join(self.home, "locked.pdf")
        subprocess.run(["qpdf", "--encrypt", "secret", "owner", "256", "--", good, locked],
                       check=True)
        rc4 = os.path.join(self.home, "rc4.pdf")
        subprocess.run(["qpdf", "--allow-weak-crypto", "--encrypt", "u", "o", "40", "--", good,
                        rc4], check=True)
        owner = os.path.join(self.home, "owner.pdf")
        subprocess.run(["qpdf", "--encrypt", "", "owner", "256", "--", good, owner], check=True)
        r = self.sne("piece", "check", good, forged, cut, text, empty, locked, rc4, owner,
                     os.path.join(self.home, "missing.pdf"), "--type", "bulletins_salaire",
                     "--json")
        self.assertExit(r, 6)
        reports = {os.path.basename(x["file"]): x for x in r.json()}
        self.assertTrue(reports["good.pdf"]["ok"])
        self.assertEqual(reports["good.pdf"]["pages"], 2)
        self.assertEqual(reports["forged.pdf"]["pages"], 1)
        self.assertEqual(reports["forged.pdf"]["declared_pages"], 5000)
        self.assertEqual([w["code"] for w in reports["forged.pdf"]["warnings"]],
                         ["pdf_count_mismatch"])

        def codes(name):
            return [p["code"] for p in reports[name]["problems"]]
        self.assertEqual(codes("cut.pdf"), ["pdf_invalid"])
        self.assertEqual(codes("named.pdf"), ["unknown_format"])
        self.assertEqual(codes("empty.pdf"), ["empty_file"])
        self.assertEqual(codes("locked.pdf"), ["pdf_password"])
        self.assertEqual(codes("rc4.pdf"), ["pdf_password"])
        self.assertEqual(codes("owner.pdf"), ["pdf_encrypted"])
        self.assertEqual(codes("missing.pdf"), ["file_unreadable"])

    def test_all_good_exits_0_and_unknown_type_is_a_problem(self):
        good = self.file("good.pdf", sample_pdf(1))
        r = self.sne("piece", "check", good)
        self.assertExit(r, 0)
        self.assertIn("ok", r.out)
        r = self.sne("piece", "check", good, "--type", "no_such_type")
        self.assertExit(r, 6)
        self.assertIn("unknown_type", r.out)
        # The library's problem names the type; the pointer to the list of types is the CLI's.
        self.assertIn("no_such_type' is not in the plan de classement", r.out)
        self.assertIn("(see 'sne piece types')", r.out)
        r = self.sne("piece", "check", good, "--type", "no_such_type", "--json")
        self.assertNotIn("sne piece types", r.json()[0]["problems"][0]["message"])

    def test_paths_from_stdin(self):
        a = self.file("a.pdf", sample_pdf(1))
        b = self.file("b.pdf", b"nope")
        r = self.sne("piece", "check", "-", stdin=f"{a}\n\n{b}\n")
        self.assertExit(r, 6)
        self.assertIn("2 files: 1 ok, 0 with warnings, 1 rejected", r.out)

    def mixed_files(self):
        """Good and bad files, and a hostile one: a Flate bomb whose decoding stops at the
        budget."""
        import zlib
        bomb = zlib.compress(b" " * (100 << 20), 9)  # past the 64 MiB floor of one page
        files = []
        for i in range(4):
            files.append(self.file(f"good{i}.pdf", sample_pdf(1 + i % 3)))
            files.append(self.file(f"forged{i}.pdf", sample_pdf(1, declared=50 + i)))
            files.append(self.file(f"cut{i}.pdf", sample_pdf(2)[:200 + i]))
            files.append(self.file(f"text{i}.pdf", b"not a PDF %d" % i))
            files.append(self.file(f"empty{i}.pdf", b""))
            files.append(os.path.join(self.home, f"missing{i}.pdf"))
        objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
                   b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
                   b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb
                   + b"\nendstream",
                   b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"]

        files.insert(5, self.file("bomb.pdf", pdf_file(objects)))
        return files

    def test_jobs_print_the_same_bytes_in_the_order_given(self):
        files = self.mixed_files()
        for extra in ([], ["--json"]):
            runs = [self.sne("piece", "check", *files, "--jobs", jobs, *extra)
                    for jobs in ("1", "2", "0")]
            runs.append(self.sne("piece", "check", *files, *extra))  # default: one per core
            stdin = self.sne("piece", "check", "-", "--jobs", "2", *extra,
                             stdin="\n".join(files) + "\n")
            for r in runs + [stdin]:
                self.assertExit(r, 6)
                self.assertEqual(r.out, runs[0].out)
                self.assertEqual(r.err, "")
        reports = json.loads(runs[0].out)
        self.assertEqual([x["file"] for x in reports], files)
        bomb = reports[5]
        self.assertEqual(os.path.basename(bomb["file"]), "bomb.pdf")
        self.assertEqual([w["code"] for w in bomb["warnings"]], ["pdf_partly_read"])

    def test_jobs_out_of_range_is_a_usage_error(self):
        good = self.file("good.pdf", sample_pdf(1))
        for jobs in ("-1", "65", "two"):
            r = self.sne("piece", "check", good, "--jobs", jobs)
            self.assertExit(r, 2)
            self.assertIn("--jobs", r.err)

    def test_ctrl_c_stops_cleanly_with_the_reports_done(self):
        files = [self.file(f"f{i}.pdf", sample_pdf(1)) for i in range(3)]
        proc = subprocess.Popen([SNE, "piece", "check", "-", "--jobs", "2", "--json"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=self.env)
        proc.stdin.write(("\n".join(files) + "\n").encode())
        proc.stdin.flush()
        time.sleep(1)  # the three are checked; sne waits for more paths
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(b"", timeout=30)  # closes stdin
        self.assertEqual(proc.returncode, 130, err)
        self.assertIn(b"sne: note: interrupted: ", err)
        done = [x["file"] for x in json.loads(out)]  # still one JSON document
        self.assertEqual(done, files[:len(done)])


class Sending(CliTest):
    def setUp(self):
        super().setUp()
        self.pdf = os.path.join(self.home, "quittance.pdf")
        with open(self.pdf, "wb") as f:
            f.write(sample_pdf(1))

    def test_add_is_idempotent_then_the_numeriseur_files_it(self):
        r = self.sne("piece", "add", NUMERO, self.pdf, "--type", "quittance_loyer",
                     "--emission", "2026-11-01", "--json")
        self.assertExit(r, 0)
        first = r.json()
        self.assertEqual(first["pli"]["statut"], "numerisation_en_cours")
        again = self.sne("piece", "add", NUMERO, self.pdf, "--type", "quittance_loyer",
                         "--emission", "2026-11-01")
        self.assertExit(again, 0)
        self.assertEqual(again.out.splitlines()[-1], first["transaction"])
        adv = self.sne("sandbox", "advance", "--json")
        self.assertExit(adv, 0)
        self.assertEqual(adv.json()["transactions"], [first["transaction"]])
        shown = self.sne("dossier", "show", NUMERO, "--json")
        self.assertExit(shown, 0)
        self.assertIn("quittance.pdf", shown.out)
        self.assertIn(first["transaction"], shown.out)

    def test_full_category_is_refused_with_the_cleanup_hint_and_nothing_sent(self):
        r = self.sne("piece", "add", NUMERO, self.pdf, "--type", "bulletins_salaire")
        self.assertExit(r, 6)
        # The library says what is wrong; the command that makes room is the CLI's advice.
        self.assertOneLineError(r, "bulletins_salaire", NUMERO,
                                f": run 'sne dossier clean {NUMERO} --for bulletins_salaire:1' first")
        adv = self.sne("sandbox", "advance", "--json")
        self.assertEqual(adv.json()["processed"], 0)

    def test_an_unknown_type_is_refused_with_the_types_hint(self):
        r = self.sne("piece", "add", NUMERO, self.pdf, "--type", "no_such_type")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "piece type 'no_such_type' is not in the plan de classement")
        self.assertNotIn("sne piece types", [l for l in r.err.splitlines() if "error" in l][0])
        self.assertIn("hint: see 'sne piece types'", r.err)

    def test_a_bad_file_stops_everything_before_sending(self):
        bad = os.path.join(self.home, "bad.pdf")
        with open(bad, "wb") as f:
            f.write(b"%PDF-1.4 broken")
        r = self.sne("piece", "add", NUMERO, self.pdf, bad, "--type", "quittance_loyer")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "bad.pdf", "nothing was sent")
        self.assertEqual(self.sne("sandbox", "advance", "--json").json()["processed"], 0)

    def test_bad_input_is_named(self):
        r = self.sne("piece", "add", "123", self.pdf, "--type", "quittance_loyer")
        self.assertExit(r, 6)
        r = self.sne("piece", "add", NUMERO, self.pdf, "--type", "nope")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "nope")
        r = self.sne("piece", "add", NUMERO, self.pdf, "--type", "quittance_loyer",
                     "--emission", "2026-13-01")
        self.assertExit(r, 6)
        # The contexte is read at the edge, before anything is asked of the service.
        r = self.sne("piece", "add", NUMERO, self.pdf, "--type", "quittance_loyer",
                     "--contexte", "suppression")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "--contexte: unknown contexte 'suppression'")
        r = self.sne("piece", "add", NUMERO, self.pdf)
        self.assertExit(r, 2)

    def test_rm_checks_ids_and_asks(self):
        shown = self.sne("dossier", "show", NUMERO, "--json").json()
        text = json.dumps(shown)
        self.assertIn("pc000001", text)
        r = self.sne("piece", "rm", NUMERO, "pc000001")  # no terminal, no --yes
        self.assertExit(r, 2)
        r = self.sne("piece", "rm", NUMERO, "pc000001", "pc-nope", "--yes")
        self.assertExit(r, 7)
        self.assertOneLineError(r, "pc-nope", "nothing deleted")
        self.assertIn("pc000001", self.sne("dossier", "show", NUMERO, "--json").out)
        r = self.sne("piece", "rm", NUMERO, "pc000001", "--yes", "--json")
        self.assertExit(r, 0)
        self.assertEqual(r.json()["deleted"], ["pc000001"])
        self.assertNotIn("pc000001", self.sne("dossier", "show", NUMERO, "--json").out)

    def test_over_http_the_same_command_gives_the_same_pli(self):
        db, ep = signed_in_server(self)
        first = self.sne(*ep, "piece", "add", NUMERO, self.pdf, "--type", "quittance_loyer")
        self.assertExit(first, 0)
        second = self.sne(*ep, "piece", "add", NUMERO, self.pdf, "--type", "quittance_loyer")
        self.assertExit(second, 0)
        self.assertEqual(first.out.splitlines()[-1], second.out.splitlines()[-1])
        adv = self.sne("sandbox", "advance", "--db", db, "--json")
        self.assertEqual(adv.json()["enregistrement_complet"], 1)


class ExactlyOnce(CliTest):
    """The same pieces sent again are recognised by their content before any check of the
    demande, whose state the first send changed."""
    TYPE = "titre_sejour"  # 2 pieces max.; the seed's demande NUMERO holds none

    def setUp(self):
        super().setUp()
        self.recto = self.write("recto.pdf", sample_pdf(1))
        self.verso = self.write("verso.pdf", sample_pdf(2))

    def write(self, name, data):
        path = os.path.join(self.home, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def add(self, *files, extra=()):
        return self.sne("piece", "add", NUMERO, *files, "--type", self.TYPE, *extra, "--json")

    def filed(self):
        shown = self.sne("dossier", "show", NUMERO, "--json").json()
        return [p for p in json.dumps(shown).split('"id": "')[1:] if self.TYPE in p]

    def test_a_filed_pli_sent_again_is_replayed_not_refused_nor_cleaned(self):
        first = self.add(self.recto, self.verso, extra=("--idempotency-key", "k-titre-1"))
        self.assertExit(first, 0)
        tx = first.json()["transaction"]
        self.assertFalse(first.json()["replayed"])
        self.assertEqual(self.sne("sandbox", "advance", "--json").json()["transactions"], [tx])
        # The category is now full of these very pieces: the same command is a replay, with
        # the pli's current status, not a refusal suggesting to delete them.
        again = self.add(self.recto, self.verso, extra=("--idempotency-key", "k-titre-1"))
        self.assertExit(again, 0)
        self.assertTrue(again.json()["replayed"])
        self.assertEqual(again.json()["transaction"], tx)
        self.assertEqual(again.json()["pli"]["statut"], "enregistrement_complet")
        text = self.sne("piece", "add", NUMERO, self.recto, self.verso, "--type", self.TYPE,
                        "--idempotency-key", "k-titre-1")
        self.assertExit(text, 0)
        self.assertIn("Already sent", text.out)
        self.assertNotIn("clean", text.out + text.err)
        self.assertEqual(text.out.splitlines()[-1], tx)
        # Under another key, the same content finds the category full of itself: the refusal
        # says so and suggests no cleanup.
        other = self.sne("piece", "add", NUMERO, self.recto, self.verso, "--type", self.TYPE)
        self.assertExit(other, 6)
        self.assertOneLineError(other, "already holds the content", tx)
        self.assertNotIn("dossier clean", other.err)

    def test_the_same_bytes_under_other_names_are_the_same_pli(self):
        first = self.add(self.recto)
        self.assertExit(first, 0)
        tmp = self.write("tmp-4f2a.pdf", open(self.recto, "rb").read())
        again = self.add(tmp)
        self.assertExit(again, 0)
        self.assertTrue(again.json()["replayed"])
        self.assertEqual(again.json()["transaction"], first.json()["transaction"])
        adv = self.sne("sandbox", "advance", "--json").json()
        self.assertEqual(adv["processed"], 1)
        # Other dates make another pli, of the same content: a warning names the filed piece.
        other = self.add(tmp, extra=("--expiration", "2030-01-01"))
        self.assertExit(other, 0)
        self.assertFalse(other.json()["replayed"])
        self.assertEqual([w["code"] for w in other.json()["warnings"]], ["duplicate_content"])
        self.assertIn(first.json()["transaction"], other.json()["warnings"][0]["message"])
        self.assertEqual(self.sne("sandbox", "advance", "--json").json()["processed"], 1)
        # The category is full now, of this content twice: the refusal says so, and suggests
        # no cleanup of what is being sent.
        full = self.sne("piece", "add", NUMERO, tmp, "--type", self.TYPE, "--expiration",
                        "2031-01-01")
        self.assertExit(full, 6)
        self.assertOneLineError(full, "already holds the content")
        self.assertNotIn("dossier clean", full.err)

    def test_dry_run_checks_with_the_service_and_uploads_nothing(self):
        r = self.add(self.recto, extra=("--dry-run",))
        self.assertExit(r, 0)
        self.assertTrue(r.json()["dry_run"])
        self.assertIsNone(r.json()["transaction"])
        text = self.sne("piece", "add", NUMERO, self.recto, "--type", self.TYPE, "--dry-run")
        self.assertExit(text, 0)
        self.assertIn("nothing was uploaded", text.out)
        self.assertEqual(self.sne("sandbox", "advance", "--json").json()["processed"], 0)
        # The checks are the service's: a full category and an unknown demande are refused.
        full = self.sne("piece", "add", NUMERO, self.recto, "--type", "bulletins_salaire",
                        "--dry-run")
        self.assertExit(full, 6)
        unknown = self.sne("piece", "add", "0340523004199G3401", self.recto, "--type",
                           self.TYPE, "--dry-run")
        self.assertExit(unknown, 7)

    def test_strict_refuses_files_with_warnings(self):
        forged = self.write("forged.pdf", sample_pdf(1, declared=5000))
        loose = self.add(forged, extra=("--dry-run",))
        self.assertExit(loose, 0)
        strict = self.sne("piece", "add", NUMERO, forged, "--type", self.TYPE, "--strict")
        self.assertExit(strict, 6)
        self.assertOneLineError(strict, "forged.pdf", "pdf_count_mismatch", "strict")
        hors = self.sne("piece", "add", NUMERO, self.recto, "--type", "rib", "--strict")
        if hors.code != 6:
            self.fail(f"hors périmètre type sent under --strict: {hors.out} {hors.err}")


if __name__ == "__main__":
    unittest.main()
