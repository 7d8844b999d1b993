"""The sandbox under load and playing faults: `sne sandbox seed --demandes` (empty demandes in
volume), `sne sandbox faults` (its knobs, and what each does to real requests over sockets to a
running `sne sandbox serve`, and to the embedded sandbox), and 32 clients uploading and sending
plis at once to two server processes sharing one database."""
import http.client
import json
import os
import re
import sqlite3
import threading
import time
import unittest
import urllib.parse
import uuid

from sne_cli import CliTest, sample_pdf
from test_account import Server

AGENT = "agent@sandbox.sne.test"
PASSWORD = "sandbox"
# A numéro unique of Hérault (034) ending with the demo agent's guichet: month 01-12, any year.
G3401_NUMERO = re.compile(r"^034(0[1-9]|1[0-2])\d{2}\d{6}G3401$")
DROPPED = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class Dropped(Exception):
    """The server closed the connection without answering."""


def q(value):
    return urllib.parse.quote(value, safe="")


def call(url, method, path, body=None, raw=None, token=None, headers=None, timeout=60):
    """One request on a connection of its own: (status, headers, JSON body or None); Dropped
    when the connection ends without an answer."""
    host, port = urllib.parse.urlsplit(url).netloc.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    all_headers = {"Accept": "application/json"}
    data = None
    if raw is not None:
        data, all_headers["Content-Type"] = raw, "application/octet-stream"
    elif body is not None:
        data, all_headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    if token:
        all_headers["Authorization"] = f"Bearer {token}"
    all_headers.update(headers or {})
    try:
        conn.request(method, path, body=data, headers=all_headers)
        r = conn.getresponse()
        payload = r.read()
    except DROPPED as e:
        raise Dropped(repr(e)) from e
    finally:
        conn.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, (json.loads(payload)
                                                                 if payload else None)


def sign_in(url):
    status, _, session = call(url, "POST", "/v1/auth/token", {"email": AGENT, "password": PASSWORD})
    assert status == 201, session
    return session["token"]


def room_types(test, count):
    """`count` types of the périmètre réglementaire that take a PDF: an empty demande has room
    for two pieces of each."""
    r = test.sne("piece", "types", "--json")
    test.assertExit(r, 0)
    catalog = r.json()
    out = []
    for rubrique in catalog["rubriques"]:
        for t in rubrique["types"]:
            if (t["perimetre"] == "reglementaire"
                    and "pdf" in t.get("formats", catalog["defaults"]["formats"])):
                out.append(t["code"])
    test.assertGreaterEqual(len(out), count)
    return out[:count]


class SandboxDb(CliTest):
    def setUp(self):
        super().setUp()
        self.db = os.path.join(self.home, "sandbox.db")

    def count(self, sql, *args):
        db = sqlite3.connect(self.db, timeout=30)
        try:
            return db.execute(sql, args).fetchone()[0]
        finally:
            db.close()

    def seed(self, n, *args):
        r = self.sne("sandbox", "seed", "--demandes", str(n), "--db", self.db, "--json", *args)
        self.assertExit(r, 0)
        return r.json()

    def faults(self, *args, db=None):
        r = self.sne("sandbox", "faults", "--db", db or self.db, "--json", *args)
        self.assertExit(r, 0)
        return r.json()


