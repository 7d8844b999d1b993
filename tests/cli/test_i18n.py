"""sne speaks the user's language (po/, gettext's domain "sne"): French with LANG=fr_FR.UTF-8,
even where that locale is not installed; English by default and under LC_ALL=C; the --json
output the same bytes in both."""

import json
import os
import re
import sqlite3
import subprocess
import unittest
import zlib
import struct

from sne_cli import SOURCE_DIR, CliTest, sample_pdf

FRENCH = {"LANG": "fr_FR.UTF-8"}

class Language(CliTest):
    def setUp(self):
        super().setUp()
        for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
            self.env.pop(name, None)

    def test_an_error_in_french_and_in_english(self):
        args = ("--endpoint", "bogus", "pli", "list")
        english = self.sne(*args)
        self.assertExit(english, 6)
        self.assertOneLineError(english, "endpoint 'bogus'")
        french = self.sne(*args, env=FRENCH)
        self.assertExit(french, 6)
        self.assertTrue(french.err.startswith("sne : erreur : "), french)
        self.assertNotIn("sne: error:", french.err)

    def test_the_language_follows_gettexts_variables(self):
        args = ("--endpoint", "bogus", "pli", "list")
        for env, french in (({"LC_ALL": "fr_FR.UTF-8"}, True),
                            ({"LC_MESSAGES": "fr_FR.UTF-8"}, True),
                            ({"LANG": "C.UTF-8", "LANGUAGE": "fr"}, True),
                            ({"LANG": "fr_FR.UTF-8", "LC_ALL": "C"}, False),
                            ({"LANG": "fr_FR.UTF-8", "LC_MESSAGES": "C"}, False),
                            ({"LANG": "de_DE.UTF-8"}, False),
                            ({}, False)):
            with self.subTest(env=env):
                r = self.sne(*args, env=env)
                self.assertEqual(r.err.startswith("sne : erreur : "), french, r)
                self.assertEqual(r.err.startswith("sne: error: "), not french, r)

    def test_json_is_the_same_bytes_in_both_languages(self):
        for args in (("--json", "--endpoint", "bogus", "pli", "list"),
                     ("--json", "numero", "check", "0340523004101G3401", "12"),
                     ("--json", "pli", "list", "--limit", "2")):
            with self.subTest(args=args):
                english, french = self.sne(*args), self.sne(*args, env=FRENCH)
                self.assertEqual(english.code, french.code)
                self.assertTrue(english.out)
                self.assertEqual(english.out, french.out)

    def test_french_without_the_locale_installed(self):
        # Where fr_FR.UTF-8 is generated, this is the ordinary case; where it is not (a fresh
        # Debian machine, this one), sne uses C.UTF-8 and hands the language to gettext.
        installed = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout
        r = self.sne("--endpoint", "bogus", "pli", "list", env=FRENCH)
        self.assertTrue(r.err.startswith("sne : erreur : "),
                        f"{r}\nlocales installed: {installed.split()}")



