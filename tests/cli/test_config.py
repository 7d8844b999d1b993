"""sne config get|set|unset|list|path: the configuration file edited in place."""

import os
import socket
import stat
import unittest

from sne_cli import CliTest
from test_account import Server

APP = "sandbox-glpi-app-token"
USER = "sandbox-glpi-agent"

COMMENTED = """# written by hand
profile = "metz"   # the usual one

[profiles.metz]
departement = "57"   # Alsace-Moselle
# guichet = "PWP01"

[profiles.nimes]
departement = "30"
"""


class Config(CliTest):
    def config_path(self):
        return os.path.join(self.home, ".config/sne/config.toml")

    def read(self):
        with open(self.config_path(), encoding="utf-8", newline="") as f:
            return f.read()

    def test_set_creates_the_file_private_and_get_reads_it_back(self):
        url = "https://support.example.org/glpi/apirest.php"
        r = self.sne("config", "set", "glpi_url", url)
        self.assertExit(r, 0)
        self.assertIn("glpi_url", r.out)
        path = self.config_path()
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode), 0o700)
        r = self.sne("config", "get", "glpi_url")
        self.assertExit(r, 0)
        self.assertEqual(r.out, url + "\n")
        doc = self.sne("config", "get", "glpi_url", "--json").json()
        self.assertEqual(doc, {"key": "glpi_url", "value": url, "source": "file",
                               "origin": path, "profile": "default"})

    def test_edits_keep_comments_other_keys_and_profiles(self):
        self.write(".config/sne/config.toml", COMMENTED, mode=0o640)
        self.assertExit(self.sne("config", "set", "departement", "2A"), 0)
        self.assertExit(self.sne("config", "set", "guichet", "PWP02"), 0)
        self.assertExit(self.sne("config", "--profile", "lyon", "set", "departement", "69"), 0)
        expected = COMMENTED.replace('departement = "57"', 'departement = "2A"').replace(
            '# Alsace-Moselle\n', '# Alsace-Moselle\nguichet = "PWP02"\n')
        expected += '\n[profiles.lyon]\ndepartement = "69"\n'
        self.assertEqual(self.read(), expected)
        self.assertEqual(stat.S_IMODE(os.stat(self.config_path()).st_mode), 0o640)
        self.assertEqual(self.sne("config", "get", "departement",
                                  env={"SNE_PROFILE": "nimes"}).out, "30\n")
        r = self.sne("config", "unset", "guichet", "--json")
        self.assertExit(r, 0)
        self.assertTrue(r.json()["removed"])
        self.assertNotIn("PWP02", self.read())
        self.assertIn('# guichet = "PWP01"', self.read())
        r = self.sne("config", "unset", "guichet", "--json")
        self.assertExit(r, 0)
        self.assertFalse(r.json()["removed"])

    def test_crlf_file_keeps_its_line_ends(self):
        self.write(".config/sne/config.toml", "")
        with open(self.config_path(), "w", newline="") as f:
            f.write("# c\r\n[profiles.default]\r\nsiret = \"13002072000038\" # s\r\n")
        self.assertExit(self.sne("config", "set", "guichet", "PWP01"), 0)
        self.assertEqual(self.read(), "# c\r\n[profiles.default]\r\nsiret = \"13002072000038\" "
                                      "# s\r\nguichet = \"PWP01\"\r\n")

    def test_get_of_a_key_not_set_exits_7(self):
        r = self.sne("config", "get", "glpi_url")
        self.assertExit(r, 7)
        self.assertOneLineError(r, "glpi_url", "not set", "profile 'default'")
        self.assertIn("sne config set", r.err)
        r = self.sne("config", "get", "glpi_url", "--json")
        self.assertExit(r, 7)
        self.assertEqual(r.json()["error"]["code"], "not_found")

    def test_unknown_keys_and_secrets_are_refused(self):
        r = self.sne("config", "set", "glpi-url", "https://x.example.org")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "glpi-url", "no such key", "glpi_url")
        self.assertIn("sne config list", r.err)
        self.assertFalse(os.path.exists(self.config_path()))
        for key in ("token", "app_token", "user_token", "password"):
            r = self.sne("config", "set", key, "s3cret-value")
            self.assertExit(r, 6)
            self.assertOneLineError(r, key, "secret")
            self.assertIn("sne auth login", r.err)
            self.assertIn("sne ticket login", r.err)
            self.assertNotIn("s3cret-value", r.out + r.err)
        r = self.sne("config", "get", "token", "--json")
        self.assertExit(r, 6)
        self.assertEqual(r.json()["error"]["subject"], "config_secret")
        self.assertFalse(os.path.exists(self.config_path()))

    def test_bad_values_are_refused_before_writing(self):
        self.write(".config/sne/config.toml", COMMENTED)
        for key, value, fragment in (
                ("glpi_url", "http://support.example.org/apirest.php", "clear"),
                ("endpoint", "ftp://x", "expected sandbox"),
                ("departement", "96", "96"),
                ("siret", "13002072000039", "siret"),
                ("guichet", "pwp1", "code guichet"),
                ("catalog", "catalog.json", "absolute")):
            r = self.sne("config", "set", key, value)
            self.assertExit(r, 6)
            self.assertOneLineError(r, fragment)
        self.assertEqual(self.read(), COMMENTED)

    def test_a_file_that_does_not_parse_is_left_alone(self):
        broken = "[profiles.default\ndepartement = \"57\"\n"
        path = self.write(".config/sne/config.toml", broken)
        r = self.sne("config", "set", "departement", "30")
        self.assertExit(r, 6)
        self.assertOneLineError(r, path, "line 1, column")
        self.assertEqual(self.read(), broken)
        self.assertExit(self.sne("config", "list"), 6)
        # path still answers: it is where to look.
        r = self.sne("config", "path")
        self.assertExit(r, 0)
        self.assertEqual(r.out, path + "\n")

    def test_inline_tables_are_refused(self):
        text = "[profiles]\ndefault = { departement = \"57\" }\n"
        self.write(".config/sne/config.toml", text)
        r = self.sne("config", "set", "departement", "30")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "inline table")
        self.assertEqual(self.read(), text)
        # Reading is fine.
        self.assertEqual(self.sne("config", "get", "departement").out, "57\n")

    def test_list_says_where_each_value_comes_from(self):
        self.write(".config/sne/config.toml", COMMENTED)
        r = self.sne("config", "list", "--json", env={"SNE_GLPI_URL": "https://env.example.org"})
        self.assertExit(r, 0)
        items = {i["key"]: i for i in r.json()}
        self.assertEqual(items["departement"]["value"], "57")
        self.assertEqual(items["departement"]["source"], "file")
        self.assertEqual(items["departement"]["profile"], "metz")
        self.assertEqual(items["glpi_url"]["source"], "env")
        self.assertEqual(items["glpi_url"]["origin"], "SNE_GLPI_URL")
        self.assertEqual(items["endpoint"], {"key": "endpoint", "value": "sandbox",
                                             "source": "default", "origin": "default",
                                             "profile": "metz"})
        self.assertEqual(items["siret"]["value"], None)
        self.assertEqual(items["siret"]["source"], "unset")
        r = self.sne("config", "list", "--endpoint", "https://sne.example.org")
        self.assertExit(r, 0)
        self.assertRegex(r.out, r"endpoint +https://sne\.example\.org +flag \(--endpoint\)")
        self.assertRegex(r.out, r"departement +57 +file")
        self.assertIn("profile 'metz'", r.err)
        # A profile named on the command line must exist to be listed.
        r = self.sne("config", "list", "--profile", "nowhere")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "no profile 'nowhere'")

    def test_set_warns_when_the_environment_overrides_the_file(self):
        r = self.sne("config", "set", "glpi_url", "https://a.example.org",
                     env={"SNE_GLPI_URL": "https://b.example.org"})
        self.assertExit(r, 0)
        self.assertIn("sne: warning: SNE_GLPI_URL is set and overrides the file's glpi_url",
                      r.err)
        r = self.sne("config", "set", "endpoint", "https://a.example.org",
                     "--endpoint", "https://b.example.org")
        self.assertExit(r, 0)
        self.assertIn("--endpoint is set and overrides the file's endpoint", r.err)
        r = self.sne("config", "set", "departement", "57")
        self.assertNotIn("warning", r.err)

    def test_path_follows_config_and_sne_config(self):
        r = self.sne("config", "path", "--json")
        self.assertExit(r, 0)
        self.assertEqual(r.json(), {"path": self.config_path(), "source": "default",
                                    "exists": False})
        other = os.path.join(self.home, "elsewhere.toml")
        r = self.sne("config", "path", env={"SNE_CONFIG": other})
        self.assertEqual(r.out, other + "\n")
        r = self.sne("config", "path", "--json", "--config", other, env={"SNE_CONFIG": "/x"})
        self.assertEqual(r.json()["source"], "--config")
        self.assertExit(self.sne("config", "--config", other, "set", "departement", "57"), 0)
        self.assertIn('departement = "57"', open(other).read())
        self.assertFalse(os.path.exists(self.config_path()))
        r = self.sne("config", "get", "departement", env={"SNE_CONFIG": other})
        self.assertEqual(r.out, "57\n")
        r = self.sne("config", "get", "departement", "--config", self.home + "/none.toml")
        self.assertExit(r, 1)

    def test_the_profile_key_and_sne_profile_choose_what_set_edits(self):
        self.write(".config/sne/config.toml", COMMENTED)
        self.assertExit(self.sne("config", "set", "siret", "13002072000038",
                                 env={"SNE_PROFILE": "nimes"}), 0)
        self.assertIn('[profiles.nimes]\ndepartement = "30"\nsiret = "13002072000038"\n',
                      self.read())
        self.assertEqual(self.sne("config", "get", "departement").out, "57\n")  # metz

    def test_usage_errors(self):
        self.assertExit(self.sne("config", "set", "departement"), 2)
        self.assertExit(self.sne("config", "get"), 2)
        self.assertExit(self.sne("config"), 2)


class ConfigDrivesTicket(CliTest):
    """README and sne-ticket(1): 'sne config set glpi_url ...' then 'sne ticket login'."""

    def test_documented_glpi_setup_works(self):
        db = os.path.join(self.home, "served.db")
        server = Server(self, db)
        url = server.url + "/apirest.php"
        self.assertExit(self.sne("config", "set", "glpi_url", url), 0)
        r = self.sne("ticket", "login", "--with-token", stdin=f"{USER}\n{APP}\n")
        self.assertExit(r, 0)
        r = self.sne("-v", "ticket", "categories", "--json")
        self.assertExit(r, 0)
        self.assertIsInstance(r.json(), list)
        self.assertIn(f"GLPI {url} (profile 'default' glpi_url)", r.err)
        self.assertNotIn("sandbox's GLPI", r.err)

    def test_an_unreachable_configured_glpi_is_named(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        self.assertExit(self.sne("config", "set", "glpi_url", f"http://127.0.0.1:{port}"), 0)
        r = self.sne("ticket", "list", env={"SNE_GLPI_USER_TOKEN": "t"})
        self.assertExit(r, 5)
        self.assertOneLineError(r, f"127.0.0.1:{port}")


if __name__ == "__main__":
    unittest.main()
