"""sne doctor: one line per check, each driven to fail on purpose and to pass: the configuration
file and profile, the endpoint (DNS, TCP, TLS with certificates minted here, the service's
answer), the clock against the service's Date, the credentials file's mode and owner, the
session, GLPI, the embedded sandbox's database and the catalog override; --json's shape and
the exit code of the first failure.

Run by /usr/bin/python3: the certificates are made with Debian's python3-cryptography."""

import datetime
import email.utils
import http.server
import json
import os
import re
import socket
import sqlite3
import ssl
import threading
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from sne_cli import CliTest
from test_account import Server

AGENT = "agent@sandbox.sne.test"
APP = "sandbox-glpi-app-token"
USER = "sandbox-glpi-agent"
ORDER = ["config", "endpoint", "sandbox", "dns", "tcp", "tls", "service", "clock",
         "credentials", "token", "glpi", "catalog"]
UTC = datetime.timezone.utc


def closed_port():
    """A loopback port nothing listens on (bound, then closed)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def mint(folder, not_before, not_after, self_signed=False):
    """A certificate for 127.0.0.1 valid from `not_before` to `not_after`, signed by a CA made
    here (written to ca.pem) or by itself. Returns (cert.pem, key.pem, ca.pem)."""
    def key():
        return ec.generate_private_key(ec.SECP256R1())

    def write(name, data):
        path = os.path.join(folder, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    now = datetime.datetime.now(UTC)
    ca_key = key()
    ca = (x509.CertificateBuilder().subject_name(_name("doctor test CA"))
          .issuer_name(_name("doctor test CA")).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(days=3650))
          .not_valid_after(now + datetime.timedelta(days=3650))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    leaf_key = key()
    issuer, signer = (_name("127.0.0.1"), leaf_key) if self_signed else (ca.subject, ca_key)
    leaf = (x509.CertificateBuilder().subject_name(_name("127.0.0.1")).issuer_name(issuer)
            .public_key(leaf_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(__import__("ipaddress").ip_address("127.0.0.1"))]),
                critical=False)
            .sign(signer, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    return (write("cert.pem", leaf.public_bytes(pem)),
            write("key.pem", leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                   serialization.NoEncryption())),
            write("ca.pem", ca.public_bytes(pem)))


class FakeService:
    """A local HTTP(S) server answering every GET with `status`, `content_type` and `body`, its
    Date header `skew` seconds from this machine's clock."""

    def __init__(self, test, status=401, content_type="application/json",
                 body='{"error": {"code": "unauthenticated", "message": "no session"}}',
                 skew=0, tls=None):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                payload = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def date_time_string(self, timestamp=None):
                return email.utils.formatdate(time.time() + skew, usegmt=True)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        scheme = "http"
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(tls[0], tls[1])
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.httpd.server_address[1]}"
        thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        thread.start()
        test.addCleanup(self.stop)

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class Doctor(CliTest):
    def doctor(self, *args, env=None, code=None):
        """`sne doctor --json`: its document, after checking its shape and exit code."""
        r = self.sne(*args, "doctor", "--json", env=env)
        doc = json.loads(r.out)
        self.assertEqual([c["name"] for c in doc["checks"]], ORDER, repr(r))
        for c in doc["checks"]:
            self.assertEqual(set(c), {"name", "status", "detail", "hint", "exit_code", "error"})
            self.assertIn(c["status"], ("passed", "failed", "skipped", "warning"))
            self.assertTrue(c["detail"], c)
            self.assertEqual(c["exit_code"] != 0, c["status"] == "failed", c)
        failed = [c for c in doc["checks"] if c["status"] == "failed"]
        self.assertEqual(doc["ok"], not failed)
        self.assertEqual(doc["first_failure"], failed[0]["name"] if failed else None)
        self.assertEqual(doc["exit_code"], failed[0]["exit_code"] if failed else 0)
        self.assertEqual(r.code, doc["exit_code"], repr(r))
        if code is not None:
            self.assertExit(r, code)
        self.last = r
        return {c["name"]: c for c in doc["checks"]}

    def human(self, *args, env=None):
        return self.sne(*args, "doctor", env=env)

    def assertStatus(self, checks, name, status, *fragments):
        self.assertEqual(checks[name]["status"], status, checks[name])
        for fragment in fragments:
            self.assertIn(fragment, checks[name]["detail"] + " " + (checks[name]["hint"] or ""))


