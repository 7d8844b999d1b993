"""The category cap of POST /v1/demandes/{n}/plis under concurrency, over real sockets: plis
fired at once at two `sne sandbox serve` processes sharing one database, each request on its
own connection with its own idempotency key. The cap (2 pieces) counts the pieces filed and
those of plis still in processing, inside each request's write transaction, so exactly as many
plis as fit get 201 and the others 409; and `sne piece add` turns that 409 into exit 6."""

import http.client
import json
import os
import subprocess
import threading
import unittest
import urllib.parse
import uuid

from sne_cli import SNE, CliTest, sample_pdf
from test_account import Server

AGENT = "agent@sandbox.sne.test"
PASSWORD = "sandbox"
CAP = 2  # the catalog's max_pieces of every type (docs/openapi.yaml, DOMAIN.md)


class Api:
    """JSON over HTTP/1.1 connections of its own to `url`: one per call (an idle connection
    kept alive may be closed by the server), or the one `connect()` opened."""

    def __init__(self, url, token=None):
        host, port = urllib.parse.urlsplit(url).netloc.split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=60)
        self.token = token

    def call(self, method, path, body=None, raw=None, headers=None):
        all_headers = {"Accept": "application/json"}
        data = b""
        if raw is not None:
            data, all_headers["Content-Type"] = raw, "application/octet-stream"
        elif body is not None:
            data, all_headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        if self.token:
            all_headers["Authorization"] = f"Bearer {self.token}"
        all_headers.update(headers or {})
        self.conn.request(method, path, body=data if method != "GET" else None,
                          headers=all_headers)
        r = self.conn.getresponse()
        payload = r.read()
        self.conn.close()  # the next call connects again
        return r.status, json.loads(payload) if payload else None

    def close(self):
        self.conn.close()


def q(value):
    return urllib.parse.quote(value, safe="")


def empty_category(test, api, numero):
    """A type of the périmètre réglementaire with no piece in the demande and none in its
    plis still in processing."""
    status, demande = api.call("GET", f"/v1/demandes/{q(numero)}")
    test.assertEqual(status, 200, demande)
    used = {p["type"] for p in demande["pieces"]}
    status, page = api.call("GET", "/v1/plis?limit=500")
    test.assertEqual(status, 200, page)
    for s in page["items"]:
        if s["numero_unique"] == numero and s["statut"] == "numerisation_en_cours":
            status, pli = api.call("GET", f"/v1/plis/{q(s['transaction'])}")
            test.assertEqual(status, 200, pli)
            used |= {p["type"] for p in pli["pieces"]}
    r = test.sne("piece", "types", "--json")
    test.assertExit(r, 0)
    for rubrique in r.json()["rubriques"]:
        for t in rubrique["types"]:
            if t["perimetre"] == "reglementaire" and t["code"] not in used:
                return t["code"]
    test.fail(f"no empty category in {numero}")


