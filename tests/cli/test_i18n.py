"""sne speaks the user's language (po/, gettext's domain "sne"): French with LANG=fr_FR.UTF-8,
even where that locale is not installed; English by default and under LC_ALL=C; the --json
output the same bytes in both."""

import subprocess

from sne_cli import CliTest

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


if __name__ == "__main__":
    import unittest
    unittest.main()
