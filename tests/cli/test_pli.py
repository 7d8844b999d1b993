"""sne pli list|show|watch|stats: the tableau de bord's filters, --csv, --json, a pli's detail,
waiting for outcomes and its exit codes, the counters; on the embedded sandbox and over HTTP."""
import csv
import io
import json
import os
import unittest

from sne_cli import CliTest, sample_pdf
from test_account import signed_in_server

NUMERO = "0340523004101G3401"  # a demande of G3401 that exists in the seed


class PliTest(CliTest):
    def add_piece(self, numero=NUMERO, type_="attestation_pacs", *extra):
        pdf = os.path.join(self.home, f"{type_}.pdf")
        with open(pdf, "wb") as f:
            f.write(sample_pdf(1))
        r = self.sne("piece", "add", numero, pdf, "--type", type_, "--json", *extra)
        self.assertExit(r, 0)
        return r.json()["transaction"]



class Listing(PliTest):
    def test_json_is_one_array_with_codes_labels_and_deadline(self):
        r = self.sne("pli", "list", "--all", "--json")
        self.assertExit(r, 0)
        plis = r.json()
        self.assertEqual(len(plis), 15)
        self.assertEqual(r.err, "")
        first = plis[0]
        for key in ("transaction", "numero_unique", "date_transmission", "statut", "statut_label",
                    "date_statut", "contexte", "sla"):
            self.assertIn(key, first)
        self.assertIn(first["statut"], {"numerisation_en_cours", "rejet_pieces", "rejet_dossier",
                                        "enregistrement_complet", "non_applicable"})
        self.assertEqual(sorted(p["date_transmission"] for p in plis)[::-1],
                         [p["date_transmission"] for p in plis])
        # The seed's stuck plis were sent days ago: overdue.
        overdue = [p for p in plis if p["sla"]["overdue"]]
        self.assertTrue(overdue)
        self.assertTrue(all(p["statut"] == "numerisation_en_cours" for p in overdue))

    def test_filters(self):
        every = self.sne("pli", "list", "--all", "--json").json()
        r = self.sne("pli", "list", "--statut", "rejet-dossier", "--json")
        self.assertExit(r, 0)
        self.assertEqual([p["transaction"] for p in r.json()],
                         [p["transaction"] for p in every if p["statut"] == "rejet_dossier"])
        r = self.sne("pli", "list", "--contexte", "renouvellement", "--json")
        self.assertEqual([p["transaction"] for p in r.json()],
                         [p["transaction"] for p in every if p["contexte"] == "REN"])
        r = self.sne("pli", "list", "--numero", every[3]["numero_unique"].lower(), "--json")
        self.assertEqual({p["numero_unique"] for p in r.json()}, {every[3]["numero_unique"]})
        r = self.sne("pli", "list", "--overdue", "--json")
        self.assertEqual([p["transaction"] for p in r.json()],
                         [p["transaction"] for p in every if p["sla"]["overdue"]])
        day = every[5]["date_transmission"][:10]
        r = self.sne("pli", "list", "--since", day, "--until", day, "--json")
        self.assertEqual([p["transaction"] for p in r.json()],
                         [p["transaction"] for p in every if p["date_transmission"][:10] == day])
        r = self.sne("pli", "list", "--since", "2199-01-01", "--json")
        self.assertExit(r, 0)
        self.assertEqual(r.out, "[]\n")
        r = self.sne("pli", "list", "--since", "2999-01-01")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "--since", "out of range")

    def test_limit_says_more_follow(self):
        r = self.sne("pli", "list", "--limit", "3")
        self.assertExit(r, 0)
        self.assertEqual(len(r.out.splitlines()), 4)  # header and 3 rows
        self.assertIn("the first 3 plis; more match", r.err)
        r = self.sne("pli", "list", "--limit", "3", "--json")
        self.assertEqual(len(r.json()), 3)
        # In agreement with one: not "the first 1 plis".
        r = self.sne("pli", "list", "--limit", "1")
        self.assertExit(r, 0)
        self.assertIn("the first pli; more match: --limit N or --all", r.err)

    def test_pages_are_followed_across_the_service_limit(self):
        self.assertExit(self.sne("pli", "list", "--limit", "1"), 0)  # creates the sandbox
        self.assertExit(self.sne("sandbox", "seed", "--plis", "1200"), 0)
        r = self.sne("pli", "list", "--all", "--json")
        self.assertExit(r, 0)
        plis = r.json()
        self.assertEqual(len(plis), 1215)  # 500 a page: three pages
        self.assertEqual(len({p["transaction"] for p in plis}), 1215)
        keys = [(p["date_transmission"], p["transaction"]) for p in plis]
        self.assertEqual(keys, sorted(keys, reverse=True))
        r = self.sne("pli", "list", "--limit", "700", "--csv")
        self.assertEqual(len(r.out.splitlines()), 701)
        self.assertEqual([line.split(",")[0] for line in r.out.splitlines()[1:]],
                         [p["transaction"] for p in plis[:700]])

    def test_csv_has_a_header_codes_and_parses_back(self):
        r = self.sne("pli", "list", "--all", "--csv")
        self.assertExit(r, 0)
        rows = list(csv.DictReader(io.StringIO(r.out)))
        every = self.sne("pli", "list", "--all", "--json").json()
        self.assertEqual(len(rows), len(every))
        for row, p in zip(rows, every):
            self.assertEqual(row["transaction"], p["transaction"])
            self.assertEqual(row["statut"], p["statut"])
            self.assertEqual(row["date_transmission"], p["date_transmission"])
            self.assertEqual(row["overdue"], "true" if p["sla"]["overdue"] else "false")
            self.assertEqual(row["sla_due"], p["sla"]["due"])

    def test_bad_input(self):
        r = self.sne("pli", "list", "--statut", "perdu")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "perdu")
        r = self.sne("pli", "list", "--numero", "123")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "123")
        r = self.sne("pli", "list", "--since", "hier")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "--since", "hier")
        r = self.sne("pli", "list", "--since", "2026-02-01", "--until", "2026-01-01")
        self.assertExit(r, 6)
        r = self.sne("pli", "list", "--csv", "--json")
        self.assertExit(r, 2)
        r = self.sne("pli", "list", "--all", "--limit", "3")
        self.assertExit(r, 2)
        r = self.sne("pli", "list", "--limit", "0")
        self.assertExit(r, 2)


