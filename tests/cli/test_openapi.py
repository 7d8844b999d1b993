"""The web-service contract, docs/openapi.yaml, against what the sandbox really serves.

Three checks: the document is well formed OpenAPI 3.0.3 whose paths are exactly the routes of
the C++ route tables (libsne/sandbox/routes_*.cpp); a running `sne sandbox serve` answers every
operation with a status the document lists for it and a body its schema accepts; and the
documented refusals (401, 403, 404, 400, 409, 405, 413) come out as documented.
"""

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import uuid

import jsonschema
import yaml

from sne_cli import SNE, SOURCE_DIR, sample_pdf

SPEC_PATH = os.path.join(SOURCE_DIR, "docs", "openapi.yaml")
OPENAPI_3_0_SCHEMA = "/usr/share/openapi-specification/schemas/v3.0/schema.json"
ROUTE_FILES = [os.path.join(SOURCE_DIR, "libsne", "sandbox", name)
               for name in ("routes_accounts.cpp", "routes_demandes.cpp")]
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")

AGENT = "agent@sandbox.sne.test"
REFERENT = "referent@sandbox.sne.test"
MULTI = "multi@sandbox.sne.test"
PASSWORD = "sandbox"
# The e-mails of the seeded account requests, whose ids are random.
PENDING_1 = "lucie.garcia@montpellier.sandbox.sne.test"
PENDING_2 = "antoine.faure@lmh.sandbox.sne.test"
REJECTED = "julien.blanc@example.test"


def load_spec():
    with open(SPEC_PATH, encoding="utf-8") as f:
        return yaml.safe_load(f)


def lookup(doc, ref):
    """The object a local $ref ("#/components/schemas/Pli") designates."""
    if not ref.startswith("#/"):
        raise ValueError(f"only local references are used: {ref}")
    node = doc
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def deref(doc, node):
    """`node`, or what it refers to when it is a {$ref} (responses, parameters, headers)."""
    while isinstance(node, dict) and "$ref" in node:
        node = lookup(doc, node["$ref"])
    return node


