"""sne sandbox clock|seed: the sandbox's clock, fixed or not, from the command line and under a
running server; plis in volume for the tableau de bord."""
import os
import sqlite3
import time
import unittest
from datetime import datetime, timezone

from sne_cli import CliTest, sample_pdf
from test_account import Server

NUMERO = "0340523004101G3401"  # a demande of the demo agent's territory


def epoch(iso):
    return datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp()


class Clock(CliTest):
    def setUp(self):
        super().setUp()
        self.db = os.path.join(self.home, "sandbox.db")

    def clock(self, *args):
        r = self.sne("sandbox", "clock", *args, "--db", self.db, "--json")
        self.assertExit(r, 0)
        return r.json()

    def test_a_new_sandbox_runs_on_the_system_clock(self):
        state = self.clock()
        self.assertEqual(state["mode"], "auto")
        self.assertEqual(state["offset_seconds"], 0)
        self.assertLess(abs(epoch(state["now"]) - time.time()), 5)
        r = self.sne("sandbox", "clock", "--db", self.db)
        self.assertExit(r, 0)
        self.assertEqual(len(r.out.splitlines()), 1)
        self.assertIn("auto (on the system clock)", r.out)

    def test_set_stops_the_clock_until_advanced(self):
        state = self.clock("set", "2025-04-18T10:00:00Z")
        self.assertEqual(state, {"now": "2025-04-18T10:00:00Z", "mode": "fixed",
                                 "offset_seconds": state["offset_seconds"]})
        self.assertLess(abs(state["offset_seconds"] - (epoch("2025-04-18T10:00:00Z") - time.time())), 5)
        time.sleep(1.1)
        self.assertEqual(self.clock()["now"], "2025-04-18T10:00:00Z")
        r = self.sne("sandbox", "advance", "--by", "1h30m", "--db", self.db)
        self.assertExit(r, 0)
        # The offset is measured against the system clock: it moves between two calls.
        after = self.clock()
        self.assertEqual((after["now"], after["mode"]), ("2025-04-18T11:30:00Z", "fixed"))
        self.assertLess(abs(after["offset_seconds"] -
                            (epoch("2025-04-18T11:30:00Z") - time.time())), 5)
        r = self.sne("sandbox", "clock", "set", "2024-02-29", "--db", self.db)
        self.assertExit(r, 0)
        self.assertIn("2024-02-29T00:00:00Z, fixed", r.out)
        self.assertIn("behind the system clock", r.out)

    def test_auto_goes_back_to_the_system_clock(self):
        self.clock("set", "2025-04-18T10:00:00Z")
        self.assertExit(self.sne("sandbox", "advance", "--by", "3d", "--db", self.db), 0)
        state = self.clock("auto")
        self.assertEqual(state["mode"], "auto")
        self.assertEqual(state["offset_seconds"], 0)
        self.assertLess(abs(epoch(state["now"]) - time.time()), 5)
        # advance moves an automatic clock by an offset, which auto drops again.
        self.assertExit(self.sne("sandbox", "advance", "--by", "2d", "--db", self.db), 0)
        self.assertEqual(self.clock()["offset_seconds"], 2 * 86400)
        self.assertEqual(self.clock("auto")["offset_seconds"], 0)

    def test_bad_instants_are_named(self):
        for bad in ("2025-13-01", "tomorrow", "2025-04-18T10:00:00", "1969-12-31",
                    "2025-04-18 10:00:00Z", "2201-01-01T00:00:00Z"):
            r = self.sne("sandbox", "clock", "set", bad, "--db", self.db)
            self.assertExit(r, 6)
            self.assertOneLineError(r, f"'{bad}'")
            r = self.sne("sandbox", "clock", "set", bad, "--db", self.db, "--json")
            self.assertExit(r, 6)
            self.assertEqual(r.json()["error"]["code"], "invalid_input")
        self.assertEqual(self.clock()["mode"], "auto")  # nothing changed
        self.assertExit(self.sne("sandbox", "clock", "set", "--db", self.db), 2)
        self.assertExit(self.sne("sandbox", "clock", "later", "--db", self.db), 2)

    def test_a_served_sandbox_sees_the_new_time_at_once(self):
        server = Server(self, self.db)
        self.addCleanup(server.stop)
        ep = ["--endpoint", server.url]
        self.clock("set", "2025-04-18T10:00:00Z")
        # A session opened under the fixed clock is one the client keeps.
        r = self.sne(*ep, "auth", "login", "--email", "agent@sandbox.sne.test",
                     "--password-stdin", stdin="sandbox\n")
        self.assertExit(r, 0)
        pdf = os.path.join(self.home, "quittance.pdf")
        with open(pdf, "wb") as f:
            f.write(sample_pdf(1))
        r = self.sne(*ep, "piece", "add", NUMERO, pdf, "--type", "quittance_loyer", "--json")
        self.assertExit(r, 0)
        self.assertEqual(r.json()["pli"]["date_transmission"], "2025-04-18T10:00:00Z")
        self.clock("set", "2025-04-18T15:30:00Z")
        r = self.sne(*ep, "piece", "add", NUMERO, pdf, "--type", "attestation_pacs", "--json")
        self.assertExit(r, 0)
        self.assertEqual(r.json()["pli"]["date_transmission"], "2025-04-18T15:30:00Z")
        self.clock("auto")
        other = os.path.join(self.home, "autre.pdf")
        with open(other, "wb") as f:
            f.write(sample_pdf(2))
        # Back in the present, the session opened in 2025 ended 8 hours of sandbox time later.
        r = self.sne(*ep, "piece", "add", NUMERO, other, "--type", "attestation_pacs", "--json")
        self.assertExit(r, 4)
        self.assertExit(self.sne(*ep, "auth", "login", "--email", "agent@sandbox.sne.test",
                                 "--password-stdin", stdin="sandbox\n"), 0)
        r = self.sne(*ep, "piece", "add", NUMERO, other, "--type", "attestation_pacs", "--json")
        self.assertExit(r, 0)
        self.assertLess(abs(epoch(r.json()["pli"]["date_transmission"]) - time.time()), 5)


