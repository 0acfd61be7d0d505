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


def test_failed_demo_data_is_a_problem():
    """Odoo only warns when a module's demo data raises, then installs it without:
    that warning fails the run (the suite would skip the demo tests, scripts/run would
    serve logins that do not exist)."""
    report = odoo_log.scan(
        f"{HEAD} WARNING db odoo.modules.loading: Module crm_showroom demo data failed to install, "
        "installed without demo data\n"
        "Traceback (most recent call last):\n"
        "odoo.exceptions.UserError: Only a past day can be inspected\n"
        f"{HEAD} INFO db odoo.tests.result: 0 failed, 0 error(s) of 3 tests when loading database 'db'\n"
    )
    assert report.warnings == 1
    assert report.problems(require_tests=True) == ["the demo data of crm_showroom failed to install"]
    assert "Only a past day can be inspected" in report.excerpt()


def test_skipped_browser_test_is_a_problem():
    report = odoo_log.scan(
        f"{HEAD} INFO db odoo.addons.m.tests.test_ui: Starting TestUi.test_tour ...\n"
        f"{HEAD} INFO db odoo.addons.m.tests.test_ui: skipped TestUi.test_tour : Chrome executable not found \n"
        f"{HEAD} INFO db odoo.addons.m.tests.test_ui: Starting TestUi.test_other ...\n"
        f"{HEAD} INFO db odoo.addons.m.tests.test_ui: skipped TestUi.test_other : "
        "Failed to detect chrome devtools port after 10.0s.\n"
        f"{HEAD} INFO db odoo.addons.m.tests.test_a: Starting TestA.test_optional ...\n"
        f"{HEAD} INFO db odoo.addons.m.tests.test_a: skipped TestA.test_optional : needs module foo\n"
        f"{HEAD} INFO db odoo.tests.result: 0 failed, 0 error(s) of 3 tests when loading database 'db'\n"
    )
    assert report.skipped == [
        ("TestUi.test_tour", "Chrome executable not found"),
        ("TestUi.test_other", "Failed to detect chrome devtools port after 10.0s."),
        ("TestA.test_optional", "needs module foo"),
    ]
    assert [test for test, _reason in report.browser_skips] == ["TestUi.test_tour", "TestUi.test_other"]
    assert report.problems(require_tests=True) == ["2 browser test(s) skipped"]


def test_other_skips_are_no_problem():
    report = odoo_log.scan(
        f"{HEAD} INFO db odoo.addons.m.tests.test_a: Starting TestA.test_optional ...\n"
        f"{HEAD} INFO db odoo.addons.m.tests.test_a: skipped TestA.test_optional : needs module foo\n"
        f"{HEAD} INFO db odoo.tests.result: 0 failed, 0 error(s) of 1 tests when loading database 'db'\n"
    )
    assert report.skipped == [("TestA.test_optional", "needs module foo")]
    assert report.problems(require_tests=True) == []


def test_missing_websocket_client_is_a_problem():
    # ChromeBrowser warns, then raises SkipTest (logged as a skip by Odoo's runner).
    warning = f"{HEAD} WARNING db odoo.addons.m.tests.test_ui: websocket-client module is not installed\n"
    skip = (
        f"{HEAD} INFO db odoo.addons.m.tests.test_ui: "
        "skipped TestUi.test_tour : websocket-client module is not installed\n"
    )
    assert odoo_log.scan(warning + skip).problems() == ["1 browser test(s) skipped"]
    # Without the skip line (e.g. pytest ran the test and kept the skip to itself).
    assert odoo_log.scan(warning).problems() == ["browser tests cannot run: websocket-client module is not installed"]


JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites name="pytest tests"><testsuite name="pytest" errors="1" failures="1" skipped="3" tests="6">
<testcase classname="odoo.addons.crm.tests.test_crm_lead.TestCRMLead" name="test_ok" time="0.1" />
<testcase classname="odoo.addons.crm.tests.test_crm_lead.TestCRMLead" name="test_bad" time="0.1">
<failure message="AssertionError: 1 != 2">Traceback</failure></testcase>
<testcase classname="odoo.addons.crm.tests.test_crm_lead.TestCRMLead" name="test_broken" time="0.1">
<error message="failed on setup">Traceback</error></testcase>
<testcase classname="odoo.addons.crm.tests.test_crm_ui.TestUi" name="test_tour" time="0.1">
<skipped type="pytest.skip" message="Chrome executable not found">common.py:1879: Chrome executable not found</skipped>
</testcase>
<testcase classname="odoo.addons.crm.tests.test_crm_ui.TestUi" name="test_http" time="0.1">
<skipped type="pytest.skip" message="Test test_http skipped because it is an HttpCase and --odoo-http is not set">
</skipped></testcase>
<testcase classname="odoo.addons.crm.tests.test_crm_lead.TestCRMLead" name="test_optional" time="0.1">
<skipped type="pytest.skip" message="needs module foo">x</skipped></testcase>
</testsuite></testsuites>
"""


def test_junit_report():
    report = odoo_log.scan_junit(JUNIT)
    assert (report.tests, report.tests_run, len(report.skipped)) == (6, 3, 3)
    assert report.failures == [
        "FAIL: odoo.addons.crm.tests.test_crm_lead.TestCRMLead.test_bad",
        "ERROR: odoo.addons.crm.tests.test_crm_lead.TestCRMLead.test_broken",
    ]
    assert [test.rsplit(".", 1)[1] for test, _reason in report.browser_skips] == ["test_tour", "test_http"]
    assert report.problems(require_tests=True) == ["2 test(s) failed or errored", "2 browser test(s) skipped"]


def test_junit_report_without_tests():
    report = odoo_log.scan_junit('<testsuites><testsuite name="pytest" tests="0" /></testsuites>')
    assert report.problems() == []
    assert report.problems(require_tests=True) == ["no test ran"]


def test_command_line_with_junit(tmp_path, capsys):
    log = tmp_path / "odoo.log"
    log.write_text(
        f"{HEAD} ERROR ? odoo.tests.common: Importing test framework, avoid importing from business modules "
        "and when not running in test mode \n"
        "Stack (most recent call last):\n"
        '  File "/venv/lib/python3.11/site-packages/pytest_odoo.py", line 254, in support_subtest\n'
        "    from odoo.tests.case import TestCase\n"
        f"{HEAD} INFO db odoo.modules.loading: loading 1 modules...\n"
    )
    xml = tmp_path / "junit.xml"
    xml.write_text(JUNIT)
    assert odoo_log.main([str(log), "--junit", str(xml), "--require-tests"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        "tests run: 3, failed or errored: 2, skipped: 3 (browser tests: 2); ERROR/CRITICAL records: 0, warnings: 0"
    )
    assert "problems: 2 test(s) failed or errored; 2 browser test(s) skipped" in out
    xml.write_text(
        '<testsuites><testsuite name="pytest" tests="2">'
        '<testcase classname="m.T" name="test_ok" /><testcase classname="m.T" name="test_optional">'
        '<skipped type="pytest.skip" message="needs module foo" /></testcase></testsuite></testsuites>'
    )
    assert odoo_log.main([str(log), "--junit", str(xml), "--require-tests"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "tests run: 1, failed or errored: 0, skipped: 1 (browser tests: 0); ERROR/CRITICAL records: 0, warnings: 0",
        "  skipped: m.T.test_optional: needs module foo",
    ]


def test_pytest_odoo_import_record_is_recognized():
    record = "ERROR ? odoo.tests.common: Importing test framework, avoid importing from business modules"
    by_plugin = odoo_log.scan(f"{HEAD} {record}\n  File \"/v/site-packages/pytest_odoo.py\", line 254\n")
    by_addon = odoo_log.scan(f"{HEAD} {record}\n  File \"/addons/m/models/x.py\", line 3\n")
    assert odoo_log.is_pytest_odoo_import_record(by_plugin.bad_records[0])
    assert not odoo_log.is_pytest_odoo_import_record(by_addon.bad_records[0])
