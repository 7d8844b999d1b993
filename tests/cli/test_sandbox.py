"""sne sandbox clock|seed: the sandbox's clock, fixed or not, from the command line and under a
running server; plis in volume for the tableau de bord."""
import http.client
import json
import os
import sqlite3
import subprocess
import threading
import time
import zlib
import unittest
from datetime import datetime, timezone

from sne_cli import SNE, CliTest, pdf_file, sample_pdf
from test_account import NEW, Server

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


def slow_pdf(pages=32, mib_per_page=15):
    """A PDF of `pages` pages, each with its own Flate content stream of `mib_per_page` MiB of
    spaces (under the preflight's budget of 16 MiB a page, so decoded to the end): about 0.5 MB
    that takes the preflight's child some 0.6 s to decode."""
    packed = zlib.compress(b" " * (mib_per_page << 20), 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(pages))
               + b"] /Count %d >>" % pages]
    for i in range(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>"
                       % (4 + 2 * i))
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed
                       + b"\nendstream")
    return pdf_file(objects)


class NumeriseurOffTheLock(CliTest):
    """The numériseur inspects pieces without the server's lock: while it works on a pli of
    slow pieces, other requests are answered at once, and the pli gets exactly one outcome."""

    def setUp(self):
        super().setUp()
        self.db = os.path.join(self.home, "served.db")
        server = Server(self, self.db)
        self.port = int(server.url.rsplit(":", 1)[1])

    def call(self, method, target, body=None, token=None, type_="application/json"):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {}
        if token:
            headers["Authorization"] = "Bearer " + token
        if body is not None:
            headers["Content-Type"] = type_
            if isinstance(body, dict):
                body = json.dumps(body).encode()
        start = time.monotonic()
        conn.request(method, target, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, (json.loads(data) if data else None), time.monotonic() - start

    def send_slow_pli(self, token, count):
        """A pli of `count` slow pieces to NUMERO, over types whose category has room."""
        catalog = self.sne("piece", "types", "--json").json()
        _, demande, _ = self.call("GET", f"/v1/demandes/{NUMERO}", token=token)
        held = [p["type"] for p in demande["pieces"]]
        defaults = catalog["defaults"]
        room = []
        for rubrique in catalog["rubriques"]:
            for t in rubrique["types"]:
                if (t["perimetre"] == "hors_perimetre"
                        or "pdf" not in t.get("formats", defaults["formats"])):
                    continue
                room += [t["code"]] * (t.get("max_pieces", defaults["max_pieces"])
                                       - held.count(t["code"]))
        self.assertGreaterEqual(len(room), count)
        piece = slow_pdf()
        pieces = []
        for i in range(count):
            status, up, _ = self.call("POST", "/v1/uploads", piece, token, "application/octet-stream")
            self.assertEqual(status, 201, up)
            pieces.append({"type": room[i], "nom_fichier": f"slow{i}.pdf",
                           "upload_id": up["upload_id"]})
        status, pli, _ = self.call("POST", f"/v1/demandes/{NUMERO}/plis",
                                   {"contexte": "AJO", "pieces": pieces}, token)
        self.assertEqual(status, 201, pli)
        return pli["transaction"]

    def test_requests_are_answered_while_pieces_are_inspected(self):
        status, login, _ = self.call("POST", "/v1/auth/token",
                                     {"email": "agent@sandbox.sne.test", "password": "sandbox"})
        self.assertEqual(status, 201, login)
        token = login["token"]
        tx = self.send_slow_pli(token, 8)
        # Due at once: the next request processes it (and waits for it, to see its outcome).
        self.assertExit(self.sne("sandbox", "numeriseur", "--delay", "0s", "--db", self.db), 0)
        trigger = {}

        def run_trigger():
            trigger["answer"] = self.call("GET", "/v1/me", token=token)

        thread = threading.Thread(target=run_trigger)
        started = time.monotonic()
        thread.start()
        time.sleep(0.5)  # the trigger has picked the pli and is inspecting
        # While it inspects, in another process: the CLI's numériseur on the same database.
        advance = subprocess.Popen([SNE, "sandbox", "advance", "--db", self.db, "--json"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   env=self.env)
        self.addCleanup(advance.communicate)
        self.addCleanup(lambda: advance.poll() is None and advance.kill())  # runs first
        answered_meanwhile = 0
        for _ in range(3):
            anonymous = self.call("GET", "/v1/account-requests/ar-none")
            self.assertEqual(anonymous[0], 404, anonymous[1])
            self.assertLess(anonymous[2], 2.0, "an anonymous request waited for the numériseur")
            mine = self.call("GET", f"/v1/plis/{tx}", token=token)
            self.assertEqual(mine[0], 200, mine[1])
            self.assertLess(mine[2], 2.0, "an agent's request waited for the numériseur")
            if thread.is_alive():
                answered_meanwhile += 1
                self.assertEqual(mine[1]["statut"], "numerisation_en_cours")
            time.sleep(0.2)
        thread.join(timeout=120)
        out, err = advance.communicate(timeout=120)
        self.assertEqual(advance.returncode, 0, err)
        elapsed = time.monotonic() - started
        # The assertions above prove something only if the inspection outlasted them.
        self.assertGreater(answered_meanwhile, 0, f"the numériseur took only {elapsed:.1f} s")
        status, me, took = trigger["answer"]
        self.assertEqual(status, 200, me)
        self.assertGreater(took, 2.0)  # the request that found the pli due saw it processed
        status, pli, _ = self.call("GET", f"/v1/plis/{tx}", token=token)
        self.assertEqual(pli["statut"], "enregistrement_complet", pli)
        # One outcome, though the server and the CLI both inspected it.
        self.assertEqual([h["statut"] for h in pli["historique"]],
                         ["numerisation_en_cours", "enregistrement_complet"])
        self.assertIn(json.loads(out)["processed"], (0, 1))  # whoever recorded it first
        _, demande, _ = self.call("GET", f"/v1/demandes/{NUMERO}", token=token)
        self.assertEqual(sum(p["nom_fichier"].startswith("slow") for p in demande["pieces"]), 8)


class ResetAndOutbox(CliTest):
    def test_reset_and_outbox(self):
        self.assertExit(self.sne("account", "request", *NEW), 0)
        mails = self.sne("sandbox", "outbox", "--json").json()
        self.assertTrue(any(m["to"] == "lea.martin@montpellier.example" for m in mails))
        self.assertEqual(len(self.sne("sandbox", "outbox", "--limit", "1", "--json").json()), 1)
        r = self.sne("sandbox", "reset")
        self.assertExit(r, 0)
        self.assertEqual(self.sne("sandbox", "outbox", "--json").json(), [])
        self.assertIn("empty", self.sne("sandbox", "outbox").out)
        # The old session died with the old database: the sandbox signs in again by itself.
        self.assertExit(self.sne("auth", "status"), 0)

    def test_reset_and_outbox_never_touch_other_files(self):
        precious = self.write("precious.txt", "precious\n")
        r = self.sne("sandbox", "reset", "--db", precious)
        self.assertExit(r, 1)
        self.assertOneLineError(r, "precious.txt")
        with open(precious, encoding="utf-8") as f:
            self.assertEqual(f.read(), "precious\n")
        other = os.path.join(self.home, "other.sqlite")
        db = sqlite3.connect(other)
        db.execute("CREATE TABLE mine (x)")
        db.commit()
        db.close()
        r = self.sne("sandbox", "reset", "--db", other)
        self.assertExit(r, 1)
        self.assertOneLineError(r, "not a sandbox database")
        r = self.sne("sandbox", "outbox", "--db", os.path.join(self.home, "typo.db"))
        self.assertExit(r, 7)
        self.assertFalse(os.path.exists(os.path.join(self.home, "typo.db")))


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


class AlteredDatabase(CliTest):
    """The sandbox reads back only codes it wrote; one altered by hand fails the request,
    naming the value, instead of being answered as some other statut or contexte."""

    def test_a_contexte_that_is_none_fails_the_request(self):
        self.assertExit(self.sne("auth", "status"), 0)  # creates and seeds the default database
        listed = self.sne("pli", "list", "--all", "--json")
        self.assertExit(listed, 0)
        transaction = listed.json()[0]["transaction"]
        db = sqlite3.connect(os.path.join(self.home, ".local/share/sne/sandbox.db"))
        try:
            with db:
                db.execute("UPDATE plis SET contexte = 'XYZ' WHERE transaction_id = ?",
                           (transaction,))
        finally:
            db.close()
        r = self.sne("pli", "show", transaction)
        self.assertExit(r, 5)  # the service failed (500)
        self.assertOneLineError(r, "contexte 'XYZ'")
        # The other plis are still answered.
        self.assertGreaterEqual(len(listed.json()), 2)
        self.assertExit(self.sne("pli", "show", listed.json()[1]["transaction"]), 0)
