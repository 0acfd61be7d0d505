import shutil
import subprocess
import tempfile
from pathlib import Path

import lxml.html
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

    def _cells(self, html, name):
        """The text of the element(s) named ``name`` in the statement's HTML."""
        nodes = lxml.html.fromstring(html).xpath(f"//*[@name='{name}']")
        return [" ".join(node.text_content().split()) for node in nodes]

    def _values(self, partners):
        return (
            self.env["report.crm_showroom.report_showroom_statement"]
            .with_user(self.finance)
            ._get_report_values(partners.ids)
        )

    def test_statement_lists_open_items_and_ageing(self):
        html = self._html(self.customer)
        self.assertIn("Payment Reminder", html)
        for invoice in (self.inv_old, self.inv_partial, self.inv_usd):
            self.assertIn(invoice.name, html)
        items = lxml.html.fromstring(html).xpath("//table[@name='showroom_statement_items']/tbody/tr")
        self.assertEqual(len(items), 3, "the items of the current company only")
        self.assertNotIn("10,800.00", html, "the Hong Kong branch's invoice is not on the store's statement")
        self.assertIn("100,000.00", html)
        self.assertIn("30,000.00", html, "the open amount of the partly paid invoice")
        self.assertIn("50,000.00", html, "its original amount")
        self.assertIn("10,000.00", html, "the dollar invoice in dollars")
        self.assertIn("71,428.57", html, "and in yuan, at the invoice's rate")
        self.assertIn("99", html, "days overdue of the oldest item")

        # the summary is in the company's currency: the figures of the receivables list
        summary = self._values(self.customer)["statements"][self.customer.id]["summary"]
        self.assertEqual(summary["currency"], self.cny)
        self.assertAlmostEqual(summary["total"], 201428.57)
        self.assertAlmostEqual(summary["overdue"], 130000.0)
        self.assertAlmostEqual(summary["amount_over_90"], 100000.0)
        self.assertAlmostEqual(summary["amount_1_30"], 30000.0)
        self.assertAlmostEqual(summary["amount_current"], 71428.57)
        self.assertEqual(summary["overdue_days"], 99)
        row = (
            self.env["showroom.receivable.report"]
            .with_user(self.finance)
            .search([("partner_id", "=", self.customer.id), ("company_id", "=", self.company.id)])
        )
        self.assertEqual(
            (row.amount_due, row.amount_overdue, row.amount_over_90, row.amount_current, row.overdue_days),
            (summary["total"], summary["overdue"], summary["amount_over_90"], summary["amount_current"], 99),
        )
        self.assertEqual(self._cells(html, "showroom_statement_total"), ["¥ 201,428.57"])

    def test_statement_carries_letterhead_and_contact(self):
        """The letterhead (name, address, phone, email, tax and registry numbers,
        bank account) and the person to call are in the page body: no report header
        or footer, which Debian's wkhtmltopdf drops."""
        self.company.write(
            {
                "name": "Dingzhou Star Motors 4S Store",
                "street": "88 Zhongshan East Road",
                "city": "Dingzhou",
                "zip": "073000",
                "phone": "+86 312 2345 678",
                "email": "service@star-motors.example.com",
                "vat": "91130682MA07L1234X",
                "company_registry": "130682000123456",
            }
        )
        bank = self.env["res.bank"].create({"name": "ICBC Dingzhou Branch", "bic": "ICBKCNBJHEB"})
        self.env["res.partner.bank"].create(
            {"partner_id": self.company.partner_id.id, "bank_id": bank.id, "acc_number": "0409 0012 0900 1234 567"}
        )
        self.consultant.partner_id.write({"mobile": "+86 138 0013 8000", "email": "li@star-motors.example.com"})
        html = self._html(self.customer)
        letterhead = " ".join(self._cells(html, "showroom_statement_letterhead"))
        for text in (
            "Dingzhou Star Motors 4S Store",
            "88 Zhongshan East Road",
            "Dingzhou",
            "+86 312 2345 678",
            "service@star-motors.example.com",
            "91130682MA07L1234X",
            "130682000123456",
            "ICBC Dingzhou Branch",
            "0409 0012 0900 1234 567",
        ):
            self.assertIn(text, letterhead)
        [contact] = self._cells(html, "showroom_statement_contact")
        self.assertIn("Li Consultant", contact, "the customer's consultant is the person to call")
        self.assertIn("+86 138 0013 8000", contact)
        self.assertIn("li@star-motors.example.com", contact)
        tree = lxml.html.fromstring(html)
        self.assertFalse(tree.xpath("//div[contains(concat(' ', @class, ' '), ' header ')]"), "no report header")
        self.assertFalse(tree.xpath("//div[contains(concat(' ', @class, ' '), ' footer ')]"), "no report footer")
        self.assertTrue(tree.xpath("//div[@name='showroom_statement_page']//table[@name='showroom_statement_letterhead']"))

    def test_statement_net_of_credits(self):
        """The furniture case: overdue invoices of 36,512.50 fully offset by credit
        notes not matched yet. The statement is no reminder: Overdue 0, Total due 0,
        no days overdue; as the receivables list says."""
        customer = self._customer("Dingzhou Furniture Co.", lang="en_US")
        invoices = self._invoice(customer, 20000.0, "2025-11-15", "2025-12-15") | self._invoice(
            customer, 16512.50, "2026-01-02", "2026-02-01"
        )
        self._invoice(customer, 30000.0, "2026-02-20", move_type="out_refund")
        self._invoice(customer, 6512.50, "2026-03-05", move_type="out_refund")
        Statement = self.env(user=self.finance, context={})["report.crm_showroom.report_showroom_statement"]
        statement = Statement._get_report_values(customer.ids)["statements"][customer.id]
        self.assertFalse(statement["has_overdue"])
        self.assertEqual((statement["summary"]["overdue"], statement["summary"]["total"]), (0.0, 0.0))
        self.assertEqual(statement["summary"]["overdue_days"], 0)
        self.assertEqual({item["days_overdue"] for item in statement["items"]}, {0})
        html = self._html(customer)
        self.assertIn("Statement of Account", html)
        self.assertNotIn("Payment Reminder", html)
        self.assertEqual(self._cells(html, "showroom_statement_overdue"), ["¥ 0.00"])
        self.assertEqual(self._cells(html, "showroom_statement_total"), ["¥ 0.00"])
        for invoice in invoices:
            self.assertIn(invoice.name, html, "the invoices are listed, with what they still show open")
        self.assertIn("16,512.50", html)

        # credits that cover the oldest invoice only: days overdue count from the next one
        partial = self._customer("Quyang Stone Co.", lang="en_US")
        oldest = self._invoice(partial, 10000.0, "2025-11-01", "2025-12-01")
        following = self._invoice(partial, 5000.0, "2026-01-09", "2026-02-08")
        self._invoice(partial, 12000.0, "2026-03-02", move_type="out_refund")
        statement = Statement._get_report_values(partial.ids)["statements"][partial.id]
        self.assertTrue(statement["has_overdue"])
        days = {item["document"]: item["days_overdue"] for item in statement["items"]}
        self.assertEqual(days[oldest.name], 0, "paid by the credit note")
        self.assertEqual(days[following.name], 30)
        summary = statement["summary"]
        self.assertEqual((summary["overdue"], summary["total"], summary["overdue_days"]), (3000.0, 3000.0, 30))
        self.assertEqual((summary["amount_over_90"], summary["amount_1_30"]), (0.0, 3000.0))

        # a credit balance: nothing overdue, a negative total
        credit = self._customer("Anguo Herb Traders", lang="en_US")
        self._invoice(credit, 1000.0, "2026-01-10", "2026-02-09")
        self._invoice(credit, 3000.0, "2026-03-03", move_type="out_refund")
        statement = Statement._get_report_values(credit.ids)["statements"][credit.id]
        self.assertFalse(statement["has_overdue"])
        summary = statement["summary"]
        self.assertEqual((summary["overdue"], summary["total"], summary["amount_current"]), (0.0, -2000.0, -2000.0))

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
        values = self._values(customer)
        days = {item["document"]: item["days_overdue"] for item in values["statements"][customer.id]["items"]}
        self.assertEqual(days, {overdue.name: 0, credit.name: 0}, "neither a credit nor what it pays is overdue")

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
        [page] = lxml.html.fromstring(self._html(customer)).xpath("//div[@name='showroom_statement_page']")
        self.assertRegex(page.get("style"), r"^font-family: 'Noto Sans CJK SC'", "in the Simplified Chinese face")
        [page] = lxml.html.fromstring(self._html(self.customer)).xpath("//div[@name='showroom_statement_page']")
        self.assertRegex(
            page.get("style"),
            r"^font-family: Lato, 'Noto Sans CJK SC'",
            "an English page keeps the company's font, with the Simplified Chinese face for Chinese words",
        )
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
        self.assertRegex(
            fonts, r"CJKsc", f"the Simplified Chinese face of the CJK font, not the Japanese one:\n{fonts}"
        )
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
                total = statement["summary"]
                self.assertEqual(total["overdue"], 1000.0 if days_overdue else 0.0)
                self.assertEqual(total["amount_1_30"], 1000.0 if days_overdue else 0.0)
                self.assertEqual(total["amount_current"], 0.0 if days_overdue else 1000.0)
                self.assertEqual(total["overdue_days"], days_overdue)
                self.assertEqual(statement["has_overdue"], bool(days_overdue))
