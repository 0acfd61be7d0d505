from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common_campaign import ShowroomCampaignCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_campaign")
@freeze_time("2026-03-10 04:00:00")
class TestCampaignReport(ShowroomCampaignCase):
    """R6.3: the campaign report's totals per campaign — leads (lost ones too),
    opportunities, deliveries (returned cars left out), rewards not cancelled and
    their cost — match what happened."""

    MEASURES = ("lead_count", "opportunity_count", "delivery_count", "reward_count", "reward_cost")

    def _totals(self, user=None, **domain):
        Report = self.env["showroom.campaign.report"].with_user(user or self.manager)
        rows = Report._read_group(
            [(key, "=", value) for key, value in domain.items()],
            ["campaign_id"],
            [f"{measure}:sum" for measure in self.MEASURES],
        )
        return {campaign: dict(zip(self.MEASURES, values, strict=True)) for campaign, *values in rows}

    def test_totals_per_campaign(self):
        referral = self.referral_campaign
        referral.budget = 0.0  # no limit
        trade_in = self._create_campaign(name="Trade-in gift", campaign_type="trade_in", reward_type="gift_product")
        # referral: three deliveries rewarded, one of them returned (reward cancelled);
        # a referred lead still open and one lost; a plain lead tagged by hand
        vehicles = [self._sell(referrer=self.old_customer, mobile=f"1390013900{i}") for i in range(3)]
        with freeze_time("2026-03-12 03:00:00"):
            self._return(self._delivery_picking(vehicles[0]), vehicles[0].lot_id)
        self._create_lead(
            showroom_channel_id=self.referral.id, showroom_referrer_id=self.old_customer.id, mobile="13700137000"
        )
        lost = self._create_lead(
            showroom_channel_id=self.referral.id, showroom_referrer_id=self.old_customer.id, mobile="13700137001"
        )
        lost.action_set_lost()
        self.env["crm.lead"].create({"name": "Web form", "type": "lead", "campaign_id": referral.utm_campaign_id.id})
        # trade-in: one delivery rewarded with the gift
        self._sell(showroom_trade_in=True, mobile="13600136000")
        # a walk-in without campaign counts nowhere
        self._sell(mobile="13500135000")

        totals = self._totals()
        self.assertEqual(set(totals), {referral, trade_in})
        self.assertEqual(
            totals[referral],
            {"lead_count": 6, "opportunity_count": 5, "delivery_count": 2, "reward_count": 2, "reward_cost": 1000.0},
        )
        self.assertEqual(
            totals[trade_in],
            {"lead_count": 1, "opportunity_count": 1, "delivery_count": 1, "reward_count": 1, "reward_cost": 300.0},
        )
        # the figures agree with the campaigns' own
        self.assertEqual(referral.spent, totals[referral]["reward_cost"])
        self.assertEqual(trade_in.reward_count, totals[trade_in]["reward_count"])
        # dated by the showroom day: the rewards and deliveries are today's
        by_date = dict(
            self.env["showroom.campaign.report"]._read_group(
                [("campaign_id", "=", referral.id)], ["date:day"], ["delivery_count:sum"]
            )
        )
        self.assertEqual(by_date[self.TODAY], 2)
        # the pivot and graph views open
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_showroom.showroom_campaign_report_action")
        self.assertEqual(action["view_mode"], "pivot,graph,list")

    def test_report_by_company(self):
        other_company = self.env["res.company"].create({"name": "Other Showroom"})
        other = self._create_campaign(
            name="Elsewhere",
            company_id=other_company.id,
            loyalty_program_id=False,
            campaign_type="other",
            date_end=self.TODAY + timedelta(days=1),
        )
        self.env["crm.lead"].create(
            {"name": "There", "campaign_id": other.utm_campaign_id.id, "company_id": other_company.id}
        )
        self._sell(referrer=self.old_customer)
        self.assertEqual(set(self._totals()), {self.referral_campaign}, "the manager's company only")
        self.assertIn(other, self._totals(user=self.env.user))
