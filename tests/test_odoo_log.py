"""scripts/odoo_log.py, which scripts/test uses to judge the Odoo suite's log (fast)."""

from odoo_runner import odoo_log

HEAD = "2025-01-01 10:00:00,000 4242"


def test_clean_log_with_tests():
    report = odoo_log.scan(
        f"{HEAD} INFO db odoo.modules.loading: loading 1 modules...\n"
        f"{HEAD} INFO db odoo.addons.m.tests.test_a: Starting TestA.test_one ...\n"
        f"{HEAD} WARNING db odoo.models: something odd\n"
        f"{HEAD} INFO db odoo.tests.result: 0 failed, 0 error(s) of 1 tests when loading database 'db'\n"
    )
    assert (report.tests_run, report.tests_failed, report.tests_errored, report.warnings) == (1, 0, 0, 1)
    assert report.problems(require_tests=True) == []


def test_failures_errors_and_tracebacks():
    report = odoo_log.scan(
        f"{HEAD} INFO db odoo.addons.m.tests.test_a: Starting TestA.test_fail ...\n"
        f"{HEAD} ERROR db odoo.addons.m.tests.test_a: FAIL: TestA.test_fail\n"
        "Traceback (most recent call last):\n"
        "AssertionError: 1 != 2\n"
        f"{HEAD} ERROR db odoo.addons.m.tests.test_a: FAIL: Subtest TestA.test_sub (login='demo') \n"
        f"{HEAD} CRITICAL db odoo.service.server: Failed to initialize database `db`.\n"
        f"{HEAD} ERROR db odoo.tests.result: 1 failed, 0 error(s) of 1 tests when loading database 'db'\n"
    )
    assert report.test_failures == ["FAIL: TestA.test_fail", "FAIL: Subtest TestA.test_sub (login='demo')"]
    assert (report.tests_run, report.tests_failed) == (1, 1)
    assert len(report.bad_records) == 4
    assert "AssertionError: 1 != 2" in report.excerpt()
    assert len(report.problems()) == 2


def test_no_test_ran():
    report = odoo_log.scan(
        f"{HEAD} WARNING db odoo.tests.result: 0 failed, 0 error(s) of 0 tests when loading database 'db'\n"
    )
    assert report.problems() == []
    assert report.problems(require_tests=True) == ["no test ran"]
    assert odoo_log.scan("").problems(require_tests=True) == ["no test ran (no test summary in the log)"]
