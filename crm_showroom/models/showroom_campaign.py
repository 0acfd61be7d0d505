from ast import literal_eval

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import float_compare

# Campaign types that reward a delivery automatically (R6.3); "other" campaigns
# only carry their leads (UTM) into the report.
REWARD_KINDS = [("referral", "Referral"), ("repurchase", "Repurchase"), ("trade_in", "Trade-in")]
# What campaigns and rewards cost is read by showroom managers and finance only, at
# every door (views, RPC, domains, exports): consultants and telemarketing read the
# campaigns, not their money.
CAMPAIGN_MONEY_GROUPS = "crm_showroom.group_showroom_manager,crm_showroom.group_showroom_finance"


class ShowroomCampaign(models.Model):
    """R6.3: a regular campaign of the showroom — referral gifts, repurchase
    gifts, used-car trade-in gifts — with its period (in the company's showroom
    day), the customers it is open to (a domain on contacts, like
    ``event.lead.rule``), its reward and its budget.

    Leads: a showroom opportunity created during a running campaign carries the
    campaign's UTM campaign (``crm.lead.campaign_id``) when its source matches
    the campaign's type (see ``_showroom_match_leads``); the report counts them.

    Rewards (``showroom.campaign.reward``) are issued by the delivery of a
    vehicle, never by hand: a coupon or gift card of Odoo's ``loyalty`` app put
    on the customer's name, or a gift product delivered from stock. ``spent`` is
    the cost of the rewards issued and not cancelled; a reward that would take
    it over ``budget`` is not issued and the responsible is told."""

    _name = "showroom.campaign"
    _description = "Showroom Campaign"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    campaign_type = fields.Selection(
        [*REWARD_KINDS, ("other", "Other")],
        string="Type",
        required=True,
        default="referral",
        tracking=True,
        help="Referral: the referring customer is rewarded when the prospect they referred takes delivery. "
        "Repurchase: a base customer who takes delivery of another car. Trade-in: a buyer who trades in a car. "
        "Other: no automatic reward, the campaign only tags its leads.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("done", "Closed"), ("cancel", "Cancelled")],
        string="Status",
        required=True,
        default="draft",
        tracking=True,
        copy=False,
    )
    date_start = fields.Date(
        string="Start",
        required=True,
        tracking=True,
        default=lambda self: self.env.company._showroom_today(self.env.user),
    )
    date_end = fields.Date(string="End", required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        required=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        tracking=True,
        help="The manager told when the budget runs out or when a used reward's vehicle comes back.",
    )
    utm_campaign_id = fields.Many2one(
        "utm.campaign",
        string="UTM campaign",
        required=True,
        readonly=True,
        copy=False,
        ondelete="restrict",
        index=True,
        help="The marketing campaign the campaign's leads carry (Campaign on the opportunity).",
    )
    eligibility_domain = fields.Char(
        string="Eligible customers",
        default="[]",
        help="The customers the campaign rewards: the referring customer of a referral, the buyer of a "
        "repurchase or trade-in.",
    )
    reward_type = fields.Selection(
        [("loyalty", "Coupon or gift card"), ("gift_product", "Gift from stock")],
        string="Reward",
        required=True,
        default="loyalty",
    )
    loyalty_program_id = fields.Many2one(
        "loyalty.program",
        string="Coupon / gift card program",
        check_company=True,
        domain="[('program_type', 'in', ('coupons', 'gift_card'))]",
        help="Each reward is a card of this program on the customer's name.",
    )
    reward_points = fields.Float(
        string="Points per reward",
        default=1.0,
        help="The points put on each card: 1 for a coupon, the amount for a gift card.",
    )
    gift_product_id = fields.Many2one(
        "product.product",
        string="Gift product",
        check_company=True,
        domain="[('is_storable', '=', True)]",
        help="Each reward is a delivery of this product to the customer, from stock.",
    )
    gift_quantity = fields.Float(string="Gift quantity", default=1.0, digits="Product Unit of Measure")
    picking_type_id = fields.Many2one(
        "stock.picking.type",
        string="Gift delivery type",
        check_company=True,
        domain="[('code', '=', 'outgoing')]",
        compute="_compute_picking_type_id",
        store=True,
        readonly=False,
        help="The operation type of the gift deliveries (the warehouse they leave from).",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    reward_cost = fields.Monetary(
        string="Cost per reward",
        compute="_compute_reward_cost",
        store=True,
        readonly=False,
        tracking=True,
        groups=CAMPAIGN_MONEY_GROUPS,
        help="What one reward costs the showroom; counts against the budget. Computed for a gift product "
        "(its cost) and a gift card (its value); set it for a coupon.",
    )
    budget = fields.Monetary(
        tracking=True,
        groups=CAMPAIGN_MONEY_GROUPS,
        help="The most the campaign's rewards may cost. 0: no limit.",
    )
    spent = fields.Monetary(
        compute="_compute_spent",
        store=True,
        groups=CAMPAIGN_MONEY_GROUPS,
        help="The cost of the rewards issued, cancelled ones left out.",
    )
    budget_remaining = fields.Monetary(
        string="Remaining", compute="_compute_budget_remaining", groups=CAMPAIGN_MONEY_GROUPS
    )
    reward_ids = fields.One2many("showroom.campaign.reward", "campaign_id", string="Rewards")
    reward_count = fields.Integer(string="Rewards issued", compute="_compute_reward_count")
    lead_count = fields.Integer(string="Leads", compute="_compute_lead_count")
    active = fields.Boolean(default=True)

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("company_id")
    def _compute_picking_type_id(self):
        """The delivery type of the company's first warehouse, unless one of the
        company is chosen."""
        for campaign in self:
            if campaign.picking_type_id.company_id != campaign.company_id:
                campaign.picking_type_id = (
                    self.env["stock.warehouse"]
                    .search([("company_id", "=", campaign.company_id.id)], limit=1)
                    .out_type_id
                )

    @api.depends(
        "reward_type",
        "gift_product_id.standard_price",
        "gift_quantity",
        "loyalty_program_id.program_type",
        "loyalty_program_id.currency_id",
        "reward_points",
    )
    def _compute_reward_cost(self):
        for campaign in self:
            company = campaign.company_id or self.env.company
            if campaign.reward_type == "gift_product" and campaign.gift_product_id:
                product = campaign.gift_product_id.with_company(company)
                campaign.reward_cost = product.standard_price * campaign.gift_quantity
            elif campaign.reward_type == "loyalty" and campaign.loyalty_program_id.program_type == "gift_card":
                program_currency = campaign.loyalty_program_id.currency_id or company.currency_id
                campaign.reward_cost = program_currency._convert(
                    campaign.reward_points, company.currency_id, company, company._showroom_today()
                )
            else:
                campaign.reward_cost = campaign.reward_cost

    @api.depends("reward_ids.cost", "reward_ids.state")
    def _compute_spent(self):
        # sudo: the stored total counts every reward, whoever triggers the recompute
        spent = (
            dict(
                self.env["showroom.campaign.reward"]
                .sudo()
                ._read_group(
                    [("campaign_id", "in", self.ids), ("state", "!=", "cancelled")], ["campaign_id"], ["cost:sum"]
                )
            )
            if self.ids
            else {}
        )
        for campaign in self:
            campaign.spent = spent.get(campaign._origin.sudo(), 0.0)

    @api.depends("budget", "spent")
    def _compute_budget_remaining(self):
        for campaign in self:
            campaign.budget_remaining = campaign.budget - campaign.spent if campaign.budget else 0.0

    def _compute_reward_count(self):
        counts = dict(
            self.env["showroom.campaign.reward"]._read_group(
                [("campaign_id", "in", self.ids), ("state", "!=", "cancelled")], ["campaign_id"], ["__count"]
            )
        )
        for campaign in self:
            campaign.reward_count = counts.get(campaign, 0)

    def _compute_lead_count(self):
        counts = (
            dict(
                self.env["crm.lead"]
                .with_context(active_test=False)
                ._read_group([("campaign_id", "in", self.utm_campaign_id.ids)], ["campaign_id"], ["__count"])
            )
            if self.env["crm.lead"].has_access("read")
            else {}
        )
        for campaign in self:
            campaign.lead_count = counts.get(campaign.utm_campaign_id, 0)

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for campaign in self:
            if campaign.date_end < campaign.date_start:
                raise ValidationError(_("The campaign “%s” cannot end before it starts.", campaign.name))

    @api.constrains("budget", "reward_cost", "reward_points", "gift_quantity")
    def _check_amounts(self):
        for campaign in self:
            if campaign.budget < 0 or campaign.reward_cost < 0:
                raise ValidationError(_("The budget and the cost per reward cannot be negative."))
            if campaign.reward_points <= 0 or campaign.gift_quantity <= 0:
                raise ValidationError(_("The points per reward and the gift quantity must be positive."))

    @api.constrains("eligibility_domain")
    def _check_eligibility_domain(self):
        for campaign in self:
            campaign._showroom_eligibility_domain()

    @api.constrains("state", "campaign_type", "reward_type", "loyalty_program_id", "gift_product_id", "picking_type_id")
    def _check_reward(self):
        """A running campaign that rewards deliveries knows what to hand out."""
        for campaign in self.filtered(lambda c: c.state == "running" and c.campaign_type != "other"):
            if campaign.reward_type == "loyalty" and not campaign.loyalty_program_id:
                raise ValidationError(_("Choose the coupon or gift card program of the campaign “%s”.", campaign.name))
            if campaign.reward_type == "gift_product" and not (campaign.gift_product_id and campaign.picking_type_id):
                raise ValidationError(
                    _("Choose the gift product and its delivery type of the campaign “%s”.", campaign.name)
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        """Each campaign gets its own UTM campaign, which its leads carry."""
        missing = [vals for vals in vals_list if not vals.get("utm_campaign_id")]
        if missing:
            # sudo: the UTM campaign belongs to the showroom campaign the user creates
            utm_campaigns = (
                self.env["utm.campaign"]
                .sudo()
                .create(
                    [
                        {"title": vals.get("name") or _("Campaign"), "user_id": vals.get("user_id") or self.env.uid}
                        for vals in missing
                    ]
                )
            )
            for vals, utm_campaign in zip(missing, utm_campaigns, strict=True):
                vals["utm_campaign_id"] = utm_campaign.id
        return super().create(vals_list)

    def write(self, vals):
        result = super().write(vals)
        if "name" in vals:
            # sudo: see create
            self.utm_campaign_id.sudo().title = vals["name"]
        return result

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_start(self):
        if any(campaign.state not in ("draft", "done") for campaign in self):
            raise UserError(_("Only a draft or closed campaign can be started."))
        self.write({"state": "running"})

    def action_close(self):
        self.write({"state": "done"})

    def action_cancel(self):
        self.write({"state": "cancel"})

    def action_draft(self):
        self.write({"state": "draft"})

    def action_issue_pending_rewards(self):
        """After the budget was raised (or the period or eligibility changed): issue
        the rewards the running campaign owes for vehicles delivered in its period
        and not rewarded yet, by the same rule and exactly-once guarantee as on
        delivery day."""
        self.ensure_one()
        if self.state != "running":
            raise UserError(_("Only a running campaign issues rewards."))
        vehicles = self.env["showroom.vehicle"].search(
            [
                ("state", "=", "delivered"),
                ("company_id", "=", self.company_id.id),
                ("delivery_date", ">=", self.date_start),
                ("delivery_date", "<=", self.date_end),
            ]
        )
        # sudo: like on delivery day, the reward creates loyalty cards and gift
        # deliveries the manager may not create by hand; only this campaign pays
        rewards = self.env["showroom.campaign.reward"].sudo()._showroom_issue_for_deliveries(vehicles, campaigns=self)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if rewards else "info",
                "message": _("%s reward(s) issued.", len(rewards)),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_view_rewards(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_showroom.showroom_campaign_reward_action")
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"search_default_not_cancelled": 1}
        return action

    def action_view_leads(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_all_leads")
        action["domain"] = [("campaign_id", "=", self.utm_campaign_id.id)]
        action["context"] = {"active_test": False, "create": False}
        return action

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _showroom_eligibility_domain(self):
        """The eligibility domain as a list, or a ValidationError."""
        self.ensure_one()
        try:
            domain = literal_eval(self.eligibility_domain or "[]")
            expression.expression(domain, self.env["res.partner"])
        except Exception as error:  # noqa: BLE001 - any bad domain gets the same clear message
            raise ValidationError(
                _("The eligible customers of the campaign “%s” are not a valid filter.", self.name)
            ) from error
        return domain

    def _showroom_eligible_partners(self, partners):
        """``{campaign: partners of ``partners`` it is open to}``, one search per campaign."""
        result = {}
        for campaign in self:
            domain = campaign._showroom_eligibility_domain()
            if not domain:
                result[campaign] = partners
                continue
            # sudo: eligibility is the campaign's rule, checked whatever the user who
            # triggered the delivery may read; only ids of ``partners`` come back
            eligible = (
                self.env["res.partner"]
                .sudo()
                .with_context(active_test=False)
                .search(expression.AND([domain, [("id", "in", partners.ids)]]))
            )
            result[campaign] = partners.browse(eligible.ids)
        return result

    def _showroom_running_on(self, company, day):
        """The campaigns of ``self`` running in ``company`` on ``day``."""
        return self.filtered(
            lambda c: c.state == "running" and c.company_id == company and c.date_start <= day <= c.date_end
        )

    @api.model
    def _showroom_lead_kinds(self, lead):
        """The campaign types a lead's source matches, in order of precedence:
        a customer referral (the channel records a referring customer), a trade-in
        (the lead's flag), a repurchase (its customer is a base customer)."""
        kinds = []
        if lead.showroom_channel_id.companion == "referrer":
            kinds.append("referral")
        if lead.showroom_trade_in:
            kinds.append("trade_in")
        if lead.partner_id.commercial_partner_id.is_base_customer:
            kinds.append("repurchase")
        return kinds

    @api.model
    def _showroom_match_leads(self, leads, created=None):
        """R6.3 (leads carry the campaign): ``{lead: campaign}`` for the showroom
        leads of ``leads`` without a UTM campaign whose source matches a campaign
        running on the day the lead was created (the showroom day of its company;
        ``created``: the creation time when the leads are being created, else
        their ``create_date``). Referral wins over trade-in, trade-in over
        repurchase; among campaigns of one type, the one that started last. One
        search."""
        leads = leads.filtered(lambda lead: not lead.campaign_id and lead.team_id.is_showroom)
        if not leads:
            return {}
        # sudo: consultants read campaigns; the rule runs whoever saves the lead
        campaigns = self.sudo().search(
            [("state", "=", "running"), ("campaign_type", "!=", "other"), ("company_id", "in", leads.company_id.ids)],
            order="date_start desc, id desc",
        )
        if not campaigns:
            return {}
        result = {}
        for lead in leads:
            company = lead.company_id or lead.team_id.company_id or self.env.company
            day = company._showroom_date_of(created or lead.create_date)
            running = campaigns._showroom_running_on(company, day)
            for kind in self._showroom_lead_kinds(lead):
                campaign = running.filtered(lambda c, kind=kind: c.campaign_type == kind)[:1]
                if campaign:
                    result[lead] = campaign.with_env(self.env)
                    break
        return result

    def _showroom_lock(self):
        """Lock the campaigns' rows until the end of the transaction: two deliveries
        paying rewards at once from one budget are serialized (the second one is
        retried by Odoo after the first, and sees its spending)."""
        if self:
            self.env.cr.execute("SELECT id FROM showroom_campaign WHERE id IN %s FOR UPDATE", [tuple(self.ids)])

    def _showroom_within_budget(self, cost, spent):
        """Whether one more reward of ``cost`` fits the budget, ``spent`` already spent."""
        self.ensure_one()
        if not self.budget:
            return True
        return float_compare(spent + cost, self.budget, precision_rounding=self.currency_id.rounding) <= 0

    def _showroom_notify_over_budget(self, refused):
        """The budget ran out: ``refused`` is a list of (partner, vehicle) not
        rewarded. A note in the campaign's chatter for each, and one open to-do
        for the responsible."""
        self.ensure_one()
        lines = [
            self.env._(
                "%(customer)s (vehicle %(vehicle)s)", customer=partner.display_name, vehicle=vehicle.display_name
            )
            for partner, vehicle in refused
        ]
        body = _(
            "Budget exhausted: no reward was issued to %(customers)s. To pay them, raise the budget and click "
            "“Issue pending rewards”.",
            customers=", ".join(lines),
        )
        self._message_log(body=body)
        todo = self.env.ref("mail.mail_activity_data_todo")
        summary = _("Campaign budget exhausted")
        if not self.activity_ids.filtered(lambda act: act.activity_type_id == todo and act.summary == summary):
            self.activity_schedule(
                activity_type_id=todo.id,
                summary=summary,
                note=body,
                user_id=self.user_id.id,
                date_deadline=self.company_id._showroom_today(self.user_id),
            )