class PiecesInFrench(CliTest):
    """The slice of pli, piece, dossier, fiche and bulk: help, headers, summaries, notes and
    usage errors in French; their --json the same bytes in both languages."""

    def setUp(self):
        super().setUp()
        for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
            self.env.pop(name, None)

    def both(self, *args, stdin=None):
        english = self.sne(*args, stdin=stdin)
        french = self.sne(*args, stdin=stdin, env=FRENCH)
        self.assertEqual(english.code, french.code, (english, french))
        return english, french

    def assertSameJson(self, *args, timing=False):
        english, french = self.both("--json", *args)
        self.assertTrue(english.out, english)
        out_en, out_fr = english.out, french.out
        if timing:  # a run's duration and rates differ from run to run, in any language
            times = re.compile(r'"(duration_ms|plis_per_second|bytes_per_second)": [-0-9.e+]+')
            out_en, out_fr = times.sub(r"\1", out_en), times.sub(r"\1", out_fr)
        self.assertEqual(out_en, out_fr)
        return english

    def sandbox_numero(self):
        self.assertExit(self.sne("auth", "status"), 0)  # creates and seeds the sandbox
        db = os.path.join(self.home, ".local/share/sne/sandbox.db")
        with sqlite3.connect(db) as con:
            return con.execute("SELECT numero FROM plis WHERE guichet = 'G3401' "
                               "ORDER BY date_transmission DESC LIMIT 1").fetchone()[0]

    def test_pli_help(self):
        english, french = self.both("pli", "--help")
        self.assertExit(french, 0)
        self.assertIn("List the plis sent by the current guichet", english.out)
        self.assertIn("Lister les plis envoyés par le guichet courant", french.out)
        self.assertIn("Suivre les plis : le tableau de bord", french.out)
        self.assertNotIn("List the plis", french.out)
        english, french = self.both("pli", "list", "--help")
        self.assertIn("Seulement les plis encore en cours après leur échéance", french.out)
        self.assertIn("--overdue", french.out)  # option names are never translated

    def test_pli_list_headers_and_note(self):
        english, french = self.both("pli", "list", "--limit", "2")
        self.assertExit(french, 0)
        header = french.out.splitlines()[0].split()
        self.assertEqual(header[:4], ["TRANSACTION", "N°", "UNIQUE", "TRANSMIS"])
        self.assertIn("DÉLAI", header)
        self.assertIn("the first 2 plis; more match: --limit N or --all", english.err)
        self.assertIn("sne : note : les 2 premiers plis ; d'autres correspondent : --limit N ou "
                      "--all", french.err)
        english, french = self.both("pli", "list", "--limit", "1")
        self.assertIn("le premier pli ; d'autres correspondent", french.err)
        self.assertSameJson("pli", "list", "--all")

    def test_pli_usage_error_and_hint(self):
        english, french = self.both("pli", "list", "--csv", "--json")
        self.assertExit(french, 2)
        self.assertOneLineError(english, "--csv and --json cannot be used together")
        self.assertIn("sne : erreur : --csv et --json ne peuvent pas être utilisés ensemble",
                      french.err)
        self.assertIn("conseil : choisir un seul format", french.err)
        self.assertEqual(english.out, french.out)  # the error object stays English
        self.assertIn('"message": "--csv and --json cannot be used together"', french.out)

    def test_piece_check_of_a_bad_file(self):
        bad = self.write("bad.pdf", "not a pdf")
        english, french = self.both("piece", "check", bad, bad)
        self.assertExit(french, 6)
        self.assertIn("2 files: 0 ok, 0 with warnings, 2 rejected", english.out)
        self.assertTrue(english.out.startswith("rejected "), english)
        self.assertIn("2 fichiers : 0 conforme(s), 0 avec avertissement(s), 2 rejeté(s)",
                      french.out)
        self.assertTrue(french.out.startswith("rejeté "), french)
        self.assertIn("  ✗ unknown_format : ", french.out)  # the code as --json gives it
        self.assertSameJson("piece", "check", bad, "--type", "bulletins_salaire")
        self.assertSameJson("piece", "check", bad, "--type", "nope")

    def test_dossier_show_and_clean_dry_run(self):
        numero = self.sandbox_numero()
        english, french = self.both("dossier", "show", numero)
        self.assertExit(french, 0)
        # The view speaks the PWP's words in both languages.
        self.assertEqual(english.out, french.out)
        self.assertIn(f"Demande {numero} — ", french.out)
        self.assertIn("VALIDITÉ", french.out)
        args = ("dossier", "clean", numero, "--for", "bulletins_salaire", "--dry-run")
        english, french = self.both(*args)
        self.assertExit(french, 0)
        self.assertIn(f"Demande {numero}: making room for 1 × bulletins_salaire", english.out)
        self.assertIn("Dry run: nothing deleted.", english.out)
        self.assertIn(f"Demande {numero} : place à faire pour 1 × bulletins_salaire", french.out)
        self.assertIn("\nÀ supprimer\n", french.out)
        self.assertIn("Essai à blanc : rien supprimé.", french.out)
        self.assertNotIn("Dry run", french.out)
        self.assertSameJson(*args)
        self.assertSameJson("dossier", "show", numero)

    def test_fiche_create_summary(self):
        guichet = ("--guichet", "PWP01", "--siret", "13002072000038", "--territoire", "999",
                   "--date-generation", "2024-01-15")
        out = os.path.join(self.home, "fiche.pdf")
        args = ("fiche", "create", "--numero", "0340819000040PWP01", "--contexte", "ajout",
                *guichet, "-o", out)
        english, french = self.both(*args)
        self.assertExit(french, 0)
        size = os.path.getsize(out)
        self.assertGreater(size, 999)
        self.assertEqual(english.out, f"{out}: fiche de transmission for 0340819000040PWP01 "
                                      f"(Ajout), {size} bytes\n")
        grouped = f"{size:,}".replace(",", "\u00a0")  # French: a no-break space by thousands
        self.assertEqual(french.out, f"{out} : fiche de transmission de la demande "
                                     f"0340819000040PWP01 (Ajout), {grouped} octets\n")
        self.assertSameJson(*args)
        # A usage error made by the program: French for a human, English in JSON.
        missing = ("fiche", "create", "--numero", "0340819000040PWP01", "--contexte", "ajout",
                   "-o", out)
        english, french = self.both(*missing)
        self.assertExit(french, 6)
        self.assertOneLineError(english, "guichet: not given; pass --guichet or set 'guichet'")
        self.assertIn("sne : erreur : guichet : non renseigné ; indiquer --guichet ou définir "
                      "'guichet' dans le profil", french.err)
        self.assertSameJson(*missing)

    def test_bulk_summary(self):
        numero = self.sandbox_numero()
        with open(os.path.join(self.home, "a.pdf"), "wb") as f:
            f.write(sample_pdf(1))
        manifest = self.write("m.csv", "type,numero_unique,files\n"
                                       f"quittance_loyer,{numero},a.pdf\n"
                                       f"quittance_loyer,{numero},missing.pdf\n")
        english, french = self.both("bulk", "check", manifest)
        self.assertExit(french, 3)
        self.assertIn("2 rows: 1 would be sent, 0 already sent, 1 failed, 0 to retry — ",
                      english.out)
        self.assertIn("row 2 ", english.out)
        self.assertIn("2 lignes : 1 à envoyer, 0 déjà envoyée(s), 1 en échec, 0 à reprendre — ",
                      french.out)
        self.assertIn("ligne 2 ", french.out)
        self.assertRegex(english.out, r"— \d+\.\d s\n")
        self.assertRegex(french.out, r"— \d+,\d s\n")  # a decimal comma
        self.assertSameJson("bulk", "check", manifest, timing=True)
        english, french = self.both("bulk", "status")
        self.assertExit(french, 7)
        self.assertIn("sne : erreur : aucun journal dans ", french.err)
        self.assertSameJson("bulk", "status")


