from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common_receivable import ShowroomAccountCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_security")
@freeze_time("2026-03-10 02:00:00")
class TestReceivableSecurity(ShowroomAccountCase):
    """G5/G7: finance reads customers, contracts, invoices, journal items and the
    receivables list, and edits no opportunity or follow-up; consultants see only
    whether their customers are overdue and by how much, unless an admin switches
    the details on."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("Mr Sun")
        cls.lead = cls._create_lead(partner_id=cls.customer.id, name="Mr Sun - SUV")
        cls.order = cls._order(cls.customer, lead=cls.lead, order_date="2026-03-01 01:00:00")
        cls.order.action_confirm()
        cls.deposit = cls._down_payment(cls.order, 10)
        cls._pay(cls.deposit, 5000.0, "2026-03-02")
        cls.old = cls._invoice(cls.customer, 3000.0, "2026-01-01", "2026-01-31")

    # ---- finance ----

    def test_finance_reads_customers_contracts_invoices_and_opportunity_summary(self):
        finance = self.finance
        self.assertEqual(self.customer.with_user(finance).showroom_amount_due, 15000.0 + 3000.0)
        self.assertEqual(self.order.with_user(finance).showroom_amount_received, 5000.0)
        self.assertEqual(self.order.order_line.with_user(finance).read(["price_unit"])[0]["price_unit"], 200000.0)
        self.assertEqual(self.deposit.with_user(finance).amount_residual, 15000.0)
        self.assertTrue(self.deposit.line_ids.with_user(finance).read(["amount_residual"]))
        self.assertTrue(
            self.env["showroom.receivable.report"].with_user(finance).search([("partner_id", "=", self.customer.id)])
        )
        lead = self.lead.with_user(finance)
        self.assertEqual(lead.showroom_amount_received, 5000.0)
        self.assertEqual(lead.showroom_contract_amount, 200000.0)
        self.assertTrue(lead.showroom_partner_has_overdue)
        self.assertEqual(lead.showroom_partner_amount_due, 18000.0)
        # the opportunity form loads for finance, read-only
        form = Form(lead)
        self.assertEqual(form.showroom_amount_received, 5000.0)

    def test_finance_cannot_edit_opportunities_follow_ups_or_contracts(self):
        finance = self.finance
        with self.assertRaises(AccessError):
            self.lead.with_user(finance).write({"name": "Changed by finance"})
        followup = self._open_followups(self.lead)
        self.assertTrue(followup)
        with self.assertRaises(AccessError):
            followup.with_user(finance).write({"date_deadline": "2026-04-01"})
        with self.assertRaises(AccessError):
            self.env["mail.activity"].with_user(finance).create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                    "res_id": self.lead.id,
                    "activity_type_id": self.followup_type.id,
                    "summary": "Finance follow-up",
                }
            )
        with self.assertRaises(AccessError):
            self.order.with_user(finance).write({"note": "Changed by finance"})
        with self.assertRaises(AccessError):
            self.deposit.with_user(finance).write({"ref": "Changed by finance"})

    # ---- consultants ----

    def test_consultant_sees_only_overdue_flag_and_amount(self):
        customer = self.customer.with_user(self.consultant)
        self.assertTrue(customer.showroom_has_overdue)
        self.assertEqual(customer.showroom_amount_overdue, 3000.0)
        values = customer.read(["showroom_has_overdue", "showroom_amount_overdue"])[0]
        self.assertEqual(values["showroom_amount_overdue"], 3000.0)
        for fname in ("showroom_amount_due", "showroom_overdue_days", "showroom_credit_limit", "showroom_credit_used"):
            with self.subTest(field=fname), self.assertRaises(AccessError):
                customer.read([fname])
        with self.assertRaises(AccessError):
            self.lead.with_user(self.consultant).read(["showroom_partner_amount_due"])
        self.assertTrue(self.lead.with_user(self.consultant).showroom_partner_has_overdue)
        with self.assertRaises(AccessError):
            self.env["showroom.receivable.report"].with_user(self.consultant).search([])

    def test_consultant_sees_own_contract_payments(self):
        order = self.order.with_user(self.consultant)
        self.assertEqual(order.showroom_amount_received, 5000.0)
        self.assertIn(self.deposit.name, str(order.showroom_payment_plan_html))
        self.assertEqual(self.lead.with_user(self.consultant).showroom_amount_received, 5000.0)
        # the opportunity form shows the overdue warning, without the details
        form = Form(self.lead.with_user(self.consultant))
        self.assertTrue(form.showroom_partner_has_overdue)
        self.assertEqual(form.showroom_amount_received, 5000.0)
        self.assertNotIn("showroom_partner_amount_due", form._view["fields"])

    def test_finance_list_views_load(self):
        Report = self.env["showroom.receivable.report"].with_user(self.finance)
        views = Report.get_views([(False, "list"), (False, "form"), (False, "pivot"), (False, "search")])
        self.assertEqual(set(views["views"]), {"list", "form", "pivot", "search"})
        menu_finance = self.env.ref("crm_showroom.menu_showroom_receivable_report_invoicing")
        menu_crm = self.env.ref("crm_showroom.menu_showroom_receivable_report_crm")
        Menu = self.env["ir.ui.menu"]
        self.assertIn(menu_finance.id, Menu.with_user(self.finance)._visible_menu_ids())
        self.assertIn(menu_crm.id, Menu.with_user(self.manager)._visible_menu_ids())
        consultant_menus = Menu.with_user(self.consultant)._visible_menu_ids()
        self.assertFalse({menu_finance.id, menu_crm.id} & set(consultant_menus))

    def test_admin_lets_consultants_see_details(self):
        settings = self.env["res.config.settings"].create({"group_showroom_receivable_details": True})
        settings.execute()
        self.assertTrue(self.consultant.has_group("crm_showroom.group_showroom_receivable_details"))
        self.assertEqual(
            self.customer.with_user(self.consultant).read(["showroom_amount_due"])[0]["showroom_amount_due"], 18000.0
        )
        settings = self.env["res.config.settings"].create({"group_showroom_receivable_details": False})
        settings.execute()
        self.consultant.invalidate_recordset()
        self.assertFalse(self.consultant.has_group("crm_showroom.group_showroom_receivable_details"))
        self.assertTrue(self.finance.has_group("crm_showroom.group_showroom_receivable_details"), "finance keeps them")
        self.assertTrue(self.manager.has_group("crm_showroom.group_showroom_receivable_details"), "managers keep them")

    def test_manager_sees_details_and_list(self):
        self.assertEqual(self.customer.with_user(self.manager).showroom_amount_due, 18000.0)
        rows = (
            self.env["showroom.receivable.report"]
            .with_user(self.manager)
            .search([("partner_id", "=", self.customer.id)])
        )
        self.assertEqual(rows.amount_due, 18000.0)
