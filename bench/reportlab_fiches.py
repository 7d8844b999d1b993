#!/usr/bin/python3
"""Peer for bench/fiche_batch.sh: the fiches of a manifest made with ReportLab + qrcode.

Usage: /usr/bin/python3 bench/reportlab_fiches.py MANIFEST.csv OUTDIR GUICHET SIRET TERRITOIRE DATE

Reads the same manifest as `sne fiche batch` (header numero_unique,contexte[,date_depot]) and
writes OUTDIR/<numero>.pdf per row: one A4 page, Helvetica / Helvetica-Bold, the same texts at
the same places as libsne/fiche/pdf.cpp, compressed page streams (pageCompression=1), and a
vector QR code of the same payload. The QR matrix comes from the plain `qrcode` library (error
correction M, no border); its dark modules are drawn as rectangles of 1 mm, each horizontal run
merged into one rectangle and all filled at once, as sne does; the 4-module quiet zone is left
white. (reportlab.graphics.barcode.qr is not used: it draws one rectangle per module.)

Runs with Debian's /usr/bin/python3 (python3-reportlab, python3-qrcode). It validates nothing
beyond what it needs to draw; output is not meant to be byte-identical from run to run.
"""

import csv
import os
import sys

import qrcode
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

CONTEXTES = {
    "ajout": ("AJO", "Ajout"),
    "creation": ("CRE", "Création"),
    "renouvellement": ("REN", "Renouvellement"),
    "mise-a-jour": ("MAJ", "Mise à jour"),
}
LEFT = 20 * mm
RIGHT = 190 * mm
MODULE = 1 * mm
QUIET = 4


def french(iso):
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


def qr_matrix(payload):
    q = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    q.add_data(payload)
    q.make(fit=True)
    return q.get_matrix()


def draw_qr(c, matrix, x_mm, y_mm):
    width = len(matrix)
    x0 = x_mm * mm + QUIET * MODULE
    y0 = y_mm * mm + QUIET * MODULE
    path = c.beginPath()
    for row, cells in enumerate(matrix):
        y = y0 + (width - 1 - row) * MODULE
        col = 0
        while col < width:
            if not cells[col]:
                col += 1
                continue
            start = col
            while col < width and cells[col]:
                col += 1
            path.rect(x0 + start * MODULE, y, (col - start) * MODULE, MODULE)
    c.setFillColorRGB(0, 0, 0)
    c.drawPath(path, stroke=0, fill=1)


def fiche(path, numero, contexte, depot, guichet, siret, territoire, generation):
    code, label = CONTEXTES[contexte]
    payload = "/".join(["SNEFT1", numero, code, guichet, siret, territoire, generation, depot])
    matrix = qr_matrix(payload)

    c = canvas.Canvas(path, pagesize=A4, pageCompression=1)
    c.setTitle("Fiche de transmission " + numero)
    c.setCreator("bench/reportlab_fiches.py")
    c.setFont("Helvetica-Bold", 12)
    c.drawString(LEFT, 277 * mm, "RÉPUBLIQUE FRANÇAISE")
    c.setFont("Helvetica", 9)
    c.drawString(LEFT, 272 * mm, "Liberté Égalité Fraternité")
    c.setFont("Helvetica-Bold", 10)
    c.drawString(LEFT, 264 * mm, "MINISTÈRE EN CHARGE DU LOGEMENT")
    c.setFont("Helvetica", 9)
    c.drawRightString(RIGHT, 264 * mm, "www.demande-logement-social.gouv.fr")
    c.setLineWidth(0.6)
    c.line(LEFT, 259 * mm, RIGHT, 259 * mm)

    c.setFont("Helvetica-Bold", 20)
    c.drawString(LEFT, 240 * mm, "Fiche de Transmission obligatoire")
    c.setFont("Helvetica", 10)
    c.drawString(LEFT, 230 * mm,
                 "Cette fiche doit accompagner toute création, mise à jour et tout ajout de pièces")
    c.drawString(LEFT, 225 * mm,
                 "justificatives envoyés par courrier au prestataire de numérisation.")

    lines = [
        ("Date de génération :", french(generation)),
        ("Date de dépôt :", french(depot) if depot else "____/____/________"),
        ("Code Guichet :", guichet),
        ("SIRET Guichet :", siret),
        ("Code territoire :", territoire),
        ("N° unique :", numero),
        ("Contexte :", f"{code} - {label}"),
    ]
    y = 205
    for lab, value in lines:
        c.setFont("Helvetica-Bold", 12)
        c.drawString(LEFT, y * mm, lab)
        c.setFont("Helvetica", 12)
        c.drawString(65 * mm, y * mm, value)
        y -= 9

    side = len(matrix) + 2 * QUIET  # in mm, 1 mm per module
    draw_qr(c, matrix, 190 - side, 128 - side)
    c.setFont("Helvetica", 8)
    c.drawString(LEFT, (128 - side + 4) * mm,
                 "Le code QR reprend ces informations pour le prestataire de numérisation.")
    c.line(LEFT, 20 * mm, RIGHT, 20 * mm)
    c.drawString(LEFT, 14 * mm,
                 "Pour les envois papier uniquement : ne pas joindre aux envois numériques.")
    c.showPage()
    c.save()


def main(argv):
    if len(argv) != 7:
        sys.exit(__doc__.split("\n\n")[1])
    manifest, outdir, guichet, siret, territoire, generation = argv[1:]
    os.makedirs(outdir, exist_ok=True)
    made = failed = 0
    with open(manifest, newline="", encoding="utf-8") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            try:
                numero = row["numero_unique"].strip()
                fiche(os.path.join(outdir, numero + ".pdf"), numero, row["contexte"].strip(),
                      (row.get("date_depot") or "").strip(), guichet, siret, territoire,
                      generation)
                made += 1
            except Exception as e:  # report and go on, like sne
                print(f"line {line}: {e}", file=sys.stderr)
                failed += 1
    print(f"{made} fiches written to {outdir}, {failed} rows failed")
    return 3 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
