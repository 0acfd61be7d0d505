from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import SQL

PERIODS = [("this_week", "This week"), ("last_week", "Last week")]


class ShowroomFollowupComplianceReport(models.Model):
    """Follow-up compliance (G6, R4): per consultant (the follow-up's assignee),
    company, team and week, the governed follow-ups due, done on time, done late
    and missing, and the median hours from an opportunity's registration to its
    first done follow-up.

    The follow-ups are those the rule book governs, selected by the one
    definition of the follow-up mixin (``_showroom_governed_followup_sql``);
    follow-ups closed without execution (won, lost, returned) are no part of it.
    Weeks are calendar weeks (Monday first) of the showroom's day: a follow-up is
    *due* in the week of its deadline, *done* (on time: on or before its
    deadline; late: after) in the week of its ``date_done`` — both already the
    assignee's calendar day (R4.2) —, *missing* in the week of its deadline
    when it is still open and overdue in its assignee's today (the mixin's
    ``_showroom_due_domain``). "This week" and "last week" (``period``) are the
    company's. The median counts each opportunity once, in the week and for the
    consultant of its first done follow-up; grouped over several weeks the pivot
    shows the average of the weekly medians (a median does not add up).

    Read at query time (``_table_query``), in one scan of the follow-ups: each
    gives a "due" event and, done, a "done" event."""

    _name = "showroom.followup.compliance.report"
    _description = "Follow-up Compliance"
    _auto = False
    _rec_name = "user_id"
    _order = "week_start desc, missing_count desc, user_id"

    user_id = fields.Many2one("res.users", string="Consultant", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    week_start = fields.Date(string="Week", readonly=True, help="The Monday of the week, in the showroom's day.")
    period = fields.Selection(PERIODS, readonly=True, help="The week, relative to the company's today.")
    due_count = fields.Integer(string="Due", readonly=True, help="Follow-ups whose deadline falls in the week.")
    on_time_count = fields.Integer(
        string="Done on time", readonly=True, help="Follow-ups done in the week, on or before their deadline."
    )
    late_count = fields.Integer(
        string="Done late", readonly=True, help="Follow-ups done in the week, after their deadline."
    )
    missing_count = fields.Integer(
        string="Missing", readonly=True, help="Follow-ups due in the week, not done and past their deadline."
    )
    first_followup_count = fields.Integer(
        string="First follow-ups", readonly=True, help="Opportunities whose first follow-up was done in the week."
    )
    first_followup_hours = fields.Float(
        string="Median hours to first follow-up",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Median time from the opportunity's registration to its first done follow-up. Over several "
        "weeks or consultants: the average of the medians.",
    )

    _depends = {
        "mail.activity": [
            "res_model", "res_id", "active", "activity_type_id", "user_id", "date_deadline", "date_done",
            "showroom_done_at", "showroom_closed_reason",
        ],
        "mail.activity.type": ["is_showroom_followup"],
        "crm.lead": ["company_id", "team_id", "create_date"],
        "res.users": ["company_id", "sale_team_id"],
    }

    @property
    def _table_query(self):
        return self._showroom_weekly_sql(
            SQL(
                """
                SELECT f.user_id, f.company_id, f.team_id, ev.week_start,
                       COUNT(*) FILTER (WHERE ev.kind = 'due') AS due_count,
                       COUNT(*) FILTER (WHERE ev.kind = 'done' AND f.date_done <= f.date_deadline) AS on_time_count,
                       COUNT(*) FILTER (WHERE ev.kind = 'done' AND f.date_done > f.date_deadline) AS late_count,
                       COUNT(*) FILTER (WHERE ev.kind = 'due' AND f.is_missing) AS missing_count,
                       COUNT(*) FILTER (WHERE ev.kind = 'done' AND f.is_first) AS first_followup_count,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY f.first_hours)
                           FILTER (WHERE ev.kind = 'done' AND f.is_first) AS first_followup_hours
                  FROM (%s) f
            CROSS JOIN LATERAL (
                       VALUES ('due', date_trunc('week', f.date_deadline)::date),
                              ('done', date_trunc('week', f.date_done)::date)
                       ) ev(kind, week_start)
                 WHERE ev.week_start IS NOT NULL
              GROUP BY f.user_id, f.company_id, f.team_id, ev.week_start
                """,
                self._showroom_followup_facts_sql(),
            ),
            ["user_id", "company_id", "team_id"],
        )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_open_followups(self):
        """The follow-ups behind a figure of this row, named by ``showroom_figure``
        in the context ("due", "on_time", "late", "missing"; none: all of the
        row's), done ones included: the same facts as the figures."""
        self.ensure_one()
        due = SQL("date_trunc('week', f.date_deadline)::date = %s", self.week_start)
        done = SQL("date_trunc('week', f.date_done)::date = %s", self.week_start)
        conditions = {
            "due": due,
            "missing": SQL("%s AND f.is_missing", due),
            "on_time": SQL("%s AND f.date_done <= f.date_deadline", done),
            "late": SQL("%s AND f.date_done > f.date_deadline", done),
            None: SQL("(%s OR %s)", due, done),
        }
        rows = self.env.execute_query(
            SQL(
                """SELECT f.id FROM (%s) f
                    WHERE f.user_id IS NOT DISTINCT FROM %s AND f.company_id IS NOT DISTINCT FROM %s
                      AND f.team_id IS NOT DISTINCT FROM %s AND %s""",
                self._showroom_followup_facts_sql(),
                self.user_id.id or None,
                self.company_id.id or None,
                self.team_id.id or None,
                conditions[self.env.context.get("showroom_figure")],
            )
        )
        action = self.env["ir.actions.actions"]._for_xml_id("crm_showroom.mail_activity_action_showroom_compliance")
        action["domain"] = [("id", "in", [row[0] for row in rows])]
        action["context"] = {"active_test": False, "create": False}
        action["name"] = _("Follow-ups: %(row)s, week of %(week)s", row=self.display_name, week=self.week_start)
        return action

    def action_print(self):
        """The managers' PDF of the selected rows."""
        return self.env.ref("crm_showroom.action_report_showroom_followup_compliance").report_action(self)

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    @api.model
    def _showroom_weekly_sql(self, figures, keys):
        """The rows of ``figures`` (an SQL query with a ``week_start`` column),
        numbered in the order of the week and the columns ``keys``, with their
        ``period`` ("this_week", "last_week") in their company's day."""
        companies = self.env["res.company"].sudo().search([])
        mondays = SQL(", ").join(
            SQL("(%s, %s::date)", company.id, today - timedelta(days=today.weekday()))
            for company, today in ((company, company._showroom_today()) for company in companies)
        )
        return SQL(
            """
            WITH company_week(company_id, monday) AS (VALUES %s)
            SELECT ROW_NUMBER() OVER (ORDER BY fig.week_start, %s) AS id,
                   fig.*,
                   CASE fig.week_start WHEN cw.monday THEN 'this_week'
                                       WHEN cw.monday - 7 THEN 'last_week' END AS period
              FROM (%s) fig
         LEFT JOIN company_week cw ON cw.company_id = fig.company_id
            """,
            mondays,
            SQL(", ").join(SQL("fig.%s", SQL.identifier(key)) for key in keys),
            figures,
        )

    @api.model
    def _showroom_followup_facts_sql(self):
        """One row per governed follow-up not closed without execution: its
        assignee, company and team (its opportunity's, else its assignee's),
        deadline, done day, whether it is missing (open and overdue in its
        assignee's day), and, the first done follow-up of an opportunity, the
        hours since the opportunity was registered (``first_hours``). Also read
        by ``showroom.followup.feedback.report``."""
        Mixin = self.env["showroom.followup.mixin"]
        self.env["mail.activity"].flush_model()
        self.env["crm.lead"].flush_model(["company_id", "team_id"])
        governed = Mixin._showroom_governed_followup_sql("a")
        overdue = Mixin._showroom_where_sql("mail.activity", Mixin._showroom_due_domain("<"), "a")
        # a done follow-up's moment; those done before it was recorded: their last write
        done_at = "COALESCE(a.showroom_done_at, a.write_date)"
        first = "(a.res_model = 'crm.lead' AND a.active IS NOT TRUE AND ROW_NUMBER() OVER first_done = 1)"
        return SQL(
            f"""
            SELECT a.id, a.user_id, a.res_model, a.res_id, a.active, a.date_deadline, a.date_done,
                   COALESCE(lead.company_id, u.company_id) AS company_id,
                   COALESCE(lead.team_id, u.sale_team_id) AS team_id,
                   ({overdue}) AS is_missing,
                   {first} AS is_first,
                   CASE WHEN {first}
                        THEN EXTRACT(EPOCH FROM {done_at} - lead.create_date) / 3600.0 END AS first_hours
              FROM mail_activity a
         LEFT JOIN res_users u ON u.id = a.user_id
         LEFT JOIN crm_lead lead ON a.res_model = 'crm.lead' AND lead.id = a.res_id
                   {governed}
               AND a.showroom_closed_reason IS NULL
            WINDOW first_done AS (PARTITION BY a.res_model, a.res_id, a.active IS NOT TRUE ORDER BY {done_at}, a.id)
            """
        )

    @api.depends("user_id", "week_start")
    def _compute_display_name(self):
        for row in self:
            row.display_name = row.user_id.name or _("Unassigned")