class SeedDemandes(SandboxDb):
    def test_prints_new_valid_numeros_one_per_line_in_the_demo_agents_territory(self):
        self.faults()  # creates the database
        before = self.count("SELECT count(*) FROM demandes")
        r = self.sne("sandbox", "seed", "--demandes", "50", "--db", self.db)
        self.assertExit(r, 0)
        numeros = r.out.splitlines()
        self.assertEqual(len(numeros), 50, r.out)
        self.assertEqual(len(set(numeros)), 50)
        for n in numeros:
            self.assertRegex(n, G3401_NUMERO)
        self.assertIn("added 50 demandes in territory 034 (guichet G3401)", r.err)
        # Valid for the program's own parser too.
        check = self.sne("numero", "check", "-", "--json", stdin="\n".join(numeros) + "\n")
        self.assertExit(check, 0)
        self.assertTrue(all(row["valid"] for row in check.json()), check.out)
        self.assertEqual(self.count("SELECT count(*) FROM demandes"), before + 50)
        marks = ",".join("?" * 50)
        self.assertEqual(self.count(f"SELECT count(*) FROM demandes WHERE numero IN ({marks}) "
                                    "AND territoire = '034' AND date_radiation IS NULL",
                                    *numeros), 50)
        self.assertEqual(self.count(f"SELECT count(*) FROM pieces WHERE numero IN ({marks})",
                                    *numeros), 0)
        self.assertEqual(self.count(f"SELECT count(*) FROM plis WHERE numero IN ({marks})",
                                    *numeros), 0)

    def test_json_is_one_array_and_nothing_else(self):
        r = self.sne("sandbox", "seed", "--demandes", "3", "--db", self.db, "--json")
        self.assertExit(r, 0)
        doc = r.json()
        self.assertIsInstance(doc, list)
        self.assertEqual(len(doc), 3)
        for n in doc:
            self.assertRegex(n, G3401_NUMERO)
        self.assertEqual(r.err, "")

    def test_the_agent_sees_them_with_room_in_every_category(self):
        numero = self.seed(1)[0]
        server = Server(self, self.db)
        token = sign_in(server.url)
        status, _, demande = call(server.url, "GET", f"/v1/demandes/{q(numero)}", token=token)
        self.assertEqual(status, 200, demande)
        self.assertEqual(demande["pieces"], [])
        self.assertIsNone(demande.get("date_radiation"), demande)
        ep = ["--endpoint", server.url]
        self.assertExit(self.sne(*ep, "auth", "login", "--email", AGENT, "--password-stdin",
                                 stdin=PASSWORD + "\n"), 0)
        r = self.sne(*ep, "dossier", "show", numero, "--json")
        self.assertExit(r, 0)
        self.assertEqual((r.json()["piece_count"], r.json()["date_radiation"]), (0, None), r.out)

    def test_follows_the_demo_agents_current_guichet_or_the_one_named(self):
        self.seed(1)
        db = sqlite3.connect(self.db)
        with db:
            db.execute("UPDATE users SET current_guichet = 'G5701' WHERE email = ?", (AGENT,))
        db.close()
        for n in self.seed(5):
            self.assertRegex(n, r"^057\d{10}G5701$")
        for n in self.seed(5, "--guichet", "g6901"):
            self.assertRegex(n, r"^069\d{10}G6901$")

    def test_a_hundred_thousand_in_one_transaction_within_seconds(self):
        self.seed(1)  # the database exists: only the seed is timed
        start = time.monotonic()
        r = self.sne("sandbox", "seed", "--demandes", "100000", "--db", self.db)
        took = time.monotonic() - start
        self.assertExit(r, 0)
        numeros = r.out.splitlines()
        self.assertEqual(len(numeros), 100000)
        self.assertEqual(len(set(numeros)), 100000)
        self.assertEqual(self.count("SELECT count(*) FROM demandes WHERE territoire = '034' "
                                    "AND nom != ''"), 100000 + 1 + 8)
        print(f"\n  100,000 demandes seeded in {took:.2f} s")
        self.assertLess(took, 30)  # seconds on a loaded machine; not a benchmark

    def test_bad_values_are_refused_and_nothing_is_added(self):
        self.seed(1)
        before = self.count("SELECT count(*) FROM demandes")
        for n in ("0", "-5", "abc", "1000001", "1.5"):
            r = self.sne("sandbox", "seed", "--demandes", n, "--db", self.db)
            self.assertExit(r, 2)
            self.assertOneLineError(r, "--demandes")
        r = self.sne("sandbox", "seed", "--db", self.db)
        self.assertExit(r, 2)
        self.assertOneLineError(r, "--plis N or --demandes N")
        r = self.sne("sandbox", "seed", "--demandes", "2", "--plis", "2", "--db", self.db)
        self.assertExit(r, 2)
        self.assertOneLineError(r, "excludes")
        r = self.sne("sandbox", "seed", "--demandes", "2", "--days", "3", "--db", self.db)
        self.assertExit(r, 2)
        self.assertOneLineError(r, "--days requires --plis")
        r = self.sne("sandbox", "seed", "--demandes", "2", "--guichet", "G99", "--db", self.db)
        self.assertExit(r, 6)
        self.assertOneLineError(r, "'G99' is not a code guichet")
        r = self.sne("sandbox", "seed", "--demandes", "2", "--guichet", "G9999", "--db", self.db,
                     "--json")
        self.assertExit(r, 7)
        self.assertEqual(r.json()["error"]["code"], "not_found")
        self.assertIn("G9999", r.json()["error"]["message"])
        self.assertEqual(self.count("SELECT count(*) FROM demandes"), before)


