"""sne dossier show and sne dossier clean against the embedded sandbox, and one clean against
`sne sandbox serve`. The seed gives each guichet's newest pli to a demande whose
bulletins_salaire category is full (2 pieces). Validity rules are tested in the unit tests: the
seeded pieces' dates are not relied on here."""

import http.client
import http.server
import json
import os
import pty
import sqlite3
import subprocess
import threading
from urllib.parse import urlsplit

from sne_cli import SNE, CliTest
from test_account import Server, signed_in_server

RANK = {"obsolete": 0, "unknown": 1, "valid": 2}


def newest_pli_numero(db, guichet):
    with sqlite3.connect(db) as con:
        row = con.execute("SELECT numero FROM plis WHERE guichet = ? "
                          "ORDER BY date_transmission DESC LIMIT 1", (guichet,)).fetchone()
    return row[0]


def numero_of_territory(db, territoire):
    with sqlite3.connect(db) as con:
        return con.execute("SELECT numero FROM demandes WHERE territoire = ? LIMIT 1",
                           (territoire,)).fetchone()[0]


def category(view, type_code):
    for rubrique in view["rubriques"]:
        for c in rubrique["categories"]:
            if c["type"] == type_code:
                return c
    return None


def all_piece_ids(view):
    ids = {p["id"] for p in view["unknown_type"]}
    for rubrique in view["rubriques"]:
        for c in rubrique["categories"]:
            ids |= {p["id"] for p in c["pieces"]}
    return ids


def expected_deletions(c, n):
    """The planner's order: obsolete, then unknown validity, then valid; oldest first."""
    order = sorted(c["pieces"], key=lambda p: (RANK[p["validity"]["outcome"]], p["date_ajout"],
                                               p["id"]))
    return [p["id"] for p in order[:n]]