class EmbeddedSandbox(Doctor):
    def test_a_fresh_home_passes_every_check_it_can_and_says_why_it_skips_the_others(self):
        checks = self.doctor(code=0)
        for name in ("config", "endpoint", "service", "clock", "credentials", "token", "glpi",
                     "catalog"):
            self.assertIn(checks[name]["status"], ("passed",), checks[name])
        for name in ("dns", "tcp", "tls"):
            self.assertStatus(checks, name, "skipped", "in process")
        self.assertStatus(checks, "catalog", "passed", "built-in")
        r = self.human()
        self.assertExit(r, 0)
        lines = r.out.splitlines()
        self.assertEqual(len(lines), len(ORDER) + 1, r.out)
        for line, name in zip(lines, ORDER):
            self.assertRegex(line, rf"^[✓✗!-] {name}\b")
        self.assertIn("(skipped)", r.out)
        self.assertEqual(lines[-1], "No problem found.")
        # A second run checks the database made by the first.
        checks = self.doctor(code=0)
        self.assertStatus(checks, "sandbox", "passed", "integrity_check ok")

    def damage(self, offset, size):
        """Garbage over `size` bytes at `offset` of the sandbox's database."""
        db = os.path.join(self.home, ".local/share/sne/sandbox.db")
        with open(db, "r+b") as f:
            f.seek(offset)
            f.write(b"\x5a" * size)
        return db

    def test_a_damaged_schema_fails_the_sandbox_check_with_exit_1(self):
        self.assertExit(self.sne("sandbox", "reset"), 0)
        self.damage(4096 * 2, 4096 * 4)  # the schema's pages: the database does not open
        checks = self.doctor(code=1)
        self.assertStatus(checks, "sandbox", "failed", "damaged", "sne sandbox reset")
        self.assertStatus(checks, "service", "skipped", "damaged")
        self.assertIn("✗ sandbox", self.human().out)

    def test_a_damaged_index_fails_pragma_integrity_check_with_exit_1(self):
        db = os.path.join(self.home, ".local/share/sne/sandbox.db")
        self.assertExit(self.sne("sandbox", "reset"), 0)
        with sqlite3.connect(db) as c:
            root = c.execute("SELECT rootpage FROM sqlite_master "
                             "WHERE name = 'plis_waiting'").fetchone()[0]
        c.close()
        # The cells at the end of an index's root page: it opens, integrity_check finds it.
        self.damage((root - 1) * 4096 + 1024, 3072)
        checks = self.doctor(code=1)
        self.assertStatus(checks, "sandbox", "failed", "damaged", f"On tree page {root}")

    def test_the_sandbox_clock_moved_away_fails_the_clock_check(self):
        self.assertExit(self.sne("sandbox", "clock", "set", "2020-01-01"), 0)
        checks = self.doctor(code=1)
        self.assertStatus(checks, "clock", "failed", "behind this machine's", "NTP")
        self.assertEqual(checks["clock"]["error"]["subject"], "Date")
        self.assertExit(self.sne("sandbox", "clock", "auto"), 0)
        self.assertStatus(self.doctor(code=0), "clock", "passed", "agrees")

    def test_a_configuration_file_that_is_no_toml_fails_with_exit_6(self):
        self.write(".config/sne/config.toml", "profile = \n[[[\n")
        checks = self.doctor(code=6)
        self.assertStatus(checks, "config", "failed", "config.toml")
        for name in ("endpoint", "glpi", "catalog"):
            self.assertStatus(checks, name, "skipped", "configuration")
        r = self.human()
        self.assertExit(r, 6)
        self.assertRegex(r.out, r"✗ config +.*config\.toml.* — hint: ")
        self.assertIn("the first, config, gives exit code 6", r.out)

    def test_an_unknown_profile_fails_with_exit_6(self):
        self.write(".config/sne/config.toml", "[profiles.work]\ndepartement = \"34\"\n")
        checks = self.doctor("--profile", "nope", code=6)
        self.assertStatus(checks, "config", "failed", "nope")
        checks = self.doctor("--profile", "work", code=0)
        self.assertStatus(checks, "config", "passed", 'profile "work"')

    def test_a_catalog_override_that_does_not_load_fails_with_exit_6(self):
        good = self.write("good.json", self.sne("piece", "types", "--json").out)
        bad = self.write("catalog.json", '{"version": 3}')
        self.write(".config/sne/config.toml", f'[profiles.default]\ncatalog = "{bad}"\n')
        checks = self.doctor(code=6)
        self.assertStatus(checks, "catalog", "failed", "catalog.json")
        self.write(".config/sne/config.toml", f'[profiles.default]\ncatalog = "{good}"\n')
        self.assertStatus(self.doctor(code=0), "catalog", "passed", "good.json")

    def test_a_credentials_file_readable_by_others_fails_with_exit_4(self):
        self.doctor(code=0)  # signs nobody in: no credentials file is written
        creds = os.path.join(self.home, ".config/sne/credentials")
        self.assertFalse(os.path.exists(creds))
        self.assertExit(self.sne("auth", "status"), 0)  # the demo sign-in writes it
        checks = self.doctor(code=0)
        self.assertStatus(checks, "credentials", "passed", "mode 0600")
        os.chmod(creds, 0o644)
        checks = self.doctor(code=4)
        self.assertStatus(checks, "credentials", "failed", "chmod 600")
        self.assertStatus(checks, "token", "skipped", "could not be read")

    def test_a_credentials_file_of_another_user_fails_with_exit_4(self):
        self.assertEqual(os.geteuid(), 0, "chown needs root, which the CI runs as")
        self.assertExit(self.sne("auth", "status"), 0)
        creds = os.path.join(self.home, ".config/sne/credentials")
        os.chown(creds, 65534, 65534)  # nobody
        checks = self.doctor(code=4)
        self.assertStatus(checks, "credentials", "failed", "another user", "chown")


