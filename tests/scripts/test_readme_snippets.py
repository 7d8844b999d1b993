"""tests/check_readme_snippets.py, on small READMEs made here: a fragment is wrapped into main(),
a whole program is compiled as it is, a block that does not compile or link fails the check and
is named by its line, and a README without C++ fails too (a check that checks nothing).
SNE_CXX, SNE_INCLUDE and SNE_LIB give the compiler, include/ and libsne."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

CHECK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "check_readme_snippets.py")

FRAGMENT = """```cpp
#include <sne/numero.hpp>

auto n = sne::NumeroUnique::parse("0340819000040PWP01");
if (!n) return 6;
```
"""
PROGRAM = """```cpp
#include <sne/date.hpp>

int main() { return sne::Date::parse("2024-02-30").ok() ? 1 : 0; }
```
"""


class ReadmeSnippets(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp(prefix="sne-readme-test-")
        self.addCleanup(shutil.rmtree, self.folder)

    def check(self, text):
        readme = os.path.join(self.folder, "README.md")
        with open(readme, "w", encoding="utf-8") as f:
            f.write(text)
        return subprocess.run([sys.executable, CHECK, "--readme", readme,
                               "--cxx", os.environ["SNE_CXX"],
                               "--include", os.environ["SNE_INCLUDE"],
                               "--lib", os.environ["SNE_LIB"]], capture_output=True, text=True)

    def test_fragments_and_programs_build(self):
        r = self.check("# t\n\n" + FRAGMENT + "\ntext\n\n" + PROGRAM)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("2 of 2 C++ blocks build", r.stdout)

    def test_a_block_that_does_not_compile_is_named_by_its_line(self):
        r = self.check(FRAGMENT + "\n```cpp\n#include <sne/date.hpp>\n\nundeclared(1);\n```\n")
        self.assertEqual(r.returncode, 1)
        self.assertIn("README.md:8: the C++ block does not build", r.stderr)
        self.assertIn("undeclared", r.stderr)

    def test_a_block_that_does_not_link_fails(self):
        r = self.check("```cpp\n#include <sne/date.hpp>\n\nnamespace sne { int nowhere(); }\n"
                       "int main() { return sne::nowhere(); }\n```\n")
        self.assertEqual(r.returncode, 1)

    def test_a_warning_fails(self):
        r = self.check("```cpp\nint unused = 0;\n```\n")
        self.assertEqual(r.returncode, 1)
        self.assertIn("unused", r.stderr)

    def test_no_cpp_block_fails(self):
        r = self.check("```sh\nsne --version\n```\n")
        self.assertEqual(r.returncode, 1)


if __name__ == "__main__":
    unittest.main()
