from datetime import timedelta

from odoo.tests import HttpCase, tagged

from .common_campaign import ShowroomCampaignCase
from .test_ui_tours import TestShowroomTours


@tagged("post_install", "-at_install", "crm_showroom", "showroom_tours")
class TestShowroomCampaignTour(HttpCase, ShowroomCampaignCase):
    """R6.3 in the browser: a showroom manager creates and starts a referral
    campaign with a coupon of the loyalty app; then a referral delivered during
    it earns the referring customer the coupon."""

    _today = TestShowroomTours._today
    _user_date = TestShowroomTours._user_date
    _start_tour = TestShowroomTours._start_tour

    def test_manager_creates_a_referral_campaign(self):
        self.referral_campaign.action_close()  # the fixture's campaign is over
        today = self._today(self.manager)
        self._start_tour(
            "/odoo/action-crm_showroom.showroom_campaign_action",
            "crm_showroom_campaign",
            self.manager,
            date_end=self._user_date(self.manager, today + timedelta(days=30)),
        )
        campaign = self.env["showroom.campaign"].search([("name", "=", "Spring referral gift")])
        self.assertRecordValues(
            campaign,
            [
                {
                    "campaign_type": "referral",
                    "state": "running",
                    "date_start": today,
                    "date_end": today + timedelta(days=30),
                    "reward_type": "loyalty",
                    "loyalty_program_id": self.coupon_program.id,
                    "reward_cost": 500.0,
                    "budget": 5000.0,
                    "user_id": self.manager.id,
                    "company_id": self.company.id,
                }
            ],
        )
        self.assertEqual(campaign.utm_campaign_id.title, "Spring referral gift")
        # the campaign works: a referral delivered today earns the referrer a coupon
        vehicle = self._sell(referrer=self.old_customer)
        self.assertEqual(vehicle.opportunity_id.campaign_id, campaign.utm_campaign_id)
        reward = self._rewards(vehicle_id=vehicle.id)
        self.assertEqual((reward.campaign_id, reward.partner_id), (campaign, self.old_customer))
        self.assertEqual(reward.loyalty_card_id.points, 1.0)
        self.assertEqual(campaign.spent, 500.0)
