from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import ShowroomCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_lost")
@freeze_time("2026-03-10 18:30:00")
class TestCompetitor(ShowroomCase):
    """G3: competitor brands and models, the ones a customer compares, the one a
    lost deal went to, and the analysis of deals lost to each."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Competitor = cls.env["showroom.competitor"]
        cls.byd = cls.env.ref("crm_showroom.competitor_byd")
        cls.byd_han = cls.env.ref("crm_showroom.competitor_byd_han")
        cls.camry = cls.env.ref("crm_showroom.competitor_toyota_camry")
        cls.model_3 = cls.env.ref("crm_showroom.competitor_tesla_model_3")
        cls.admin = mail_new_test_user(
            cls.env, login="sr_segment_admin", name="Qian Admin", groups="crm_showroom.group_showroom_admin"
        )

    def test_shipped_brands_and_models(self):
        self.assertEqual(self.byd_han.display_name, "BYD Han")
        self.assertEqual(self.byd_han.kind, "model")
        self.assertEqual(self.byd.kind, "brand")
        self.assertIn(self.byd_han, self.byd.child_ids)
        found = self.Competitor.name_search("BYD")
        self.assertIn(self.byd_han.id, [competitor_id for competitor_id, _name in found], "found by its brand")
        with self.assertRaisesRegex(ValidationError, "nothing deeper"):
            self.Competitor.create({"name": "Han EV 2026", "parent_id": self.byd_han.id})

    def test_admins_edit_users_read(self):
        self.assertEqual(self.byd_han.with_user(self.consultant).display_name, "BYD Han")
        with self.assertRaises(AccessError):
            self.Competitor.with_user(self.consultant).create({"name": "Geely"})
        with self.assertRaises(AccessError):
            self.byd_han.with_user(self.manager).write({"note": "cheaper"})
        geely = self.Competitor.with_user(self.admin).create({"name": "Geely"})
        self.Competitor.with_user(self.admin).create({"name": "Xingrui", "parent_id": geely.id})
        self.assertEqual(geely.child_ids.display_name, "Geely Xingrui")

    def test_company_competitors_stay_in_their_company(self):
        other = self.env["res.company"].create({"name": "Other Showroom"})
        self.Competitor.create({"name": "Local brand", "company_id": other.id})
        visible = self.Competitor.with_user(self.consultant).search([("name", "in", ("Local brand", "BYD"))])
        self.assertEqual(visible, self.byd, "the other company's competitor is hidden, shared ones shown")

    def test_opportunity_compares_competitors(self):
        lead = self._create_lead(user=self.consultant)
        lead.with_user(self.consultant).showroom_competitor_ids = self.byd_han | self.model_3
        self.assertEqual(lead.showroom_competitor_ids, self.byd_han | self.model_3)

    def test_lost_to_competitor_report(self):
        """3 deals lost to the BYD Han (2 too expensive, 1 not enough stock), 1 to
        the Camry, 1 without a competitor; a plain team's lost deal and an open
        showroom opportunity are not counted."""
        expensive = self.env.ref("crm.lost_reason_1")
        stock = self.env.ref("crm.lost_reason_3")
        lost = [(self.byd_han, expensive), (self.byd_han, expensive), (self.byd_han, stock), (self.camry, stock)]
        for competitor, reason in lost:
            lead = self._create_lead(user=self.consultant)
            self.env["crm.lead.lost"].with_user(self.manager).create(
                {"lead_ids": [(6, 0, lead.ids)], "lost_reason_id": reason.id, "showroom_competitor_id": competitor.id}
            ).action_lost_reason_apply()
        self._create_lead().action_set_lost(lost_reason_id=expensive.id)
        fleet = self.env["crm.lead"].create({"name": "Fleet", "type": "opportunity", "team_id": self.plain_team.id})
        fleet.action_set_lost(lost_reason_id=expensive.id, showroom_lost_competitor_id=self.byd_han.id)
        self._create_lead(showroom_competitor_ids=[(6, 0, self.byd_han.ids)])

        action = self.env["ir.actions.act_window"]._for_xml_id("crm_showroom.crm_lead_action_showroom_lost_analysis")
        Lead = self.env["crm.lead"].with_user(self.manager).with_context(**safe_eval(action["context"]))
        domain = safe_eval(action["domain"])
        by_competitor = dict(Lead._read_group(domain, ["showroom_lost_competitor_id"], ["__count"]))
        self.assertEqual(by_competitor.get(self.byd_han), 3)
        self.assertEqual(by_competitor.get(self.camry), 1)
        self.assertEqual(sum(by_competitor.values()), 5)
        by_reason = dict(
            ((competitor, reason), count)
            for competitor, reason, count in Lead._read_group(
                domain + [("showroom_lost_competitor_id", "=", self.byd_han.id)],
                ["showroom_lost_competitor_id", "lost_reason_id"],
                ["__count"],
            )
        )
        self.assertEqual(by_reason, {(self.byd_han, expensive): 2, (self.byd_han, stock): 1})
        # the drill-down opens the records
        self.assertEqual(len(Lead.search(domain + [("showroom_lost_competitor_id", "=", self.byd_han.id)])), 3)
