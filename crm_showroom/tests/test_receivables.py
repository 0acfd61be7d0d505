from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common_receivable import ShowroomAccountCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_receivables")
@freeze_time("2026-03-10 02:00:00")
class TestReceivables(ShowroomAccountCase):
    """G7: a customer's due, overdue, oldest overdue days and ageing, from real
    posted invoices and payments in two companies and a foreign currency, beside
    the customer and in the finance list, with the drill-down to journal items.

    Today is 10 March 2026 (Asia/Shanghai). Transport Co. owes, in the Dingzhou
    store (CNY): 100,000 due 1 Dec 2025 (99 days overdue), 50,000 due 20 Feb 2026
    of which 20,000 paid (30,000 open, 18 days), USD 10,000 due 1 April (not yet
    due; 71,428.57 CNY at the invoice's rate 0.14); in the Hong Kong branch:
    HKD 10,800 due 25 Jan (44 days; 10,000 CNY at today's rate 1.08)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.transport = cls._customer("Dingzhou Transport Co.")
        cls.driver = cls.env["res.partner"].create({"name": "Driver Zhang", "parent_id": cls.transport.id})
        cls.other = cls._customer("Baoding Taxi Co.", user=cls.consultant_2)
        with freeze_time("2026-03-10 02:00:00"):
            cls.inv_old = cls._invoice(cls.transport, 100000.0, "2025-11-01", "2025-12-01")
            cls.inv_partial = cls._invoice(cls.transport, 50000.0, "2026-01-21", "2026-02-20")
            cls._pay(cls.inv_partial, 20000.0, "2026-03-01")
            cls.inv_usd = cls._invoice(cls.transport, 10000.0, "2026-02-15", "2026-04-01", currency=cls.usd)
            cls.inv_hk = cls._invoice(cls.transport, 10800.0, "2026-01-10", "2026-01-25", company=cls.company_2)
            cls.inv_other = cls._invoice(cls.other, 8000.0, "2026-03-05", "2026-04-05")
            cls.inv_paid = cls._invoice(cls.other, 5000.0, "2026-01-05", "2026-01-20")
            cls._pay(cls.inv_paid, payment_date="2026-01-20")

    def _both_companies(self, user=None):
        env = self.env(user=user) if user else self.env
        return env(context=dict(env.context, allowed_company_ids=[self.company.id, self.company_2.id]))

    # ------------------------------------------------------------
    # partner figures
    # ------------------------------------------------------------

    def test_partner_figures_two_companies_foreign_currency(self):
        env = self._both_companies(self.finance)
        transport = self.transport.with_env(env)
        self.assertAlmostEqual(transport.showroom_amount_due, 100000.0 + 30000.0 + 71428.57 + 10000.0, places=2)
        self.assertAlmostEqual(transport.showroom_amount_overdue, 140000.0, places=2)
        self.assertTrue(transport.showroom_has_overdue)
        self.assertEqual(transport.showroom_overdue_days, 99)
        self.assertEqual(transport.showroom_currency_id, self.cny)

        figures = env["res.partner"]._showroom_receivable_figures([self.transport.id])[self.transport.id]
        self.assertAlmostEqual(figures["amount_current"], 71428.57, places=2)
        self.assertAlmostEqual(figures["amount_1_30"], 30000.0, places=2)
        self.assertAlmostEqual(figures["amount_31_60"], 10000.0, places=2)
        self.assertAlmostEqual(figures["amount_61_90"], 0.0, places=2)
        self.assertAlmostEqual(figures["amount_over_90"], 100000.0, places=2)

        other = self.other.with_env(env)
        self.assertAlmostEqual(other.showroom_amount_due, 8000.0, places=2, msg="the paid invoice is not due")
        self.assertFalse(other.showroom_has_overdue)
        self.assertEqual(other.showroom_overdue_days, 0)

    def test_contact_shows_its_company_figures(self):
        driver = self.driver.with_env(self._both_companies(self.finance))
        self.assertAlmostEqual(driver.showroom_amount_overdue, 140000.0, places=2)
        self.assertEqual(driver.showroom_overdue_days, 99)

    def test_only_the_companies_the_user_works_in(self):
        env = self.env(user=self.finance)(context={"allowed_company_ids": [self.company.id]})
        transport = self.transport.with_env(env)
        self.assertAlmostEqual(transport.showroom_amount_due, 201428.57, places=2)
        self.assertAlmostEqual(transport.showroom_amount_overdue, 130000.0, places=2)

    def test_hong_kong_branch_sees_hkd(self):
        """From the branch, everything is converted into HKD at today's rate."""
        env = self.env(user=self.finance)(context={"allowed_company_ids": [self.company_2.id, self.company.id]})
        transport = self.transport.with_env(env)
        self.assertEqual(transport.showroom_currency_id, self.hkd)
        self.assertAlmostEqual(transport.showroom_amount_overdue, 130000.0 * 1.08 + 10800.0, places=2)

    def test_ageing_moves_with_today(self):
        env = self._both_companies(self.finance)
        with freeze_time("2026-04-05 02:00:00"):
            figures = env["res.partner"]._showroom_receivable_figures([self.transport.id])[self.transport.id]
            self.assertAlmostEqual(figures["amount_current"], 0.0, places=2)
            self.assertAlmostEqual(figures["amount_1_30"], 71428.57, places=2, msg="USD invoice 4 days overdue")
            self.assertAlmostEqual(figures["amount_31_60"], 30000.0, places=2)
            self.assertAlmostEqual(figures["amount_61_90"], 10000.0, places=2)
            self.assertEqual(figures["overdue_days"], 125)

    def test_full_payment_clears_overdue(self):
        self._pay(self.inv_old, payment_date="2026-03-10")
        self._pay(self.inv_partial, payment_date="2026-03-10")
        self._pay(self.inv_hk, payment_date="2026-03-10")
        transport = self.transport.with_env(self._both_companies(self.finance))
        self.assertFalse(transport.showroom_has_overdue)
        self.assertEqual(transport.showroom_overdue_days, 0)
        self.assertAlmostEqual(transport.showroom_amount_due, 71428.57, places=2)

    def test_unallocated_payment_covers_overdue(self):
        """A payment received but not matched to the invoice yet leaves no delay."""
        customer = self._customer("Quzhou Rental Co.")
        self._invoice(customer, 5000.0, "2026-01-02", "2026-02-01")
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": customer.id,
                "amount": 5000.0,
                "date": "2026-02-10",
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        )
        payment.action_post()
        customer = customer.with_env(self._both_companies(self.finance))
        self.assertEqual(customer.showroom_amount_due, 0.0)
        self.assertFalse(customer.showroom_has_overdue)
        self.assertEqual(customer.showroom_overdue_days, 0)
        row = self.env["showroom.receivable.report"].with_user(self.finance).search([("partner_id", "=", customer.id)])
        self.assertEqual((row.line_count, row.overdue_days), (2, 0))

    def test_search_overdue_customers(self):
        Partner = self._both_companies(self.consultant)["res.partner"]
        overdue = Partner.search(
            [("showroom_has_overdue", "=", True), ("id", "in", (self.transport | self.driver | self.other).ids)]
        )
        self.assertEqual(overdue, self.transport | self.driver)
        not_overdue = Partner.search(
            [("showroom_has_overdue", "=", False), ("id", "in", (self.transport | self.other).ids)]
        )
        self.assertEqual(not_overdue, self.other)

    def test_credit_limit_and_use(self):
        self.company.account_use_credit_limit = True
        self.transport.with_company(self.company).credit_limit = 400000.0
        env = self._both_companies(self.finance)
        transport = self.transport.with_env(env)
        self.assertEqual(transport.showroom_credit_limit, 400000.0)
        self.assertAlmostEqual(transport.showroom_credit_used, 211428.57, places=2)
        self.assertAlmostEqual(transport.showroom_credit_ratio, 211428.57 / 4000.0, places=2)
        # a confirmed order not invoiced yet counts against the limit, as in Odoo's own check
        order = self._order(self.transport, price=100000.0)
        order.action_confirm()
        env.invalidate_all()
        self.assertAlmostEqual(transport.showroom_credit_used, 311428.57, places=2)

    def test_credit_limit_off(self):
        self.company.account_use_credit_limit = False
        transport = self.transport.with_env(self._both_companies(self.finance))
        self.assertEqual(transport.showroom_credit_limit, 0.0)
        self.assertEqual(transport.showroom_credit_ratio, 0.0)

    # ------------------------------------------------------------
    # finance list and drill-down
    # ------------------------------------------------------------

    def test_finance_list_matches_partner_figures(self):
        env = self._both_companies(self.finance)
        Report = env["showroom.receivable.report"]
        rows = Report.search([("partner_id", "=", self.transport.id)])
        self.assertEqual(rows.company_id, self.company | self.company_2)
        store = rows.filtered(lambda row: row.company_id == self.company)
        branch = rows - store
        self.assertAlmostEqual(store.amount_due, 201428.57, places=2)
        self.assertAlmostEqual(store.amount_current, 71428.57, places=2)
        self.assertAlmostEqual(store.amount_1_30, 30000.0, places=2)
        self.assertAlmostEqual(store.amount_over_90, 100000.0, places=2)
        self.assertEqual(store.overdue_days, 99)
        self.assertEqual(store.user_id, self.consultant)
        self.assertEqual(store.currency_id, self.cny)
        self.assertEqual(store.line_count, 3)
        self.assertAlmostEqual(branch.amount_31_60, 10000.0, places=2)
        self.assertEqual(branch.overdue_days, 44)
        self.assertAlmostEqual(
            sum(rows.mapped("amount_due")), self.transport.with_env(env).showroom_amount_due, places=2
        )

        # filters and group-by of the list
        overdue_partners = Report.search([("amount_overdue", ">", 0)]).partner_id
        self.assertIn(self.transport, overdue_partners)
        self.assertNotIn(self.other, overdue_partners)
        groups = Report.read_group(
            [("partner_id", "in", (self.transport | self.other).ids)], ["amount_due:sum"], ["user_id"]
        )
        by_user = {group["user_id"][0]: group["amount_due"] for group in groups}
        self.assertAlmostEqual(by_user[self.consultant.id], 211428.57, places=2)
        self.assertAlmostEqual(by_user[self.consultant_2.id], 8000.0, places=2)

    def test_drill_down_to_journal_items(self):
        env = self._both_companies(self.finance)
        store = env["showroom.receivable.report"].search(
            [("partner_id", "=", self.transport.id), ("company_id", "=", self.company.id)]
        )
        expected = {
            None: self.inv_old | self.inv_partial | self.inv_usd,
            "amount_current": self.inv_usd,
            "amount_1_30": self.inv_partial,
            "amount_31_60": self.env["account.move"],
            "amount_over_90": self.inv_old,
            "amount_overdue": self.inv_old | self.inv_partial,
        }
        for bucket, invoices in expected.items():
            with self.subTest(bucket=bucket):
                action = store.with_context(showroom_bucket=bucket).action_open_lines()
                self.assertEqual(action["res_model"], "account.move.line")
                lines = env["account.move.line"].search(action["domain"])
                self.assertEqual(lines.move_id, invoices)
                self.assertAlmostEqual(
                    sum(lines.mapped("amount_residual")),
                    store[bucket] if bucket else store.amount_due,
                    places=2,
                )
        # from the partner form, all companies the user works in
        action = (
            self.transport.with_env(env).with_context(showroom_bucket="amount_31_60").action_showroom_open_receivables()
        )
        self.assertEqual(env["account.move.line"].search(action["domain"]).move_id, self.inv_hk)

    def test_finance_list_multi_company_rule(self):
        env = self.env(user=self.finance)(context={"allowed_company_ids": [self.company.id]})
        rows = env["showroom.receivable.report"].search([("partner_id", "=", self.transport.id)])
        self.assertEqual(rows.company_id, self.company)

    def test_partner_form_opens_for_consultant_and_finance(self):
        """The partner form loads for a consultant (the details are left out of the
        view) and for finance (who sees them)."""
        with Form(self.transport.with_user(self.consultant)) as form:
            self.assertTrue(form.showroom_has_overdue)
            self.assertNotIn("showroom_amount_due", form._view["fields"])
        with Form(self.transport.with_user(self.finance).with_context(allowed_company_ids=[self.company.id])) as form:
            self.assertAlmostEqual(form.showroom_amount_due, 201428.57, places=2)

    # ------------------------------------------------------------
    # the showroom's day
    # ------------------------------------------------------------

    def test_ageing_switches_at_the_showroom_midnight(self):
        """Run as a cron runs (no time zone in the context), the ageing counts the
        showroom's days (the fixture's Asia/Shanghai, UTC+8), not UTC's: an
        invoice due on 10 March is current at 23:59 in Dingzhou (15:59 UTC) and
        one day overdue at 00:01 on the 11th (16:01 UTC), while UTC is still on
        the 10th."""
        customer = self._customer("Dingzhou Night Taxi Co.")
        invoice = self._invoice(customer, 1000.0, "2026-03-01", "2026-03-10")
        cron_env = self.env(user=self.finance, context={})
        self.assertNotIn("tz", cron_env.context)
        self.assertEqual(cron_env.company, self.company)
        for moment, today, overdue_days in (
            ("2026-03-10 15:59:00", "2026-03-10", 0),
            ("2026-03-10 16:01:00", "2026-03-11", 1),
        ):
            # the context's time zone makes no difference either (New York is on the 10th at both moments)
            for env in (cron_env, cron_env(context={"tz": "America/New_York"})):
                with self.subTest(moment=moment, tz=env.context.get("tz")), freeze_time(moment):
                    env.invalidate_all()
                    Partner = env["res.partner"]
                    self.assertEqual(Partner._showroom_receivable_today(), self._d(today))
                    figures = Partner._showroom_receivable_figures([customer.id])[customer.id]
                    self.assertEqual(figures["overdue_days"], overdue_days)
                    self.assertEqual(figures["amount_current"], 0.0 if overdue_days else 1000.0)
                    self.assertEqual(figures["amount_1_30"], 1000.0 if overdue_days else 0.0)

                    partner = customer.with_env(env)
                    self.assertEqual(partner.showroom_has_overdue, bool(overdue_days))
                    self.assertEqual(partner.showroom_amount_overdue, 1000.0 if overdue_days else 0.0)
                    self.assertEqual(partner.showroom_overdue_days, overdue_days)
                    overdue = Partner.search([("showroom_has_overdue", "=", True), ("id", "=", customer.id)])
                    self.assertEqual(bool(overdue), bool(overdue_days))

                    row = env["showroom.receivable.report"].search([("partner_id", "=", customer.id)])
                    self.assertEqual(
                        (row.overdue_days, row.amount_current, row.amount_1_30, row.amount_overdue),
                        (overdue_days, 0.0, 1000.0, 1000.0) if overdue_days else (0, 1000.0, 0.0, 0.0),
                    )
                    action = row.with_context(showroom_bucket="amount_overdue").action_open_lines()
                    lines = env["account.move.line"].search(action["domain"])
                    self.assertEqual(lines.move_id, invoice if overdue_days else env["account.move"])