class TicketSandboxCompletion(CliTest):
    """sne ticket, sne sandbox and sne completion in French (issue 20's slice): help, headers,
    human lines and errors French under LANG=fr_FR.UTF-8, English without it; --json the same
    bytes in both; the completion scripts English unless the user's language is French."""

    NBSP = "\u00a0"

    def setUp(self):
        super().setUp()
        for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
            self.env.pop(name, None)

    def both(self, *args):
        return self.sne(*args), self.sne(*args, env=FRENCH)

    def test_ticket_help_in_french(self):
        english, french = self.both("ticket", "--help")
        self.assertExit(english, 0)
        self.assertExit(french, 0)
        self.assertIn("Support tickets in GLPI: open, follow, comment, attach", english.out)
        self.assertIn("Tickets d'assistance dans GLPI : ouvrir, suivre, commenter, joindre",
                      french.out)
        self.assertIn("Afficher vos tickets, le dernier modifié en premier", french.out)
        self.assertNotIn("List your tickets", french.out)
        options = self.sne("ticket", "close", "--help", env=FRENCH)
        self.assertIn("Lire la solution dans FILE", options.out)
        self.assertIn("--solution-file FILE", options.out)  # value names stay as typed

    def test_ticket_list_headers_and_notes_in_french_against_the_sandboxs_glpi(self):
        for title in ("Question 1", "Question 2"):
            r = self.sne("ticket", "create", "--category", "Toute autre question fonctionnelle",
                         "--title", title, "--body", "Bonjour", "--json")
            self.assertExit(r, 0)
        english, french = self.both("ticket", "list")
        self.assertExit(french, 0)
        self.assertEqual(english.out.splitlines()[0].split(),
                         ["ID", "STATUS", "UPDATED", "CATEGORY", "TITLE"])
        self.assertEqual(french.out.splitlines()[0].split(),
                         ["ID", "STATUT", "MODIFIÉ", "CATÉGORIE", "TITRE"])
        # The rows are GLPI's data: the same in both languages (GLPI's status labels are French).
        self.assertEqual(english.out.splitlines()[1:], french.out.splitlines()[1:])
        english, french = self.both("ticket", "list", "--limit", "1")
        self.assertIn("sne: note: the latest of 2 tickets: --limit N or --all", english.err)
        self.assertIn("sne : note : le dernier sur 2 tickets : --limit N ou --all", french.err)
        english, french = self.both("ticket", "show", "1")
        self.assertIn("Status", english.out)
        self.assertRegex(french.out, r"(?m)^Statut +Nouveau$")
        self.assertRegex(french.out, r"(?m)^Ouvert le +\d{4}-\d\d-\d\d \d\d:\d\d UTC$")
        for args in (("--json", "ticket", "list"), ("--json", "ticket", "show", "1"),
                     ("--json", "ticket", "categories")):
            with self.subTest(args=args):
                english, french = self.both(*args)
                self.assertExit(english, 0)
                self.assertEqual(english.out, french.out)

    def test_a_ticket_usage_error_in_french_with_its_json_in_english(self):
        english, french = self.both("ticket", "close", "1")
        self.assertExit(french, 2)
        self.assertOneLineError(english, "ticket close needs a solution")
        self.assertIn("sne : erreur : ticket close demande une solution\n", french.err)
        self.assertIn("conseil : indiquez --solution TEXT ou --solution-file FILE\n", french.err)
        english, french = self.both("--json", "ticket", "close", "1")
        self.assertExit(french, 2)
        self.assertEqual(english.out, french.out)
        self.assertEqual(french.json()["error"],
                         {"code": "usage", "message": "ticket close needs a solution"})
        self.assertIn("sne : erreur : ticket close demande une solution", french.err)
        # An error of the program's own that --json prints: English there, French on stderr.
        empty = self.write("empty.txt", "")
        english, french = self.both("--json", "ticket", "comment", "1", "--body-file", empty)
        self.assertExit(french, english.code)
        self.assertEqual(english.out, french.out)
        self.assertIn("no text: give --body TEXT", french.json()["error"]["message"])
        self.assertIn("sne : erreur : aucun texte : indiquez --body TEXT", french.err)

    def test_sandbox_help_in_french(self):
        english, french = self.both("sandbox", "--help")
        self.assertExit(french, 0)
        self.assertIn("The embedded sandbox: serve it over HTTP", english.out)
        self.assertIn("Le bac à sable intégré : le servir en HTTP", french.out)
        self.assertIn("Afficher l'horloge du bac à sable", french.out)
        faults = self.sne("sandbox", "faults", "--help", env=FRENCH)
        self.assertIn("Retarder chaque réponse de MS millisecondes", faults.out)

    def test_sandbox_summaries_in_french_with_french_numbers(self):
        english = self.sne("sandbox", "seed", "--plis", "1200", "--days", "30")
        french = self.sne("sandbox", "seed", "--plis", "1200", "--days", "30", env=FRENCH)
        self.assertExit(french, 0)
        self.assertRegex(english.out, r"^Added 1200 plis for guichet G3401, transmitted from ")
        self.assertRegex(french.out, r"^1\u00a0200 plis ajoutés pour le guichet G3401, transmis du ")
        self.assertRegex(french.out, r"\nEnvoyés à \d[\d\u00a0]* demandes du territoire 034 ")
        english, french = self.both("sandbox", "glpi")
        self.assertIn("Document uploads take files of up to 10485760 bytes.", english.out)
        self.assertIn(f"d'au plus 10{self.NBSP}485{self.NBSP}760 octets.", french.out)
        change = ("--error-rate", "0.25", "--latency", "1500", "--rate-limit", "2.5")
        english = self.sne("sandbox", "faults", *change)
        french = self.sne("sandbox", "faults", *change, env=FRENCH)
        self.assertIn("0.25 of requests answered 503, nothing done", english.out)
        self.assertIn("Pannes simulées sur les requêtes de /v1/", french.out)
        self.assertRegex(french.out, r"(?m)^erreurs +0,25 des requêtes reçoivent la réponse 503")
        self.assertRegex(french.out, f"(?m)^latence +chaque réponse retardée de 1{self.NBSP}500 ms$")
        self.assertRegex(french.out, r"(?m)^limite de débit +2,5 créations de plis par seconde")
        for args in (("--json", "sandbox", "faults"), ("--json", "sandbox", "glpi"),
                     ("--json", "sandbox", "clock"), ("--json", "sandbox", "numeriseur")):
            with self.subTest(args=args):
                english, french = self.both(*args)
                self.assertExit(english, 0)
                self.assertEqual(english.out, french.out)

    def test_a_sandbox_error_in_french_with_its_json_in_english(self):
        english, french = self.both("--json", "sandbox", "glpi", "--max-upload", "x")
        self.assertExit(french, 6)
        self.assertEqual(english.out, french.out)
        self.assertEqual(french.json()["error"]["message"],
                         "--max-upload: 'x' is not a number of bytes")
        self.assertIn("sne : erreur : --max-upload : 'x' n'est pas un nombre d'octets", french.err)
        french = self.sne("sandbox", "seed", env=FRENCH)
        self.assertExit(french, 2)
        self.assertIn("sne : erreur : --plis N ou --demandes N est obligatoire", french.err)

    def test_completion_scripts_are_english_unless_the_user_speaks_french(self):
        files = {"bash": "sne.bash", "zsh": "_sne", "fish": "sne.fish"}
        english = {}
        for shell, name in files.items():
            with self.subTest(shell=shell):
                english[shell] = self.sne("completion", shell)
                self.assertExit(english[shell], 0)
                with open(os.path.join(SOURCE_DIR, "completions", name), encoding="utf-8") as f:
                    self.assertEqual(english[shell].out, f.read())
        # bash's script has no descriptions: the same in French. zsh's and fish's describe the
        # commands in the user's language, line for line the same script otherwise.
        french = {shell: self.sne("completion", shell, env=FRENCH) for shell in files}
        self.assertEqual(french["bash"].out, english["bash"].out)
        # (assertTrue: a failure would print the whole script)
        self.assertTrue("'list:Afficher vos tickets, le dernier modifié en premier'"
                        in french["zsh"].out, "zsh: no French description of 'ticket list'")
        self.assertTrue("-a list -d 'Afficher vos tickets, le dernier modifié en premier'"
                        in french["fish"].out, "fish: no French description of 'ticket list'")
        for shell in ("zsh", "fish"):
            self.assertFalse("List your tickets" in french[shell].out, f"{shell}: English left")
            self.assertEqual(len(french[shell].out.splitlines()),
                             len(english[shell].out.splitlines()))
        english, french = self.both("--json", "completion", "bash")
        self.assertExit(french, 2)
        self.assertEqual(english.out, french.out)
        self.assertEqual(french.json()["error"]["message"],
                         "sne completion prints a shell script, not JSON")
        self.assertIn("sne : erreur : sne completion affiche un script shell, pas du JSON\n",
                      french.err)
        self.assertIn("conseil : retirez --json : sne completion bash\n", french.err)


