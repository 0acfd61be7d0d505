from odoo import fields, models
from odoo.tools import SQL

from ..tools import receivables


class ShowroomReceivableReport(models.Model):
    """G7: the finance list of customers with receivables, one row per customer
    (commercial entity) and company: total, not yet due, 1-30, 31-60, 61-90 and
    over 90 days overdue, days since the oldest overdue due date, the customer's
    consultant (its salesperson, else the salesperson of its last confirmed sale
    order in that company). The figures are net: the customer's open credits pay
    its oldest items first (see ``tools/receivables.py``).

    Read from Odoo's journal items at query time (``_table_query``, as
    ``account.invoice.report`` does): the ageing is relative to the showroom's day
    of the current company (never the context's time zone), amounts are converted
    into the current company's currency at that day's rate, and only the companies
    the user works in are read. The figures are the same as the partner's
    (``res.partner._showroom_receivable_figures``): both are built from the same
    SQL pieces (``tools/receivables.py``). Each figure drills down to the journal
    items behind it."""

    _name = "showroom.receivable.report"
    _description = "Customer receivables"
    _auto = False
    _rec_name = "partner_id"
    _order = "amount_overdue desc, amount_due desc, id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Consultant", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount_due = fields.Monetary(string="Total", readonly=True)
    amount_current = fields.Monetary(string="Not yet due", readonly=True)
    amount_1_30 = fields.Monetary(string="1-30 days", readonly=True)
    amount_31_60 = fields.Monetary(string="31-60 days", readonly=True)
    amount_61_90 = fields.Monetary(string="61-90 days", readonly=True)
    amount_over_90 = fields.Monetary(string="Over 90 days", readonly=True)
    amount_overdue = fields.Monetary(string="Overdue", readonly=True)
    oldest_due_date = fields.Date(string="Oldest overdue due date", readonly=True)
    overdue_days = fields.Integer(string="Days overdue", readonly=True, aggregator="max")
    line_count = fields.Integer(string="Open items", readonly=True)
    # G6 credit analysis: the customer's class and how much of its credit limit the
    # receivable uses (Odoo's own limit of the row's company, 0 when the company does
    # not use credit limits, as on the partner form)
    customer_class_id = fields.Many2one("showroom.customer.class", string="Customer class", readonly=True)
    credit_limit = fields.Monetary(string="Credit limit", readonly=True, aggregator="sum")
    credit_ratio = fields.Float(
        string="Limit used (%)",
        readonly=True,
        aggregator="max",
        help="The total receivable as a percentage of the credit limit (confirmed orders not invoiced yet, "
        "which the partner form's “Credit used” adds, are not in this list); 0 without a limit.",
    )

    _depends = {
        "account.move.line": [
            "account_id",
            "amount_residual",
            "company_id",
            "date",
            "date_maturity",
            "parent_state",
            "partner_id",
            "reconciled",
        ],
        "account.move": ["state"],
        "account.account": ["account_type"],
        "res.partner": ["commercial_partner_id", "credit_limit", "showroom_customer_class_id", "user_id"],
        "sale.order": ["company_id", "date_order", "partner_id", "state", "user_id"],
    }

    @property
    def _table_query(self):
        Partner = self.env["res.partner"]
        today = Partner._showroom_receivable_today()
        currency = self.env.company.currency_id
        Partner.flush_model(["credit_limit", "showroom_customer_class_id", "user_id"])
        self.env["sale.order"].flush_model(["company_id", "date_order", "partner_id", "state", "user_id"])
        return SQL(
            """
            SELECT MIN(per_partner.id) AS id,
                   partner.id AS partner_id,
                   per_partner.company_id AS company_id,
                   %(consultant)s AS user_id,
                   %(currency)s AS currency_id,
                   %(figures)s,
                   CASE WHEN %(overdue)s > %(half_cent)s
                        THEN %(today)s::date - MIN(per_partner.oldest_due_date) ELSE 0 END AS overdue_days,
                   partner.showroom_customer_class_id AS customer_class_id,
                   %(limit)s AS credit_limit,
                   CASE WHEN %(limit)s > 0 THEN ROUND((%(due)s / %(limit)s * 100)::numeric, 2)::float8
                        ELSE 0 END AS credit_ratio
              FROM %(from)s
              JOIN res_partner partner ON partner.id = per_partner.partner_id
              JOIN %(credit)s ON showroom_credit.company_id = per_partner.company_id
          GROUP BY partner.id, per_partner.company_id
            """,
            consultant=receivables.consultant("partner", SQL("per_partner.company_id")),
            currency=currency.id,
            figures=SQL(", ").join(
                SQL("%s AS %s", expr, SQL.identifier(key))
                for key, expr in receivables.rollup(receivables.figure_keys(), digits=currency.decimal_places).items()
            ),
            today=today,
            overdue=receivables.rollup([receivables.OVERDUE_KEY], digits=currency.decimal_places)[
                receivables.OVERDUE_KEY
            ],
            half_cent=currency.rounding / 2,
            limit=self._credit_limit_sql(currency),
            due=receivables.rollup(["amount_due"], digits=currency.decimal_places)["amount_due"],
            credit=self._credit_table(),
            **{"from": Partner._showroom_receivable_from(today)},
        )

    def _credit_table(self):
        """A VALUES table ``showroom_credit(company_id, use_limit, fallback)``: for
        each company of the user, whether it uses credit limits and its default
        limit (Odoo's fallback of the company-dependent ``credit_limit``)."""
        # sudo: the companies' default credit limits (ir.default); only the
        # customers' limits built from them reach the rows
        Partner = self.env["res.partner"].sudo()
        field = Partner._fields["credit_limit"]
        rows = [
            SQL(
                "(%s, %s, %s::float8)",
                company.id,
                bool(company.account_use_credit_limit),
                field.get_company_dependent_fallback(Partner.with_company(company)) or 0.0,
            )
            for company in self.env.companies
        ]
        return SQL("(VALUES %s) AS showroom_credit(company_id, use_limit, fallback)", SQL(", ").join(rows))

    @staticmethod
    def _credit_limit_sql(currency):
        """SQL: the customer's credit limit in the row's company (its own value of
        the company-dependent field, else the company's default), converted like the
        figures; 0 when the company does not use credit limits."""
        return SQL(
            """ROUND((CASE WHEN BOOL_AND(showroom_credit.use_limit)
                          THEN COALESCE((partner.credit_limit ->> per_partner.company_id::text)::float8,
                                        MAX(showroom_credit.fallback)) * MAX(showroom_rate.rate)
                          ELSE 0 END)::numeric, %s)::float8""",
            currency.decimal_places,
        )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_open_lines(self):
        """Drill down to the open journal items behind a figure of this row (the
        figure is named by ``showroom_bucket`` in the context; none: all)."""
        self.ensure_one()
        return self.env["res.partner"]._showroom_action_receivable_lines(
            self.partner_id, self.company_id, bucket=self.env.context.get("showroom_bucket")
        )