class Showing(PliTest):
    def test_a_rejected_pli_shows_its_pieces_reasons_history_and_deadline(self):
        every = self.sne("pli", "list", "--all", "--json").json()
        rejected = next(p for p in every if p["statut"] == "rejet_pieces")
        r = self.sne("pli", "show", rejected["transaction"], "--json")
        self.assertExit(r, 0)
        doc = r.json()
        self.assertEqual(doc["statut"], "rejet_pieces")
        self.assertTrue(any(p["resultat"] == "rejetee" and p["motif"] for p in doc["pieces"]))
        self.assertEqual([h["statut"] for h in doc["historique"]],
                         ["numerisation_en_cours", "rejet_pieces"])
        self.assertEqual(doc["sla"]["due"], rejected["sla"]["due"])
        self.assertFalse(doc["sla"]["overdue"])
        human = self.sne("pli", "show", rejected["transaction"])
        self.assertExit(human, 0)
        self.assertIn("Rejet d'une ou plusieurs pièces", human.out)
        self.assertIn("Échéance", human.out)
        self.assertIn("Historique", human.out)
        self.assertRegex(human.out, r"Transmis +\d{4}-\d\d-\d\d \d\d:\d\d UTC\n")

    def test_an_overdue_pli_says_by_how_many_jours_ouvres(self):
        every = self.sne("pli", "list", "--overdue", "--json").json()
        late = every[0]
        r = self.sne("pli", "show", late["transaction"])
        self.assertExit(r, 0)
        self.assertIn(f"EN RETARD de {late['sla']['days_late']} jour", r.out)

    def test_unknown_pli_is_not_found(self):
        r = self.sne("pli", "show", "zzzzzzzzzzzz")
        self.assertExit(r, 7)
        self.assertOneLineError(r, "zzzzzzzzzzzz")


class Watching(PliTest):
    def test_complete_exits_0_and_prints_the_change(self):
        self.assertExit(self.sne("sandbox", "numeriseur", "--delay", "4s"), 0)
        tx = self.add_piece()
        r = self.sne("pli", "watch", tx, "--interval", "1s", "--timeout", "30s", "--jsonl")
        self.assertExit(r, 0)
        events = [json.loads(line) for line in r.out.splitlines()]
        self.assertIsNone(events[0]["previous"])
        self.assertEqual(events[-1]["statut"], "enregistrement_complet")
        self.assertTrue(events[-1]["final"])
        # Seen en cours first, unless a very slow machine took 4 s to start watching.
        if events[0]["statut"] == "numerisation_en_cours":
            self.assertEqual(len(events), 2)
            self.assertEqual(events[1]["previous"], "numerisation_en_cours")
        else:
            self.assertEqual(len(events), 1)

    def test_a_rejection_exits_3(self):
        self.assertExit(self.sne("sandbox", "numeriseur", "--delay", "0s"), 0)
        good = self.add_piece()
        rejected = self.sne("pli", "list", "--statut", "rejet_dossier", "--json").json()[0]
        bad = rejected["transaction"]
        r = self.sne("pli", "watch", good, bad, "--interval", "1s", "--timeout", "30s", "--json")
        self.assertExit(r, 3)
        doc = r.json()
        self.assertEqual(doc["outcome"], "rejected")
        self.assertEqual([p["statut"] for p in doc["plis"]],
                         ["enregistrement_complet", "rejet_dossier"])
        human = self.sne("pli", "watch", good, bad, "--interval", "1s")
        self.assertExit(human, 3)
        self.assertIn("Rejet du dossier par le SNE", human.out)
        # Support staff read the numéro unique of the demande beside each transaction.
        [line] = [l for l in human.out.splitlines() if bad in l]
        self.assertIn(f"{bad}  {rejected['numero_unique']}  ", line)

    def test_timeout_exits_5(self):
        stuck = self.sne("pli", "list", "--statut", "numerisation_en_cours", "--json").json()[0]
        r = self.sne("pli", "watch", stuck["transaction"], "--interval", "1s", "--timeout", "2s")
        self.assertExit(r, 5)
        self.assertIn("gave up after 2s", r.err)

    def test_unknown_pli_and_bad_durations(self):
        r = self.sne("pli", "watch", "zzzzzzzzzzzz", "--timeout", "5s")
        self.assertExit(r, 7)
        self.assertOneLineError(r, "zzzzzzzzzzzz")
        r = self.sne("pli", "watch", "abc", "--interval", "0s")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "--interval")
        r = self.sne("pli", "watch", "abc", "--timeout", "soon")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "--timeout")
        r = self.sne("pli", "watch", "abc", "--jsonl", "--json")
        self.assertExit(r, 2)


