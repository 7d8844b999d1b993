"""`sne sandbox serve` against hostile clients, over real sockets: clients that send slowly
cannot take the server down, and requests that HTTP parsers disagree on are refused at once."""
import json
import os
import socket
import threading
import time
import unittest

from sne_cli import CliTest
from test_account import Server

SLOW_CLIENTS = 50
HEAD_DEADLINE = 10  # seconds: libsne/sandbox/server.cpp, kHeadTime


def read_answer(sock, timeout=15):
    """The status and JSON body of one answer on `sock`, read until the server closes or the
    body is complete; (None, b'') when the server closed without answering."""
    sock.settimeout(timeout)
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
        head, sep, body = data.partition(b"\r\n\r\n")
        if sep:
            length = [int(l.split(b":", 1)[1]) for l in head.split(b"\r\n")
                      if l.lower().startswith(b"content-length:")]
            if length and len(body) >= length[0]:
                break
    if not data:
        return None, b""
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), body


class HostileClients(CliTest):
    def setUp(self):
        super().setUp()
        self.server = Server(self, os.path.join(self.home, "served.db"))
        host, port = self.server.url[len("http://"):].split(":")
        self.address = (host, int(port))

    def connect(self):
        s = socket.create_connection(self.address, timeout=10)
        self.addCleanup(s.close)
        return s

    def exchange(self, raw):
        """Sends `raw` on a new connection; the answer's status and body, and how long it took."""
        s = self.connect()
        start = time.monotonic()
        s.sendall(raw)
        status, body = read_answer(s)
        return status, body, time.monotonic() - start

    def timed_request(self):
        """A normal request on its own connection: how long its answer took."""
        status, body, took = self.exchange(
            b"GET /v1/account-requests/unknown HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertEqual(status, 404, body)
        return took

    def test_slow_clients_are_cut_off_while_others_are_served(self):
        # Half send their head a byte a second, half a complete head and then a body a byte a
        # second: each would hold a worker thread for ever if reads had no deadline.
        slow = []
        for i in range(SLOW_CLIENTS):
            s = self.connect()
            if i % 2:
                s.sendall(b"POST /v1/account-requests HTTP/1.1\r\nHost: x\r\n"
                          b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
            else:
                s.sendall(b"GET /v1/me HTTP/1.1\r\nHost: x\r\n")
            slow.append(s)
        stop = threading.Event()
        open_ = set(range(SLOW_CLIENTS))
        cut = {}
        started = time.monotonic()

        def trickle():
            while not stop.is_set() and open_:
                for i in list(open_):
                    try:
                        slow[i].sendall(b"a")
                    except OSError:  # the server closed it
                        open_.discard(i)
                        cut.setdefault(i, time.monotonic() - started)
                stop.wait(1)

        # Two more send a byte every 20 ms: each read finds data at once, so a deadline that only
        # cancels a read waiting for the socket would never catch them.
        fast = [self.connect() for _ in range(2)]
        for s in fast:
            s.sendall(b"GET /v1/me HTTP/1.1\r\nHost: x\r\nX-Long: ")
        fast_cut = {}

        def trickle_fast():
            while not stop.is_set() and len(fast_cut) < len(fast):
                for i, s in enumerate(fast):
                    if i in fast_cut:
                        continue
                    try:
                        s.sendall(b"a")
                    except OSError:
                        fast_cut[i] = time.monotonic() - started
                stop.wait(0.02)

        sender = threading.Thread(target=trickle)
        sender.start()
        fast_sender = threading.Thread(target=trickle_fast)
        fast_sender.start()
        try:
            took = [self.timed_request() for _ in range(20)]
            # A client of the CLI too, signing in and reading its account.
            ep = ["--endpoint", self.server.url]
            r = self.sne(*ep, "auth", "login", "--email", "agent@sandbox.sne.test",
                         "--password-stdin", stdin="sandbox\n")
            self.assertExit(r, 0)
            self.assertExit(self.sne(*ep, "auth", "status"), 0)
            # Every slow client is answered 408 and closed after the deadline.
            answers = []
            for s in fast + slow:
                status, _ = read_answer(s, timeout=HEAD_DEADLINE + 10)
                answers.append(status)
                if s in slow:
                    cut.setdefault(slow.index(s), time.monotonic() - started)
        finally:
            stop.set()
            sender.join()
            fast_sender.join()
        self.assertLess(max(took), 2.0, f"slowest normal request {max(took):.3f} s")
        print(f"\n  {SLOW_CLIENTS} slow clients: slowest of 20 normal requests "
              f"{max(took) * 1000:.1f} ms, median {sorted(took)[10] * 1000:.1f} ms")
        self.assertEqual(answers.count(408), SLOW_CLIENTS + len(fast), answers)
        # The deadline, the 5 s drain after the 408, and the trickler's next send: well under 30.
        self.assertLessEqual(max(cut.values()), HEAD_DEADLINE + 20, cut)
        self.assertGreaterEqual(min(cut.values()), HEAD_DEADLINE - 1, cut)

    def test_requests_parsers_disagree_on_are_refused_at_once(self):
        head = b"POST /v1/account-requests HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        for name, extra in [
            ("two different Content-Lengths", b"Content-Length: 2\r\nContent-Length: 3\r\n"),
            ("Content-Length and chunked", b"Content-Length: 2\r\nTransfer-Encoding: chunked\r\n"),
            ("chunked and Content-Length", b"Transfer-Encoding: chunked\r\nContent-Length: 2\r\n"),
            ("a Transfer-Encoding not ending in chunked", b"Transfer-Encoding: gzip\r\n"),
            ("a negative Content-Length", b"Content-Length: -5\r\n"),
            ("a Content-Length that is no number", b"Content-Length: 2x\r\n"),
        ]:
            with self.subTest(name):
                status, body, took = self.exchange(head + extra + b"\r\n{}")
                self.assertEqual(status, 400, body)
                self.assertEqual(json.loads(body)["error"]["code"], "invalid_input")
                self.assertLess(took, 1.0)
        # A huge Content-Length with no body is refused on its head, not after a stall.
        status, body, took = self.exchange(head + b"Content-Length: 999999999999\r\n\r\n")
        self.assertEqual((status, json.loads(body)["error"]["code"]), (413, "invalid_input"))
        self.assertLess(took, 1.0)

    def test_bodies_of_the_wrong_type_are_refused(self):
        for ctype in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; b=x"):
            with self.subTest(ctype):
                body = b'{"nom": "X"}'
                status, answer, _ = self.exchange(
                    b"POST /v1/account-requests HTTP/1.1\r\nHost: x\r\nContent-Type: " +
                    ctype.encode() + b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
                self.assertEqual(status, 415, answer)
                self.assertIn("application/json", json.loads(answer)["error"]["message"])
        # JSON with parameters is JSON.
        status, answer, _ = self.exchange(
            b"POST /v1/account-requests HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json; charset=utf-8\r\nContent-Length: 2\r\n\r\n{}")
        self.assertEqual(status, 400, answer)  # read, and found to lack its members

    def test_http_details(self):
        # HEAD: the GET's headers, no body, and the connection stays usable.
        s = self.connect()
        s.sendall(b"HEAD /v1/account-requests/x HTTP/1.1\r\nHost: x\r\n\r\n")
        s.settimeout(5)
        head = s.recv(65536)
        self.assertTrue(head.startswith(b"HTTP/1.1 404"), head)
        self.assertTrue(head.endswith(b"\r\n\r\n"), head)  # nothing after the headers
        self.assertIn(b"Content-Length: ", head)
        # Two pipelined requests on that connection: two answers, in order.
        s.sendall(b"GET /v1/account-requests/a HTTP/1.1\r\nHost: x\r\n\r\n"
                  b"POST /v1/account-requests HTTP/1.1\r\nHost: x\r\n"
                  b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
        self.assertEqual(read_answer(s)[0], 404)
        self.assertEqual(read_answer(s)[0], 400)
        # A chunked body is read like any other.
        status, body, _ = self.exchange(
            b"POST /v1/account-requests HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n1\r\n{\r\n1\r\n}\r\n0\r\n\r\n")
        self.assertEqual(status, 400, body)
        self.assertIn("missing key", json.loads(body)["error"]["message"])
        # Headers over 16 KiB.
        status, body, took = self.exchange(
            b"GET /v1/me HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
        self.assertEqual(status, 431, body)

    def test_bodies_received_at_once_are_bounded_in_memory(self):
        # Each declares 15 MiB and sends nothing: the server holds declared bodies of 256 MiB
        # at most, so the 18th is answered 503 at once instead of growing without bound.
        held = []
        for i in range(17):
            s = self.connect()
            s.sendall(b"POST /v1/uploads HTTP/1.1\r\nHost: x\r\n"
                      b"Content-Type: application/octet-stream\r\nContent-Length: 15728640\r\n\r\n")
            held.append(s)
        time.sleep(0.3)  # the server has read their heads
        status, body, took = self.exchange(
            b"POST /v1/uploads HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/octet-stream\r\nContent-Length: 15728640\r\n\r\n")
        self.assertEqual(status, 503, body)
        self.assertLess(took, 2.0)
        for s in held:
            s.close()
        time.sleep(0.3)
        # Once they are gone, bodies are taken again (401: the upload needs a token).
        status, body, _ = self.exchange(
            b"POST /v1/uploads HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/octet-stream\r\nContent-Length: 3\r\n\r\nabc")
        self.assertEqual(status, 401, body)

    def test_more_connections_than_threads_are_served(self):
        # Idle keep-alive connections, many more than the 4 workers, do not block a fifth.
        idle = [self.connect() for _ in range(40)]
        for s in idle:
            s.sendall(b"GET /v1/account-requests/x HTTP/1.1\r\nHost: x\r\n\r\n")
        for s in idle:
            self.assertEqual(read_answer(s, timeout=5)[0], 404)
        self.assertLess(self.timed_request(), 2.0)


if __name__ == "__main__":
    unittest.main()
