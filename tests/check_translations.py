"""The catalogues of po/ against the sources (ctest translations, run by Debian's python3 for
python3-polib): every string that libsne/ and cli/ mark for translation has, in every po/LANG.po,
a translation that is neither empty nor fuzzy; no catalogue keeps a string the sources no longer
have; each translation has the same fmt placeholders as its English, in the same order ({} or
{:>8}), or numbered ones ({0}, {1:>8}) that use each of the English ones exactly once; msgfmt
--check accepts each catalogue. Fails naming each entry at fault and how to fix it."""

import os
import re
import subprocess
import sys
import tempfile

import polib

SOURCE = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
FIELD = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


def placeholders(text):
    """The fmt replacement fields of `text`: (index or None, format spec), in order."""
    fields = []
    for m in FIELD.finditer(text):
        if m.group(1) is None:
            continue  # an escaped brace
        name, _, spec = m.group(1).partition(":")
        fields.append((int(name) if name.isdigit() else None, spec))
    return fields


def same_fields(english, translated):
    en, tr = placeholders(english), placeholders(translated)
    if all(i is None for i, _ in tr):
        return [s for _, s in en] == [s for _, s in tr]
    # Numbered fields: the English ones, each used once, in any order.
    if any(i is None for i, _ in tr) or len(tr) != len(en):
        return False
    return sorted((i, s) for i, s in tr) == [(i, s) for i, (_, s) in enumerate(en)]


def main():
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        pot_path = os.path.join(tmp, "sne.pot")
        subprocess.run([os.path.join(SOURCE, "scripts/i18n"), "--pot", pot_path], check=True,
                       cwd=SOURCE)
        pot = polib.pofile(pot_path)
        wanted = {(e.msgctxt, e.msgid): e for e in pot}
        catalogues = sorted(f for f in os.listdir(os.path.join(SOURCE, "po")) if f.endswith(".po"))
        if not catalogues:
            problems.append("no catalogue in po/")
        for name in catalogues:
            path = os.path.join(SOURCE, "po", name)
            check = subprocess.run(["msgfmt", "--check", "-o", os.devnull, path],
                                   capture_output=True, text=True)
            if check.returncode != 0:
                problems.append(f"po/{name}: msgfmt --check: {check.stderr.strip()}")
            po = polib.pofile(path)
            have = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
            for key, entry in wanted.items():
                where = ", ".join(sorted({f for f, _ in entry.occurrences}))
                got = have.get(key)
                if got is None:
                    problems.append(f"po/{name}: missing {entry.msgid!r} ({where}): run scripts/i18n")
                    continue
                forms = [got.msgstr] if not entry.msgid_plural else \
                    [got.msgstr_plural.get(i, "") for i in range(int(po.metadata.get(
                        "Plural-Forms", "nplurals=2").split("nplurals=")[1].split(";")[0]))]
                if "fuzzy" in got.flags or any(not f for f in forms):
                    problems.append(f"po/{name}: untranslated {entry.msgid!r} ({where})")
                    continue
                for i, form in enumerate(forms):
                    english = entry.msgid if i == 0 or not entry.msgid_plural else entry.msgid_plural
                    if not same_fields(english, form):
                        problems.append(f"po/{name}: the placeholders of {form!r} are not those "
                                        f"of {english!r} ({where})")
            for key in sorted(set(have) - set(wanted), key=str):
                problems.append(f"po/{name}: {key[1]!r} is no longer in the sources: "
                                "run scripts/i18n")
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} problem(s); po/README.md says how to translate")
        return 1
    print(f"{len(wanted)} strings, translated in {', '.join(catalogues)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
