"""Runs one example against the embedded sandbox in a scratch HOME and checks what it prints and
writes. The caller's SNE_* and XDG_* variables are dropped, so that the user's configuration,
sessions and sandbox are never touched; each run starts from a freshly seeded sandbox. Input
files (PDFs, manifests) are made here; empty demandes come from the fixture seed_demandes.

usage: run_example.py EXAMPLE PROGRAM --seed-demandes SEED_DEMANDES"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile


def fail(message):
    raise SystemExit(f"FAIL: {message}")


def sample_pdf(text):
    """A valid one-page A4 PDF showing `text`, with a correct cross-reference table."""
    content = b"BT /F1 12 Tf 72 720 Td (%s) Tj ET" % text.encode("ascii")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
               b">> >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, obj in enumerate(objects):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i + 1, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1,
                                                                              xref)
    return out


class Scratch:
    def __init__(self, program, seed_demandes):
        self.program = program
        self.seed_demandes = seed_demandes
        self.home = tempfile.mkdtemp(prefix="sne-example-")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("SNE_", "XDG_"))}
        self.env["HOME"] = self.home

    def run(self, *args, code=0, env=None, program=None):
        """Runs the example (or `program`); fails unless it exits `code`. (stdout, stderr)."""
        cmd = [program or self.program, *args]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                           env=dict(self.env, **(env or {})))
        print(f"$ {' '.join(cmd)}  # exit {r.returncode}\n{r.stdout}{r.stderr}", end="")
        if r.returncode != code:
            fail(f"exit {r.returncode}, expected {code}")
        return r.stdout, r.stderr

    def demandes(self, count):
        out, _ = self.run(str(count), program=self.seed_demandes)
        numeros = out.split()
        if len(numeros) != count:
            fail(f"seed_demandes gave {numeros}")
        return numeros

    def write(self, name, data):
        path = os.path.join(self.home, name)
        with open(path, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        return path

    def one_error_line(self, err, prefix, *fragments):
        """The example's error is one line, beginning with its name, naming each fragment."""
        lines = err.splitlines()
        if len(lines) != 1 or not lines[0].startswith(prefix):
            fail(f"expected one line beginning with {prefix!r} on stderr, got {err!r}")
        for fragment in fragments:
            if fragment not in lines[0]:
                fail(f"{fragment!r} not in {lines[0]!r}")


def match(pattern, line):
    m = re.fullmatch(pattern, line)
    if not m:
        fail(f"{line!r} does not match {pattern!r}")
    return m


def overdue_plis(s):
    out, _ = s.run()
    lines = out.splitlines()
    head = match(r"guichet (\w{5}), judged at (\d{4}-\d\d-\d\d)T\S+Z: (\d+) overdue plis", lines[0])
    guichet, today, count = head.group(1), head.group(2), int(head.group(3))
    if count == 0 or count != len(lines) - 1:  # the seed leaves plis stuck at the numériseur
        fail(f"{count} overdue plis announced, {len(lines) - 1} listed")
    for line in lines[1:]:
        m = match(r"[a-z0-9]{12,13} +(\w{18}) (\w{5}) sent (\S+) due (\S+) late (\d+)", line)
        if m.group(2) != guichet or not m.group(3) < m.group(4) < today or int(m.group(5)) < 1:
            fail(f"not an overdue pli of {guichet} on {today}: {line!r}")
    out, _ = s.run("1")
    more = " (and more)" if count > 1 else ""
    if len(out.splitlines()) != 2 or not out.splitlines()[0].endswith(f": 1 overdue plis{more}"):
        fail("MAX 1 did not list one pli")
    _, err = s.run(code=6, env={"SNE_ENDPOINT": "ftp://sne.example.org"})
    s.one_error_line(err, "overdue_plis: service: ", "SNE_ENDPOINT")


def send_pieces(s):
    numero = s.demandes(1)[0]
    good = s.write("avis-2024.pdf", sample_pdf("Avis d'imposition 2024"))
    size = os.path.getsize(good)
    out, _ = s.run(numero, "avis_imposition", good)
    lines = out.splitlines()
    match(rf"preflight {re.escape(good)}: pdf, 1 page\(s\), {size} bytes: ok", lines[0])
    sent = match(rf"pli ([a-z0-9]{{12,13}}) sent to {numero}: 1 piece\(s\), {size} bytes, "
                 r"Numérisation en cours", lines[1])
    # The same files again: the first pli, replayed, not a second one.
    out, _ = s.run(numero, "avis_imposition", good)
    match(rf"pli {sent.group(1)} already sent to {numero}: 1 piece\(s\), {size} bytes, .*",
          out.splitlines()[1])
    # A file that is no PDF stops everything before the service is called.
    bad = s.write("avis-2023.pdf", "not a PDF at all")
    out, err = s.run(numero, "avis_imposition", good, bad, code=6)
    if f"{bad}: unknown, 0 page(s), 16 bytes: rejected" not in out or \
            "problem unknown_format" not in out or "pli " in out:
        fail("the bad file was not rejected by the preflight")
    s.one_error_line(err, "send_pieces: nothing sent")
    # The service's refusal: a demande that does not exist.
    _, err = s.run("0340819999999G3401", "avis_imposition", good, code=7)
    s.one_error_line(err, "send_pieces: 0340819999999G3401: ")