class CoreInFrench(CliTest):
    """The program's core and small nouns (issue 20): CLI11's help and usage errors, auth,
    account, config, doctor, calendar, numero and siret, in French; English unchanged; --json
    the same bytes."""

    def setUp(self):
        super().setUp()
        for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
            self.env.pop(name, None)

    def both(self, *args, stdin=None):
        english = self.sne(*args, stdin=stdin)
        french = self.sne(*args, stdin=stdin, env=FRENCH)
        return english, french

    def test_the_help_and_cli11s_own_words_in_french(self):
        english, french = self.both("--help")
        self.assertExit(french, 0)
        for text in ("Pièces justificatives, plis et fiches de transmission du SNE",
                     "Utilisation : sne [OPTIONS] SOUS-COMMANDE", "\nOptions :\n",
                     "\nSous-commandes :\n", "-h,--help                   Afficher cette aide",
                     "Afficher un document JSON sur la sortie standard",
                     "-q,--quiet Exclut : --verbose", "--config FILE ",
                     "Vérifier l'installation", "Numéros uniques des demandes"):
            self.assertIn(text, french.out)
        for text in ("Usage:", "Subcommands:", "Print this help", "Print one JSON"):
            self.assertNotIn(text, french.out)
        for text in ("Usage: sne [OPTIONS] SUBCOMMAND", "\nOptions:\n", "\nSubcommands:\n",
                     "Print this help message and exit", "-q,--quiet Excludes: --verbose"):
            self.assertIn(text, english.out)
        # Hidden commands stay hidden in both.
        self.assertNotIn("__complete", english.out)
        self.assertNotIn("__complete", french.out)

        noun = self.sne("numero", "--help", env=FRENCH)
        self.assertIn("Utilisation : sne numero [OPTIONS] SOUS-COMMANDE", noun.out)
        self.assertIn("check                       Valider des numéros uniques", noun.out)
        self.assertIn("Options globales : --json", noun.out)
        self.assertIn("--config FICHIER", noun.out)

        verb = self.sne("numero", "check", "--help", env=FRENCH)
        self.assertExit(verb, 0)
        for text in ("Valider des numéros uniques et afficher leurs parties",
                     "Utilisation : sne numero check [OPTIONS] NUMERO...", "\nArguments :\n",
                     "NUMERO TEXTE ... OBLIGATOIRE", "Valeurs à vérifier", "\nOptions :\n",
                     "Afficher cette aide et quitter"):
            self.assertIn(text, verb.out)
        english = self.sne("numero", "check", "--help")
        self.assertIn("NUMERO TEXT ... REQUIRED", english.out)
        self.assertIn("Positionals:", english.out)

    def test_usage_errors_in_french_their_json_in_english(self):
        cases = (
            (("--bogus", "numero", "check", "1"), "argument inattendu --bogus",
             "unexpected argument --bogus", "voir 'sne numero check --help'"),
            (("auth", "login"), "--email est obligatoire", "--email is required",
             "voir 'sne auth login --help'"),
            (("numero", "chek"), "argument inattendu chek", "unexpected argument chek",
             "vouliez-vous dire 'sne numero check' ?"),
            (("account", "notifications", "--daily-mail", "maybe"),
             "--daily-mail : maybe ne fait pas partie de {on,off}",
             "--daily-mail: maybe not in {on,off}", "voir 'sne account notifications --help'"),
            (("calendar", "holidays", "abc"), "Valeur invalide : YEAR = abc",
             "Could not convert: YEAR = abc", None),
            (("-v", "-q", "numero", "check", "1"), "--verbose ne se combine pas avec --quiet",
             "--verbose excludes --quiet", None),
            (("calendar", "add", "2026-01-01"), "N est obligatoire", "N is required", None),
        )
        for args, french_message, english_message, french_hint in cases:
            with self.subTest(args=args):
                english, french = self.both(*args)
                self.assertExit(english, 2)
                self.assertExit(french, 2)
                self.assertOneLineError(english, english_message)
                self.assertIn(f"sne : erreur : {french_message}\n", french.err)
                if french_hint:
                    self.assertIn(f"conseil : {french_hint}\n", french.err)
                english, french = self.both("--json", *args)
                self.assertEqual(english.out, french.out)
                self.assertEqual(english.json()["error"],
                                 {"code": "usage", "message": english_message})
                self.assertIn(f"sne : erreur : {french_message}", french.err)

    def test_a_missing_subcommand_shows_the_help_in_french(self):
        r = self.sne("numero", env=FRENCH)
        self.assertExit(r, 2)
        self.assertIn("Utilisation : sne numero [OPTIONS] SOUS-COMMANDE", r.err)
        self.assertIn("sne : erreur : Une sous-commande est obligatoire", r.err)

    def test_numero_and_siret_check_tables_in_french(self):
        args = ("numero", "check", "0340523004101G3401", "12")
        english, french = self.both(*args)
        self.assertExit(french, 6)
        self.assertEqual(french.out.splitlines()[0].split(), ["ENTRÉE", "VALIDE", "DÉTAILS"])
        self.assertEqual(english.out.splitlines()[0].split(), ["INPUT", "VALID", "DETAILS"])
        self.assertIn(" oui ", french.out)
        self.assertRegex(french.out, r"\n12 +non ")
        english, french = self.both("--json", *args)
        self.assertEqual(english.out, french.out)
        english, french = self.both("--json", "siret", "check", "35600000000048", "1")
        self.assertEqual(english.out, french.out)

    def test_auth_and_account_in_french(self):
        r = self.sne("auth", "status", env=FRENCH)
        self.assertExit(r, 0)
        for label in ("Point d'accès", "Connecté en tant que", "Rôle", "Guichet", "Session"):
            self.assertRegex(r.out, rf"(?m)^{label} +")
        self.assertNotIn("Signed in as", r.out)
        english, french = self.both("--json", "auth", "status")
        self.assertEqual(english.out, french.out)

        r = self.sne("auth", "login", "--email", "referent@sandbox.sne.test", "--password-stdin",
                     stdin="sandbox\n", env=FRENCH)
        self.assertExit(r, 0)
        self.assertRegex(r.out, r"^Connecté en tant que referent@sandbox.sne.test sur .* "
                                r"jusqu'au \d{4}-\d\d-\d\d \d\d:\d\d UTC\.\n$")
        r = self.sne("auth", "login", "--email", "referent@sandbox.sne.test", env=FRENCH)
        self.assertExit(r, 2)
        self.assertIn("sne : erreur : aucun terminal où demander le mot de passe\n"
                      "conseil : transmettez-le par un tube avec --password-stdin", r.err)

        r = self.sne("account", "profile", env=FRENCH)
        self.assertRegex(r.out, r"(?m)^Courriel +referent@sandbox.sne.test$")
        self.assertRegex(r.out, r"(?m)^Mail quotidien +(oui|non)$")
        english, french = self.both("--json", "account", "profile")
        self.assertEqual(english.out, french.out)
        r = self.sne("account", "notifications", "--daily-mail", "on", env=FRENCH)
        self.assertEqual(r.out, "Courriel de notification quotidien : activé.\n")
        r = self.sne("account", "notifications", "--daily-mail", "on")
        self.assertEqual(r.out, "Daily notification e-mail: on.\n")
        r = self.sne("account", "guichet", env=FRENCH)
        self.assertEqual(r.out.splitlines()[0].split(), ["CODE", "NOM", "SIRET", "TERRITOIRE"])

    def test_config_in_french(self):
        r = self.sne("config", "list", env=FRENCH)
        self.assertExit(r, 0)
        self.assertEqual(r.out.splitlines()[0].split(), ["CLÉ", "VALEUR", "SOURCE"])
        self.assertRegex(r.out, r"(?m)^endpoint +sandbox +par défaut$")
        self.assertIn("sne : note : profil 'default' : aucun fichier de configuration à ", r.err)
        english = self.sne("config", "list")
        self.assertRegex(english.out, r"(?m)^endpoint +sandbox +default$")
        english, french = self.both("--json", "config", "list")
        self.assertEqual(english.out, french.out)

        english, french = self.both("config", "get", "glpi_url")
        self.assertExit(french, 7)
        self.assertIn("sne : erreur : glpi_url : non définie dans le profil 'default' "
                      "(aucun fichier de configuration)\n"
                      "conseil : définissez-la avec 'sne config set CLÉ VALEUR'\n", french.err)
        self.assertOneLineError(english, "glpi_url: not set in profile 'default' "
                                         "(no configuration file)")
        english, french = self.both("--json", "config", "get", "glpi_url")
        self.assertEqual(english.out, french.out)
        self.assertIn("not set in profile", english.json()["error"]["message"])

        r = self.sne("config", "set", "departement", "34", env=FRENCH)
        self.assertExit(r, 0)
        self.assertRegex(r.out, r"^departement définie dans le profil 'default' de .*config\.toml\.\n$")

    def test_doctor_in_french_its_json_in_english(self):
        r = self.sne("doctor", env=FRENCH)
        self.assertExit(r, 0)
        lines = r.out.splitlines()
        self.assertEqual(lines[-1], "Aucun problème trouvé.")
        self.assertIn("(non faite)", r.out)
        self.assertNotIn("(skipped)", r.out)
        # A failure: the hint in French for a human, in English in --json.
        self.write(".local/share/sne/sandbox.db", "not a database")
        r = self.sne("doctor", env=FRENCH)
        self.assertExit(r, 1)
        self.assertRegex(r.out, r"✗ sandbox .* — conseil : 'sne sandbox reset' refait les données")
        self.assertRegex(r.out.splitlines()[-1],
                         r"^(1 problème trouvé|\d+ problèmes trouvés) ; le premier, sandbox, "
                         r"donne le code de sortie 1\.$")
        english = json.loads(self.sne("doctor", "--json").out)
        french = json.loads(self.sne("doctor", "--json", env=FRENCH).out)
        for doc in (english, french):
            sandbox = [c for c in doc["checks"] if c["name"] == "sandbox"][0]
            self.assertTrue(sandbox["hint"].startswith("'sne sandbox reset' makes the demo data"))
        self.assertEqual([(c["name"], c["status"], c["hint"], c["exit_code"])
                          for c in english["checks"]],
                         [(c["name"], c["status"], c["hint"], c["exit_code"])
                          for c in french["checks"]])

    def test_calendar_in_french(self):
        r = self.sne("calendar", "holidays", "2026", env=FRENCH)
        self.assertExit(r, 0)
        self.assertEqual(r.out.splitlines()[0].split(), ["DATE", "JOUR", "NOM"])
        r = self.sne("calendar", "holidays", "1200", env=FRENCH)
        self.assertExit(r, 6)
        self.assertIn("sne : erreur : l'année 1200 n'est pas entre 1583 et 9999", r.err)
        english, french = self.both("--json", "calendar", "holidays", "1200")
        self.assertEqual(english.out, french.out)
        self.assertIn("year 1200 is not 1583-9999", english.out)
        english, french = self.both("--json", "calendar", "between", "2026-01-01", "2026-12-31")
        self.assertEqual(english.out, french.out)


