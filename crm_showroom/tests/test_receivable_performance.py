from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common_receivable import ShowroomAccountCase

LIST_FIELDS = [
    "partner_id",
    "user_id",
    "company_id",
    "currency_id",
    "amount_due",
    "amount_current",
    "amount_1_30",
    "amount_31_60",
    "amount_61_90",
    "amount_over_90",
    "amount_overdue",
    "overdue_days",
    "line_count",
]
PARTNER_FIELDS = [
    "showroom_has_overdue",
    "showroom_amount_overdue",
    "showroom_amount_due",
    "showroom_overdue_days",
    "showroom_credit_limit",
    "showroom_credit_used",
    "showroom_credit_ratio",
]


@tagged("post_install", "-at_install", "crm_showroom", "showroom_performance")
@freeze_time("2026-03-10 02:00:00")
class TestReceivablePerformance(ShowroomAccountCase):
    """G7: receivables are computed in a fixed number of queries, whatever the
    number of customers: the finance list and the partner figures load 50
    customers in as many queries as 5."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.account_use_credit_limit = True
        cls.customers = cls.env["res.partner"].create(
            [{"name": f"Customer {i:02d}", "is_company": True, "user_id": cls.consultant.id} for i in range(50)]
        )
        journal = cls.company_data["default_journal_sale"]
        moves = cls.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "journal_id": journal.id,
                    "invoice_date": "2026-01-01",
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create({"name": "Service", "quantity": 1, "price_unit": 1000.0 + i, "tax_ids": []})
                    ],
                }
                for i, customer in enumerate(cls.customers)
                for due in ("2026-01-15", "2026-04-01")
            ]
        )
        moves.action_post()
        cls.env.invalidate_all()

    def _list(self, customers):
        Report = (
            self.env["showroom.receivable.report"]
            .with_user(self.finance)
            .with_context(allowed_company_ids=[self.company.id, self.company_2.id])
        )
        return Report.search_read([("partner_id", "in", customers.ids)], LIST_FIELDS)

    def _partner_figures(self, customers):
        partners = customers.with_user(self.finance).with_context(
            allowed_company_ids=[self.company.id, self.company_2.id]
        )
        return partners.read(PARTNER_FIELDS)

    def test_finance_list_query_count_does_not_grow(self):
        self._list(self.customers[:5])  # warm-up
        for size in (5, 50):
            with self.subTest(customers=size):
                self.env.invalidate_all()
                with self.assertQueryCount(9):
                    rows = self._list(self.customers[:size])
                self.assertEqual(len(rows), size)
                self.assertTrue(all(row["overdue_days"] == 54 for row in rows))

    def test_partner_figures_query_count_does_not_grow(self):
        self._partner_figures(self.customers[:5])  # warm-up
        for size in (5, 50):
            with self.subTest(customers=size):
                self.env.invalidate_all()
                with self.assertQueryCount(8):
                    values = self._partner_figures(self.customers[:size])
                self.assertEqual(len(values), size)
                self.assertTrue(all(value["showroom_has_overdue"] for value in values))
                self.assertEqual(values[0]["showroom_amount_due"], 2000.0)
