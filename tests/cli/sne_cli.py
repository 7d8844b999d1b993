"""Shared helpers for the CLI tests: run the built `sne` in an isolated environment."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest

SNE = os.environ.get("SNE_BIN", "build/bin/sne")
SOURCE_DIR = os.environ.get("SNE_SOURCE_DIR", os.getcwd())


class Run:
    def __init__(self, proc):
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def json(self):
        return json.loads(self.out)

    def __repr__(self):
        return f"exit {self.code}\nstdout: {self.out}\nstderr: {self.err}"


class Answer:
    """One HTTP answer read by a test speaking to `sne sandbox serve` itself."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    def header(self, name):
        return self.headers.get(name)

    def __repr__(self):
        return f"{self.status} {dict(self.headers)} {self.body[:500]!r}"


class CliTest(unittest.TestCase):
    """Each test gets an empty HOME and no SNE_* or XDG_* variables from the caller."""

    def setUp(self):
        self.home = tempfile.mkdtemp(prefix="sne-cli-test-")
        self.addCleanup(shutil.rmtree, self.home, True)
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("SNE_", "XDG_")) and k != "NO_COLOR"}
        self.env["HOME"] = self.home

    def sne(self, *args, stdin=None, env=None):
        full_env = dict(self.env)
        full_env.update(env or {})
        proc = subprocess.run([SNE, *args], input=stdin, capture_output=True, text=True,
                              env=full_env, timeout=60)
        return Run(proc)

    def write(self, name, text, mode=0o644):
        path = os.path.join(self.home, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def assertExit(self, run, code):
        self.assertEqual(run.code, code, repr(run))

    def assertOneLineError(self, run, *fragments):
        """stderr has exactly one `sne: error:` line, and it contains every fragment."""
        lines = [l for l in run.err.splitlines() if l.startswith("sne: error: ")]
        self.assertEqual(len(lines), 1, repr(run))
        for fragment in fragments:
            self.assertIn(fragment, lines[0], repr(run))


def pdf_file(objects):
    """A PDF whose objects 1..n are `objects` (bodies as bytes; object 1 the catalog), with a
    correct cross-reference table."""
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objects):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i + 1, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def sample_pdf(pages=1, declared=None):
    """A valid PDF of `pages` A4 pages of text; /Count says `declared` when given (a forged
    count)."""
    content = b"BT /F1 12 Tf 72 720 Td (Bulletin de salaire) Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for _ in range(pages):
        n = len(objects) + 1
        kids.append(b"%d 0 R" % n)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont "
                       b"/Helvetica >> >> >> >>" % (n + 1))
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(kids), pages if declared is None else declared)
    return pdf_file(objects)
