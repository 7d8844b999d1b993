"""The library's messages name what is wrong, never which `sne` command or flag to run: that
advice is the program's (cli/output.cpp, hint_for). Every string literal of libsne/ (adjacent
literals joined, comments left out) is checked for a `sne` command or a --flag.

usage: check_library_messages.py LIBSNE_DIR"""

import os
import re
import sys

# What a message may legitimately hold, as "path relative to libsne/: literal text" (the text
# a whole joined literal contains). Each entry says why it is no advice to run a command.
ALLOWED = {
    # The sandbox plays the service and GLPI: what it answers and mails is the remote side's
    # text (a demo mail tells its reader what to type; a fault played on purpose says which
    # knob played it; GLPI's home page and app token name the sandbox), not libsne's advice.
    "sandbox/embedded_transport.cpp": ["(sne sandbox faults --drop-rate)"],
    "sandbox/handler.cpp": ["(sne sandbox faults --error-rate", "(sne sandbox faults --rate-limit)"],
    "sandbox/glpi.cpp": ["GLPI REST API (sne sandbox)"],
    "sandbox/glpi_store.cpp": ["VALUES (?, 'sne sandbox')"],
    "sandbox/routes_accounts.cpp": ["Suivi : sne account status", "sne account activate --token"],
}

COMMAND = re.compile(
    r"\bsne (account|auth|bulk|calendar|completion|config|doctor|dossier|fiche|numero|piece|pli|"
    r"sandbox|siret|ticket|--?[a-z])")
FLAG = re.compile(r"(?:^|[\s'\"(\[=,])--[a-z][a-z0-9-]*")

LITERAL = re.compile(
    r'''(?P<comment>//[^\n]*|/\*.*?\*/)'''
    r'''|R"(?P<delim>[^(\s]{0,16})\((?P<raw>.*?)\)(?P=delim)"'''
    r'''|"(?P<text>(?:[^"\\\n]|\\.)*)"'''
    r"""|'(?:[^'\\\n]|\\.)+'""",
    re.S)


def literals(source):
    """(line, text) of each run of adjacent string literals, comments skipped."""
    runs = []
    last_end = None
    for m in LITERAL.finditer(source):
        if m.group("comment") is not None or m.group(0).startswith("'"):
            last_end = None
            continue
        text = m.group("raw") if m.group("raw") is not None else m.group("text")
        line = source.count("\n", 0, m.start()) + 1
        if last_end is not None and source[last_end:m.start()].strip() == "" and runs:
            runs[-1] = (runs[-1][0], runs[-1][1] + text)
        else:
            runs.append((line, text))
        last_end = m.end()
    return runs


def allowed(relative, text):
    for where, fragments in ALLOWED.items():
        if relative == where or (where.endswith("/") and relative.startswith(where)):
            if any(f == "*" or f in text for f in fragments):
                return True
    return False


def check(root):
    failures = []
    checked = 0
    for folder, _, files in os.walk(root):
        for name in sorted(files):
            if not name.endswith((".cpp", ".hpp", ".h", ".in")):
                continue
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, root)
            with open(path, encoding="utf-8", errors="replace") as f:
                source = f.read()
            checked += 1
            for line, text in literals(source):
                found = COMMAND.search(text) or FLAG.search(text)
                if found and not allowed(relative, text):
                    failures.append(f"libsne/{relative}:{line}: \"{text}\" names "
                                    f"'{found.group(0).strip()}': say what is wrong, and let "
                                    "cli/output.cpp's hint_for say what to run")
    return checked, failures


def flagged(source):
    return [text for _, text in literals(source) if COMMAND.search(text) or FLAG.search(text)]


def self_test():
    """The checker sees what it must see (a literal split across lines, a flag, a raw string)
    and not comments, characters or hyphens inside words."""
    must = [
        'fmt::format("unknown type (see \'sne piece "\n    "types\')", t)',
        'Error(ErrorCode::io, "give another --journal")',
        'R"(run sne sandbox reset)"',
        '.prefixed("--cacert")',
    ]
    must_not = [
        '// run \'sne piece types\'\nint x = 1;',
        '/* sne dossier clean --for */',
        'char c = \'-\'; "mise-a-jour" "e-mail --"',
        '"a sne-like name", "libsne 1.0", "snes pieces"',
    ]
    problems = [f"not flagged: {s}" for s in must if not flagged(s)]
    problems += [f"flagged: {s}: {flagged(s)}" for s in must_not if flagged(s)]
    return problems


def main(argv):
    root = argv[1]
    problems = self_test()
    if problems:
        print("the checker itself is wrong:", *problems, sep="\n")
        return 1
    checked, failures = check(root)
    for failure in failures:
        print(failure)
    print(f"{checked} files of libsne/ checked, {len(failures)} messages naming the CLI")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
