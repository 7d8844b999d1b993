"""sne ticket: GLPI tickets against the sandbox's GLPI, in process and over loopback HTTP, and
against servers that misbehave."""

import http.server
import json
import os
import socket
import stat
import threading
import unittest

from sne_cli import CliTest, pdf_file
from test_account import Server

DELAY = "Temps de traitement d'une PJ supérieur au temps annoncé"
REJECTED = "Pièce justificative refusée"
APP = "sandbox-glpi-app-token"
USER = "sandbox-glpi-agent"


class GlpiTest(CliTest):
    """Helpers shared by the suites: the sandbox's GLPI counters, files to attach."""

    glpi_env = {}
    ep = []

    def ticket(self, *args, stdin=None, env=None):
        full = dict(self.glpi_env)
        full.update(env or {})
        return self.sne(*self.ep, "ticket", *args, stdin=stdin, env=full)

    def glpi_state(self):
        r = self.sne(*self.sandbox_db_args(), "sandbox", "glpi", "--json")
        self.assertExit(r, 0)
        return r.json()

    def sandbox_db_args(self):
        return []

    def assertNoSessionLeft(self):
        self.assertEqual(self.glpi_state()["open_sessions"], 0)

    def attachment(self, name="scan.pdf", size=None):
        path = os.path.join(self.home, name)
        with open(path, "wb") as f:
            if size is None:
                f.write(pdf_file([b"<< /Type /Catalog /Pages 2 0 R >>",
                                  b"<< /Type /Pages /Kids [] /Count 0 >>"]))
            else:
                f.truncate(size)
        return path

    def create(self, *extra, title="Question", body="Bonjour", category="Toute autre question fonctionnelle"):
        r = self.ticket("create", "--category", category, "--title", title, "--body", body,
                        "--json", *extra)
        self.assertExit(r, 0)
        return r.json()["id"]