class Seed(CliTest):
    def setUp(self):
        super().setUp()
        self.db = os.path.join(self.home, "sandbox.db")

    def count(self, sql):
        db = sqlite3.connect(self.db)
        try:
            return db.execute(sql).fetchone()[0]
        finally:
            db.close()

    def test_adds_plis_for_the_guichet_and_says_how_many(self):
        self.assertExit(self.sne("sandbox", "clock", "set", "2025-06-02T12:00:00Z",
                                 "--db", self.db), 0)
        before = self.count("SELECT count(*) FROM plis WHERE guichet = 'G3401'")
        pieces = self.count("SELECT count(*) FROM pieces")
        r = self.sne("sandbox", "seed", "--plis", "500", "--db", self.db, "--json")
        self.assertExit(r, 0)
        doc = r.json()
        self.assertEqual(doc["added"], 500)
        self.assertEqual(doc["guichet"], "G3401")
        self.assertEqual(doc["territoire"], "034")
        self.assertEqual(sum(doc["by_statut"].values()), 500)
        self.assertEqual(set(doc["by_statut"]), {"numerisation_en_cours", "rejet_pieces",
                                                 "rejet_dossier", "enregistrement_complet",
                                                 "non_applicable"})
        self.assertGreater(doc["by_statut"]["enregistrement_complet"], 250)
        self.assertLessEqual(doc["last_transmission"], "2025-06-02T12:00:00Z")
        self.assertGreaterEqual(doc["first_transmission"], "2024-06-02T12:00:00Z")
        self.assertEqual(self.count("SELECT count(*) FROM plis WHERE guichet = 'G3401'"),
                         before + 500)
        self.assertEqual(self.count("SELECT count(*) FROM pieces"), pieces)

        r = self.sne("sandbox", "seed", "--plis", "20", "--guichet", "g6901", "--days", "7",
                     "--db", self.db)
        self.assertExit(r, 0)
        self.assertIn("Added 20 plis for guichet G6901", r.out)
        self.assertIn("territory 069", r.out)
        self.assertIn("not filed", r.out)

    def test_bad_values_are_refused(self):
        for n in ("0", "-5", "abc", "1000001", "1.5"):
            r = self.sne("sandbox", "seed", "--plis", n, "--db", self.db)
            self.assertExit(r, 2)
            self.assertOneLineError(r, "--plis")
        self.assertExit(self.sne("sandbox", "seed", "--db", self.db), 2)
        self.assertExit(self.sne("sandbox", "seed", "--plis", "5", "--days", "0",
                                 "--db", self.db), 2)
        r = self.sne("sandbox", "seed", "--plis", "5", "--guichet", "G99", "--db", self.db)
        self.assertExit(r, 6)
        self.assertOneLineError(r, "'G99'")
        r = self.sne("sandbox", "seed", "--plis", "5", "--guichet", "G9999", "--db", self.db,
                     "--json")
        self.assertExit(r, 7)
        self.assertEqual(r.json()["error"]["code"], "not_found")


