#!/usr/bin/env python3
"""Read an odoo-bin log: ERROR/CRITICAL records, failed, skipped tests and test counts.

Used by scripts/test (command line) and tests/ (imported). A log record is a
line "YYYY-MM-DD HH:MM:SS,mmm PID LEVEL DB LOGGER: message" followed by its
continuation lines (tracebacks). With --test-enable and --stop-after-init Odoo
ends with "F failed, E error(s) of N tests when loading database 'db'".

A browser test (HttpCase.browser_js / start_tour) that could not start its browser
is *skipped* by Odoo, not failed: odoo/tests/common.py raises unittest.SkipTest when
the websocket-client module is missing, when no Chrome/Chromium executable is found,
or when the browser's devtools cannot be reached, and Odoo's test result logs
"skipped <test> : <reason>" at INFO. Such a skip counts as a failure here: a suite
whose tours did not run has not passed.

With --junit, the JUnit XML report of a pytest run (pytest-odoo) is judged the same
way: its failures, errors and skipped browser tests (pytest-odoo's own reason for an
HttpCase run without --odoo-http included), beside the Odoo log of that run. One
ERROR record of such a log is not counted: "Importing test framework, avoid importing
from business modules and when not running in test mode", logged because pytest-odoo
imports odoo.tests before it turns test mode on (it must: with test mode on while the
registry loads, Odoo would run every installed module's at_install tests).
"""

import argparse
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

RECORD_RE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \d+ (?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>[^\s:]+): (?P<msg>.*)$"
)
SUMMARY_RE = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<run>\d+) tests when loading database"
)
TEST_FAILURE_RE = re.compile(r"^(?P<kind>FAIL|ERROR): (?P<test>.+?)\s*$")
TEST_START_RE = re.compile(r"^Starting (?P<test>\S+) \.\.\.$")
TEST_SKIP_RE = re.compile(r"^skipped (?P<test>.+?) : (?P<reason>.*)$")
# The reasons of odoo/tests/common.py's SkipTest in ChromeBrowser and _find_executable
# ("websocket-client module is not installed", "Chrome executable not found",
# "/usr/bin/chromium not found", "Failed to detect chrome devtools port…", "Error during
# Chrome headless connection", "Cannot connect to chrome dev tools"…) and pytest-odoo's
# "… is an HttpCase and --odoo-http is not set".
BROWSER_SKIP_RE = re.compile(r"chrom|websocket|devtools|HttpCase", re.IGNORECASE)
# Logged (WARNING) by ChromeBrowser before it skips, also where no skip line follows.
NO_WEBSOCKET_MSG = "websocket-client module is not installed"
# Logged (WARNING, with the traceback) by odoo/modules/loading.py's load_demo when a
# module's demo data raised: Odoo rolls the demo back and goes on "installed without
# demo data", a half-made database that only a WARNING reveals.
DEMO_FAILED_RE = re.compile(r"^Module (?P<module>\S+) demo data failed to install")
BAD_LEVELS = ("ERROR", "CRITICAL")


@dataclass
class Record:
    level: str
    logger: str
    msg: str
    lines: list = field(default_factory=list)  # the header line and its continuation lines


@dataclass
class LogReport:
    bad_records: list = field(default_factory=list)  # ERROR and CRITICAL records
    test_failures: list = field(default_factory=list)  # "FAIL: test" / "ERROR: test"
    warnings: int = 0
    tests_started: int = 0  # "Starting <test> ..." lines
    skipped: list = field(default_factory=list)  # (test, reason) of "skipped <test> : <reason>"
    no_websocket: bool = False  # Odoo warned that websocket-client is missing
    demo_failures: list = field(default_factory=list)  # WARNING records "Module X demo data failed to install"
    summary: dict | None = None  # the last "... tests when loading database" line

    @property
    def browser_skips(self):
        """The skipped tests whose reason is that the browser could not run."""
        return [(test, reason) for test, reason in self.skipped if BROWSER_SKIP_RE.search(reason)]

    @property
    def tests_run(self):
        run = self.summary["run"] if self.summary else 0
        return max(run, self.tests_started)

    @property
    def tests_failed(self):
        return self.summary["failed"] if self.summary else 0

    @property
    def tests_errored(self):
        return self.summary["errors"] if self.summary else 0

    def problems(self, require_tests=False):
        """The reasons this log means failure (empty when it is clean)."""
        problems = []
        if self.test_failures or self.tests_failed or self.tests_errored:
            problems.append(
                f"{max(len(self.test_failures), self.tests_failed + self.tests_errored)} test(s) failed or errored"
            )
        if self.bad_records:
            problems.append(f"{len(self.bad_records)} ERROR/CRITICAL log record(s)")
        if self.demo_failures:
            modules = ", ".join(DEMO_FAILED_RE.match(record.msg)["module"] for record in self.demo_failures)
            problems.append(f"the demo data of {modules} failed to install")
        if self.browser_skips:
            problems.append(f"{len(self.browser_skips)} browser test(s) skipped")
        elif self.no_websocket:
            problems.append(f"browser tests cannot run: {NO_WEBSOCKET_MSG}")
        if require_tests and self.tests_run == 0:
            problems.append("no test ran" + ("" if self.summary else " (no test summary in the log)"))
        return problems

    def excerpt(self, max_lines=200, lines_per_record=40):
        """The ERROR/CRITICAL records and the demo-data failures, with their tracebacks, shortened."""
        out = []
        for record in self.bad_records + self.demo_failures:
            lines = record.lines
            if len(lines) > lines_per_record:
                lines = [*lines[:lines_per_record], f"    [... {len(record.lines) - lines_per_record} more lines]"]
            out.extend(lines)
            if len(out) >= max_lines:
                out = [*out[:max_lines], "[... excerpt cut; see the full log]"]
                break
        return "\n".join(out)