class ConcurrentPlis(CliTest):
    def setUp(self):
        super().setUp()
        self.db = os.path.join(self.home, "shared.db")
        # Two server processes on one database: only SQLite's locking stands between them.
        self.servers = [Server(self, self.db), Server(self, self.db)]
        api = Api(self.servers[0].url)
        status, session = api.call("POST", "/v1/auth/token",
                                   {"email": AGENT, "password": PASSWORD})
        self.assertEqual(status, 201, session)
        self.token = session["token"]
        api.close()

    def api(self, i=0):
        a = Api(self.servers[i % len(self.servers)].url, self.token)
        self.addCleanup(a.close)
        return a

    def counted(self, api, numero, piece_type):
        """Pieces of the type filed in the demande, and waiting in its plis in processing."""
        status, demande = api.call("GET", f"/v1/demandes/{q(numero)}")
        self.assertEqual(status, 200, demande)
        filed = sum(p["type"] == piece_type for p in demande["pieces"])
        status, page = api.call("GET", "/v1/plis?limit=500")
        waiting = 0
        for s in page["items"]:
            if s["numero_unique"] == numero and s["statut"] == "numerisation_en_cours":
                _, pli = api.call("GET", f"/v1/plis/{q(s['transaction'])}")
                waiting += sum(p["type"] == piece_type for p in pli["pieces"])
        return filed, waiting

    def test_ten_concurrent_plis_for_one_empty_category(self):
        api = self.api()
        status, page = api.call("GET", "/v1/plis?limit=1")
        self.assertEqual(status, 200, page)
        numero = page["items"][0]["numero_unique"]
        piece_type = empty_category(self, api, numero)
        self.assertEqual(self.counted(api, numero, piece_type), (0, 0))

        # Ten plis of one piece each; the uploads first, as a client does.
        bodies = []
        for i in range(10):
            status, up = api.call("POST", "/v1/uploads", raw=sample_pdf(1))
            self.assertEqual(status, 201, up)
            bodies.append({"contexte": "AJO", "pieces": [
                {"type": piece_type, "nom_fichier": f"piece{i}.pdf", "upload_id": up["upload_id"]}]})

        connections = [self.api(i) for i in range(10)]  # half on each server process
        for c in connections:  # connect before the start line, so that the POSTs race
            c.conn.connect()
        start = threading.Barrier(10)
        answers = [None] * 10

        def post(i):
            start.wait()
            answers[i] = connections[i].call(
                "POST", f"/v1/demandes/{q(numero)}/plis", bodies[i],
                headers={"Idempotency-Key": str(uuid.uuid4())})

        threads = [threading.Thread(target=post, args=(i,)) for i in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertTrue(all(a is not None for a in answers), answers)

        statuses = sorted(status for status, _ in answers)
        self.assertEqual(statuses, [201] * CAP + [409] * (10 - CAP), answers)
        for status, body in answers:
            if status == 409:
                self.assertEqual(body["error"]["code"], "conflict", body)
                self.assertEqual(body["error"]["field"], "pieces", body)
                self.assertIn(f"is full ({CAP} pieces max.: 0 filed, {CAP} in plis still in "
                              "processing, 1 in this one)", body["error"]["message"])
        self.assertEqual(self.counted(api, numero, piece_type), (0, CAP))

        # Once the numériseur has filed them, the demande holds exactly the cap.
        r = self.sne("sandbox", "advance", "--db", self.db, "--json")
        self.assertExit(r, 0)
        accepted = {body["transaction"] for status, body in answers if status == 201}
        self.assertTrue(accepted <= set(r.json()["transactions"]), r.out)
        self.assertEqual(self.counted(api, numero, piece_type), (CAP, 0))


class PieceAddRefused(CliTest):
    def test_piece_add_maps_the_409_of_a_category_filled_by_plis_in_processing_to_exit_6(self):
        db = os.path.join(self.home, "served.db")
        server = Server(self, db)
        ep = ["--endpoint", server.url]
        self.assertExit(self.sne(*ep, "auth", "login", "--email", AGENT, "--password-stdin",
                                 stdin=PASSWORD + "\n"), 0)
        numero = "0340523004101G3401"  # the seed's newest pli of G3401
        api = Api(server.url)
        status, session = api.call("POST", "/v1/auth/token",
                                   {"email": AGENT, "password": PASSWORD})
        api.token = session["token"]
        self.addCleanup(api.close)
        piece_type = empty_category(self, api, numero)
        files = []
        for i in range(3):
            files.append(os.path.join(self.home, f"piece{i}.pdf"))
            with open(files[-1], "wb") as f:
                f.write(sample_pdf(i + 1))
        first = self.sne(*ep, "piece", "add", numero, files[0], files[1], "--type", piece_type)
        self.assertExit(first, 0)
        # The demande holds none of them yet: only the service knows the category is full.
        r = self.sne(*ep, "piece", "add", numero, files[2], "--type", piece_type)
        self.assertExit(r, 6)
        self.assertOneLineError(r, f"category '{piece_type}' of demande {numero} is full (2 "
                                "pieces max.: 0 filed, 2 in plis still in processing, 1 in this one)")
        r = self.sne(*ep, "piece", "add", numero, files[2], "--type", piece_type, "--json")
        self.assertExit(r, 6)
        self.assertEqual(r.json()["error"]["code"], "conflict")
        self.assertEqual(r.json()["error"]["http_status"], 409)
        adv = subprocess.run([SNE, "sandbox", "advance", "--db", db, "--json"],
                             capture_output=True, text=True, env=self.env, timeout=60)
        self.assertEqual(json.loads(adv.stdout)["enregistrement_complet"], 1, adv.stdout)


if __name__ == "__main__":
    unittest.main()