if __name__ == "__main__":
    unittest.main()


class SharedDatabase(CliTest):
    """A served sandbox and CLI processes on one database: SQLite's locks are per process and
    dropped by any close() of the file in that process, so a stray open/close of the path would
    let another process delete the server's WAL and fork the database."""

    TYPES = ["contrat_travail", "carte_etudiant", "certificat_scolarite",
             "contrat_apprentissage", "livret_famille", "acte_naissance"]

    def setUp(self):
        super().setUp()
        self.db = os.path.join(self.home, ".local/share/sne/sandbox.db")
        self.assertExit(self.sne("auth", "status"), 0)  # creates and seeds the default database
        self.server = Server(self, None)  # serves the default database, as most users do
        self.addCleanup(lambda: self.server.proc.poll() is None and self.server.stop())
        self.ep = ["--endpoint", self.server.url]
        self.assertExit(self.sne(*self.ep, "auth", "login", "--email", "agent@sandbox.sne.test",
                                 "--password-stdin", stdin="sandbox\n"), 0)

    def add(self, n, *ep):
        pdf = os.path.join(self.home, f"piece-{n}.pdf")
        with open(pdf, "wb") as f:
            f.write(sample_pdf(n + 1))
        r = self.sne(*ep, "piece", "add", NUMERO, pdf, "--type", self.TYPES[n], "--json")
        self.assertExit(r, 0)
        return r.json()["pli"]["transaction"]

    def plis(self, *ep):
        r = self.sne(*ep, "pli", "list", "--numero", NUMERO, "--all", "--json")
        self.assertExit(r, 0)
        return {p["transaction"] for p in r.json()}

    def test_writes_of_the_server_and_of_other_processes_are_seen_by_all(self):
        sent = set()
        for round_ in range(3):
            # Other processes open and close the database while the server holds it open.
            for args in (["sandbox", "clock", "--db", self.db], ["auth", "status"],
                         ["sandbox", "advance", "--by", "1m", "--db", self.db]):
                self.assertExit(self.sne(*args), 0)
            self.assertTrue(os.path.exists(self.db + "-wal"), "the server's WAL was deleted")
            sent.add(self.add(2 * round_, *self.ep))  # written by the server
            sent.add(self.add(2 * round_ + 1))  # written by another process
            self.assertLessEqual(sent, self.plis(*self.ep))
            self.assertLessEqual(sent, self.plis())
        self.assertEqual(self.server.stop()[0], 0)
        db = sqlite3.connect(self.db)
        try:
            self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
            on_file = {row[0] for row in db.execute("SELECT transaction_id FROM plis")}
        finally:
            db.close()
        self.assertLessEqual(sent, on_file)

    def test_a_database_path_that_is_a_symbolic_link_is_refused(self):
        link = os.path.join(self.home, "link.db")
        os.symlink(self.db, link)
        r = self.sne("sandbox", "clock", "--db", link)
        self.assertExit(r, 1)
        self.assertOneLineError(r, link)