class FaultKnobs(SandboxDb):
    OFF = {"active": False, "error_rate": 0, "error_status": 503, "retry_after": 0,
           "latency_ms": 0, "drop_rate": 0, "drop_when": "after", "rate_limit": 0}

    def test_set_shown_kept_and_cleared(self):
        self.assertEqual(self.faults(), self.OFF)
        r = self.sne("sandbox", "faults", "--db", self.db)
        self.assertExit(r, 0)
        self.assertIn("No faults", r.out)
        state = self.faults("--error-rate", "0.25", "--error-status", "502", "--retry-after", "3",
                            "--latency", "150", "--drop-rate", "0.1", "--drop-when", "either",
                            "--rate-limit", "2.5")
        self.assertEqual(state, {"active": True, "error_rate": 0.25, "error_status": 502,
                                 "retry_after": 3, "latency_ms": 150, "drop_rate": 0.1,
                                 "drop_when": "either", "rate_limit": 2.5})
        # Shown again by a later process; a change leaves the other knobs as they are.
        self.assertEqual(self.faults("--latency", "0"), dict(state, latency_ms=0))
        r = self.sne("sandbox", "faults", "--db", self.db)
        self.assertExit(r, 0)
        for fragment in ("0.25 of requests answered 502, Retry-After: 3",
                         "0.1 of connections closed without an answer, before or after",
                         "2.5 pli creations a second, then 429"):
            self.assertIn(fragment, r.out)
        self.assertEqual(self.faults("--off"), self.OFF)
        # --off clears first, then sets what else is given.
        self.assertEqual(self.faults("--error-rate", "1"), dict(self.OFF, active=True,
                                                               error_rate=1))
        self.assertEqual(self.faults("--off", "--latency", "20"),
                         dict(self.OFF, active=True, latency_ms=20))
        # A reset starts the sandbox again without faults.
        self.assertExit(self.sne("sandbox", "reset", "--db", self.db), 0)
        self.assertEqual(self.faults(), self.OFF)

    def test_bad_values_are_named_and_change_nothing(self):
        self.faults("--error-rate", "0.5")
        cases = [("--error-rate", "1.5"), ("--error-rate", "-0.1"), ("--error-rate", "half"),
                 ("--error-rate", "nan"), ("--error-status", "404"), ("--error-status", "200"),
                 ("--error-status", "x"), ("--retry-after", "3601"), ("--retry-after", "-1"),
                 ("--latency", "60001"), ("--latency", "1.5"), ("--drop-rate", "2"),
                 ("--drop-when", "sometimes"), ("--rate-limit", "-1"), ("--rate-limit", "0.001"),
                 ("--rate-limit", "1e9")]
        for option, value in cases:
            # A valid knob beside it is not set either.
            other = ["--retry-after", "5"] if option == "--latency" else ["--latency", "10"]
            r = self.sne("sandbox", "faults", option, value, *other, "--db", self.db)
            self.assertExit(r, 6)
            self.assertOneLineError(r, option)
            r = self.sne("sandbox", "faults", option, value, "--db", self.db, "--json")
            self.assertExit(r, 6)
            self.assertEqual(r.json()["error"]["code"], "invalid_input")
        self.assertEqual(self.faults(), dict(self.OFF, active=True, error_rate=0.5))
        self.assertExit(self.sne("sandbox", "faults", "--db", self.db, "--frobnicate"), 2)
        self.assertExit(self.sne("sandbox", "faults", "--db", self.db, "--latency"), 2)


