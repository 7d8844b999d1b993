"""sne calendar holidays|add|between, with départements from flags and profiles."""

import unittest

from sne_cli import CliTest


class Calendar(CliTest):
    def test_holidays_national_and_moselle(self):
        r = self.sne("calendar", "holidays", "2024", "--json")
        self.assertExit(r, 0)
        days = r.json()
        self.assertEqual(len(days), 11)
        self.assertEqual(days[1], {"date": "2024-04-01", "code": "lundi_de_paques",
                                   "name": "Lundi de Pâques", "weekday": "lundi"})
        moselle = self.sne("calendar", "holidays", "2024", "-d", "57", "--json").json()
        self.assertEqual(len(moselle), 13)
        self.assertIn("2024-03-29", [d["date"] for d in moselle])

    def test_holidays_human(self):
        r = self.sne("calendar", "holidays", "2025", "--departement", "974")
        self.assertExit(r, 0)
        self.assertIn("2025-12-20  samedi    Abolition de l'esclavage", r.out)

    def test_holidays_bad_year(self):
        r = self.sne("calendar", "holidays", "1200")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "year 1200 is not 1583-9999")
        self.assertExit(self.sne("calendar", "holidays", "20x4"), 2)

    def test_add_around_easter_moselle_and_reunion(self):
        cases = [
            (["2024-03-29", "2"], "2024-04-03"),
            (["2024-03-28", "2", "-d", "57"], "2024-04-03"),
            (["2024-03-28", "2"], "2024-04-02"),
            (["2024-12-19", "2", "--departement", "974"], "2024-12-24"),
            (["2024-04-02", "-1"], "2024-03-29"),
        ]
        for args, expected in cases:
            r = self.sne("calendar", "add", *args)
            self.assertExit(r, 0)
            self.assertEqual(r.out, expected + "\n", args)

    def test_add_json(self):
        r = self.sne("calendar", "add", "2024-12-19", "2", "-d", "974", "--json")
        self.assertEqual(r.json(), {"from": "2024-12-19", "jours_ouvres": 2, "date": "2024-12-24",
                                    "departement": "974", "zone": "reunion"})
        r = self.sne("calendar", "add", "2024-12-19", "2", "--json")
        self.assertIsNone(r.json()["departement"])
        self.assertEqual(r.json()["zone"], "metropole")

    def test_between(self):
        r = self.sne("calendar", "between", "2024-03-29", "2024-04-03")
        self.assertEqual(r.out, "2\n")
        r = self.sne("calendar", "between", "2024-04-03", "2024-03-29", "--json")
        self.assertEqual(r.json()["jours_ouvres"], -2)

    def test_invalid_dates_name_the_argument(self):
        r = self.sne("calendar", "add", "2024-13-01", "2")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "DATE '2024-13-01': month 13 is not 01-12")
        r = self.sne("calendar", "between", "2024-01-01", "01/02/2024", "--json")
        self.assertExit(r, 6)
        self.assertEqual(r.json()["error"]["code"], "invalid_input")
        self.assertIn("TO '01/02/2024'", r.json()["error"]["message"])

    def test_unknown_departement(self):
        r = self.sne("calendar", "add", "2024-01-01", "1", "-d", "99")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "unknown département '99'")

    def test_departement_from_the_profile(self):
        config = self.write(".config/sne/config.toml",
                            'profile = "metz"\n[profiles.metz]\ndepartement = "57"\n'
                            '[profiles.paris]\ndepartement = "75"\n')
        self.assertEqual(self.sne("calendar", "add", "2024-03-28", "1").out, "2024-04-02\n")
        self.assertEqual(self.sne("calendar", "add", "2024-03-28", "1", "--profile", "paris").out,
                         "2024-03-29\n")
        self.assertEqual(self.sne("calendar", "add", "2024-03-28", "1",
                                  env={"SNE_PROFILE": "paris"}).out, "2024-03-29\n")
        # The flag wins over the profile.
        self.assertEqual(self.sne("calendar", "add", "2024-03-28", "1", "-d", "75").out,
                         "2024-03-29\n")
        # -v says where the setting came from.
        r = self.sne("calendar", "add", "2024-03-28", "1", "-v")
        self.assertIn(f"profile 'metz' from {config}", r.err)


if __name__ == "__main__":
    unittest.main()
