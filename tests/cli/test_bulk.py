"""sne bulk: a manifest sent against `sne sandbox serve` over loopback with its faults on, the
process killed (SIGKILL) at random instants and interrupted (SIGINT), then run again until
done: every good row has exactly one pli on the server, every bad row is in the report with
its reason, and a further run sends nothing. Also check, the journal's checks, shards,
status, report, list and clean."""
import csv
import json
import os
import random
import signal
import sqlite3
import stat
import subprocess
import time
import unittest

from sne_cli import SNE, CliTest, sample_pdf
from test_account import Server
from test_pack import make_png

FULL = "0340523004101G3401"  # the seed's newest pli of G3401 filled its bulletins_salaire
TYPE = "quittance_loyer"  # 2 pieces at most


class Bulk(CliTest):
    def setUp(self):
        super().setUp()
        self.db = os.path.join(self.home, "served.db")
        self.server = Server(self, self.db)
        self.ep = ["--endpoint", self.server.url]
        self.assertExit(self.sne(*self.ep, "auth", "login", "--email", "agent@sandbox.sne.test",
                                 "--password-stdin", stdin="sandbox\n"), 0)
        self.assertExit(self.sne("sandbox", "numeriseur", "--db", self.db, "--delay", "3600"), 0)
        self.dir = os.path.join(self.home, "scans")
        os.makedirs(self.dir)
        self.serial = 0

    # ---- fixtures ----------------------------------------------------------------------------

    def seed(self, n):
        r = self.sne("sandbox", "seed", "--db", self.db, "--demandes", str(n), "--json")
        self.assertExit(r, 0)
        return r.json()

    def pdf(self, name=None, data=None):
        self.serial += 1
        name = name or f"scan-{self.serial}.pdf"
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(data if data is not None else
                    sample_pdf(1 + self.serial % 3) + b"%% %d\n" % self.serial)
        return name

    def manifest(self, rows, name="manifest.csv", fmt="csv"):
        path = os.path.join(self.dir, name)
        if fmt == "jsonl":
            with open(path, "w", encoding="utf-8") as f:
                for r in rows:
                    f.write(json.dumps(r) + "\n")
            return path
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\r\n")
            w.writerow(["type", "numero_unique", "files", "pack"])  # any order
            for r in rows:
                w.writerow([r["type"], r["numero_unique"], "|".join(r["files"]),
                            "yes" if r.get("pack") else ""])
        return path

    def radiated(self):
        with sqlite3.connect(self.db) as c:
            return c.execute("SELECT numero FROM demandes WHERE date_radiation IS NOT NULL AND "
                             "territoire = '034' LIMIT 1").fetchone()[0]

    def plis_by_numero(self):
        r = self.sne(*self.ep, "pli", "list", "--all", "--json")
        self.assertExit(r, 0)
        counts = {}
        for p in r.json():
            counts[p["numero_unique"]] = counts.get(p["numero_unique"], 0) + 1
        return counts

    def faults(self, *args):
        self.assertExit(self.sne("sandbox", "faults", "--db", self.db, *args), 0)

    def send(self, manifest, *args):
        return self.sne(*self.ep, "bulk", "send", manifest, "--json", *args)

    def read_report(self, path):
        with open(path, newline="", encoding="utf-8") as f:
            return {int(r["row"]): r for r in csv.DictReader(f)}

    def mixed_rows(self, good):
        """`good` seeded demandes each get one good row; then the bad rows, each with the
        error_code it must end with."""
        rows, expected = [], {}
        for i, nu in enumerate(good):
            files = [self.pdf()] + ([self.pdf()] if i % 2 else [])
            rows.append({"numero_unique": nu, "type": TYPE, "files": files})
        spare = self.seed(12)
        enc = os.path.join(self.dir, "locked.pdf")
        plain = os.path.join(self.dir, self.pdf())
        subprocess.run(["qpdf", "--encrypt", "secret", "owner", "256", "--", plain, enc],
                       check=True)
        bad = [
            ({"files": ["locked.pdf"]}, "pdf_password"),
            ({"files": [self.pdf("cut.pdf", sample_pdf(1)[:300])]}, "pdf_invalid"),
            ({"files": [self.pdf("empty.pdf", b"")]}, "empty_file"),
            ({"files": ["missing.pdf"]}, "file_unreadable"),
            ({"files": [self.pdf()], "type": "no_such_type"}, "unknown_type"),
            ({"files": [self.pdf()], "numero_unique": self.radiated()}, "conflict"),
            ({"files": [self.pdf()], "numero_unique": FULL, "type": "bulletins_salaire"},
             "conflict"),
            ({"files": [self.pdf(), self.pdf(), self.pdf()]}, "conflict"),  # 3 > 2 pieces
        ]
        for j, (row, code) in enumerate(bad):
            full = {"numero_unique": spare[j], "type": TYPE}
            full.update(row)
            rows.append(full)
            expected[len(rows)] = code
        return rows, expected

    # ---- the main scenario -------------------------------------------------------------------

    def test_killed_at_random_instants_then_resumed_sends_each_good_row_exactly_once(self):
        good = self.seed(150)
        rows, expected = self.mixed_rows(good)
        manifest = self.manifest(rows)
        report = os.path.join(self.home, "report.csv")
        # Errors, and connections dropped before or after the service committed.
        self.faults("--error-rate", "0.05", "--drop-rate", "0.05", "--drop-when", "either")
        rng = random.Random(int(os.environ.get("SNE_TEST_SEED", "0")) or None)
        kills = 0
        for _ in range(4):
            proc = subprocess.Popen([SNE, *self.ep, "bulk", "send", manifest, "--parallel", "8"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    env=self.env)
            time.sleep(rng.uniform(0.05, 1.2))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait(timeout=30)
        self.assertGreater(kills, 0, "every run ended before its kill: nothing was tested")
        for attempt in range(8):
            r = self.send(manifest, "--parallel", "8", "--report", report)
            if r.code == 3:
                break
            self.assertIn(r.code, (3, 5), repr(r))  # 5: transient failures left to retry
        self.assertExit(r, 3)
        summary = r.json()
        self.assertEqual(summary["rows"], len(rows))
        self.assertEqual(summary["sent"] + summary["already_sent"], len(good))
        self.assertEqual(summary["failed_permanent"], len(expected))
        self.assertEqual(summary["pending"] + summary["failed_transient"], 0)
        # Exactly one pli per good row, none for the bad ones.
        counts = self.plis_by_numero()
        self.assertEqual({nu: counts.get(nu, 0) for nu in good}, {nu: 1 for nu in good})
        for row, code in expected.items():
            nu = rows[row - 1]["numero_unique"]
            if nu not in (FULL,) and nu != self.radiated():
                self.assertEqual(counts.get(nu, 0), 0, f"row {row}")
        # Every bad row is in the report with its reason; the journal and report are private.
        got = self.read_report(report)
        self.assertEqual(len(got), len(rows))
        for row, code in expected.items():
            self.assertEqual(got[row]["status"], "failed_permanent", got[row])
            self.assertEqual(got[row]["error_code"], code, got[row])
            self.assertTrue(got[row]["message"])
        for row in range(1, len(good) + 1):
            self.assertIn(got[row]["status"], ("sent", "already_sent"))
            self.assertRegex(got[row]["transaction"], r"^[a-z0-9]{13}$")
        self.assertEqual(stat.S_IMODE(os.stat(report).st_mode), 0o600)
        journal = summary["journal"]
        self.assertEqual(stat.S_IMODE(os.stat(journal).st_mode), 0o600)
        # A further run, faults off, sends nothing and reports the same.
        self.faults("--off")
        again = self.send(manifest)
        self.assertExit(again, 3)
        self.assertEqual(again.json()["bytes"], 0)
        self.assertEqual(self.plis_by_numero(), counts)
        # The report's failed rows are a valid manifest: they fail again, for the same reasons.
        retry = self.send(report, "--retry-failed")
        self.assertExit(retry, 3)
        self.assertEqual(retry.json()["rows"], len(rows))

    def test_ctrl_c_stops_cleanly_and_the_next_run_finishes(self):
        good = self.seed(40)
        manifest = self.manifest([{"numero_unique": nu, "type": TYPE, "files": [self.pdf()]}
                                  for nu in good])
        self.faults("--latency", "150")
        proc = subprocess.Popen([SNE, *self.ep, "bulk", "send", manifest, "--parallel", "2"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=self.env)
        time.sleep(1.5)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 130, err)
        self.assertIn("run the same command again to resume", err)
        status = self.sne("bulk", "status", "--json")
        self.assertExit(status, 0)
        self.assertFalse(status.json()["finished"], status.out)
        self.assertGreater(status.json()["pending"], 0)
        self.faults("--off")
        r = self.send(manifest)
        self.assertExit(r, 0)
        self.assertEqual(r.json()["sent"] + r.json()["already_sent"], len(good))
        counts = self.plis_by_numero()
        self.assertEqual({nu: counts.get(nu, 0) for nu in good}, {nu: 1 for nu in good})
        self.assertTrue(self.sne("bulk", "status", "--json").json()["finished"])

    def test_ctrl_c_while_the_pace_holds_the_workers_still_stops(self):
        good = self.seed(10)
        manifest = self.manifest([{"numero_unique": nu, "type": TYPE, "files": [self.pdf()]}
                                  for nu in good])
        proc = subprocess.Popen([SNE, *self.ep, "bulk", "send", manifest, "--rate", "1",
                                 "--parallel", "2"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=self.env)
        time.sleep(2.5)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
        self.assertEqual(proc.returncode, 130, err)
        r = self.send(manifest)
        self.assertExit(r, 0)
        self.assertEqual(r.json()["sent"] + r.json()["already_sent"], 10)

    def test_rows_with_one_content_or_one_key(self):
        good = self.seed(3)
        data = sample_pdf(1) + b"% same bytes\n"
        a, b = self.pdf("tmp-a.pdf", data), self.pdf("tmp-b.pdf", data)
        latin1 = os.fsencode(self.dir) + b"/quittance_f\xe9v.pdf"
        with open(latin1, "wb") as f:
            f.write(sample_pdf(2))
        path = os.path.join(self.dir, "keys.jsonl")
        with open(path, "wb") as f:
            for row in (
                    # The same bytes under two names: one pli, whichever row comes first.
                    {"numero_unique": good[0], "type": TYPE, "files": [a]},
                    {"numero_unique": good[0], "type": TYPE, "files": [b]},
                    # One key given to two rows of two demandes: the second is refused.
                    {"numero_unique": good[1], "type": TYPE, "files": [self.pdf()],
                     "idempotency_key": "export-1"},
                    {"numero_unique": good[2], "type": TYPE, "files": [self.pdf()],
                     "idempotency_key": "export-1"}):
                f.write(json.dumps(row).encode() + b"\n")
        report = os.path.join(self.home, "r.jsonl")
        r = self.send(path, "--report", report, "--parallel", "1")
        self.assertExit(r, 3)
        with open(report, encoding="utf-8", errors="replace") as f:
            rows = [json.loads(line) for line in f]
        self.assertEqual([x["status"] for x in rows],
                         ["sent", "already_sent", "sent", "failed_permanent"], rows)
        self.assertEqual(rows[0]["transaction"], rows[1]["transaction"])
        self.assertIn("export-1", rows[3]["message"])
        # A Latin-1 file name (a file share's) in a CSV manifest: sent, and recorded.
        latin = os.path.join(self.dir, "latin.csv")
        with open(latin, "wb") as f:
            f.write(b"numero_unique,type,files\n%s,%s,quittance_f\xe9v.pdf\n"
                    % (good[2].encode(), TYPE.encode()))
        r = self.send(latin, "--report", os.path.join(self.home, "latin-report.csv"))
        self.assertExit(r, 0)
        counts = self.plis_by_numero()
        self.assertEqual([counts.get(nu, 0) for nu in good], [1, 1, 1])

    def test_one_journal_has_one_sender_at_a_time(self):
        good = self.seed(6)
        manifest = self.manifest([{"numero_unique": nu, "type": TYPE, "files": [self.pdf()]}
                                  for nu in good])
        self.faults("--latency", "400")
        first = subprocess.Popen([SNE, *self.ep, "bulk", "send", manifest, "--parallel", "1"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 env=self.env)
        time.sleep(1.0)
        second = self.sne(*self.ep, "bulk", "send", manifest)
        self.assertExit(second, 6)
        self.assertOneLineError(second, "in use by another")
        first.wait(timeout=30)
        self.assertEqual(first.returncode, 0)

    # ---- the journal -------------------------------------------------------------------------

    def test_a_file_changed_after_its_key_was_recorded_fails_its_row_named(self):
        good = self.seed(3)
        names = [self.pdf() for _ in good]
        manifest = self.manifest([{"numero_unique": nu, "type": TYPE, "files": [n]}
                                  for nu, n in zip(good, names)])
        self.faults("--error-rate", "1", "--error-status", "503")
        r = self.send(manifest, "--parallel", "1")
        self.assertExit(r, 5)
        self.assertEqual(r.json()["failed_transient"] + r.json()["pending"], 3)
        with open(os.path.join(self.dir, names[1]), "ab") as f:
            f.write(b"% edited\n")
        self.faults("--off")
        report = os.path.join(self.home, "r.jsonl")
        r = self.send(manifest, "--report", report)
        self.assertExit(r, 3)
        with open(report, encoding="utf-8") as f:
            rows = [json.loads(line) for line in f]
        self.assertEqual([x["status"] for x in rows], ["sent", "failed_permanent", "sent"])
        self.assertEqual(rows[1]["error_code"], "file_changed")
        self.assertIn(names[1], rows[1]["message"])
        self.assertEqual(self.plis_by_numero().get(good[1], 0), 0)

    def test_a_journal_of_another_manifest_is_refused(self):
        good = self.seed(2)
        a = self.manifest([{"numero_unique": good[0], "type": TYPE, "files": [self.pdf()]}], "a.csv")
        b = self.manifest([{"numero_unique": good[1], "type": TYPE, "files": [self.pdf()]}], "b.csv")
        journal = os.path.join(self.home, "j.journal")
        self.assertExit(self.send(a, "--journal", journal), 0)
        r = self.sne(*self.ep, "bulk", "send", b, "--journal", journal)
        self.assertExit(r, 6)
        self.assertOneLineError(r, "belongs to manifest", "a.csv")
        # The library says what is wrong; the program says what to do.
        self.assertIn("hint: give another --journal, or none", r.err)
        r = self.sne(*self.ep, "--json", "bulk", "send", b, "--journal", journal)
        self.assertEqual(r.json()["error"]["subject"], "journal")
        not_journal = self.write("plain.txt", "hello")
        r = self.sne(*self.ep, "bulk", "send", b, "--journal", not_journal)
        self.assertNotEqual(r.code, 0)

    def test_an_expired_or_bogus_token_stops_with_exit_4(self):
        good = self.seed(3)
        manifest = self.manifest([{"numero_unique": nu, "type": TYPE, "files": [self.pdf()]}
                                  for nu in good])
        r = self.sne(*self.ep, "bulk", "send", manifest, env={"SNE_TOKEN": "bogus"})
        self.assertExit(r, 4)
        self.assertIn("sign", r.err)
        self.assertEqual(self.plis_by_numero().get(good[0], 0), 0)

    def test_shards_share_a_manifest_and_an_overlap_is_harmless(self):
        good = self.seed(12)
        manifest = self.manifest([{"numero_unique": nu, "type": TYPE, "files": [self.pdf()]}
                                  for nu in good])
        sums = []
        for k in range(3):
            r = self.send(manifest, "--shard", f"{k}/3")
            self.assertExit(r, 0)
            sums.append(r.json()["rows"])
        self.assertEqual(sums, [4, 4, 4])
        # The whole manifest again, unsharded (another journal): every row is already sent.
        r = self.send(manifest)
        self.assertExit(r, 0)
        self.assertEqual(r.json()["already_sent"], 12)
        counts = self.plis_by_numero()
        self.assertEqual({nu: counts.get(nu, 0) for nu in good}, {nu: 1 for nu in good})
        bad = self.sne(*self.ep, "bulk", "send", manifest, "--shard", "3/3")
        self.assertExit(bad, 6)

    def test_jsonl_pack_and_dry_run(self):
        good = self.seed(2)
        png = os.path.join(self.dir, "recto.png")
        with open(png, "wb") as f:
            f.write(make_png([[(200, 200, 200)] * 64] * 64))
        rows = [{"numero_unique": good[0], "type": "piece_identite", "files": ["recto.png",
                                                                              "recto.png"],
                 "pack": True},
                {"numero_unique": good[1], "type": TYPE, "files": [self.pdf()]}]
        manifest = self.manifest(rows, "m.jsonl", fmt="jsonl")
        dry = self.send(manifest, "--dry-run")
        self.assertExit(dry, 0)
        self.assertEqual(self.plis_by_numero().get(good[0], 0), 0)
        r = self.send(manifest)
        self.assertExit(r, 0)
        self.assertEqual(r.json()["sent"], 2)
        shown = self.sne(*self.ep, "pli", "list", "--numero", good[0], "--json")
        self.assertEqual(len(shown.json()), 1)
        self.assertEqual(shown.json()[0]["nb_pieces"], 1)  # two images, one packed piece

    # ---- check, status, report, list, clean --------------------------------------------------

    def test_check_says_what_the_sne_would_refuse_and_sends_nothing(self):
        good = self.seed(3)
        rows = [{"numero_unique": good[0], "type": TYPE, "files": [self.pdf()]},
                # Two rows of one demande and type: each fits alone, not together.
                {"numero_unique": good[1], "type": TYPE, "files": [self.pdf()]},
                {"numero_unique": good[1], "type": TYPE, "files": [self.pdf(), self.pdf()]},
                {"numero_unique": self.radiated(), "type": TYPE, "files": [self.pdf()]},
                {"numero_unique": good[2], "type": TYPE, "files": ["missing.pdf"]}]
        manifest = self.manifest(rows)
        r = self.sne(*self.ep, "bulk", "check", manifest, "--json")
        self.assertExit(r, 3)
        verdicts = {v["row"]: v for v in r.json()["rows"]}
        self.assertEqual(verdicts[1]["status"], "sent")
        self.assertEqual(verdicts[2]["status"], "sent")
        self.assertEqual(verdicts[3]["error_code"], "category_full")
        self.assertEqual(verdicts[4]["error_code"], "conflict")
        self.assertIn("radiated", verdicts[4]["message"])
        self.assertEqual(verdicts[5]["error_code"], "file_unreadable")
        self.assertEqual(self.plis_by_numero().get(good[0], 0), 0)
        text = self.sne(*self.ep, "bulk", "check", manifest)
        self.assertExit(text, 3)
        self.assertIn("row 3", text.out)
        self.assertIn("5 rows: 2 would be sent", text.out)

    def test_status_report_list_and_clean(self):
        good = self.seed(2)
        manifest = self.manifest([{"numero_unique": nu, "type": TYPE, "files": [self.pdf()]}
                                  for nu in good])
        sent = self.send(manifest)
        self.assertExit(sent, 0)
        journal = sent.json()["journal"]
        self.assertTrue(journal.startswith(os.path.join(self.home, ".local/state/sne/bulk/")))
        listed = self.sne("bulk", "list", "--json")
        self.assertExit(listed, 0)
        self.assertEqual([j["journal"] for j in listed.json()], [journal])
        self.assertTrue(listed.json()[0]["finished"])
        self.assertIn("finished", self.sne("bulk", "list").out)
        report = os.path.join(self.home, "again.csv")
        r = self.sne("bulk", "report", journal, "--report", report)
        self.assertExit(r, 0)
        self.assertEqual(len(self.read_report(report)), 2)
        missing = self.sne("bulk", "status", os.path.join(self.home, "nope.journal"))
        self.assertExit(missing, 7)
        cleaned = self.sne("bulk", "clean", "--json")
        self.assertExit(cleaned, 0)
        self.assertEqual(cleaned.json()["deleted"], [journal])
        self.assertFalse(os.path.exists(journal))
        self.assertEqual(self.sne("bulk", "list", "--json").json(), [])

    def test_bad_flags_and_manifests(self):
        r = self.sne(*self.ep, "bulk", "send", os.path.join(self.home, "none.csv"))
        self.assertNotEqual(r.code, 0)
        self.assertOneLineError(r, "none.csv")
        m = self.write("m.csv", "numero_unique,files\n0340523004101G3401,a.pdf\n")
        r = self.sne(*self.ep, "bulk", "send", m)
        self.assertExit(r, 6)
        self.assertOneLineError(r, "type")
        r = self.sne(*self.ep, "bulk", "send", m, "--shard", "1/0")
        self.assertExit(r, 6)
        r = self.sne(*self.ep, "bulk", "send", m, "--parallel", "0")
        self.assertExit(r, 2)


if __name__ == "__main__":
    unittest.main()
