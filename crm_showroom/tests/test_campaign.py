from datetime import timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError
from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import showroom_demo_missing
from .common_campaign import ShowroomCampaignCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_campaign")
@freeze_time("2026-03-10 04:00:00")
class TestCampaignRewards(ShowroomCampaignCase):
    """R6.3: rewards are issued by the delivery, exactly once; returning the
    vehicle cancels an unused reward and flags a used one; the budget holds."""

    def test_referral_reward_issued_once_on_delivery(self):
        vehicle = self._sell(referrer=self.old_customer)
        reward = self._rewards(vehicle_id=vehicle.id)
        self.assertEqual(len(reward), 1)
        self.assertRecordValues(
            reward,
            [
                {
                    "campaign_id": self.referral_campaign.id,
                    "kind": "referral",
                    "partner_id": self.old_customer.id,
                    "buyer_id": self.customer.id,
                    "lead_id": vehicle.opportunity_id.id,
                    "state": "issued",
                    "cost": 500.0,
                    "points": 1.0,
                    "issue_date": self.TODAY,
                }
            ],
        )
        card = reward.loyalty_card_id
        self.assertEqual((card.program_id, card.partner_id, card.points), (self.coupon_program, self.old_customer, 1.0))
        self.assertEqual(self.referral_campaign.spent, 500.0)
        # the opportunity came by referral during the campaign: it carries it
        self.assertEqual(vehicle.opportunity_id.campaign_id, self.referral_campaign.utm_campaign_id)

        # the hook runs again (a re-validation, a retried transaction): nothing more
        Reward = self.env["showroom.campaign.reward"]
        self.assertFalse(Reward._showroom_issue_for_deliveries(vehicle))
        self.assertEqual(self._rewards(vehicle_id=vehicle.id), reward)
        self.assertEqual(self.env["loyalty.card"].search_count([("partner_id", "=", self.old_customer.id)]), 1)
        # and the database refuses a second one at any door
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            Reward.create(
                {
                    "campaign_id": self.referral_campaign.id,
                    "kind": "referral",
                    "partner_id": self.old_customer.id,
                    "vehicle_id": vehicle.id,
                }
            )
            self.env.flush_all()

    def test_no_reward_without_referral_or_campaign(self):
        walk_in = self._sell()
        self.assertFalse(self._rewards(vehicle_id=walk_in.id))
        self.assertFalse(walk_in.opportunity_id.campaign_id)
        self.referral_campaign.action_close()
        referred = self._sell(referrer=self.old_customer, mobile="13900139000")
        self.assertFalse(self._rewards(vehicle_id=referred.id), "a closed campaign pays nothing")
        self.referral_campaign.action_start()
        themselves = self._sell(referrer=self.customer, mobile="13700137000")
        self.assertFalse(self._rewards(vehicle_id=themselves.id), "nobody is rewarded for referring themselves")

    def test_delivery_outside_the_period(self):
        self.referral_campaign.date_end = self.TODAY - timedelta(days=1)
        vehicle = self._sell(referrer=self.old_customer)
        self.assertFalse(self._rewards(vehicle_id=vehicle.id))

    def test_period_in_the_showroom_day(self):
        """The campaign starts on 11 March: a delivery at 16:01 UTC on 10 March is on
        11 March in the showroom (Shanghai) and earns it; at 15:59 UTC it does not."""
        self.referral_campaign.date_start = self.TODAY + timedelta(days=1)
        with freeze_time("2026-03-10 15:59:00"):
            before = self._sell(referrer=self.old_customer)
        with freeze_time("2026-03-10 16:01:00"):
            after = self._sell(referrer=self.old_customer, mobile="13900139000")
        self.assertFalse(self._rewards(vehicle_id=before.id))
        self.assertEqual(self._rewards(vehicle_id=after.id).partner_id, self.old_customer)

    def test_eligibility_domain(self):
        self.referral_campaign.eligibility_domain = "[('is_base_customer', '=', True)]"
        vehicle = self._sell(referrer=self.old_customer)
        self.assertFalse(self._rewards(vehicle_id=vehicle.id), "the referrer is not a base customer")
        # the buyer now is one: their own referral is rewarded
        referred = self._sell(referrer=self.customer, partner=self.old_customer, mobile="13900139000")
        self.assertEqual(self._rewards(vehicle_id=referred.id).partner_id, self.customer)

    def test_reward_cancelled_on_return(self):
        vehicle = self._sell(referrer=self.old_customer)
        reward = self._rewards(vehicle_id=vehicle.id)
        card = reward.loyalty_card_id
        with freeze_time("2026-03-12 03:00:00"):
            self._return(self._delivery_picking(vehicle), vehicle.lot_id)
        self.assertEqual(vehicle.state, "returned")
        self.assertEqual(reward.state, "cancelled")
        self.assertEqual(card.points, 0.0)
        self.assertFalse(card.active)
        self.assertEqual(self.referral_campaign.spent, 0.0, "a cancelled reward costs nothing")
        self.assertFalse(reward.activity_ids)

    def test_vehicle_delivered_again_not_paid_twice(self):
        """A vehicle returned and delivered again (the same VIN) is one vehicle: the
        campaign paid (then cancelled) its reward once and does not pay it again."""
        vehicle = self._sell(referrer=self.old_customer)
        with freeze_time("2026-03-12 03:00:00"):
            self._return(self._delivery_picking(vehicle), vehicle.lot_id)
            order = self._create_order(vehicle.opportunity_id)
            order.action_confirm()
            self.assertEqual(self._deliver_order(order, lots=vehicle.lot_id), vehicle)
        self.assertEqual(vehicle.state, "delivered")
        reward = self._rewards(vehicle_id=vehicle.id)
        self.assertEqual(len(reward), 1)
        self.assertEqual(reward.state, "cancelled")
        self.assertEqual(self.referral_campaign.spent, 0.0)

    def test_used_reward_flagged_on_return(self):
        vehicle = self._sell(referrer=self.old_customer)
        reward = self._rewards(vehicle_id=vehicle.id)
        # the coupon was redeemed at the service counter (the loyalty app's balance update)
        self.env["loyalty.card.update.balance"].create(
            {"card_id": reward.loyalty_card_id.id, "new_balance": 0.0, "description": "Service order"}
        ).action_update_card_point()
        with freeze_time("2026-03-12 03:00:00"):
            self._return(self._delivery_picking(vehicle), vehicle.lot_id)
        self.assertEqual(reward.state, "flagged")
        self.assertEqual(self.referral_campaign.spent, 500.0, "the used reward still cost the campaign")
        self.assertEqual(reward.activity_ids.user_id, self.manager)
        self.assertEqual(reward.activity_ids.date_deadline, self.TODAY + timedelta(days=2))

    def test_repurchase_reward_to_the_buyer(self):
        campaign = self._create_campaign(
            name="Repurchase gift", campaign_type="repurchase", reward_type="gift_product", budget=0.0
        )
        self.assertEqual(campaign.reward_cost, 300.0, "the gift's cost")
        with freeze_time("2026-03-05 04:00:00"):
            first = self._sell()
        self.assertFalse(self._rewards(vehicle_id=first.id), "a first purchase is no repurchase")
        self.assertTrue(self.customer.is_base_customer)
        second = self._sell(mobile="13900139000")
        reward = self._rewards(vehicle_id=second.id)
        self.assertRecordValues(
            reward, [{"campaign_id": campaign.id, "kind": "repurchase", "partner_id": self.customer.id, "cost": 300.0}]
        )
        picking = reward.picking_id
        self.assertEqual(picking.partner_id, self.customer)
        self.assertEqual(picking.state, "assigned", "the gift is reserved in stock")
        self.assertEqual((picking.move_ids.product_id, picking.move_ids.product_uom_qty), (self.dashcam, 1.0))
        self.assertEqual(picking.location_dest_id, self.customer_location)
        # two cars the same day: neither is a repurchase of the other
        order = self._create_order(self._create_lead(mobile="13700137000"), qty=2, partner=self.old_customer)
        order.action_confirm()
        self.assertFalse(self._rewards(vehicle_id=self._deliver_order(order).ids[0]))

    def test_trade_in_gift_cancelled_or_flagged_on_return(self):
        campaign = self._create_campaign(name="Trade-in gift", campaign_type="trade_in", reward_type="gift_product")
        vehicle = self._sell(showroom_trade_in=True)
        reward = self._rewards(vehicle_id=vehicle.id)
        self.assertEqual((reward.campaign_id, reward.kind, reward.partner_id), (campaign, "trade_in", self.customer))
        with freeze_time("2026-03-12 03:00:00"):
            self._return(self._delivery_picking(vehicle), vehicle.lot_id)
        self.assertEqual(reward.state, "cancelled")
        self.assertEqual(reward.picking_id.state, "cancel", "the gift never left: its delivery is cancelled")
        self.assertEqual(self.dashcam.qty_available, 10.0)

        handed = self._sell(showroom_trade_in=True, mobile="13900139000")
        reward = self._rewards(vehicle_id=handed.id)
        self._validate(reward.picking_id)
        self.assertEqual(self.dashcam.qty_available, 9.0, "the gift left the stock: a real stock move")
        with freeze_time("2026-03-12 03:00:00"):
            self._return(self._delivery_picking(handed), handed.lot_id)
        self.assertEqual(reward.state, "flagged")
        self.assertEqual(reward.activity_ids.user_id, self.manager)

    def test_over_budget_not_issued_manager_told(self):
        rewarded = [self._sell(referrer=self.old_customer, mobile=f"1390013900{i}") for i in range(2)]
        self.assertEqual(len(self._rewards(campaign_id=self.referral_campaign.id)), 2)
        self.assertEqual(self.referral_campaign.spent, 1000.0)
        over = [self._sell(referrer=self.old_customer, mobile=f"1370013700{i}") for i in range(2)]
        self.assertFalse(self._rewards(vehicle_id=over[0].id) | self._rewards(vehicle_id=over[1].id))
        self.assertEqual(self.referral_campaign.spent, 1000.0)
        todo = self.referral_campaign.activity_ids
        self.assertEqual(len(todo), 1, "one to-do for the responsible, however many rewards were refused")
        self.assertEqual(todo.user_id, self.manager)
        notes = self.referral_campaign.message_ids.filtered(lambda m: "Budget exhausted" in (m.body or ""))
        self.assertEqual(len(notes), 2)
        self.assertIn(over[1].display_name, notes[0].body)
        # a cancelled reward gives its budget back
        with freeze_time("2026-03-12 03:00:00"):
            self._return(self._delivery_picking(rewarded[0]), rewarded[0].lot_id)
        self.assertEqual(self.referral_campaign.spent, 500.0)
        self.assertTrue(
            self._sell(referrer=self.old_customer, mobile="13600136000")
            in self._rewards(campaign_id=self.referral_campaign.id).vehicle_id
        )
        # the manager raises the budget and issues what was refused, once
        self.referral_campaign.with_user(self.manager).budget = 3000.0
        self.referral_campaign.with_user(self.manager).action_issue_pending_rewards()
        self.assertEqual(self._rewards(vehicle_id=over[0].id).state, "issued")
        self.assertEqual(self._rewards(vehicle_id=over[1].id).state, "issued")
        self.assertEqual(self._rewards(vehicle_id=rewarded[0].id).state, "cancelled", "a return is not paid again")
        self.assertEqual(self.referral_campaign.spent, 2000.0)
        self.referral_campaign.with_user(self.manager).action_issue_pending_rewards()
        self.assertEqual(self.referral_campaign.spent, 2000.0)

    def test_query_count_no_query_per_vehicle(self):
        """Issuing the rewards of a batch of deliveries costs the same number of
        queries for 3 vehicles and for 30 (one card per reward, created at once)."""
        self.referral_campaign.budget = 0.0
        lead = self._create_lead(showroom_channel_id=self.referral.id, showroom_referrer_id=self.old_customer.id)
        order = self._create_order(lead, qty=30)
        order.action_confirm()
        vehicles = self._deliver_order(order)
        Reward = self.env["showroom.campaign.reward"]
        self.assertEqual(len(Reward.search([("vehicle_id", "in", vehicles.ids)])), 30)

        def issue(batch):
            Reward.search([]).unlink()
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self.assertEqual(len(Reward._showroom_issue_for_deliveries(batch)), len(batch))
            self.env.flush_all()
            return self.cr.sql_log_count - before

        issue(vehicles[:2])  # warm-up
        few, many = issue(vehicles[:3]), issue(vehicles)
        self.assertLessEqual(many - few, 2, f"no query per vehicle: {few} for 3, {many} for 30")

    def test_lead_carries_the_campaign(self):
        referred = self._create_lead(showroom_channel_id=self.referral.id, showroom_referrer_id=self.old_customer.id)
        self.assertEqual(referred.campaign_id, self.referral_campaign.utm_campaign_id)
        trade_in = self._create_campaign(name="Trade-in", campaign_type="trade_in", reward_type="gift_product")
        lead = self._create_lead(showroom_trade_in=True, mobile="13900139000")
        self.assertEqual(lead.campaign_id, trade_in.utm_campaign_id)
        both = self._create_lead(
            showroom_trade_in=True,
            showroom_channel_id=self.referral.id,
            showroom_referrer_id=self.old_customer.id,
            mobile="13700137000",
        )
        self.assertEqual(both.campaign_id, self.referral_campaign.utm_campaign_id, "referral comes first")
        walk_in = self._create_lead(mobile="13600136000")
        self.assertFalse(walk_in.campaign_id)
        # a source given later tags the lead too, by the day it was created (the
        # transaction's clock is not frozen: date the lead in the campaign)
        self.env.cr.execute("UPDATE crm_lead SET create_date = %s WHERE id = %s", ["2026-03-09 20:00:00", walk_in.id])
        walk_in.invalidate_recordset(["create_date"])
        walk_in.showroom_trade_in = True
        self.assertEqual(walk_in.campaign_id, trade_in.utm_campaign_id)
        # a campaign chosen by hand is kept
        other = self.env["utm.campaign"].create({"name": "Radio"})
        chosen = self._create_lead(showroom_trade_in=True, campaign_id=other.id, mobile="13500135000")
        self.assertEqual(chosen.campaign_id, other)
        self.assertEqual(self.referral_campaign.lead_count, 2)

    def test_bad_campaigns_refused(self):
        Campaign = self.env["showroom.campaign"]
        with self.assertRaisesRegex(ValidationError, "cannot end before it starts"):
            self._create_campaign(date_end=self.TODAY - timedelta(days=20))
        with self.assertRaisesRegex(ValidationError, "not a valid filter"):
            self._create_campaign(eligibility_domain="[('no_such_field', '=', 1)]")
        with self.assertRaisesRegex(ValidationError, "not a valid filter"):
            self._create_campaign(eligibility_domain="import os")
        with self.assertRaisesRegex(ValidationError, "coupon or gift card program"):
            self._create_campaign(loyalty_program_id=False)
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self._create_campaign(budget=-1.0)
        self.assertFalse(Campaign.search([("name", "=", "Campaign")]), "nothing saved")
        # a campaign of type "other" needs no reward
        self.assertTrue(self._create_campaign(campaign_type="other", loyalty_program_id=False))

    def test_utm_campaign_follows_the_name(self):
        campaign = self.referral_campaign
        self.assertEqual(campaign.utm_campaign_id.title, "Spring referral")
        campaign.name = "Spring referral 2026"
        self.assertEqual(campaign.utm_campaign_id.title, "Spring referral 2026")

    def test_partner_referral_graph(self):
        self._sell(referrer=self.old_customer)
        self._create_lead(
            showroom_channel_id=self.referral.id, showroom_referrer_id=self.old_customer.id, mobile="13900139000"
        )
        partner = self.old_customer
        self.assertEqual(partner.showroom_referral_count, 2)
        self.assertEqual(partner.showroom_referral_won_count, 1, "the delivered one won its opportunity")
        self.assertEqual(partner.showroom_campaign_reward_count, 1)
        self.assertEqual(partner.showroom_campaign_reward_ids.buyer_id, self.customer)
        action = partner.action_showroom_view_referrals()
        self.assertEqual(self.env["crm.lead"].search(action["domain"]), partner.showroom_referral_ids)


