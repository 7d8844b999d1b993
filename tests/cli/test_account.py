"""sne auth, sne account and sne sandbox: the account flow end to end, from the command line,
against the embedded sandbox and against `sne sandbox serve`."""

import json
import os
import re
import signal
import sqlite3
import stat
import subprocess
import unittest

from sne_cli import SNE, CliTest

NEW = ["--nom", "Martin", "--prenom", "Léa", "--email", "lea.martin@montpellier.example",
       "--telephone", "04 67 00 00 09", "--type-organisme", "commune",
       "--organisme", "Mairie de Montpellier", "--guichet", "G3401"]


class Server:
    """`sne sandbox serve` on a free loopback port, for the duration of a test."""

    def __init__(self, test, db):
        # db None: the default database, the one every other command of the user opens too.
        self.proc = subprocess.Popen([SNE, "sandbox", "serve", "--listen", "127.0.0.1:0",
                                      *(["--db", db] if db else [])], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=test.env)
        line = self.proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:\d+", line)
        test.assertIsNotNone(m, f"no ready line: {line!r}")
        self.url = m.group(0)
        test.addCleanup(self.stop_if_running)

    def stop_if_running(self):
        if self.proc.poll() is None:
            self.stop()

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        out, err = self.proc.communicate(timeout=10)
        return self.proc.returncode, err


def signed_in_server(test, email="agent@sandbox.sne.test"):
    """`sne sandbox serve` on a fresh database for the test, with `email` signed in to it:
    returns the database's path and the flags that choose the server as endpoint."""
    db = os.path.join(test.home, "served.db")
    server = Server(test, db)
    ep = ["--endpoint", server.url]
    test.assertExit(test.sne(*ep, "auth", "login", "--email", email, "--password-stdin",
                             stdin="sandbox\n"), 0)
    return db, ep