class Network(Doctor):
    def test_a_closed_port_fails_the_tcp_check_with_exit_5(self):
        url = f"http://127.0.0.1:{closed_port()}"
        checks = self.doctor("--endpoint", url, code=5)
        self.assertStatus(checks, "dns", "passed", "127.0.0.1")
        self.assertStatus(checks, "tcp", "failed", url)
        for name in ("service", "clock"):
            self.assertStatus(checks, name, "skipped", "cannot be reached")
        self.assertStatus(checks, "tls", "skipped")
        r = self.human("--endpoint", url)
        self.assertRegex(r.out, r"✗ tcp .* — hint: is the service up")

    def test_a_name_that_does_not_resolve_fails_the_dns_check_with_exit_5(self):
        checks = self.doctor("--endpoint", "https://sne-doctor.invalid", code=5)
        self.assertStatus(checks, "dns", "failed", "sne-doctor.invalid")
        self.assertStatus(checks, "tcp", "skipped", "cannot be reached")

    def test_an_answer_that_is_not_the_service_fails_with_exit_1(self):
        page = FakeService(self, status=404, content_type="text/html",
                           body="<html><body>Not Found</body></html>")
        checks = self.doctor("--endpoint", page.url, code=1)
        self.assertStatus(checks, "tcp", "passed")
        self.assertStatus(checks, "service", "failed", "HTTP 404", "text/html",
                          "not the SNE web services")
        self.assertStatus(checks, "clock", "skipped")

    def test_a_failing_service_fails_with_exit_5(self):
        down = FakeService(self, status=503, body='{"error": {"code": "server"}}')
        checks = self.doctor("--endpoint", down.url, code=5)
        self.assertStatus(checks, "service", "failed", "HTTP 503", "try again later")

    def test_a_service_clock_a_minute_ahead_is_a_warning_and_an_hour_a_failure(self):
        ahead = FakeService(self, skew=90)
        checks = self.doctor("--endpoint", ahead.url, code=4)  # then: not signed in
        self.assertStatus(checks, "service", "passed", "HTTP 401")
        self.assertStatus(checks, "clock", "warning", "ahead of this machine's")
        self.assertStatus(checks, "token", "failed", "not signed in")
        far = FakeService(self, skew=-3600)
        checks = self.doctor("--endpoint", far.url, code=1)
        self.assertStatus(checks, "clock", "failed", "behind this machine's")


class Tls(Doctor):
    def serve(self, not_before, not_after, self_signed=False):
        cert, key, ca = mint(self.home, not_before, not_after, self_signed)
        return FakeService(self, tls=(cert, key)), ca

    def test_an_expired_certificate_fails_with_its_date_and_exit_6(self):
        now = datetime.datetime.now(UTC)
        expired = (now - datetime.timedelta(days=7)).replace(microsecond=0)
        server, ca = self.serve(now - datetime.timedelta(days=400), expired)
        checks = self.doctor("--endpoint", server.url, "--cacert", ca, code=6)
        self.assertStatus(checks, "tcp", "passed")
        self.assertStatus(checks, "tls", "failed", "certificate expired",
                          expired.strftime("%Y-%m-%dT%H:%M:%SZ"), "renew")
        self.assertEqual(checks["tls"]["error"]["subject"], "certificate")
        self.assertStatus(checks, "service", "skipped")

    def test_a_self_signed_certificate_fails_with_exit_6(self):
        now = datetime.datetime.now(UTC)
        server, _ = self.serve(now - datetime.timedelta(days=1),
                               now + datetime.timedelta(days=300), self_signed=True)
        checks = self.doctor("--endpoint", server.url, code=6)
        self.assertStatus(checks, "tls", "failed", "self-signed", "--cacert FILE")
        self.assertEqual(checks["tls"]["error"]["subject"], "cacert")

    def test_a_trusted_certificate_passes_and_one_expiring_soon_warns(self):
        now = datetime.datetime.now(UTC)
        server, ca = self.serve(now - datetime.timedelta(days=1),
                                now + datetime.timedelta(days=300))
        checks = self.doctor("--endpoint", server.url, "--cacert", ca, code=4)
        self.assertStatus(checks, "tls", "passed", "valid until", "doctor test CA")
        self.assertStatus(checks, "service", "passed")
        soon, ca = self.serve(now - datetime.timedelta(days=1), now + datetime.timedelta(days=3))
        checks = self.doctor("--endpoint", soon.url, "--cacert", ca, code=4)
        self.assertStatus(checks, "tls", "warning", "expires", "in 2 days")