def json_schema(doc, schema, seen=()):
    """An OpenAPI 3.0 schema as a self-contained JSON Schema (draft 7): references inlined,
    `nullable: true` turned into a type union."""
    if isinstance(schema, list):
        return [json_schema(doc, s, seen) for s in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        ref = schema["$ref"]
        if ref in seen:
            raise ValueError(f"recursive schema {ref}")
        return json_schema(doc, lookup(doc, ref), seen + (ref,))
    out = {}
    for key, value in schema.items():
        if key in ("nullable", "example", "discriminator", "xml", "externalDocs",
                   "readOnly", "writeOnly", "deprecated"):
            continue
        if key == "properties":
            out[key] = {name: json_schema(doc, s, seen) for name, s in value.items()}
        elif key in ("items", "not", "additionalProperties") and isinstance(value, dict):
            out[key] = json_schema(doc, value, seen)
        elif key in ("allOf", "anyOf", "oneOf"):
            out[key] = [json_schema(doc, s, seen) for s in value]
        else:
            out[key] = value
    if schema.get("nullable") is True:
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = list(out["enum"]) + [None]
        if "type" not in out:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def operations(doc):
    """(METHOD, path template, operation) for every operation of the document."""
    for path, item in doc["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield method.upper(), path, item[method]


def route_table():
    """(METHOD, pattern, access) of every route of the C++ route tables."""
    line = re.compile(r'^\s*\{"([A-Z]+)",\s*"(/v1/[^"]*)",\s*Access::(\w+),\s*\w+\},?\s*$')
    routes = []
    for path in ROUTE_FILES:
        with open(path, encoding="utf-8") as f:
            for text in f:
                m = line.match(text)
                if m:
                    routes.append((m.group(1), m.group(2), m.group(3)))
    return routes


class Answer:
    def __init__(self, method, path, status, headers, body):
        self.method = method
        self.path = path
        self.status = status
        self.headers = headers
        self.raw = body
        self.json = None
        if body and (headers.get("Content-Type") or "").startswith("application/json"):
            self.json = json.loads(body.decode("utf-8"))

    def header(self, name):
        return self.headers.get(name)

    def __repr__(self):
        return (f"{self.method} {self.path} -> {self.status}\n"
                f"{dict(self.headers.items())}\n{self.raw[:2000]!r}")


# ---- the document alone ------------------------------------------------------------------------

class Document(unittest.TestCase):
    """The document is well formed, and its paths are the routes of the C++ tables."""

    @classmethod
    def setUpClass(cls):
        cls.doc = load_spec()

    def test_header(self):
        self.assertEqual(self.doc["openapi"], "3.0.3")
        self.assertEqual(self.doc["info"]["version"], "1")
        self.assertTrue(self.doc["info"]["title"])
        description = self.doc["info"]["description"]
        for topic in ("Authentication", "Isolation", "Idempotency", "Errors", "Retries",
                      "Retry-After", "Idempotency-Key", "expires_at", "8 hours", "404"):
            self.assertIn(topic, description)
        self.assertEqual(self.doc["servers"][0]["url"], "http://127.0.0.1:8470")
        self.assertIn("sandbox", self.doc["servers"][0]["description"])
        scheme = self.doc["components"]["securitySchemes"]["bearerAuth"]
        self.assertEqual((scheme["type"], scheme["scheme"]), ("http", "bearer"))

    def test_valid_openapi_3_0(self):
        # The OpenAPI Initiative's own JSON Schema of OpenAPI 3.0 documents, as Debian's
        # openapi-specification package ships it (scripts/setup installs it).
        with open(OPENAPI_3_0_SCHEMA, encoding="utf-8") as f:
            validator = jsonschema.Draft4Validator(json.load(f))
        errors = ["/".join(map(str, e.absolute_path)) + ": " + e.message
                  for e in validator.iter_errors(self.doc)]
        self.assertEqual(errors, [])
        # The same validator refuses a document that breaks the specification.
        broken = dict(self.doc, openapi="3.1.0")
        broken.pop("info")
        self.assertEqual(len(list(validator.iter_errors(broken))), 2)

    def test_paths_are_the_route_tables(self):
        routes = route_table()
        self.assertGreaterEqual(len(routes), 17, "the route-table regex found too few routes")
        served = {(m, p) for m, p, _ in routes}
        self.assertEqual(len(served), len(routes), "a route is listed twice")
        documented = {(m, p) for m, p, _ in operations(self.doc)}
        self.assertEqual(documented - served, set(), "documented but not served")
        self.assertEqual(served - documented, set(), "served but not documented")

    def test_security_follows_the_access_of_each_route(self):
        for method, path, access in route_table():
            op = self.doc["paths"][path][method.lower()]
            security = op.get("security", self.doc.get("security"))
            with self.subTest(route=f"{method} {path}"):
                responses = op["responses"]
                if access == "anonymous":
                    self.assertEqual(security, [])
                    self.assertNotIn("403", responses)
                else:
                    self.assertEqual(security, [{"bearerAuth": []}])
                    self.assertIn("401", responses)
                    self.assertEqual("403" in responses, access == "referent")

    def test_every_reference_resolves(self):
        refs = []

        def walk(node):
            if isinstance(node, dict):
                for key, value in node.items():
                    if key == "$ref":
                        refs.append(value)
                    else:
                        walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(self.doc)
        self.assertTrue(refs)
        for ref in refs:
            with self.subTest(ref=ref):
                lookup(self.doc, ref)

    def test_every_operation_is_complete(self):
        ids = set()
        for method, path, op in operations(self.doc):
            with self.subTest(op=f"{method} {path}"):
                self.assertRegex(op.get("operationId", ""), r"^[a-z][A-Za-z]+$")
                self.assertNotIn(op["operationId"], ids)
                ids.add(op["operationId"])
                self.assertTrue(op.get("summary"))
                self.assertTrue(op.get("tags"))
                params = [deref(self.doc, p) for p in op.get("parameters", [])]
                in_path = {p["name"] for p in params if p["in"] == "path"}
                self.assertEqual(in_path, set(re.findall(r"\{(\w+)\}", path)))
                for p in params:
                    self.assertIn("schema", p)
                    if p["in"] == "path":
                        self.assertTrue(p["required"])
                if method in ("POST", "PUT", "PATCH"):
                    self.assertIn("requestBody", op)
                if method == "POST" and path != "/v1/auth/token":
                    self.assertIn("Idempotency-Key", [p["name"] for p in params])
                    self.assertIn("409", op["responses"])
                success = [s for s in op["responses"] if s.startswith("2")]
                self.assertEqual(len(success), 1)
                for status in ("400", "500", "503"):
                    self.assertIn(status, op["responses"])
                for status, response in op["responses"].items():
                    response = deref(self.doc, response)
                    self.assertTrue(response.get("description"))
                    self.assertIn("X-Request-Id", response.get("headers", {}), status)
                    content = response.get("content")
                    if status == "204":
                        self.assertIsNone(content)
                        continue
                    self.assertEqual(list(content), ["application/json"], status)
                    schema = content["application/json"]["schema"]
                    if not status.startswith("2"):
                        self.assertEqual(schema, {"$ref": "#/components/schemas/Error"})
                    jsonschema.Draft7Validator.check_schema(json_schema(self.doc, schema))

    def test_records_are_closed(self):
        """Every object schema states additionalProperties: false and a required list."""
        def walk(name, schema):
            if "$ref" in schema:
                return
            if schema.get("type") == "object" and "properties" in schema:
                with self.subTest(schema=name):
                    self.assertIs(schema.get("additionalProperties"), False)
                    if name not in ("ProfileChange",):  # a patch: every member optional
                        self.assertTrue(schema.get("required"))
                        for r in schema.get("required", []):
                            self.assertIn(r, schema["properties"])
                for key, sub in schema["properties"].items():
                    walk(f"{name}.{key}", sub)
            if isinstance(schema.get("items"), dict):
                walk(f"{name}[]", schema["items"])

        for name, schema in self.doc["components"]["schemas"].items():
            walk(name, schema)


# ---- a running sandbox -------------------------------------------------------------------------

class Sandbox(unittest.TestCase):
    """Starts `sne sandbox serve` on a free port with a fresh database for each test."""

    doc = None

    @classmethod
    def setUpClass(cls):
        cls.doc = load_spec()

    def setUp(self):
        self.home = tempfile.mkdtemp(prefix="sne-openapi-test-")
        self.addCleanup(shutil.rmtree, self.home, True)
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("SNE_", "XDG_")) and k != "NO_COLOR"}
        self.env["HOME"] = self.home
        self.db = os.path.join(self.home, "s.db")
        self.server = subprocess.Popen(
            [SNE, "sandbox", "serve", "--listen", "127.0.0.1:0", "--db", self.db],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=self.env, text=True)
        first = self.server.stdout.readline()
        m = re.match(r"^Sandbox listening on (http://127\.0\.0\.1:\d+) \(database .*\); "
                     r"Ctrl-C stops it\.$", first.rstrip("\n"))
        if m is None:
            self.server.kill()
            _, err = self.server.communicate(timeout=10)
            self.fail(f"sandbox serve did not start: {first!r} {err!r}")
        self.url = m.group(1)
        self.covered = {}

    def at(self, seconds):
        """Stops the sandbox's clock at `seconds` since the epoch."""
        instant = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))
        r = subprocess.run([SNE, "sandbox", "clock", "set", instant, "--db", self.db],
                           env=self.env, capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)

    def tearDown(self):
        self.server.send_signal(signal.SIGTERM)
        try:
            code = self.server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()
            self.fail("sandbox serve did not stop within 10 s of SIGTERM")
        finally:
            self.server.stdout.close()
            self.server.stderr.close()
        self.assertEqual(code, 0)

    # ---- HTTP ----

    def call(self, method, path, body=None, token=None, raw=None, headers=None):
        """One exchange; `path` may hold a query string. POST, PUT and PATCH always carry a
        Content-Length (0 without a body), as clients do."""
        data = None
        all_headers = {"Accept": "application/json"}
        if raw is not None:
            data = raw
            all_headers["Content-Type"] = "application/octet-stream"
        elif body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
            all_headers["Content-Type"] = "application/json"
        elif method in ("POST", "PUT", "PATCH"):
            data = b""
            all_headers["Content-Type"] = "application/json"
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        all_headers.update(headers or {})
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers=all_headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as r:
                return Answer(method, path, r.status, r.headers, r.read())
        except urllib.error.HTTPError as e:
            with e:
                return Answer(method, path, e.code, e.headers, e.read())

    def check(self, answer, template, *expected):
        """`answer` is documented for the operation (method of the answer, path template): a
        status it lists (one of `expected` when given) and a body its schema accepts."""
        op = self.doc["paths"][template][answer.method.lower()]
        if answer.json and "error" in answer.json:
            self.assertFalse(str(answer.json["error"].get("message", "")).startswith("no route"),
                             f"{template} is not served: {answer!r}")
        if expected:
            self.assertIn(answer.status, expected, repr(answer))
        self.assertIn(str(answer.status), op["responses"],
                      f"status not documented for {answer.method} {template}: {answer!r}")
        response = deref(self.doc, op["responses"][str(answer.status)])
        request_id = answer.header("X-Request-Id")
        self.assertRegex(request_id or "", r"^[a-z0-9]{16}$", repr(answer))
        content = response.get("content")
        if content is None:
            self.assertEqual(answer.raw, b"", repr(answer))
        else:
            self.assertIsNotNone(answer.json, f"expected a JSON body: {answer!r}")
            schema = json_schema(self.doc, content["application/json"]["schema"])
            errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(answer.json),
                            key=lambda e: list(e.absolute_path))
            self.assertEqual([], [f"{list(e.absolute_path)}: {e.message}" for e in errors],
                             f"{answer.method} {template} {answer.status}: {answer!r}")
            if answer.status >= 400:
                self.assertEqual(answer.json["error"]["request_id"], request_id)
        if answer.status == 401:
            self.assertEqual(answer.header("WWW-Authenticate"), 'Bearer realm="sne"')
        self.covered.setdefault((answer.method, template), set()).add(answer.status)
        return answer.json

    def check_error(self, answer, template, status, code, field=None):
        self.check(answer, template, status)
        self.assertEqual(answer.json["error"]["code"], code, repr(answer))
        if field is not None:
            self.assertEqual(answer.json["error"].get("field"), field, repr(answer))
        return answer.json["error"]

    def demo_request(self, email):
        """The id of the seeded account request of `email`: random, as real ones are."""
        with sqlite3.connect(self.db) as db:
            row = db.execute("SELECT id FROM account_requests WHERE email = ?", (email,)).fetchone()
        self.assertIsNotNone(row, email)
        return row[0]

    def sign_in(self, email):
        a = self.call("POST", "/v1/auth/token", {"email": email, "password": PASSWORD})
        session = self.check(a, "/v1/auth/token", 201)
        self.assertEqual(a.header("Cache-Control"), "no-store")
        self.assertEqual(session["email"], email)
        return session["token"]

    def outbox(self):
        proc = subprocess.run([SNE, "sandbox", "outbox", "--db", self.db, "--json"],
                              capture_output=True, text=True, env=self.env, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return json.loads(proc.stdout)

    def piece_types(self):
        proc = subprocess.run([SNE, "piece", "types", "--json"], capture_output=True, text=True,
                              env=self.env, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        catalog = json.loads(proc.stdout)
        return [t["code"] for r in catalog["rubriques"] for t in r["types"]]

    @staticmethod
    def q(value):
        return urllib.parse.quote(value, safe="")

    def request_input(self, email, guichets=("G3401",)):
        return {"nom": "Garnier", "prenom": "Élodie", "email": email,
                "telephone": "04 67 00 00 42", "type_organisme": "commune",
                "organisme": "Mairie de Montpellier", "guichets": list(guichets)}

    def send_pli(self, token, numero, piece_type, content=b"%PDF-1.4\n% test piece\n"):
        up = self.check(self.call("POST", "/v1/uploads", raw=content, token=token),
                        "/v1/uploads", 201)
        pli_input = {"contexte": "AJO", "pieces": [
            {"type": piece_type, "nom_fichier": "piece.pdf", "upload_id": up["upload_id"]}]}
        a = self.call("POST", f"/v1/demandes/{self.q(numero)}/plis", pli_input, token=token)
        return up, pli_input, a


class EveryOperation(Sandbox):
    def test_every_operation_answers_as_documented(self):
        agent = self.sign_in(AGENT)
        referent = self.sign_in(REFERENT)
        multi = self.sign_in(MULTI)

        # ---- the signed-in agent ----
        me = self.check(self.call("GET", "/v1/me", token=agent), "/v1/me", 200)
        self.assertEqual((me["email"], me["role"], me["guichet"]), (AGENT, "agent", "G3401"))
        me = self.check(self.call("PATCH", "/v1/me", {"telephone": "04 67 00 00 09",
                                                      "daily_mail": False}, token=agent),
                        "/v1/me", 200)
        self.assertEqual((me["telephone"], me["daily_mail"]), ("04 67 00 00 09", False))
        me = self.check(self.call("PATCH", "/v1/me", {}, token=agent), "/v1/me", 200)
        self.assertEqual(me["telephone"], "04 67 00 00 09")
        me = self.check(self.call("PUT", "/v1/me/guichet", {"code": "G1101"}, token=multi),
                        "/v1/me/guichet", 200)
        self.assertEqual(me["guichet"], "G1101")
        self.assertEqual([g["code"] for g in me["guichets"]], ["G6901", "G1101", "G9741"])
        me = self.check(self.call("GET", "/v1/me", token=referent), "/v1/me", 200)
        self.assertEqual(me["role"], "referent")

        # ---- plis, a page at a time, and their filters ----
        page = self.check(self.call("GET", "/v1/plis?limit=4", token=agent), "/v1/plis", 200)
        self.assertEqual(len(page["items"]), 4)
        self.assertIsInstance(page["next_cursor"], str)
        seen = [p["transaction"] for p in page["items"]]
        while page["next_cursor"] is not None:
            page = self.check(
                self.call("GET", f"/v1/plis?limit=4&cursor={self.q(page['next_cursor'])}",
                          token=agent), "/v1/plis", 200)
            seen += [p["transaction"] for p in page["items"]]
        self.assertIsNone(page["next_cursor"])
        self.assertEqual(len(seen), len(set(seen)))
        everything = self.check(self.call("GET", "/v1/plis?limit=500", token=agent),
                                "/v1/plis", 200)
        self.assertIsNone(everything["next_cursor"])
        self.assertEqual([p["transaction"] for p in everything["items"]], seen)
        self.assertTrue(all(p["guichet"] == "G3401" for p in everything["items"]))
        first = everything["items"][0]
        oldest = everything["items"][-1]
        filtered = self.check(self.call(
            "GET", f"/v1/plis?statut=rejet_pieces&numero_unique={self.q(first['numero_unique'])}"
            f"&depuis={self.q(oldest['date_transmission'])}"
            f"&jusqua={self.q('2199-01-01T00:00:00Z')}", token=agent), "/v1/plis", 200)
        for p in filtered["items"]:
            self.assertEqual((p["statut"], p["numero_unique"]),
                             ("rejet_pieces", first["numero_unique"]))
        rejected = self.check(self.call("GET", "/v1/plis?statut=Rejet-Pieces", token=agent),
                              "/v1/plis", 200)
        self.assertTrue(rejected["items"])
        self.assertTrue(all(p["statut"] == "rejet_pieces" for p in rejected["items"]))

        # The motifs of the rejected plis, counted by the service, are those of their details.
        counted = self.check(self.call("GET", "/v1/plis/motifs", token=agent),
                             "/v1/plis/motifs", 200)
        expected, rejected_plis = {}, 0
        for summary in everything["items"]:
            if summary["statut"] not in ("rejet_pieces", "rejet_dossier"):
                continue
            rejected_plis += 1
            pli = self.check(self.call("GET", f"/v1/plis/{self.q(summary['transaction'])}",
                                       token=agent), "/v1/plis/{transaction}", 200)
            motifs = [p["motif"] for p in pli["pieces"] if p["resultat"] == "rejetee"]
            for motif in motifs:
                expected.setdefault(motif, [0, 0])[1] += 1
            for motif in set(motifs):
                expected[motif][0] += 1
        self.assertGreater(rejected_plis, 0)
        self.assertEqual(counted["plis"], rejected_plis)
        self.assertEqual({m["motif"]: [m["plis"], m["pieces"]] for m in counted["motifs"]},
                         expected)
        self.assertEqual(counted["motifs"], sorted(counted["motifs"],
                                                   key=lambda m: (-m["plis"], m["motif"])))
        none = self.check(self.call("GET", "/v1/plis/motifs?statut=enregistrement_complet",
                                    token=agent), "/v1/plis/motifs", 200)
        self.assertEqual(none, {"plis": 0, "motifs": []})
        self.check_error(self.call("GET", "/v1/plis/motifs?limit=4", token=agent),
                         "/v1/plis/motifs", 400, "invalid_input")

        for summary in everything["items"][:6]:
            pli = self.check(self.call("GET", f"/v1/plis/{self.q(summary['transaction'])}",
                                       token=agent), "/v1/plis/{transaction}", 200)
            self.assertEqual({k: pli[k] for k in summary}, summary)
            self.assertEqual(len(pli["pieces"]), pli["nb_pieces"])
            self.assertEqual(pli["historique"][-1]["statut"], pli["statut"])

        # ---- a demande, an upload, a pli, a piece deleted ----
        numero = first["numero_unique"]
        demande = self.check(self.call("GET", f"/v1/demandes/{self.q(numero)}", token=agent),
                             "/v1/demandes/{numero_unique}", 200)
        self.assertEqual(demande["numero_unique"], numero)
        self.assertEqual(demande["territoire"], "034")
        lower = self.check(self.call("GET", f"/v1/demandes/{self.q(numero.lower())}",
                                     token=agent), "/v1/demandes/{numero_unique}", 200)
        self.assertEqual(lower, demande)

        counts = {}
        for p in demande["pieces"]:
            counts[p["type"]] = counts.get(p["type"], 0) + 1
        piece_type = next(t for t in self.piece_types() if counts.get(t, 0) == 0)
        key = str(uuid.uuid4())
        content = sample_pdf()
        up = self.call("POST", "/v1/uploads", raw=content, token=agent,
                       headers={"Idempotency-Key": key})
        upload = self.check(up, "/v1/uploads", 201)
        self.assertEqual(upload["taille"], len(content))
        self.assertIsNone(up.header("Idempotent-Replayed"))
        again = self.call("POST", "/v1/uploads", raw=content, token=agent,
                          headers={"Idempotency-Key": key})
        self.assertEqual(self.check(again, "/v1/uploads", 201), upload)
        self.assertEqual(again.header("Idempotent-Replayed"), "true")

        pli_input = {"contexte": "aJo", "pieces": [
            {"type": piece_type, "nom_fichier": "avis 2024.pdf", "upload_id": upload["upload_id"]}]}
        key = str(uuid.uuid4())
        created = self.call("POST", f"/v1/demandes/{self.q(numero)}/plis", pli_input,
                            token=agent, headers={"Idempotency-Key": key})
        pli = self.check(created, "/v1/demandes/{numero_unique}/plis", 201)
        self.assertEqual((pli["contexte"], pli["statut"], pli["guichet"], pli["nb_pieces"]),
                         ("AJO", "numerisation_en_cours", "G3401", 1))
        self.assertEqual(pli["pieces"][0]["resultat"], "en_attente")
        replayed = self.call("POST", f"/v1/demandes/{self.q(numero)}/plis", pli_input,
                             token=agent, headers={"Idempotency-Key": key})
        self.assertEqual(self.check(replayed, "/v1/demandes/{numero_unique}/plis", 201), pli)
        self.assertEqual(replayed.header("Idempotent-Replayed"), "true")
        self.assertEqual(self.check(self.call("GET", f"/v1/plis/{pli['transaction']}",
                                              token=agent), "/v1/plis/{transaction}", 200), pli)

        # The numériseur files the piece (sne sandbox advance: at once), then the pli tells.
        proc = subprocess.run([SNE, "sandbox", "advance", "--db", self.db, "--json"],
                              capture_output=True, text=True, env=self.env)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(json.loads(proc.stdout)["transactions"], [pli["transaction"]])
        done = self.check(self.call("GET", f"/v1/plis/{pli['transaction']}", token=agent),
                          "/v1/plis/{transaction}", 200)
        self.assertEqual(done["statut"], "enregistrement_complet")
        self.assertEqual(done["pieces"][0]["resultat"], "acceptee")
        demande = self.check(self.call("GET", f"/v1/demandes/{self.q(numero)}", token=agent),
                             "/v1/demandes/{numero_unique}", 200)
        added = [p for p in demande["pieces"] if p["transaction"] == pli["transaction"]]
        self.assertEqual(len(added), 1)
        path = f"/v1/demandes/{self.q(numero)}/pieces/{self.q(added[0]['id'])}"
        template = "/v1/demandes/{numero_unique}/pieces/{piece_id}"
        self.check(self.call("DELETE", path, token=agent), template, 204)
        self.check_error(self.call("DELETE", path, token=agent), template, 404, "not_found")
        seeded = demande["pieces"][0]["id"]
        self.check(self.call("DELETE", f"/v1/demandes/{self.q(numero)}/pieces/{self.q(seeded)}",
                             token=agent), template, 204)
        # A contexte is read in any of its spellings (code, name, slug) and answered as its code.
        for spelling, code in (("mise-a-jour", "MAJ"), ("renouvellement", "REN")):
            with self.subTest(contexte=spelling):
                up = self.check(self.call("POST", "/v1/uploads", raw=sample_pdf(), token=agent),
                                "/v1/uploads", 201)
                made = self.check(self.call(
                    "POST", f"/v1/demandes/{self.q(numero)}/plis",
                    {"contexte": spelling, "pieces": [{"type": piece_type, "nom_fichier": "b.pdf",
                                                       "upload_id": up["upload_id"]}]},
                    token=agent), "/v1/demandes/{numero_unique}/plis", 201)
                self.assertEqual(made["contexte"], code)

        # ---- the account life cycle ----
        new_email = "elodie.garnier@montpellier.sandbox.sne.test"
        key = str(uuid.uuid4())
        a = self.call("POST", "/v1/account-requests", self.request_input(new_email),
                      headers={"Idempotency-Key": key})
        request = self.check(a, "/v1/account-requests", 201)
        self.assertEqual((request["statut"], request["decided_at"], request["motif"]),
                         ("en_attente", None, ""))
        replay = self.call("POST", "/v1/account-requests", self.request_input(new_email),
                           headers={"Idempotency-Key": key})
        self.assertEqual(self.check(replay, "/v1/account-requests", 201), request)
        self.assertEqual(replay.header("Idempotent-Replayed"), "true")
        rid = request["id"]
        self.assertEqual(self.check(self.call("GET", f"/v1/account-requests/{self.q(rid)}"),
                                    "/v1/account-requests/{id}", 200), request)
        pending = self.check(self.call("GET", "/v1/account-requests", token=referent),
                             "/v1/account-requests", 200)
        self.assertIn(rid, [r["id"] for r in pending["items"]])
        self.assertTrue(all(r["statut"] == "en_attente" for r in pending["items"]))
        done = self.check(self.call("GET", "/v1/account-requests?statut=rejetee", token=referent),
                          "/v1/account-requests", 200)
        self.assertIn(self.demo_request(REJECTED), [r["id"] for r in done["items"]])
        self.assertTrue(all(isinstance(r["decided_at"], str) for r in done["items"]))

        template = "/v1/account-requests/{id}/validation"
        validated = self.check(self.call("POST", f"/v1/account-requests/{self.q(rid)}/validation",
                                         {}, token=referent,
                                         headers={"Idempotency-Key": str(uuid.uuid4())}),
                               template, 200)
        self.assertEqual(validated["statut"], "validee")
        self.assertIsInstance(validated["decided_at"], str)
        self.check_error(self.call("POST", f"/v1/account-requests/{self.q(rid)}/validation",
                                   token=referent), template, 409, "conflict")

        mails = [m for m in self.outbox() if m["to"] == new_email]
        tokens = re.findall(r"--token ([a-z0-9]+)", mails[-1]["body"])
        self.assertEqual(len(tokens), 1, mails)
        activation = {"token": tokens[0], "password": "correct horse battery staple"}
        done = self.check(self.call("POST", "/v1/activations", activation),
                          "/v1/activations", 200)
        self.assertEqual(done, {"email": new_email})
        self.check_error(self.call("POST", "/v1/activations", activation),
                         "/v1/activations", 409, "conflict", "token")
        self.check_error(self.call("POST", "/v1/activations",
                                   {"token": "0" * 40, "password": "correct horse battery"}),
                         "/v1/activations", 401, "unauthenticated", "token")
        a = self.call("POST", "/v1/auth/token",
                      {"email": new_email.upper(), "password": activation["password"]})
        self.assertEqual(self.check(a, "/v1/auth/token", 201)["email"], new_email)
        self.assertEqual(self.check(self.call("GET", f"/v1/account-requests/{self.q(rid)}"),
                                    "/v1/account-requests/{id}", 200)["statut"], "activee")

        template = "/v1/account-requests/{id}/rejection"
        pending_2 = self.demo_request(PENDING_2)
        rejected = self.check(self.call("POST", f"/v1/account-requests/{pending_2}/rejection",
                                        {"motif": "Adresse e-mail non nominative"},
                                        token=referent), template, 200)
        self.assertEqual((rejected["statut"], rejected["motif"]),
                         ("rejetee", "Adresse e-mail non nominative"))
        self.check_error(self.call("POST", f"/v1/account-requests/{pending_2}/rejection",
                                   {"motif": "encore"}, token=referent), template, 409, "conflict")

        # ---- signing out ----
        self.check(self.call("DELETE", "/v1/auth/token", token=agent), "/v1/auth/token", 204)
        self.check_error(self.call("GET", "/v1/me", token=agent), "/v1/me", 401,
                         "unauthenticated", "Authorization")

        documented = {(m, p) for m, p, _ in operations(self.doc)}
        self.assertEqual(documented - set(self.covered), set(), "operations not exercised")
        successes = {op for op, statuses in self.covered.items()
                     if any(200 <= s < 300 for s in statuses)}
        self.assertEqual(documented - successes, set(), "operations never successful")


class DocumentedErrors(Sandbox):
    def fill(self, path):
        return re.sub(r"\{(\w+)\}", lambda m: {"numero_unique": "0340523004101G3401"}.get(
            m.group(1), "x"), path)

    def test_401_without_or_with_a_bad_token(self):
        for method, path, op in operations(self.doc):
            if op.get("security", self.doc["security"]) == []:
                continue
            for token in (None, "not-a-token"):
                with self.subTest(op=f"{method} {path}", token=token):
                    body = {} if method in ("POST", "PUT", "PATCH") else None
                    a = self.call(method, self.fill(path), body, token=token)
                    self.check_error(a, path, 401, "unauthenticated", "Authorization")
        self.check_error(self.call("POST", "/v1/auth/token",
                                   {"email": AGENT, "password": "wrong"}),
                         "/v1/auth/token", 401, "unauthenticated")
        self.check_error(self.call("POST", "/v1/auth/token",
                                   {"email": "nobody@example.org", "password": PASSWORD}),
                         "/v1/auth/token", 401, "unauthenticated")

    def test_429_after_repeated_failed_sign_ins(self):
        t = 1748858400  # 2025-06-02T10:00:00Z
        self.at(t)
        for _ in range(5):
            self.check_error(self.call("POST", "/v1/auth/token",
                                       {"email": AGENT, "password": "wrong"}),
                             "/v1/auth/token", 401, "unauthenticated")
        # The door is now shut for 1 s. So that the last request is sure to find it shut on a
        # loaded machine, each wait is passed over at once on the stopped clock and the failure
        # after it doubles the next, until the wait is 8 s.
        waits = []
        while not waits or waits[-1] < 8:
            a = self.call("POST", "/v1/auth/token", {"email": AGENT, "password": "wrong"})
            if a.status == 429:
                waits.append(int(a.header("Retry-After")))
                if waits[-1] < 8:
                    t += waits[-1]
                    self.at(t)
            else:
                self.check_error(a, "/v1/auth/token", 401, "unauthenticated")
        self.assertEqual(waits, [1, 2, 4, 8])
        a = self.call("POST", "/v1/auth/token", {"email": AGENT, "password": PASSWORD})
        error = self.check_error(a, "/v1/auth/token", 429, "rate_limited")
        self.assertRegex(a.header("Retry-After") or "", r"^[0-9]+$", repr(a))
        self.assertIn(AGENT, error["message"])

    def test_403_for_an_agent_on_the_routes_of_referents(self):
        agent = self.sign_in(AGENT)
        for method, path, op in operations(self.doc):
            if "403" not in op["responses"]:
                continue
            with self.subTest(op=f"{method} {path}"):
                body = {"motif": "non"} if path.endswith("rejection") else None
                a = self.call(method, path.replace("{id}", self.demo_request(PENDING_1)), body,
                              token=agent)
                self.check_error(a, path, 403, "forbidden")

    def test_404_for_what_is_unknown_or_not_yours(self):
        agent = self.sign_in(AGENT)
        referent = self.sign_in(REFERENT)
        multi = self.sign_in(MULTI)  # current guichet G6901, territory 069
        theirs = self.check(self.call("GET", "/v1/plis?limit=1", token=multi), "/v1/plis",
                            200)["items"][0]
        self.assertEqual(theirs["guichet"], "G6901")
        cases = [
            ("GET", f"/v1/plis/{theirs['transaction']}", "/v1/plis/{transaction}", agent, None),
            ("GET", "/v1/plis/zzzzzzzzzzzz", "/v1/plis/{transaction}", agent, None),
            ("GET", f"/v1/demandes/{theirs['numero_unique']}", "/v1/demandes/{numero_unique}",
             agent, None),
            ("GET", "/v1/demandes/0340125999999G3401", "/v1/demandes/{numero_unique}", agent,
             None),
            ("POST", f"/v1/demandes/{theirs['numero_unique']}/plis",
             "/v1/demandes/{numero_unique}/plis", agent,
             {"contexte": "CRE", "pieces": [{"type": "avis_imposition", "nom_fichier": "a.pdf",
                                             "upload_id": "up-x"}]}),
            ("DELETE", f"/v1/demandes/{theirs['numero_unique']}/pieces/pc000001",
             "/v1/demandes/{numero_unique}/pieces/{piece_id}", agent, None),
            ("DELETE", "/v1/demandes/0340523004101G3401/pieces/nope",
             "/v1/demandes/{numero_unique}/pieces/{piece_id}", agent, None),
            ("PUT", "/v1/me/guichet", "/v1/me/guichet", agent, {"code": "G6901"}),
            ("PUT", "/v1/me/guichet", "/v1/me/guichet", agent, {"code": "G0000"}),
            ("GET", "/v1/account-requests/req-unknown", "/v1/account-requests/{id}", None, None),
            ("POST", "/v1/account-requests/req-unknown/validation",
             "/v1/account-requests/{id}/validation", referent, None),
            ("POST", "/v1/account-requests/req-unknown/rejection",
             "/v1/account-requests/{id}/rejection", referent, {"motif": "non"}),
        ]
        for method, path, template, token, body in cases:
            with self.subTest(request=f"{method} {path}"):
                self.check_error(self.call(method, path, body, token=token), template, 404,
                                 "not_found")
        # A référent of G3401 and G6901 does not see requests for other guichets.
        request = self.check(self.call("POST", "/v1/account-requests", self.request_input(
            "paul.martin@metz.sandbox.sne.test", ["G5701"])), "/v1/account-requests", 201)
        self.check_error(self.call("POST", f"/v1/account-requests/{request['id']}/validation",
                                   token=referent), "/v1/account-requests/{id}/validation", 404,
                         "not_found")
        pending = self.check(self.call("GET", "/v1/account-requests", token=referent),
                             "/v1/account-requests", 200)
        self.assertNotIn(request["id"], [r["id"] for r in pending["items"]])

    def test_400_for_bad_input(self):
        agent = self.sign_in(AGENT)
        referent = self.sign_in(REFERENT)
        numero = "0340523004101G3401"
        plis = f"/v1/demandes/{numero}/plis"
        upload = self.check(self.call("POST", "/v1/uploads", raw=b"%PDF", token=agent),
                            "/v1/uploads", 201)

        def pli(contexte="CRE", type_="avis_imposition", upload_id=upload["upload_id"]):
            return {"contexte": contexte,
                    "pieces": [{"type": type_, "nom_fichier": "a.pdf", "upload_id": upload_id}]}

        cases = [
            # (method, path, template, token, body, field)
            ("POST", "/v1/auth/token", "/v1/auth/token", None, b"{not json", None),
            ("POST", "/v1/auth/token", "/v1/auth/token", None, [], None),
            ("POST", "/v1/auth/token", "/v1/auth/token", None,
             {"email": AGENT, "password": PASSWORD, "otp": "1"}, "otp"),
            ("POST", "/v1/auth/token", "/v1/auth/token", None, None, None),
            ("PATCH", "/v1/me", "/v1/me", agent, {"telephone": "12"}, "telephone"),
            ("PATCH", "/v1/me", "/v1/me", agent, {"nom": "   "}, "nom"),
            ("PATCH", "/v1/me", "/v1/me", agent, {"daily_mail": "yes"}, "daily_mail"),
            ("PATCH", "/v1/me", "/v1/me", agent, b'{"nom": "A", "nom": "B"}', None),
            ("PUT", "/v1/me/guichet", "/v1/me/guichet", agent, {"guichet": "G3401"}, "guichet"),
            ("GET", "/v1/me?a=1&a=2", "/v1/me", agent, None, "a"),
            ("POST", "/v1/account-requests", "/v1/account-requests", None,
             dict(self.request_input("x@example.org"), email="not an address"), "email"),
            ("POST", "/v1/account-requests", "/v1/account-requests", None,
             dict(self.request_input("x@example.org"), guichets=["G0000"]), "guichets[0]"),
            ("POST", "/v1/account-requests", "/v1/account-requests", None,
             dict(self.request_input("x@example.org"), guichets=[]), "guichets"),
            ("GET", "/v1/account-requests?statut=nope", "/v1/account-requests", referent, None,
             "statut"),
            ("GET", "/v1/account-requests?limit=3", "/v1/account-requests", referent, None,
             "limit"),
            ("POST", f"/v1/account-requests/{self.demo_request(PENDING_1)}/rejection",
             "/v1/account-requests/{id}/rejection", referent, {"motif": "  "}, "motif"),
            ("POST", f"/v1/account-requests/{self.demo_request(PENDING_1)}/rejection",
             "/v1/account-requests/{id}/rejection", referent, {"motif": "x" * 1001}, "motif"),
            ("POST", "/v1/activations", "/v1/activations", None, {"token": "t"}, None),
            ("GET", "/v1/demandes/0340523004101G34", "/v1/demandes/{numero_unique}", agent, None,
             "numero_unique"),
            ("DELETE", "/v1/demandes/NOPE/pieces/pc000001",
             "/v1/demandes/{numero_unique}/pieces/{piece_id}", agent, None, "numero_unique"),
            ("POST", plis, "/v1/demandes/{numero_unique}/plis", agent, pli(contexte="XYZ"),
             "contexte"),
            ("POST", plis, "/v1/demandes/{numero_unique}/plis", agent,
             pli(contexte="a" * 33), "contexte"),
            ("POST", plis, "/v1/demandes/{numero_unique}/plis", agent, pli(type_="selfie"),
             "pieces[0].type"),
            ("POST", plis, "/v1/demandes/{numero_unique}/plis", agent,
             pli(upload_id="up-unknown"), "pieces[0].upload_id"),
            ("POST", plis, "/v1/demandes/{numero_unique}/plis", agent,
             {"contexte": "CRE", "pieces": []}, "pieces"),
            ("POST", "/v1/uploads", "/v1/uploads", agent, None, None),
            ("GET", "/v1/plis?limit=0", "/v1/plis", agent, None, "limit"),
            ("GET", "/v1/plis?limit=501", "/v1/plis", agent, None, "limit"),
            ("GET", "/v1/plis?cursor=nodot", "/v1/plis", agent, None, "cursor"),
            ("GET", "/v1/plis?statut=perdu", "/v1/plis", agent, None, "statut"),
            ("GET", "/v1/plis?depuis=2025-01-01", "/v1/plis", agent, None, "depuis"),
            ("GET", "/v1/plis?bogus=1", "/v1/plis", agent, None, "bogus"),
            ("GET", "/v1/plis/x?y=%zz", "/v1/plis/{transaction}", agent, None, None),
            ("DELETE", "/v1/auth/token?a=1&a=1", "/v1/auth/token", agent, None, "a"),
        ]
        for method, path, template, token, body, field in cases:
            with self.subTest(request=f"{method} {path} {body!r:.60}"):
                self.check_error(self.call(method, path, body, token=token), template, 400,
                                 "invalid_input", field)
        for key in ("has space", "x" * 256, "é"):
            with self.subTest(key=key):
                a = self.call("POST", "/v1/uploads", raw=b"%PDF", token=agent,
                              headers={"Idempotency-Key": key.encode("utf-8").decode("latin-1")})
                self.check_error(a, "/v1/uploads", 400, "invalid_input", "Idempotency-Key")

    def test_409_conflicts(self):
        agent = self.sign_in(AGENT)
        referent = self.sign_in(REFERENT)
        # An e-mail already taken by an account, then by a pending request.
        self.check_error(self.call("POST", "/v1/account-requests", self.request_input(AGENT)),
                         "/v1/account-requests", 409, "conflict", "email")
        self.check_error(self.call("POST", "/v1/account-requests", self.request_input(
            "LUCIE.GARCIA@montpellier.sandbox.sne.test")), "/v1/account-requests", 409,
            "conflict", "email")
        # A request already decided.
        rejected = self.demo_request(REJECTED)
        self.check_error(self.call("POST", f"/v1/account-requests/{rejected}/validation",
                                   token=referent), "/v1/account-requests/{id}/validation", 409,
                         "conflict")
        # An Idempotency-Key reused for another request.
        key = str(uuid.uuid4())
        self.check(self.call("POST", "/v1/uploads", raw=b"one", token=agent,
                             headers={"Idempotency-Key": key}), "/v1/uploads", 201)
        self.check_error(self.call("POST", "/v1/uploads", raw=b"two", token=agent,
                                   headers={"Idempotency-Key": key}),
                         "/v1/uploads", 409, "conflict", "Idempotency-Key")
        # A full category: the first demande of each guichet holds two payslips.
        demande = self.check(self.call("GET", "/v1/demandes/0340523004101G3401", token=agent),
                             "/v1/demandes/{numero_unique}", 200)
        full = [p["type"] for p in demande["pieces"]].count("bulletins_salaire")
        self.assertEqual(full, 2)
        _, _, a = self.send_pli(agent, "0340523004101G3401", "bulletins_salaire")
        self.check_error(a, "/v1/demandes/{numero_unique}/plis", 409, "conflict", "pieces")
        # An upload sent twice.
        up, pli_input, a = self.send_pli(agent, "0340523004101G3401", "attestation_caf")
        self.check(a, "/v1/demandes/{numero_unique}/plis", 201)
        a = self.call("POST", "/v1/demandes/0340523004101G3401/plis", pli_input, token=agent)
        self.check_error(a, "/v1/demandes/{numero_unique}/plis", 409, "conflict",
                         "pieces[0].upload_id")

    def test_405_and_unknown_paths(self):
        agent = self.sign_in(AGENT)
        for method, path, allow in (("PUT", "/v1/me", "GET, PATCH"),
                                    ("GET", "/v1/uploads", "POST"),
                                    ("DELETE", "/v1/plis", "GET"),
                                    ("GET", "/v1/auth/token", "POST, DELETE")):
            with self.subTest(request=f"{method} {path}"):
                a = self.call(method, path, token=agent)
                self.assertEqual(a.status, 405, repr(a))
                self.assertEqual(a.header("Allow"), allow)
                self.assertEqual(a.json["error"]["code"], "invalid_input")
                self.validate_error(a)
        for path in ("/v1/nope", "/v1/plis/a/b", "/", "/v1/plis/%zz"):
            with self.subTest(path=path):
                a = self.call("GET", path, token=agent)
                self.assertEqual(a.status, 404, repr(a))
                self.assertTrue(a.json["error"]["message"].startswith("no route"))
                self.validate_error(a)

    def validate_error(self, answer):
        schema = json_schema(self.doc, {"$ref": "#/components/schemas/Error"})
        jsonschema.Draft7Validator(schema).validate(answer.json)
        self.assertEqual(answer.json["error"]["request_id"], answer.header("X-Request-Id"))

    def test_413_for_a_piece_over_10_mb(self):
        agent = self.sign_in(AGENT)
        a = self.call("POST", "/v1/uploads", raw=b"%" * 10_485_760, token=agent)
        self.assertEqual(self.check(a, "/v1/uploads", 201)["taille"], 10_485_760)
        a = self.call("POST", "/v1/uploads", raw=b"%" * 10_485_761, token=agent)
        self.assertEqual(a.status, 413, repr(a))
        self.assertIn("413", self.doc["paths"]["/v1/uploads"]["post"]["responses"])
        self.assertEqual(a.json["error"]["code"], "invalid_input")
        self.assertIsNotNone(a.header("X-Request-Id"))

    def test_413_body_is_the_documented_error(self):
        """The handler's own 413 keeps its message; the HTTP server's (over 16 MiB) gets the
        error object with a request id too."""
        agent = self.sign_in(AGENT)
        a = self.call("POST", "/v1/uploads", raw=b"%" * 10_485_761, token=agent)
        self.check_error(a, "/v1/uploads", 413, "invalid_input")
        self.assertIn("10485760", a.json["error"]["message"])
        a = self.call("POST", "/v1/account-requests", raw=b" " * (17 << 20))
        self.check_error(a, "/v1/account-requests", 413, "invalid_input")


if __name__ == "__main__":
    unittest.main()