class EmbeddedSandbox(CliTest):
    def test_starts_signed_in_as_the_demo_agent_and_says_it_is_a_sandbox(self):
        r = self.sne("auth", "status")
        self.assertExit(r, 0)
        self.assertIn("embedded sandbox", r.err)
        self.assertIn("not the real SNE", r.err)
        self.assertIn("agent@sandbox.sne.test", r.out)
        self.assertIn("G3401", r.out)
        data = os.path.join(self.home, ".local/share/sne/sandbox.db")
        creds = os.path.join(self.home, ".config/sne/credentials")
        self.assertEqual(stat.S_IMODE(os.stat(data).st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(creds).st_mode), 0o600)

    def test_json_output_has_no_note_and_no_token(self):
        r = self.sne("auth", "status", "--json")
        self.assertExit(r, 0)
        doc = r.json()
        self.assertEqual(doc["kind"], "embedded_sandbox")
        self.assertEqual(doc["me"]["email"], "agent@sandbox.sne.test")
        self.assertNotIn("token\"", r.out)
        self.assertEqual(r.err, "")

    def test_the_account_flow_end_to_end(self):
        r = self.sne("account", "request", *NEW, "--json")
        self.assertExit(r, 0)
        req = r.json()
        self.assertEqual(req["statut"], "en_attente")
        r = self.sne("account", "status", req["id"], "--json")
        self.assertEqual(r.json()["statut"], "en_attente")

        self.assertExit(self.sne("auth", "login", "--email", "referent@sandbox.sne.test",
                                 "--password-stdin", stdin="sandbox\n"), 0)
        pending = self.sne("account", "pending", "--json").json()
        self.assertIn(req["id"], [p["id"] for p in pending])
        self.assertExit(self.sne("account", "validate", req["id"]), 0)

        mails = self.sne("sandbox", "outbox", "--to", "lea.martin@montpellier.example",
                         "--json").json()
        token = re.search(r"--token (\w+)", mails[-1]["body"]).group(1)
        r = self.sne("account", "activate", "--token", token, "--password-stdin",
                     stdin="correct horse battery\n")
        self.assertExit(r, 0)
        r = self.sne("account", "activate", "--token", token, "--password-stdin",
                     stdin="correct horse battery\n")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "already used")

        r = self.sne("auth", "login", "--email", "lea.martin@montpellier.example",
                     "--password-stdin", stdin="correct horse battery\n")
        self.assertExit(r, 0)
        me = self.sne("account", "profile", "--json").json()
        self.assertEqual(me["email"], "lea.martin@montpellier.example")
        self.assertEqual(me["guichet"], "G3401")
        self.assertEqual(self.sne("account", "status", req["id"], "--json").json()["statut"],
                         "activee")

    def test_refusals_have_their_exit_codes(self):
        dup = NEW[:]
        dup[dup.index("--email") + 1] = "agent@sandbox.sne.test"
        r = self.sne("account", "request", *dup)
        self.assertExit(r, 6)
        self.assertOneLineError(r, "agent@sandbox.sne.test")

        r = self.sne("account", "status", "req-does-not-exist", "--json")
        self.assertExit(r, 7)
        self.assertEqual(r.json()["error"]["code"], "not_found")
        self.assertEqual(r.json()["error"]["http_status"], 404)

        r = self.sne("account", "pending")  # the demo agent is no référent
        self.assertExit(r, 4)
        self.assertOneLineError(r, "référent")

        r = self.sne("auth", "login", "--email", "agent@sandbox.sne.test", "--password-stdin",
                     stdin="wrong\n")
        self.assertExit(r, 4)
        self.assertOneLineError(r, "wrong e-mail or password")
        self.assertNotIn("wrong\n", r.out + r.err.replace("wrong e-mail", ""))

        r = self.sne("account", "activate", "--token", "nope", "--password-stdin",
                     stdin="correct horse battery\n")
        self.assertExit(r, 4)
        self.assertOneLineError(r, "activation token")

        r = self.sne("account", "profile", "--telephone", "call me")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "telephone")

        r = self.sne("account", "guichet", "G6901")
        self.assertExit(r, 7)

    def test_the_demo_requests_have_ids_nobody_can_guess(self):
        # Anyone may read a request by its id, name, e-mail and telephone included.
        r = self.sne("account", "status", "req-demo-pending-1")
        self.assertExit(r, 7)
        db = sqlite3.connect(os.path.join(self.home, ".local/share/sne/sandbox.db"))
        ids = [row[0] for row in db.execute("SELECT id FROM account_requests")]
        db.close()
        self.assertEqual(len(ids), 3)
        for rid in ids:
            self.assertRegex(rid, r"^req-[a-z0-9]{20}$")
            self.assertExit(self.sne("account", "status", rid), 0)

    def test_no_password_prompt_without_a_terminal(self):
        r = self.sne("auth", "login", "--email", "agent@sandbox.sne.test", stdin="")
        self.assertExit(r, 2)
        self.assertOneLineError(r, "no terminal")
        self.assertIn("--password-stdin", r.err)
        r = self.sne("auth", "login", "--email", "agent@sandbox.sne.test", "--password-stdin",
                     stdin="")
        self.assertExit(r, 6)

    def test_logout_is_kept_until_the_next_login(self):
        self.assertExit(self.sne("auth", "status"), 0)
        self.assertExit(self.sne("auth", "logout"), 0)
        r = self.sne("auth", "status")
        self.assertExit(r, 4)
        self.assertOneLineError(r, "not signed in")
        self.assertIn("sne auth login", r.err)
        self.assertExit(self.sne("auth", "login", "--email", "multi@sandbox.sne.test",
                                 "--password-stdin", stdin="sandbox\n"), 0)
        guichets = self.sne("account", "guichet", "--json").json()
        self.assertEqual([g["code"] for g in guichets], ["G6901", "G1101", "G9741"])
        self.assertEqual([g["current"] for g in guichets], [True, False, False])
        self.assertExit(self.sne("account", "guichet", "G9741"), 0)
        self.assertEqual(self.sne("account", "profile", "--json").json()["guichet"], "G9741")

    def test_notifications_switch(self):
        r = self.sne("account", "notifications", "--daily-mail", "off", "--json")
        self.assertExit(r, 0)
        self.assertEqual(r.json(), {"daily_mail": False})
        self.assertFalse(self.sne("account", "profile", "--json").json()["daily_mail"])
        self.assertExit(self.sne("account", "notifications", "--daily-mail", "maybe"), 2)

    def test_a_credentials_file_readable_by_others_is_refused(self):
        self.assertExit(self.sne("auth", "status"), 0)
        creds = os.path.join(self.home, ".config/sne/credentials")
        os.chmod(creds, 0o644)
        r = self.sne("auth", "status")
        self.assertExit(r, 4)
        self.assertOneLineError(r, "chmod 600")
        with open(creds, encoding="utf-8") as f:
            token = re.search(r"token = [\"'](\w+)", f.read()).group(1)
        self.assertNotIn(token, r.out + r.err)

    def test_sne_token_from_the_environment(self):
        r = self.sne("auth", "status", "--json", env={"SNE_TOKEN": "forged"})
        self.assertExit(r, 4)
        self.assertEqual(r.json()["error"]["code"], "unauthenticated")

    def test_bad_endpoints_are_named(self):
        r = self.sne("--endpoint", "ftp://example.org", "auth", "status")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "ftp://example.org")
        r = self.sne("auth", "status", env={"SNE_ENDPOINT": "gopher://x"})
        self.assertExit(r, 6)
        self.assertOneLineError(r, "SNE_ENDPOINT")

    def test_an_unreachable_server_is_a_temporary_failure(self):
        r = self.sne("--endpoint", "http://127.0.0.1:1", "account", "status", "req-x")
        self.assertExit(r, 5)
        self.assertOneLineError(r, "127.0.0.1:1")

    def test_a_request_names_several_guichets(self):
        args = NEW[:-2] + ["--guichet", "G3401", "--guichet", "G6901"]
        r = self.sne("account", "request", *args, "--json")
        self.assertExit(r, 0)
        self.assertEqual(r.json()["guichets"], ["G3401", "G6901"])
        args = NEW[:-2] + ["--guichet", "G1101,G9741"]
        args[args.index("--email") + 1] = "other@example.test"
        self.assertEqual(self.sne("account", "request", *args, "--json").json()["guichets"],
                         ["G1101", "G9741"])

    def test_an_explicit_empty_value_is_refused_not_ignored(self):
        r = self.sne("account", "profile", "--nom", "")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "nom")

    def test_usage_errors_stay_short(self):
        r = self.sne("sandbox", "outbox", "--limit", "0")
        self.assertExit(r, 2)
        self.assertLess(len(r.err.splitlines()[0]), 120, r.err)


    def test_the_demo_session_reopens_when_the_sandbox_forgets_it(self):
        self.assertExit(self.sne("auth", "status"), 0)
        db = sqlite3.connect(os.path.join(self.home, ".local/share/sne/sandbox.db"))
        db.execute("DELETE FROM sessions")
        db.commit()
        db.close()
        r = self.sne("auth", "status")
        self.assertExit(r, 0)
        self.assertIn("signed in to the sandbox as agent@sandbox.sne.test", r.err)

    def test_the_activation_token_can_come_from_stdin(self):
        self.assertExit(self.sne("account", "request", *NEW), 0)
        self.assertExit(self.sne("auth", "login", "--email", "referent@sandbox.sne.test",
                                 "--password-stdin", stdin="sandbox\n"), 0)
        req = [p["id"] for p in self.sne("account", "pending", "--json").json()
               if p["email"] == "lea.martin@montpellier.example"][0]
        self.assertExit(self.sne("account", "validate", req), 0)
        body = self.sne("sandbox", "outbox", "--limit", "1", "--json").json()[0]["body"]
        token = re.search(r"--token (\w+)", body).group(1)
        r = self.sne("account", "activate", "--token", "-", "--password-stdin",
                     stdin=token + "\ncorrect horse battery\n")
        self.assertExit(r, 0)
        r = self.sne("account", "activate", "--token", "-", "--password-stdin", stdin="")
        self.assertExit(r, 6)