class FailingProxy:
    """Forwards every request to `target`, but answers the `fail_at`-th DELETE with a 404
    of the contract's shape: a deletion failing midway."""

    def __init__(self, test, target, fail_at):
        upstream = urlsplit(target)
        deletes = [0]

        class Handler(http.server.BaseHTTPRequestHandler):
            def forward(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.command == "DELETE":
                    deletes[0] += 1
                    if deletes[0] == fail_at:
                        self.reply(404, {"Content-Type": "application/json"}, json.dumps(
                            {"error": {"code": "not_found", "message": "injected failure"}}
                        ).encode())
                        return
                conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=30)
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("host", "connection")}
                conn.request(self.command, self.path, body or None, headers)
                resp = conn.getresponse()
                self.reply(resp.status, dict(resp.getheaders()), resp.read())
                conn.close()

            def reply(self, status, headers, body):
                self.send_response(status)
                for k, v in headers.items():
                    if k.lower() not in ("content-length", "connection", "transfer-encoding",
                                         "keep-alive", "date", "server"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = forward

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        test.addCleanup(self.httpd.server_close)
        test.addCleanup(self.httpd.shutdown)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"


class Dossier(CliTest):
    def setUp(self):
        super().setUp()
        self.assertExit(self.sne("auth", "status"), 0)  # creates and seeds the sandbox
        self.db = os.path.join(self.home, ".local/share/sne/sandbox.db")
        self.numero = newest_pli_numero(self.db, "G3401")

    def view(self, *extra):
        r = self.sne("dossier", "show", self.numero, "--json", *extra)
        self.assertExit(r, 0)
        return r.json()

    def test_show_groups_pieces_by_rubrique_and_marks_full_categories(self):
        r = self.sne("dossier", "show", self.numero)
        self.assertExit(r, 0)
        self.assertIn(f"Demande {self.numero}", r.out)
        self.assertIn("Ressources [ressources]", r.out)
        self.assertIn("2/2 pleine", r.out)
        line = next(l for l in r.out.splitlines() if l.startswith("bulletins_salaire"))
        self.assertIn("2/2 pleine", line)
        self.assertIn("embedded sandbox", r.err)
        self.assertNotIn("\x1b[", r.out)  # not a terminal: no colour

    def test_show_json_is_the_full_view(self):
        r = self.sne("dossier", "show", self.numero, "--json", "--on", "2026-11-22")
        self.assertExit(r, 0)
        self.assertEqual(r.err, "")
        view = r.json()
        self.assertEqual(view["numero_unique"], self.numero)
        self.assertEqual(view["on"], "2026-11-22")
        self.assertIsNone(view["date_radiation"])
        self.assertTrue(view["demandeur"]["nom"])
        pay = category(view, "bulletins_salaire")
        self.assertEqual((pay["count"], pay["max_pieces"], pay["pleine"]), (2, 2, True))
        self.assertEqual(pay["perimetre"], "reglementaire")
        for p in pay["pieces"]:
            self.assertIn(p["validity"]["outcome"], RANK)
            self.assertTrue(p["nom_fichier"].endswith(".pdf"))
        held = {c["type"] for rub in view["rubriques"] for c in rub["categories"]}
        for m in view["missing"]:
            self.assertIn(m["required"], ("enregistrement", "instruction"))
            self.assertNotIn(m["type"], held)
        self.assertEqual(view["piece_count"], len(all_piece_ids(view)))

    def test_rubriques_follow_catalog_order(self):
        catalog = self.sne("piece", "types", "--json").json()
        order = [r["code"] for r in catalog["rubriques"]]
        shown = [r["code"] for r in self.view()["rubriques"]]
        self.assertEqual(shown, [c for c in order if c in shown])

    def test_clean_dry_run_plans_and_deletes_nothing(self):
        before = self.view()
        r = self.sne("dossier", "clean", self.numero, "--for", "bulletins_salaire", "--dry-run",
                     "--json")
        self.assertExit(r, 0)
        plan = r.json()
        self.assertTrue(plan["dry_run"])
        self.assertEqual(plan["deleted"], [])
        self.assertEqual([d["piece_id"] for d in plan["deletions"]],
                         expected_deletions(category(before, "bulletins_salaire"), 1))
        self.assertEqual(plan["not_deleted"], [d["piece_id"] for d in plan["deletions"]])
        self.assertEqual(plan["categories"], [{
            "type": "bulletins_salaire", "label": plan["categories"][0]["label"],
            "max_pieces": 2, "pleine": True, "before": 2, "deleting": 1, "adding": 1,
            "after": 2}])
        self.assertTrue(plan["deletions"][0]["reason_fr"])
        self.assertEqual(self.view(), before)

        r = self.sne("dossier", "clean", self.numero, "--for", "bulletins_salaire", "--dry-run")
        self.assertExit(r, 0)
        self.assertIn("Dry run: nothing deleted.", r.out)
        self.assertIn(plan["deletions"][0]["piece_id"], r.out)
        self.assertEqual(self.view(), before)

    def test_clean_yes_deletes_exactly_the_planned_pieces(self):
        before = self.view()
        plan = self.sne("dossier", "clean", self.numero, "--for", "bulletins_salaire",
                        "--for", "rib", "--dry-run", "--json").json()
        planned = [d["piece_id"] for d in plan["deletions"]]
        self.assertEqual(len(planned), 1)
        r = self.sne("dossier", "clean", self.numero, "--for", "bulletins_salaire",
                     "--for", "rib", "--yes")
        self.assertExit(r, 0)
        self.assertIn(f"Deleted {planned[0]} (bulletins_salaire).", r.out)
        self.assertIn("1 piece deleted", r.out)
        after = self.view()
        self.assertEqual(all_piece_ids(after), all_piece_ids(before) - set(planned))
        self.assertEqual(category(after, "bulletins_salaire")["count"], 1)
        self.assertFalse(category(after, "bulletins_salaire")["pleine"])

    def test_clean_type_n_counts_and_json_says_what_was_done(self):
        before = self.view()
        r = self.sne("dossier", "clean", self.numero, "--for", "bulletins_salaire:2", "--yes",
                     "--json")
        self.assertExit(r, 0)
        done = r.json()
        self.assertFalse(done["dry_run"])
        self.assertEqual(sorted(done["deleted"]),
                         sorted(p["id"] for p in category(before, "bulletins_salaire")["pieces"]))
        self.assertEqual(done["not_deleted"], [])
        self.assertIsNone(category(self.view(), "bulletins_salaire"))
        # Now there is room: nothing to delete, exit 0.
        r = self.sne("dossier", "clean", self.numero, "--for", "bulletins_salaire:2", "--yes")
        self.assertExit(r, 0)
        self.assertIn("Nothing to delete", r.out)

    def test_without_a_terminal_and_without_yes_nothing_is_deleted(self):
        before = self.view()
        r = self.sne("dossier", "clean", self.numero, "--for", "bulletins_salaire")
        self.assertExit(r, 2)
        self.assertIn("bulletins_salaire", r.out)  # the plan is shown
        self.assertOneLineError(r, "nothing deleted")
        self.assertIn("--yes", r.err)
        r = self.sne("dossier", "clean", self.numero, "--for", "bulletins_salaire", "--json",
                     stdin="y\n")
        self.assertExit(r, 2)
        doc = r.json()
        self.assertEqual(doc["error"]["code"], "usage")
        self.assertEqual(doc["deleted"], [])
        self.assertEqual(len(doc["deletions"]), 1)
        self.assertEqual(self.view(), before)

    def test_a_confirmation_on_a_terminal_deletes(self):
        before = self.view()
        master, slave = pty.openpty()
        self.addCleanup(os.close, master)
        proc = subprocess.Popen([SNE, "dossier", "clean", self.numero, "--for",
                                 "bulletins_salaire"], stdin=slave, stderr=slave,
                                stdout=subprocess.PIPE, env=self.env, text=True)
        os.close(slave)
        prompt = b""
        while b"[y/N]" not in prompt:
            chunk = os.read(master, 1024)
            self.assertTrue(chunk, prompt)
            prompt += chunk
        self.assertIn(self.numero.encode(), prompt)
        os.write(master, b"y\n")
        out, _ = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, out)
        self.assertIn("1 piece deleted", out)
        self.assertEqual(len(all_piece_ids(self.view())), len(all_piece_ids(before)) - 1)

    def test_a_declined_confirmation_deletes_nothing(self):
        before = self.view()
        master, slave = pty.openpty()
        self.addCleanup(os.close, master)
        proc = subprocess.Popen([SNE, "dossier", "clean", self.numero, "--for",
                                 "bulletins_salaire"], stdin=slave, stderr=slave,
                                stdout=subprocess.PIPE, env=self.env, text=True)
        os.close(slave)
        prompt = b""
        while b"[y/N]" not in prompt:
            chunk = os.read(master, 1024)
            self.assertTrue(chunk, prompt)
            prompt += chunk
        os.write(master, b"n\n")
        out, _ = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 1, out)
        self.assertEqual(self.view(), before)

    def test_unknown_type_and_impossible_count_are_invalid_input(self):
        before = self.view()
        r = self.sne("dossier", "clean", self.numero, "--for", "bulletin", "--yes")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "unknown piece type 'bulletin'")
        self.assertIn("hint: see 'sne piece types'", r.err)
        r = self.sne("dossier", "clean", self.numero, "--for", "bulletins_salaire",
                     "--for", "bulletins_salaire:2", "--yes", "--json")
        self.assertExit(r, 6)
        self.assertEqual(r.json()["error"]["code"], "invalid_input")
        self.assertEqual(r.json()["error"]["subject"], "bulletins_salaire")
        self.assertIn("at most 2", r.json()["error"]["message"])
        for bad in ("rib:0", "rib:x", ":1"):
            r = self.sne("dossier", "clean", self.numero, "--for", bad, "--yes")
            self.assertExit(r, 6)
            self.assertOneLineError(r, "TYPE")
        self.assertEqual(self.view(), before)

    def test_missing_for_is_a_usage_error(self):
        r = self.sne("dossier", "clean", self.numero)
        self.assertExit(r, 2)
        self.assertOneLineError(r, "--for")

    def test_a_demande_outside_the_territory_is_not_found(self):
        other = numero_of_territory(self.db, "069")
        for verb in (["show"], ["clean", "--for", "rib", "--yes"]):
            r = self.sne("dossier", *verb[:1], other, *verb[1:], "--json")
            self.assertExit(r, 7)
            self.assertEqual(r.json()["error"]["code"], "not_found")
            self.assertEqual(r.json()["error"]["http_status"], 404)

    def test_a_malformed_numero_is_invalid_input(self):
        r = self.sne("dossier", "show", "0341319000040PWP01")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "0341319000040PWP01", "month 13")
        r = self.sne("dossier", "clean", "nope", "--for", "rib", "--yes", "--json")
        self.assertExit(r, 6)
        self.assertEqual(r.json()["error"]["code"], "invalid_input")

    def test_a_bad_day_is_invalid_input(self):
        r = self.sne("dossier", "show", self.numero, "--on", "2026-13-01")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "--on")


