import logging
from collections import defaultdict
from contextlib import suppress

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_amount, format_list

from ..tools import churn, receivables, segments
from ..tools.care_calendar import birthday_key, next_birthday
from ..tools.receivables import RECEIVABLE_DETAIL_GROUPS
from .res_users import MANAGER_GROUP

_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------
    # VEHICLES AND BASE CUSTOMERS (R5, R6)
    # ------------------------------------------------------------
    # R6: a base customer (基盘客户) owns at least one vehicle delivered by the
    # showroom. Vehicles belong to the commercial entity of the buyer (see
    # showroom.vehicle); a contact person sees the vehicles of that entity.

    showroom_vehicle_ids = fields.One2many(
        "showroom.vehicle",
        "partner_id",
        string="Vehicles",
        groups="crm_showroom.group_showroom_consultant,crm_showroom.group_showroom_finance",
    )
    showroom_vehicle_count = fields.Integer(
        string="Vehicle count",
        compute="_compute_showroom_vehicle_count",
        groups="crm_showroom.group_showroom_consultant,crm_showroom.group_showroom_finance",
    )
    is_base_customer = fields.Boolean(
        string="Base customer",
        compute="_compute_is_base_customer",
        store=True,
        help="Owns at least one vehicle the showroom delivered (R6).",
    )

    @api.depends("showroom_vehicle_ids.state", "showroom_vehicle_ids.active")
    def _compute_is_base_customer(self):
        owners = set()
        if self.ids:
            # sudo: a stored flag computed for everyone from vehicles some users cannot read
            delivered = self.env["showroom.vehicle"].sudo()._read_group(
                [("partner_id", "in", self.ids), ("state", "=", "delivered")], ["partner_id"]
            )
            owners = {partner.id for (partner,) in delivered}
        for partner in self:
            partner.is_base_customer = partner.id in owners

    def _compute_showroom_vehicle_count(self):
        counts = dict(
            self.env["showroom.vehicle"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.showroom_vehicle_count = counts.get(partner.commercial_partner_id, 0)

    def action_showroom_view_vehicles(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_showroom.showroom_vehicle_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id, "search_default_delivered": 0}
        return action

    # ------------------------------------------------------------
    # RECEIVABLES (G7)
    # ------------------------------------------------------------
    # G7: consultants and finance staff see the customer's receivables beside the
    # customer, from Odoo's own journal items (no parallel ledger): the open
    # (unreconciled) lines of posted entries on receivable accounts, of the
    # customer's commercial entity, in the companies the user works in, converted
    # into the current company's currency at today's rate. "Today" is the
    # showroom's day of the current company (res.company._showroom_today), never
    # the context's time zone. All figures of a batch of partners come from one
    # grouped query, built by tools/receivables.py.

    showroom_currency_id = fields.Many2one(
        "res.currency",
        string="Receivables currency",
        compute="_compute_showroom_currency_id",
        help="The current company's currency, in which the customer's receivables are shown.",
    )
    showroom_has_overdue = fields.Boolean(
        string="Has overdue payments",
        compute="_compute_showroom_receivables",
        search="_search_showroom_has_overdue",
        help="The customer owes money past its due date on posted invoices, in the companies "
        "you work in (G7).",
    )
    showroom_amount_overdue = fields.Monetary(
        string="Overdue amount",
        compute="_compute_showroom_receivables",
        currency_field="showroom_currency_id",
        help="Open amount of the customer's receivables whose due date has passed.",
    )
    showroom_amount_due = fields.Monetary(
        string="Total receivable",
        compute="_compute_showroom_receivables",
        currency_field="showroom_currency_id",
        groups=RECEIVABLE_DETAIL_GROUPS,
        help="Everything the customer still owes on posted entries, due or not, net of "
        "unallocated payments and credit notes.",
    )
    showroom_overdue_days = fields.Integer(
        string="Days overdue",
        compute="_compute_showroom_receivables",
        groups=RECEIVABLE_DETAIL_GROUPS,
        help="Days since the oldest due date the customer has not paid.",
    )
    showroom_credit_limit = fields.Monetary(
        string="Credit limit",
        compute="_compute_showroom_credit",
        currency_field="showroom_currency_id",
        groups=RECEIVABLE_DETAIL_GROUPS,
        help="The customer's credit limit in the current company (Odoo's own setting: "
        "Accounting settings \u203a Sales Credit Limit, and the partner's limit); 0 when "
        "credit limits are not used.",
    )
    showroom_credit_used = fields.Monetary(
        string="Credit used",
        compute="_compute_showroom_credit",
        currency_field="showroom_currency_id",
        groups=RECEIVABLE_DETAIL_GROUPS,
        help="What counts against the credit limit, as Odoo's own credit check counts it: "
        "the total receivable plus confirmed orders not invoiced yet.",
    )
    showroom_credit_ratio = fields.Float(
        string="Credit used (%)",
        compute="_compute_showroom_credit",
        groups=RECEIVABLE_DETAIL_GROUPS,
        help="Credit used as a percentage of the credit limit.",
    )

    @api.depends_context("company")
    def _compute_showroom_currency_id(self):
        self.showroom_currency_id = self.env.company.currency_id

    @api.depends_context("company", "allowed_company_ids")
    def _compute_showroom_receivables(self):
        """G7: due, overdue and oldest overdue days of each partner's commercial
        entity, for the whole batch in one query (see ``_showroom_receivable_figures``)."""
        figures = self._showroom_receivable_figures()
        currency = self.env.company.currency_id
        for partner in self:
            values = figures.get(partner._origin.commercial_partner_id.id, {})
            overdue = currency.round(values.get("amount_overdue", 0.0))
            partner.showroom_amount_due = currency.round(values.get("amount_due", 0.0))
            partner.showroom_amount_overdue = overdue
            partner.showroom_has_overdue = currency.compare_amounts(overdue, 0.0) > 0
            partner.showroom_overdue_days = values.get("overdue_days", 0)

    @api.depends_context("company", "allowed_company_ids")
    def _compute_showroom_credit(self):
        """G7, G6 credit terms: Odoo's own credit limit of the current company and
        what uses it (total receivable plus confirmed orders not invoiced yet, as in
        Odoo's credit warning on orders and invoices)."""
        company = self.env.company
        if not company.account_use_credit_limit:
            self.showroom_credit_limit = self.showroom_credit_used = self.showroom_credit_ratio = 0.0
            return
        currency = company.currency_id
        # sudo: credit_limit and credit_to_invoice are restricted to accounting
        # groups; only their aggregate reaches these fields, which carry
        # RECEIVABLE_DETAIL_GROUPS themselves.
        for partner in self:
            commercial = partner.sudo()._origin.commercial_partner_id
            limit = commercial.credit_limit
            used = currency.round(partner.showroom_amount_due + commercial.credit_to_invoice)
            partner.showroom_credit_limit = limit
            partner.showroom_credit_used = used
            partner.showroom_credit_ratio = used / limit * 100.0 if limit else 0.0

    def _search_showroom_has_overdue(self, operator, value):
        """The "Overdue payments" filter: partners whose commercial entity has an
        overdue amount, by the same rule as ``showroom_has_overdue`` (one query)."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Customers can only be filtered on whether they have overdue payments or not."))
        today = self._showroom_receivable_today()
        currency = self.env.company.currency_id
        rows = self.env.execute_query(
            SQL(
                "SELECT per_partner.partner_id FROM %s GROUP BY per_partner.partner_id HAVING %s > %s",
                self._showroom_receivable_from(today),
                receivables.rollup([receivables.OVERDUE_KEY], digits=currency.decimal_places)[
                    receivables.OVERDUE_KEY
                ],
                currency.rounding / 2,
            )
        )
        overdue_ids = [row[0] for row in rows]
        operator = "in" if (operator == "=") == value else "not in"
        return [("commercial_partner_id", operator, overdue_ids)]

    # ---- ACTIONS ----

    def action_showroom_open_receivables(self):
        """Drill down from the partner form to the open journal items behind its
        figures (all of them, or one ageing bucket given as ``showroom_bucket`` in the
        context)."""
        self.ensure_one()
        return self.env["res.partner"]._showroom_action_receivable_lines(
            self.commercial_partner_id,
            self.env.companies,
            bucket=self.env.context.get("showroom_bucket"),
        )

    def action_showroom_print_statement(self):
        self.ensure_one()
        return self.env.ref("crm_showroom.action_report_showroom_statement").report_action(self)

    # ---- TOOLS ----

    @api.model
    def _showroom_receivable_today(self):
        """The day the receivables age from: the showroom's day of the current
        company, in which the figures are shown (never the context's time zone: a
        cron has none)."""
        return self.env.company._showroom_today()

    @api.model
    def _showroom_receivable_figures(self, partner_ids=None, today=None, companies=None):
        """G7: receivable figures of commercial entities in one grouped query.

        ``partner_ids`` are commercial partners (default: the commercial partners of
        ``self``); returns ``{commercial partner id: {amount_due, amount_overdue,
        amount_current, amount_1_30, amount_31_60, amount_61_90, amount_over_90,
        oldest_due_date, line_count, overdue_days}}`` in the current company's
        currency, for ``companies`` (default: those the user works in), net of the
        customer's open credits (see ``tools/receivables.py``), aged at ``today``
        (default: the showroom's day). Partners without open items are left out."""
        if partner_ids is None:
            partner_ids = [pid for pid in self._origin.commercial_partner_id.ids if pid]
        if not partner_ids:
            return {}
        today = today or self._showroom_receivable_today()
        keys = receivables.figure_keys()
        currency = self.env.company.currency_id
        rows = self.env.execute_query(
            SQL(
                "SELECT per_partner.partner_id, %s FROM %s GROUP BY per_partner.partner_id",
                SQL(", ").join(receivables.rollup(keys, digits=currency.decimal_places).values()),
                self._showroom_receivable_from(today, partner_ids=partner_ids, companies=companies),
            )
        )
        figures = {}
        for partner_id, *values in rows:
            partner_figures = figures[partner_id] = dict(zip(keys, values, strict=True))
            # the amounts come rounded to the currency (rollup's digits): no
            # compare_amounts, which costs more than the query for 10,000 customers
            partner_figures["overdue_days"] = receivables.overdue_days(
                today, partner_figures["oldest_due_date"], partner_figures["amount_overdue"] > 0
            )
        return figures

    @api.model
    def _showroom_receivable_flush(self):
        """Flush what the receivable queries read (``tools/receivables.py``)."""
        self.env["account.move.line"].flush_model(
            ["account_id", "amount_residual", "company_id", "date", "date_maturity", "parent_state", "partner_id",
             "reconciled"]
        )
        self.env["account.account"].flush_model(["account_type"])
        self.flush_model(["commercial_partner_id"])

    @api.model
    def _showroom_receivable_from(self, today, partner_ids=None, companies=None):
        """SQL FROM clause of the receivable figures of ``companies`` (default: the
        user's), aged at ``today`` and converted into the current company's
        currency at ``today``'s rate (see ``tools.receivables.receivable_from``):
        flushes what the query reads and computes the rates, one per currency,
        never one per partner or line."""
        companies = companies or self.env.companies
        self._showroom_receivable_flush()
        target = self.env.company.currency_id
        rates = {}
        for currency in companies.currency_id:
            rates[currency] = currency._get_conversion_rate(currency, target, self.env.company, today)
        return receivables.receivable_from(
            today,
            [(company.id, rates[company.currency_id]) for company in companies],
            partner_ids=partner_ids,
            precision=self._showroom_receivable_precision(companies),
        )

    @api.model
    def _showroom_receivable_precision(self, companies):
        """Open amounts of ``companies`` closer than this are equal: half the
        smallest rounding of their currencies."""
        return min(companies.currency_id.mapped("rounding")) / 2

    @api.model
    def _showroom_receivable_items(self, partner_ids, companies, today=None):
        """The open items of the commercial entities ``partner_ids`` in
        ``companies`` with their net amount, in one query: rows (id, partner_id,
        company_id, amount, due, age, net) of ``tools.receivables.net_items_query``,
        amounts in each company's currency."""
        if not partner_ids or not companies:
            return []
        self._showroom_receivable_flush()
        today = today or self._showroom_receivable_today()
        return self.env.execute_query(
            SQL(
                "%s ORDER BY due, id",
                receivables.net_items_query(
                    today,
                    companies.ids,
                    partner_ids=list(partner_ids),
                    precision=self._showroom_receivable_precision(companies),
                ),
            )
        )

    @api.model
    def _showroom_consultants(self, partner_ids, company):
        """``{commercial partner id: res.users}``: the consultant of each commercial
        entity ``partner_ids`` in ``company``, as the receivables list shows it:
        the customer's salesperson, else the salesperson of its last confirmed
        order there (one query)."""
        if not partner_ids:
            return {}
        self.flush_model(["commercial_partner_id", "user_id"])
        self.env["sale.order"].flush_model(["company_id", "date_order", "partner_id", "state", "user_id"])
        rows = self.env.execute_query(
            SQL(
                "SELECT commercial.id, %s FROM res_partner commercial WHERE commercial.id = ANY(%s)",
                receivables.consultant("commercial", company.id),
                list(partner_ids),
            )
        )
        return {partner_id: self.env["res.users"].browse(user_id) for partner_id, user_id in rows}

    @api.model
    def _showroom_bucket_names(self):
        """(key, label) of the figures one can drill down into."""
        labels = {
            "amount_current": _("not yet due"),
            "amount_1_30": _("1-30 days overdue"),
            "amount_31_60": _("31-60 days overdue"),
            "amount_61_90": _("61-90 days overdue"),
            "amount_over_90": _("over 90 days overdue"),
        }
        return [(key, labels[key]) for key in receivables.AGEING_KEYS] + [(receivables.OVERDUE_KEY, _("overdue"))]

    @api.model
    def _showroom_action_receivable_lines(self, commercial_partner, companies, bucket=None):
        """The open journal items behind a receivable figure, for the drill-down
        (aged at the showroom's day, as the figures are): all of them, or, for one
        figure, the items of that age and the credits netted against them (see
        ``tools.receivables.bucket_line_ids``)."""
        domain = [
            ("partner_id.commercial_partner_id", "=", commercial_partner.id),
            ("company_id", "in", companies.ids),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("account_id.account_type", "=", "asset_receivable"),
        ]
        bucket_names = dict(self._showroom_bucket_names())
        name = _("Open items of %s", commercial_partner.display_name)
        if bucket in bucket_names:
            name = _("%(partner)s: %(bucket)s", partner=commercial_partner.display_name, bucket=bucket_names[bucket])
            rows = self._showroom_receivable_items([commercial_partner.id], companies)
            precision = self._showroom_receivable_precision(companies)
            line_ids = receivables.bucket_line_ids(rows, bucket, precision=precision)
            domain.append(("id", "in", line_ids))
        return {
            "name": name,
            "type": "ir.actions.act_window",
            "res_model": "account.move.line",
            "view_mode": "list,form",
            "views": [(self.env.ref("account.view_move_line_tree").id, "list"), (False, "form")],
            "search_view_id": [self.env.ref("account.view_account_move_line_filter").id],
            "domain": domain,
            "context": {"create": False},
        }

    # ------------------------------------------------------------
    # REFERRALS AND CAMPAIGN REWARDS (R2.5, R6.3)
    # ------------------------------------------------------------
    # The referral graph: the prospects this customer referred (opportunities whose
    # referring customer they are), those who bought (won), the rewards received.

    showroom_referral_ids = fields.One2many(
        "crm.lead",
        "showroom_referrer_id",
        string="Referrals",
        groups="sales_team.group_sale_salesman",
    )
    showroom_referral_count = fields.Integer(
        string="Referred", compute="_compute_showroom_referrals", groups="sales_team.group_sale_salesman"
    )
    showroom_referral_won_count = fields.Integer(
        string="Referred who bought",
        compute="_compute_showroom_referrals",
        groups="sales_team.group_sale_salesman",
    )
    showroom_campaign_reward_ids = fields.One2many(
        "showroom.campaign.reward",
        "partner_id",
        string="Campaign rewards",
        groups="crm_showroom.group_showroom_consultant,crm_showroom.group_showroom_telemarketing",
    )
    showroom_campaign_reward_count = fields.Integer(
        string="Rewards",
        compute="_compute_showroom_campaign_reward_count",
        groups="crm_showroom.group_showroom_consultant,crm_showroom.group_showroom_telemarketing",
    )

    def _compute_showroom_referrals(self):
        Lead = self.env["crm.lead"].with_context(active_test=False)
        referred = dict(
            Lead._read_group([("showroom_referrer_id", "in", self.ids)], ["showroom_referrer_id"], ["__count"])
        )
        won = dict(
            Lead._read_group(
                [("showroom_referrer_id", "in", self.ids), ("stage_id.is_won", "=", True)],
                ["showroom_referrer_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.showroom_referral_count = referred.get(partner._origin, 0)
            partner.showroom_referral_won_count = won.get(partner._origin, 0)

    def _compute_showroom_campaign_reward_count(self):
        counts = dict(
            self.env["showroom.campaign.reward"]._read_group(
                [("partner_id", "in", self.ids), ("state", "!=", "cancelled")], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.showroom_campaign_reward_count = counts.get(partner._origin, 0)

    def action_showroom_view_referrals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_all_leads")
        action["domain"] = [("showroom_referrer_id", "=", self.id)]
        action["context"] = {"active_test": False, "default_showroom_referrer_id": self.id}
        return action

    def action_showroom_view_campaign_rewards(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_showroom.showroom_campaign_reward_action")
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------
    # CARE SMS (R6.2)
    # ------------------------------------------------------------
    # Birthdays (G1: the customer file holds the contact's birthday), solar or
    # lunar, drive the birthday care day; the stored key (see
    # tools/care_calendar.py) makes "whose birthday is today" one indexed query.

    showroom_birthday = fields.Date(string="Birthday", help="The customer's date of birth.")
    showroom_birthday_lunar = fields.Boolean(
        string="Lunar birthday",
        help="The customer celebrates their birthday on the lunar calendar: the care SMS goes out on the "
        "lunar month and day of their birth each year.",
    )
    showroom_birthday_key = fields.Char(
        string="Birthday key",
        compute="_compute_showroom_birthday_key",
        store=True,
        index="btree_not_null",
        help="Technical: the (lunar) month and day of the birthday, to find whose birthday a day is.",
    )
    showroom_next_birthday = fields.Date(
        string="Next birthday",
        compute="_compute_showroom_next_birthday",
        help="The next day the customer celebrates their birthday (in the showroom's day), on the solar or "
        "lunar calendar.",
    )
    showroom_care_sms_optout = fields.Boolean(
        string="No care SMS",
        help="The customer asked not to receive the showroom's care SMS (holidays, birthday, anniversary).",
    )
    showroom_vehicle_model_name = fields.Char(
        string="Car model",
        compute="_compute_showroom_vehicle_model_name",
        help="The model of the customer's most recently delivered car, for care SMS templates.",
    )
    showroom_care_sms_ids = fields.One2many(
        "showroom.care.sms",
        "partner_id",
        string="Care SMS",
        groups="crm_showroom.group_showroom_manager,crm_showroom.group_showroom_telemarketing",
    )
    showroom_care_sms_count = fields.Integer(
        string="Care SMS count",
        compute="_compute_showroom_care_sms_count",
        groups="crm_showroom.group_showroom_manager,crm_showroom.group_showroom_telemarketing",
    )

    @api.depends("showroom_birthday", "showroom_birthday_lunar")
    def _compute_showroom_birthday_key(self):
        for partner in self:
            try:
                partner.showroom_birthday_key = birthday_key(partner.showroom_birthday, partner.showroom_birthday_lunar)
            except ValueError:  # refused by _check_showroom_birthday
                partner.showroom_birthday_key = False

    @api.depends("showroom_birthday", "showroom_birthday_lunar")
    @api.depends_context("company")
    def _compute_showroom_next_birthday(self):
        today = self.env.company._showroom_today()
        for partner in self:
            try:
                partner.showroom_next_birthday = next_birthday(
                    partner.showroom_birthday, partner.showroom_birthday_lunar, today
                )
            except ValueError:
                partner.showroom_next_birthday = False

    def _compute_showroom_vehicle_model_name(self):
        # sudo: the model name of a customer's car is no secret, and the care SMS
        # renders it for users who cannot read vehicles
        vehicles = self.env["showroom.vehicle"].sudo().search(
            [("partner_id", "in", self._origin.commercial_partner_id.ids), ("state", "=", "delivered")],
            order="delivery_date desc, id desc",
        )
        latest = {}
        for vehicle in vehicles:
            latest.setdefault(vehicle.partner_id.id, vehicle.product_tmpl_id.name)
        for partner in self:
            partner.showroom_vehicle_model_name = latest.get(partner._origin.commercial_partner_id.id, False)

    def _compute_showroom_care_sms_count(self):
        counts = dict(
            self.env["showroom.care.sms"]._read_group([("partner_id", "in", self.ids)], ["partner_id"], ["__count"])
        )
        for partner in self:
            partner.showroom_care_sms_count = counts.get(partner, 0)

    @api.constrains("showroom_birthday", "showroom_birthday_lunar")
    def _check_showroom_birthday(self):
        for partner in self.filtered("showroom_birthday"):
            if partner.showroom_birthday > (partner.company_id or self.env.company)._showroom_today():
                raise ValidationError(_("The birthday of %s is in the future.", partner.display_name))
            if partner.showroom_birthday_lunar and not partner.showroom_birthday_key:
                raise ValidationError(
                    _(
                        "The lunar calendar knows dates from 31 January 1900 to 2099 only: the lunar birthday of %s "
                        "cannot be converted.",
                        partner.display_name,
                    )
                )

    def action_showroom_view_care_sms(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_showroom.showroom_care_sms_action")
        action["domain"] = [("partner_id", "=", self.id)]
        return action

    # ------------------------------------------------------------
    # HOLDERS (G1, G4) AND SEGMENTS (G5)
    # ------------------------------------------------------------
    # Who held a base customer, and when: ``showroom.assignment``, kept at every
    # door that changes the salesperson of a base customer. Only group management
    # moves a base customer to another company (segment); other partners keep
    # stock Odoo's behaviour.

    def write(self, vals):
        if "company_id" in vals:
            base_customers = self.filtered("is_base_customer")
            new_company = self.env["res.company"].browse(vals["company_id"])
            segments.check_segment_moves(base_customers, segments.segment_companies(base_customers), new_company)
        result = super().write(vals)
        if "user_id" in vals:
            self.env["showroom.assignment"]._showroom_record_holders(
                self.filtered("is_base_customer"), "partner_id"
            )
        return result

    # ------------------------------------------------------------
    # CUSTOMER FILE, CREDIT CLASSES AND CHURN WARNING (G1, G6)
    # ------------------------------------------------------------
    # G1: the contact's file (Odoo's own ``title``; the birthday of the care SMS,
    # ``showroom_birthday``; family, interests, relationship level, customer
    # class) and the whole relationship on the partner form: opportunities with
    # their grades, vehicles, done follow-ups, visit cards, rewards, receivables.
    # G6: the class's suggested credit terms, applied by finance staff or a
    # showroom manager; the churn warning of base customers (tools/churn.py).

    showroom_family_note = fields.Text(
        string="Family",
        help="Spouse, children, who decides and drives: what helps the consultant know the family (G1).",
    )
    showroom_interest_ids = fields.Many2many(
        "showroom.interest",
        "res_partner_showroom_interest_rel",
        "partner_id",
        "interest_id",
        string="Interests",
    )
    showroom_relationship_level_id = fields.Many2one(
        "showroom.relationship.level",
        string="Relationship level",
        index="btree_not_null",
        tracking=True,
        help="How close the showroom is to this contact (G1).",
    )
    showroom_customer_class_id = fields.Many2one(
        "showroom.customer.class",
        string="Customer class",
        index="btree_not_null",
        tracking=True,
        help="Person or company, nature and region of the customer, with suggested credit terms (G1, G6).",
    )
    showroom_opportunity_ids = fields.Many2many(
        "crm.lead",
        string="Showroom opportunities",
        compute="_compute_showroom_opportunities",
        groups="sales_team.group_sale_salesman",
        help="The showroom opportunities of the customer and its contacts, open, won or lost.",
    )
    showroom_opportunity_count = fields.Integer(
        string="Open opportunities",
        compute="_compute_showroom_opportunities",
        groups="sales_team.group_sale_salesman",
    )
    showroom_opportunity_grades = fields.Char(
        string="Grades",
        compute="_compute_showroom_opportunities",
        groups="sales_team.group_sale_salesman",
        help="The grades of the customer's open showroom opportunities, hottest first (R3).",
    )
    showroom_followup_done_count = fields.Integer(
        string="Follow-ups done",
        compute="_compute_showroom_followup_done_count",
        groups="crm_showroom.group_showroom_consultant,crm_showroom.group_showroom_telemarketing",
        help="Follow-ups done with the customer's feedback on its opportunities, vehicles and base-customer calls.",
    )
    showroom_visit_count = fields.Integer(
        string="Visits",
        compute="_compute_showroom_visit_count",
        groups="crm_showroom.group_showroom_consultant",
        help="Visit cards of the customer: linked to one of its opportunities, or with one of its mobiles.",
    )
    showroom_churn_risk = fields.Boolean(
        string="Churn risk",
        readonly=True,
        index=True,
        copy=False,
        help="A base customer whose cars have not been seen for the company's churn period, or whose last two "
        "base-customer calls were negative (G6). Set by the daily check, cleared as soon as the customer is "
        "reached (an answered call, a new mileage reading).",
    )
    showroom_churn_reason = fields.Selection(
        [
            (churn.REASON_NOT_SEEN, "Car not seen"),
            (churn.REASON_NEGATIVE_CALLS, "Last two calls negative"),
            (churn.REASON_BOTH, "Car not seen, last two calls negative"),
        ],
        string="Churn reason",
        readonly=True,
        copy=False,
    )
    showroom_churn_last_seen = fields.Date(
        string="Car last seen",
        readonly=True,
        copy=False,
        help="The last day one of the customer's cars was delivered, given a mileage reading (service visit, "
        "call…) or the customer answered a base-customer call.",
    )

    def _showroom_relationship_leads(self):
        """``{commercial partner id: crm.lead}``: the showroom opportunities (open
        or not) of the contacts of these partners' commercial entities, in one search."""
        commercial = self._origin.commercial_partner_id
        leads = self.env["crm.lead"].with_context(active_test=False).search(
            [
                ("partner_id", "child_of", commercial.ids),
                ("type", "=", "opportunity"),
                ("team_id.is_showroom", "=", True),
            ]
        )
        result = defaultdict(lambda: self.env["crm.lead"])
        for lead in leads:
            result[lead.partner_id.commercial_partner_id.id] |= lead
        return result

    def _compute_showroom_opportunities(self):
        leads_by_partner = self._showroom_relationship_leads()
        for partner in self:
            every = leads_by_partner[partner._origin.commercial_partner_id.id]
            leads = every.filtered(lambda lead: lead.active and not lead.stage_id.is_won)
            grades = leads.showroom_grade_id.sorted(lambda grade: (grade.sequence, grade.id))
            partner.showroom_opportunity_ids = every
            partner.showroom_opportunity_count = len(leads)
            partner.showroom_opportunity_grades = " · ".join(grades.mapped("code")) or False

    def _showroom_followup_domain(self):
        """The done showroom follow-ups of these partners' commercial entities:
        of their showroom opportunities, vehicles and base-customer calls."""
        commercial = self._origin.commercial_partner_id

        def readable(model, domain):
            # each user counts the documents they may read: consultants do not read
            # the telemarketing queue, telemarketing does not read opportunities
            Model = self.env[model].with_context(active_test=False)
            return Model.search(domain).ids if Model.has_access("read") else []

        leads = readable("crm.lead", [("partner_id", "child_of", commercial.ids), ("team_id.is_showroom", "=", True)])
        vehicles = readable("showroom.vehicle", [("partner_id", "in", commercial.ids)])
        calls = readable("showroom.milestone.call", [("partner_id", "in", commercial.ids)])
        return [
            ("active", "=", False),
            ("is_showroom_followup", "=", True),
            ("date_done", "!=", False),
            ("showroom_closed_reason", "=", False),
            "|",
            "|",
            "&",
            ("res_model", "=", "crm.lead"),
            ("res_id", "in", leads),
            "&",
            ("res_model", "=", "showroom.vehicle"),
            ("res_id", "in", vehicles),
            "&",
            ("res_model", "=", "showroom.milestone.call"),
            ("res_id", "in", calls),
        ]

    def _compute_showroom_followup_done_count(self):
        Activity = self.env["mail.activity"].with_context(active_test=False)
        activities = Activity.search_fetch(self._showroom_followup_domain(), ["res_model", "res_id"])
        # the document's commercial entity, by model: one read per model
        owner = {}
        for model in ("crm.lead", "showroom.vehicle", "showroom.milestone.call"):
            ids = [act.res_id for act in activities if act.res_model == model]
            for record in self.env[model].with_context(active_test=False).browse(ids):
                owner[model, record.id] = record.partner_id.commercial_partner_id.id
        counts = defaultdict(int)
        for act in activities:
            counts[owner.get((act.res_model, act.res_id))] += 1
        for partner in self:
            partner.showroom_followup_done_count = counts[partner._origin.commercial_partner_id.id]

    def _showroom_visit_keys(self):
        """How visit cards find these partners' commercial entities:
        ``({contact id: commercial id}, {mobile: {commercial ids}})`` over their
        contacts (a card linked to an opportunity of a contact, or with the mobile
        of a contact as typed or normalised as the cards store it)."""
        contacts = self.with_context(active_test=False).search(
            [("id", "child_of", self._origin.commercial_partner_id.ids)]
        )
        by_contact, by_mobile = {}, defaultdict(set)
        for contact in contacts:
            commercial_id = contact.commercial_partner_id.id
            by_contact[contact.id] = commercial_id
            for number in filter(None, (contact.mobile, contact.phone)):
                by_mobile[number].add(commercial_id)
                # not a mobile: visit cards hold valid mobiles only, as typed above is enough
                with suppress(ValidationError):
                    by_mobile[self.env["showroom.visit"]._showroom_format_mobile(number, self.env.company)].add(
                        commercial_id
                    )
        return by_contact, by_mobile

    @staticmethod
    def _showroom_visit_domain_of(by_contact, by_mobile):
        return ["|", ("lead_id.partner_id", "in", list(by_contact)), ("mobile", "in", list(by_mobile))]

    def _compute_showroom_visit_count(self):
        by_contact, by_mobile = self._showroom_visit_keys()
        visits = self.env["showroom.visit"].search_fetch(
            self._showroom_visit_domain_of(by_contact, by_mobile), ["lead_id", "mobile"]
        )
        counts = defaultdict(int)
        for visit in visits:
            owners = set(by_mobile.get(visit.mobile, ()))
            if visit.lead_id.partner_id.id in by_contact:
                owners.add(by_contact[visit.lead_id.partner_id.id])
            for commercial_id in owners:
                counts[commercial_id] += 1
        for partner in self:
            partner.showroom_visit_count = counts[partner._origin.commercial_partner_id.id]

    # ---- ACTIONS ----

    def action_showroom_view_opportunities(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_opportunities")
        action["domain"] = [
            ("partner_id", "child_of", self.commercial_partner_id.id),
            ("team_id.is_showroom", "=", True),
        ]
        action["context"] = {"default_partner_id": self.id, "default_type": "opportunity"}
        return action

    def action_showroom_view_followups(self):
        self.ensure_one()
        return {
            "name": _("Follow-ups of %s", self.commercial_partner_id.display_name),
            "type": "ir.actions.act_window",
            "res_model": "mail.activity",
            "view_mode": "list",
            "views": [(self.env.ref("crm_showroom.mail_activity_view_list_showroom_followup").id, "list")],
            "domain": self._showroom_followup_domain(),
            "context": {"active_test": False, "create": False},
        }

    def action_showroom_view_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_showroom.showroom_visit_action")
        action["domain"] = self._showroom_visit_domain_of(*self._showroom_visit_keys())
        action["context"] = {"default_partner_name": self.name, "default_mobile": self.mobile}
        return action

    def action_showroom_apply_class_credit(self):
        """G6: give each of these customers (their commercial entities) the
        suggested credit terms of their class in the current company: the payment
        term and the credit limit, logged in their chatter. Finance staff and
        showroom managers only; customers without a class are refused and
        nothing is applied."""
        user = self.env.user
        if not self.env.su and not any(
            user.has_group(group) for group in ("crm_showroom.group_showroom_finance", MANAGER_GROUP)
        ):
            raise AccessError(_("Only finance staff and showroom managers apply credit terms."))
        partners = self.commercial_partner_id
        missing = partners.filtered(lambda partner: not partner.showroom_customer_class_id)
        if missing:
            raise UserError(
                _(
                    "These customers have no customer class, whose credit terms could be applied: %s",
                    format_list(self.env, missing.mapped("display_name")),
                )
            )
        company = self.env.company
        for partner in partners:
            customer_class = partner.showroom_customer_class_id
            term = customer_class.payment_term_id
            if term.company_id and term.company_id != company:
                raise UserError(
                    _(
                        "The payment term of the class %(class)s belongs to another company than %(company)s.",
                        **{"class": customer_class.display_name, "company": company.name},
                    )
                )
            # sudo: the rights were checked above (finance or showroom manager), who
            # may not write partners or their accounting fields in stock Odoo; only
            # the class's values are written, and logged under the user's name
            partner.sudo().with_company(company).write(
                {"property_payment_term_id": term.id, "credit_limit": customer_class.credit_limit}
            )
            partner.sudo().message_post(
                author_id=user.partner_id.id,
                body=_(
                    "Credit terms of the class %(class)s applied in %(company)s by %(user)s: payment term "
                    "%(term)s, credit limit %(limit)s.",
                    **{
                        "class": customer_class.display_name,
                        "company": company.name,
                        "user": user.name,
                        "term": term.display_name or _("none"),
                        "limit": format_amount(self.env, customer_class.credit_limit, company.currency_id),
                    },
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    # ---- CHURN (G6) ----

    @api.model
    def _showroom_churn_rules(self):
        """(company id, the company's showroom day, churn period, negative call
        outcomes) of every company."""
        # sudo: the companies' days, periods and negative outcomes, whoever records the
        # event; the outcomes are ir.model.fields.selection records, which only
        # administrators may read (a consultant's answered call refreshes the flag)
        return [
            (
                company.id,
                company._showroom_today(),
                company.showroom_churn_days,
                company.showroom_churn_negative_outcome_ids.mapped("value"),
            )
            for company in self.env["res.company"].sudo().search([])
        ]

    @api.model
    def _showroom_churn_update(self, partner_ids, rules=None, skip_locked=False):
        """G6: recompute the churn flag of the partners ``partner_ids`` in one
        statement (``tools.churn``); returns the ids whose flag, reason or last
        seen day changed. Flushes what the statement reads."""
        if not partner_ids:
            return []
        self.env["showroom.vehicle"].flush_model(["active", "company_id", "delivery_date", "partner_id", "state"])
        self.env["showroom.odometer"].flush_model(["date", "vehicle_id"])
        self.env["showroom.milestone.call"].flush_model(["company_id", "partner_id", "vehicle_id"])
        self.env["mail.activity"].flush_model(["active", "date_done", "res_id", "res_model", "showroom_call_outcome"])
        self.flush_model(
            ["is_base_customer", "showroom_churn_risk", "showroom_churn_reason", "showroom_churn_last_seen"]
        )
        rows = self.env.execute_query(
            churn.churn_update_query(rules or self._showroom_churn_rules(), partner_ids, skip_locked=skip_locked)
        )
        self.invalidate_model(["showroom_churn_risk", "showroom_churn_reason", "showroom_churn_last_seen"])
        return [row[0] for row in rows]

    def _showroom_churn_refresh(self):
        """The customer was reached (a call answered, a mileage reading) or a call
        found them negative again: recompute the flag of these partners'
        commercial entities now, not at the next cron."""
        self._showroom_churn_update(self.commercial_partner_id.ids)

    @api.model
    def _cron_showroom_churn(self, batch_size=5000):
        """G6: the daily churn check of every base customer (and of the flagged
        partners who are no longer base customers, to clear them), in batches of
        ``batch_size`` partners, each one UPDATE (``tools.churn``), in each
        company's showroom day. Idempotent: a second run, or a run beside another
        (partners it is writing are skipped), writes nothing more."""
        self.flush_model(["is_base_customer", "showroom_churn_risk"])
        partner_ids = [
            row[0]
            for row in self.env.execute_query(
                SQL("SELECT id FROM res_partner WHERE is_base_customer OR showroom_churn_risk ORDER BY id")
            )
        ]
        rules = self._showroom_churn_rules()
        changed = 0
        for start in range(0, len(partner_ids), batch_size):
            batch = partner_ids[start : start + batch_size]
            changed += len(self._showroom_churn_update(batch, rules=rules, skip_locked=True))
            self.env["ir.cron"]._showroom_batch_done(start + len(batch), max(len(partner_ids) - start - batch_size, 0))
        _logger.info("Churn check: %s base customers checked, %s changed", len(partner_ids), changed)
        return changed

    # ------------------------------------------------------------
    # OWNERSHIP CONFLICTS (R7)
    # ------------------------------------------------------------
    # A base customer held by a consultant is found by the mobile of a colleague's
    # new opportunity: one indexed query on the sanitized number (E.164).
    phone_sanitized = fields.Char(index="btree_not_null")
