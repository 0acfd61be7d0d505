#!/usr/bin/env python3
"""Read an odoo-bin log: ERROR/CRITICAL records, failed tests and test counts.

Used by scripts/test (command line) and tests/ (imported). A log record is a
line "YYYY-MM-DD HH:MM:SS,mmm PID LEVEL DB LOGGER: message" followed by its
continuation lines (tracebacks). With --test-enable and --stop-after-init Odoo
ends with "F failed, E error(s) of N tests when loading database 'db'".
"""

import argparse
import re
import sys
from dataclasses import dataclass, field

RECORD_RE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \d+ (?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>[^\s:]+): (?P<msg>.*)$"
)
SUMMARY_RE = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<run>\d+) tests when loading database"
)
TEST_FAILURE_RE = re.compile(r"^(?P<kind>FAIL|ERROR): (?P<test>.+?)\s*$")
TEST_START_RE = re.compile(r"^Starting (?P<test>\S+) \.\.\.$")
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
    summary: dict | None = None  # the last "... tests when loading database" line

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
        if require_tests and self.tests_run == 0:
            problems.append("no test ran" + ("" if self.summary else " (no test summary in the log)"))
        return problems

    def excerpt(self, max_lines=200, lines_per_record=40):
        """The ERROR/CRITICAL records with their tracebacks, shortened."""
        out = []
        for record in self.bad_records:
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
        failure = TEST_FAILURE_RE.match(current.msg)
        if failure and current.level in BAD_LEVELS:
            report.test_failures.append(f"{failure['kind']}: {failure['test']}")
        if TEST_START_RE.match(current.msg):
            report.tests_started += 1
        summary = SUMMARY_RE.search(current.msg)
        if summary:
            report.summary = {key: int(value) for key, value in summary.groupdict().items()}
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", help="the odoo-bin log file")
    parser.add_argument("--require-tests", action="store_true", help="fail when no test ran")
    args = parser.parse_args(argv)
    with open(args.log, encoding="utf-8", errors="replace") as log:
        report = scan(log.read())
    print(
        f"tests run: {report.tests_run}, failed: {report.tests_failed}, errors: {report.tests_errored}; "
        f"ERROR/CRITICAL records: {len(report.bad_records)}, warnings: {report.warnings}"
    )
    problems = report.problems(require_tests=args.require_tests)
    if not problems:
        return 0
    for failure in report.test_failures:
        print(f"  {failure}")
    if report.bad_records:
        print(f"--- ERROR/CRITICAL records in {args.log} ---")
        print(report.excerpt())
        print("--- end of excerpt ---")
    print("problems: " + "; ".join(problems))
    return 1


if __name__ == "__main__":
    sys.exit(main())
