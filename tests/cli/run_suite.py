"""Runs CLI test modules as `python3 -m unittest -v MODULE...` does, and fails when a test was
skipped or none ran. Every tool these tests need is installed by scripts/setup, so a skip would
be a test that cannot fail passing silently: here it fails, with the skip's reason.

    python3 run_suite.py test_basics [test_fiche ...]
"""
import os
import sys
import unittest


def main(names):
    sys.path.insert(0, os.getcwd())  # modules are named from the working folder, as with -m
    suite = unittest.defaultTestLoader.loadTestsFromNames(names)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    for test, reason in result.skipped:
        print(f"run_suite: {test.id()} was skipped ({reason}); a skip fails this suite",
              file=sys.stderr)
    if result.testsRun == 0:
        print(f"run_suite: no test ran in {' '.join(names)}", file=sys.stderr)
        return 1
    return 0 if result.wasSuccessful() and not result.skipped else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
