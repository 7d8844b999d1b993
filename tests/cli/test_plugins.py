"""libsne's plugins (libsne/base/plugin.hpp): PoDoFo, libqpdf, libcurl and libcrypto are loaded only by the
commands that use them, which the loader's own trace (LD_DEBUG=files) shows; and a plugin that
cannot be loaded is a one-line error naming it, not a crash."""

import os
import re
import shutil
import subprocess

from sne_cli import SNE, CliTest

NUMERO = "0340523004101G3401"
GUICHET = ["--guichet", "G3401", "--siret", "73282932000074", "--territoire", "034",
           "--date-generation", "2024-01-15"]
HEAVY = ("podofo", "qpdf", "curl", "qrencode", "libcrypto", "fiche-pdf.so", "inspect-pdf.so",
         "http.so", "crypto.so")


class Plugins(CliTest):
    def loaded(self, *args, env=None):
        """The exit code and the base names of every file the loader mapped for `sne ARGS`."""
        r = self.sne(*args, env={"LD_DEBUG": "files", **(env or {})})
        names = {os.path.basename(m) for m in re.findall(r"\bfile=(\S+)", r.err)}
        self.assertTrue(names, f"no trace of the loader: {r}")
        return r.code, names

    def heavy(self, names):
        return sorted(n for n in names if any(h in n for h in HEAVY))

    def fiche(self, path, env=None):
        return self.sne("fiche", "create", "--numero", NUMERO, "--contexte", "ajout", *GUICHET,
                        "-o", path, env=env)

    def test_commands_that_need_no_pdf_nor_http_load_none_of_them(self):
        for args in (["--version"], ["numero", "check", NUMERO], ["siret", "check", "73282932000074"],
                     ["calendar", "add", "2026-10-23", "2"], ["--help"], ["completion", "bash"],
                     ["fiche", "parse", "SNEFT1/0340523004101G3401/AJO/G3401/73282932000074/034/"
                      "2024-01-15/"]):
            with self.subTest(args=args):
                code, names = self.loaded(*args)
                self.assertEqual(code, 0, args)
                self.assertEqual(self.heavy(names), [], args)
        # The embedded sandbox needs no HTTP client, nor PDF library; it hashes (crypto).
        code, names = self.loaded("pli", "list", "--limit", "1")
        self.assertEqual(code, 0)
        self.assertEqual(self.heavy(names), ["crypto.so", "libcrypto.so.3"])

    def test_each_plugin_is_loaded_by_the_commands_that_use_it(self):
        path = os.path.join(self.home, "f.pdf")
        code, names = self.loaded("fiche", "create", "--numero", NUMERO, "--contexte", "ajout",
                                  *GUICHET, "-o", path)
        self.assertEqual(code, 0)
        self.assertIn("fiche-pdf.so", names)
        self.assertTrue(any("podofo" in n for n in names), names)
        self.assertFalse(any("qpdf" in n or "curl" in n for n in names), names)

        code, names = self.loaded("piece", "check", path)
        self.assertEqual(code, 0)
        self.assertIn("inspect-pdf.so", names)
        self.assertTrue(any("qpdf" in n for n in names), names)
        self.assertFalse(any("podofo" in n or "curl" in n for n in names), names)

        # Nothing listens on port 9 of the loopback: the exchange fails, after libcurl was loaded.
        code, names = self.loaded("--endpoint", "http://127.0.0.1:9", "pli", "list")
        self.assertEqual(code, 5)
        self.assertIn("http.so", names)
        self.assertTrue(any("curl" in n for n in names), names)
        self.assertFalse(any("podofo" in n or "qpdf" in n for n in names), names)


