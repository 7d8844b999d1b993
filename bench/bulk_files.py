#!/usr/bin/env python3
"""Inputs of bench/bulk_send.sh: the PDFs and manifests, and the curl config files of the peer.

  bulk_files.py pdfs DIR NUMEROS SIZE MANIFEST
      For each numéro unique of the file NUMEROS (one a line), two distinct valid one-page PDFs
      of about SIZE bytes in DIR (the page's text, then an unreferenced stream of random bytes
      that pads the file: sne's preflight reads the page, not the padding), and the manifest
      MANIFEST (`numero_unique,type,files`, the files relative to its folder, type
      quittance_loyer: at most 2 pieces a demande, so each row fills a fresh demande).
  bulk_files.py curl-uploads MANIFEST URL TOKEN_FILE CFG IDS
      A curl config of one transfer per file of MANIFEST: POST URL/v1/uploads, the raw file
      streamed from disk (--upload-file, --request POST, no Expect: 100-continue), an
      Idempotency-Key, the answer written to IDS/ROW-I.json.
  bulk_files.py curl-plis MANIFEST NUMEROS URL TOKEN_FILE IDS CFG
      A curl config of one transfer per row of MANIFEST, sent to the demande of the same line of
      NUMEROS: POST URL/v1/demandes/NU/plis with the JSON body naming the row's upload ids read
      from IDS. Prints the number of uploads that failed (no upload_id).
"""
import csv
import json
import os
import sys
import uuid

# The PDF writer of the CLI tests: one way to lay out a cross-reference table.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "cli"))
from sne_cli import pdf_file  # noqa: E402

PIECE_TYPE = "quittance_loyer"
# Options of curl that hold for one transfer only: repeated in each (`next` starts a new one).
PER_TRANSFER = 'silent\nshow-error\nwrite-out = "%{http_code}\\n"\n'


def sample_pdf(size, label):
    content = b"BT /F1 12 Tf 72 720 Td (Quittance de loyer %s) Tj ET" % label.encode()
    pad = os.urandom(max(0, size - 760))
    return pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources "
        b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(pad), pad),
    ])


def lines(path):
    with open(path, encoding="utf-8") as f:
        return [l.strip() for l in f if l.strip()]


def rows(manifest):
    with open(manifest, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def quote(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def pdfs(folder, numeros, size, manifest):
    os.makedirs(folder, exist_ok=True)
    base = os.path.dirname(os.path.abspath(manifest))
    with open(manifest, "w", newline="", encoding="utf-8") as m:
        w = csv.writer(m, lineterminator="\n")
        w.writerow(["numero_unique", "type", "files"])
        for i, numero in enumerate(lines(numeros)):
            files = []
            for side in "ab":
                path = os.path.join(folder, f"q{i + 1:06d}{side}.pdf")
                with open(path, "wb") as f:
                    f.write(sample_pdf(int(size), f"{numero} {side}"))
                files.append(os.path.relpath(path, base))
            w.writerow([numero, PIECE_TYPE, "|".join(files)])


def curl_uploads(manifest, url, token_file, cfg, ids):
    token = open(token_file, encoding="utf-8").read().strip()
    base = os.path.dirname(os.path.abspath(manifest))
    os.makedirs(ids, exist_ok=True)
    with open(cfg, "w", encoding="utf-8") as out:
        for r, row in enumerate(rows(manifest)):
            for i, name in enumerate(row["files"].split("|")):
                out.write(("next\n" if r or i else "") + PER_TRANSFER +
                          f"url = {quote(url + '/v1/uploads')}\n"
                          f"header = {quote('Authorization: Bearer ' + token)}\n"
                          'header = "Content-Type: application/octet-stream"\n'
                          'header = "Accept: application/json"\n'
                          f"header = {quote('Idempotency-Key: curl-' + str(uuid.uuid4()))}\n"
                          # Streamed from the file (--data-binary @FILE would read every
                          # file of the config into memory before the first transfer).
                          'request = "POST"\nheader = "Expect:"\n'
                          f"upload-file = {quote(os.path.join(base, name))}\n"
                          f"output = {quote(os.path.join(ids, f'{r}-{i}.json'))}\n")


def curl_plis(manifest, numeros, url, token_file, ids, cfg):
    token = open(token_file, encoding="utf-8").read().strip()
    failed = 0
    with open(cfg, "w", encoding="utf-8") as out:
        for r, (row, numero) in enumerate(zip(rows(manifest), lines(numeros))):
            pieces = []
            for i, name in enumerate(row["files"].split("|")):
                try:
                    with open(os.path.join(ids, f"{r}-{i}.json"), encoding="utf-8") as f:
                        upload = json.load(f)["upload_id"]
                except (OSError, ValueError, KeyError):
                    failed += 1
                    continue
                pieces.append({"type": row["type"], "nom_fichier": os.path.basename(name),
                               "upload_id": upload})
            body = json.dumps({"contexte": "AJO", "pieces": pieces}, separators=(",", ":"))
            out.write(("next\n" if r else "") + PER_TRANSFER +
                      f"url = {quote(url + '/v1/demandes/' + numero + '/plis')}\n"
                      f"header = {quote('Authorization: Bearer ' + token)}\n"
                      'header = "Content-Type: application/json"\n'
                      'header = "Accept: application/json"\n'
                      f"header = {quote('Idempotency-Key: curl-' + str(uuid.uuid4()))}\n"
                      f"data = {quote(body)}\n"
                      'output = "/dev/null"\n')
    print(failed)


def main(argv):
    commands = {"pdfs": pdfs, "curl-uploads": curl_uploads, "curl-plis": curl_plis}
    if len(argv) < 2 or argv[1] not in commands:
        sys.exit(__doc__)
    commands[argv[1]](*argv[2:])


if __name__ == "__main__":
    main(sys.argv)
