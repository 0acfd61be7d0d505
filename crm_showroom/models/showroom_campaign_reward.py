from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.tools import float_compare

from .showroom_campaign import CAMPAIGN_MONEY_GROUPS, REWARD_KINDS


class ShowroomCampaignReward(models.Model):
    """R6.3: a reward a campaign paid for one delivered vehicle.

    Issued by the delivery itself (``showroom.vehicle._showroom_register_deliveries``
    calls ``_showroom_issue_for_deliveries``), never by hand, and exactly once per
    campaign, vehicle and kind (a unique constraint in the database):

    - referral: the vehicle's opportunity came through a channel that records a
      referring customer (R2.5, ``crm.lead.showroom_referrer_id``) other than the
      buyer: the referring customer is rewarded;
    - repurchase: the buyer (the vehicle's owner) already owned another vehicle
      delivered by the showroom on an earlier day, still theirs: the buyer is
      rewarded;
    - trade-in: the opportunity has the trade-in flag: the buyer is rewarded.

    The campaign is a running campaign of that type, of the vehicle's company,
    whose period holds the delivery day and whose eligibility domain holds the
    rewarded customer; the lead's own campaign (UTM) first, else the one that
    started last. A reward that would take the campaign over its budget is not
    issued; the campaign's responsible is told.

    The reward is a ``loyalty.card`` of the campaign's program on the customer's
    name, with the campaign's points, or a delivery (``stock.picking``) of the
    gift product to the customer. When the vehicle is returned, an unused reward
    is cancelled (the card emptied and archived, the gift delivery cancelled); a
    used one (card points spent, gift handed over) is flagged and the campaign's
    responsible gets a to-do to settle it with the customer."""

    _name = "showroom.campaign.reward"
    _description = "Campaign Reward"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "issue_date desc, id desc"
    _check_company_auto = True

    campaign_id = fields.Many2one("showroom.campaign", required=True, readonly=True, index=True, ondelete="restrict")
    company_id = fields.Many2one(related="campaign_id.company_id", store=True, index=True)
    kind = fields.Selection(REWARD_KINDS, required=True, readonly=True)
    partner_id = fields.Many2one("res.partner", string="Rewarded customer", required=True, readonly=True, index=True)
    vehicle_id = fields.Many2one("showroom.vehicle", required=True, readonly=True, index=True, ondelete="restrict")
    buyer_id = fields.Many2one(
        "res.partner",
        readonly=True,
        index="btree_not_null",
        help="Who took delivery of the vehicle (for a referral, the customer referred).",
    )
    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        readonly=True,
        index="btree_not_null",
        groups="sales_team.group_sale_salesman",
    )
    issue_date = fields.Date(string="Issued on", readonly=True, help="The delivery day of the vehicle.")
    loyalty_card_id = fields.Many2one("loyalty.card", string="Coupon / gift card", readonly=True)
    picking_id = fields.Many2one(
        "stock.picking",
        string="Gift delivery",
        readonly=True,
        groups="sales_team.group_sale_salesman,stock.group_stock_user",
    )
    points = fields.Float(string="Points issued", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    cost = fields.Monetary(
        readonly=True, groups=CAMPAIGN_MONEY_GROUPS, help="The campaign's cost per reward when it was issued."
    )
    state = fields.Selection(
        [("issued", "Issued"), ("flagged", "Used, vehicle returned"), ("cancelled", "Cancelled")],
        string="Status",
        required=True,
        default="issued",
        readonly=True,
        tracking=True,
        help="Flagged: the vehicle came back but the customer had already used the reward; a manager settles it.",
    )

    _sql_constraints = [
        (
            "campaign_vehicle_kind_uniq",
            "unique(campaign_id, vehicle_id, kind)",
            "A campaign rewards a vehicle's delivery once.",
        ),
    ]

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("campaign_id.name", "partner_id.name")
    def _compute_display_name(self):
        for reward in self:
            reward.display_name = f"{reward.campaign_id.name} - {reward.partner_id.name}"

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _showroom_issue_for_deliveries(self, vehicles, campaigns=None):
        """R6.3: issue the rewards the delivery of ``vehicles`` earns (see the class
        docstring). Batched: one search of campaigns, of earlier vehicles and of
        existing rewards, one eligibility search per campaign, one create. Safe to
        run again: what was issued (or cancelled) for a vehicle is not issued again.
        ``campaigns``: only these campaigns pay (default: all). Returns the rewards
        issued."""
        vehicles = vehicles.filtered(lambda v: v.state == "delivered" and v.partner_id and v.delivery_date)
        if not vehicles:
            return self.browse()
        dates = vehicles.mapped("delivery_date")
        domain = [("id", "in", campaigns.ids)] if campaigns is not None else []
        campaigns = self.env["showroom.campaign"].search(
            [
                *domain,
                ("state", "=", "running"),
                ("campaign_type", "in", [kind for kind, _label in REWARD_KINDS]),
                ("company_id", "in", vehicles.company_id.ids),
                ("date_start", "<=", max(dates)),
                ("date_end", ">=", min(dates)),
            ],
            order="date_start desc, id desc",
        )
        candidates = self._showroom_candidates(vehicles) if campaigns else []
        if not candidates:
            return self.browse()
        done = {(reward.vehicle_id.id, reward.kind) for reward in self.search([("vehicle_id", "in", vehicles.ids)])}
        eligible = campaigns._showroom_eligible_partners(
            self.env["res.partner"].concat(*(partner for _vehicle, _kind, partner in candidates))
        )
        chosen = defaultdict(list)
        for vehicle, kind, partner in candidates:
            if (vehicle.id, kind) in done:
                continue
            running = campaigns._showroom_running_on(vehicle.company_id, vehicle.delivery_date).filtered(
                lambda c, kind=kind, partner=partner: c.campaign_type == kind and partner in eligible[c]
            )
            lead_campaign = vehicle.opportunity_id.campaign_id
            campaign = running.filtered(lambda c, utm=lead_campaign: c.utm_campaign_id == utm)[:1] or running[:1]
            if campaign:
                chosen[campaign].append((vehicle, kind, partner))
        if not chosen:
            return self.browse()
        self.env["showroom.campaign"].concat(*chosen)._showroom_lock()
        vals_list, refused = [], defaultdict(list)
        for campaign, items in chosen.items():
            spent = campaign.spent
            for vehicle, kind, partner in items:
                if not campaign._showroom_within_budget(campaign.reward_cost, spent):
                    refused[campaign].append((partner, vehicle))
                    continue
                spent += campaign.reward_cost
                vals_list.append(
                    {
                        "campaign_id": campaign.id,
                        "kind": kind,
                        "partner_id": partner.id,
                        "vehicle_id": vehicle.id,
                        "buyer_id": vehicle.partner_id.id,
                        "lead_id": vehicle.opportunity_id.id,
                        "issue_date": vehicle.delivery_date,
                        "points": campaign.reward_points if campaign.reward_type == "loyalty" else 0.0,
                        "cost": campaign.reward_cost,
                    }
                )
        rewards = self.with_context(mail_create_nosubscribe=True).create(self._showroom_hand_out(vals_list))
        if rewards.picking_id:
            rewards.picking_id.action_confirm()
            rewards.picking_id.action_assign()
        for campaign, items in refused.items():
            campaign._showroom_notify_over_budget(items)
        return rewards

    @api.model
    def _showroom_candidates(self, vehicles):
        """[(vehicle, kind, customer to reward)] the delivery of ``vehicles`` may
        earn, before campaigns are matched."""
        earlier = defaultdict(list)
        for other in self.env["showroom.vehicle"].search(
            [("partner_id", "in", vehicles.partner_id.ids), ("state", "=", "delivered")]
        ):
            earlier[other.partner_id.id].append(other)
        candidates = []
        for vehicle in vehicles:
            lead = vehicle.opportunity_id
            referrer = lead.showroom_referrer_id
            # nobody is rewarded for referring themselves
            if (
                lead.showroom_channel_id.companion == "referrer"
                and referrer
                and (referrer.commercial_partner_id != vehicle.partner_id)
            ):
                candidates.append((vehicle, "referral", referrer))
            if any(
                other != vehicle and other.delivery_date and other.delivery_date < vehicle.delivery_date
                for other in earlier[vehicle.partner_id.id]
            ):
                candidates.append((vehicle, "repurchase", vehicle.partner_id))
            if lead.showroom_trade_in:
                candidates.append((vehicle, "trade_in", vehicle.partner_id))
        return candidates

    @api.model
    def _showroom_hand_out(self, vals_list):
        """Put the rewards of ``vals_list`` in the customers' hands: a loyalty card
        of the campaign's program with the points, or a gift delivery of the
        campaign's product (confirmed and reserved by the caller). Returns the
        values completed with the card or the delivery; one create of each."""
        campaigns = self.env["showroom.campaign"].browse({vals["campaign_id"] for vals in vals_list})
        loyalty = {campaign.id for campaign in campaigns if campaign.reward_type == "loyalty"}
        cards = [vals for vals in vals_list if vals["campaign_id"] in loyalty]
        gifts = [vals for vals in vals_list if vals["campaign_id"] not in loyalty]
        new_cards = self.env["loyalty.card"].create(
            [
                {
                    "program_id": campaigns.browse(vals["campaign_id"]).loyalty_program_id.id,
                    "partner_id": vals["partner_id"],
                    "points": vals["points"],
                }
                for vals in cards
            ]
        )
        for vals, card in zip(cards, new_cards, strict=True):
            vals["loyalty_card_id"] = card.id
        customers = self.env.ref("stock.stock_location_customers")
        pickings = self.env["stock.picking"].create(
            [
                self._showroom_gift_picking_values(campaigns.browse(vals["campaign_id"]), vals["partner_id"], customers)
                for vals in gifts
            ]
        )
        for vals, picking in zip(gifts, pickings, strict=True):
            vals["picking_id"] = picking.id
        return vals_list

    @api.model
    def _showroom_gift_picking_values(self, campaign, partner_id, customers):
        picking_type = campaign.picking_type_id
        product = campaign.gift_product_id
        source = picking_type.default_location_src_id
        destination = picking_type.default_location_dest_id or customers
        return {
            "picking_type_id": picking_type.id,
            "partner_id": partner_id,
            "company_id": campaign.company_id.id,
            "origin": campaign.name,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "move_ids": [
                Command.create(
                    {
                        "name": product.display_name,
                        "product_id": product.id,
                        "product_uom": product.uom_id.id,
                        "product_uom_qty": campaign.gift_quantity,
                        "location_id": source.id,
                        "location_dest_id": destination.id,
                        "company_id": campaign.company_id.id,
                    }
                )
            ],
        }

    def _showroom_is_used(self):
        """Whether the customer already used the reward: points spent from the card,
        or the gift handed over."""
        self.ensure_one()
        if self.loyalty_card_id:
            card = self.loyalty_card_id.with_context(active_test=False)
            return float_compare(card.points, self.points, precision_digits=2) < 0
        return self.picking_id.state == "done"

    @api.model
    def _showroom_cancel_for_returns(self, vehicles):
        """The ``vehicles`` came back: their issued rewards are cancelled when
        unused (card emptied and archived, gift delivery cancelled), flagged with a
        to-do for the campaign's responsible when used."""
        rewards = self.search([("vehicle_id", "in", vehicles.ids), ("state", "=", "issued")])
        used = rewards.filtered(lambda r: r._showroom_is_used())
        unused = rewards - used
        if unused:
            cards = unused.loyalty_card_id
            cards.with_context(loyalty_no_mail=True).write({"points": 0.0, "active": False})
            unused.picking_id.filtered(lambda p: p.state not in ("done", "cancel")).action_cancel()
            unused.write({"state": "cancelled"})
            unused._message_log_batch(
                dict.fromkeys(unused.ids, _("The vehicle was returned: the reward is cancelled."))
            )
        if used:
            used.write({"state": "flagged"})
            todo = self.env.ref("mail.mail_activity_data_todo")
            for reward in used:
                reward.activity_schedule(
                    activity_type_id=todo.id,
                    summary=_("Returned vehicle: reward already used"),
                    note=_(
                        "%(customer)s already used this reward, but the vehicle %(vehicle)s was returned. "
                        "Settle it with the customer.",
                        customer=reward.partner_id.display_name,
                        vehicle=reward.vehicle_id.display_name,
                    ),
                    user_id=reward.campaign_id.user_id.id,
                    date_deadline=reward.company_id._showroom_today(reward.campaign_id.user_id),
                )
        return rewards
