from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common_receivable import ShowroomAccountCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_payment_plan")
@freeze_time("2026-03-10 02:00:00")
class TestPaymentPlan(ShowroomAccountCase):
    """G2: a contract's payment plan (its payment terms' installments and its
    down-payment invoices) versus what was invoiced, received and is open, from
    its real invoices and payments; the opportunity sums its contracts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = cls._customer("Mr Sun")
        cls.lead = cls._create_lead(partner_id=cls.buyer.id, name="Mr Sun - SUV")

    def _plan(self, order):
        return order._showroom_payment_plans()[order]

    def test_plan_from_payment_terms(self):
        order = self._order(self.buyer, payment_term=self.term_deposit, order_date="2026-03-10 01:00:00")
        plan = self._plan(order)
        self.assertEqual(
            [(inst["label"], str(inst["date"]), inst["amount"]) for inst in plan["installments"]],
            [("Deposit", "2026-03-10", 20000.0), ("Balance before delivery", "2026-04-09", 180000.0)],
        )
        self.assertFalse(plan["state"], "a quotation expects no money yet")
        self.assertEqual(plan["planned_due"], 0.0)

        loan = self._plan(self._order(self.buyer, payment_term=self.term_loan, order_date="2026-03-10 01:00:00"))
        self.assertEqual(
            [(inst["label"], str(inst["date"]), inst["amount"]) for inst in loan["installments"]],
            [("Down payment", "2026-03-10", 60000.0), ("Loan disbursement", "2026-03-25", 140000.0)],
        )

    def test_plan_versus_received_after_partial_payment(self):
        order = self._order(
            self.buyer, payment_term=self.term_deposit, order_date="2026-03-10 01:00:00", lead=self.lead
        )
        order.action_confirm()
        deposit = self._down_payment(order, 10)
        self.assertEqual(deposit.amount_total, 20000.0)
        self._pay(deposit, 15000.0, "2026-03-10")

        self.assertEqual(order.showroom_amount_invoiced, 20000.0)
        self.assertEqual(order.showroom_amount_received, 15000.0)
        self.assertEqual(order.showroom_amount_open, 5000.0)
        self.assertEqual(order.showroom_amount_uninvoiced, 180000.0)
        self.assertEqual(order.showroom_amount_planned_due, 20000.0, "the deposit is due on signing")
        self.assertEqual(order.showroom_amount_behind_plan, 5000.0)
        self.assertEqual(order.showroom_payment_plan_state, "behind")

        plan = self._plan(order)
        deposit_line, balance_line = plan["installments"]
        self.assertEqual(
            (deposit_line["received"], deposit_line["open"], deposit_line["status"]), (15000.0, 5000.0, "partial")
        )
        self.assertEqual((balance_line["received"], balance_line["status"]), (0.0, "planned"))
        [invoice] = plan["invoices"]
        self.assertEqual(invoice["kind"], "Down-payment invoice")
        self.assertEqual((invoice["amount"], invoice["received"], invoice["open"]), (20000.0, 15000.0, 5000.0))

        html = str(order.showroom_payment_plan_html)
        for text in ("Deposit", "Balance before delivery", "Partly paid", deposit.name, "15,000.00"):
            self.assertIn(text, html)

        # the opportunity shows the same summary
        self.assertEqual(self.lead.showroom_contract_amount, 200000.0)
        self.assertEqual(self.lead.showroom_amount_received, 15000.0)
        self.assertEqual(self.lead.showroom_amount_open, 5000.0)
        self.assertEqual(self.lead.showroom_amount_behind_plan, 5000.0)
        self.assertEqual(self.lead.showroom_payment_plan_state, "behind")

    def test_deposit_paid_then_overdue_balance_then_paid(self):
        order = self._order(
            self.buyer, payment_term=self.term_deposit, order_date="2026-03-10 01:00:00", lead=self.lead
        )
        order.action_confirm()
        deposit = self._down_payment(order, 10)
        # the down-payment invoice follows the order's terms too: pay all of it, not the proposed installment
        self._pay(deposit, deposit.amount_total, payment_date="2026-03-10")
        self.assertEqual(order.showroom_payment_plan_state, "on_plan")
        self.assertEqual(self._plan(order)["installments"][0]["status"], "paid")

        with freeze_time("2026-04-15 02:00:00"):
            order.invalidate_recordset()
            self.assertEqual(order.showroom_amount_planned_due, 200000.0)
            self.assertEqual(order.showroom_amount_behind_plan, 180000.0)
            self.assertEqual(self._plan(order)["installments"][1]["status"], "overdue")
            balance = self._final_invoice(order)
            self.assertEqual(balance.amount_total, 180000.0, "the final invoice deducts the deposit")
            self.assertEqual(self._plan(order)["invoices"][1]["kind"], "Balance invoice")
            self._pay(balance, balance.amount_total, payment_date="2026-04-15")
            order.invalidate_recordset()
            self.assertEqual(order.showroom_amount_invoiced, 200000.0)
            self.assertEqual(order.showroom_amount_received, 200000.0)
            self.assertEqual(order.showroom_payment_plan_state, "paid")
            self.lead.invalidate_recordset()
            self.assertEqual(self.lead.showroom_payment_plan_state, "paid")

    def test_credit_note_reduces_invoiced(self):
        order = self._order(self.buyer, payment_term=self.term_deposit, order_date="2026-03-10 01:00:00")
        order.action_confirm()
        deposit = self._down_payment(order, 10)
        reversal = deposit._reverse_moves(cancel=True)
        self.assertEqual(reversal.state, "posted")
        order.invalidate_recordset()
        plan = self._plan(order)
        self.assertEqual(plan["invoiced"], 0.0)
        self.assertEqual(plan["received"], 0.0)
        self.assertEqual([invoice["kind"] for invoice in plan["invoices"]], ["Down-payment invoice", "Credit note"])

    def test_foreign_currency_contract(self):
        """A contract in US dollars: the plan and the payments in dollars, the
        opportunity in yuan."""
        pricelist = self.env["product.pricelist"].create({"name": "USD", "currency_id": self.usd.id})
        order = self._order(
            self.buyer, price=30000.0, payment_term=self.term_loan, order_date="2026-03-10 01:00:00", lead=self.lead
        )
        order.pricelist_id = pricelist
        order.order_line.price_unit = 30000.0
        order.action_confirm()
        self.assertEqual(order.currency_id, self.usd)
        deposit = self._down_payment(order, 30)
        self._pay(deposit, 9000.0, "2026-03-10", currency=self.usd)
        self.assertEqual(order.showroom_amount_received, 9000.0)
        self.assertEqual(order.showroom_payment_plan_state, "on_plan")
        self.assertAlmostEqual(self.lead.showroom_amount_received, 9000.0 / 0.15, places=2)
        self.assertAlmostEqual(self.lead.showroom_contract_amount, 30000.0 / 0.15, places=2)

    def test_installment_label_is_editable(self):
        line = self.term_deposit.line_ids[0]
        line.showroom_label = "定金 (Deposit)"
        order = self._order(self.buyer, payment_term=self.term_deposit)
        self.assertEqual(self._plan(order)["installments"][0]["label"], "定金 (Deposit)")
        plain = self.env["account.payment.term"].create(
            {
                "name": "Two halves",
                "line_ids": [
                    (0, 0, {"value": "percent", "value_amount": 50.0, "nb_days": 0}),
                    (0, 0, {"value": "percent", "value_amount": 50.0, "nb_days": 60}),
                ],
            }
        )
        order.payment_term_id = plain
        labels = [inst["label"] for inst in self._plan(order)["installments"]]
        self.assertEqual(labels, ["Installment 1", "Installment 2"])

    def test_order_form_shows_the_plan(self):
        order = self._order(self.buyer, payment_term=self.term_deposit, order_date="2026-03-10 01:00:00")
        order.action_confirm()
        form = Form(order.with_user(self.consultant))
        self.assertIn("Balance before delivery", str(form.showroom_payment_plan_html))
        self.assertEqual(form.showroom_amount_planned_due, 20000.0)

    def test_plan_counts_the_showroom_days(self):
        """Run as a cron runs (no time zone in the context), the order date and
        "due by plan today" are the showroom's days (the fixture's Asia/Shanghai,
        UTC+8), not UTC's: signed at 00:30 on 10 March in Dingzhou (16:30 UTC on
        the 9th), the balance is due on 9 April; the contract falls behind plan at
        00:01 on the 9th in Dingzhou (16:01 UTC on the 8th), while UTC is still on
        the 8th."""
        with freeze_time("2026-03-09 16:30:00"):
            order = self._order(self.buyer, payment_term=self.term_deposit, lead=self.lead)
            order.action_confirm()
            deposit = self._down_payment(order, 10)
            self._pay(deposit, deposit.amount_total, payment_date="2026-03-10")
        cron_env = self.env(context={})
        self.assertNotIn("tz", cron_env.context)
        order, lead = order.with_env(cron_env), self.lead.with_env(cron_env)
        self.assertEqual(str(order.date_order), "2026-03-09 16:30:00")
        self.assertEqual(
            [str(inst["date"]) for inst in order._showroom_payment_plans()[order]["installments"]],
            ["2026-03-10", "2026-04-09"],
            "the order was signed on 10 March in the showroom",
        )
        for moment, planned_due, behind, state, balance_status in (
            ("2026-04-08 15:59:00", 20000.0, 0.0, "on_plan", "planned"),
            ("2026-04-08 16:01:00", 200000.0, 180000.0, "behind", "planned"),
            ("2026-04-09 16:01:00", 200000.0, 180000.0, "behind", "overdue"),
        ):
            with self.subTest(moment=moment), freeze_time(moment):
                cron_env.invalidate_all()
                self.assertEqual(order.showroom_amount_planned_due, planned_due)
                self.assertEqual(order.showroom_amount_behind_plan, behind)
                self.assertEqual(order.showroom_payment_plan_state, state)
                self.assertEqual(self._plan(order)["installments"][1]["status"], balance_status)
                self.assertEqual(lead.showroom_payment_plan_state, state)
