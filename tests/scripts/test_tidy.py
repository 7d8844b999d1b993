"""scripts/tidy, clang-tidy with a cache of passes: a file runs again whenever one of its inputs
changed (its content, a header it includes directly or not, its compile command, .clang-tidy),
a failure is never remembered, and --all runs everything. Run on a small CMake project made in
a temporary folder, built with Ninja so that the compiler's dependency records exist."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

TIDY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "tidy")

CMAKE = """cmake_minimum_required(VERSION 3.20)
project(probe LANGUAGES CXX)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)
add_library(probe OBJECT libsne/a.cpp libsne/b.cpp)
target_compile_definitions(probe PRIVATE ${EXTRA})
"""


class Tidy(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp(prefix="sne-tidy-")
        self.addCleanup(shutil.rmtree, self.folder)
        self.root = os.path.join(self.folder, "src")
        self.build = os.path.join(self.root, "build")
        self.env = dict(os.environ, XDG_CACHE_HOME=os.path.join(self.folder, "cache"))
        self.write("CMakeLists.txt", CMAKE)
        self.write(".clang-tidy", "Checks: '-*,modernize-use-nullptr'\n")
        self.write("libsne/a.hpp", '#pragma once\n#include "c.hpp"\ninline int a() { return C; }\n')
        self.write("libsne/c.hpp", "#pragma once\nconstexpr int C = 1;\n")
        self.write("libsne/a.cpp", '#include "a.hpp"\nint use_a() { return a(); }\n')
        self.write("libsne/b.cpp", "int use_b() { return 2; }\n")
        self.configure("ONE")

    def write(self, name, text):
        time.sleep(0.02)  # later than the last build by more than the clock's granularity
        path = os.path.join(self.root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)

    def configure(self, extra):
        subprocess.run(["cmake", "-S", self.root, "-B", self.build, "-G", "Ninja",
                        f"-DEXTRA={extra}"], check=True, capture_output=True)
        self.make()

    def make(self):
        time.sleep(0.02)
        subprocess.run(["cmake", "--build", self.build], check=True, capture_output=True)

    def tidy(self, *args):
        proc = subprocess.run([sys.executable, TIDY, "--root", self.root, *args,
                               "libsne/a.cpp", "libsne/b.cpp"],
                              cwd=self.root, env=self.env, capture_output=True, text=True)
        match = re.search(r"ran on (\d+) files \(([^)]*)\); (\d+) unchanged", proc.stdout)
        self.assertIsNotNone(match, proc.stdout + proc.stderr)
        ran = [] if match.group(2) == "none" else match.group(2).split(", ")
        return proc.returncode, ran, int(match.group(3))

    def test_a_pass_is_remembered(self):
        self.assertEqual(self.tidy(), (0, ["libsne/a.cpp", "libsne/b.cpp"], 0))
        self.assertEqual(self.tidy(), (0, [], 2))

    def test_a_changed_file_runs_again(self):
        self.tidy()
        self.write("libsne/b.cpp", "int use_b() { return 3; }\n")
        # Before it is built again, its dependency record is out of date: it runs, and its pass
        # is not remembered; built, it runs once more and is remembered.
        self.assertEqual(self.tidy(), (0, ["libsne/b.cpp"], 1))
        self.assertEqual(self.tidy(), (0, ["libsne/b.cpp"], 1))
        self.make()
        self.assertEqual(self.tidy(), (0, ["libsne/b.cpp"], 1))
        self.assertEqual(self.tidy(), (0, [], 2))

    def test_a_changed_header_runs_its_includers_even_through_another_header(self):
        self.tidy()
        self.write("libsne/c.hpp", "#pragma once\nconstexpr int C = 2;\n")
        self.make()
        self.assertEqual(self.tidy(), (0, ["libsne/a.cpp"], 1))
        # A header that a header now includes counts from the next build on.
        self.write("libsne/d.hpp", "#pragma once\nconstexpr int D = 4;\n")
        self.write("libsne/c.hpp", '#pragma once\n#include "d.hpp"\nconstexpr int C = D;\n')
        self.make()
        self.assertEqual(self.tidy(), (0, ["libsne/a.cpp"], 1))
        self.write("libsne/d.hpp", "#pragma once\nconstexpr int D = 5;\n")
        self.assertEqual(self.tidy(), (0, ["libsne/a.cpp"], 1))

    def test_a_changed_compile_command_or_configuration_runs_everything(self):
        self.tidy()
        self.configure("TWO")
        self.assertEqual(self.tidy(), (0, ["libsne/a.cpp", "libsne/b.cpp"], 0))
        self.write(".clang-tidy", "Checks: '-*,modernize-use-nullptr,performance-*'\n")
        self.assertEqual(self.tidy(), (0, ["libsne/a.cpp", "libsne/b.cpp"], 0))

    def test_a_failure_is_never_remembered(self):
        self.write("libsne/b.cpp", "const int* use_b() { return 0; }\n")
        self.make()
        self.assertEqual(self.tidy(), (1, ["libsne/a.cpp", "libsne/b.cpp"], 0))
        self.assertEqual(self.tidy(), (1, ["libsne/b.cpp"], 1))

    def test_all_runs_everything(self):
        self.tidy()
        self.assertEqual(self.tidy("--all"), (0, ["libsne/a.cpp", "libsne/b.cpp"], 0))

    def test_a_clone_in_another_folder_shares_the_passes(self):
        self.tidy()
        clone = os.path.join(self.folder, "clone")
        shutil.copytree(self.root, clone, ignore=shutil.ignore_patterns("build"))
        self.root, self.build = clone, os.path.join(clone, "build")
        self.configure("ONE")
        self.assertEqual(self.tidy(), (0, [], 2))


if __name__ == "__main__":
    unittest.main()