class MissingPlugins(CliTest):
    """The libraries copied without their plugins' folder, as a broken installation has them."""

    def setUp(self):
        super().setUp()
        ldd = subprocess.run(["ldd", SNE], capture_output=True, text=True, check=True).stdout
        self.libs = os.path.join(self.home, "lib")
        os.mkdir(self.libs)
        copied = []
        for name, path in re.findall(r"^\s*(libsne\S*) => (\S+)", ldd, re.M):
            shutil.copy(path, os.path.join(self.libs, name))
            copied.append(name)
        self.assertEqual(len(copied), 3, ldd)
        folder = "libsne-" + re.search(r"libsne\.so\.(\S+)", " ".join(copied)).group(1)
        self.plugins = os.path.join(self.libs, folder)
        libsne = re.search(r"^\s*libsne\.so\S* => (\S+)", ldd, re.M).group(1)
        self.real_plugins = os.path.join(os.path.dirname(libsne), folder)
        self.broken = {"LD_LIBRARY_PATH": self.libs}

    def test_a_fiche_without_its_renderer_is_an_error_naming_it(self):
        path = os.path.join(self.home, "f.pdf")
        r = self.sne("fiche", "create", "--numero", NUMERO, "--contexte", "ajout", *GUICHET,
                     "-o", path, env=self.broken)
        self.assertExit(r, 1)
        self.assertOneLineError(r, "the PDF renderer (PoDoFo) cannot be loaded: "
                                f"{self.plugins}/fiche-pdf.so: cannot open shared object file",
                                "reinstall libsne")
        self.assertFalse(os.path.exists(path))
        r = self.sne("--json", "fiche", "create", "--numero", NUMERO, "--contexte", "ajout",
                     *GUICHET, "-o", path, env=self.broken)
        self.assertExit(r, 1)
        self.assertEqual(r.json()["error"]["code"], "io")
        self.assertEqual(r.json()["error"]["subject"], f"{self.plugins}/fiche-pdf.so")

    def test_a_pdf_without_its_reader_is_not_judged(self):
        path = os.path.join(self.home, "f.pdf")
        self.assertExit(self.sne("fiche", "create", "--numero", NUMERO, "--contexte", "ajout",
                                 *GUICHET, "-o", path), 0)
        r = self.sne("--json", "piece", "check", path, env=self.broken)
        self.assertExit(r, 6)
        problems = r.json()[0]["problems"]
        self.assertEqual([p["code"] for p in problems], ["unreadable"], r.out)
        self.assertIn("the PDF reader (libqpdf) could not be loaded", problems[0]["message"])
        # The same file, with the plugins there, passes.
        self.assertExit(self.sne("piece", "check", path), 0)

    def test_http_without_its_client_is_an_error_naming_it(self):
        r = self.sne("--endpoint", "http://127.0.0.1:9", "auth", "login", "--email",
                     "agent@example.fr", "--password-stdin", stdin="secret\n", env=self.broken)
        self.assertExit(r, 1)
        self.assertOneLineError(r, "the HTTP client (libcurl) cannot be loaded: "
                                f"{self.plugins}/http.so")
        # The doctor says so at its first network check, and tries none of the others.
        r = self.sne("--json", "--endpoint", "http://127.0.0.1:9", "doctor", env=self.broken)
        checks = {c["name"]: c for c in r.json()["checks"]}
        self.assertEqual(checks["dns"]["status"], "failed", r.out)
        self.assertIn(f"{self.plugins}/http.so", checks["dns"]["detail"])
        for name in ("tcp", "tls", "service", "clock"):
            self.assertEqual(checks[name]["status"], "skipped", (name, r.out))
        self.assertExit(r, 1)
        # The embedded sandbox works without it, given the plugin it needs.
        os.mkdir(self.plugins)
        os.symlink(os.path.join(self.real_plugins, "crypto.so"),
                   os.path.join(self.plugins, "crypto.so"))
        self.assertExit(self.sne("pli", "list", "--limit", "1", env=self.broken), 0)

    def test_the_sandbox_without_its_hashes_is_an_error_naming_them(self):
        r = self.sne("pli", "list", "--limit", "1", env=self.broken)
        self.assertExit(r, 1)
        self.assertOneLineError(r, "the cryptography library (libcrypto) cannot be loaded: "
                                f"{self.plugins}/crypto.so")
        self.assertExit(self.sne("pli", "list", "--limit", "1"), 0)  # nothing left half made

if __name__ == "__main__":
    import unittest
    unittest.main()
