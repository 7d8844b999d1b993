"""The built `sne` against reference implementations packaged by Debian: `sne siret check`
against python3-stdnum's stdnum.fr.siret, and `sne calendar holidays` against python3-holidays'
holidays.France.

Both modules are Debian packages that only the system interpreter sees: ctest runs this suite
with /usr/bin/python3, and a missing module fails the import, so the suite, never a skip.
"""

import random
import unittest

import holidays
from stdnum import luhn
from stdnum.fr import siret as stdnum_siret

from sne_cli import CliTest

LA_POSTE = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"


def digits(rng, n):
    return "".join(rng.choice("0123456789") for _ in range(n))


def with_luhn(rng, prefix, length):
    """`prefix` completed with random digits and a last digit that makes the Luhn sum right."""
    body = prefix + digits(rng, length - len(prefix) - 1)
    return body + luhn.calc_check_digit(body)


def digit_sum(number):
    return sum(int(c) for c in number)


def la_poste(rng, multiple_of_5):
    """A La Poste SIRET whose digit sum is (or is not) a multiple of 5."""
    while True:
        n = LA_POSTE + digits(rng, 5)
        if (digit_sum(n) % 5 == 0) == multiple_of_5 and n != LA_POSTE_HEAD_OFFICE:
            return n


def near_misses(rng, number):
    """`number` with one digit changed, and with two neighbouring digits swapped."""
    i = rng.randrange(len(number))
    changed = number[:i] + str((int(number[i]) + rng.randrange(1, 10)) % 10) + number[i + 1:]
    j = rng.randrange(len(number) - 1)
    swapped = number[:j] + number[j + 1] + number[j] + number[j + 2:]
    return [changed, swapped]


def siret_sample(seed=14):
    """A few thousand SIRET numbers, the same for a seed: random strings (nearly all invalid),
    Luhn-valid numbers with and without a valid SIREN, La Poste numbers by digit sum and by Luhn
    (the two rules disagree on about a fifth of them), the head office, and near misses of every
    kind of valid number."""
    rng = random.Random(seed)
    sample = [digits(rng, 14) for _ in range(600)]
    valid = [with_luhn(rng, with_luhn(rng, "", 9), 14) for _ in range(500)]
    sample += valid
    sample += [with_luhn(rng, "", 14) for _ in range(300)]  # SIREN Luhn-valid 1 time in 10
    sample += [la_poste(rng, True) for _ in range(400)]
    sample += [la_poste(rng, False) for _ in range(300)]
    sample += [with_luhn(rng, LA_POSTE, 14) for _ in range(300)]
    sample += [LA_POSTE_HEAD_OFFICE, "13002072000038"]  # the head office, the seed SIRET
    for n in rng.sample(valid, 150) + sample[1400:1550] + sample[1800:1900] + [LA_POSTE_HEAD_OFFICE]:
        sample += near_misses(rng, n)
    return sample


class SiretAgainstStdnum(CliTest):
    def test_validity_agrees_with_stdnum_for_every_number(self):
        sample = siret_sample()
        self.assertGreater(len(sample), 3000)
        expected = [stdnum_siret.is_valid(n) for n in sample]
        # The sample exercises both answers on La Poste numbers, Luhn-valid ones included.
        poste_luhn = [v for n, v in zip(sample, expected) if n.startswith(LA_POSTE) and luhn.is_valid(n)]
        self.assertIn(True, poste_luhn)
        self.assertIn(False, poste_luhn)
        self.assertGreater(sum(expected), 1000)

        r = self.sne("siret", "check", "-", "--json", stdin="\n".join(sample) + "\n")
        self.assertIn(r.code, (0, 6), repr(r))
        items = r.json()
        self.assertEqual([i["input"] for i in items], sample)
        disagree = [(n, i["valid"], want) for n, i, want in zip(sample, items, expected)
                    if i["valid"] is not want]
        self.assertEqual(disagree, [], f"{len(disagree)} of {len(sample)} numbers disagree "
                         "(number, sne, stdnum)")

    def test_head_office_and_la_poste_edges(self):
        cases = [LA_POSTE_HEAD_OFFICE,  # Luhn-valid, digit sum 26: valid
                 "35600000000014",      # Luhn-valid, digit sum 19: invalid
                 "35600000000010",      # not Luhn-valid, digit sum 15: valid
                 "35600000000084"]      # the head office's digits reordered: invalid
        expected = [stdnum_siret.is_valid(n) for n in cases]
        self.assertEqual(expected, [True, False, True, False])
        r = self.sne("siret", "check", *cases, "--json")
        self.assertExit(r, 6)
        self.assertEqual([i["valid"] for i in r.json()], expected)


# Every calendar zone of sne, as a département given to `sne calendar holidays -d` (none: the
# national calendar), and the province of holidays.France that has the same law.
ZONES = [
    (None, "Métropole"),
    ("57", "Alsace-Moselle"),
    ("971", "Guadeloupe"),
    ("972", "Martinique"),
    ("973", "Guyane"),
    ("974", "La Réunion"),
    ("976", "Mayotte"),
]
YEARS = range(2000, 2041)

# Where holidays 0.10.1 and the law (DOMAIN.md, Code du travail L3133-1 and L3134-13, décret
# n° 83-1003) would part ways over these years, the difference is listed here with its reason,
# keyed by (province, year). Over 2000-2040 there is none: both follow the same list. (They do
# part before 1982, when 8 May was not a holiday, a history sne does not model.)
EXPECTED_DIFFERENCES = {}


class CalendarAgainstHolidays(CliTest):
    def test_public_holidays_agree_for_every_zone_and_year(self):
        differences = {}
        for departement, province in ZONES:
            for year in YEARS:
                args = ["calendar", "holidays", str(year), "--json"]
                if departement:
                    args += ["-d", departement]
                r = self.sne(*args)
                self.assertExit(r, 0)
                ours = {h["date"] for h in r.json()}
                theirs = {d.isoformat() for d in holidays.France(prov=province, years=[year])}
                self.assertGreaterEqual(len(theirs), 10)  # 11, one day twice in 2008
                if ours != theirs:
                    differences[(province, year)] = (sorted(ours - theirs), sorted(theirs - ours))
        self.assertEqual(differences, EXPECTED_DIFFERENCES,
                         "(province, year): (sne only, holidays only)")

    def test_every_zone_of_sne_is_compared(self):
        """The zones of every département sne knows are the zones compared above."""
        def zone_of(departement):
            args = ["calendar", "add", "2024-01-01", "0", "--json"]
            r = self.sne(*args, *(["-d", departement] if departement else []))
            self.assertExit(r, 0)
            return r.json()["zone"]

        compared = {zone_of(d) for d, _ in ZONES}
        self.assertEqual(len(compared), len(ZONES))
        every = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B", "111"]
        every += ["971", "972", "973", "974", "976"]
        self.assertEqual({zone_of(d) for d in every}, compared)
        for province in [p for _, p in ZONES]:
            self.assertIn(province, holidays.France.PROVINCES)

if __name__ == "__main__":
    unittest.main()