def scan(text):
    """Parse the text of an Odoo log into a LogReport."""
    report = LogReport()
    current = None
    for line in text.splitlines():
        match = RECORD_RE.match(line)
        if not match:
            if current is not None:
                current.lines.append(line)
            continue
        current = Record(match["level"], match["logger"], match["msg"], [line])
        if current.level in BAD_LEVELS:
            report.bad_records.append(current)
        elif current.level == "WARNING":
            report.warnings += 1
            if DEMO_FAILED_RE.match(current.msg):
                report.demo_failures.append(current)
        failure = TEST_FAILURE_RE.match(current.msg)
        if failure and current.level in BAD_LEVELS:
            report.test_failures.append(f"{failure['kind']}: {failure['test']}")
        if TEST_START_RE.match(current.msg):
            report.tests_started += 1
        skip = TEST_SKIP_RE.match(current.msg)
        if skip:
            report.skipped.append((skip["test"], skip["reason"].strip()))  # Odoo ends messages with a space
        if NO_WEBSOCKET_MSG in current.msg:
            report.no_websocket = True
        summary = SUMMARY_RE.search(current.msg)
        if summary:
            report.summary = {key: int(value) for key, value in summary.groupdict().items()}
    return report


def is_pytest_odoo_import_record(record):
    """The ERROR record pytest-odoo causes by importing odoo.tests outside test mode."""
    return (
        record.logger == "odoo.tests.common"
        and record.msg.startswith("Importing test framework")
        and any("pytest_odoo.py" in line for line in record.lines)
    )


@dataclass
class JunitReport:
    """The results of a pytest run, from its --junitxml report."""

    tests: int = 0  # test cases, skipped ones included
    failures: list = field(default_factory=list)  # "FAIL: test" / "ERROR: test"
    skipped: list = field(default_factory=list)  # (test, reason)

    @property
    def tests_run(self):
        return self.tests - len(self.skipped)

    @property
    def browser_skips(self):
        return [(test, reason) for test, reason in self.skipped if BROWSER_SKIP_RE.search(reason)]

    def problems(self, require_tests=False):
        problems = []
        if self.failures:
            problems.append(f"{len(self.failures)} test(s) failed or errored")
        if self.browser_skips:
            problems.append(f"{len(self.browser_skips)} browser test(s) skipped")
        if require_tests and self.tests_run == 0:
            problems.append("no test ran")
        return problems


def scan_junit(text):
    """Parse the JUnit XML report of a pytest run into a JunitReport."""
    report = JunitReport()
    for case in ET.fromstring(text).iter("testcase"):
        report.tests += 1
        name = ".".join(part for part in (case.get("classname"), case.get("name")) if part)
        for child in case:
            if child.tag in ("failure", "error"):
                kind = "FAIL" if child.tag == "failure" else "ERROR"
                report.failures.append(f"{kind}: {name}")
            elif child.tag == "skipped":
                report.skipped.append((name, child.get("message") or (child.text or "").strip()))
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", help="the odoo-bin log file")
    parser.add_argument("--require-tests", action="store_true", help="fail when no test ran")
    parser.add_argument(
        "--junit",
        metavar="XML",
        help="the JUnit XML report of the pytest run that wrote the log (pytest-odoo): the tests are counted there",
    )
    args = parser.parse_args(argv)
    with open(args.log, encoding="utf-8", errors="replace") as log:
        report = scan(log.read())
    if args.junit:
        with open(args.junit, encoding="utf-8") as xml:
            junit = scan_junit(xml.read())
        report.bad_records = [record for record in report.bad_records if not is_pytest_odoo_import_record(record)]
        skipped = junit.skipped
        print(
            f"tests run: {junit.tests_run}, failed or errored: {len(junit.failures)}, skipped: {len(skipped)} "
            f"(browser tests: {len(junit.browser_skips)}); "
            f"ERROR/CRITICAL records: {len(report.bad_records)}, warnings: {report.warnings}"
        )
        problems = junit.problems(require_tests=args.require_tests) + report.problems()
        failures = junit.failures
    else:
        skipped = report.skipped
        print(
            f"tests run: {report.tests_run}, failed: {report.tests_failed}, errors: {report.tests_errored}, "
            f"skipped: {len(skipped)} (browser tests: {len(report.browser_skips)}); "
            f"ERROR/CRITICAL records: {len(report.bad_records)}, warnings: {report.warnings}"
        )
        problems = report.problems(require_tests=args.require_tests)
        failures = report.test_failures
    for test, reason in skipped:  # shown even on success: a skip is worth a look
        print(f"  skipped: {test}: {reason}")
    if not problems:
        return 0
    for failure in failures:
        print(f"  {failure}")
    if report.bad_records or report.demo_failures:
        print(f"--- ERROR/CRITICAL records and demo-data failures in {args.log} ---")
        print(report.excerpt())
        print("--- end of excerpt ---")
    print("problems: " + "; ".join(problems))
    return 1


if __name__ == "__main__":
    sys.exit(main())
