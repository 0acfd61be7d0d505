from freezegun import freeze_time

from odoo.tests import Form, tagged

from ..tools import receivables
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


@tagged("post_install", "-at_install", "crm_showroom", "showroom_receivables")
@freeze_time("2026-03-10 02:00:00")
class TestNetReceivables(ShowroomAccountCase):
    """G7: overdue figures net the customer's open credits (credit notes and
    payments not matched to an invoice yet), which pay its oldest items first, so
    a customer who owes nothing is never shown as overdue. Run as a cron runs: no
    time zone in the context. Today is 10 March 2026 (Asia/Shanghai)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron_env = cls.env(user=cls.finance, context={})
        with freeze_time("2026-03-10 02:00:00"):
            # the furniture case: 36,512.50 overdue, fully offset by two credit notes not matched yet
            cls.furniture = cls._customer("Dingzhou Furniture Co.", lang="en_US")
            cls.fur_invoices = cls._invoice(cls.furniture, 20000.0, "2025-11-15", "2025-12-15") | cls._invoice(
                cls.furniture, 16512.50, "2026-01-02", "2026-02-01"
            )
            cls.fur_credits = cls._invoice(
                cls.furniture, 30000.0, "2026-02-20", move_type="out_refund"
            ) | cls._invoice(cls.furniture, 6512.50, "2026-03-05", move_type="out_refund")
            # partial: the credit note covers the oldest invoice and part of the next
            cls.partial = cls._customer("Quyang Stone Co.", lang="en_US")
            cls.par_oldest = cls._invoice(cls.partial, 10000.0, "2025-11-01", "2025-12-01")  # 99 days
            cls.par_next = cls._invoice(cls.partial, 5000.0, "2026-01-09", "2026-02-08")  # 30 days
            cls.par_future = cls._invoice(cls.partial, 4000.0, "2026-03-01", "2026-04-01")
            cls.par_credit = cls._invoice(cls.partial, 12000.0, "2026-03-02", move_type="out_refund")
            # credit balance: a payment larger than what is owed
            cls.credit_balance = cls._customer("Anguo Herb Traders", lang="en_US")
            cls.cb_invoice = cls._invoice(cls.credit_balance, 1000.0, "2026-01-10", "2026-02-09")
            cls.cb_payment = cls.env["account.payment"].create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": cls.credit_balance.id,
                    "amount": 3000.0,
                    "date": "2026-03-03",
                    "journal_id": cls.company_data["default_journal_bank"].id,
                }
            )
            cls.cb_payment.action_post()

    def _row(self, partner, env=None):
        env = env or self.cron_env
        return env["showroom.receivable.report"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )

    def _drill(self, row, bucket):
        action = row.with_context(showroom_bucket=bucket).action_open_lines()
        return row.env["account.move.line"].search(action["domain"]).move_id

    def test_furniture_case_credits_cover_the_overdue_invoices(self):
        env = self.cron_env
        self.assertNotIn("tz", env.context)
        furniture = self.furniture.with_env(env)
        self.assertEqual(furniture.showroom_amount_due, 0.0)
        self.assertEqual(furniture.showroom_amount_overdue, 0.0)
        self.assertFalse(furniture.showroom_has_overdue, "no banner: the partner form shows it on this flag")
        self.assertEqual(furniture.showroom_overdue_days, 0)
        figures = env["res.partner"]._showroom_receivable_figures([self.furniture.id])[self.furniture.id]
        for key in ("amount_current", "amount_1_30", "amount_31_60", "amount_61_90", "amount_over_90"):
            self.assertEqual(figures[key], 0.0, key)
        self.assertEqual(figures["line_count"], 4)

        # not in the "Overdue payments" filter of customers, nor in the list's "Overdue" filter
        self.assertFalse(
            env["res.partner"].search([("showroom_has_overdue", "=", True), ("id", "=", self.furniture.id)])
        )
        self.assertTrue(
            env["res.partner"].search([("showroom_has_overdue", "=", False), ("id", "=", self.furniture.id)])
        )
        row = self._row(self.furniture)
        self.assertEqual(
            (row.amount_due, row.amount_overdue, row.overdue_days, row.amount_61_90, row.amount_1_30),
            (0.0, 0.0, 0, 0.0, 0.0),
        )
        Report = env["showroom.receivable.report"]
        self.assertFalse(Report.search([("amount_overdue", ">", 0), ("partner_id", "=", self.furniture.id)]))
        # the banner of an opportunity of this customer stays hidden too
        lead = self._create_lead(partner_id=self.furniture.id, name="Furniture Co. - van")
        self.assertFalse(lead.with_user(self.finance).showroom_partner_has_overdue)
        # the overdue figure (0) opens the invoices and the credit notes that pay them
        self.assertEqual(self._drill(row, "amount_overdue"), self.fur_invoices | self.fur_credits)

    def test_credits_cover_the_oldest_invoice_first(self):
        """A credit note of 12,000 pays the invoice overdue 99 days (10,000) and
        2,000 of the one overdue 30 days: 3,000 is overdue, since 30 days."""
        env = self.cron_env
        figures = env["res.partner"]._showroom_receivable_figures([self.partial.id])[self.partial.id]
        self.assertEqual(figures["amount_due"], 7000.0)
        self.assertEqual(figures["amount_overdue"], 3000.0)
        self.assertEqual(figures["amount_over_90"], 0.0)
        self.assertEqual(figures["amount_1_30"], 3000.0)
        self.assertEqual(figures["amount_current"], 4000.0)
        self.assertEqual(figures["oldest_due_date"], self._d("2026-02-08"))
        self.assertEqual(figures["overdue_days"], 30)
        partial = self.partial.with_env(env)
        self.assertEqual((partial.showroom_amount_overdue, partial.showroom_overdue_days), (3000.0, 30))
        self.assertTrue(partial.showroom_has_overdue)
        row = self._row(self.partial)
        self.assertEqual(
            (row.amount_overdue, row.amount_1_30, row.amount_over_90, row.overdue_days), (3000.0, 3000.0, 0.0, 30)
        )
        self.assertAlmostEqual(sum(row[key] for key in receivables.AGEING_KEYS), row.amount_due)
        # drill-down: the items of each age, and the credit note where it was applied
        self.assertEqual(self._drill(row, "amount_over_90"), self.par_oldest | self.par_credit)
        self.assertEqual(self._drill(row, "amount_1_30"), self.par_next | self.par_credit)
        self.assertEqual(self._drill(row, "amount_current"), self.par_future)
        self.assertEqual(self._drill(row, "amount_overdue"), self.par_oldest | self.par_next | self.par_credit)
        self.assertEqual(self._drill(row, None), self.par_oldest | self.par_next | self.par_future | self.par_credit)

        # once the next invoice is paid, nothing is overdue any more
        self._pay(self.par_next, 3000.0, "2026-03-10")
        env.invalidate_all()
        partial = self.partial.with_env(env)
        self.assertEqual((partial.showroom_amount_overdue, partial.showroom_overdue_days), (0.0, 0))

    def test_credit_balance(self):
        """A customer who paid more than he owes: the credit left over once the
        overdue invoice is covered shows as a negative "not yet due" amount."""
        env = self.cron_env
        figures = env["res.partner"]._showroom_receivable_figures([self.credit_balance.id])[self.credit_balance.id]
        self.assertEqual(figures["amount_due"], -2000.0)
        self.assertEqual(figures["amount_overdue"], 0.0)
        self.assertEqual(figures["amount_current"], -2000.0)
        self.assertEqual(figures["amount_1_30"], 0.0)
        self.assertEqual(figures["overdue_days"], 0)
        self.assertFalse(self.credit_balance.with_env(env).showroom_has_overdue)
        row = self._row(self.credit_balance)
        self.assertEqual((row.amount_due, row.amount_current, row.amount_overdue), (-2000.0, -2000.0, 0.0))
        self.assertIn(row, env["showroom.receivable.report"].search([("amount_due", "<", 0)]), "credit balance filter")
        # "not yet due" opens the payment whose credit is left over
        self.assertEqual(self._drill(row, "amount_current"), self.cb_payment.move_id)
        self.assertEqual(self._drill(row, "amount_1_30"), self.cb_invoice | self.cb_payment.move_id)

    def test_credits_of_another_company_pay_nothing_here(self):
        """Credits are netted per company: a credit note of the Hong Kong branch
        does not pay the store's overdue invoice."""
        customer = self._customer("Xingtang Mining Co.")
        self._invoice(customer, 1000.0, "2026-01-05", "2026-02-04")
        self._invoice(customer, 1080.0, "2026-03-01", company=self.company_2, move_type="out_refund")
        env = self.cron_env(context={"allowed_company_ids": [self.company.id, self.company_2.id]})
        partner = customer.with_env(env)
        self.assertEqual(partner.showroom_amount_due, 0.0)
        self.assertEqual(partner.showroom_amount_overdue, 1000.0)
        self.assertEqual(partner.showroom_overdue_days, 34)

    def test_sql_agrees_with_the_rule(self):
        """The grouped query gives the figures the rule gives, item by item
        (``tools.receivables.net_figures``), on a mixed account: invoices due on the
        same day, credits older and newer than the invoices, a partial payment."""
        customer = self._customer("Xinle Bus Co.")
        for amount, invoice_date, due, move_type in (
            (3000.0, "2025-10-01", "2025-10-31", "out_invoice"),
            (1250.0, "2025-09-15", "2025-09-15", "out_refund"),
            (2000.0, "2026-01-01", "2026-01-31", "out_invoice"),
            (2500.0, "2026-01-05", "2026-01-31", "out_invoice"),
            (4100.0, "2026-02-15", "2026-02-15", "out_refund"),
            (800.0, "2026-02-01", "2026-03-03", "out_invoice"),
            (1700.0, "2026-03-01", "2026-03-31", "out_invoice"),
        ):
            self._invoice(customer, amount, invoice_date, due, move_type=move_type)
        partly_paid = self._invoice(customer, 900.0, "2025-12-01", "2025-12-20")
        self._pay(partly_paid, 400.0, "2026-01-10")
        env = self.cron_env
        today = env["res.partner"]._showroom_receivable_today()
        rows = env["res.partner"]._showroom_receivable_items([customer.id], self.company)
        expected = receivables.net_figures([(row[0], row[4], row[3]) for row in rows], today)
        actual = env["res.partner"]._showroom_receivable_figures([customer.id])[customer.id]
        for key, value in expected.items():
            with self.subTest(key=key):
                if isinstance(value, float):
                    self.assertAlmostEqual(actual[key], value, places=2)
                else:
                    self.assertEqual(actual[key], value)
        # credits 5,350 pay 3,000 (Oct), 500 (Dec) and 1,850 of the two invoices due 31 January
        self.assertEqual(actual["amount_overdue"], 2000.0 + 2500.0 - 1850.0 + 800.0)
        self.assertEqual(actual["oldest_due_date"], self._d("2026-01-31"))
        expected_nets = receivables.net_amounts([(row[0], row[4], row[3]) for row in rows])
        for line_id, *_columns, net in rows:
            self.assertAlmostEqual(net, expected_nets[line_id], places=6)


