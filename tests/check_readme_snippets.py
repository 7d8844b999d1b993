#!/usr/bin/env python3
"""Compiles and links every ```cpp block of README.md against libsne, as an editor would (and
of docs/reference/mainpage.md, the API reference's main page, given as --readme).

Convention (tests/README.md): a block that defines `main` is a whole program and is compiled as
it is. Any other block is a fragment: its `#include` lines are kept at the top and the rest
becomes the body of `int main()`, so a fragment declares what it uses and may `return` an int.
Each block is compiled as C++17 (the public headers' promise) with -Wall -Wextra -Werror, with
only include/ on the include path, and linked with libsne.

usage: check_readme_snippets.py --readme README.md --cxx c++ --include DIR --lib libsne.so
       [--ldflag FLAG]...
Exit 0 when every block builds (and there is at least one), 1 otherwise, naming the block's line.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

FENCE = re.compile(r"^```(\S*)\s*$")
MAIN = re.compile(r"\bint\s+main\s*\(")


def blocks(text):
    """(line of the opening fence, language, code) of each fenced block."""
    out, lang, start, lines = [], None, 0, []
    for n, line in enumerate(text.splitlines(), 1):
        m = FENCE.match(line)
        if lang is None and m:
            lang, start, lines = m.group(1), n, []
        elif lang is not None and line.strip() == "```":
            out.append((start, lang, "\n".join(lines) + "\n"))
            lang = None
        elif lang is not None:
            lines.append(line)
    if lang is not None:
        sys.exit(f"README: the block opened at line {start} is never closed")
    return out


def program(code):
    """The translation unit of a block: itself, or a fragment wrapped into main()."""
    if MAIN.search(code):
        return code
    head = [l for l in code.splitlines() if l.lstrip().startswith("#include")]
    body = [l for l in code.splitlines() if not l.lstrip().startswith("#include")]
    return ("\n".join(head) + "\n\nint main() {\n" + "\n".join("  " + l for l in body) +
            "\n  return 0;\n}\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--readme", required=True)
    ap.add_argument("--cxx", required=True)
    ap.add_argument("--include", required=True)
    ap.add_argument("--lib", required=True)
    ap.add_argument("--ldflag", action="append", default=[],
                    help="one more flag to link with (the sanitizers' runtime in build-san)")
    args = ap.parse_args()
    name = os.path.basename(args.readme)
    with open(args.readme, encoding="utf-8") as f:
        cpp = [b for b in blocks(f.read()) if b[1] in ("cpp", "c++", "cxx")]
    if not cpp:
        print(f"{args.readme}: no ```cpp block found", file=sys.stderr)
        return 1
    failed = 0
    libdir = os.path.dirname(os.path.abspath(args.lib))
    with tempfile.TemporaryDirectory(prefix="sne-readme-") as tmp:
        for line, _, code in cpp:
            src = os.path.join(tmp, f"readme_{line}.cpp")
            with open(src, "w", encoding="utf-8") as f:
                f.write(program(code))
            cmd = [args.cxx, "-std=c++17", "-Wall", "-Wextra", "-Werror", "-I", args.include,
                   src, "-o", os.path.join(tmp, f"readme_{line}"), args.lib,
                   f"-Wl,-rpath,{libdir}", *args.ldflag]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                failed += 1
                print(f"{name}:{line}: the C++ block does not build:\n{r.stderr}",
                      file=sys.stderr)
            else:
                print(f"{name}:{line}: ok")
    print(f"{len(cpp) - failed} of {len(cpp)} C++ blocks build")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
