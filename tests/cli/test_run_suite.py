"""run_suite.py, the runner of these suites: a skipped test or an empty suite fails the suite."""
import os
import subprocess
import sys
import tempfile
import unittest

RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "run_suite.py")


class RunSuite(unittest.TestCase):
    def run_module(self, body):
        with tempfile.TemporaryDirectory() as folder:
            with open(os.path.join(folder, "test_sample.py"), "w", encoding="utf-8") as f:
                f.write("import unittest\n\n\nclass Sample(unittest.TestCase):\n" + body)
            return subprocess.run([sys.executable, RUNNER, "test_sample"], cwd=folder,
                                  capture_output=True, text=True)

    def test_passing_suite_passes(self):
        proc = self.run_module("    def test_a(self):\n        self.assertTrue(True)\n")
        self.assertEqual(proc.returncode, 0, proc.stderr)

    def test_a_skip_fails_with_its_reason(self):
        proc = self.run_module("    def test_a(self):\n        pass\n\n"
                               "    def test_b(self):\n        self.skipTest('zbarimg is missing')\n")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("test_sample.Sample.test_b was skipped (zbarimg is missing)", proc.stderr)

    def test_a_failure_fails(self):
        proc = self.run_module("    def test_a(self):\n        self.assertEqual(1, 2)\n")
        self.assertEqual(proc.returncode, 1)

    def test_no_test_fails(self):
        proc = self.run_module("    pass\n")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("no test ran in test_sample", proc.stderr)
