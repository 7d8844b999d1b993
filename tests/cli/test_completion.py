"""sne completion: the scripts work in their shells and match completions/."""

import os
import shutil
import subprocess
import unittest

from sne_cli import SNE, CliTest, SOURCE_DIR

SHIPPED = {"bash": "sne.bash", "zsh": "_sne", "fish": "sne.fish"}


class Completion(CliTest):
    def test_each_shell_matches_the_shipped_file(self):
        for shell, name in SHIPPED.items():
            r = self.sne("completion", shell)
            self.assertExit(r, 0)
            with open(os.path.join(SOURCE_DIR, "completions", name), encoding="utf-8") as f:
                self.assertEqual(r.out, f.read(), shell)

    def test_unknown_shell(self):
        r = self.sne("completion", "tcsh")
        self.assertExit(r, 2)
        self.assertOneLineError(r, "tcsh")

    def test_json_is_refused_not_ignored(self):
        for args in (["completion", "bash", "--json"], ["--json", "completion", "fish"]):
            r = self.sne(*args)
            self.assertExit(r, 2)
            self.assertOneLineError(r, "shell script, not JSON")
            self.assertEqual(r.json()["error"]["code"], "usage")
            self.assertNotIn("complete", r.out)

    def complete_bash(self, *words):
        script = self.sne("completion", "bash").out
        line = " ".join(f"'{w}'" for w in words)
        program = (script + f"\nCOMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; _sne; "
                   'printf "%s\\n" "${COMPREPLY[@]}"\n')
        proc = subprocess.run(["bash", "-c", program], capture_output=True, text=True,
                              cwd=self.home, env=self.env_with_sne_on_path())
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return [line for line in proc.stdout.splitlines() if line]

    def env_with_sne_on_path(self):
        """The scripts call `sne` by name for dynamic values: the built one, first on PATH."""
        env = dict(self.env)
        env["PATH"] = os.path.dirname(os.path.abspath(SNE)) + os.pathsep + env.get("PATH", "")
        return env

    def test_bash_completes_nouns_verbs_options_and_values(self):
        self.assertEqual(self.complete_bash("sne", "ca"), ["calendar"])
        self.assertEqual(sorted(self.complete_bash("sne", "calendar", "")),
                         ["--help", "add", "between", "holidays"])
        self.assertIn("--catalog", self.complete_bash("sne", "piece", "types", "--"))
        self.assertIn("--json", self.complete_bash("sne", "piece", "types", "--"))
        self.assertEqual(self.complete_bash("sne", "completion", "z"), ["zsh"])
        # Verbs under a verb.
        self.assertEqual(sorted(self.complete_bash("sne", "sandbox", "clock", "")),
                         ["--db", "--help", "auto", "set"])
        self.assertIn("--db", self.complete_bash("sne", "sandbox", "clock", "set", "--"))
        # The value of --profile is skipped when finding the noun and verb.
        self.assertIn("--catalog",
                      self.complete_bash("sne", "--profile", "piece", "piece", "types", "--c"))
        # Files after an option that takes a FILE.
        self.write("mycatalog.json", "{}")
        self.assertEqual(self.complete_bash("sne", "piece", "types", "--catalog", "myc"),
                         ["mycatalog.json"])

    def test_values_come_from_the_program(self):
        self.assertEqual(self.complete_bash("sne", "pli", "list", "--statut", "rejet_"),
                         ["rejet_pieces", "rejet_dossier"])
        self.assertEqual(self.complete_bash("sne", "ticket", "list", "--status", ""),
                         ["all", "open", "old", "new", "assigned", "planned", "pending",
                          "solved", "closed"])
        self.assertIn("Pièce justificative refusée",
                      self.complete_bash("sne", "ticket", "list", "--category", ""))
        self.assertEqual(self.complete_bash("sne", "pli", "stats", "--contexte", "re"),
                         ["renouvellement"])
        self.assertEqual(self.complete_bash("sne", "calendar", "add", "-d", "97"),
                         ["971", "972", "973", "974", "976"])
        # Piece types: the catalog in force, an override included.
        types = self.complete_bash("sne", "piece", "add", "--type", "")
        self.assertIn("avis_imposition", types)
        self.assertGreater(len(types), 20)
        # Ticket categories: from the GLPI in force (the embedded sandbox's), names with spaces
        # kept whole.
        categories = self.complete_bash("sne", "ticket", "create", "--category", "")
        self.assertIn("Pièce justificative refusée", categories)
        # Profiles: those of the configuration file; none when it does not parse.
        self.write(".config/sne/config.toml",
                   '[profiles.guichet-nimes]\ndepartement = "30"\n'
                   '[profiles.guichet-lyon]\ndepartement = "69"\n')
        self.assertEqual(self.complete_bash("sne", "--profile", "guichet-"),
                         ["guichet-lyon", "guichet-nimes"])
        self.write(".config/sne/config.toml", "[profiles.x\n")
        self.assertEqual(self.complete_bash("sne", "--profile", ""), [])
        # The hidden command itself: one value per line, a bad kind is a usage error, and it
        # is in no script's list of commands.
        r = self.sne("__complete", "STATUT")
        self.assertExit(r, 0)
        self.assertEqual(len(r.out.splitlines()), 5)
        self.assertExit(self.sne("__complete", "NOPE"), 2)
        self.assertNotIn("__complete", self.complete_bash("sne", "_"))
        self.assertNotIn("__complete", self.sne("--help").out)

    def test_zsh_and_fish_complete_values(self):
        env = self.env_with_sne_on_path()
        path = self.write("sne.fish", self.sne("completion", "fish").out)
        proc = subprocess.run(["fish", "-c", f"source {path}; complete -C 'sne pli list --statut rej'"],
                              capture_output=True, text=True, env=env)
        self.assertEqual(sorted(line.split("\t")[0] for line in proc.stdout.splitlines()),
                         ["rejet_dossier", "rejet_pieces"])
        self.assertIn("__complete STATUT", self.sne("completion", "zsh").out)

    def test_zsh_and_fish_scripts_parse(self):
        for shell, check in (("zsh", ["zsh", "-n"]), ("fish", ["fish", "-n"])):
            if shutil.which(shell) is None:
                self.skipTest(f"{shell} is not installed")
            path = self.write(f"completion.{shell}", self.sne("completion", shell).out)
            proc = subprocess.run(check + [path], capture_output=True, text=True)
            self.assertEqual(proc.returncode, 0, proc.stderr)

    def test_fish_completes_verbs(self):
        if shutil.which("fish") is None:
            self.skipTest("fish is not installed")
        path = self.write("sne.fish", self.sne("completion", "fish").out)
        proc = subprocess.run(["fish", "-c", f"source {path}; complete -C 'sne calendar '"],
                              capture_output=True, text=True, env=self.env)
        verbs = sorted(line.split("\t")[0] for line in proc.stdout.splitlines())
        self.assertEqual(verbs, ["add", "between", "holidays"])


if __name__ == "__main__":
    unittest.main()
