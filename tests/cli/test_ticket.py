"""sne ticket: GLPI tickets against the sandbox's GLPI, in process and over loopback HTTP, and
against servers that misbehave."""

import http.server
import json
import os
import re
import signal
import socket
import stat
import subprocess
import threading
import time
import unittest
import urllib.request

from sne_cli import SNE, CliTest, pdf_file
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
        # The list says the zone of its times as show does.
        self.assertRegex(r.out, r"\n\d+ +Nouveau +\d{4}-\d\d-\d\d \d\d:\d\d UTC  ")
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


class TicketFollowUp(GlpiTest):
    """status, close, list's filters, duplicates of a pli's ticket, watch: embedded sandbox."""

    def test_status_then_close_with_a_solution(self):
        tid = self.create(title="À régler")
        r = self.ticket("status", str(tid))
        self.assertExit(r, 0)
        self.assertRegex(r.out, rf"ticket {tid}: Nouveau \(updated \d{{4}}-\d\d-\d\d \d\d:\d\d UTC\)")
        st = self.ticket("status", str(tid), "--json").json()
        self.assertEqual((st["status"], st["status_code"], st["status_label"]), ("new", 1, "Nouveau"))
        r = self.ticket("close", str(tid), "--solution", "Le pli est passé\nMerci")
        self.assertExit(r, 0)
        self.assertIn(f"ticket {tid} closed with solution", r.out)
        st = self.ticket("status", str(tid), "--json").json()
        self.assertEqual((st["status"], st["status_label"]), ("closed", "Clos"))
        # The approval is a follow-up, as GLPI writes it.
        shown = self.ticket("show", str(tid), "--json").json()
        self.assertEqual([f["text"] for f in shown["followups"]], ["Solution approved"])
        # Closed already: refused, exit 6, nothing added.
        r = self.ticket("close", str(tid), "--solution", "encore", "--json")
        self.assertExit(r, 6)
        self.assertOneLineError(r, f"ticket {tid} is closed already")
        self.assertEqual(r.json()["error"]["code"], "conflict")
        self.assertNoSessionLeft()

    def test_close_needs_a_solution_and_a_ticket_that_exists(self):
        tid = self.create()
        r = self.ticket("close", str(tid))
        self.assertExit(r, 2)
        self.assertIn("--solution", r.err)
        r = self.ticket("close", str(tid), "--solution", "  ")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "--solution")
        r = self.ticket("close", str(tid), "--solution-file", os.path.join(self.home, "none.txt"))
        self.assertExit(r, 1)  # a missing input file, as everywhere (man sne)
        self.assertOneLineError(r, "--solution-file: ", "none.txt: No such file or directory")
        path = self.write("solution.txt", "Réglé par le SNE\n")
        r = self.ticket("close", str(tid), "--solution-file", path, "--json")
        self.assertExit(r, 0)
        self.assertTrue(r.json()["closed"])
        self.assertTrue(r.json()["solution"])
        r = self.ticket("close", "424242", "--solution", "x")
        self.assertExit(r, 7)
        self.assertOneLineError(r, "424242")
        self.assertExit(self.ticket("status", "424242"), 7)
        self.assertExit(self.ticket("status", "0"), 2)

    def test_list_filters_by_status_category_and_date(self):
        a = self.create(title="A", category=REJECTED)
        b = self.create(title="B")
        c = self.create(title="C", category=DELAY)
        self.assertExit(self.ticket("close", str(b), "--solution", "ok"), 0)
        ids = lambda *args: [t["id"] for t in self.ticket("list", "--json", *args).json()]
        self.assertEqual(sorted(ids()), sorted([a, b, c]))  # all statuses by default
        self.assertEqual(sorted(ids("--status", "open")), sorted([a, c]))
        self.assertEqual(ids("--status", "closed"), [b])
        self.assertEqual(ids("--status", "Clos"), [b])
        self.assertEqual(ids("--status", "solved"), [])
        # A category takes those under it.
        self.assertEqual(sorted(ids("--category", "Pièces justificatives")), sorted([a, c]))
        self.assertEqual(ids("--category", REJECTED), [a])
        self.assertEqual(sorted(ids("--since", "2000-01-01")), sorted([a, b, c]))
        self.assertEqual(ids("--since", "2199-01-01"), [])
        human = self.ticket("list", "--status", "open")
        self.assertExit(human, 0)
        self.assertIn("Nouveau", human.out)
        r = self.ticket("list", "--status", "done")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "--status", "done")
        r = self.ticket("list", "--since", "hier")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "--since")
        r = self.ticket("list", "--category", "Réclamation")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "--category")
        self.assertNoSessionLeft()

    def test_a_second_ticket_about_an_open_pli_ticket_is_refused_unless_forced(self):
        tx = self.sne("pli", "list", "--statut", "rejet_pieces", "--json").json()[0]["transaction"]
        first = self.ticket("create", "--pli", tx, "--json", stdin="")
        self.assertExit(first, 0)
        fid = first.json()["id"]
        again = self.ticket("create", "--pli", tx, "--json", stdin="")
        self.assertExit(again, 6)
        self.assertOneLineError(again, f"pli {tx} has an open ticket already: {fid}")
        self.assertIn("--force", again.err)
        self.assertEqual(again.json()["error"]["code"], "conflict")
        self.assertEqual(self.glpi_state()["tickets"], 1)
        # Even with a title of one's own: the text still names the pli.
        again = self.ticket("create", "--pli", tx, "--title", "Autre titre", stdin="")
        self.assertExit(again, 6)
        forced = self.ticket("create", "--pli", tx, "--force", "--json", stdin="")
        self.assertExit(forced, 0)
        sid = forced.json()["id"]
        listed = [t["id"] for t in self.ticket("list", "--pli", tx, "--json").json()]
        self.assertEqual(sorted(listed), sorted([fid, sid]))
        # Another pli's tickets are not listed; a pli without tickets says so.
        other = self.sne("pli", "list", "--statut", "rejet_dossier", "--json").json()[0]["transaction"]
        r = self.ticket("list", "--pli", other)
        self.assertExit(r, 0)
        self.assertIn(f"no ticket about pli {other}", r.err)
        # Solved and closed tickets do not block.
        for tid in (fid, sid):
            self.assertExit(self.ticket("close", str(tid), "--solution", "réglé"), 0)
        r = self.ticket("create", "--pli", tx, "--json", stdin="")
        self.assertExit(r, 0)
        self.assertNoSessionLeft()

    def test_watch_ends_at_once_on_a_closed_ticket_and_refuses_bad_flags(self):
        tid = self.create()
        self.assertExit(self.ticket("close", str(tid), "--solution", "ok"), 0)
        r = self.ticket("watch", str(tid))
        self.assertExit(r, 0)
        self.assertIn(f"ticket {tid}  Clos", r.out)
        r = self.ticket("watch", str(tid), "--json")
        self.assertExit(r, 0)
        self.assertEqual(r.json()["outcome"], "complete")
        self.assertEqual(r.json()["ticket"]["status"], "closed")
        r = self.ticket("watch", str(tid), "--jsonl")
        self.assertEqual(json.loads(r.out.splitlines()[0])["status_label"], "Clos")
        self.assertExit(self.ticket("watch", "424242"), 7)
        r = self.ticket("watch", str(tid), "--interval", "10ms")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "--interval")
        self.assertExit(self.ticket("watch", str(tid), "--json", "--jsonl"), 2)
        # Open, and a timeout: exit 5 as `pli watch`.
        open_id = self.create()
        r = self.ticket("watch", str(open_id), "--interval", "1s", "--timeout", "2s")
        self.assertExit(r, 5)
        self.assertIn(f"ticket {open_id}  Nouveau", r.out)
        self.assertIn("still Nouveau after 2s", r.err)
        self.assertNoSessionLeft()

    def test_not_signed_in_and_unreachable(self):
        env = {"SNE_GLPI_URL": "https://glpi.example.org/glpi"}
        for verb in (["status", "1"], ["close", "1", "--solution", "x"], ["list", "--status", "open"],
                     ["watch", "1"]):
            r = self.sne("ticket", *verb, env=env)
            self.assertExit(r, 4)
            self.assertIn("sne ticket login", r.err)
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        env = {"SNE_GLPI_URL": f"http://127.0.0.1:{port}", "SNE_GLPI_USER_TOKEN": "t"}
        # The duplicate search of create --pli needs GLPI too.
        tx = self.sne("pli", "list", "--statut", "rejet_pieces", "--json").json()[0]["transaction"]
        for verb in (["status", "1"], ["close", "1", "--solution", "x"], ["list", "--status", "open"],
                     ["watch", "1"], ["create", "--pli", tx, "--category", DELAY]):
            r = self.sne("ticket", *verb, env=env, stdin="")
            self.assertExit(r, 5)
            self.assertOneLineError(r, f"127.0.0.1:{port}")


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

    def seed_tickets(self, n):
        """n tickets in one bulk add, straight to the served GLPI."""
        api = self.glpi_env["SNE_GLPI_URL"] + "/apirest.php"
        req = urllib.request.Request(api + "/initSession", headers={
            "App-Token": APP, "Authorization": "user_token " + USER})
        with urllib.request.urlopen(req, timeout=20) as r:
            session = json.loads(r.read())["session_token"]
        headers = {"App-Token": APP, "Session-Token": session, "Content-Type": "application/json"}
        body = json.dumps({"input": [{"name": f"Seed {i}", "content": "<p>x</p>"}
                                     for i in range(n)]}).encode()
        with urllib.request.urlopen(urllib.request.Request(api + "/Ticket/", data=body,
                                                           headers=headers, method="POST"),
                                    timeout=60) as r:
            ids = [x["id"] for x in json.loads(r.read())]
        urllib.request.urlopen(urllib.request.Request(api + "/killSession", headers=headers),
                               timeout=20).read()
        return ids

    def test_list_pages_through_glpis_search_beyond_one_page(self):
        ids = self.seed_tickets(230)
        r = self.ticket("--debug", "list", "--all", "--json")
        self.assertExit(r, 0)
        self.assertEqual(sorted(t["id"] for t in r.json()), sorted(ids))
        pages = re.findall(r"search/Ticket\?\S*range=(\d+-\d+)", r.err)
        self.assertEqual(pages, ["0-199", "200-399"])
        r = self.ticket("list", "--limit", "3", "--json")
        self.assertEqual(len(r.json()), 3)
        r = self.ticket("list", "--limit", "3")
        self.assertIn("the 3 latest of 230 tickets", r.err)
        self.assertNoSessionLeft()

    def test_watch_sees_a_close_made_by_another_process_and_stops_on_ctrl_c(self):
        tid = self.create()
        env = dict(self.env, **self.glpi_env)
        watch = subprocess.Popen([SNE, "ticket", "watch", str(tid), "--interval", "1s"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.addCleanup(lambda: watch.poll() is None and watch.kill())
        first = watch.stdout.readline()
        self.assertIn(f"ticket {tid}  Nouveau", first)
        self.assertExit(self.ticket("close", str(tid), "--solution", "réglé"), 0)
        out, err = watch.communicate(timeout=60)
        self.assertEqual(watch.returncode, 0, err)
        self.assertRegex(out, rf"ticket {tid}  Nouveau → (Résolu|Clos)")
        # Ctrl-C: exit 130, saying how to watch again.
        other = self.create()
        watch = subprocess.Popen([SNE, "ticket", "watch", str(other), "--interval", "1s"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.addCleanup(lambda: watch.poll() is None and watch.kill())
        self.assertIn("Nouveau", watch.stdout.readline())
        watch.send_signal(signal.SIGINT)
        out, err = watch.communicate(timeout=60)
        self.assertEqual(watch.returncode, 130, err)
        self.assertIn(f"sne ticket watch {other}", err)
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