class DossierOverHttp(CliTest):
    def test_clean_against_sne_sandbox_serve(self):
        db, ep = signed_in_server(self, "agent.metz@sandbox.sne.test")
        url = ep[1]
        numero = newest_pli_numero(db, "G5701")
        before = self.sne("--endpoint", url, "dossier", "show", numero, "--json")
        self.assertExit(before, 0)
        pay = category(before.json(), "bulletins_salaire")
        self.assertTrue(pay["pleine"])
        r = self.sne("--endpoint", url, "dossier", "clean", numero, "--for", "bulletins_salaire",
                     "--yes", "--json")
        self.assertExit(r, 0)
        self.assertEqual(r.json()["deleted"], expected_deletions(pay, 1))
        after = self.sne("--endpoint", url, "dossier", "show", numero, "--json").json()
        self.assertEqual(all_piece_ids(after),
                         all_piece_ids(before.json()) - set(r.json()["deleted"]))

    def test_a_deletion_failing_midway_says_what_was_done(self):
        db = os.path.join(self.home, "served.db")
        server = Server(self, db)
        proxy = FailingProxy(self, server.url, fail_at=2)
        url = proxy.url
        self.assertExit(self.sne("--endpoint", url, "auth", "login", "--email",
                                 "agent@sandbox.sne.test", "--password-stdin",
                                 stdin="sandbox\n"), 0)
        numero = newest_pli_numero(db, "G3401")
        before = self.sne("--endpoint", url, "dossier", "show", numero, "--json").json()
        planned = expected_deletions(category(before, "bulletins_salaire"), 2)
        r = self.sne("--endpoint", url, "dossier", "clean", numero, "--for",
                     "bulletins_salaire:2", "--yes")
        self.assertExit(r, 7)
        self.assertIn(f"Deleted {planned[0]} (bulletins_salaire).", r.out)
        self.assertIn(f"Not deleted: {planned[1]}", r.out)
        self.assertOneLineError(r, f"piece {planned[1]}", "injected failure")
        self.assertNotIn(".pdf", r.err)  # errors name pieces by identifier, never by file
        after = self.sne("--endpoint", url, "dossier", "show", numero, "--json").json()
        self.assertEqual(all_piece_ids(after), all_piece_ids(before) - {planned[0]})

        # With --json: one document saying what was done, and the error. The one piece left
        # must go for two new ones, and its deletion fails.
        left = [p["id"] for p in category(after, "bulletins_salaire")["pieces"]]
        proxy = FailingProxy(self, server.url, fail_at=1)
        self.assertExit(self.sne("--endpoint", proxy.url, "auth", "login", "--email",
                                 "agent@sandbox.sne.test", "--password-stdin",
                                 stdin="sandbox\n"), 0)
        r = self.sne("--endpoint", proxy.url, "dossier", "clean", numero, "--for",
                     "bulletins_salaire:2", "--yes", "--json")
        self.assertExit(r, 7)
        doc = r.json()
        self.assertEqual(doc["deleted"], [])
        self.assertEqual(doc["not_deleted"], left)
        self.assertEqual(doc["error"]["code"], "not_found")
        self.assertEqual(doc["error"]["http_status"], 404)
        self.assertEqual(doc["categories"][0]["before"], 1)