class Served(Doctor):
    """`sne sandbox serve` on loopback, signed in to as the demo agent."""

    def setUp(self):
        super().setUp()
        self.db = os.path.join(self.home, "served.db")
        self.server = Server(self, self.db)
        self.ep = ["--endpoint", self.server.url]
        self.creds = os.path.join(self.home, ".config/sne/credentials")

    def login(self):
        self.assertExit(self.sne(*self.ep, "auth", "login", "--email", AGENT,
                                 "--password-stdin", stdin="sandbox\n"), 0)
        with open(self.creds, encoding="utf-8") as f:
            return re.search(r"token = '([^']+)'", f.read()).group(1)

    def edit_credentials(self, pattern, replacement):
        with open(self.creds, encoding="utf-8") as f:
            text = f.read()
        with open(self.creds, "w", encoding="utf-8") as f:
            f.write(re.sub(pattern, replacement, text))

    def test_no_session_fails_with_exit_4_and_a_session_passes_without_showing_it(self):
        checks = self.doctor(*self.ep, code=4)
        self.assertStatus(checks, "token", "failed", "not signed in")
        self.assertIn("sne auth login", checks["token"]["hint"])
        self.assertStatus(checks, "glpi", "skipped", "not configured")
        self.assertStatus(checks, "sandbox", "skipped", "not the embedded sandbox")
        token = self.login()
        checks = self.doctor(*self.ep, code=0)
        self.assertStatus(checks, "token", "passed", AGENT, "valid until")
        self.assertStatus(checks, "tls", "skipped", "plain http://")
        self.assertNotIn(token, self.last.out + self.last.err)
        r = self.human(*self.ep)
        self.assertExit(r, 0)
        self.assertNotIn(token, r.out + r.err)

    def test_a_token_the_service_refuses_fails_with_exit_4(self):
        self.login()
        self.edit_credentials(r"token = '[^']+'", "token = 'forged-token-0000'")
        checks = self.doctor(*self.ep, code=4)
        self.assertStatus(checks, "token", "failed", "refuses")
        self.assertNotIn("forged-token-0000", self.last.out)

    def test_an_expired_session_fails_and_one_expiring_soon_warns(self):
        self.login()

        def expires_in(seconds):
            t = datetime.datetime.now(UTC) + datetime.timedelta(seconds=seconds)
            self.edit_credentials(r"expires_at = '[^']+'",
                                  f"expires_at = '{t.strftime('%Y-%m-%dT%H:%M:%SZ')}'")

        expires_in(-60)
        checks = self.doctor(*self.ep, code=4)
        self.assertStatus(checks, "token", "failed", "expired")
        expires_in(600)
        checks = self.doctor(*self.ep, code=0)
        self.assertStatus(checks, "token", "warning", "expires", "min")
        self.assertIn("sne auth login", checks["token"]["hint"])

    def test_glpi_passes_with_its_tokens_and_fails_on_a_bad_one_or_when_unreachable(self):
        self.login()
        glpi = {"SNE_GLPI_URL": self.server.url + "/apirest.php", "SNE_GLPI_APP_TOKEN": APP,
                "SNE_GLPI_USER_TOKEN": USER}
        checks = self.doctor(*self.ep, env=glpi, code=0)
        self.assertStatus(checks, "glpi", "passed", "session was opened")
        checks = self.doctor(*self.ep, env={**glpi, "SNE_GLPI_APP_TOKEN": "wrong-app-token"},
                             code=4)
        self.assertStatus(checks, "glpi", "failed")
        self.assertNotIn("wrong-app-token", self.last.out)
        self.assertNotIn(USER, self.last.out)
        down = f"http://127.0.0.1:{closed_port()}/apirest.php"
        checks = self.doctor(*self.ep, env={**glpi, "SNE_GLPI_URL": down}, code=5)
        self.assertStatus(checks, "glpi", "failed", "127.0.0.1")

    def test_the_served_clock_follows_sandbox_clock_set(self):
        self.login()
        self.assertExit(self.sne("sandbox", "clock", "set", "2030-01-01", "--db", self.db), 0)
        checks = self.doctor(*self.ep, code=1)
        self.assertStatus(checks, "clock", "failed", "ahead of this machine's", "2030")