class FaultsOverSockets(SandboxDb):
    """Each knob against a running `sne sandbox serve`, set after it started: it sees them at
    its next request."""

    def setUp(self):
        super().setUp()
        self.server = Server(self, self.db)
        self.url = self.server.url
        self.token = sign_in(self.url)
        self.numeros = self.seed(40)
        self.types = room_types(self, 2)

    def get_me(self):
        return call(self.url, "GET", "/v1/me", token=self.token)

    def upload(self, key=None):
        headers = {"Idempotency-Key": key} if key else None
        return call(self.url, "POST", "/v1/uploads", raw=sample_pdf(1), token=self.token,
                    headers=headers)

    def pli(self, numero, upload_id, key=None, type_=None):
        body = {"contexte": "AJO", "pieces": [{"type": type_ or self.types[0],
                                               "nom_fichier": "piece.pdf",
                                               "upload_id": upload_id}]}
        headers = {"Idempotency-Key": key} if key else None
        return call(self.url, "POST", f"/v1/demandes/{q(numero)}/plis", body, token=self.token,
                    headers=headers)

    def plis(self):
        return self.count("SELECT count(*) FROM plis")

    def uploads(self):
        return self.count("SELECT count(*) FROM uploads")

    def test_error_rate_one_answers_the_status_and_does_nothing(self):
        status, _, up = self.upload()
        self.assertEqual(status, 201, up)
        self.assertEqual(self.get_me()[0], 200)
        self.faults("--error-rate", "1", "--retry-after", "7")
        plis, uploads = self.plis(), self.uploads()
        status, headers, body = self.pli(self.numeros[0], up["upload_id"])
        self.assertEqual(status, 503, body)
        self.assertEqual(headers.get("retry-after"), "7")
        self.assertEqual(body["error"]["code"], "server")
        self.assertIn("sne sandbox faults", body["error"]["message"])
        self.assertEqual(body["error"]["request_id"], headers["x-request-id"])
        self.assertEqual(self.upload()[0], 503)
        self.assertEqual((self.plis(), self.uploads()), (plis, uploads))  # nothing written
        # Before authentication: no token needed to be refused so.
        self.assertEqual(call(self.url, "GET", "/v1/me")[0], 503)
        # Sign-in is exempt, so that a test can always sign in; GLPI too.
        token = sign_in(self.url)
        self.assertTrue(token)
        status, _, _ = call(self.url, "GET", "/apirest.php/initSession",
                            headers={"App-Token": "sandbox-glpi-app-token",
                                     "Authorization": "user_token sandbox-glpi-agent"})
        self.assertEqual(status, 200)
        for code, name in ((408, "network"), (429, "rate_limited"), (500, "server"),
                           (502, "server"), (504, "server")):
            self.faults("--error-status", str(code), "--retry-after", "0")
            status, headers, body = self.get_me()
            self.assertEqual(status, code, body)
            self.assertEqual(body["error"]["code"], name)
            self.assertNotIn("retry-after", headers)
        self.faults("--off")
        self.assertEqual(self.get_me()[0], 200)
        status, _, pli = self.pli(self.numeros[0], up["upload_id"])
        self.assertEqual(status, 201, pli)

    def test_an_error_rate_answers_about_that_share(self):
        self.faults("--error-rate", "0.5")
        statuses = [self.get_me()[0] for _ in range(200)]
        self.assertEqual(set(statuses), {200, 503})
        # 200 draws of a fair coin: 60 to 140 heads fails once in about 10^8 runs.
        self.assertTrue(60 <= statuses.count(503) <= 140, statuses.count(503))

    def test_latency_delays_every_answer_without_holding_the_others(self):
        self.faults("--latency", "400")
        start = time.monotonic()
        self.assertEqual(self.get_me()[0], 200)
        one = time.monotonic() - start
        self.assertGreaterEqual(one, 0.4)  # a timer never fires early
        # Twelve at once, on four worker threads: answered together, not one after the other
        # (4.8 s): the wait is a timer, and no lock is held meanwhile.
        results = []
        start = time.monotonic()
        threads = [threading.Thread(target=lambda: results.append(self.get_me()[0]))
                   for _ in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        together = time.monotonic() - start
        self.assertEqual(results, [200] * 12)
        print(f"\n  latency 400 ms: one answer in {one:.3f} s, twelve at once in {together:.3f} s")
        self.assertLess(together, 4.0)
        self.faults("--off")
        start = time.monotonic()
        self.assertEqual(self.get_me()[0], 200)
        self.assertLess(time.monotonic() - start, 0.4)

    def test_a_drop_after_commits_and_a_retry_with_the_same_key_replays(self):
        self.faults("--drop-rate", "1")  # after processing, by default
        plis, uploads = self.plis(), self.uploads()
        up_key = str(uuid.uuid4())
        with self.assertRaises(Dropped):
            self.upload(up_key)
        self.assertEqual(self.uploads(), uploads + 1)  # committed, the client never learned it
        self.faults("--off")
        status, headers, up = self.upload(up_key)
        self.assertEqual((status, headers.get("idempotent-replayed")), (201, "true"), up)
        self.assertEqual(self.uploads(), uploads + 1)
        self.faults("--drop-rate", "1", "--drop-when", "after")
        key = str(uuid.uuid4())
        with self.assertRaises(Dropped):
            self.pli(self.numeros[1], up["upload_id"], key)
        self.assertEqual(self.plis(), plis + 1)
        self.faults("--off")
        status, headers, pli = self.pli(self.numeros[1], up["upload_id"], key)
        self.assertEqual(status, 201, pli)
        self.assertEqual(headers.get("idempotent-replayed"), "true")
        self.assertEqual(self.plis(), plis + 1)  # exactly one pli
        status, _, page = call(self.url, "GET", f"/v1/plis?numero_unique={self.numeros[1]}",
                               token=self.token)
        self.assertEqual([p["transaction"] for p in page["items"]], [pli["transaction"]])

    def test_a_drop_before_does_nothing(self):
        status, _, up = self.upload()
        self.faults("--drop-rate", "1", "--drop-when", "before")
        plis, uploads = self.plis(), self.uploads()
        for _ in range(3):
            with self.assertRaises(Dropped):
                self.pli(self.numeros[2], up["upload_id"], str(uuid.uuid4()))
            with self.assertRaises(Dropped):
                self.upload()
        self.assertEqual((self.plis(), self.uploads()), (plis, uploads))
        self.assertEqual(sign_in(self.url) != "", True)  # sign-in is never dropped
        # Half and half: both kinds happen, and the server stays consistent.
        self.faults("--drop-rate", "1", "--drop-when", "either")
        for _ in range(20):
            with self.assertRaises(Dropped):
                self.upload()
        done = self.uploads() - uploads
        self.assertTrue(0 < done < 20, done)

    def test_a_rate_limit_answers_429_past_the_rate_and_writes_nothing(self):
        ups = []
        for _ in range(20):
            status, _, up = self.upload()
            self.assertEqual(status, 201, up)
            ups.append(up["upload_id"])
        self.faults("--rate-limit", "2")
        plis = self.plis()
        answers = []
        start = time.monotonic()
        for i in range(20):
            answers.append(self.pli(self.numeros[10 + i], ups[i]))
        elapsed = time.monotonic() - start
        created = [a for a in answers if a[0] == 201]
        limited = [a for a in answers if a[0] == 429]
        self.assertEqual(len(created) + len(limited), 20, [a[0] for a in answers])
        # A bucket of 2 plis refilled at 2 a second.
        self.assertGreaterEqual(len(created), 2)
        self.assertLessEqual(len(created), 2 + 2 * elapsed + 1, (len(created), elapsed))
        self.assertTrue(limited)
        for status, headers, body in limited:
            self.assertEqual(body["error"]["code"], "rate_limited")
            self.assertGreaterEqual(int(headers["retry-after"]), 1)
        self.assertEqual(self.plis(), plis + len(created))
        # Uploads and reads are not counted.
        self.assertEqual(self.get_me()[0], 200)
        self.assertEqual(self.upload()[0], 201)
        # Waiting as told gets a pli through.
        status, headers, body = limited[-1]
        time.sleep(int(headers["retry-after"]))
        index = answers.index(limited[-1])
        status, _, pli = self.pli(self.numeros[10 + index], ups[index])
        self.assertEqual(status, 201, pli)
        self.faults("--off")
        rest = [self.pli(self.numeros[10 + answers.index(a)], ups[answers.index(a)])[0]
                for a in limited[:-1]]
        self.assertEqual(rest, [201] * len(rest))


class EmbeddedFaults(SandboxDb):
    """The embedded sandbox honours the same knobs: an error is the answer, a drop a network
    error, both mapped to exit 5 (temporary); `sne sandbox faults` itself is never refused."""

    def test_the_cli_on_the_embedded_sandbox_meets_them(self):
        default_db = os.path.join(self.home, ".local/share/sne/sandbox.db")
        self.assertExit(self.sne("pli", "list"), 0)
        self.faults("--error-rate", "1", "--error-status", "502", db=default_db)
        r = self.sne("pli", "list", "--json")
        self.assertExit(r, 5)
        self.assertEqual(r.json()["error"]["http_status"], 502)
        self.assertIn("on purpose", r.json()["error"]["message"])
        self.faults("--off", "--drop-rate", "1", "--drop-when", "before", db=default_db)
        r = self.sne("pli", "list", "--json")
        self.assertExit(r, 5)
        self.assertEqual(r.json()["error"]["code"], "network")
        self.faults("--off", "--latency", "300", db=default_db)
        start = time.monotonic()
        self.assertExit(self.sne("pli", "list"), 0)
        self.assertGreaterEqual(time.monotonic() - start, 0.3)
        self.faults("--off", db=default_db)
        self.assertExit(self.sne("pli", "list"), 0)


class ThirtyTwoClients(SandboxDb):
    """32 clients at once, each uploading a piece and sending it in a pli, three times, to two
    `sne sandbox serve` processes sharing one database: no request fails on a locked database
    (a 503 with Retry-After, retried, is allowed), and the server holds exactly the plis sent."""

    CLIENTS = 32
    ROUNDS = 3

    def run_clients(self, urls, token, numeros, types, retry_faults):
        failures, retries = [], {"busy": 0, "fault": 0, "dropped": 0}
        sent = {}
        lock = threading.Lock()
        start = threading.Barrier(self.CLIENTS)

        def attempt(url, method, path, **kw):
            """Sends until answered other than a retryable fault; the same Idempotency-Key
            each time, so that a retry after a drop creates nothing more."""
            for _ in range(50):
                try:
                    status, headers, body = call(url, method, path, token=token, **kw)
                except Dropped:
                    if not retry_faults:
                        raise
                    with lock:
                        retries["dropped"] += 1
                    continue
                if status == 503 and "retry-after" in headers:
                    busy = "busy" in body["error"]["message"]
                    if not busy and not retry_faults:
                        return status, body
                    with lock:
                        retries["busy" if busy else "fault"] += 1
                    time.sleep(min(int(headers["retry-after"]), 2))
                    continue
                return status, body
            return None, "gave up"

        def client(i):
            url = urls[i % len(urls)]
            numero = numeros[i]
            start.wait()
            for r in range(self.ROUNDS):
                try:
                    status, up = attempt(url, "POST", "/v1/uploads", raw=sample_pdf(1 + r),
                                         headers={"Idempotency-Key": str(uuid.uuid4())})
                    if status != 201:
                        failures.append((i, r, "upload", status, up))
                        continue
                    body = {"contexte": "AJO", "pieces": [
                        {"type": types[r], "nom_fichier": f"c{i}r{r}.pdf",
                         "upload_id": up["upload_id"]}]}
                    status, pli = attempt(url, "POST", f"/v1/demandes/{q(numero)}/plis",
                                          body=body,
                                          headers={"Idempotency-Key": str(uuid.uuid4())})
                    if status != 201:
                        failures.append((i, r, "pli", status, pli))
                        continue
                    with lock:
                        sent.setdefault(numero, []).append(pli["transaction"])
                except Exception as e:  # noqa: BLE001: every failure is reported
                    failures.append((i, r, "exception", repr(e)))

        threads = [threading.Thread(target=client, args=(i,)) for i in range(self.CLIENTS)]
        began = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        took = time.monotonic() - began
        self.assertFalse(any(t.is_alive() for t in threads))
        self.assertEqual(failures, [])
        return sent, retries, took

    def check_server_holds(self, url, token, numeros, sent):
        for numero in numeros:
            status, _, page = call(url, "GET", f"/v1/plis?numero_unique={numero}&limit=50",
                                   token=token)
            self.assertEqual(status, 200, page)
            held = sorted(p["transaction"] for p in page["items"])
            self.assertEqual(held, sorted(sent.get(numero, [])), numero)
            self.assertEqual(len(held), self.ROUNDS, numero)
        marks = ",".join("?" * len(numeros))
        self.assertEqual(self.count(f"SELECT count(*) FROM plis WHERE numero IN ({marks})",
                                    *numeros), self.CLIENTS * self.ROUNDS)
        self.assertEqual(self.count("PRAGMA journal_mode"), "wal")

    def test_thirty_two_clients_on_two_processes_sharing_the_database(self):
        numeros = self.seed(self.CLIENTS)
        servers = [Server(self, self.db), Server(self, self.db)]
        urls = [s.url for s in servers]
        token = sign_in(urls[0])
        types = room_types(self, self.ROUNDS)
        sent, retries, took = self.run_clients(urls, token, numeros, types, retry_faults=False)
        print(f"\n  {self.CLIENTS} clients x {self.ROUNDS} (upload + pli): {took:.2f} s, "
              f"{retries['busy']} busy answers retried")
        self.check_server_holds(urls[0], token, numeros, sent)
        for s in servers:
            code, err = s.stop()
            self.assertEqual(code, 0, err)
            self.assertNotIn("locked", err)

    def test_thirty_two_clients_through_errors_and_drops_send_each_pli_once(self):
        numeros = self.seed(self.CLIENTS)
        server = Server(self, self.db)
        token = sign_in(server.url)
        types = room_types(self, self.ROUNDS)
        # Drops after processing: the server did the work, the client retries with its key.
        self.faults("--error-rate", "0.2", "--retry-after", "1", "--drop-rate", "0.2",
                    "--drop-when", "either")
        sent, retries, took = self.run_clients([server.url], token, numeros, types,
                                               retry_faults=True)
        print(f"\n  {self.CLIENTS} clients x {self.ROUNDS} under faults: {took:.2f} s, "
              f"{retries['fault']} 503 and {retries['dropped']} drops retried")
        self.assertGreater(retries["fault"], 0)
        self.assertGreater(retries["dropped"], 0)
        self.faults("--off")
        self.check_server_holds(server.url, token, numeros, sent)


if __name__ == "__main__":
    unittest.main()
