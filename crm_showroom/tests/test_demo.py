from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ShowroomDemoCase

AGEING_BUCKETS = ("amount_current", "amount_1_30", "amount_31_60", "amount_61_90", "amount_over_90")


@tagged("post_install", "-at_install", "crm_showroom", "showroom_demo")
class TestDemo(ShowroomDemoCase):
    """The demo is a Chinese showroom of its own (issue 7): a company in yuan on
    China's chart of accounts, whose demo users work in it only and see none of
    Odoo's furniture company, with a week of showroom life: opportunities in every
    grade, deliveries with their post-purchase follow-ups, receivables in every
    ageing bucket. Without the demo data: see ``showroom_demo_missing``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.env.ref("crm_showroom.team_showroom", raise_if_not_found=False)

    def _at_installation(self):
        """Ages and due dates as on the day the demo was installed (its dates are
        relative to that day)."""
        return freeze_time(self.company.create_date)

    def test_showroom_company(self):
        company = self.company
        self.assertEqual(company.currency_id, self.env.ref("base.CNY"))
        self.assertEqual(company.chart_template, "cn")
        self.assertGreater(self.env["account.account"].search_count([("company_ids", "in", company.ids)]), 50)
        self.assertTrue(
            self.env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "sale")]),
            "the showroom has a sales journal",
        )
        self.assertEqual(company.showroom_tz, "Asia/Shanghai")
        # the letterhead
        self.assertEqual(company.country_id, self.env.ref("base.cn"))
        self.assertEqual(company.partner_id.city_id.name, "保定市定州市")
        self.assertTrue(company.street and company.phone and company.email and company.website)
        bank_account = company.partner_id.bank_ids
        self.assertTrue(bank_account.bank_id, "the company has a bank account with its bank")
        self.assertEqual(
            self.env["account.journal"]
            .search([("company_id", "=", company.id), ("type", "=", "bank")])
            .bank_account_id,
            bank_account,
        )
        self.assertTrue(self.env["stock.warehouse"].search([("company_id", "=", company.id)]))

    def test_demo_users_work_in_the_showroom_company_only(self):
        for login, user in self.users.items():
            self.assertEqual(len(user), 1, f"demo user {login} is missing")
            self.assertEqual(user.company_id, self.company, login)
            self.assertEqual(user.company_ids, self.company, login)
            self.assertEqual(user.tz, "Asia/Shanghai", login)
        self.assertTrue(self.users["manager"].has_group("crm_showroom.group_showroom_manager"))
        self.assertTrue(self.users["finance"].has_group("crm_showroom.group_showroom_finance"))
        telemarketing = self.users["telemarketing"]
        self.assertTrue(telemarketing.has_group("crm_showroom.group_showroom_telemarketing"))
        self.assertFalse(telemarketing.has_group("sales_team.group_sale_salesman"))
        self.assertFalse(telemarketing.has_group("crm_showroom.group_showroom_consultant"))

    def test_manager_leads_and_belongs_to_the_showroom_team(self):
        manager = self.users["manager"]
        self.assertTrue(self.team.is_showroom)
        self.assertEqual(self.team.company_id, self.company)
        self.assertEqual(self.team.user_id, manager)
        self.assertIn(manager, self.team.member_ids)
        for login in ("consultant1", "consultant2", "consultant3"):
            self.assertIn(self.users[login], self.team.member_ids)
        self.assertEqual(manager.sale_team_id, self.team)

    def test_consultants_speak_chinese(self):
        self.assertTrue(self.env["res.lang"]._lang_get("zh_CN").active)
        for login in ("consultant1", "consultant2", "consultant3"):
            self.assertEqual(self.users[login].lang, "zh_CN", login)
        # the showroom's data reaches them in Chinese
        self.assertEqual(self.team.with_context(lang="zh_CN").name, "定州展厅")

    def test_demo_users_see_none_of_the_other_companies_leads(self):
        Lead = self.env["crm.lead"].with_context(active_test=False)
        others = Lead.search([("company_id", "!=", self.company.id)])
        self.assertTrue(others, "Odoo's own demo company has leads")
        # telemarketing works base customers, not the showroom's opportunities (R6)
        with self.assertRaises(AccessError):
            Lead.with_user(self.users["telemarketing"]).search([])
        for login in ("consultant1", "manager"):
            seen = Lead.with_user(self.users[login]).search([])
            self.assertFalse(seen & others, f"{login} sees leads of another company")
            self.assertEqual(seen.company_id, self.company, f"{login} sees leads outside the showroom company")
        consultant = self.users["consultant1"]
        seen = Lead.with_user(consultant).search([])
        self.assertTrue(seen.filtered(lambda lead: lead.user_id == consultant))
        # nor their contracts
        orders = self.env["sale.order"].with_user(self.users["manager"]).search([])
        self.assertTrue(orders)
        self.assertEqual(orders.company_id, self.company)

    def test_opportunities_in_every_grade_and_situation(self):
        leads = self.env["crm.lead"].with_context(active_test=False).search([("team_id", "=", self.team.id)])
        self.assertEqual(leads.company_id, self.company)
        self.assertEqual(set(leads.filtered("active").showroom_grade_id.mapped("code")), {"O", "H", "A", "B", "C", "N"})
        self.assertTrue(leads.filtered(lambda lead: lead.active and lead.probability == 100), "a won opportunity")
        self.assertTrue(leads.filtered(lambda lead: not lead.active and lead.probability == 0), "a lost opportunity")
        followups = (
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search([("res_model", "=", "crm.lead"), ("res_id", "in", leads.ids), ("is_showroom_followup", "=", True)])
        )
        done = followups.filtered(lambda act: not act.active and act.showroom_feedback)
        self.assertTrue(done, "done follow-ups with the customer's feedback")
        self.assertTrue(done.filtered("showroom_instruction"), "a manager instruction")
        with self._at_installation():
            today = self.company._showroom_today()
            open_deadlines = followups.filtered("active").mapped("date_deadline")
            self.assertTrue(any(day < today for day in open_deadlines), "an overdue follow-up")
            self.assertTrue(any(day == today for day in open_deadlines), "a follow-up due today")
            self.assertTrue(any(day > today for day in open_deadlines), "a planned follow-up")

    def test_vehicles_in_stock_and_delivered_with_their_post_purchase_plan(self):
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.company.id)])
        in_stock = self.env["stock.quant"].search(
            [("location_id", "child_of", warehouse.lot_stock_id.id), ("quantity", ">", 0), ("lot_id", "!=", False)]
        )
        self.assertTrue(in_stock.product_id.filtered("is_vehicle"), "VINs in the showroom's warehouse")
        vehicles = self.env["showroom.vehicle"].search(
            [("company_id", "=", self.company.id), ("state", "=", "delivered")]
        )
        self.assertTrue(vehicles)
        complete = vehicles.filtered(lambda vehicle: len(vehicle.post_purchase_activity_ids) == 4)
        self.assertTrue(complete, "a delivered vehicle has its four post-purchase follow-ups")
        self.assertTrue(all(complete.partner_id.mapped("is_base_customer")))
        self.assertTrue(all(lead.probability == 100 for lead in complete.opportunity_id))

    def test_contracts_invoices_and_payments_in_yuan(self):
        cny = self.env.ref("base.CNY")
        orders = self.env["sale.order"].search([("company_id", "=", self.company.id)])
        self.assertTrue(orders.filtered(lambda order: order.state == "sale"))
        self.assertEqual(orders.currency_id, cny)
        moves = self.env["account.move"].search([("company_id", "=", self.company.id), ("state", "=", "posted")])
        invoices = moves.filtered(lambda move: move.move_type == "out_invoice")
        self.assertEqual(invoices.currency_id, cny)
        self.assertTrue(
            invoices.filtered(lambda move: move.payment_state == "partial"), "a customer with a partial payment"
        )
        refunds = moves.filtered(lambda move: move.move_type == "out_refund")
        self.assertTrue(refunds.filtered(lambda move: move.reversed_entry_id and move.payment_state != "not_paid"))
        self.assertTrue(self.env["account.payment"].search([("company_id", "=", self.company.id)]))

    def test_receivables_in_every_ageing_bucket(self):
        finance = self.users["finance"]
        with self._at_installation():
            rows = self.env["showroom.receivable.report"].with_user(finance).search([])
            self.assertTrue(rows)
            self.assertEqual(rows.company_id, self.company)
            self.assertEqual(rows.currency_id, self.env.ref("base.CNY"))
            for bucket in AGEING_BUCKETS:
                self.assertTrue(any(row[bucket] > 0 for row in rows), f"no receivable in {bucket}")
            self.assertTrue(rows.filtered(lambda row: row.user_id), "the customers have their consultant")