@tagged("post_install", "-at_install", "crm_showroom", "showroom_receivables")
@freeze_time("2026-03-10 02:00:00")
class TestReceivableConsultant(ShowroomAccountCase):
    """G7: the consultant column of the receivables list is the customer's
    salesperson, else the salesperson of its last confirmed sale order in that
    company, without a query per row."""

    def _order_by(self, partner, user, order_date, confirm=True):
        order = self._order(partner, price=1000.0, order_date=order_date)
        order.user_id = user
        if confirm:
            order.action_confirm()
        return order

    def test_consultant_column(self):
        own = self._customer("Dingzhou Own Co.", user=self.consultant_2)
        by_order = self._customer("Dingzhou Orders Co.")
        by_order.user_id = False
        buyer = self.env["res.partner"].create({"name": "Buyer Ma", "parent_id": by_order.id})
        nobody = self._customer("Dingzhou Nobody Co.")
        nobody.user_id = False
        self._order_by(by_order, self.consultant, "2026-01-05 03:00:00")
        self._order_by(buyer, self.consultant_2, "2026-02-05 03:00:00")  # the last confirmed one, by a contact
        self._order_by(by_order, self.manager, "2026-03-01 03:00:00", confirm=False)  # a quotation only
        self._order(nobody, price=1000.0).with_context(disable_cancel_warning=True).action_cancel()
        for partner in (own, by_order, nobody):
            self._invoice(partner, 1000.0, "2026-02-01", "2026-02-15")
        Report = self.env["showroom.receivable.report"].with_user(self.finance)
        rows = Report.search([("partner_id", "in", (own | by_order | nobody).ids)])
        consultants = {row.partner_id: row.user_id for row in rows}
        self.assertEqual(
            consultants, {own: self.consultant_2, by_order: self.consultant_2, nobody: self.env["res.users"]}
        )
        # the "My Customers" filter and the group-by consultant use the same column
        mine = Report.search([("user_id", "=", self.consultant_2.id), ("partner_id", "in", rows.partner_id.ids)])
        self.assertEqual(mine.partner_id, own | by_order)
        # the statement names the same consultant as the person to call
        values = (
            self.env["report.crm_showroom.report_showroom_statement"]
            .with_user(self.finance)
            ._get_report_values((by_order | nobody).ids)
        )
        self.assertEqual(values["statements"][by_order.id]["consultant"], self.consultant_2)
        self.assertFalse(values["statements"][nobody.id]["consultant"])
