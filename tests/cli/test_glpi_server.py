"""The sandbox's GLPI over real sockets: `sne sandbox serve` on a free loopback port, spoken to
with urllib as any GLPI client would, multipart uploads built by hand; and `sne sandbox glpi`,
whose knobs the running server applies at its next request."""
import base64
import http.client
import json
import os
import unittest
import urllib.error
import urllib.request
import uuid

from sne_cli import Answer, CliTest
from test_account import Server

APP = "sandbox-glpi-app-token"


def multipart(parts):
    """A multipart/form-data body of (name, filename or None, content type or None, bytes)."""
    boundary = "sne-test-" + uuid.uuid4().hex
    out = b""
    for name, filename, ctype, data in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        out += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n".encode()
        if ctype:
            out += f"Content-Type: {ctype}\r\n".encode()
        out += b"\r\n" + data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return out, "multipart/form-data; boundary=" + boundary


class GlpiServerTest(CliTest):
    def setUp(self):
        super().setUp()
        self.db = os.path.join(self.home, "glpi.db")
        self.server = Server(self, self.db)
        self.api = self.server.url + "/apirest.php"

    def call(self, method, path, headers=None, body=None):
        req = urllib.request.Request(self.api + path, data=body, method=method,
                                     headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=20) as r:
                return Answer(r.status, r.headers, r.read())
        except urllib.error.HTTPError as e:
            return Answer(e.code, e.headers, e.read())

    def login(self, token="sandbox-glpi-agent"):
        r = self.call("GET", "/initSession",
                      {"App-Token": APP, "Authorization": "user_token " + token})
        self.assertEqual(r.status, 200, r)
        return r.json()["session_token"]

    def auth(self, session):
        return {"App-Token": APP, "Session-Token": session}

    def post_json(self, path, session, doc, extra=None):
        headers = dict(self.auth(session), **{"Content-Type": "application/json"})
        headers.update(extra or {})
        return self.call("POST", path, headers, json.dumps(doc).encode())

    def glpi(self, *args):
        return self.sne("sandbox", "glpi", "--db", self.db, *args)

    def glpi_json(self, *args):
        r = self.glpi("--json", *args)
        self.assertExit(r, 0)
        return r.json()

    # ---- sessions ---------------------------------------------------------------------------

    def test_sessions_need_the_app_token_on_every_call(self):
        r = self.call("GET", "/initSession", {"Authorization": "user_token sandbox-glpi-agent"})
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.json()[0], "ERROR_APP_TOKEN_PARAMETERS_MISSING")
        self.assertIn("#ERROR_APP_TOKEN_PARAMETERS_MISSING", r.json()[1])
        session = self.login()
        r = self.call("GET", "/getMyProfiles", {"Session-Token": session, "App-Token": "no"})
        self.assertEqual((r.status, r.json()[0]), (400, "ERROR_WRONG_APP_TOKEN_PARAMETER"))
        r = self.call("GET", "/getMyProfiles", {"App-Token": APP})
        self.assertEqual((r.status, r.json()[0]), (400, "ERROR_SESSION_TOKEN_MISSING"))
        r = self.call("GET", "/getMyProfiles", self.auth(session))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["myprofiles"][0]["name"], "Self-Service")
        self.assertTrue(r.header("Date").endswith(" GMT"))

    def test_basic_auth_and_wrong_credentials(self):
        good = base64.b64encode(b"referent@sandbox.sne.test:sandbox").decode()
        r = self.call("GET", "/initSession", {"App-Token": APP, "Authorization": "Basic " + good})
        self.assertEqual(r.status, 200, r)
        full = self.call("GET", "/getFullSession", self.auth(r.json()["session_token"])).json()
        self.assertEqual(full["session"]["glpiname"], "referent@sandbox.sne.test")
        bad = base64.b64encode(b"referent@sandbox.sne.test:nope").decode()
        r = self.call("GET", "/initSession", {"App-Token": APP, "Authorization": "Basic " + bad})
        self.assertEqual((r.status, r.json()[0]), (401, "ERROR_GLPI_LOGIN"))
        r = self.call("GET", "/initSession",
                      {"App-Token": APP, "Authorization": "user_token nope"})
        self.assertEqual((r.status, r.json()[0]), (401, "ERROR_GLPI_LOGIN_USER_TOKEN"))
        r = self.call("GET", "/initSession", {"App-Token": APP})
        self.assertEqual((r.status, r.json()[0]), (400, "ERROR_LOGIN_PARAMETERS_MISSING"))

    def test_kill_session_and_the_open_sessions_counter(self):
        self.assertEqual(self.glpi_json()["open_sessions"], 0)
        first, second = self.login(), self.login("sandbox-glpi-multi")
        self.assertEqual(self.glpi_json()["open_sessions"], 2)
        r = self.call("GET", "/killSession", self.auth(first))
        self.assertEqual((r.status, r.body), (200, b"true"))
        self.assertEqual(self.glpi_json()["open_sessions"], 1)
        r = self.call("GET", "/getMyProfiles", self.auth(first))
        self.assertEqual((r.status, r.json()[0]), (401, "ERROR_SESSION_TOKEN_INVALID"))
        self.call("GET", "/killSession", self.auth(second))
        self.assertEqual(self.glpi_json()["open_sessions"], 0)

    def test_the_running_server_applies_new_knobs_at_once(self):
        session = self.login()
        self.assertEqual(self.glpi_json("--session-calls", "2")["session_calls"], 2)
        self.assertEqual(self.call("GET", "/Ticket/", self.auth(session)).status, 200)
        self.assertEqual(self.call("GET", "/Ticket/", self.auth(session)).status, 200)
        r = self.call("GET", "/Ticket/", self.auth(session))
        self.assertEqual((r.status, r.json()[0]), (401, "ERROR_SESSION_TOKEN_INVALID"))
        self.glpi_json("--session-calls", "0", "--session-ttl", "60")
        session = self.login()
        r = self.sne("sandbox", "advance", "--by", "61s", "--db", self.db)
        self.assertExit(r, 0)
        r = self.call("GET", "/Ticket/", self.auth(session))
        self.assertEqual((r.status, r.json()[0]), (401, "ERROR_SESSION_TOKEN_INVALID"))

    # ---- tickets ----------------------------------------------------------------------------

    def test_tickets_created_listed_and_paged(self):
        session = self.login()
        r = self.post_json("/Ticket/", session,
                           {"input": {"name": "Pièce refusée", "content": "<p>Bonjour</p>",
                                      "itilcategories_id": 6}})
        self.assertEqual(r.status, 201, r)
        ticket = r.json()["id"]
        self.assertEqual(r.header("Location"), f"{self.api}/Ticket/{ticket}")
        self.assertTrue(r.json()["message"])
        r = self.post_json("/Ticket/", session, {"input": [{"name": "b"}, {"name": ""}]})
        self.assertEqual(r.status, 207, r)
        self.assertEqual(r.json()[0], "ERROR_GLPI_PARTIAL_ADD")
        self.assertEqual([x["id"] is False for x in r.json()[1]], [False, True])
        r = self.call("GET", "/Ticket/?range=0-0", self.auth(session))
        self.assertEqual(r.status, 206, r)
        self.assertEqual(r.header("Content-Range"), "0-0/2")
        self.assertEqual(r.header("Accept-Range"), "Ticket 1000")
        r = self.call("GET", "/Ticket/?range=0-49", self.auth(session))
        self.assertEqual((r.status, r.header("Content-Range")), (200, "0-1/2"))
        r = self.call("GET", "/Ticket/?range=3-9", self.auth(session))
        self.assertEqual((r.status, r.json()[0]), (400, "ERROR_RANGE_EXCEED_TOTAL"))
        # Encoded as GLPI 10 stores it, unless asked for raw text.
        t = self.call("GET", f"/Ticket/{ticket}?expand_dropdowns=true", self.auth(session)).json()
        self.assertEqual(t["content"], "&#60;p&#62;Bonjour&#60;/p&#62;")
        self.assertEqual(t["itilcategories_id"],
                         "SNE &#62; Pièces justificatives &#62; Pièce justificative refusée")
        raw = dict(self.auth(session), **{"X-GLPI-Sanitized-Content": "false"})
        t = self.call("GET", f"/Ticket/{ticket}", raw).json()
        self.assertEqual(t["content"], "<p>Bonjour</p>")
        # Someone else's ticket.
        other = self.login("sandbox-glpi-agent-metz")
        r = self.call("GET", f"/Ticket/{ticket}", self.auth(other))
        self.assertEqual((r.status, r.json()[0]), (403, "ERROR_RIGHT_MISSING"))
        self.assertEqual(self.glpi_json()["tickets"], 2)

    def test_a_json_body_without_its_content_type_is_not_read(self):
        session = self.login()
        # urllib sends form-urlencoded when told nothing: GLPI does not read JSON from it.
        r = self.call("POST", "/Ticket/", self.auth(session),
                      json.dumps({"input": {"name": "x"}}).encode())
        self.assertEqual((r.status, r.json()[0]), (400, "ERROR_BAD_ARRAY"))
        r = self.post_json("/Ticket/", session, {"input": {"name": "x"}})
        self.assertEqual(r.status, 201, r)
        r = self.call("POST", "/Ticket/", dict(self.auth(session), **{"Content-Type": "application/json"}),
                      b"{not json")
        self.assertEqual((r.status, r.json()[0]), (400, "ERROR_JSON_PAYLOAD_INVALID"))

    def test_follow_ups(self):
        session = self.login()
        ticket = self.post_json("/Ticket/", session, {"input": {"name": "t"}}).json()["id"]
        r = self.post_json("/ITILFollowup", session,
                           {"input": {"itemtype": "Ticket", "items_id": ticket,
                                      "content": "<p>Merci</p>", "is_private": 0}})
        self.assertEqual(r.status, 201, r)
        r = self.call("GET", f"/Ticket/{ticket}/ITILFollowup?range=0-49", self.auth(session))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(len(r.json()), 1)

    # ---- search and solutions ---------------------------------------------------------------

    def search(self, session, query):
        return self.call("GET", "/search/Ticket?" + query, self.auth(session))

    def test_search_pages_criteria_and_defaults_as_glpi_answers_them(self):
        session = self.login()
        r = self.post_json("/Ticket/", session, {"input": [
            {"name": f"t{i}", "content": f"<p>Transaction : tx{i}</p>", "itilcategories_id": 6 if i % 2 else 9}
            for i in range(5)]})
        self.assertEqual(r.status, 201, r)
        ids = [x["id"] for x in r.json()]
        # Nothing found: no data, no Content-Range header, and GLPI's "0--1/0" in the body.
        r = self.search(session, "criteria[0][field]=1&criteria[0][searchtype]=contains"
                                 "&criteria[0][value]=nothing&range=0-9")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json(), {"totalcount": 0, "count": 0, "sort": [19], "order": ["DESC"],
                                    "content-range": "0--1/0"})
        self.assertIsNone(r.header("Content-Range"))
        # A page of 2 of 5: 206, Content-Range, rows keyed by search option, id first.
        r = self.search(session, "criteria[0][field]=12&criteria[0][searchtype]=equals"
                                 "&criteria[0][value]=all&forcedisplay[0]=15&range=0-1&sort=2&order=ASC")
        self.assertEqual(r.status, 206, r)
        self.assertEqual(r.header("Content-Range"), "0-1/5")
        body = r.json()
        self.assertEqual((body["totalcount"], body["count"], body["content-range"]), (5, 2, "0-1/5"))
        self.assertEqual(list(body["data"][0]), ["2", "1", "15", "12"])
        self.assertEqual([d["2"] for d in body["data"]], ids[:2])
        r = self.search(session, "criteria[0][field]=12&criteria[0][searchtype]=equals"
                                 "&criteria[0][value]=all&range=4-9&sort=2&order=ASC")
        self.assertEqual((r.status, r.header("Content-Range")), (206, "4-4/5"))
        r = self.search(session, "criteria[0][field]=12&criteria[0][searchtype]=equals"
                                 "&criteria[0][value]=all&range=0-9")
        self.assertEqual((r.status, r.header("Content-Range")), (200, "0-4/5"))
        r = self.search(session, "criteria[0][field]=12&criteria[0][searchtype]=equals"
                                 "&criteria[0][value]=all&range=6-9")
        self.assertEqual((r.status, r.json()[0]), (400, "ERROR_RANGE_EXCEED_TOTAL"))
        # Criteria: content contains, category equals, linked by OR.
        r = self.search(session, "criteria[0][field]=21&criteria[0][searchtype]=contains"
                                 "&criteria[0][value]=Transaction%20%3A%20tx3&range=0-9")
        self.assertEqual([d["2"] for d in r.json()["data"]], [ids[3]])
        r = self.search(session, "criteria[0][field]=7&criteria[0][searchtype]=equals&criteria[0][value]=6"
                                 "&criteria[1][link]=OR&criteria[1][field]=2&criteria[1][searchtype]=equals"
                                 f"&criteria[1][value]={ids[0]}&range=0-9&sort=2&order=ASC")
        self.assertEqual([d["2"] for d in r.json()["data"]], [ids[0], ids[1], ids[3]])
        self.assertIn("Pièce justificative refusée", r.json()["data"][1]["7"])
        # Malformed criteria, unknown fields, bad ranges: GLPI's errors.
        r = self.search(session, "criteria[0][field]=12&criteria[0][value]=1")
        self.assertEqual((r.status, r.json()[0]), (400, "ERROR"))
        self.assertIn("Malformed search criteria", r.json()[1])
        r = self.search(session, "criteria[0][field]=999&criteria[0][searchtype]=equals&criteria[0][value]=1")
        self.assertIn("Bad field ID in search criteria", r.json()[1])
        r = self.search(session, "range=a-b")
        self.assertEqual((r.status, r.json()[0]), (400, "ERROR"))
        # Solve one: no criteria means Ticket's default search, open tickets only.
        r = self.post_json("/ITILSolution/", session, {"input": {
            "itemtype": "Ticket", "items_id": ids[0], "content": "<p>Réglé</p>"}})
        self.assertEqual(r.status, 201, r)
        r = self.search(session, "range=0-49")
        self.assertEqual(r.json()["totalcount"], 4)
        self.assertNotIn(ids[0], [d["2"] for d in r.json()["data"]])
        self.assertEqual(list(r.json()["data"][0])[:3], ["2", "1", "12"])
        r = self.search(session, "criteria[0][field]=12&criteria[0][searchtype]=equals"
                                 "&criteria[0][value]=old&range=0-9")
        self.assertEqual([d["2"] for d in r.json()["data"]], [ids[0]])
        # Someone else sees none of them.
        other = self.login("sandbox-glpi-agent-metz")
        r = self.search(other, "criteria[0][field]=12&criteria[0][searchtype]=equals"
                               "&criteria[0][value]=all&range=0-9")
        self.assertEqual(r.json()["totalcount"], 0)

    def test_a_solution_solves_and_its_approval_closes_as_glpi_does(self):
        session = self.login()
        ticket = self.post_json("/Ticket/", session, {"input": {"name": "t"}}).json()["id"]
        r = self.post_json("/ITILSolution/", session, {"input": {
            "itemtype": "Ticket", "items_id": ticket, "content": "<p>Fait</p>"}})
        self.assertEqual(r.status, 201, r)
        solution = r.json()["id"]
        self.assertEqual(r.header("Location"), f"{self.api}/ITILSolution/{solution}")
        t = self.call("GET", f"/Ticket/{ticket}", self.auth(session)).json()
        self.assertEqual(t["status"], 5)
        self.assertIsNotNone(t["solvedate"])
        self.assertIsNone(t["closedate"])
        sol = self.call("GET", f"/Ticket/{ticket}/ITILSolution?range=0-9", self.auth(session)).json()
        self.assertEqual([(s["id"], s["status"]) for s in sol], [(solution, 2)])  # waiting
        # A second solution on a solved ticket: refused as GLPI does.
        r = self.post_json("/ITILSolution/", session, {"input": {
            "itemtype": "Ticket", "items_id": ticket, "content": "<p>Encore</p>"}})
        self.assertEqual((r.status, r.json()[0]), (400, "ERROR_GLPI_ADD"))
        self.assertIn("already solved", r.json()[1])
        # The requester approves: a follow-up with add_close, no text needed; the ticket closes.
        r = self.post_json("/ITILFollowup/", session, {"input": {
            "itemtype": "Ticket", "items_id": ticket, "add_close": 1}})
        self.assertEqual(r.status, 201, r)
        t = self.call("GET", f"/Ticket/{ticket}", self.auth(session)).json()
        self.assertEqual(t["status"], 6)
        self.assertIsNotNone(t["closedate"])
        sol = self.call("GET", f"/ITILSolution/{solution}", self.auth(session)).json()
        self.assertEqual(sol["status"], 3)  # accepted
        fu = self.call("GET", f"/Ticket/{ticket}/ITILFollowup?range=0-9", self.auth(session)).json()
        self.assertEqual(fu[-1]["content"], "Solution approved")
        # Closed: no solution any more; add_close on an open ticket closes nothing.
        r = self.post_json("/ITILSolution/", session, {"input": {
            "itemtype": "Ticket", "items_id": ticket, "content": "x"}})
        self.assertEqual((r.status, r.json()[0]), (400, "ERROR_GLPI_ADD"))
        other = self.post_json("/Ticket/", session, {"input": {"name": "u"}}).json()["id"]
        r = self.post_json("/ITILFollowup/", session, {"input": {
            "itemtype": "Ticket", "items_id": other, "add_close": 1}})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(self.call("GET", f"/Ticket/{other}", self.auth(session)).json()["status"], 1)
        # Another user's ticket: no right.
        metz = self.login("sandbox-glpi-agent-metz")
        r = self.post_json("/ITILSolution/", metz, {"input": {
            "itemtype": "Ticket", "items_id": other, "content": "x"}})
        self.assertEqual((r.status, r.json()[0]), (400, "ERROR_GLPI_ADD"))
        self.assertIn("permission", r.json()[1])

    # ---- documents --------------------------------------------------------------------------

    def upload(self, session, manifest, filename, data, ctype="application/pdf"):
        body, content_type = multipart([
            ("uploadManifest", None, "application/json", json.dumps(manifest).encode()),
            ("filename[0]", filename, ctype, data)])
        headers = dict(self.auth(session), **{"Content-Type": content_type})
        return self.call("POST", "/Document/", headers, body)

    def test_a_real_multipart_upload_is_stored_linked_and_downloaded(self):
        session = self.login()
        ticket = self.post_json("/Ticket/", session, {"input": {"name": "t"}}).json()["id"]
        data = b"%PDF-1.4\n\x00\xff binary \r\n--not-a-boundary\r\n"
        r = self.upload(session, {"input": {"name": "PJ", "_filename": ["piece.pdf"],
                                            "itemtype": "Ticket", "items_id": ticket}},
                        "piece.pdf", data)
        self.assertEqual(r.status, 201, r)
        doc = r.json()["id"]
        result = r.json()["upload_result"]["filename"][0]
        self.assertNotIn("error", result)
        self.assertEqual((result["display"], result["size"]), ("piece.pdf", len(data)))
        r = self.call("GET", f"/Document/{doc}",
                      dict(self.auth(session), Accept="application/octet-stream"))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, data)
        self.assertEqual(r.header("Content-Type"), "application/pdf")
        r = self.call("GET", f"/Document/{doc}", self.auth(session))
        self.assertEqual(r.json()["filename"], "piece.pdf")
        links = self.call("GET", f"/Ticket/{ticket}/Document_Item", self.auth(session)).json()
        self.assertEqual([x["documents_id"] for x in links], [doc])
        r = self.call("DELETE", f"/Document/{doc}?force_purge=true", self.auth(session))
        self.assertEqual(r.status, 200, r)
        self.assertIs(r.json()[0][str(doc)], True)
        self.assertEqual(self.call("GET", f"/Document/{doc}", self.auth(session)).status, 404)
        self.assertEqual(self.glpi_json()["documents"], 0)

    def test_refused_files_make_empty_documents(self):
        self.glpi_json("--max-upload", "8")
        session = self.login()
        r = self.upload(session, {"input": {"name": "big"}}, "big.pdf", b"123456789")
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["upload_result"]["filename"][0]["error"], "File is too big")
        empty = r.json()["id"]
        self.assertIsNone(self.call("GET", f"/Document/{empty}", self.auth(session)).json()["filename"])
        r = self.upload(session, {"input": {"name": "exe"}}, "setup.exe", b"MZ",
                        "application/octet-stream")
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["upload_result"]["filename"][0]["error"], "Filetype not allowed")
        self.assertEqual(self.glpi_json()["documents"], 2)
        # To be linked to an item, the document is not made at all.
        ticket = self.post_json("/Ticket/", session, {"input": {"name": "t"}}).json()["id"]
        r = self.upload(session, {"input": {"itemtype": "Ticket", "items_id": ticket}},
                        "setup.exe", b"MZ")
        self.assertEqual((r.status, r.json()), (400, ["ERROR_GLPI_ADD", "File setup.exe not found."]))
        self.assertEqual(self.glpi_json()["documents"], 2)

    def test_upload_manifests_that_glpi_refuses(self):
        session = self.login()
        # The manifest sent under a JSON Content-Type: GLPI reads the body as JSON.
        body, _ = multipart([("uploadManifest", None, None, b'{"input":{"name":"x"}}'),
                             ("filename[0]", "a.pdf", "application/pdf", b"%PDF")])
        headers = dict(self.auth(session), **{"Content-Type": "application/json"})
        r = self.call("POST", "/Document/", headers, body)
        self.assertEqual((r.status, r.json()[0]), (400, "ERROR_JSON_PAYLOAD_INVALID"))
        body, ctype = multipart([("filename[0]", "a.pdf", "application/pdf", b"%PDF")])
        r = self.call("POST", "/Document/", dict(self.auth(session), **{"Content-Type": ctype}), body)
        self.assertEqual((r.status, r.json()[0]), (400, "ERROR_JSON_PAYLOAD_INVALID"))
        body, ctype = multipart([("uploadManifest", None, None, b'{"input":{"name":"x"}}')])
        r = self.call("POST", "/Document/", dict(self.auth(session), **{"Content-Type": ctype}), body)
        self.assertEqual((r.status, r.json()[0]), (400, "ERROR_UPLOAD_FILE_TOO_BIG_POST_MAX_SIZE"))

    # ---- what the HTTP server answers itself, before the handler ----------------------------

    def test_answers_of_the_http_server_itself_are_in_glpi_shape(self):
        host, port = self.server.url[len("http://"):].split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        # A body over the server's limit (16 MiB): refused on its Content-Length.
        conn.request("POST", "/apirest.php/Document/", body=bytes(17 << 20),
                     headers={"Content-Type": "multipart/form-data; boundary=x"})
        r = conn.getresponse()
        self.assertEqual(r.status, 400)
        self.assertEqual(json.loads(r.read())[0], "ERROR_UPLOAD_FILE_TOO_BIG_POST_MAX_SIZE")
        conn.close()
        # A multipart body that cannot be parsed.
        r = self.call("POST", "/Document/",
                      {"Content-Type": "multipart/form-data; boundary=zz"}, b"0123456789")
        self.assertEqual((r.status, r.json()), (400, ["ERROR", "Bad Request"]))
        r = self.call("TRACE", "/Ticket/")
        self.assertEqual((r.status, r.json()[0]), (405, "ERROR_METHOD_NOT_ALLOWED"))
        # The contract's paths still refuse multipart bodies, in the contract's shape.
        body, ctype = multipart([("a", None, None, b"b")])
        req = urllib.request.Request(self.server.url + "/v1/uploads", data=body, method="POST",
                                     headers={"Content-Type": ctype})
        with self.assertRaises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(req, timeout=10)
        self.assertEqual(e.exception.code, 415)
        self.assertIn("error", json.loads(e.exception.read()))

    # ---- sne sandbox glpi -------------------------------------------------------------------

    def test_the_glpi_verb_shows_and_sets_its_knobs(self):
        r = self.glpi()
        self.assertExit(r, 0)
        self.assertIn("24m (1440 s)", r.out)
        self.assertIn("any number of calls", r.out)
        self.assertIn("10485760 bytes", r.out)
        self.assertIn("0 open sessions", r.out)
        doc = self.glpi_json("--session-ttl", "90s", "--session-calls", "5",
                             "--max-upload", "2048")
        self.assertEqual(doc, {"session_ttl": 90, "session_calls": 5, "max_upload": 2048,
                               "open_sessions": 0, "tickets": 0, "documents": 0})
        r = self.glpi()
        self.assertIn("serves 5 calls", r.out)
        self.assertEqual(self.glpi_json("--session-ttl", "1440")["session_ttl"], 1440)

    def test_bad_knob_values_are_exit_6_naming_the_option(self):
        for option, value in (("--session-ttl", "0"), ("--session-ttl", "31d"),
                              ("--session-ttl", "soon"), ("--session-calls", "-1"),
                              ("--session-calls", "1000001"), ("--session-calls", "many"),
                              ("--max-upload", "0"), ("--max-upload", "2000000000"),
                              ("--max-upload", "10MB")):
            r = self.glpi(option, value)
            self.assertExit(r, 6)
            self.assertOneLineError(r, option)
            r = self.glpi(option, value, "--json")
            self.assertExit(r, 6)
            self.assertEqual(r.json()["error"]["code"], "invalid_input")
        # Nothing changed.
        doc = self.glpi_json()
        self.assertEqual((doc["session_ttl"], doc["session_calls"], doc["max_upload"]),
                         (1440, 0, 10485760))


if __name__ == "__main__":
    unittest.main()
