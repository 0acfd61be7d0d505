import logging
from collections import defaultdict
from datetime import timedelta

import psycopg2.errors
from markupsafe import Markup

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_date, format_list, split_every

from odoo.addons.crm.models.crm_lead import PARTNER_ADDRESS_FIELDS_TO_SYNC
from odoo.addons.phone_validation.tools import phone_validation

from ..tools import segments
from ..tools.contact import compact_number, format_cn_mobile, is_chinese_number, is_qq, is_wechat
from ..tools.showroom_day import day_bounds_utc
from ..tools.visit import name_keys

_logger = logging.getLogger(__name__)

# Fields of the entry standard (R2.2, R5.2) whose change re-checks it. Not the team:
# stock crm recomputes it with every change of holder, and a constraint on it would
# re-check, at each reassignment, an opportunity entered before a field joined the
# standard; create and write check the opportunities whose team changed instead.
SHOWROOM_ENTRY_FIELDS = (
    "type",
    "active",
    "partner_id",
    "contact_name",
    "partner_name",
    "mobile",
    "email_from",
    "showroom_grade_id",
    "showroom_purchase_type",
    "showroom_customer_kind",
    "showroom_channel_id",
    "showroom_referrer_id",
    "showroom_introducer_id",
    "showroom_subdealer_id",
    "country_id",
    "city_id",
    "city",
    "street",
    "showroom_qq",
    "showroom_wechat",
)


# The lost request's fields: written only by the request, its approval or rejection
# and a restore (``_showroom_check_lost_request_write``).
SHOWROOM_LOST_REQUEST_FIELDS = frozenset(
    (
        "showroom_lost_request_state",
        "showroom_lost_request_reason_id",
        "showroom_lost_request_competitor_id",
        "showroom_lost_request_note",
        "showroom_lost_requested_by_id",
    )
)


# Fields of the lead's source whose change may tag it with a campaign (R6.3).
SHOWROOM_CAMPAIGN_FIELDS = ("team_id", "partner_id", "showroom_channel_id", "showroom_trade_in")


# Fields of the lead whose change may open an ownership conflict (R7).
SHOWROOM_CONFLICT_FIELDS = ("mobile", "partner_id")


