import shutil
import subprocess
import tempfile
from pathlib import Path

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common_receivable import ShowroomAccountCase

REPORT = "crm_showroom.action_report_showroom_statement"


@tagged("post_install", "-at_install", "crm_showroom", "showroom_dunning")
@freeze_time("2026-03-10 02:00:00")
class TestDunningReport(ShowroomAccountCase):
    """G3 (电子催款单): the customer statement / payment reminder lists the open
    items and their ageing, per currency, in the customer's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("Dingzhou Transport Co.", lang="en_US")
        cls.inv_old = cls._invoice(cls.customer, 100000.0, "2025-11-01", "2025-12-01")
        cls.inv_partial = cls._invoice(cls.customer, 50000.0, "2026-01-21", "2026-02-20")
        cls._pay(cls.inv_partial, 20000.0, "2026-03-01")
        cls.inv_usd = cls._invoice(cls.customer, 10000.0, "2026-02-15", "2026-04-01", currency=cls.usd)
        cls.inv_other_company = cls._invoice(cls.customer, 10800.0, "2026-01-10", "2026-01-25", company=cls.company_2)
        cls.Report = (
            cls.env["ir.actions.report"]
            .with_user(cls.finance)
            .with_context(allowed_company_ids=[cls.company.id, cls.company_2.id])
        )

    def _html(self, partner, report=None):
        report = self.Report if report is None else report  # an empty recordset is falsy
        html, report_type = report._render_qweb_html(REPORT, partner.ids)
        self.assertEqual(report_type, "html")
        return html.decode()

    def test_statement_lists_open_items_and_ageing(self):
        html = self._html(self.customer)
        self.assertIn("Payment Reminder", html)
        for invoice in (self.inv_old, self.inv_partial, self.inv_usd):
            self.assertIn(invoice.name, html)
        self.assertEqual(html.count("<tr"), 1 + 3 + 1 + 2, "items and ageing rows of the current company only")
        self.assertNotIn("10,800.00", html, "the Hong Kong branch's invoice is not on the store's statement")
        self.assertIn("100,000.00", html)
        self.assertIn("30,000.00", html, "the open amount of the partly paid invoice")
        self.assertIn("50,000.00", html, "its original amount")
        self.assertIn("10,000.00", html, "the dollar invoice in dollars")
        self.assertIn("99", html, "days overdue of the oldest item")

        values = (
            self.env["report.crm_showroom.report_showroom_statement"]
            .with_user(self.finance)
            ._get_report_values(self.customer.ids)
        )
        totals = {total["currency"]: total for total in values["statements"][self.customer.id]["totals"]}
        self.assertEqual(set(totals), {self.cny, self.usd})
        self.assertAlmostEqual(totals[self.cny]["total"], 130000.0)
        self.assertAlmostEqual(totals[self.cny]["overdue"], 130000.0)
        self.assertAlmostEqual(totals[self.cny]["amount_over_90"], 100000.0)
        self.assertAlmostEqual(totals[self.cny]["amount_1_30"], 30000.0)
        self.assertAlmostEqual(totals[self.usd]["amount_current"], 10000.0)

    def test_statement_without_overdue_and_company_text(self):
        self._pay(self.inv_old, payment_date="2026-03-10")
        self._pay(self.inv_partial, payment_date="2026-03-10")
        html = self._html(self.customer)
        self.assertIn("Statement of Account", html)
        self.assertNotIn("Payment Reminder", html)

        self._pay(self.inv_usd, payment_date="2026-03-10", currency=self.usd)
        self.assertIn("You have no open items with us.", self._html(self.customer))

    def test_no_reminder_when_credits_cover_the_overdue_items(self):
        customer = self._customer("Wangdu Logistics", lang="en_US")
        overdue = self._invoice(customer, 10000.0, "2026-01-05", "2026-02-05")
        credit = self._invoice(customer, 10000.0, "2026-03-01", "2026-03-01", move_type="out_refund")
        html = self._html(customer)
        self.assertIn("Statement of Account", html, "nothing is owed net of the credit note")
        self.assertNotIn("Payment Reminder", html)
        values = (
            self.env["report.crm_showroom.report_showroom_statement"]
            .with_user(self.finance)
            ._get_report_values(customer.ids)
        )
        days = {item["document"]: item["days_overdue"] for item in values["statements"][customer.id]["items"]}
        self.assertEqual(days, {overdue.name: 33, credit.name: 0}, "a credit is never overdue")

    def test_company_reminder_text(self):
        self.company.showroom_statement_note = "<p>Please pay within 7 days.</p>"
        self.assertIn("Please pay within 7 days.", self._html(self.customer))

    def test_statement_in_the_customer_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        view = self.env.ref("crm_showroom.report_showroom_statement_document")
        view.update_field_translations("arch_db", {"zh_CN": {"Payment Reminder": "付款提醒"}})
        self.company.with_context(lang="zh_CN").showroom_statement_note = False
        self.customer.lang = "zh_CN"
        html = self._html(self.customer)
        self.assertIn("付款提醒", html)
        self.assertIn("2025年12月01日", html, "dates in the customer's language")
        self.customer.lang = "en_US"
        self.assertIn("Payment Reminder", self._html(self.customer))

    def test_statement_renders_a_pdf(self):
        # wkhtmltopdf fetches the stylesheets from report.url (default web.base.url,
        # localhost:8069). In a test that may be this very process, blocked while it
        # waits for the PDF, or another Odoo: point it at a closed port, so the real
        # PDF comes out unstyled instead of waiting forever.
        self.env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:9")
        pdf, report_type = self.Report.with_context(force_report_rendering=True)._render_qweb_pdf(
            REPORT, self.customer.ids
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_chinese_statement_pdf_has_chinese_glyphs(self):
        """The statement of a Chinese customer, printed as a real PDF, carries Chinese
        glyphs from an embedded CJK font, not boxes: its text, extracted by
        ``pdftotext``, gives back the customer's Chinese name and the translated title.
        The tooling installs the font (fonts-noto-cjk) and poppler-utils; without them
        this test fails, it is never skipped."""
        tools = {name: shutil.which(name) for name in ("pdftotext", "pdffonts", "fc-list")}
        missing = [name for name, path in tools.items() if not path]
        if missing:
            self.fail(
                f"{', '.join(missing)} not found: the Chinese PDF cannot be checked. "
                "Install them: apt-get install poppler-utils fontconfig"
            )
        cjk_fonts = subprocess.run(
            [tools["fc-list"], ":lang=zh", "family"], capture_output=True, text=True, check=True
        ).stdout
        if not cjk_fonts.strip():
            self.fail(
                "No font with Chinese glyphs is installed: the statement would print boxes. "
                "Install one: apt-get install fonts-noto-cjk"
            )
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["crm_showroom"], ["zh_CN"], overwrite=True)
        customer = self._customer("定州市顺达运输有限公司", lang="zh_CN")
        self._invoice(customer, 8000.0, "2026-01-10", "2026-02-09")
        # see test_statement_renders_a_pdf
        self.env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:9")
        pdf, report_type = self.Report.with_context(force_report_rendering=True)._render_qweb_pdf(REPORT, customer.ids)
        self.assertEqual(report_type, "pdf")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp, "statement.pdf")
            path.write_bytes(pdf)
            fonts = subprocess.run([tools["pdffonts"], path], capture_output=True, text=True, check=True).stdout
            text = subprocess.run(
                [tools["pdftotext"], "-enc", "UTF-8", path, "-"], capture_output=True, text=True, check=True
            ).stdout
        self.assertRegex(fonts, r"(?i)cjk", f"a CJK font is embedded in the PDF; its fonts:\n{fonts}")
        self.assertIn("定州市顺达运输有限公司", text, "the customer's Chinese name")
        self.assertIn("催款通知书", text, "the title, translated by the addon's zh_CN.po")
        self.assertNotIn("Payment Reminder", text)

    def test_statement_is_for_receivable_details_only(self):
        with self.assertRaises(AccessError):
            self._html(self.customer, report=self.env["ir.actions.report"].with_user(self.consultant))

    def test_print_button_on_the_partner(self):
        action = self.customer.with_user(self.finance).action_showroom_print_statement()
        self.assertEqual(action["report_name"], "crm_showroom.report_showroom_statement")

    def test_statement_counts_the_showroom_days(self):
        """Printed with no time zone in the context (as a scheduled mailing would),
        the statement is dated and aged in the showroom's day (the fixture's
        Asia/Shanghai, UTC+8), not UTC's: an invoice due on 10 March is one day
        overdue at 00:01 on the 11th in Dingzhou (16:01 UTC on the 10th)."""
        customer = self._customer("Anguo Bus Co.", lang="en_US")
        invoice = self._invoice(customer, 1000.0, "2026-03-01", "2026-03-10")
        Statement = self.env(user=self.finance, context={})["report.crm_showroom.report_showroom_statement"]
        self.assertNotIn("tz", Statement.env.context)
        for moment, today, days_overdue in (
            ("2026-03-10 15:59:00", "2026-03-10", 0),
            ("2026-03-10 16:01:00", "2026-03-11", 1),
        ):
            with self.subTest(moment=moment), freeze_time(moment):
                values = Statement._get_report_values(customer.ids)
                self.assertEqual(values["today"], self._d(today))
                statement = values["statements"][customer.id]
                [item] = statement["items"]
                self.assertEqual((item["document"], item["days_overdue"]), (invoice.name, days_overdue))
                [total] = statement["totals"]
                self.assertEqual(total["overdue"], 1000.0 if days_overdue else 0.0)
                self.assertEqual(total["amount_1_30"], 1000.0 if days_overdue else 0.0)
                self.assertEqual(total["amount_current"], 0.0 if days_overdue else 1000.0)
                self.assertEqual(statement["has_overdue"], bool(days_overdue))
