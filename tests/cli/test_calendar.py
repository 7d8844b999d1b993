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

    def test_a_plis_timestamp_is_taken_on_its_legal_day(self):
        # 23:13 UTC on 23 October 2026 is already Saturday 24 in Paris (UTC+2), still
        # Friday 23 in Réunion (UTC+4 makes it Saturday 03:13: Saturday too) and in
        # Guadeloupe (UTC-4: Friday 19:13). The SLA takes the day the same way.
        cases = [
            (["2026-10-23T23:13:00Z", "2"], "2026-10-27"),
            (["2026-10-23T23:13:00Z", "2", "-d", "974"], "2026-10-27"),
            (["2026-10-23T23:13:00Z", "2", "-d", "971"], "2026-10-27"),
            (["2026-10-23T21:59:59Z", "2"], "2026-10-27"),
            (["2026-10-23T20:00:00Z", "1", "-d", "971"], "2026-10-26"),
            (["2026-10-23T21:00:00Z", "1"], "2026-10-26"),
        ]
        for args, expected in cases:
            r = self.sne("calendar", "add", *args)
            self.assertExit(r, 0)
            self.assertEqual(r.out, expected + "\n", args)
        r = self.sne("calendar", "add", "2026-10-23T22:30:00Z", "0", "--json")
        self.assertEqual(r.json()["from"], "2026-10-24")
        r = self.sne("calendar", "add", "2026-10-23T23:13:00Z", "0", "-d", "971", "--json")
        self.assertEqual(r.json()["from"], "2026-10-23")
        r = self.sne("calendar", "between", "2026-10-23T22:30:00Z", "2026-10-27T09:00:00Z",
                     "--json")
        self.assertEqual((r.json()["from"], r.json()["jours_ouvres"]), ("2026-10-24", 2))
        r = self.sne("calendar", "add", "2026-10-23T25:00:00Z", "2")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "DATE '2026-10-23T25:00:00Z'")

    def test_invalid_dates_name_the_argument(self):
        r = self.sne("calendar", "add", "2024-13-01", "2")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "DATE '2024-13-01': month 13 is not 01-12")
        r = self.sne("calendar", "between", "2024-01-01", "01/02/2024", "--json")
        self.assertExit(r, 6)
        self.assertEqual(r.json()["error"]["code"], "invalid_input")
        self.assertIn("TO '01/02/2024'", r.json()["error"]["message"])

    def test_between_with_a_departement(self):
        # (Thu 28 March, Tue 2 April 2024]: Good Friday and Easter Monday are off in Moselle.
        self.assertEqual(self.sne("calendar", "between", "2024-03-28", "2024-04-02").out, "2\n")
        r = self.sne("calendar", "between", "2024-03-28", "2024-04-02", "-d", "57", "--json")
        self.assertEqual(r.json()["jours_ouvres"], 1)
        self.assertEqual(r.json()["departement"], "057")

    def test_errors_with_json_are_error_objects(self):
        r = self.sne("calendar", "holidays", "1200", "--json")
        self.assertExit(r, 6)
        self.assertEqual(r.json()["error"]["code"], "invalid_input")
        self.assertEqual(r.json()["error"]["subject"], "year")

    def test_bounds_of_the_calendar(self):
        r = self.sne("calendar", "add", "2024-01-01", "1000001")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "1000001 jours ouvrés is more than the 1000000 allowed")
        r = self.sne("calendar", "add", "9999-12-31", "1", "--json")
        self.assertExit(r, 6)
        self.assertIn("leave the years 1583-9999", r.json()["error"]["message"])
        r = self.sne("calendar", "between", "1500-01-01", "2024-01-01")
        self.assertExit(r, 6)
        self.assertOneLineError(r, "1500-01-01 is outside the years 1583-9999")

    def test_an_error_is_one_line_even_for_multi_line_input(self):
        r = self.sne("calendar", "add", "2024\n01-01", "2")
        self.assertExit(r, 6)
        self.assertEqual(len(r.err.splitlines()), 1, repr(r))
        self.assertOneLineError(r, "DATE '2024\\x0A01-01': expected a date YYYY-MM-DD")
        r = self.sne("calendar", "add", "2024-01-01", "1", "-d", "a" * 30 + "\u00e9\n")
        self.assertEqual(len(r.err.splitlines()), 1, repr(r))

    def test_works_without_home(self):
        env = {k: v for k, v in self.env.items() if k != "HOME"}
        import subprocess
        from sne_cli import SNE
        proc = subprocess.run([SNE, "calendar", "add", "2024-03-29", "2"], capture_output=True,
                              text=True, env=env)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout, "2024-04-03\n")

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