class LibraryMessages(CliTest):
    """libsne's own messages (issue 20, the domain, the preflight, the endpoint): English in
    --json, French for a human under LANG=fr_FR.UTF-8."""

    def setUp(self):
        super().setUp()
        for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
            self.env.pop(name, None)

    def test_a_library_error_on_stderr_in_french(self):
        args = ("--endpoint", "http://example.org", "pli", "list")
        english = self.sne(*args)
        self.assertExit(english, 6)
        self.assertOneLineError(english, "endpoint 'http://example.org': plain http://")
        french = self.sne(*args, env=FRENCH)
        self.assertExit(french, 6)
        self.assertIn("point d'accès 'http://example.org' : http:// simple enverrait", french.err)
        self.assertNotIn("plain http://", french.err)

    def test_json_of_checks_is_the_same_bytes_in_both_languages(self):
        bad = self.write("bad.pdf", "not a piece")
        for args in (("--json", "numero", "check", "BAD", "0341323004101G3401"),
                     ("--json", "siret", "check", "73282932000075"),
                     ("--json", "piece", "check", bad)):
            with self.subTest(args=args):
                english, french = self.sne(*args), self.sne(*args, env=FRENCH)
                self.assertEqual(english.code, french.code)
                self.assertTrue(english.out)
                self.assertEqual(english.out, french.out)
                self.assertNotIn("caract", english.out)
                self.assertNotIn("ni un PDF", english.out)

    # cli/commands.cpp (check_each) prints the error's message in the DETAILS cell without
    # sne::localized(): until it does, the details stay English under LANG=fr_FR.UTF-8.
    def test_numero_check_details_in_french(self):
        english = self.sne("numero", "check", "BAD")
        self.assertExit(english, 6)
        self.assertIn("3 characters, expected 18", english.out)
        french = self.sne("numero", "check", "BAD", env=FRENCH)
        self.assertExit(french, 6)
        self.assertIn("3 caractères, 18 attendus", french.out)
        self.assertNotIn("expected 18", french.out)

    # cli/piece.cpp (check) prints a finding's message without sne::localized(): until it does,
    # the findings stay English under LANG=fr_FR.UTF-8.
    def test_piece_check_findings_in_french(self):
        bad = self.write("bad.pdf", "not a piece")
        english = self.sne("piece", "check", bad)
        self.assertIn("unknown_format: not a PDF, JPEG or PNG file", english.out)
        french = self.sne("piece", "check", bad, env=FRENCH)
        self.assertEqual(english.code, french.code)
        self.assertIn("unknown_format : ni un PDF, ni un JPEG, ni un PNG (le format est lu dans "
                      "le contenu, pas dans le nom)", french.out)

    def test_pack_table_and_error_in_french(self):
        png = os.path.join(self.home, "scan.png")
        with open(png, "wb") as f:
            f.write(gray_png(200, 100))
        english = self.sne("piece", "pack", png, "-o", os.path.join(self.home, "en.pdf"))
        self.assertExit(english, 0)
        self.assertIn("png IDAT copied", english.out)
        french = self.sne("piece", "pack", png, "-o", os.path.join(self.home, "fr.pdf"),
                          env=FRENCH)
        self.assertExit(french, 0)
        self.assertIn("PNG, IDAT copiés", french.out)
        self.assertNotIn("copied", french.out)

        text = self.write("note.png", "not an image")
        english = self.sne("piece", "pack", text, "-o", os.path.join(self.home, "x.pdf"))
        self.assertOneLineError(english, "not a JPEG or PNG image")
        french = self.sne("piece", "pack", text, "-o", os.path.join(self.home, "x.pdf"), env=FRENCH)
        self.assertEqual(english.code, french.code)
        self.assertIn("pas une image JPEG ou PNG", french.err)
        self.assertTrue(french.err.startswith("sne : erreur : "), french)

    def test_doctor_json_english_in_both_languages(self):
        # The timings ("12 ms") differ from run to run; everything else is the same bytes. A
        # first run makes the sandbox's database, which the next two then find.
        self.sne("--json", "doctor")
        english = self.sne("--json", "doctor")
        french = self.sne("--json", "doctor", env=FRENCH)
        self.assertEqual(english.code, french.code)
        self.assertIn("embedded sandbox at ", english.out)
        ms = re.compile(r"\d+ ms")
        self.assertEqual(ms.sub("N ms", english.out), ms.sub("N ms", french.out))

    # cli/doctor.cpp prints a check's detail without sne::localized(): until it does, the
    # details stay English under LANG=fr_FR.UTF-8.
    def test_doctor_details_in_french(self):
        french = self.sne("doctor", env=FRENCH)
        self.assertIn("bac à sable intégré dans ", french.out)
        self.assertNotIn("demo data, not the real SNE", french.out)


