#!/usr/bin/env python3
"""Run the unit tests and write a JUnit XML report: unit_tests.py --junit build/junit.xml"""
import argparse
import os
import sys
import time
import unittest
import xml.etree.ElementTree as ET


class Recorder(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cases = []
        self._start = 0.0

    def startTest(self, test):
        self._start = time.monotonic()
        super().startTest(test)

    def _record(self, test, outcome=None, detail=""):
        cls = type(test)
        self.cases.append((f"{cls.__module__}.{cls.__name__}", test._testMethodName,
                           time.monotonic() - self._start, outcome, detail))

    def addSuccess(self, test):
        super().addSuccess(test)
        self._record(test)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._record(test, "failure", self._exc_info_to_string(err, test))

    def addError(self, test, err):
        super().addError(test, err)
        self._record(test, "error", self._exc_info_to_string(err, test))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._record(test, "skipped", reason)


def write_junit(path, cases, elapsed):
    suite = ET.Element("testsuite", name="sample-service", tests=str(len(cases)),
                       failures=str(sum(c[3] == "failure" for c in cases)),
                       errors=str(sum(c[3] == "error" for c in cases)),
                       skipped=str(sum(c[3] == "skipped" for c in cases)), time=f"{elapsed:.3f}")
    for classname, name, seconds, outcome, detail in cases:
        case = ET.SubElement(suite, "testcase", classname=classname, name=name, time=f"{seconds:.3f}")
        if outcome:
            first = detail.strip().splitlines()[-1] if detail.strip() else outcome
            el = ET.SubElement(case, outcome, message=first)
            el.text = detail
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    tmp = path + ".tmp"
    ET.ElementTree(suite).write(tmp, encoding="utf-8", xml_declaration=True)
    os.replace(tmp, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--junit", required=True)
    args = parser.parse_args()
    sys.path.insert(0, os.getcwd())
    suite = unittest.defaultTestLoader.discover("tests", top_level_dir=".")
    runner = unittest.TextTestRunner(resultclass=Recorder, verbosity=1, stream=sys.stderr)
    start = time.monotonic()
    result = runner.run(suite)
    write_junit(args.junit, result.cases, time.monotonic() - start)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