class Stats(PliTest):
    def test_counters_match_the_list(self):
        every = self.sne("pli", "list", "--all", "--json").json()
        r = self.sne("pli", "stats", "--json")
        self.assertExit(r, 0)
        s = r.json()
        self.assertEqual(s["total"], len(every))
        for code, n in s["by_statut"].items():
            self.assertEqual(n, sum(1 for p in every if p["statut"] == code))
        self.assertEqual(s["rejected"], sum(1 for p in every
                                            if p["statut"] in ("rejet_pieces", "rejet_dossier")))
        self.assertEqual(s["renewed"], sum(1 for p in every if p["contexte"] == "REN"))
        self.assertEqual(s["overdue"], sum(1 for p in every if p["sla"]["overdue"]))
        self.assertEqual(s["late"], sum(1 for p in every if p["sla"]["late"]))
        times = sorted(p["sla"]["elapsed_jours_ouvres"] for p in every
                       if p["statut"] not in ("numerisation_en_cours", "non_applicable"))
        self.assertEqual(s["processed"], len(times))
        self.assertEqual(s["processing_jours_ouvres"]["median"], times[(len(times) + 1) // 2 - 1])
        human = self.sne("pli", "stats")
        self.assertExit(human, 0)
        self.assertIn("Dossiers rejetés", human.out)
        self.assertIn("médiane", human.out)

    def test_since_in_the_future_counts_nothing(self):
        r = self.sne("pli", "stats", "--since", "2199-12-31", "--json")
        self.assertExit(r, 0)
        self.assertEqual(r.json()["total"], 0)
        self.assertIsNone(r.json()["processing_jours_ouvres"]["median"])


class Deadlines(PliTest):
    def test_the_deadline_follows_the_sandbox_clock_around_easter(self):
        self.assertExit(self.sne("pli", "list", "--limit", "1"), 0)  # creates the sandbox
        self.assertExit(self.sne("sandbox", "numeriseur", "--delay", "24h"), 0)
        # Friday before Easter Monday 2025, in Hérault: due Wednesday 23 April.
        self.assertExit(self.sne("sandbox", "clock", "set", "2025-04-18T09:00:00Z"), 0)
        tx = self.add_piece()
        sla = self.sne("pli", "show", tx, "--json").json()["sla"]
        self.assertEqual((sla["sent"], sla["due"], sla["done"]), ("2025-04-18", "2025-04-23", None))
        self.assertFalse(sla["overdue"])
        # A week later: the numériseur filed it 24 hours after transmission, on Saturday.
        self.assertExit(self.sne("sandbox", "clock", "set", "2025-04-25T10:00:00Z"), 0)
        shown = self.sne("pli", "show", tx, "--json").json()
        self.assertEqual(shown["statut"], "enregistrement_complet")
        self.assertEqual(shown["sla"]["done"], "2025-04-19")
        self.assertEqual(shown["sla"]["elapsed_jours_ouvres"], 0)
        self.assertFalse(shown["sla"]["late"])
        # The seed's stuck plis, seen from that week, are in the future: never overdue.
        self.assertEqual(self.sne("pli", "list", "--overdue", "--json").json(), [])


class OverHttp(PliTest):
    def test_list_show_and_watch_through_the_server(self):
        _, ep = signed_in_server(self)
        served = self.sne(*ep, "pli", "list", "--all", "--json")
        self.assertExit(served, 0)
        self.assertEqual(len(served.json()), 15)
        self.assertTrue(any(p["sla"]["overdue"] for p in served.json()))
        tx = served.json()[0]["transaction"]
        self.assertExit(self.sne(*ep, "pli", "show", tx), 0)
        self.assertExit(self.sne(*ep, "pli", "watch", tx, "--timeout", "10s"), 0)
        self.assertExit(self.sne(*ep, "pli", "show", "zzzzzzzzzzzz"), 7)


if __name__ == "__main__":
    unittest.main()
