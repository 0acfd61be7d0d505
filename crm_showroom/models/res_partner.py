from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

# G7: who sees a customer's receivable details (total, oldest overdue days, credit
# limit and its use). Everyone else sees only whether the customer is overdue and
# the overdue amount. The settings switch "Consultants see receivable details"
# implies the first group on every employee.
RECEIVABLE_DETAIL_GROUPS = (
    "crm_showroom.group_showroom_receivable_details,account.group_account_invoice,account.group_account_readonly"
)

# Ageing periods in days overdue, as in Odoo's aged receivable: not yet due,
# 1-30, 31-60, 61-90, over 90. (key, first day, last day)
AGEING_PERIODS = (
    ("amount_current", None, 0),
    ("amount_1_30", 1, 30),
    ("amount_31_60", 31, 60),
    ("amount_61_90", 61, 90),
    ("amount_over_90", 91, None),
)


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
    # into the current company's currency at today's rate. All figures of a batch
    # of partners come from one grouped query.

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
        today = fields.Date.context_today(self)
        rows = self.env.execute_query(
            SQL(
                "SELECT partner.commercial_partner_id FROM %s GROUP BY partner.commercial_partner_id HAVING %s > %s",
                self._showroom_receivable_from(today),
                self._showroom_receivable_rollup(["amount_overdue"])["amount_overdue"],
                self.env.company.currency_id.rounding / 2,
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
    def _showroom_receivable_figures(self, partner_ids=None, today=None):
        """G7: receivable figures of commercial entities in one grouped query.

        ``partner_ids`` are commercial partners (default: the commercial partners of
        ``self``); returns ``{commercial partner id: {amount_due, amount_overdue,
        amount_current, amount_1_30, amount_31_60, amount_61_90, amount_over_90,
        oldest_due_date, line_count, overdue_days}}`` in the current company's
        currency, for the companies the user works in. Partners without open items
        are left out."""
        if partner_ids is None:
            partner_ids = [pid for pid in self._origin.commercial_partner_id.ids if pid]
        if not partner_ids:
            return {}
        today = today or fields.Date.context_today(self)
        keys = [*self._showroom_receivable_aggregates(), "line_count"]
        rows = self.env.execute_query(
            SQL(
                "SELECT partner.commercial_partner_id, %s FROM %s GROUP BY partner.commercial_partner_id",
                SQL(", ").join(self._showroom_receivable_rollup(keys).values()),
                self._showroom_receivable_from(today, partner_ids=partner_ids),
            )
        )
        currency = self.env.company.currency_id
        figures = {}
        for partner_id, *values in rows:
            partner_figures = figures[partner_id] = dict(zip(keys, values, strict=True))
            oldest = partner_figures["oldest_due_date"]
            # an overdue invoice that unallocated payments or credit notes cover is no delay
            is_overdue = currency.compare_amounts(partner_figures["amount_overdue"], 0.0) > 0
            partner_figures["overdue_days"] = (today - oldest).days if oldest and is_overdue else 0
        return figures

    @api.model
    def _showroom_receivable_from(self, today, partner_ids=None, companies=None):
        """SQL FROM clause of the receivable figures: the figures per partner and
        company of the open items (``per_partner``, see
        ``_showroom_receivable_per_partner``), their partner (``partner``, whose
        ``commercial_partner_id`` one groups on) and the rate converting the
        company's currency into the current company's (``showroom_rate``). Items
        are first summed per partner and company, in the company's currency, then
        these few rows per commercial entity are converted and summed
        (``_showroom_receivable_rollup``): the fast way over many items."""
        companies = companies or self.env.companies
        return SQL(
            """(%s) per_partner
               JOIN res_partner partner ON partner.id = per_partner.partner_id
               JOIN %s ON showroom_rate.company_id = per_partner.company_id""",
            self._showroom_receivable_per_partner(today, partner_ids=partner_ids, companies=companies),
            self._showroom_rate_table(companies, today),
        )

    @api.model
    def _showroom_receivable_per_partner(self, today, partner_ids=None, companies=None):
        """SQL: the receivable figures of the open items per partner and company, in
        the company's currency. Columns: partner_id, company_id, id (the smallest
        item id), line_count and the keys of ``_showroom_receivable_aggregates``."""
        aggregates = self._showroom_receivable_aggregates()
        return SQL(
            """SELECT item.partner_id, item.company_id, MIN(item.id) AS id, COUNT(*) AS line_count, %s
                 FROM (%s) item
             GROUP BY item.partner_id, item.company_id""",
            SQL(", ").join(SQL("%s AS %s", expr, SQL.identifier(key)) for key, expr in aggregates.items()),
            self._showroom_open_items(today, partner_ids=partner_ids, companies=companies),
        )

    @api.model
    def _showroom_receivable_rollup(self, keys):
        """``{key: SQL}`` summing the figures ``keys`` of ``per_partner`` per
        commercial entity, converted with ``showroom_rate``."""
        rollup = {}
        for key in keys:
            if key == "oldest_due_date":
                rollup[key] = SQL("MIN(per_partner.oldest_due_date)")
            elif key == "line_count":
                rollup[key] = SQL("SUM(per_partner.line_count)::int")
            else:
                rollup[key] = SQL(
                    "COALESCE(SUM(%s * showroom_rate.rate), 0)::float8", SQL.identifier("per_partner", key)
                )
        return rollup

    @api.model
    def _showroom_open_items(self, today, partner_ids=None, companies=None):
        """SQL: the open receivable journal items of ``companies`` (default: the
        user's companies): posted, not fully reconciled, on a receivable account; of
        the commercial entities ``partner_ids`` (default: all). Columns: id,
        partner_id, company_id, amount (open amount in the company's currency),
        due (the due date, else the date) and age (days past due; 0 or less: not
        due yet)."""
        companies = companies or self.env.companies
        self.env["account.move.line"].flush_model(
            ["account_id", "amount_residual", "company_id", "date", "date_maturity", "parent_state", "partner_id",
             "reconciled"]
        )
        self.env["account.account"].flush_model(["account_type"])
        self.flush_model(["commercial_partner_id"])
        partner_filter = SQL()
        if partner_ids is not None:
            partner_filter = SQL(
                "AND line.partner_id IN (SELECT id FROM res_partner WHERE commercial_partner_id = ANY(%s))",
                list(partner_ids),
            )
        # float8: summing floats is much faster than numerics, and amounts are
        # rounded to the currency afterwards, as the ORM's Monetary fields are.
        return SQL(
            """SELECT line.id, line.partner_id, line.company_id,
                      line.amount_residual::float8 AS amount,
                      COALESCE(line.date_maturity, line.date) AS due,
                      %s::date - COALESCE(line.date_maturity, line.date) AS age
                 FROM account_move_line line
                WHERE line.parent_state = 'posted'
                  AND line.reconciled IS NOT TRUE
                  AND line.account_id = ANY(ARRAY(
                      SELECT id FROM account_account WHERE account_type = 'asset_receivable'))
                  AND line.company_id = ANY(%s)
                  AND line.partner_id IS NOT NULL
                  %s""",
            today,
            companies.ids,
            partner_filter,
        )

    @api.model
    def _showroom_rate_table(self, companies, today):
        """A VALUES table ``showroom_rate(company_id, rate)`` converting the currency
        of each of ``companies`` into the current company's at ``today``'s rate: one
        rate per currency, never one per partner or line."""
        target = self.env.company.currency_id
        rates = {}
        rows = []
        for company in companies:
            currency = company.currency_id
            if currency not in rates:
                rates[currency] = currency._get_conversion_rate(currency, target, self.env.company, today)
            rows.append(SQL("(%s, %s::float8)", company.id, rates[currency]))
        return SQL("(VALUES %s) AS showroom_rate(company_id, rate)", SQL(", ").join(rows))

    @api.model
    def _showroom_receivable_aggregates(self):
        """SQL aggregates of the receivable figures over the open items ``item`` of
        ``_showroom_open_items``: total, overdue, each ageing period
        (``AGEING_PERIODS``) and the oldest due date not paid."""
        aggregates = {
            "amount_due": SQL("SUM(item.amount)"),
            "amount_overdue": SQL("SUM(item.amount) FILTER (WHERE item.age > 0)"),
        }
        for key, first, last in AGEING_PERIODS:
            conditions = []
            if first is not None:
                conditions.append(SQL("item.age >= %s", first))
            if last is not None:
                conditions.append(SQL("item.age <= %s", last))
            aggregates[key] = SQL("SUM(item.amount) FILTER (WHERE %s)", SQL(" AND ").join(conditions))
        aggregates["oldest_due_date"] = SQL("MIN(item.due) FILTER (WHERE item.age > 0 AND item.amount > 0)")
        return aggregates

    @api.model
    def _showroom_bucket_domain(self, bucket, today):
        """Domain on ``account.move.line`` of one ageing bucket (a key of
        ``AGEING_PERIODS``, or ``amount_overdue``; anything else: all open items),
        matching ``_showroom_receivable_aggregates``."""
        periods = {key: (first, last) for key, first, last in AGEING_PERIODS}
        periods["amount_overdue"] = (1, None)
        if bucket not in periods:
            return []
        first, last = periods[bucket]

        def on(fname):
            domain = []
            if first is not None:  # at least `first` days old: due on or before today - first
                domain.append((fname, "<=", today - timedelta(days=first)))
            if last is not None:
                domain.append((fname, ">=", today - timedelta(days=last)))
            return domain

        return expression.OR(
            [
                [("date_maturity", "!=", False), *on("date_maturity")],
                [("date_maturity", "=", False), *on("date")],
            ]
        )

    @api.model
    def _showroom_action_receivable_lines(self, commercial_partner, companies, bucket=None):
        """The open journal items behind a receivable figure, for the drill-down."""
        today = fields.Date.context_today(self)
        domain = [
            ("partner_id.commercial_partner_id", "=", commercial_partner.id),
            ("company_id", "in", companies.ids),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("account_id.account_type", "=", "asset_receivable"),
            *self._showroom_bucket_domain(bucket, today),
        ]
        bucket_names = dict(self.env["showroom.receivable.report"]._showroom_bucket_names())
        name = _("Open items of %s", commercial_partner.display_name)
        if bucket in bucket_names:
            name = _("%(partner)s: %(bucket)s", partner=commercial_partner.display_name, bucket=bucket_names[bucket])
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