class EmbeddedGlpi(GlpiTest):
    """No configuration: the embedded sandbox's GLPI, as the demo agent."""

    def test_categories_are_the_six_reasons_and_say_it_is_a_sandbox(self):
        r = self.ticket("categories")
        self.assertExit(r, 0)
        self.assertIn("sandbox's GLPI", r.err)
        cats = self.ticket("categories", "--json").json()
        names = {c["name"] for c in cats}
        for reason in ("Changement souhaité d'identifiant", "Ajout / changement de guichet",
                       DELAY, REJECTED, "Pièce justificative mal typée",
                       "Toute autre question fonctionnelle"):
            self.assertIn(reason, names)
        self.assertTrue(all({"id", "name", "completename", "level"} <= set(c) for c in cats))
        self.assertNoSessionLeft()

    def test_a_ticket_round_trips_its_text_through_glpis_html(self):
        text = "Bonjour,\nle pli <urgent> & « bloqué ».\n\nMerci"
        tid = self.create(body=text, title="Pli & <bloqué>")
        shown = self.ticket("show", str(tid), "--json").json()
        self.assertEqual(shown["id"], tid)
        self.assertEqual(shown["title"], "Pli & <bloqué>")
        self.assertEqual(shown["text"], text)
        self.assertEqual(shown["status"], "new")
        self.assertIn("Toute autre question fonctionnelle", shown["category"])
        listed = self.ticket("list", "--json").json()
        self.assertEqual(listed[0]["id"], tid)
        self.create(body="Un autre", title="Encore un pli")
        r = self.ticket("list", "--limit", "1")
        self.assertExit(r, 0)
        self.assertIn("the latest of 2 tickets: --limit N or --all", r.err)
        human = self.ticket("show", str(tid))
        self.assertExit(human, 0)
        self.assertIn("le pli <urgent> & « bloqué ».", human.out)
        # Times say their zone as `pli show` does: the sandbox's GLPI keeps UTC.
        self.assertRegex(human.out, r"Opened +\d{4}-\d\d-\d\d \d\d:\d\d UTC\n")
        self.assertRegex(human.out, r"Updated +\d{4}-\d\d-\d\d \d\d:\d\d UTC\n")
        self.assertNoSessionLeft()

    def test_the_body_comes_from_stdin_or_a_file(self):
        r = self.ticket("create", "--category", "toute autre QUESTION fonctionnelle", "--title",
                        "Par stdin", "--json", stdin="ligne 1\nligne 2\n")
        self.assertExit(r, 0)
        shown = self.ticket("show", str(r.json()["id"]), "--json").json()
        self.assertEqual(shown["text"], "ligne 1\nligne 2")
        path = self.write("body.txt", "depuis un fichier")
        r = self.ticket("create", "--category", DELAY, "--title", "Par fichier", "--body-file",
                        path, "--json")
        self.assertExit(r, 0)
        self.assertEqual(self.ticket("show", str(r.json()["id"]), "--json").json()["text"],
                         "depuis un fichier")
        r = self.ticket("create", "--category", DELAY, "--title", "Vide", stdin="")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "no text")

    def test_unknown_and_ambiguous_categories_are_named(self):
        r = self.ticket("create", "--category", "Réclamation", "--title", "x", "--body", "y")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "--category", "Réclamation")
        self.assertIn("hint: give --category NAME ('sne ticket categories' lists them)", r.err)
        names = [c["name"] for c in self.ticket("categories", "--json").json()]
        shared = [n for n in set(names) if names.count(n) > 1]
        self.assertTrue(shared, "the sandbox has two categories of the same name")
        r = self.ticket("create", "--category", shared[0].upper(), "--title", "x", "--body", "y")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "ambiguous")
        self.assertEqual(self.glpi_state()["tickets"], 0)
        self.assertNoSessionLeft()

    def test_a_ticket_about_a_rejected_pli_is_filled_from_it(self):
        plis = self.sne("pli", "list", "--statut", "rejet_pieces", "--json").json()
        tx = plis[0]["transaction"]
        pli = self.sne("pli", "show", tx, "--json").json()
        r = self.ticket("create", "--pli", tx, "--json", stdin="")
        self.assertExit(r, 0)
        created = r.json()
        self.assertIn(REJECTED, created["category"])
        self.assertEqual(created["pli"], tx)
        shown = self.ticket("show", str(created["id"]), "--json").json()
        self.assertIn(tx, shown["title"])
        self.assertIn(pli["numero_unique"], shown["text"])
        motifs = [p["motif"] for p in pli["pieces"] if p["resultat"] == "rejetee"]
        self.assertTrue(motifs)
        for m in motifs:
            self.assertIn(m, shown["text"])

    def test_a_ticket_about_an_overdue_pli_is_about_the_delay(self):
        tx = self.sne("pli", "list", "--overdue", "--json").json()[0]["transaction"]
        r = self.ticket("create", "--pli", tx, "--body", "Merci de vérifier", "--json")
        self.assertExit(r, 0)
        self.assertIn(DELAY, r.json()["category"])
        text = self.ticket("show", str(r.json()["id"]), "--json").json()["text"]
        self.assertTrue(text.startswith("Merci de vérifier"))
        self.assertIn("Retard", text)

    def test_a_pli_neither_overdue_nor_rejected_needs_a_category(self):
        tx = self.sne("pli", "list", "--statut", "enregistrement_complet",
                      "--json").json()[0]["transaction"]
        r = self.ticket("create", "--pli", tx, stdin="")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "--category", tx)
        self.assertIn("sne ticket categories", r.err)
        r = self.ticket("create", "--category", DELAY, "--body", "b", "--json")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "--title")
        self.assertIn("hint: give --title TEXT (or --pli)", r.err)
        self.assertEqual(r.json()["error"]["subject"], "--title")
        # A title that was given but is refused names what is wrong, with no advice to give one.
        r = self.ticket("create", "--category", DELAY, "--title", "x" * 300, "--body", "b")
        self.assertExit(r, 6)
        self.assertIn("255", r.err)
        self.assertNotIn("hint: give --title", r.err)
        r = self.ticket("create", "--pli", "nosuchpli0000", "--category", DELAY, stdin="")
        self.assertExit(r, 7)

    def test_follow_ups_one_and_several_with_a_partial_refusal(self):
        a = self.create(title="A")
        b = self.create(title="B")
        r = self.ticket("comment", str(a), "--body", "Une précision")
        self.assertExit(r, 0)
        shown = self.ticket("show", str(a), "--json").json()
        self.assertEqual([f["text"] for f in shown["followups"]], ["Une précision"])
        human = self.ticket("show", str(a))
        self.assertRegex(human.out,
                         r"Follow-up \d+ — \d{4}-\d\d-\d\d \d\d:\d\d UTC\n  Une précision\n")
        r = self.ticket("comment", str(a), str(b), "--json", stdin="Pour les deux")
        self.assertExit(r, 0)
        self.assertTrue(all(x["followup"] for x in r.json()))
        # One of three tickets does not exist: GLPI answers 207, the others are added.
        r = self.ticket("comment", str(a), "99999", str(b), "--json", stdin="Encore")
        self.assertExit(r, 3)
        results = {x["ticket"]: x for x in r.json()}
        self.assertTrue(results[a]["followup"])
        self.assertIsNone(results[99999]["followup"])
        self.assertTrue(results[99999]["error"])
        self.assertEqual(len(self.ticket("show", str(b), "--json").json()["followups"]), 2)
        r = self.ticket("comment", "99999", "--body", "x")
        self.assertExit(r, 7)
        self.assertOneLineError(r, "99999")
        self.assertNoSessionLeft()

    def test_unknown_ticket_is_not_found(self):
        r = self.ticket("show", "424242")
        self.assertExit(r, 7)
        self.assertOneLineError(r, "424242")
        r = self.ticket("show", "424242", "--json")
        self.assertEqual(r.json()["error"]["code"], "not_found")
        self.assertExit(self.ticket("show", "zero"), 2)

    def test_attachments_accepted_refused_and_too_large(self):
        tid = self.create()
        pdf = self.attachment()
        r = self.ticket("attach", str(tid), pdf)
        self.assertExit(r, 0)
        docs = self.ticket("show", str(tid), "--json").json()["documents"]
        self.assertEqual([d["filename"] for d in docs], ["scan.pdf"])
        before = self.glpi_state()["documents"]
        exe = self.attachment("outil.exe", size=100)
        r = self.ticket("attach", str(tid), exe)
        self.assertExit(r, 6)
        self.assertOneLineError(r, "outil.exe", "refused")
        self.assertEqual(self.glpi_state()["documents"], before, "the empty document is purged")
        big = self.attachment("big.pdf", size=50 * 1024 * 1024)
        r = self.ticket("create", "--category", DELAY, "--title", "t", "--body", "b", "--attach",
                        big)
        self.assertExit(r, 6)
        self.assertOneLineError(r, "big.pdf", "MiB")
        self.assertEqual(self.glpi_state()["tickets"], 1, "nothing created")
        self.assertNoSessionLeft()

    def test_a_refused_attachment_leaves_the_ticket_and_says_how_to_retry(self):
        pdf = self.attachment()
        exe = self.attachment("outil.exe", size=100)
        r = self.ticket("create", "--category", DELAY, "--title", "t", "--body", "b", "--attach",
                        exe, "--attach", pdf, "--json")
        self.assertExit(r, 3)
        doc = r.json()
        self.assertEqual([a["filename"] for a in doc["attachments"]], ["scan.pdf"])
        self.assertEqual([f["file"] for f in doc["failed"]], [exe])
        self.assertIn("sne ticket attach", r.err)
        self.assertEqual(len(self.ticket("show", str(doc["id"]), "--json").json()["documents"]), 1)

    def test_a_session_that_expires_mid_run_is_opened_again_once(self):
        self.assertExit(self.sne("sandbox", "glpi", "--session-calls", "2"), 0)
        pdf = self.attachment()
        r = self.ticket("--debug", "create", "--category", DELAY, "--title", "t", "--body", "b",
                        "--attach", pdf, "--json")
        self.assertExit(r, 0)
        self.assertGreater(r.err.count("initSession"), 1, r.err)
        self.assertNoSessionLeft()
        self.assertEqual(len(self.ticket("list", "--json").json()), 1)

    def test_wrong_tokens_are_refused_with_exit_4_and_no_secret_shown(self):
        r = self.ticket("list", env={"SNE_GLPI_USER_TOKEN": "not-the-token"})
        self.assertExit(r, 4)
        self.assertOneLineError(r, "ERROR_GLPI_LOGIN_USER_TOKEN")
        self.assertNotIn("not-the-token", r.err)
        r = self.ticket("list", "--json", env={"SNE_GLPI_APP_TOKEN": "wrong-app"})
        self.assertExit(r, 4)
        self.assertEqual(r.json()["error"]["remote_code"], "ERROR_WRONG_APP_TOKEN_PARAMETER")
        self.assertNotIn("wrong-app", r.out + r.err)
        self.assertNoSessionLeft()

    def test_debug_log_redacts_tokens(self):
        r = self.ticket("--debug", "list", env={"SNE_GLPI_USER_TOKEN": USER,
                                                "SNE_GLPI_APP_TOKEN": APP})
        self.assertExit(r, 0)
        self.assertIn("initSession", r.err)
        self.assertIn("killSession", r.err)
        for secret in (USER, APP):
            self.assertNotIn(secret, r.err)

    def test_login_checks_and_stores_the_tokens_privately(self):
        r = self.ticket("login", "--with-token", stdin="not-the-token\n" + APP + "\n")
        self.assertExit(r, 4)
        creds = os.path.join(self.home, ".config/sne/credentials")
        self.assertFalse(os.path.exists(creds) and "glpi:" in open(creds).read())
        r = self.ticket("login", "--with-token", stdin=USER + "\n" + APP + "\n")
        self.assertExit(r, 0)
        self.assertEqual(stat.S_IMODE(os.stat(creds).st_mode), 0o600)
        self.assertIn("glpi:sandbox:", open(creds).read())
        self.assertNotIn(USER, r.out + r.err)
        self.assertExit(self.ticket("list"), 0)
        r = self.ticket("logout")
        self.assertExit(r, 0)
        self.assertNotIn("glpi:", open(creds).read())
        self.assertExit(self.ticket("login"), 2)  # no terminal to ask on

    def test_no_glpi_for_a_remote_endpoint_without_configuration(self):
        r = self.sne("ticket", "list", env={"SNE_ENDPOINT": "https://sne.example.org"})
        self.assertExit(r, 6)
        self.assertOneLineError(r, "SNE_GLPI_URL", "glpi_url")
        r = self.sne("ticket", "list", env={"SNE_GLPI_URL": "https://glpi.example.org"})
        self.assertExit(r, 4)
        self.assertOneLineError(r, "no GLPI user token")
        self.assertIn("sne ticket login", r.err)


