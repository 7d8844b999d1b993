"""sne numero check and sne siret check."""

import unittest

from sne_cli import CliTest


class Numero(CliTest):
    def test_seed_example_as_json(self):
        r = self.sne("numero", "check", "0340819000040PWP01", "--json")
        self.assertExit(r, 0)
        [item] = r.json()
        self.assertEqual(item["input"], "0340819000040PWP01")
        self.assertIs(item["valid"], True)
        self.assertEqual(item["territoire"], "034")
        self.assertEqual(item["territoire_nom"], "Hérault")
        self.assertEqual(item["mois"], 8)
        self.assertEqual(item["annee"], 2019)
        self.assertEqual(item["sequence"], "000040")
        self.assertEqual(item["guichet"], "PWP01")
        self.assertNotIn("error", item)

    def test_human_output(self):
        r = self.sne("numero", "check", "0340819000040PWP01")
        self.assertExit(r, 0)
        self.assertIn("034 Hérault · août 2019 · séquence 000040 · guichet PWP01", r.out)

    def test_every_input_is_reported_and_any_invalid_exits_6(self):
        r = self.sne("numero", "check", "0340819000040PWP01", "0341319000040PWP01",
                     "034081900040PWP01", "0990819000040PWP01", "--json")
        self.assertExit(r, 6)
        items = r.json()
        self.assertEqual([i["valid"] for i in items], [True, False, False, False])
        self.assertEqual(items[1]["error"], "month 13 is not 01-12")
        self.assertEqual(items[1]["field"], "mois")
        self.assertEqual(items[2]["error"], "17 characters, expected 18")
        self.assertEqual(items[3]["error"], "unknown territory 099")
        self.assertEqual(items[3]["field"], "territoire")
        self.assertNotIn("territoire", items[1])

    def test_invalid_input_in_human_output(self):
        r = self.sne("numero", "check", "0341319000040PWP01")
        self.assertExit(r, 6)
        self.assertIn("month 13 is not 01-12", r.out)

    def test_lower_case_is_normalised(self):
        [item] = self.sne("numero", "check", "1110920020745g1175", "--json").json()
        self.assertTrue(item["valid"])
        self.assertEqual(item["numero_unique"], "1110920020745G1175")
        self.assertEqual(item["input"], "1110920020745g1175")

    def test_dash_reads_stdin(self):
        r = self.sne("numero", "check", "-", "--json",
                     stdin="0340819000040PWP01\n\n0690620007611G3163\r\nnope\n")
        self.assertExit(r, 6)
        self.assertEqual([i["input"] for i in r.json()],
                         ["0340819000040PWP01", "0690620007611G3163", "nope"])

    def test_dash_skips_the_byte_order_mark_of_excel_exports(self):
        for command in (["numero", "check"], ["siret", "check"]):
            value = "0340819000040PWP01" if command[0] == "numero" else "73282932000074"
            r = self.sne(*command, "-", "--json", stdin=f"\ufeff{value}\r\n{value}\r\n")
            self.assertExit(r, 0)
            self.assertEqual([i["input"] for i in r.json()], [value, value])
            self.assertTrue(all(i["valid"] for i in r.json()))
        # Only before the first line: a mark further down is data, and invalid.
        r = self.sne("numero", "check", "-", "--json",
                     stdin="0340819000040PWP01\n\ufeff0340819000040PWP01\n")
        self.assertExit(r, 6)
        self.assertEqual([i["valid"] for i in r.json()], [True, False])

    def test_hostile_input_stays_valid_json(self):
        r = self.sne("numero", "check", "034\x01\u00e9\udcff", "--json")
        self.assertExit(r, 6)
        [item] = r.json()
        self.assertFalse(item["valid"])

    def test_terminal_escapes_in_input_are_neutralised(self):
        r = self.sne("numero", "check", "\x1b[31mhello\x1b]0;title\x07")
        self.assertExit(r, 6)
        self.assertNotIn("\x1b", r.out + r.err)
        self.assertNotIn("\x07", r.out + r.err)
        self.assertIn("\\x1B[31mhello", r.out)

    def test_missing_argument_is_a_usage_error(self):
        r = self.sne("numero", "check")
        self.assertExit(r, 2)
        self.assertOneLineError(r, "NUMERO is required")


class Siret(CliTest):
    def test_valid_and_invalid(self):
        r = self.sne("siret", "check", "13002072000038", "13002072000039", "--json")
        self.assertExit(r, 6)
        good, bad = r.json()
        self.assertEqual(good, {"input": "13002072000038", "valid": True, "siret": "13002072000038",
                                "siren": "130020720", "nic": "00038"})
        self.assertEqual(bad["error"], "SIRET fails its checksum (Luhn)")
        self.assertEqual(bad["field"], "siret")

    def test_spaces_and_la_poste(self):
        r = self.sne("siret", "check", "130 020 720 00038", "35600000000010", "--json")
        self.assertExit(r, 0)
        self.assertEqual([i["siren"] for i in r.json()], ["130020720", "356000000"])

    def test_bad_siren_and_shape(self):
        r = self.sne("siret", "check", "12345678900007", "1300207200003")
        self.assertExit(r, 6)
        self.assertIn("SIREN 123456789 fails its checksum (Luhn)", r.out)
        self.assertIn("13 digits, expected 14", r.out)


if __name__ == "__main__":
    unittest.main()
