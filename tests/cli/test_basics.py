"""The program as a whole: version, help, usage errors, global options, output rules."""

import os
import re

from sne_cli import CliTest, SOURCE_DIR


class Basics(CliTest):
    def test_version_first_line(self):
        r = self.sne("--version")
        self.assertExit(r, 0)
        self.assertRegex(r.out.splitlines()[0], r"^sne \d+\.\d+\.\d+$")
        self.assertIn("catalog", r.out)

    def test_version_as_json(self):
        text = self.sne("--version").out.splitlines()
        for args in (["--version", "--json"], ["--json", "--version"]):
            r = self.sne(*args)
            self.assertExit(r, 0)
            doc = r.json()
            self.assertEqual(set(doc), {"sne", "libsne", "catalog"})
            self.assertEqual(text[0], f"sne {doc['sne']}")
            self.assertEqual(text[1], f"libsne {doc['libsne']}, catalog {doc['catalog']}")

    def test_quiet_drops_the_notes_not_the_errors(self):
        r = self.sne("pli", "list")
        self.assertExit(r, 0)
        self.assertIn("sne: note: embedded sandbox", r.err)
        for args in (["-q", "pli", "list"], ["pli", "list", "--quiet"]):
            q = self.sne(*args)
            self.assertExit(q, 0)
            self.assertEqual(q.err, "", args)
            self.assertEqual(q.out, r.out, args)
        r = self.sne("--quiet", "numero", "check", "0341319000040PWP01")
        self.assertExit(r, 6)
        r = self.sne("-q", "pli", "lsit")
        self.assertOneLineError(r, "unexpected argument lsit")
        r = self.sne("-q", "-v", "pli", "list")
        self.assertExit(r, 2)
        self.assertOneLineError(r, "excludes")

    def test_help_is_success(self):
        r = self.sne("--help")
        self.assertExit(r, 0)
        for noun in ("calendar", "completion", "numero", "piece", "siret"):
            self.assertIn(noun, r.out)
        self.assertExit(self.sne("numero", "check", "--help"), 0)

    def test_no_command_is_a_usage_error(self):
        r = self.sne()
        self.assertExit(r, 2)
        self.assertOneLineError(r, "A subcommand is required")
        self.assertEqual(r.out, "")

    def test_no_command_shows_the_usage_of_sne(self):
        r = self.sne()
        self.assertIn("Usage: sne [OPTIONS] SUBCOMMAND", r.err)
        self.assertNotIn("sne sne", r.err)

    def test_a_typo_gets_the_command_or_option_it_is_close_to(self):
        r = self.sne("pli", "lsit")
        self.assertExit(r, 2)
        self.assertOneLineError(r, "unexpected argument lsit")
        self.assertIn("hint: did you mean 'sne pli list'?", r.err)
        r = self.sne("dossiers")
        self.assertExit(r, 2)
        self.assertIn("hint: did you mean 'sne dossier'?", r.err)
        r = self.sne("numero", "chekc", "0340819000040PWP01")  # two letters swapped
        self.assertIn("hint: did you mean 'sne numero check'?", r.err)
        r = self.sne("pli", "list", "--sinse", "2026-01-01")
        self.assertExit(r, 2)
        self.assertIn("hint: did you mean --since? (see 'sne pli list --help')", r.err)
        r = self.sne("pli", "list", "--endpiont=sandbox")  # a global option, with its value
        self.assertIn("hint: did you mean --endpoint?", r.err)
        # Nothing close, or two as close: the command's help, no guess.
        for args in (["pli", "x"], ["pli", "zzzzzz"], ["calendar", "--frobnicate"]):
            r = self.sne(*args)
            self.assertExit(r, 2)
            self.assertNotIn("did you mean", r.err, args)
            self.assertIn("hint: see 'sne ", r.err, args)

    def test_help_command_is_the_help_flag(self):
        for words in ([], ["pli"], ["pli", "list"], ["numero", "check"]):
            r = self.sne("help", *words)
            self.assertExit(r, 0)
            self.assertEqual(r.out, self.sne(*words, "--help").out, words)
            self.assertIn("Usage: sne", r.out)
        r = self.sne("help", "pli", "lsit")
        self.assertExit(r, 2)
        self.assertOneLineError(r, "no command 'sne pli lsit'")
        self.assertIn("hint: did you mean 'sne pli list'?", r.err)
        r = self.sne("help", "plis", "--json")
        self.assertExit(r, 2)
        self.assertEqual(r.json()["error"]["code"], "usage")

    def test_noun_without_verb_shows_its_verbs(self):
        r = self.sne("calendar")
        self.assertExit(r, 2)
        self.assertIn("holidays", r.err)
        self.assertIn("see 'sne calendar --help'", r.err)

    def test_unknown_flag_and_noun(self):
        r = self.sne("--bogus")
        self.assertExit(r, 2)
        self.assertOneLineError(r, "unexpected argument --bogus")
        r = self.sne("numero", "check", "0340819000040PWP01", "--frobnicate")
        self.assertExit(r, 2)
        self.assertOneLineError(r, "--frobnicate")
        self.assertIn("hint: see 'sne numero check --help'", r.err)
        self.assertExit(self.sne("dossiers"), 2)

    def test_usage_error_with_json_prints_an_error_object(self):
        r = self.sne("numero", "check", "--json")
        self.assertExit(r, 2)
        self.assertEqual(r.json()["error"]["code"], "usage")
        self.assertIn("NUMERO", r.json()["error"]["message"])

    def test_global_options_before_or_after_the_verb(self):
        a = self.sne("--json", "siret", "check", "13002072000038")
        b = self.sne("siret", "check", "13002072000038", "--json")
        c = self.sne("siret", "--json", "check", "13002072000038")
        self.assertExit(a, 0)
        self.assertEqual(a.json(), b.json())
        self.assertEqual(a.json(), c.json())

    def test_no_colour_when_not_a_terminal(self):
        for args in (["numero", "check", "0340819000040PWP01", "x"], ["piece", "types"],
                     ["calendar", "holidays", "2025"]):
            r = self.sne(*args)
            self.assertNotIn("\x1b[", r.out + r.err, args)

    def test_a_missing_input_file_exits_1_everywhere(self):
        # man sne: 1 is a failure to read or write a local file; 6 is for what a file holds.
        missing = os.path.join(self.home, "missing.pdf")
        numero = "0340819000040PWP01"
        commands = [
            ["piece", "add", numero, missing, "--type", "quittance_loyer"],
            ["piece", "pack", missing, "-o", os.path.join(self.home, "out.pdf")],
            ["ticket", "attach", "1", missing],
            ["ticket", "create", "--category", "Retard de traitement", "--title", "t", "--body",
             "b", "--attach", missing],
            ["ticket", "create", "--category", "Retard de traitement", "--title", "t",
             "--body-file", missing],
            ["fiche", "batch", missing, "-o", self.home, "--guichet", "PWP01", "--siret",
             "13002072000038", "--territoire", "999"],
            ["bulk", "check", missing],
            ["piece", "types", "--catalog", missing],
        ]
        for args in commands:
            r = self.sne(*args)
            self.assertExit(r, 1)
            self.assertOneLineError(r, f"{missing}: No such file or directory")
            r = self.sne(*args, "--json")
            self.assertExit(r, 1)
            self.assertEqual(r.json()["error"]["code"], "io", args)
        # A folder where a file is expected is invalid input, everywhere too.
        for args in (["piece", "add", numero, self.home, "--type", "quittance_loyer"],
                     ["ticket", "attach", "1", self.home]):
            r = self.sne(*args)
            self.assertExit(r, 6)
            self.assertOneLineError(r, f"{self.home}: not a regular file")

    def test_man_sne_sees_every_page(self):
        with open(os.path.join(SOURCE_DIR, "man", "sne.1"), encoding="utf-8") as f:
            see_also = f.read().split(".SH SEE ALSO", 1)[1].split(".SH", 1)[0]
        pages = sorted(n[:-2] for n in os.listdir(os.path.join(SOURCE_DIR, "man"))
                       if n.startswith("sne-") and n.endswith(".1"))
        self.assertGreater(len(pages), 10)
        for page in pages:
            self.assertIn(page.replace("-", "\\-") + " (1)", see_also, page)

    def test_man_pages_render_without_warnings(self):
        import shutil
        import subprocess
        if shutil.which("groff") is None:
            self.skipTest("groff is not installed")
        man = os.path.join(SOURCE_DIR, "man")
        pages = sorted(p for p in os.listdir(man) if p.endswith(".1"))
        self.assertGreaterEqual(len(pages), 6)
        for page in pages:
            proc = subprocess.run(["groff", "-man", "-ww", "-z", "-Tutf8", os.path.join(man, page)],
                                  capture_output=True, text=True)
            self.assertEqual(proc.stderr, "", page)
            self.assertEqual(proc.returncode, 0, page)


if __name__ == "__main__":
    import unittest
    unittest.main()
