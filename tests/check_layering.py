"""The includes of libsne/, cli/ and include/sne/ follow the table of allowed edges between folders
in docs/ARCHITECTURE.md ("Which way dependencies point"): the table is the diagram, and this
test holds the code to it.

Each row of the table names a folder, the public headers (include/sne/) it owns, and what it may
use: folders (any of their headers, internal or public), single headers of a folder
(`client/backends.hpp`, `sne/service.hpp`), or `include/sne/` (any public header, and no
internal one). A folder may
always use itself. An include is mapped to its folder: "http/retry.hpp" to http, "sne/retry.hpp"
to the folder owning retry.hpp. Fails, naming the file, the line and the edge, on an include the
table does not allow, on a folder of libsne/ the table does not list (or a row naming none), and
on a public header no row owns.

    check_layering.py SOURCE_DIR
"""

import os
import re
import sys

INCLUDE = re.compile(r'\s*#\s*include\s*([<"])([^>"]+)[>"]')
TOKEN = re.compile(r"`([^`]+)`")
SECTION = "## Which way dependencies point"


def read_table(architecture):
    """{folder: (owned public headers, may-use tokens)} from the section's first table."""
    with open(architecture, encoding="utf-8") as f:
        text = f.read()
    start = text.find(SECTION)
    if start < 0:
        sys.exit(f"{architecture}: no section '{SECTION}'")
    rows = {}
    in_table = False
    for number, line in enumerate(text[start:].splitlines()[1:], text[:start].count("\n") + 2):
        if line.startswith("## ") or (not line.startswith("|") and in_table):
            break
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not in_table:
            if [c.lower() for c in cells] != ["folder", "public headers", "may use"]:
                sys.exit(f"{architecture}:{number}: expected the header "
                         "'| folder | public headers | may use |'")
            in_table = True
            continue
        if set(cells[0]) <= set("-: "):
            continue
        if len(cells) != 3:
            sys.exit(f"{architecture}:{number}: expected 3 cells, got {len(cells)}")
        folder = TOKEN.findall(cells[0])
        if len(folder) != 1:
            sys.exit(f"{architecture}:{number}: the first cell names one folder in backquotes")
        name = folder[0].strip("/")
        if name in rows:
            sys.exit(f"{architecture}:{number}: folder {name} listed twice")
        rows[name] = (TOKEN.findall(cells[1]), TOKEN.findall(cells[2]), number)
    if not rows:
        sys.exit(f"{architecture}: no table after '{SECTION}'")
    return rows


def main():
    root = sys.argv[1]
    architecture = os.path.join(root, "docs", "ARCHITECTURE.md")
    rows = read_table(architecture)
    failures = []

    libsne = os.path.join(root, "libsne")
    def holds_code(folder):
        return any(name.endswith((".cpp", ".hpp", ".cpp.in"))
                   for _, _, files in os.walk(folder) for name in files)

    # The folders of code (libsne/pkgconfig/ holds templates of pkg-config files, no code).
    lib_folders = sorted(d for d in os.listdir(libsne)
                         if os.path.isdir(os.path.join(libsne, d))
                         and holds_code(os.path.join(libsne, d)))
    for d in lib_folders:
        if d not in rows:
            failures.append(f"libsne/{d}/: a folder that the table of {architecture} does not "
                            "list: add its row (what it may use)")
    for name, (_, _, number) in rows.items():
        if name != "cli" and name not in lib_folders:
            failures.append(f"{architecture}:{number}: row for {name}, which is not a folder "
                            "of libsne/")

    public_dir = os.path.join(root, "include", "sne")
    public = sorted(h for h in os.listdir(public_dir) if h.endswith(".hpp"))
    owner = {}
    for name, (owned, _, number) in rows.items():
        for h in owned:
            h = h.removeprefix("sne/")
            if h in owner:
                failures.append(f"{architecture}:{number}: sne/{h} owned by {owner[h]} already")
            elif h not in public:
                failures.append(f"{architecture}:{number}: sne/{h} is not a public header")
            owner[h] = name
    for h in public:
        if h not in owner:
            failures.append(f"include/sne/{h}: no folder of the table of {architecture} owns it")

    def allowed(source, target, header, is_public):
        if source == target:
            return True
        may = rows[source][1]
        if is_public:
            return target in may or f"sne/{header}" in may or "include/sne/" in may
        return target in may or f"{target}/{header}" in may

    def check(path, source):
        rel = os.path.relpath(path, root)
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m or "/" not in m.group(2):
                    continue
                folder, _, header = m.group(2).partition("/")
                if folder == "sne":
                    if header not in owner:
                        continue  # reported above, or not a header of ours
                    target, is_public = owner[header], True
                elif m.group(1) == '"' and folder in rows:
                    target, is_public = folder, False
                else:
                    continue  # a third-party or system header
                if not allowed(source, target, header, is_public):
                    failures.append(f"{rel}:{number}: {source} -> {target} ({m.group(2)}) is not "
                                    f"an edge of the table in docs/ARCHITECTURE.md")

    for d in lib_folders:
        if d not in rows:
            continue
        for dirpath, _, files in os.walk(os.path.join(libsne, d)):
            for name in sorted(files):
                if name.endswith((".cpp", ".hpp", ".cpp.in")):
                    check(os.path.join(dirpath, name), d)
    for h in public:
        if h in owner:
            check(os.path.join(public_dir, h), owner[h])
    if "cli" in rows:
        cli = os.path.join(root, "cli")
        for name in sorted(os.listdir(cli)):
            if name.endswith((".cpp", ".hpp")):
                check(os.path.join(cli, name), "cli")
    else:
        failures.append(f"{architecture}: the table has no row for cli")

    for failure in failures:
        print(failure)
    print(f"{len(rows)} folders and {len(public)} public headers checked against "
          f"docs/ARCHITECTURE.md, {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