class Terminal(CliTest):
    def test_ctrl_c_at_the_password_prompt_gives_the_terminal_its_echo_back(self):
        import pty
        import termios
        import time
        pid, fd = pty.fork()
        if pid == 0:
            os.execve(SNE, [SNE, "auth", "login", "--email", "a@b.c"], self.env)
        seen = b""
        deadline = time.time() + 20
        while b"Password:" not in seen and time.time() < deadline:
            seen += os.read(fd, 1024)
        self.assertIn(b"Password:", seen)
        self.assertFalse(termios.tcgetattr(fd)[3] & termios.ECHO)
        os.write(fd, b"\x03")
        _, status = os.waitpid(pid, 0)
        self.assertTrue(os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGINT)
        self.assertTrue(termios.tcgetattr(fd)[3] & termios.ECHO)
        os.close(fd)


class OverHttp(CliTest):
    def setUp(self):
        super().setUp()
        self.db = os.path.join(self.home, "served.db")
        self.server = Server(self, self.db)

    def test_the_same_commands_against_sne_sandbox_serve(self):
        url = self.server.url
        r = self.sne("--endpoint", url, "auth", "status")
        self.assertExit(r, 4)  # no automatic demo sign-in over HTTP
        r = self.sne("--endpoint", url, "auth", "login", "--email", "multi@sandbox.sne.test",
                     "--password-stdin", stdin="sandbox\n")
        self.assertExit(r, 0)
        self.assertNotIn("embedded sandbox", r.err)
        r = self.sne("account", "guichet", "--json", env={"SNE_ENDPOINT": url})
        self.assertExit(r, 0)
        self.assertEqual(len(r.json()), 3)
        r = self.sne("--endpoint", url, "account", "request", *NEW, "--json")
        self.assertExit(r, 0)
        # The served database is the one the outbox reads.
        mails = self.sne("sandbox", "outbox", "--db", self.db, "--json").json()
        self.assertTrue(any(m["to"] == "lea.martin@montpellier.example" for m in mails))

    def test_debug_logs_exchanges_with_secrets_redacted(self):
        url = self.server.url
        self.assertExit(self.sne("--endpoint", url, "auth", "login", "--email",
                                 "agent@sandbox.sne.test", "--password-stdin",
                                 stdin="sandbox\n"), 0)
        r = self.sne("--endpoint", url, "--debug", "auth", "status")
        self.assertExit(r, 0)
        self.assertIn("GET " + url + "/v1/me -> 200", r.err)
        self.assertIn("Authorization: [redacted]", r.err)
        with open(os.path.join(self.home, ".config/sne/credentials"), encoding="utf-8") as f:
            token = re.search(r"token = [\"'](\w+)", f.read()).group(1)
        self.assertNotIn(token, r.err + r.out)

    def test_tokens_and_passwords_are_not_stored_in_clear(self):
        self.assertExit(self.sne("--endpoint", self.server.url, "auth", "login", "--email",
                                 "agent@sandbox.sne.test", "--password-stdin",
                                 stdin="sandbox\n"), 0)
        with open(os.path.join(self.home, ".config/sne/credentials"), encoding="utf-8") as f:
            token = re.search(r"token = [\"'](\w+)", f.read()).group(1)
        db = sqlite3.connect(self.db)
        dump = "\n".join(db.iterdump())
        db.close()
        self.assertNotIn(token, dump)
        self.assertIn("pbkdf2-sha256$", dump)
        self.assertNotIn("'sandbox'", dump)

    def test_reset_in_place_under_a_running_server(self):
        url = self.server.url
        self.assertExit(self.sne("--endpoint", url, "account", "request", *NEW), 0)
        self.assertExit(self.sne("sandbox", "reset", "--db", self.db), 0)
        # The server serves the new data: the request is gone, so the e-mail is free again.
        self.assertExit(self.sne("--endpoint", url, "account", "request", *NEW), 0)
        mails = self.sne("sandbox", "outbox", "--db", self.db, "--json").json()
        self.assertEqual(sum(m["to"] == "lea.martin@montpellier.example" for m in mails), 1)

    def test_bodyless_and_form_posts_get_an_answer_at_once(self):
        import http.client
        import time
        host, port = self.server.url[len("http://"):].split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=5)
        start = time.time()
        conn.putrequest("POST", "/v1/account-requests")
        conn.endheaders()
        answer = conn.getresponse()
        body = json.loads(answer.read())
        self.assertEqual(answer.status, 400)
        self.assertEqual(body["error"]["code"], "invalid_input")
        self.assertLess(time.time() - start, 3)
        conn.request("POST", "/v1/uploads", body=b"x" * 20000,
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        answer = conn.getresponse()
        self.assertEqual(answer.status, 415)
        self.assertIn("application/octet-stream", json.loads(answer.read())["error"]["message"])
        conn.close()

    def test_an_open_connection_does_not_keep_the_server_alive(self):
        import socket
        import time
        host, port = self.server.url[len("http://"):].split(":")
        s = socket.create_connection((host, int(port)))
        s.sendall(b"GET /v1/me HTTP/1.1\r\nHost: x\r\n")  # and never finishes
        start = time.time()
        code, err = self.server.stop()
        s.close()
        self.assertEqual(code, 0, err)
        self.assertLess(time.time() - start, 9)

    def test_stops_cleanly_on_sigint(self):
        code, err = self.server.stop(signal.SIGINT)
        self.assertEqual(code, 0, err)
        self.assertIn("stopped on SIGINT", err)

    def test_refuses_non_loopback_addresses_and_busy_ports(self):
        r = self.sne("sandbox", "serve", "--listen", "0.0.0.0:0", "--db", self.db)
        self.assertExit(r, 6)
        self.assertOneLineError(r, "loopback")
        port = self.server.url.rsplit(":", 1)[1]
        r = self.sne("sandbox", "serve", "--listen", "127.0.0.1:" + port, "--db", self.db)
        self.assertExit(r, 1)
        self.assertOneLineError(r, port)
        r = self.sne("sandbox", "serve", "--listen", "127.0.0.1", "--db", self.db)
        self.assertExit(r, 6)
        self.assertOneLineError(r, "HOST:PORT")


class Tls(CliTest):
    """A TLS server with a certificate of its own CA: refused, then trusted with --cacert."""

    def setUp(self):
        super().setUp()
        import ssl
        import threading
        from http.server import BaseHTTPRequestHandler, HTTPServer
        key, cert = (os.path.join(self.home, n) for n in ("key.pem", "cert.pem"))
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days",
                        "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                        "-keyout", key, "-out", cert], check=True, capture_output=True)
        self.cert = cert

        class Answer(BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path.startswith("/moved"):
                    self.send_response(302)
                    self.send_header("Location", "https://elsewhere.example/v1/")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = b'{"error": {"code": "not_found", "message": "no such request"}}'
                self.send_response(404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = HTTPServer(("127.0.0.1", 0), Answer)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.addCleanup(self.httpd.shutdown)
        self.url = f"https://localhost:{self.httpd.server_address[1]}"

    def test_an_untrusted_certificate_is_refused_and_a_cacert_trusts_it(self):
        r = self.sne("--endpoint", self.url, "account", "status", "req-x")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "TLS")
        self.assertIn("--cacert", r.err)
        r = self.sne("--endpoint", self.url, "--cacert", self.cert, "account", "status", "req-x")
        self.assertExit(r, 7)
        self.assertOneLineError(r, "no such request")

    def test_a_cacert_that_cannot_be_read_names_the_file_and_the_hint_the_flag(self):
        missing = os.path.join(os.path.dirname(self.cert), "missing-ca.pem")
        r = self.sne("--endpoint", self.url, "--cacert", missing, "account", "status", "req-x",
                     "--json")
        self.assertExit(r, 1)
        self.assertOneLineError(r, f"CA file {missing}: No such file or directory")
        self.assertNotIn("--cacert", r.err.splitlines()[0])
        self.assertIn("hint: the CA file is the one given with --cacert FILE", r.err)
        self.assertEqual(r.json()["error"]["subject"], "cacert")

    def test_redirects_are_not_followed(self):
        r = self.sne("--endpoint", self.url + "/moved", "--cacert", self.cert, "account",
                     "status", "req-x")
        self.assertExit(r, 1)
        self.assertOneLineError(r, "redirects to https://elsewhere.example/v1/")

    def test_plain_http_is_for_loopback_only(self):
        r = self.sne("--endpoint", "http://sne.example.org", "auth", "status")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "https://")


if __name__ == "__main__":
    unittest.main()