class CrmLead(models.Model):
    """Showroom opportunities: the opportunities of a team whose "Showroom rules"
    flag is on.

    R2/R5.2: they are entered to a standard (grade, customer name, mobile,
    channel and its companion, customer type, county-level city, street address).
    R3/R4.1: an open showroom opportunity always has an open follow-up, spaced by
    its grade; R4.3: each done follow-up records the customer's feedback and
    brings the next one (the rule: ``showroom.followup.mixin``; this model gives
    it the opportunity's own parts: which leads are governed and watched, the
    grade's interval, the first follow-up).
    """

    _name = "crm.lead"
    _inherit = ["crm.lead", "showroom.followup.mixin", "showroom.partner.receivable.mixin"]
    _showroom_followup_required = True

    is_showroom = fields.Boolean(related="team_id.is_showroom", string="Showroom opportunity")
    showroom_grade_id = fields.Many2one(
        "showroom.grade",
        string="Grade",
        index=True,
        tracking=True,
        ondelete="restrict",
        check_company=True,  # G5: the shared grades or the opportunity's company's
        group_expand="_read_group_showroom_grade_ids",
        help="How soon the customer will order or take delivery; sets the longest gap "
        "between follow-ups.",
    )
    showroom_grade_code = fields.Char(related="showroom_grade_id.code", string="Grade code")
    showroom_grade_color = fields.Integer(related="showroom_grade_id.color", string="Grade color")
    showroom_purchase_type = fields.Selection(
        [
            ("first", "First purchase"),
            ("additional", "Additional car"),
            ("replacement", "Replacement"),
        ],
        string="Purchase type",
    )
    showroom_customer_kind = fields.Selection(
        [("person", "Person"), ("company", "Company")],
        string="Customer type",
        default="person",
    )
    showroom_channel_id = fields.Many2one(
        "showroom.source.channel",
        string="Source channel",
        ondelete="restrict",
        index="btree_not_null",
        check_company=True,  # G5: the shared channels or the opportunity's company's
    )
    showroom_channel_companion = fields.Selection(related="showroom_channel_id.companion")
    showroom_referrer_id = fields.Many2one(
        "res.partner",
        string="Referring customer",
        index="btree_not_null",
        help="The (old) customer who referred this prospect.",
    )
    showroom_introducer_id = fields.Many2one(
        "res.partner",
        string="Introducer",
        index="btree_not_null",
        help="The group leader or staff member who introduced the customer; "
        "employees are found by their work contact.",
    )
    showroom_subdealer_id = fields.Many2one(
        "res.partner",
        string="Sub-dealer",
        index="btree_not_null",
        help="The second-network dealer who brings the customer at delivery.",
    )
    city_id = fields.Many2one(
        "res.city",
        string="County / District",
        compute="_compute_partner_address_values",
        readonly=False,
        store=True,
        domain="[('country_id', '=?', country_id), ('state_id', '=?', state_id)]",
        help="City down to the county.",
    )
    showroom_enforce_cities = fields.Boolean(related="country_id.enforce_cities")
    showroom_qq = fields.Char(string="QQ")
    showroom_wechat = fields.Char(string="WeChat")
    showroom_remarks = fields.Text(
        string="Recognition remarks",
        help="Traits that help recognize the customer on the next visit.",
    )
    showroom_followup_ids = fields.One2many(
        "mail.activity",
        "res_id",
        string="Follow-up history",
        domain=[("res_model", "=", "crm.lead"), ("activity_type_id.is_showroom_followup", "=", True)],
        context={"active_test": False},
    )
    showroom_my_followup_due = fields.Boolean(
        string="My follow-up due",
        compute="_compute_showroom_my_followup_due",
        search="_search_showroom_my_followup_due",
        help="An open follow-up of the current user is due today or overdue, in their day.",
    )

    # THE CAR WANTED (G3: intent — product, amount, urgency)
    # The car the customer wants (model, trim, color: a vehicle variant) feeds the
    # expected revenue with its price; test drive, trade-in, budget and payment
    # method are what a consultant asks in the showroom.
    showroom_product_id = fields.Many2one(
        "product.product",
        string="Car wanted",
        index="btree_not_null",
        domain="[('is_vehicle', '=', True), ('company_id', 'in', (company_id, False))]",
        help="The model, trim and color the customer wants; its price sets the expected revenue.",
    )
    showroom_test_drive = fields.Selection(
        [("none", "Not planned"), ("planned", "Planned"), ("done", "Done")],
        string="Test drive",
        default="none",
        required=True,
    )
    showroom_test_drive_date = fields.Datetime(string="Test drive on")
    showroom_trade_in = fields.Boolean(string="Trade-in", help="The customer trades in a car.")
    showroom_trade_in_vehicle_id = fields.Many2one(
        "showroom.vehicle",
        string="Car traded in (ours)",
        index="btree_not_null",
        help="The car the customer bought from us and now trades in.",
    )
    showroom_base_vehicle_id = fields.Many2one(
        "showroom.vehicle",
        string="From the customer's car",
        index="btree_not_null",
        help="R6.1: the car the customer bought from us, whose base-customer call brought this opportunity.",
    )
    showroom_trade_in_brand = fields.Char(string="Trade-in brand")
    showroom_trade_in_model = fields.Char(string="Trade-in model")
    showroom_trade_in_year = fields.Integer(string="Trade-in year")
    showroom_trade_in_km = fields.Integer(string="Trade-in mileage (km)")
    showroom_trade_in_estimate = fields.Monetary(string="Trade-in estimate", currency_field="company_currency")
    showroom_budget = fields.Monetary(string="Budget", currency_field="company_currency")
    showroom_payment_method = fields.Selection(
        [("cash", "Cash"), ("loan", "Loan"), ("lease", "Lease")],
        string="Payment method",
    )
    showroom_last_feedback = fields.Text(
        string="Last feedback",
        compute="_compute_showroom_last_feedback",
        help="What the customer said at the last done follow-up.",
    )

    # CONTRACTS, PAYMENTS AND RECEIVABLES (G2, G7)
    # G2: the opportunity sums the payment plan versus actual of its contracts
    # (confirmed orders, linked by sale_crm), in the opportunity's currency.
    # G7: its customer's receivables come from showroom.partner.receivable.mixin.
    showroom_contract_amount = fields.Monetary(
        string="Contract amount",
        currency_field="company_currency",
        compute="_compute_showroom_contract_payments",
        help="Total of the opportunity's confirmed orders, taxes included.",
    )
    showroom_amount_invoiced = fields.Monetary(
        string="Invoiced", currency_field="company_currency", compute="_compute_showroom_contract_payments"
    )
    showroom_amount_received = fields.Monetary(
        string="Received", currency_field="company_currency", compute="_compute_showroom_contract_payments"
    )
    showroom_amount_open = fields.Monetary(
        string="Invoiced, not paid", currency_field="company_currency", compute="_compute_showroom_contract_payments"
    )
    showroom_amount_behind_plan = fields.Monetary(
        string="Amount behind plan",
        currency_field="company_currency",
        compute="_compute_showroom_contract_payments",
        help="Due by the contracts' payment plans but not received yet.",
    )
    showroom_payment_plan_state = fields.Selection(
        [("on_plan", "On plan"), ("behind", "Behind plan"), ("paid", "Fully paid")],
        string="Payment status",
        compute="_compute_showroom_contract_payments",
        help="Behind plan when any contract is; fully paid when all are.",
    )

    # CONTRACT AND GRADE O (R3, R5.1)
    # R3: a confirmed order makes the opportunity grade O (ordered); the grade it
    # had is remembered and given back if the order is cancelled before delivery
    # (see sale.order._action_confirm / _action_cancel).
    showroom_grade_before_order_id = fields.Many2one(
        "showroom.grade",
        string="Grade before the order",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The grade the opportunity had when its order was confirmed; it comes back if the "
        "order is cancelled before delivery.",
    )

    # VISIT CARDS (R2.1, R7.2)
    # The showroom's visit cards of the customer, which find the opportunity by its
    # mobile (indexed); the first visit (else the opportunity's creation) is its
    # registration time (报备) for ownership rulings.
    mobile = fields.Char(index="btree_not_null")
    showroom_name_keys = fields.Char(
        string="Name keys",
        compute="_compute_showroom_name_keys",
        store=True,
        help="The contact, company and customer names as visit cards are matched against them "
        "(width- and case-folded, without blanks or separators), for the daily inspection (R8.1).",
    )
    showroom_visit_ids = fields.One2many(
        "showroom.visit", "lead_id", string="Visits", groups="crm_showroom.group_showroom_consultant"
    )
    showroom_visit_count = fields.Integer(
        string="Visit count", compute="_compute_showroom_visit_count", groups="crm_showroom.group_showroom_consultant"
    )
    showroom_registered_at = fields.Datetime(
        string="First registered on",
        compute="_compute_showroom_registered_at",
        store=True,
        help="When the customer was first registered: the first visit card, or the opportunity's creation "
        "if earlier. The earlier registration wins an ownership conflict between consultants (R7.2).",
    )
    showroom_assignment_ids = fields.One2many(
        "showroom.assignment",
        "lead_id",
        string="Holders",
        groups="crm_showroom.group_showroom_manager",
        help="Who held the opportunity, from when to when, and why it changed hands (R7, G1, G4).",
    )

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.model
    def _read_group_showroom_grade_ids(self, grades, domain):
        return grades.search([])

    def _showroom_followup_depends(self):
        return [*super()._showroom_followup_depends(), "stage_id", "team_id", "type", "active"]

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.depends("showroom_followup_ids.active", "showroom_followup_ids.showroom_feedback")
    def _compute_showroom_last_feedback(self):
        done = self.env["mail.activity"].with_context(active_test=False).search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("active", "=", False),
                ("activity_type_id.is_showroom_followup", "=", True),
                ("showroom_feedback", "!=", False),
            ],
            order="date_done desc, id desc",
        ) if self.ids else self.env["mail.activity"]
        last = {}
        for activity in done:
            last.setdefault(activity.res_id, activity)
        for lead in self:
            activity = last.get(lead.id)
            lead.showroom_last_feedback = activity and activity._showroom_feedback_summary()

    def _compute_showroom_my_followup_due(self):
        due = self.filtered_domain(self._search_showroom_my_followup_due("=", True))
        for lead in self:
            lead.showroom_my_followup_due = lead in due

    def _search_showroom_my_followup_due(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(_("Unsupported search on the follow-ups due."))
        today = self.env.company._showroom_today(self.env.user)
        due = [
            (
                "activity_ids",
                "any",
                [
                    *self._showroom_open_followup_domain(),
                    ("user_id", "=", self.env.uid),
                    ("date_deadline", "<=", today),
                ],
            )
        ]
        return due if (operator == "=") == value else ["!", *due]

    @api.constrains(*SHOWROOM_ENTRY_FIELDS)
    def _check_showroom_entry_standard(self):
        """R2.2/R5.2: the fields marked required must be filled on showroom
        opportunities; R2.5-R2.7: the channel's companion is recorded. Checked
        when an entry field changes and when an opportunity enters a showroom
        team, not when only its holder changes (a handover, a claim, a release)."""
        for lead in self._showroom_filter_entered():
            missing = lead._showroom_missing_fields()
            if missing:
                raise ValidationError(
                    _(
                        "The showroom opportunity “%(lead)s” cannot be saved without: %(fields)s.",
                        lead=lead.name,
                        fields=format_list(self.env, missing),
                    )
                )

    @api.constrains(
        "showroom_test_drive", "showroom_test_drive_date", "showroom_trade_in_year", "showroom_trade_in_km",
        "showroom_trade_in_estimate", "showroom_budget",
    )
    def _check_showroom_car_wanted(self):
        for lead in self:
            this_year = lead._showroom_followup_today().year
            if lead.showroom_test_drive != "none" and not lead.showroom_test_drive_date:
                raise ValidationError(_("Give the date of the test drive of “%s”.", lead.name))
            if lead.showroom_trade_in_year and not 1950 <= lead.showroom_trade_in_year <= this_year + 1:
                raise ValidationError(
                    _("The year of the car traded in must lie between 1950 and %s.", this_year + 1)
                )
            if min(lead.showroom_trade_in_km, lead.showroom_trade_in_estimate, lead.showroom_budget) < 0:
                raise ValidationError(_("Mileage, estimate and budget cannot be negative."))

    @api.constrains("mobile", "email_from", "showroom_qq", "showroom_wechat", "team_id", "country_id")
    def _check_showroom_contact_formats(self):
        for lead in self._showroom_filter_entered():
            if lead.mobile:
                lead._showroom_format_mobile(lead.mobile)
            if lead.email_from and not tools.email_normalize(lead.email_from):
                raise ValidationError(_("“%s” is not a valid email address.", lead.email_from))
            if lead.showroom_qq and not is_qq(lead.showroom_qq):
                raise ValidationError(
                    _("“%s” is not a QQ number: it has 5 to 12 digits and does not start with 0.", lead.showroom_qq)
                )
            if lead.showroom_wechat and not is_wechat(lead.showroom_wechat):
                raise ValidationError(
                    _(
                        "“%s” is not a WeChat ID: 6 to 20 letters, digits, “_” or “-”, starting with a "
                        "letter (or the mobile number the customer uses on WeChat).",
                        lead.showroom_wechat,
                    )
                )

    # ------------------------------------------------------------
    # ONCHANGE
    # ------------------------------------------------------------

    @api.onchange("city_id")
    def _onchange_city_id(self):
        if self.city_id:
            self.city = self.city_id.name
            self.zip = self.city_id.zipcode or self.zip
            self.state_id = self.city_id.state_id
            self.country_id = self.city_id.country_id

    @api.onchange("showroom_product_id")
    def _onchange_showroom_product_id(self):
        if self.showroom_product_id:
            self.expected_revenue = self._showroom_car_price(self.showroom_product_id)

    @api.onchange("showroom_channel_id")
    def _onchange_showroom_channel_id(self):
        companion = self.showroom_channel_id.companion
        if companion != "referrer":
            self.showroom_referrer_id = False
        if companion != "introducer":
            self.showroom_introducer_id = False
        if companion != "subdealer":
            self.showroom_subdealer_id = False

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._showroom_check_lost_request_write(*vals_list)
        self._showroom_normalize_mobile_values(vals_list)
        self._showroom_price_car_wanted(vals_list)
        leads = super().create(vals_list)
        leads._check_showroom_entry_standard()  # also when the team came from the holder
        leads._showroom_link_visit_from_context()
        # mobiles that came from a compute (the customer's) or with a team chosen by default
        leads._showroom_normalize_mobile()
        open_leads = leads._showroom_filter_open()
        if open_leads:
            open_leads._showroom_create_followups(kind="first")
        leads._showroom_apply_campaigns(created=fields.Datetime.now())
        leads._showroom_record_holders(default_reason="created")
        leads._showroom_log_grade_changes({})
        self.env["showroom.conflict"]._showroom_check_leads(leads)
        return leads

    def write(self, vals):
        if vals.get("showroom_product_id") and "expected_revenue" not in vals:
            vals = dict(vals)  # the caller's values stay as they were
            self._showroom_price_car_wanted([vals])
        self._showroom_check_lost_request_write(vals)
        if vals.get("active") is False:
            self.filtered("active")._showroom_close_followups("lost")
        restored = self.filtered(lambda lead: not lead.active) if vals.get("active") else self.browse()
        if "showroom_commission_excluded" in vals:
            self.env["res.users"]._showroom_check_manager(
                _("Only a showroom manager's ruling on an ownership conflict clears a deal's commission (R7.3).")
            )
        reopen_check = any(field in vals for field in ("active", "stage_id", "team_id", "type", "user_id"))
        companies_before = self._showroom_segment_companies(vals)
        if companies_before and "company_id" in vals:
            new_company = self.env["res.company"].browse(vals["company_id"])
            segments.check_segment_moves(self.browse(list(companies_before)), companies_before, new_company)
        grades_before = {lead.id: lead.showroom_grade_id for lead in self} if "showroom_grade_id" in vals else None
        teams_before = {lead.id: lead.team_id for lead in self} if "user_id" in vals or "team_id" in vals else None
        result = super().write(vals)
        if teams_before is not None:
            # moved into a showroom team, by hand or with a new holder (SHOWROOM_ENTRY_FIELDS)
            self.filtered(lambda lead: lead.team_id != teams_before[lead.id])._check_showroom_entry_standard()
        if companies_before:
            segments.check_segment_moves(self.browse(list(companies_before)), companies_before)
        restored._showroom_reset_lost_request()
        if grades_before is not None:
            self._showroom_log_grade_changes(grades_before)
        if "mobile" in vals or "team_id" in vals or "country_id" in vals:
            self._showroom_normalize_mobile()
        if "stage_id" in vals:
            won = self.filtered(lambda lead: lead.stage_id.is_won)
            won._showroom_close_followups("won")
            won._showroom_withdraw_lost_request()
        if "showroom_grade_id" in vals:
            self._showroom_pull_in_followups()
        if reopen_check:
            # restored, reopened, converted or moved into a showroom team: the
            # opportunity is (again) new to the rule and gets the 48-hour follow-up
            self._showroom_schedule_missing_followups(kind="first")
        if any(fname in vals for fname in SHOWROOM_CAMPAIGN_FIELDS):
            self._showroom_apply_campaigns()
        if any(field in vals for field in ("user_id", "team_id", "type")):
            self._showroom_record_holders()
        if any(fname in vals for fname in SHOWROOM_CONFLICT_FIELDS):
            self.env["showroom.conflict"]._showroom_check_leads(self)
        return result

    def toggle_active(self):
        # mail.activity.mixin deletes the open activities of records it archives:
        # close the follow-ups first so they stay in the history.
        self.filtered("active")._showroom_close_followups("lost")
        return super().toggle_active()

    def _merge_opportunity(self, user_id=False, team_id=False, auto_unlink=True, max_length=5):
        # the holder the merge gives the opportunity kept is a "merged" change,
        # unless the merge is part of a ruling or a handover (their reason stays)
        with self.env["showroom.assignment"]._showroom_reason("merged", override=False):
            return super()._merge_opportunity(
                user_id=user_id, team_id=team_id, auto_unlink=auto_unlink, max_length=max_length
            )

    def _merge_dependences_history(self, opportunities):
        """Merging: the open follow-ups of the opportunities merged away move to
        the one kept (R4.1 holds for it; the others are deleted); so do their done
        follow-ups, the history a ruling reads (R4.3, R7.1), which Odoo's merge
        leaves behind (it moves the open activities only)."""
        with opportunities._showroom_merging():
            result = super()._merge_dependences_history(opportunities)
        # sudo: the done follow-ups follow their opportunity, whoever did them; only their link changes
        self.env["mail.activity"].sudo().with_context(active_test=False).search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", opportunities.ids),
                ("active", "=", False),
                ("activity_type_id.is_showroom_followup", "=", True),
            ]
        ).write({"res_id": self.id})
        return result

    def _prepare_address_values_from_partner(self, partner):
        # the county follows the partner's address with the other address fields, or stays
        values = super()._prepare_address_values_from_partner(partner)
        from_partner = any(partner[fname] for fname in PARTNER_ADDRESS_FIELDS_TO_SYNC)
        values["city_id"] = partner.city_id if from_partner else self.city_id
        return values

    def _prepare_customer_values(self, partner_name, is_company=False, parent_id=False):
        values = super()._prepare_customer_values(partner_name, is_company=is_company, parent_id=parent_id)
        values["city_id"] = self.city_id.id
        return values

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_showroom_open_followups(self):
        self.ensure_one()
        return {
            "name": _("Follow-ups of %s", self.name),
            "type": "ir.actions.act_window",
            "res_model": "mail.activity",
            "view_mode": "list,form",
            "views": [(self.env.ref("crm_showroom.mail_activity_view_list_showroom_followup").id, "list")],
            "domain": [("res_model", "=", self._name), ("res_id", "=", self.id), ("is_showroom_followup", "=", True)],
            "context": {"active_test": False},
        }

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _showroom_governed_domain(self):
        """R4.1, R4.3: the follow-ups of opportunities of showroom teams (won, lost
        or open) are the rule book's."""
        return [("team_id.is_showroom", "=", True)]

    @api.model
    def _showroom_followup_watched_domain(self):
        """R4.1: an open showroom opportunity always has an open follow-up."""
        return self._showroom_open_domain()

    @api.model
    def _showroom_open_domain(self):
        """Open showroom opportunities: active, not won, in a showroom team."""
        return [
            ("type", "=", "opportunity"),
            ("active", "=", True),
            ("team_id.is_showroom", "=", True),
            ("stage_id.is_won", "=", False),
        ]

    def _showroom_filter_open(self):
        """The open showroom opportunities among ``self`` (``_showroom_open_domain``)."""
        return self._showroom_filter_entered().filtered(lambda lead: not lead.stage_id.is_won)

    def _showroom_filter_entered(self):
        """Showroom opportunities to which the entry standard applies: active
        opportunities of showroom teams, won or not."""
        return self.filtered(lambda lead: lead.active and lead.type == "opportunity" and lead.team_id.is_showroom)

    def _showroom_missing_fields(self):
        """Labels of the required fields this opportunity lacks (R2.2, R5.2, R2.5-R2.8)."""
        self.ensure_one()

        def label(fname):
            return self._fields[fname]._description_string(self.env)

        missing = []
        if not self.showroom_grade_id:
            missing.append(label("showroom_grade_id"))
        if self.showroom_customer_kind == "company":
            if not (self.partner_name or self.partner_id.is_company):
                missing.append(label("partner_name"))
        elif not (self.contact_name or self.partner_id):
            missing.append(label("contact_name"))
        for fname in ("mobile", "showroom_channel_id", "showroom_purchase_type", "showroom_customer_kind", "street"):
            if not self[fname]:
                missing.append(label(fname))
        companion_field = {
            "referrer": "showroom_referrer_id",
            "introducer": "showroom_introducer_id",
            "subdealer": "showroom_subdealer_id",
        }.get(self.showroom_channel_id.companion)
        if companion_field and not self[companion_field]:
            missing.append(label(companion_field))
        if self.country_id.enforce_cities:
            if not self.city_id:
                missing.append(label("city_id"))
        elif not self.city:
            missing.append(label("city"))
        return missing

    def _showroom_format_mobile(self, number, country=None):
        """Return the number in international format, or raise a ValidationError.

        Mainland-China mobiles are checked here (11 digits on a mobile prefix);
        other countries' numbers go through Odoo's phone validation. Both read the
        number width-folded (``tools.contact.compact_number``): a mobile typed in
        full-width digits is stored as the same ASCII number. ``country``: the
        address's country, by default the lead's, else its company's."""
        country = country or self.country_id or self.company_id.country_id or self.env.company.country_id
        if is_chinese_number(number, country.code or None):
            formatted = format_cn_mobile(number)
            if not formatted:
                raise ValidationError(
                    _(
                        "“%s” is not a mainland-China mobile number: it has 11 digits and starts with "
                        "13-19 (for example 138 0013 8000).",
                        number,
                    )
                )
            return formatted
        try:
            return phone_validation.phone_format(
                compact_number(number),
                country.code if country else None,
                country.phone_code if country else None,
                force_format="INTERNATIONAL",
                raise_exception=True,
            )
        except UserError as error:
            raise ValidationError(
                _("“%(number)s” is not a valid mobile number: %(error)s", number=number, error=error)
            ) from error

    def _showroom_normalize_mobile(self):
        for lead in self._showroom_filter_entered().filtered("mobile"):
            formatted = lead._showroom_format_mobile(lead.mobile)
            if formatted != lead.mobile:
                lead.mobile = formatted

    @api.model
    def _showroom_normalize_mobile_values(self, vals_list):
        """Normalize, in the values to create, the mobiles of showroom
        opportunities whose team is given (or the context's default team)."""
        default_team_id = self.env.context.get("default_team_id")
        default_type = self.env.context.get("default_type", "lead")
        team_ids = {vals.get("team_id", default_team_id) for vals in vals_list if vals.get("mobile")}
        team_ids.discard(False)
        team_ids.discard(None)
        if not team_ids:
            return
        teams = {team.id: team for team in self.env["crm.team"].browse(team_ids)}
        countries = self.env["res.country"].browse({vals["country_id"] for vals in vals_list if vals.get("country_id")})
        countries = {country.id: country for country in countries}
        for vals in vals_list:
            team = teams.get(vals.get("team_id", default_team_id))
            if (
                not vals.get("mobile")
                or not team
                or not team.is_showroom
                or vals.get("type", default_type) != "opportunity"
                or vals.get("active") is False
            ):
                continue
            country = countries.get(vals.get("country_id")) or team.company_id.country_id or self.env.company.country_id
            vals["mobile"] = self._showroom_format_mobile(vals["mobile"], country=country)

    def _showroom_car_price(self, product, company=None):
        """The price of the car wanted in the currency of ``company`` (default: the
        lead's): the sales price of the variant, attribute extras included."""
        company = company or self.company_id or self.team_id.company_id or self.env.company
        return product.currency_id._convert(product.lst_price, company.currency_id, company, company._showroom_today())

    @api.model
    def _showroom_price_car_wanted(self, vals_list):
        """The car wanted sets the expected revenue, unless the same values set it;
        in the currency of the lead's company (given, else its team's, else the
        lead's own)."""
        for vals in vals_list:
            if vals.get("showroom_product_id") and "expected_revenue" not in vals:
                product = self.env["product.product"].browse(vals["showroom_product_id"])
                company = self.env["res.company"].browse(vals.get("company_id")) or (
                    self.env["crm.team"].browse(vals.get("team_id")).company_id
                )
                vals["expected_revenue"] = self[:1]._showroom_car_price(product, company=company or None)

    def _showroom_latest_followup_deadline(self, today):
        """R3: the latest deadline an open follow-up may have: the grade's interval
        from ``today``; no limit without a grade."""
        self.ensure_one()
        if not self.showroom_grade_id:
            return None
        return today + timedelta(days=self.showroom_grade_id.followup_interval_days)

    def _showroom_followup_user(self):
        self.ensure_one()
        return self.user_id or self.team_id.user_id or self.env.user

    def _showroom_followup_today(self):
        """Today in the day of the user who gets this opportunity's follow-ups."""
        self.ensure_one()
        return self.company_id._showroom_today(self._showroom_followup_user())

    def _showroom_create_followups(self, deadline=None, summary=None, kind="next"):
        """Create one open follow-up on each lead of ``self``, for its salesperson.

        ``kind`` says why: "first" (a new, restored or converted opportunity: due
        within the team's first-follow-up delay, R4.1's 48 hours), "next" (after a done
        follow-up: at today plus the grade's interval, R3) or "sweep" (the nightly
        check: due today); a given ``deadline`` wins, and the first follow-up is never
        due later than the grade allows. "Today" is the salesperson's day. Without
        ``summary``, the summary says why, in the consultant's language. No
        notification mail is sent: the follow-up shows in the consultant's activities.
        Like Odoo's own automated activities, nothing is created under
        ``mail_activity_automation_skip`` (imports of history, demo data); the
        nightly sweep catches up."""
        if not self or self.env.context.get("mail_activity_automation_skip"):
            return self.env["mail.activity"]
        activity_type = self.env.ref("crm_showroom.activity_type_followup")
        users = {lead.id: lead._showroom_followup_user() for lead in self}
        today_by_user = self.env["res.company"]._showroom_today_by_user(
            self.env["res.users"].concat(*users.values())
        )
        summaries_by_lang = {}
        deadlines, summaries = {}, {}
        for lead in self:
            user = users[lead.id]
            lead_deadline = deadline
            if not lead_deadline:
                days = []
                if kind == "first":
                    days.append(lead.team_id.showroom_first_followup_days)
                if kind != "sweep" and lead.showroom_grade_id:
                    days.append(lead.showroom_grade_id.followup_interval_days)
                lead_deadline = today_by_user[user.id] + timedelta(days=min(days or [0]))
            deadlines[lead.id] = lead_deadline
            # sudo: a colleague's language is no secret, and reading it as the user
            # would cost the access checks of res.users and res.partner
            lang = user.sudo().lang or self.env.lang
            if lang not in summaries_by_lang:
                summaries_by_lang[lang] = summary or activity_type.with_context(lang=lang)._showroom_followup_summary(
                    kind
                )
            summaries[lead.id] = summaries_by_lang[lang]
        return self._showroom_schedule_followups(activity_type, deadlines, summaries, users=users)

    def _showroom_schedule_missing_followups(self, deadline=None, summary=None, kind="next"):
        """R4.1: give the open showroom opportunities of ``self`` that have no open
        follow-up one (see ``_showroom_create_followups``). Returns the follow-ups
        created."""
        open_leads = self._showroom_filter_open()
        if not open_leads:
            return self.env["mail.activity"]
        missing = self.search([("id", "in", open_leads.ids), ("showroom_followup_state", "=", "none")])
        return missing._showroom_create_followups(deadline=deadline, summary=summary, kind=kind)

    @api.model
    def _cron_showroom_followup_sweep(self, batch_size=1000):
        """Nightly safety net of R4.1: every open showroom opportunity without an
        open follow-up gets one, due today in its salesperson's day (a cron has no
        time zone in its context).

        Works in batches of ``batch_size`` opportunities in id order, reporting
        progress and, run as a cron job, committing after each batch
        (``ir.cron._showroom_batch_done``), so it is safe while users work and
        resumes where it stopped. A batch that fails is retried one
        opportunity at a time; an opportunity that still fails is logged and skipped."""
        domain = self._showroom_open_domain() + [("showroom_followup_state", "=", "none")]
        remaining = self.search_count(domain)
        fixed = failed = last_id = 0

        def schedule(leads):
            with self.env.cr.savepoint():
                return len(leads._showroom_create_followups(kind="sweep"))

        while True:
            leads = self.search(domain + [("id", ">", last_id)], order="id", limit=batch_size)
            if not leads:
                break
            last_id = leads[-1].id
            try:
                fixed += schedule(leads)
            except Exception:  # noqa: BLE001 - one bad record must not stop the sweep: retry one by one
                for lead in leads:
                    try:
                        fixed += schedule(lead)
                    except Exception:
                        failed += 1
                        _logger.exception("Showroom follow-up sweep: no follow-up scheduled on lead %s", lead.id)
            remaining = max(remaining - len(leads), 0)
            self.env["ir.cron"]._showroom_batch_done(fixed, remaining)
            self.env.invalidate_all()
        _logger.info("Showroom follow-up sweep: %s opportunities given a follow-up, %s failed", fixed, failed)
        return fixed

    # ------------------------------------------------------------
    # CONTRACTS, PAYMENTS AND GRADE O (G2, R3, R5.1)
    # ------------------------------------------------------------

    @api.depends(
        "order_ids.state", "order_ids.amount_total", "order_ids.currency_id", "order_ids.date_order",
        "order_ids.order_line.invoice_lines.move_id.amount_residual", "company_currency",
    )
    def _compute_showroom_contract_payments(self):
        orders = self.order_ids.filtered_domain(self._get_lead_sale_order_domain())
        plans = orders._showroom_payment_plans()
        for lead in self:
            currency = lead.company_currency or self.env.company.currency_id
            totals = dict.fromkeys(("contract", "invoiced", "received", "open", "behind"), 0.0)
            states = set()
            for order in lead.order_ids:
                plan = plans.get(order)
                if not plan:
                    continue
                date = order.date_order or lead.company_id._showroom_today()
                amounts = {"contract": order.amount_total, **{key: plan[key] for key in totals if key != "contract"}}
                for key, amount in amounts.items():
                    totals[key] += order.currency_id._convert(amount, currency, order.company_id, date)
                states.add(plan["state"])
            lead.showroom_contract_amount = totals["contract"]
            lead.showroom_amount_invoiced = totals["invoiced"]
            lead.showroom_amount_received = totals["received"]
            lead.showroom_amount_open = totals["open"]
            lead.showroom_amount_behind_plan = totals["behind"]
            lead.showroom_payment_plan_state = next(
                (state for state in ("behind", "on_plan", "paid") if state in states), False
            )


    def _showroom_set_ordered(self):
        """R3: the open showroom opportunities of ``self`` become grade O, which
        pulls their follow-up in to O's weekly interval."""
        grade_o = self.env.ref("crm_showroom.grade_o", raise_if_not_found=False)
        leads = self._showroom_filter_open().filtered(lambda lead: lead.showroom_grade_id != grade_o)
        if not grade_o or not leads:
            return
        for grade, group in leads.grouped("showroom_grade_id").items():
            group.write({"showroom_grade_id": grade_o.id, "showroom_grade_before_order_id": grade.id})

    def _showroom_restore_grade_before_order(self):
        """R3: the open grade-O opportunities of ``self`` left without a confirmed
        order get back the grade they had before it."""
        grade_o = self.env.ref("crm_showroom.grade_o", raise_if_not_found=False)
        leads = self._showroom_filter_open().filtered(
            lambda lead: lead.showroom_grade_id == grade_o and lead.showroom_grade_before_order_id
        )
        if not leads:
            return
        ordered = {
            lead.id
            for (lead,) in self.env["sale.order"]._read_group(
                [("opportunity_id", "in", leads.ids), ("state", "=", "sale")], ["opportunity_id"]
            )
        }
        leads = leads.filtered(lambda lead: lead.id not in ordered)
        for grade, group in leads.grouped("showroom_grade_before_order_id").items():
            group.write({"showroom_grade_id": grade.id, "showroom_grade_before_order_id": False})

    # ------------------------------------------------------------
    # CAMPAIGNS (R6.3)
    # ------------------------------------------------------------

    def _showroom_apply_campaigns(self, created=None):
        """R6.3: a showroom lead without a UTM campaign, created while a campaign
        matching its source runs, carries that campaign (see
        ``showroom.campaign._showroom_match_leads``); its delivery then pays that
        campaign's reward first."""
        matches = self.env["showroom.campaign"]._showroom_match_leads(self, created=created)
        by_campaign = defaultdict(lambda: self.browse())
        for lead, campaign in matches.items():
            by_campaign[campaign] |= lead
        for campaign, leads in by_campaign.items():
            leads.write({"campaign_id": campaign.utm_campaign_id.id})

    # ------------------------------------------------------------
    # VISIT CARDS (R2.1, R7.2)
    # ------------------------------------------------------------

    def _compute_showroom_visit_count(self):
        counts = (
            dict(self.env["showroom.visit"]._read_group([("lead_id", "in", self.ids)], ["lead_id"], ["__count"]))
            if self.ids
            else {}
        )
        for lead in self:
            lead.showroom_visit_count = counts.get(lead._origin, 0)

    @api.depends("contact_name", "partner_name", "partner_id.name")
    def _compute_showroom_name_keys(self):
        """R8.1: the names a visit card may carry, as ``tools.visit.name_keys`` reads
        them; the inspection's SQL compares these stored keys, so the card's
        verdict (``showroom.visit.match_state``) and the fine cannot disagree."""
        for lead in self:
            lead.showroom_name_keys = name_keys((lead.contact_name, lead.partner_name, lead.partner_id.name)) or False

    @api.depends("create_date", "showroom_visit_ids.date_in")
    def _compute_showroom_registered_at(self):
        """R7.2: the first visit card of the customer, or the opportunity's creation if earlier."""
        # sudo: the registration time counts every visit card of the customer, the
        # other consultants' too
        first_visits = (
            dict(
                self.env["showroom.visit"]
                .sudo()
                ._read_group([("lead_id", "in", self._origin.ids)], ["lead_id"], ["date_in:min"])
            )
            if self._origin.ids
            else {}
        )
        for lead in self:
            dates = [lead.create_date, first_visits.get(lead._origin)]
            dates += lead.showroom_visit_ids.mapped("date_in") if not lead._origin else []
            lead.showroom_registered_at = min(filter(None, dates), default=False)

    def _showroom_link_visit_from_context(self):
        """The opportunity created from a visit card ("Create opportunity", whose form
        passes ``showroom_visit_id``) gets the card, unless the card found its
        opportunity meanwhile."""
        visit_id = self.env.context.get("showroom_visit_id")
        if not visit_id or len(self) != 1 or not isinstance(visit_id, int):
            return
        visit = self.env["showroom.visit"].browse(visit_id).exists()
        if visit and visit.has_access("write") and not visit.lead_id:
            visit.lead_id = self

    def _merge_dependences(self, opportunities):
        """Merging: the visit cards and the holders' history of the opportunities
        merged away move to the one kept."""
        result = super()._merge_dependences(opportunities)
        # sudo: the cards follow their opportunity, whoever logged them; only their link changes
        opportunities.sudo().showroom_visit_ids.write({"lead_id": self.id})
        self.env["showroom.assignment"]._showroom_move_history(opportunities, self)
        return result

    def _showroom_record_holders(self, default_reason="assigned"):
        """R7, G1, G4: keep the holders' history of the showroom opportunities among
        ``self`` (``showroom.assignment``), whatever door changed their holder."""
        governed = self.filtered(lambda lead: lead.type == "opportunity" and lead.team_id.is_showroom)
        self.env["showroom.assignment"]._showroom_record_holders(governed, "lead_id", default_reason=default_reason)

    def action_showroom_open_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_showroom.showroom_visit_action")
        action.update(
            name=_("Visits of %s", self.name),
            domain=[("lead_id", "=", self.id)],
            context={
                "default_lead_id": self.id,
                "default_partner_name": self.contact_name or self.partner_name,
                "default_mobile": self.mobile,
                "default_visit_type": "return",
            },
        )
        return action

    # ============================================================
    # COMPETITORS AND LOST APPROVAL (G3)
    # Which competitors' cars the customer compares, which one won a lost deal,
    # and the showroom manager's approval of a consultant's "Mark Lost".
    # ============================================================

    showroom_competitor_ids = fields.Many2many(
        "showroom.competitor",
        "crm_lead_showroom_competitor_rel",
        "lead_id",
        "competitor_id",
        string="Compared with",
        help="The competitors' brands and models the customer compares with ours.",
    )
    showroom_lost_competitor_id = fields.Many2one(
        "showroom.competitor",
        string="Lost to",
        index="btree_not_null",
        tracking=True,
        copy=False,
        ondelete="restrict",
        help="The competitor that won the deal, when the opportunity is lost.",
    )
    showroom_lost_request_state = fields.Selection(
        [("none", "None"), ("requested", "Requested"), ("approved", "Approved"), ("rejected", "Rejected")],
        string="Lost request",
        default="none",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        help="A consultant's Mark Lost on a showroom opportunity is a request: the opportunity stays open "
        "with its follow-ups until a showroom manager approves (it is lost) or rejects it (with an instruction).",
    )
    showroom_lost_request_reason_id = fields.Many2one(
        "crm.lost.reason", string="Requested lost reason", readonly=True, copy=False, tracking=True
    )
    showroom_lost_request_competitor_id = fields.Many2one(
        "showroom.competitor", string="Requested as lost to", readonly=True, copy=False, ondelete="set null"
    )
    showroom_lost_request_note = fields.Text(string="Why it is lost", readonly=True, copy=False, tracking=True)
    showroom_lost_requested_by_id = fields.Many2one("res.users", string="Lost requested by", readonly=True, copy=False)

    def _showroom_lost_needs_approval(self):
        """The opportunities of ``self`` whose loss the current user asks for instead
        of applying: open showroom opportunities, unless the user is a showroom
        manager (or the superuser's own flows)."""
        if self.env.su or self.env["res.users"]._showroom_is_manager():
            return self.browse()
        return self._showroom_filter_open()

    def _showroom_check_lost_allowed(self):
        if self._showroom_lost_needs_approval():
            raise UserError(
                _(
                    "A consultant does not close a showroom opportunity: use Mark Lost with the reason, "
                    "which asks the showroom manager to approve."
                )
            )

    def _showroom_check_lost_request_write(self, *vals_list):
        """Every door (form, RPC, import; the values of a write or of the records
        created): a consultant's archiving of an open showroom opportunity is
        refused (Mark Lost makes it a request), and the request's fields are set only
        by the request, Approve, Reject and a restore, which write them as the system."""
        if self.env.su:
            return
        if any(SHOWROOM_LOST_REQUEST_FIELDS.intersection(vals) for vals in vals_list):
            raise AccessError(_("A lost request changes only through Mark Lost, Approve and Reject."))
        if any(vals.get("active") is False for vals in vals_list):
            self._showroom_check_lost_allowed()

    def action_set_lost(self, **additional_values):
        """A consultant's loss of an open showroom opportunity becomes a request
        (``lost_reason_id`` is then required, ``showroom_lost_competitor_id`` kept for
        the approval); anything else is lost at once, as in stock Odoo, which also
        approves a pending request."""
        requests = self._showroom_lost_needs_approval()
        if requests:
            requests._showroom_request_lost(
                self.env["crm.lost.reason"].browse(additional_values.get("lost_reason_id")),
                competitor=self.env["showroom.competitor"].browse(additional_values.get("showroom_lost_competitor_id")),
            )
        direct = self - requests
        if not direct:
            return True
        direct.filtered(lambda lead: lead.showroom_lost_request_state == "requested")._showroom_close_lost_requests(
            "approved", _("Approved: the opportunity is lost.")
        )
        return super(CrmLead, direct).action_set_lost(**additional_values)

    def action_showroom_lost_approve(self):
        """The showroom manager approves the lost requests of ``self``: each is lost
        with its requested reason and competitor (its follow-ups closed as lost)."""
        self.env["res.users"]._showroom_check_manager(_("Only showroom managers approve lost requests."))
        leads = self._showroom_lost_requested()
        by_request = leads.grouped(
            lambda lead: (lead.showroom_lost_request_reason_id, lead.showroom_lost_request_competitor_id)
        )
        for (reason, competitor), group in by_request.items():
            group.action_set_lost(lost_reason_id=reason.id, showroom_lost_competitor_id=competitor.id)
        return True

    def action_showroom_lost_reject(self):
        """Open the dialog where the manager writes the instruction of the rejection."""
        self.env["res.users"]._showroom_check_manager(_("Only showroom managers reject lost requests."))
        return {
            "name": _("Reject the lost request"),
            "type": "ir.actions.act_window",
            "res_model": "showroom.lost.reject",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lead_ids": self._showroom_lost_requested().ids},
        }

    def _showroom_lost_requested(self):
        """The open opportunities of ``self`` with a pending lost request, else a UserError."""
        leads = self.filtered(lambda lead: lead.active and lead.showroom_lost_request_state == "requested")
        if not leads:
            raise UserError(_("None of these opportunities has a pending lost request."))
        return leads

    def _showroom_request_lost(self, reason, note=False, competitor=None):
        """The consultant asks to close ``self`` as lost, for ``reason`` (a
        ``crm.lost.reason``) and/or the ``note``, lost to ``competitor``: one of them
        is required. The opportunities stay open with their follow-ups; the team
        leader gets a "Lost request" activity to approve or reject."""
        note = (note or "").strip()
        if not reason and not note:
            raise UserError(
                _("Say why the opportunity is lost (a lost reason or a comment): the showroom manager approves it.")
            )
        new = self.filtered(lambda lead: lead.showroom_lost_request_state != "requested")
        # sudo: the request's fields are closed to direct writes (see
        # _showroom_check_lost_request_write); the consultant may mark these lost
        self.sudo().write(
            {
                "showroom_lost_request_state": "requested",
                "showroom_lost_request_reason_id": reason.id,
                "showroom_lost_request_competitor_id": competitor.id if competitor else False,
                "showroom_lost_request_note": note or False,
                "showroom_lost_requested_by_id": self.env.uid,
            }
        )
        new._showroom_notify_lost_request()

    def _showroom_notify_lost_request(self):
        """One "Lost request" activity per opportunity for its team leader, due
        today in the leader's day; every request is also listed in CRM >
        Reporting > Lost Requests."""
        leads = self.filtered("team_id.user_id")
        if not leads:
            return
        activity_type = self.env.ref("crm_showroom.activity_type_lost_request")
        leaders = leads.team_id.user_id
        today_by_user = self.env["res.company"]._showroom_today_by_user(leaders)
        model_id = self.env["ir.model"]._get_id(self._name)
        # sudo: the consultant may not read the leader's user record; the activity
        # goes on the consultant's own opportunity
        self.env["mail.activity"].sudo().create(
            [
                {
                    "activity_type_id": activity_type.id,
                    "res_model_id": model_id,
                    "res_id": lead.id,
                    "user_id": lead.team_id.user_id.id,
                    "date_deadline": today_by_user[lead.team_id.user_id.id],
                    "summary": activity_type.summary,
                    "automated": True,
                }
                for lead in leads
            ]
        )

    def _showroom_close_lost_requests(self, state, feedback):
        """The pending lost requests of ``self`` are ``state`` ("approved" or
        "rejected"); their activities are done with ``feedback``."""
        # sudo: the request's fields are closed to direct writes; the caller checked the right
        self.sudo().write({"showroom_lost_request_state": state})
        self.sudo().activity_feedback(["crm_showroom.activity_type_lost_request"], feedback=feedback)

    def _showroom_withdraw_lost_request(self):
        """A won opportunity's pending lost request is withdrawn."""
        pending = self.filtered(lambda lead: lead.showroom_lost_request_state == "requested")
        if pending:
            pending._showroom_close_lost_requests("none", _("Withdrawn: the opportunity is won."))

    def _showroom_reject_lost(self, instruction):
        """The showroom manager rejects the lost requests of ``self`` with an
        instruction (R8.3): the consultant finds it on the chatter and on a new
        follow-up due at the grade's interval in the consultant's day (R3)."""
        self.env["res.users"]._showroom_check_manager(_("Only showroom managers reject lost requests."))
        instruction = (instruction or "").strip()
        if not instruction:
            raise UserError(_("Write the instruction for the consultant."))
        leads = self._showroom_lost_requested()
        leads._showroom_close_lost_requests("rejected", instruction)
        followups = leads._showroom_create_followups(kind="next")
        followups.write(
            {
                "showroom_instruction": instruction,
                "showroom_instruction_user_id": self.env.uid,
                "showroom_instruction_date": fields.Datetime.now(),
            }
        )
        for lead in leads:
            lead.message_post(
                body=Markup("<p>%s</p><p>%s</p>") % (_("Lost request rejected. Instruction:"), instruction),
                partner_ids=lead.user_id.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
        return followups

    def _showroom_reset_lost_request(self):
        """A restored opportunity starts again without a lost request or the
        competitor it was lost to; the chatter keeps the history (tracked fields)."""
        leads = self.filtered(
            lambda lead: (
                lead.active and (lead.showroom_lost_request_state != "none" or lead.showroom_lost_competitor_id)
            )
        )
        if leads:
            # sudo: the request's fields are closed to direct writes; restoring is the user's own change
            leads.sudo().write(
                {
                    "showroom_lost_request_state": "none",
                    "showroom_lost_request_reason_id": False,
                    "showroom_lost_request_competitor_id": False,
                    "showroom_lost_request_note": False,
                    "showroom_lost_requested_by_id": False,
                    "showroom_lost_competitor_id": False,
                }
            )

    # ------------------------------------------------------------
    # GRADE HISTORY (R3, G6)
    # ------------------------------------------------------------

    def _showroom_log_grade_changes(self, grades_before):
        """Every change of the grade leaves its ``showroom.grade.history`` row (R3,
        G6), written here from ``create`` and ``write`` so that no door (form,
        import, RPC, order confirmation) skips it: ``grades_before`` maps the ids of
        ``self`` to their grade before the write (absent: created, no grade before)."""
        Grade = self.env["showroom.grade"]
        self.env["showroom.grade.history"]._showroom_record(
            (lead, grades_before.get(lead.id, Grade), lead.showroom_grade_id) for lead in self
        )

    # ------------------------------------------------------------
    # SEGMENTS (G5)
    # ------------------------------------------------------------

    def _showroom_segment_companies(self, vals):
        """G5: ``{id: company}`` of the showroom opportunities among ``self`` whose
        company ``vals`` may change (directly, or through the team or salesperson
        it follows), for ``segments.check_segment_moves``; empty when it cannot.
        Opportunities of other teams keep stock Odoo's behaviour, unless ``vals``
        moves them into a showroom team."""
        if not any(fname in vals for fname in ("company_id", "team_id", "user_id")):
            return {}
        # no exists(): a query per write of stock CRM's assignment; a missing team fails the write anyway
        new_team = self.env["crm.team"].browse(vals["team_id"]) if vals.get("team_id") else None
        governed = self if new_team and new_team.is_showroom else self.filtered(lambda lead: lead.team_id.is_showroom)
        return segments.segment_companies(governed)

    # ------------------------------------------------------------
    # CUSTOMER POOL (G4)
    # ------------------------------------------------------------
    # An open showroom opportunity whose holder does not follow it up within its
    # grade's interval plus the team's grace period returns to the team's pool
    # (``_cron_showroom_pool_release``), where the team's consultants claim it
    # (``action_showroom_pool_claim``) under the team's caps and cool-off. The day it
    # returns is one definition, in SQL (``_showroom_release_query``), which both the
    # stored ``showroom_release_date`` and the nightly release read.

    showroom_release_date = fields.Date(
        string="Returns to the pool on",
        compute="_compute_showroom_release_date",
        store=True,
        index="btree_not_null",
        help="G4: the day, in the holder's calendar, this opportunity returns to the team's pool unless it "
        "is followed up before: the last done follow-up (or, if later, the day the holder got the customer) "
        "plus the grade's interval and the team's grace period.",
    )
    showroom_release_days = fields.Integer(
        string="Days until pool",
        compute="_compute_showroom_release_days",
        help="Days left, in the holder's day, before this opportunity returns to the pool.",
    )

    @api.depends(
        "user_id", "type", "active", "stage_id", "team_id", "team_id.is_showroom", "team_id.showroom_pool_grace_days",
        "showroom_grade_id", "showroom_grade_id.followup_interval_days", "showroom_registered_at",
        "showroom_followup_ids.active", "showroom_followup_ids.date_done", "showroom_assignment_ids.date_from",
    )
    def _compute_showroom_release_date(self):
        # in the pool (no holder) or outside showroom teams: no release date, no query
        lead_ids = self._origin.filtered(lambda lead: lead.user_id and lead.team_id.is_showroom).ids
        dates = {}
        if lead_ids:
            # the query reads these tables: what the transaction changed must be in them
            self.env["mail.activity"].flush_model()
            self.env["showroom.assignment"].flush_model()
            self.env["crm.team"].flush_model(["is_showroom", "showroom_pool_grace_days"])
            self.env["showroom.grade"].flush_model(["followup_interval_days"])
            self.env["crm.stage"].flush_model(["is_won"])
            self.flush_model([fname for fname in self._fields if fname != "showroom_release_date"])
            self.env.cr.execute(self._showroom_release_query(self._origin.user_id, lead_ids))
            dates = {lead_id: release_date for lead_id, _user_id, release_date, _today in self.env.cr.fetchall()}
        for lead in self:
            lead.showroom_release_date = dates.get(lead._origin.id, False)

    @api.depends("showroom_release_date", "user_id")
    def _compute_showroom_release_days(self):
        today_by_user = self.env["res.company"]._showroom_today_by_user(self.user_id)
        for lead in self:
            release = lead.showroom_release_date
            lead.showroom_release_days = (release - today_by_user[lead.user_id.id]).days if release else 0

    @api.model
    def _showroom_release_query(self, holders, lead_ids=None):
        """G4, the one definition of the day an opportunity returns to the pool, as
        SQL giving ``(lead id, holder id, release date, holder's today)`` for the open
        showroom opportunities held by ``holders`` (of ``lead_ids``, default all).

        The release date is the latest of the last done follow-up (its ``date_done``,
        the assignee's day), the registration and the day the current holder got the
        customer (their open ``showroom.assignment`` row: a claimant or a new holder
        starts afresh), both in the holder's day; plus the grade's interval, plus the
        team's grace days, plus one: the first day the opportunity is "older than
        interval plus grace". No grade, no release (the entry standard requires one).
        The holders' time zones come from ``res.company._showroom_tz_name``: never
        the context's, never UTC."""
        tz_by_user = {user.id: self.env["res.company"]._showroom_tz_name(user) for user in holders.sudo()}
        today_by_user = self.env["res.company"]._showroom_today_by_user(holders)
        Followup = self.env["showroom.followup.mixin"]
        # the follow-ups of the open showroom opportunities joined below: governed ones
        # (``_showroom_governed_followup_sql``'s join to the opportunity adds nothing here)
        done_followup = Followup._showroom_where_sql("mail.activity", Followup._showroom_followup_domain(), "a")
        open_leads = Followup._showroom_where_sql("crm.lead", self._showroom_open_domain(), "l")
        return SQL(
            f"""
            WITH holder AS (
                SELECT * FROM unnest(%(users)s::int[], %(tzs)s::varchar[], %(todays)s::date[]) AS h(user_id, tz, today)
            ), done AS (
                SELECT a.res_id, max(a.date_done) AS date_done
                  FROM mail_activity a
                 WHERE a.res_model = 'crm.lead' AND {done_followup}
                   AND a.active IS NOT TRUE AND a.showroom_closed_reason IS NULL
                   %(done_filter)s
                 GROUP BY a.res_id
            )
            SELECT l.id, l.user_id,
                   GREATEST(
                       done.date_done,
                       (COALESCE(l.showroom_registered_at, l.create_date) AT TIME ZONE 'UTC' AT TIME ZONE h.tz)::date,
                       (since.date_from AT TIME ZONE 'UTC' AT TIME ZONE h.tz)::date
                   ) + g.followup_interval_days + t.showroom_pool_grace_days + 1,
                   h.today
              FROM crm_lead l
              JOIN holder h ON h.user_id = l.user_id
              JOIN crm_team t ON t.id = l.team_id
              JOIN showroom_grade g ON g.id = l.showroom_grade_id
              LEFT JOIN done ON done.res_id = l.id
              LEFT JOIN showroom_assignment since
                     ON since.lead_id = l.id AND since.date_to IS NULL AND since.user_id = l.user_id
             WHERE {open_leads} %(lead_filter)s
            """,
            users=list(tz_by_user),
            tzs=list(tz_by_user.values()),
            todays=[today_by_user[user_id] for user_id in tz_by_user],
            done_filter=SQL("AND a.res_id = ANY(%s)", list(lead_ids)) if lead_ids is not None else SQL(),
            lead_filter=SQL("AND l.id = ANY(%s)", list(lead_ids)) if lead_ids is not None else SQL(),
        )

    def _showroom_followup_keeper(self):
        """G4: an opportunity returned to the pool keeps its open follow-ups (R4.1)
        with its team's leader until a consultant claims it."""
        self.ensure_one()
        return self.team_id.user_id

    @api.model
    def _cron_showroom_pool_release(self, batch_size=1000):
        """G4 nightly: the open showroom opportunities whose release date (see
        ``_showroom_release_query``) has come in their holder's day return to their
        team's pool: unassigned (assignment reason "released"), the reason logged in
        their chatter, their former holder notified; their open follow-ups stay open
        with the team's leader (``_showroom_followup_keeper``) until a claim.

        The candidates come from one set-based query; they are released in batches of
        ``batch_size``, each batch locked (``FOR UPDATE SKIP LOCKED``) and checked
        again before it is released, reporting progress and, run as a cron job,
        committing after each batch (``ir.cron._showroom_batch_done``): a second run,
        concurrent or later, releases nothing twice. A batch that fails is retried one
        opportunity at a time; an opportunity that still fails is logged and skipped."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT r.id FROM (%s) AS r(id, user_id, release, today) WHERE r.release <= r.today ORDER BY r.id",
                self._showroom_release_query(self._showroom_pool_holders()),
            )
        )
        lead_ids = [lead_id for (lead_id,) in self.env.cr.fetchall()]
        remaining = len(lead_ids)
        released = failed = 0

        def release(ids):
            with self.env.cr.savepoint():
                return len(self.browse(ids)._showroom_pool_release())

        for batch in split_every(batch_size, lead_ids, list):
            try:
                released += release(batch)
            except Exception:  # noqa: BLE001 - one bad record must not stop the release: retry one by one
                for lead_id in batch:
                    try:
                        released += release([lead_id])
                    except Exception:
                        failed += 1
                        _logger.exception("Showroom pool release: opportunity %s not released", lead_id)
            remaining -= len(batch)
            self.env["ir.cron"]._showroom_batch_done(released, remaining)
            self.env.invalidate_all()
        _logger.info("Showroom pool release: %s opportunities returned to the pool, %s failed", released, failed)
        return released

    @api.model
    def _showroom_pool_holders(self):
        """The users holding open showroom opportunities: the holders whose day the
        release reads."""
        # sudo: only who holds opportunities is read, for the nightly job
        groups = self.sudo()._read_group([*self._showroom_open_domain(), ("user_id", "!=", False)], ["user_id"])
        return self.env["res.users"].sudo().with_context(active_test=False).concat(*(user for (user,) in groups))

    def _showroom_pool_release(self):
        """Release those of these opportunities that are still due (checked again
        under a row lock, ``SKIP LOCKED``: what another run holds is its own).
        Returns the opportunities released."""
        self.env.flush_all()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM crm_lead WHERE id = ANY(%s) AND user_id IS NOT NULL FOR UPDATE SKIP LOCKED",
                    [self.ids],
                )
                locked = [lead_id for (lead_id,) in self.env.cr.fetchall()]
        except psycopg2.errors.SerializationFailure:
            return self.browse()  # released (or claimed) by a run that committed after this one began
        if not locked:
            return self.browse()
        leads = self.browse(locked)
        self.env.cr.execute(self._showroom_release_query(leads.user_id, locked))
        due = {lead_id: release for lead_id, _user_id, release, today in self.env.cr.fetchall() if release <= today}
        leads = self.browse(sorted(due))
        if not leads:
            return leads
        bodies = {lead.id: lead._showroom_release_note(due[lead.id]) for lead in leads}
        by_holder = leads.grouped("user_id")
        # the chatter gets the release note, which names the former holder, instead of
        # the salesperson's tracking line: one message per opportunity, not two
        with self.env["showroom.assignment"]._showroom_reason("released", note=_("Not followed up in time")):
            leads.with_context(mail_notrack=True).write({"user_id": False})
        leads._message_log_batch(bodies=bodies)
        for holder, lost in by_holder.items():
            lost._showroom_notify_released(holder)
        return leads

    def _showroom_release_note(self, release_date):
        """Why this opportunity returns to the pool on ``release_date``, for its
        chatter, in its holder's language."""
        self.ensure_one()
        lead = self.with_context(lang=self.user_id.lang or self.env.lang)
        return Markup("<p>%s</p>") % lead.env._(
            "Returned to the pool of %(team)s: %(holder)s did not follow the customer up for grade %(grade)s's "
            "%(interval)s days plus %(grace)s days of grace (due by %(date)s).",
            team=lead.team_id.name,
            holder=lead.user_id.name,
            grade=lead.showroom_grade_id.code,
            interval=lead.showroom_grade_id.followup_interval_days,
            grace=lead.team_id.showroom_pool_grace_days,
            date=format_date(lead.env, release_date - timedelta(days=1)),
        )

    def _showroom_notify_released(self, holder):
        """Tell ``holder``, in their language and inbox, that these opportunities of
        theirs returned to the pool."""
        lost = self.with_context(lang=holder.lang or self.env.lang)
        self.env["mail.thread"].message_notify(
            partner_ids=holder.partner_id.ids,
            subject=lost.env._("%s customer(s) returned to the pool", len(lost)),
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (
                lost.env._("These customers were not followed up in time and returned to your team's pool:"),
                Markup().join(Markup("<li>%s</li>") % lead.display_name for lead in lost),
            ),
        )

    def action_showroom_pool_claim(self):
        """G4: the current user, a consultant of the opportunities' team, claims these
        opportunities from the pool: under the team's daily claim cap (claims in their
        day) and holding cap, never one they lost to the pool within the team's
        cool-off. The claimant becomes the holder (assignment reason "claimed"); the
        open follow-ups of the pool are closed (reason "claimed", no breach) and the
        claimant gets the 48-hour follow-up (R4.1, ``_showroom_create_followups``).

        Two consultants claiming one customer at once: the rows are locked without
        waiting (``FOR UPDATE NOWAIT``); exactly one claim goes through, the other is
        told so and nothing of it is saved."""
        user = self.env.user
        if not user.has_group("crm_showroom.group_showroom_consultant"):
            raise AccessError(_("Only showroom consultants claim customers from the pool."))
        self.check_access("read")  # another team's or company's pool: not even its names
        # sudo: the pool's rules are checked here, explicitly, before anything is read
        # or written beyond them; the claimant then reads the lead as its holder
        leads = self.sudo()
        leads._showroom_check_claimable(user)
        leads._showroom_lock_pool()
        leads._showroom_check_claim_caps(user)
        leads._showroom_close_followups("claimed")
        with self.env["showroom.assignment"]._showroom_reason("claimed", note=_("Claimed from the pool")):
            leads.write({"user_id": user.id})
        body = Markup("<p>%s</p>") % _("Claimed from the pool by %s.", user.name)
        leads._message_log_batch(bodies=dict.fromkeys(leads.ids, body))
        return True

    def _showroom_check_claimable(self, user):
        """G4: each of these opportunities is in a pool ``user`` may claim from: an open
        showroom opportunity without holder, of a team of theirs, in one of their
        companies, not lost by them to the pool within the team's cool-off."""
        open_leads = self._showroom_filter_open()
        for lead in self:
            if lead not in open_leads:
                raise UserError(_("“%s” is not an open showroom opportunity: it cannot be claimed.", lead.name))
            if lead.company_id and lead.company_id not in user.company_ids:
                raise AccessError(_("“%s” belongs to another company's pool.", lead.name))
            if user not in lead.team_id.member_ids and user != lead.team_id.user_id:
                raise AccessError(
                    _("“%(lead)s” is in the pool of %(team)s, whose members alone claim from it.",
                      lead=lead.name, team=lead.team_id.name)
                )
            if lead.user_id:
                raise UserError(
                    _("“%(lead)s” is no longer in the pool: %(user)s holds it.", lead=lead.name, user=lead.user_id.name)
                )
        now = fields.Datetime.now()
        longest = max(self.team_id.mapped("showroom_pool_cooloff_days"), default=0)
        released = self.env["showroom.assignment"].sudo().search(
            [
                ("lead_id", "in", self.ids),
                ("reason", "=", "released"),
                ("previous_user_id", "=", user.id),
                ("date_from", ">", now - timedelta(days=longest)),
            ],
            order="date_from desc",
        )
        for release in released:
            lead = release.lead_id
            until = release.date_from + timedelta(days=lead.team_id.showroom_pool_cooloff_days)
            if until > now:
                raise UserError(
                    _(
                        "You lost “%(lead)s” to the pool on %(date)s: you may claim it back from %(until)s.",
                        lead=lead.name,
                        date=format_date(self.env, lead.company_id._showroom_date_of(release.date_from, user)),
                        until=format_date(self.env, lead.company_id._showroom_date_of(until, user)),
                    )
                )

    def _showroom_lock_pool(self):
        """Lock these pool opportunities for the claim, without waiting: a colleague
        claiming one of them at this moment wins, and this claim is refused."""
        self.env.flush_all()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM crm_lead WHERE id = ANY(%s) AND user_id IS NULL FOR UPDATE NOWAIT", [self.ids]
                )
                locked = {lead_id for (lead_id,) in self.env.cr.fetchall()}
        except (psycopg2.errors.LockNotAvailable, psycopg2.errors.SerializationFailure):
            locked = set()
        taken = self.filtered(lambda lead: lead.id not in locked)
        if taken:
            raise UserError(
                _(
                    "A colleague has just claimed %s: the customer is theirs. Refresh the pool and choose another one.",
                    format_list(self.env, taken.mapped("name")),
                )
            )

    def _showroom_check_claim_caps(self, user):
        """G4: after these claims, ``user`` stays within each team's daily claim cap
        (claims of the team's customers on their day) and holding cap (open
        opportunities of the team they hold)."""
        day_start, day_end = day_bounds_utc(
            self.env["res.company"]._showroom_today_by_user(user)[user.id],
            self.env["res.company"]._showroom_tz_name(user),
        )
        Assignment = self.env["showroom.assignment"].sudo()
        claimed_today = defaultdict(int)
        for lead, count in Assignment._read_group(
            [
                ("reason", "=", "claimed"),
                ("user_id", "=", user.id),
                ("lead_id.team_id", "in", self.team_id.ids),
                ("date_from", ">=", day_start),
                ("date_from", "<", day_end),
            ],
            ["lead_id"],
            ["__count"],
        ):
            claimed_today[lead.team_id] += count
        held = dict(
            self._read_group(
                [*self._showroom_open_domain(), ("user_id", "=", user.id), ("team_id", "in", self.team_id.ids)],
                ["team_id"],
                ["__count"],
            )
        )
        for team, leads in self.grouped("team_id").items():
            if claimed_today.get(team, 0) + len(leads) > team.showroom_pool_daily_claim_cap:
                raise UserError(
                    _(
                        "You may claim %(cap)s customers a day from the pool of %(team)s and have claimed "
                        "%(count)s today.",
                        cap=team.showroom_pool_daily_claim_cap,
                        team=team.name,
                        count=claimed_today.get(team, 0),
                    )
                )
            if held.get(team, 0) + len(leads) > team.showroom_pool_holding_cap:
                raise UserError(
                    _(
                        "You hold %(count)s open opportunities of %(team)s, and a consultant holds at most "
                        "%(cap)s: win, lose or hand over some before claiming.",
                        count=held.get(team, 0),
                        team=team.name,
                        cap=team.showroom_pool_holding_cap,
                    )
                )

    # ------------------------------------------------------------
    # OWNERSHIP CONFLICTS (R7)
    # ------------------------------------------------------------
    # A colleague of the same company holding the customer opens a
    # ``showroom.conflict`` (create/write: every door); the claimant sees who
    # holds the customer and since when, never the holder's follow-ups. A deal
    # given to the company (R7.3) is held by the team's house account and earns
    # no commission (``showroom_commission_excluded``).

    showroom_commission_excluded = fields.Boolean(
        string="No commission",
        readonly=True,
        copy=False,
        tracking=True,
        help="R7.3: the showroom manager gave this deal to the company after an ownership conflict: "
        "no consultant earns its commission.",
    )
    showroom_conflict_warning = fields.Char(
        string="Ownership conflict",
        compute="_compute_showroom_conflict_warning",
        help="Who holds this customer and since when, while the showroom manager rules (R7).",
    )

    def _compute_showroom_conflict_warning(self):
        # sudo: the claimant reads who holds the customer and since when, nothing of their opportunity
        conflicts = self.env["showroom.conflict"].sudo().search(
            [*self.env["showroom.conflict"]._showroom_open_domain(), ("claimant_lead_id", "in", self._origin.ids)]
        ) if self._origin.ids else self.env["showroom.conflict"]
        by_lead = {conflict.claimant_lead_id.id: conflict for conflict in conflicts}
        for lead in self:
            conflict = by_lead.get(lead._origin.id)
            lead.showroom_conflict_warning = conflict and _(
                "This customer is held by %(holder)s since %(since)s: the showroom manager rules on the conflict.",
                holder=conflict.holder_user_id.name,
                since=format_date(self.env, conflict.company_id._showroom_date_of(conflict.holder_since)),
            )

    def _sort_by_confidence_level(self, reverse=False):
        """A ruling merges into the winner's opportunity (``_showroom_merge_into``):
        it heads the merge whatever its stage."""
        leads = super()._sort_by_confidence_level(reverse=reverse)
        head = leads.browse(self.env.context.get("showroom_merge_head_id")) & leads
        return head + (leads - head) if head else leads

    def _showroom_merge_into(self, head):
        """R7: merge the opportunities of ``self`` into ``head`` with Odoo's merge
        (messages, follow-ups, visit cards and attachments move to ``head``, which
        keeps its values first). The merged opportunities are archived, not deleted:
        a ruling may happen while one of them is being created (every door returns
        it) and the conflict keeps both claims. The losers are unsubscribed from
        ``head`` (they do not read the winner's feedback); the follow-ups moved
        go to ``head``'s salesperson. Returns ``head``."""
        # sudo: a ruling acts for the showroom manager on both consultants' opportunities
        head_su, merged = head.sudo(), self.sudo() - head.sudo()
        losers = merged.user_id.partner_id - head_su.user_id.partner_id
        team = head_su.team_id
        (head_su | merged).with_context(showroom_merge_head_id=head.id)._merge_opportunity(
            user_id=head_su.user_id.id, team_id=team.id, auto_unlink=False, max_length=0
        )
        if head_su.team_id != team:
            # the merge writes ``type``, which recomputes the team from the salesperson's:
            # a house account in no team would take the opportunity out of the showroom
            head_su.team_id = team
        merged.write({"active": False})
        head_su.message_unsubscribe(partner_ids=losers.ids)
        head_su._showroom_reassign_followups()
        return head