class ServedGlpi(GlpiTest):
    """The sandbox's GLPI over loopback HTTP, through libcurl."""

    def setUp(self):
        super().setUp()
        self.db = os.path.join(self.home, "served.db")
        server = Server(self, self.db)
        self.glpi_env = {"SNE_GLPI_URL": server.url, "SNE_GLPI_APP_TOKEN": APP,
                         "SNE_GLPI_USER_TOKEN": USER}

    def sandbox_db_args(self):
        return ["--endpoint", "sandbox:" + self.db]

    def test_create_attach_and_read_over_http(self):
        pdf = self.attachment()
        r = self.ticket("create", "--category", REJECTED, "--title", "Par HTTP", "--body",
                        "a & b", "--attach", pdf, "--json")
        self.assertExit(r, 0)
        tid = r.json()["id"]
        shown = self.ticket("show", str(tid), "--json").json()
        self.assertEqual(shown["text"], "a & b")
        self.assertEqual([d["filename"] for d in shown["documents"]], ["scan.pdf"])
        self.assertNotIn("sandbox's GLPI", r.err)
        self.assertNoSessionLeft()

    def test_refused_upload_expired_session_and_partial_add_over_http(self):
        tid = self.create()
        r = self.ticket("attach", str(tid), self.attachment("x.exe", size=10))
        self.assertExit(r, 6)
        self.assertExit(self.sne(*self.sandbox_db_args(), "sandbox", "glpi", "--session-calls",
                                 "1"), 0)
        r = self.ticket("--debug", "show", str(tid))
        self.assertExit(r, 0)
        self.assertGreater(r.err.count("initSession"), 1)
        self.assertExit(self.sne(*self.sandbox_db_args(), "sandbox", "glpi", "--session-calls",
                                 "0"), 0)
        r = self.ticket("comment", str(tid), "77777", "--body", "x")
        self.assertExit(r, 3)
        self.assertNoSessionLeft()

    def test_wrong_app_token_over_http(self):
        r = self.ticket("categories", env={"SNE_GLPI_APP_TOKEN": "nope"})
        self.assertExit(r, 4)
        self.assertOneLineError(r, "ERROR_WRONG_APP_TOKEN_PARAMETER")


class _HtmlHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"<!DOCTYPE html><html><body>GLPI - Authentification</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class MisbehavingServers(CliTest):
    def test_a_server_answering_html_is_named(self):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HtmlHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.shutdown)
        url = f"http://127.0.0.1:{server.server_address[1]}/glpi"
        r = self.sne("ticket", "list", env={"SNE_GLPI_URL": url, "SNE_GLPI_USER_TOKEN": "t"})
        self.assertExit(r, 1)
        self.assertOneLineError(r, "HTML page", "apirest.php")

    def test_an_unreachable_glpi_is_a_temporary_failure(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        r = self.sne("ticket", "list", env={"SNE_GLPI_URL": f"http://127.0.0.1:{port}",
                                            "SNE_GLPI_USER_TOKEN": "t"})
        self.assertExit(r, 5)
        self.assertOneLineError(r, f"127.0.0.1:{port}")

    def test_tokens_never_come_from_flags(self):
        r = self.sne("ticket", "list", "--user-token", "x")
        self.assertExit(r, 2)


if __name__ == "__main__":
    unittest.main()