def plis_sent(lines):
    """{numéro: transaction} of the rows reported sent."""
    rows = (re.fullmatch(r"row \d (\w+): sent, pli ([a-z0-9]{12,13})", line) for line in lines)
    return {m.group(1): m.group(2) for m in rows if m}


def bulk_progress(s):
    numeros = s.demandes(3)
    files = [s.write(f"piece-{i}.pdf", sample_pdf(f"Piece {i}")) for i in range(4)]
    rows = [f"{numeros[0]},avis_imposition,{os.path.basename(files[0])}",
            f"{numeros[1]},quittance_loyer,{os.path.basename(files[1])}|"
            f"{os.path.basename(files[2])}",
            f"{numeros[2]},avis_imposition,{os.path.basename(files[3])}",
            "0341319000040G3401,avis_imposition,piece-0.pdf"]  # month 13: a row that fails
    manifest = s.write("envoi.csv", "numero_unique,type,files\n" + "\n".join(rows) + "\n")
    out, _ = s.run(manifest, code=3)
    lines = out.splitlines()
    sent = plis_sent(lines)
    if sorted(sent) != sorted(numeros):
        fail(f"rows sent: {sent}, expected one for each of {numeros}")
    if not any(re.fullmatch(r"row 4 0341319000040G3401: failed_permanent: .*month 13.*", l)
               for l in lines):
        fail("row 4 is not reported as failed")
    done = [int(m.group(1)) for m in (re.fullmatch(r"progress: (\d)/4 rows, \d failed, \d+ bytes, "
                                                   r"[\d.]+ s", l) for l in lines) if m]
    if not done or done != sorted(done) or done[-1] != 4:
        fail(f"progress went {done}, not up to 4/4")
    match(r"4 rows: 3 sent, 0 already sent, 1 failed, 0 to retry", lines[-1])
    # Again: the journal knows the 3 rows are done; they keep their plis, nothing is uploaded.
    out, _ = s.run(manifest, code=3)
    if plis_sent(out.splitlines()) != sent or not re.search(r"progress: 4/4 rows, 1 failed, 0 bytes", out):
        fail("the second run did not resume from the journal")
    match(r"4 rows: 3 sent, 0 already sent, 1 failed, 0 to retry", out.splitlines()[-1])


def fiches_from_csv(s):
    manifest = s.write("envoi.csv", "numero_unique,contexte,date_depot\n"
                                    "0340819000040PWP01,ajout,2099-01-16\n"
                                    "1110920020745G1175,creation,\n"
                                    "0341319000040PWP01,ajout,\n"   # month 13
                                    "0340819000040PWP01,ajout,\n")  # a second fiche: refused
    outdir = os.path.join(s.home, "fiches")
    out, _ = s.run(manifest, outdir, "PWP01", "13002072000038", "034", code=3)
    lines = out.splitlines()
    for line, numero in ((lines[0], "0340819000040PWP01"), (lines[1], "1110920020745G1175")):
        path = os.path.join(outdir, numero + ".pdf")
        match(rf"line \d {numero}: {re.escape(path)}", line)
        with open(path, "rb") as f:
            pdf = f.read()
        if not pdf.startswith(b"%PDF-") or b"%%EOF" not in pdf[-32:]:
            fail(f"{path} is not a whole PDF")
    match(r"line 4 0341319000040PWP01: numero: .*month 13.*", lines[2])
    match(r"line 5 0340819000040PWP01: numero: .*earlier line.*", lines[3])
    match(rf"2 fiches written to {re.escape(outdir)}, 2 rows failed", lines[4])
    if sorted(os.listdir(outdir)) != ["0340819000040PWP01.pdf", "1110920020745G1175.pdf"]:
        fail(f"{outdir} holds {os.listdir(outdir)}")
    _, err = s.run(os.path.join(s.home, "missing.csv"), outdir, "PWP01", "13002072000038", "034",
                   code=1)
    s.one_error_line(err, "fiches_from_csv: ", "missing.csv")


def ticket_from_rejected_pli(s):
    out, _ = s.run()
    lines = out.splitlines()
    pli = match(r"pli ([a-z0-9]{12,13}) \((\w{18})\): Rejet d'une ou plusieurs pièces lors du "
                r"traitement", lines[0])
    tx, numero = pli.group(1), pli.group(2)
    match(rf"ticket \d+ created: .*{tx}.*", lines[1])
    match(r"category: .*Pièce justificative refusée", lines[2])
    text = "\n".join(lines[3:])
    for fragment in ("Pouvez-vous nous dire", tx, numero, "refusée"):
        if fragment not in text:
            fail(f"{fragment!r} not in the ticket's text")
    _, err = s.run("nosuchpli0000", code=7)
    s.one_error_line(err, "ticket_from_rejected_pli: nosuchpli0000: ")


EXAMPLES = {f.__name__: f for f in (overdue_plis, send_pieces, bulk_progress, fiches_from_csv,
                                    ticket_from_rejected_pli)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("example", choices=sorted(EXAMPLES))
    ap.add_argument("program")
    ap.add_argument("--seed-demandes", required=True)
    args = ap.parse_args()
    s = Scratch(args.program, args.seed_demandes)
    try:
        EXAMPLES[args.example](s)
    finally:
        shutil.rmtree(s.home, ignore_errors=True)
    print(f"PASS: {args.example}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
