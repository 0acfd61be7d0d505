from datetime import timedelta

from odoo import _, api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

PERIODS = [("this_week", "This week"), ("last_week", "Last week")]


class ShowroomWeeklyReportMixin(models.AbstractModel):
    """What the weekly reports of follow-ups (G6) share: the week (its Monday,
    in the showroom's day), the company, and ``period`` — "this week" or "last
    week" in the company's day (never the browser's) — searchable as a
    condition on ``company_id`` and ``week_start``, so that the query reads
    those weeks only."""

    _name = "showroom.weekly.report.mixin"
    _description = "Showroom weekly report"

    company_id = fields.Many2one("res.company", readonly=True)
    week_start = fields.Date(string="Week", readonly=True, help="The Monday of the week, in the showroom's day.")
    period = fields.Selection(
        PERIODS,
        compute="_compute_period",
        search="_search_period",
        help="The week, relative to the company's today.",
    )

    @api.depends("week_start", "company_id")
    def _compute_period(self):
        mondays = self._showroom_company_mondays()
        for row in self:
            monday = mondays.get(row.company_id.id)
            offset = monday and row.week_start and (monday - row.week_start).days
            row.period = {0: "this_week", 7: "last_week"}.get(offset, False)

    def _search_period(self, operator, value):
        if operator not in ("=", "in"):
            raise NotImplementedError(_("Unsupported search on the period."))
        periods = [value] if operator == "=" else list(value)
        offsets = {"this_week": 0, "last_week": 7}
        return (
            expression.OR(
                [
                    [("company_id", "=", company_id), ("week_start", "=", monday - timedelta(days=offsets[period]))]
                    for company_id, monday in self._showroom_company_mondays().items()
                    for period in periods
                    if period in offsets
                ]
            )
            or expression.FALSE_DOMAIN
        )

    @api.model
    def _showroom_company_mondays(self):
        """``{company id: Monday of its current week}``, in each company's day."""
        companies = self.env["res.company"].sudo().search([])
        return {
            company.id: today - timedelta(days=today.weekday())
            for company, today in ((company, company._showroom_today()) for company in companies)
        }

    @api.model
    def _showroom_weeks_sql(self):
        """The Mondays (``week_start``) from the week of the oldest follow-up's
        deadline or done day to that of the latest (read on their indexes)."""
        return SQL(
            """
            SELECT generate_series(date_trunc('week', LEAST(MIN(first), MIN(last))),
                                   GREATEST(MAX(first), MAX(last)), interval '7 days')::date AS week_start
              FROM (SELECT MIN(date_deadline) AS first, MAX(date_deadline) AS last FROM mail_activity
                     UNION ALL
                    SELECT MIN(date_done), MAX(date_done) FROM mail_activity) bounds
            """
        )