@tagged("post_install", "-at_install", "crm_showroom", "showroom_campaign")
@freeze_time("2026-03-10 04:00:00")
class TestCampaignSecurity(ShowroomCampaignCase):
    """Managers run campaigns; consultants read them and set the referrer, and
    see the rewards of their own vehicles; telemarketing reads campaigns and
    rewards, not the opportunities; every campaign stays in its company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.telemarketing = mail_new_test_user(
            cls.env,
            login="sr_telemarketing",
            name="Qian Telemarketing",
            tz="Asia/Shanghai",
            groups="crm_showroom.group_showroom_telemarketing",
        )

    def test_manager_runs_campaigns(self):
        campaign = (
            self.env["showroom.campaign"]
            .with_user(self.manager)
            .create(
                {
                    "name": "Manager's campaign",
                    "date_start": self.TODAY,
                    "date_end": self.TODAY + timedelta(days=5),
                    "loyalty_program_id": self.coupon_program.id,
                    "reward_cost": 200.0,
                }
            )
        )
        campaign.action_start()
        self.assertEqual(campaign.state, "running")
        self.assertEqual(campaign.user_id, self.manager)

    def test_consultant_reads_campaigns_and_sets_the_referrer(self):
        Campaign = self.env["showroom.campaign"].with_user(self.consultant)
        self.assertIn(self.referral_campaign, Campaign.search([]))
        with self.assertRaises(AccessError):
            Campaign.create({"name": "Mine", "date_start": self.TODAY, "date_end": self.TODAY})
        with self.assertRaises(AccessError):
            self.referral_campaign.with_user(self.consultant).budget = 1e6
        lead = self._create_lead(user=self.consultant)
        lead.with_user(self.consultant).write(
            {"showroom_channel_id": self.referral.id, "showroom_referrer_id": self.old_customer.id}
        )
        self.assertEqual(lead.showroom_referrer_id, self.old_customer)

    def test_consultant_sees_the_rewards_of_their_vehicles_only(self):
        mine = self._sell(referrer=self.old_customer)
        theirs = self._sell(referrer=self.old_customer, mobile="13900139000", user_id=self.consultant_2.id)
        Reward = self.env["showroom.campaign.reward"]
        self.assertEqual(Reward.with_user(self.consultant).search([]).vehicle_id, mine)
        self.assertEqual(Reward.with_user(self.consultant_2).search([]).vehicle_id, theirs)
        self.assertEqual(len(Reward.with_user(self.manager).search([])), 2)
        reward = self._rewards(vehicle_id=theirs.id)
        with self.assertRaises(AccessError):
            reward.with_user(self.consultant).read(["cost"])
        with self.assertRaises(AccessError):
            self._rewards(vehicle_id=mine.id).with_user(self.consultant).write({"cost": 0.0})

    def test_telemarketing_reads_campaigns_and_rewards(self):
        self._sell(referrer=self.old_customer)
        user = self.telemarketing
        self.assertEqual(self.env["showroom.campaign"].with_user(user).search([]), self.referral_campaign)
        rewards = self.env["showroom.campaign.reward"].with_user(user).search([])
        self.assertEqual(len(rewards), 1)
        rewards.read(["partner_id", "vehicle_id", "loyalty_card_id", "state"])
        with self.assertRaises(AccessError):  # what a reward costs: managers and finance only
            rewards.read(["cost"])
        self.assertEqual(self.old_customer.with_user(user).showroom_campaign_reward_count, 1)
        with self.assertRaises(AccessError):
            rewards.write({"state": "cancelled"})
        with self.assertRaises(AccessError):
            self.referral_campaign.with_user(user).write({"budget": 0.0})
        with self.assertRaises(AccessError):
            self.env["crm.lead"].with_user(user).search([])
        with self.assertRaises(AccessError):
            self.env["showroom.campaign.report"].with_user(user).search([])

    def test_forms_open_for_every_group(self):
        """The partner form (referral graph), the campaign and reward forms and the
        report open for each group that reads them, with the fields it may read."""
        finance = mail_new_test_user(
            self.env, login="sr_finance", name="Sun Finance", groups="crm_showroom.group_showroom_finance"
        )
        for user in (self.manager, self.consultant, self.telemarketing, finance):
            arch = self.env["res.partner"].with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]
            self.assertEqual(
                "showroom_campaign_reward_ids" in arch, user != finance, f"rewards on the partner for {user.name}"
            )
            self.assertEqual("showroom_referral_ids" in arch, user != finance and user != self.telemarketing)
        for user in (self.manager, self.consultant, self.telemarketing):
            for model in ("showroom.campaign", "showroom.campaign.reward"):
                views = self.env[model].with_user(user).get_views([(False, "form"), (False, "list")])
                self.assertTrue(views["views"]["form"]["arch"])
            reward_form = self.env["showroom.campaign.reward"].with_user(user).get_views([(False, "form")])
            self.assertEqual("lead_id" in reward_form["views"]["form"]["arch"], user != self.telemarketing)
        self.env["showroom.campaign.report"].with_user(self.manager).get_views([(False, "pivot"), (False, "graph")])

    def test_campaigns_stay_in_their_company(self):
        other_company = self.env["res.company"].create({"name": "Other Showroom"})
        other = (
            self.env["showroom.campaign"]
            .with_company(other_company)
            .create({"name": "Elsewhere", "date_start": self.TODAY, "date_end": self.TODAY, "campaign_type": "other"})
        )
        self.assertEqual(other.company_id, other_company)
        for user in (self.consultant, self.manager, self.telemarketing):
            self.assertNotIn(other, self.env["showroom.campaign"].with_user(user).search([]), user.name)
        self.manager.company_ids |= other_company
        Campaign = self.env["showroom.campaign"].with_user(self.manager)
        self.assertNotIn(other, Campaign.with_context(allowed_company_ids=self.company.ids).search([]))
        self.assertIn(other, Campaign.with_context(allowed_company_ids=(self.company | other_company).ids).search([]))
        # a delivery in the fixture's company is never paid by the other company's campaign
        other.write(
            {
                "campaign_type": "referral",
                "loyalty_program_id": False,
                "reward_type": "gift_product",
                "gift_product_id": self.dashcam.id,
                "state": "running",
                "date_end": self.TODAY + timedelta(1),
            }
        )
        self.referral_campaign.action_close()
        self.assertFalse(self._rewards(vehicle_id=self._sell(referrer=self.old_customer).id))


@tagged("post_install", "-at_install", "crm_showroom", "showroom_campaign")
class TestCampaignConcurrency(ShowroomCampaignCase):
    """Two deliveries paying from one budget at the same time are serialized:
    the campaign's row is locked while a reward is priced against the budget, so
    the second waits (Odoo retries it on the lock timeout) and, its snapshot
    being older than the first one's spending, is retried again rather than
    spending the same budget twice (two real cursors, committed data)."""

    def test_budget_lock_serializes_issuers(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            campaign_id = (
                env["showroom.campaign"]
                .create(
                    {"name": "Concurrent", "campaign_type": "other", "date_start": self.TODAY, "date_end": self.TODAY}
                )
                .id
            )
        try:
            with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
                campaign_a = api.Environment(cr_a, SUPERUSER_ID, {})["showroom.campaign"].browse(campaign_id)
                campaign_b = api.Environment(cr_b, SUPERUSER_ID, {})["showroom.campaign"].browse(campaign_id)
                campaign_b.read(["spent"])  # B's snapshot starts before A spends
                campaign_a._showroom_lock()
                cr_b.execute("SET LOCAL lock_timeout = '200ms'")
                with self.assertRaises(LockNotAvailable), mute_logger("odoo.sql_db"):
                    with cr_b.savepoint(flush=False):
                        campaign_b._showroom_lock()
                campaign_a.budget = 1000.0  # A's reward changes the campaign's row
                campaign_a.env.flush_all()
                cr_a.commit()
                with self.assertRaises(SerializationFailure), mute_logger("odoo.sql_db"):
                    with cr_b.savepoint(flush=False):
                        campaign_b._showroom_lock()
                cr_b.rollback()
        finally:
            with self.registry.cursor() as cr:
                campaign = api.Environment(cr, SUPERUSER_ID, {})["showroom.campaign"].browse(campaign_id)
                utm = campaign.utm_campaign_id
                campaign.unlink()
                utm.unlink()


@tagged("post_install", "-at_install", "crm_showroom", "showroom_demo")
class TestCampaignDemo(TransactionCase):
    """The demo's campaigns: a running referral campaign paying a coupon, a
    running trade-in campaign giving a dash cam from stock, and a referral
    already rewarded by the real delivery flow. Without the demo data: see ``showroom_demo_missing``."""

    def setUp(self):
        super().setUp()
        if not self.env.ref("crm_showroom.campaign_demo_referral", raise_if_not_found=False):
            showroom_demo_missing(self)

    def test_demo_campaigns(self):
        referral = self.env.ref("crm_showroom.campaign_demo_referral")
        trade_in = self.env.ref("crm_showroom.campaign_demo_trade_in")
        company = self.env.ref("crm_showroom.company_showroom")
        self.assertEqual((referral.state, trade_in.state), ("running", "running"))
        self.assertEqual((referral.company_id, trade_in.company_id), (company, company))
        self.assertEqual(referral.loyalty_program_id.program_type, "coupons")
        self.assertEqual(trade_in.reward_cost, 300.0, "the dash cam's cost in the showroom company")
        self.assertEqual(trade_in.picking_type_id.company_id, company)
        reward = referral.reward_ids
        self.assertEqual(len(reward), 1)
        self.assertEqual(reward.partner_id, self.env.ref("crm_showroom.partner_buyer_ma"))
        self.assertEqual(reward.buyer_id, self.env.ref("crm_showroom.campaign_demo_partner_xu"))
        self.assertEqual((reward.state, reward.loyalty_card_id.points), ("issued", 1.0))
        self.assertEqual(referral.spent, 500.0)
        lead = self.env.ref("crm_showroom.lead_xu_won")
        self.assertEqual(lead.campaign_id, referral.utm_campaign_id)
        # the demo manager finds them, the telemarketing user reads the reward
        manager = self.env["res.users"].search([("login", "=", "manager")])
        self.assertIn(referral, self.env["showroom.campaign"].with_user(manager).search([]))
        telemarketing = self.env["res.users"].search([("login", "=", "telemarketing")])
        self.assertEqual(self.env["showroom.campaign.reward"].with_user(telemarketing).search([]), reward)
