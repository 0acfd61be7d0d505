from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.crm_showroom.tools.vin import with_check_digit
from odoo.addons.mail.tests.common import mail_new_test_user

from .common import ShowroomCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_security")
class TestSegments(ShowroomCase):
    """G5: a segment is a company. Only group management moves a customer (a
    showroom opportunity, a base customer, a vehicle) to another company, and only
    a segment admin changes a team's showroom rules; outside showroom records
    stock Odoo behaves as before."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Shijiazhuang Store", "country_id": cls.china.id})
        both = [Command.set((cls.company | cls.company_b).ids)]
        # a segment head and a segment admin of both companies: they may work in both, not move between them
        cls.manager.company_ids = both
        cls.segment_admin = mail_new_test_user(
            cls.env, login="sr_seg_admin", groups="crm_showroom.group_showroom_admin", company_ids=both
        )
        cls.group_management = mail_new_test_user(
            cls.env, login="sr_group_mgmt", groups="crm_showroom.group_showroom_group_management", company_ids=both
        )
        cls.team_b = cls.env["crm.team"].create(
            {"name": "SJZ Showroom", "is_showroom": True, "company_id": cls.company_b.id}
        )
        cls.team.company_id = cls.company
        cls.consultant_b = mail_new_test_user(
            cls.env,
            login="sr_consultant_b",
            groups="crm_showroom.group_showroom_consultant",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.lead = cls._create_lead(company_id=cls.company.id)
        product = cls.env["product.product"].create(
            {"name": "H6 SUV", "is_vehicle": True, "type": "consu", "is_storable": True, "tracking": "serial"}
        )
        cls.customer = cls.env["res.partner"].create({"name": "孙先生", "company_id": cls.company.id})
        cls.shared_customer = cls.env["res.partner"].create({"name": "周先生"})
        cls.vehicle, cls.shared_vehicle = cls.env["showroom.vehicle"].create(
            [
                {
                    "lot_id": cls.env["stock.lot"].create({"name": with_check_digit(vin), "product_id": product.id}).id,
                    "partner_id": partner.id,
                    "state": "delivered",
                    "user_id": cls.consultant.id,
                    "company_id": cls.company.id,
                }
                for vin, partner in (("LGWEF4A50TH000001", cls.customer), ("LGWEF4A50TH000002", cls.shared_customer))
            ]
        )
        cls.both = (cls.company | cls.company_b).ids

    def _as(self, user, records):
        return records.with_user(user).with_context(allowed_company_ids=self.both)

    def test_base_customer(self):
        self.assertTrue(self.customer.is_base_customer)
        for user in (self.manager, self.segment_admin):
            with self.assertRaisesRegex(AccessError, "Only Group Management can move 孙先生"):
                self._as(user, self.customer).company_id = self.company_b
        self.assertEqual(self.customer.company_id, self.company)
        self._as(self.group_management, self.customer).company_id = self.company_b
        self.assertEqual(self.customer.company_id, self.company_b)

    def test_vehicle(self):
        with self.assertRaisesRegex(AccessError, "Only Group Management"):
            self._as(self.manager, self.shared_vehicle).company_id = self.company_b
        self._as(self.group_management, self.shared_vehicle).company_id = self.company_b
        self.assertEqual(self.shared_vehicle.company_id, self.company_b)

    def test_opportunity_directly_or_through_its_team(self):
        """A move is refused whether the company is written or follows the team."""
        for values in (
            {"company_id": self.company_b.id},
            {"team_id": self.team_b.id, "user_id": self.manager.id},
        ):
            with self.subTest(values=values), self.assertRaisesRegex(AccessError, "Only Group Management"):
                self._as(self.manager, self.lead).write(values)
        self.assertEqual(self.lead.company_id, self.company)
        self._as(self.group_management, self.lead).write({"team_id": self.team_b.id, "user_id": self.consultant_b.id})
        self.assertEqual(self.lead.company_id, self.company_b)

    def test_stock_odoo_outside_showroom_records(self):
        """A lead of a plain team and a partner who bought nothing move as in stock Odoo."""
        plain = self._create_lead(team_id=self.plain_team.id, company_id=self.company.id)
        plain_team_b = self.env["crm.team"].create({"name": "SJZ Fleet", "company_id": self.company_b.id})
        prospect = self.env["res.partner"].create({"name": "Prospect", "company_id": self.company.id})
        self.assertFalse(prospect.is_base_customer)
        self._as(self.manager, plain).write({"team_id": plain_team_b.id, "user_id": self.manager.id})
        self._as(self.manager, prospect).company_id = self.company_b
        self.assertEqual(plain.company_id, self.company_b)
        self.assertEqual(prospect.company_id, self.company_b)

    def test_within_the_segment_nothing_changes(self):
        """Reassigning within the company is the manager's work, as before."""
        self._as(self.manager, self.lead).user_id = self.consultant_2
        self._as(self.manager, self.vehicle).user_id = self.consultant_2
        self.assertEqual(self.lead.company_id, self.company)

    def test_configuration_of_another_company_is_refused(self):
        """An opportunity takes the shared grades and channels or its company's own."""
        grade_a, channel_a = (
            self.env[model].create(dict(values, company_id=self.company.id))
            for model, values in (
                ("showroom.grade", {"code": "Z", "name": "Showroom A's", "followup_interval_days": 3}),
                ("showroom.source.channel", {"name": "Showroom A's fair"}),
            )
        )
        lead_b = self._create_lead(team_id=self.team_b.id, company_id=self.company_b.id, user_id=self.consultant_b.id)
        for values in ({"showroom_grade_id": grade_a.id}, {"showroom_channel_id": channel_a.id}):
            with self.subTest(values=values), self.assertRaisesRegex(UserError, "Incompatible companies"):
                lead_b.write(values)
        self.lead.write({"showroom_grade_id": grade_a.id, "showroom_channel_id": channel_a.id})
        self.assertEqual(self.lead.showroom_grade_id, grade_a)

    def test_team_rules_are_the_segment_admins(self):
        sales_manager = mail_new_test_user(self.env, login="sr_sales_mgr", groups="sales_team.group_sale_manager")
        with self.assertRaisesRegex(AccessError, "Segment Administrator"):
            self.team.with_user(sales_manager).showroom_first_followup_days = 5
        with self.assertRaisesRegex(AccessError, "Segment Administrator"):
            self.env["crm.team"].with_user(sales_manager).create({"name": "New showroom", "is_showroom": True})
        self.plain_team.with_user(sales_manager).name = "Fleet"  # the rest of the team: stock Odoo
        self.team.with_user(self.segment_admin).showroom_first_followup_days = 5
        self.assertEqual(self.team.showroom_first_followup_days, 5)
