from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_mileage import ShowroomMileageCase
from .common_receivable import ShowroomAccountCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_customer_file")
@freeze_time("2026-03-10 18:30:00")  # 2026-03-11 in Shanghai
class TestCustomerFile(ShowroomMileageCase):
    """G1: the contact's file and the whole relationship on the partner form."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fleet = cls.env.ref("crm_showroom.customer_class_fleet")
        cls.private = cls.env.ref("crm_showroom.customer_class_private")
        cls.trusted = cls.env.ref("crm_showroom.relationship_level_trusted")
        cls.fishing = cls.env.ref("crm_showroom.interest_fishing")

    def test_shipped_data(self):
        levels = self.env["showroom.relationship.level"].search(
            [
                (
                    "id",
                    "in",
                    [
                        self.env.ref(f"crm_showroom.relationship_level_{key}").id
                        for key in ("new", "acquainted", "trusted", "advocate")
                    ],
                )
            ]
        )
        self.assertEqual(levels.mapped("name"), ["New", "Acquainted", "Trusted", "Loyal advocate"])
        self.assertRecordValues(
            self.fleet,
            [
                {
                    "customer_kind": "company",
                    "nature": "fleet",
                    "credit_limit": 500000.0,
                    "payment_term_id": self.env.ref("account.account_payment_term_30days").id,
                }
            ],
        )

    def test_contact_fields_and_class_filter(self):
        title = self.env.ref("base.res_partner_title_mister")
        self.customer.with_user(self.consultant).write(
            {
                "title": title.id,
                "showroom_birthday": date(1985, 5, 4),
                "showroom_family_note": "Wife teaches; son starts university in autumn",
                "showroom_interest_ids": [(6, 0, self.fishing.ids)],
                "showroom_relationship_level_id": self.trusted.id,
                "showroom_customer_class_id": self.private.id,
            }
        )
        other = self.env["res.partner"].create(
            {"name": "Dingzhou Taxi Co.", "is_company": True, "showroom_customer_class_id": self.fleet.id}
        )
        Partner = self.env["res.partner"].with_user(self.consultant)
        self.assertEqual(
            Partner.search(
                [("showroom_customer_class_id", "=", self.private.id), ("id", "in", (self.customer | other).ids)]
            ),
            self.customer,
        )
        self.assertEqual(
            Partner.search(
                [("showroom_customer_class_id.nature", "=", "fleet"), ("id", "in", (self.customer | other).ids)]
            ),
            other,
        )
        self.assertEqual(Partner.search([("showroom_interest_ids", "in", self.fishing.ids)]), self.customer)
        self.assertEqual(self.private.partner_count, 1)
        groups = Partner._read_group(
            [("id", "in", (self.customer | other).ids)], ["showroom_customer_class_id"], ["__count"]
        )
        self.assertEqual(dict(groups), {self.private: 1, self.fleet: 1})
        self.assertEqual(self.customer.title, title)

    def test_configuration_is_for_segment_admins(self):
        with self.assertRaises(AccessError):
            self.env["showroom.relationship.level"].with_user(self.manager).create({"name": "VIP"})
        admin = self.manager.copy(
            {"login": "sr_admin", "groups_id": [(4, self.env.ref("crm_showroom.group_showroom_admin").id)]}
        )
        level = self.env["showroom.relationship.level"].with_user(admin).create({"name": "VIP"})
        self.assertTrue(level)
        # consultants tag interests while they talk, but do not rename them
        interest = self.env["showroom.interest"].with_user(self.consultant).create({"name": "Golf"})
        with self.assertRaises(AccessError):
            interest.with_user(self.consultant).name = "Tennis"

    def test_smart_button_counts(self):
        hot = self._create_lead(
            partner_id=self.customer.id, showroom_grade_id=self.grades["H"].id, name="Mr Sun - MPV for the family"
        )
        self._make_vehicle([(date(2025, 9, 1), 8000)])
        self._make_vehicle([(date(2025, 10, 1), 3000), (date(2026, 3, 1), 7000)])
        # two follow-ups done on the opportunities (each schedules the next one)
        self._mark_done(self._open_followups(self.origin_lead).with_user(self.consultant))
        self._mark_done(self._open_followups(hot).with_user(self.consultant))
        # a visit card with the customer's mobile, and one of someone else
        Visit = self.env["showroom.visit"].with_user(self.consultant)
        Visit.create({"partner_name": "孙先生", "mobile": "13800138000"})
        Visit.create({"partner_name": "李女士", "mobile": "13900139000"})

        partner = self.customer.with_user(self.consultant)
        partner.invalidate_recordset()
        self.assertRecordValues(
            partner,
            [
                {
                    "showroom_opportunity_count": 2,
                    "showroom_opportunity_grades": "H · A",
                    "showroom_vehicle_count": 2,
                    "showroom_followup_done_count": 2,
                    "showroom_visit_count": 1,
                }
            ],
        )
        # the buttons open what they count
        self.assertEqual(
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search_count(partner.action_showroom_view_followups()["domain"]),
            2,
        )
        self.assertEqual(Visit.search_count(partner.action_showroom_view_visits()["domain"]), 1)
        self.assertEqual(
            self.env["crm.lead"]
            .with_user(self.consultant)
            .search(partner.action_showroom_view_opportunities()["domain"]),
            self.origin_lead | hot,
        )
        rewards = partner.action_showroom_view_campaign_rewards()
        self.assertEqual(
            (rewards["res_model"], rewards["domain"]), ("showroom.campaign.reward", [("partner_id", "=", partner.id)])
        )
        self.assertEqual(partner.showroom_opportunity_ids, self.origin_lead | hot)
        # a contact of a company sees the company's relationship
        person = self.env["res.partner"].create({"name": "Sun Junior", "parent_id": self.customer.id})
        self.assertEqual(person.with_user(self.consultant).showroom_opportunity_count, 2)

    def test_form_for_showroom_and_stock_users(self):
        arch = (
            self.env["res.partner"]
            .with_user(self.consultant)
            .get_view(self.env.ref("base.view_partner_form").id)["arch"]
        )
        for name in (
            "action_showroom_view_opportunities",
            "action_showroom_view_followups",
            "action_showroom_view_visits",
            "showroom_customer_file",
        ):
            self.assertIn(name, arch)
        self.assertNotIn("action_showroom_apply_class_credit", arch, "consultants do not apply credit terms")
        plain = self.env["res.users"].create(
            {"name": "Plain User", "login": "plain_user", "groups_id": [(6, 0, self.env.ref("base.group_user").ids)]}
        )
        arch = self.env["res.partner"].with_user(plain).get_view(self.env.ref("base.view_partner_form").id)["arch"]
        for name in (
            "showroom_customer_file",
            "showroom_churn_warning",
            "showroom_customer_class_id",
            "action_showroom_view_followups",
        ):
            self.assertNotIn(name, arch)


@tagged("post_install", "-at_install", "crm_showroom", "showroom_customer_file")
@freeze_time("2026-03-10 18:30:00")
class TestClassCredit(ShowroomAccountCase):
    """G6: the class's suggested credit terms applied in one click, and the
    credit analysis of the receivables list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.account_use_credit_limit = True
        cls.fleet_class = (
            cls.env["showroom.customer.class"]
            .sudo()
            .create(
                {
                    "name": "Fleet",
                    "customer_kind": "company",
                    "nature": "fleet",
                    "payment_term_id": cls.term_loan.id,
                    "credit_limit": 300000.0,
                    "region": "West route",
                }
            )
        )
        cls.taxi = cls._customer("Dingzhou Taxi Co.", showroom_customer_class_id=cls.fleet_class.id)
        cls.bus = cls._customer("Dingzhou Bus Co.", showroom_customer_class_id=cls.fleet_class.id)

    def test_finance_applies_class_terms(self):
        (self.taxi | self.bus).with_user(self.finance).action_showroom_apply_class_credit()
        for partner in self.taxi | self.bus:
            partner = partner.with_company(self.company)
            self.assertEqual(partner.property_payment_term_id, self.term_loan)
            self.assertEqual(partner.credit_limit, 300000.0)
            self.assertTrue(partner.use_partner_credit_limit)
            self.assertIn("Credit terms of the class Fleet applied", partner.message_ids[0].body)
            self.assertEqual(partner.message_ids[0].author_id, self.finance.partner_id)
        # other companies keep their own terms
        self.assertFalse(self.taxi.with_company(self.company_2).property_payment_term_id)

    def test_manager_applies_from_a_contact(self):
        person = self.env["res.partner"].create({"name": "Driver Ma", "parent_id": self.taxi.id})
        person.with_user(self.manager).action_showroom_apply_class_credit()
        self.assertEqual(self.taxi.with_company(self.company).credit_limit, 300000.0)

    def test_consultant_refused(self):
        with self.assertRaisesRegex(AccessError, "Only finance staff and showroom managers"):
            self.taxi.with_user(self.consultant).action_showroom_apply_class_credit()
        self.assertEqual(self.taxi.with_company(self.company).credit_limit, 0.0)

    def test_without_class_refused_nothing_applied(self):
        loose = self._customer("Loose Ltd")
        with self.assertRaisesRegex(UserError, "Loose Ltd"):
            (self.taxi | loose).with_user(self.finance).action_showroom_apply_class_credit()
        self.assertEqual(self.taxi.with_company(self.company).credit_limit, 0.0)

    def test_list_action_is_bound_to_finance_and_managers(self):
        action = self.env.ref("crm_showroom.action_showroom_apply_class_credit")
        self.assertEqual(action.binding_model_id.model, "res.partner")
        self.assertEqual(
            set(action.groups_id.ids),
            {
                self.env.ref("crm_showroom.group_showroom_finance").id,
                self.env.ref("crm_showroom.group_showroom_manager").id,
            },
        )
        action.with_context(active_model="res.partner", active_ids=(self.taxi | self.bus).ids).with_user(
            self.finance
        ).run()
        self.assertEqual(self.bus.with_company(self.company).property_payment_term_id, self.term_loan)

    def test_credit_report_by_class_and_over_limit(self):
        (self.taxi | self.bus).with_user(self.finance).action_showroom_apply_class_credit()
        self._invoice(self.taxi, 360000.0, date(2026, 1, 5), due_date=date(2026, 2, 4))
        self._invoice(self.bus, 150000.0, date(2026, 3, 1), due_date=date(2026, 3, 31))
        Report = self.env["showroom.receivable.report"].with_user(self.finance).with_company(self.company)
        rows = Report.search([("partner_id", "in", (self.taxi | self.bus).ids), ("company_id", "=", self.company.id)])
        self.assertRecordValues(
            rows.sorted(lambda row: row.partner_id.name),
            [
                {
                    "partner_id": self.bus.id,
                    "customer_class_id": self.fleet_class.id,
                    "credit_limit": 300000.0,
                    "credit_ratio": 50.0,
                    "amount_due": 150000.0,
                },
                {
                    "partner_id": self.taxi.id,
                    "customer_class_id": self.fleet_class.id,
                    "credit_limit": 300000.0,
                    "credit_ratio": 120.0,
                    "amount_due": 360000.0,
                },
            ],
        )
        over = Report.search([("credit_ratio", ">", 100), ("partner_id", "in", (self.taxi | self.bus).ids)])
        self.assertEqual(over.partner_id, self.taxi)
        groups = Report._read_group(
            [("partner_id", "in", (self.taxi | self.bus).ids), ("company_id", "=", self.company.id)],
            ["customer_class_id"],
            ["amount_due:sum", "amount_overdue:sum"],
        )
        self.assertEqual(groups, [(self.fleet_class, 510000.0, 360000.0)])
        # without credit limits in the company, no limit and no use
        self.company.account_use_credit_limit = False
        rows.invalidate_model()
        self.assertEqual(
            Report.search([("partner_id", "=", self.taxi.id), ("company_id", "=", self.company.id)]).credit_limit, 0.0
        )
