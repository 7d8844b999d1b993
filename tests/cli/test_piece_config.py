"""sne piece types, catalog files and configuration files."""

import json
import unittest

from sne_cli import CliTest


class PieceTypes(CliTest):
    def test_json_is_the_catalog_schema(self):
        r = self.sne("piece", "types", "--json")
        self.assertExit(r, 0)
        doc = r.json()
        self.assertEqual(doc["schema"], 1)
        codes = [r["code"] for r in doc["rubriques"]]
        self.assertEqual(codes[:7], ["identite", "situation_familiale", "situation_professionnelle",
                                     "ressources", "logement_actuel", "motifs", "handicap"])
        types = {t["code"]: t for r in doc["rubriques"] for t in r["types"]}
        self.assertEqual(types["piece_identite"]["label"],
                         "Carte d'identité ou passeport du demandeur")
        self.assertEqual(types["avis_imposition"]["validity"],
                         {"rule": "tax_year", "years_back": [2, 1]})

    def test_human_output_groups_by_rubrique(self):
        r = self.sne("piece", "types")
        self.assertExit(r, 0)
        self.assertIn("Identité du demandeur [identite]", r.out)
        self.assertIn("Reçu d'hôtel", r.out)
        self.assertIn("hors périmètre", r.out)

    def test_catalog_round_trip_and_override(self):
        doc = self.sne("piece", "types", "--json").json()
        doc["version"] = "nimes-2026"
        doc["rubriques"] = doc["rubriques"][:1]
        doc["rubriques"][0]["types"] = doc["rubriques"][0]["types"][:1]
        path = self.write("catalog.json", json.dumps(doc, ensure_ascii=False))
        r = self.sne("piece", "types", "--catalog", path, "--json")
        self.assertExit(r, 0)
        self.assertEqual(r.json(), doc)
        human = self.sne("piece", "types", "--catalog", path)
        self.assertIn("nimes-2026 — 1 type in 1 rubrique\n", human.out)

    def test_malformed_catalog_names_file_and_path(self):
        doc = self.sne("piece", "types", "--json").json()
        doc["rubriques"][1]["types"][0]["max_pieces"] = 0
        path = self.write("bad.json", json.dumps(doc))
        r = self.sne("piece", "types", "--catalog", path)
        self.assertExit(r, 6)
        self.assertOneLineError(r, f"{path}: rubriques[1].types[0].max_pieces: expected an integer "
                                   "from 1 to 20, found 0")
        r = self.sne("piece", "types", "--catalog", path, "--json")
        self.assertEqual(r.json()["error"]["subject"], "rubriques[1].types[0].max_pieces")

    def test_catalog_syntax_error_gives_line(self):
        path = self.write("broken.json", '{\n  "schema": 1,\n  "version": \n}\n')
        r = self.sne("piece", "types", "--catalog", path)
        self.assertExit(r, 6)
        self.assertOneLineError(r, f"{path}: line 4, column 1: invalid JSON")

    def test_hostile_catalog_files(self):
        cases = {
            "overflow.json": ('{"schema": 1e400}', "number overflow"),
            "duplicate.json": ('{"schema": 1, "schema": 1}', "key 'schema' appears twice"),
            "binary.json": ("\x00\x01\x02", "invalid JSON"),
        }
        for name, (text, fragment) in cases.items():
            path = self.write(name, text)
            r = self.sne("piece", "types", "--catalog", path, "--json")
            self.assertExit(r, 6)
            self.assertEqual(r.json()["error"]["code"], "invalid_input", name)
            self.assertIn(fragment, r.json()["error"]["message"], name)

    def test_a_fifo_is_refused_without_waiting(self):
        import os
        path = os.path.join(self.home, "fifo.json")
        os.mkfifo(path)
        r = self.sne("piece", "types", "--catalog", path)
        self.assertExit(r, 6)
        self.assertOneLineError(r, f"{path}: not a regular file")

    def test_missing_catalog_file(self):
        r = self.sne("piece", "types", "--catalog", "/nonexistent/catalog.json")
        self.assertExit(r, 1)
        self.assertOneLineError(r, "/nonexistent/catalog.json: No such file or directory")

    def test_catalog_from_the_profile(self):
        doc = self.sne("piece", "types", "--json").json()
        doc["version"] = "from-profile"
        path = self.write("cat.json", json.dumps(doc))
        self.write(".config/sne/config.toml", f'[profiles.default]\ncatalog = "{path}"\n')
        r = self.sne("piece", "types", "--json", "-v")
        self.assertEqual(r.json()["version"], "from-profile")
        self.assertIn(f"from {path}", r.err)


class Configuration(CliTest):
    def test_unknown_key_is_refused_with_its_line(self):
        path = self.write("c.toml", '[profiles.default]\ndepartement = "57"\ncatalgo = "x"\n')
        r = self.sne("calendar", "add", "2024-01-01", "1", "--config", path)
        self.assertExit(r, 6)
        self.assertOneLineError(r, f"{path}: line 3, column 1: profiles.default.catalgo: unknown key")

    def test_named_config_must_exist_default_need_not(self):
        self.assertExit(self.sne("calendar", "add", "2024-01-01", "1"), 0)
        r = self.sne("calendar", "add", "2024-01-01", "1", "--config", "/nonexistent/c.toml")
        self.assertExit(r, 1)
        self.assertOneLineError(r, "/nonexistent/c.toml")
        r = self.sne("calendar", "add", "2024-01-01", "1", env={"SNE_CONFIG": "/nonexistent/d.toml"})
        self.assertExit(r, 1)

    def test_unknown_profile(self):
        path = self.write("c.toml", '[profiles.a]\ndepartement = "57"\n')
        r = self.sne("calendar", "add", "2024-01-01", "1", "--config", path, "--profile", "b")
        self.assertExit(r, 6)
        self.assertOneLineError(r, f"no profile 'b' in {path}")

    def test_toml_syntax_error(self):
        path = self.write("c.toml", '[profiles.a\n')
        r = self.sne("piece", "types", "--config", path, "--json")
        self.assertExit(r, 6)
        self.assertIn("line 1", r.json()["error"]["message"])

    def test_commands_that_need_no_settings_ignore_a_broken_file(self):
        # numero and siret checks read no setting: a broken config must not stop them.
        path = self.write("c.toml", 'garbage = = =\n')
        self.assertExit(self.sne("numero", "check", "0340819000040PWP01", "--config", path), 0)


if __name__ == "__main__":
    unittest.main()