def gray_png(width, height):
    """An 8-bit grey PNG, no interlace, no alpha: what piece pack copies as it is."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = b"".join(b"\x00" + bytes((x * 255 // width) for x in range(width))
                    for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)) +
            chunk(b"pHYs", struct.pack(">IIB", 2835, 2835, 1)) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


class LibraryErrors(CliTest):
    """libsne's errors (config, bulk, fiche) in French on stderr under LANG=fr_FR.UTF-8, their
    --json the same bytes as in English (issue 20, libsne's messages)."""

    def setUp(self):
        super().setUp()
        for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
            self.env.pop(name, None)

    def both(self, *args, code):
        """The run in English and in French, with their --json twins: the JSON identical."""
        english, french = self.sne(*args), self.sne(*args, env=FRENCH)
        self.assertExit(english, code)
        self.assertExit(french, code)
        english_json = self.sne("--json", *args)
        french_json = self.sne("--json", *args, env=FRENCH)
        self.assertExit(french_json, code)
        self.assertTrue(english_json.out, english_json)
        self.assertEqual(english_json.out, french_json.out)
        self.assertNotIn("erreur", french_json.out)
        return english, french

    def test_a_bad_configuration_file(self):
        path = self.write(".config/sne/config.toml", "profile = 3\n")
        english, french = self.both("config", "list", code=6)
        self.assertOneLineError(
            english, f"{path}: line 1, column 11: profile: expected a profile name")
        self.assertIn(
            f"sne : erreur : {path} : ligne 1, colonne 11 : profile : nom de profil attendu\n",
            french.err)
        self.assertNotIn("expected", french.err)

    def test_a_bulk_manifest_without_its_files_column(self):
        manifest = self.write("m.csv", "numero_unique,type\n0340819000040PWP01,avis\n")
        english, french = self.both("bulk", "check", manifest, code=6)
        self.assertOneLineError(english, f"{manifest}: line 1: the header lacks the column 'files'")
        self.assertIn(f"sne : erreur : {manifest} : ligne 1 : il manque à l'en-tête la colonne "
                      "'files' (obligatoires : numero_unique, type, files)\n", french.err)

    def test_a_bad_fiche_payload(self):
        english, french = self.both("fiche", "parse", "SNEFT9/x", code=6)
        self.assertOneLineError(english, "unknown version tag 'SNEFT9'")
        self.assertIn("sne : erreur : marque de version 'SNEFT9' inconnue (attendu : ", french.err)

if __name__ == "__main__":
    import unittest
    unittest.main()
